"""The learning-curve model: published figures parsed from the table, seeded simulation, CUSUM."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.core.data import DataError, load_table
from widgets.evidence import learning_curve as lc
from widgets.evidence.tables import change_point_spread_table, cusum_summary, plateau_table


def test_published_figures_are_read_from_the_table():
    # learning_curve.csv, PETLD row: 48 cases, plateau 25, "66.00 (SD 11.37)", "50.43 (SD 7.52)",
    # notes "operation time (min) = 69.925 - 0.503 x case number"
    c = lc.published_curve()
    assert (c.n_cases, c.plateau_case) == (48, 25)
    assert (c.early_mean, c.early_sd, c.late_mean, c.late_sd) == (66.0, 11.37, 50.43, 7.52)
    assert (c.intercept, c.slope) == (69.925, 0.503)
    assert (c.unit, c.source_key, c.confidence) == ("min", "PETLDLearningCurve", "read-directly")
    row = load_table("learning_curve").set_index("source_key").loc["PETLDLearningCurve"]
    assert "69.925 - 0.503 x case number" in row["notes"]
    assert row["early_value_text"].startswith("66.00 (SD 11.37)")


def test_regression_time_by_hand():
    # 69.925 - 0.503 x 48 = 45.781; case 1: 69.422
    assert lc.regression_time(48) == pytest.approx(45.781)
    assert lc.regression_time(1) == pytest.approx(69.422)
    with pytest.raises(ValueError, match="case number"):
        lc.regression_time(0)


def test_cusum_by_hand():
    # [3, 1, 2]: mean 2, deviations (1, -1, 0), running sums (1, 0, 0)
    assert lc.cusum([3.0, 1.0, 2.0]).tolist() == [1.0, 0.0, 0.0]
    assert lc.cusum([3.0, 1.0, 2.0], target=0.0).tolist() == [3.0, 4.0, 6.0]
    assert lc.change_point([3.0, 1.0, 2.0]) == 1
    # a metric that rises with experience: the minimum marks the change
    assert lc.change_point([1.0, 1.0, 5.0, 5.0], improving_means_lower=False) == 2


def test_cusum_finds_the_known_change_point_of_a_constructed_series():
    # 10 cases at 100 min, then 10 at 80: mean 90, sums rise by 10 to 100 at case 10, then fall to 0
    series = [100.0] * 10 + [80.0] * 10
    s = lc.cusum(series)
    assert s[9] == pytest.approx(100.0) and s[-1] == pytest.approx(0.0)
    assert lc.change_point(series) == 10
    # the PETLD step, noise-free: 25 cases at 66.00, 23 at 50.43; mean = (1650 + 1159.89) / 48 = 58.539;
    # peak S_25 = 25 x (66 - 58.539) = 186.52 at case 25, the published plateau
    curve = lc.published_curve()
    step = lc.simulate_series(curve, "step", noise=False)
    assert lc.change_point(step) == 25 == curve.plateau_case
    assert lc.cusum(step)[24] == pytest.approx(25 * (66 - (25 * 66 + 23 * 50.43) / 48))
    assert lc.constructed_change_point() == 25
    # a straight line has no plateau, yet its CUSUM peaks where it crosses its mean (mid-series)
    assert lc.constructed_change_point(shape="line") == 24


def test_simulation_is_seeded_and_uses_the_published_means():
    curve = lc.published_curve()
    a, b = lc.simulate_series(curve, "step", seed=3), lc.simulate_series(curve, "step", seed=3)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, lc.simulate_series(curve, "step", seed=4))
    assert a.shape == (48,)
    expected = lc.expected_times(curve, "step")
    assert expected[:25].tolist() == [66.0] * 25 and expected[25:].tolist() == [50.43] * 23
    line = lc.expected_times(curve, "line")
    assert line[0] == pytest.approx(69.422) and line[-1] == pytest.approx(45.781)


def test_change_point_spread_centres_on_the_published_plateau():
    curve = lc.published_curve()
    spread = lc.change_point_spread(curve, "step", n_surgeons=200, seed=0)
    assert spread["median"] == 25.0
    assert spread["p5"] < 25 <= spread["p95"]
    assert spread == lc.change_point_spread(curve, "step", n_surgeons=200, seed=0)  # seeded
    assert lc.spread_value("median") == 25.0
    table = change_point_spread_table()
    assert table["CUSUM peak without noise"].tolist() == [25, 24]
    with pytest.raises(ValueError, match="quantity must be one of"):
        lc.spread_value("mode")


def test_cusum_summary_sets_simulated_beside_published():
    curve = lc.published_curve()
    rows = cusum_summary(curve, lc.simulate_series(curve, noise=False))
    assert rows[0]["simulated"] == "25" and rows[0]["published"] == "plateau after 25 cases"
    assert rows[1]["simulated"] == "66.0" and rows[1]["published"] == "66 (SD 11.37)"


def test_plateau_table_lists_the_published_figures():
    table = plateau_table().reset_index()
    by_source = table.groupby("source")["cases to plateau"].apply(list).to_dict()
    assert by_source["PETLDLearningCurve"] == ["25"]
    assert sorted(by_source["Kumar2019IntJSpineSurg"]) == ["38", "43", "51"]
    assert by_source["Shuman"] == ["14-44"]
    assert "Gadjradj2022BMJ" not in by_source  # a design note, not a plateau


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: lc.simulate_series(lc.published_curve(), "curve"), ValueError, "shape must be one of"),
        (lambda: lc.simulate_series(lc.published_curve(), seed=-1), ValueError, "seed"),
        (lambda: lc.simulate_series(lc.published_curve(), seed=1.5), ValueError, "seed"),
        (lambda: lc.cusum([1.0]), ValueError, "at least two"),
        (lambda: lc.cusum([1.0, float("nan")]), ValueError, "finite"),
        (lambda: lc.published_curve("Nobody2020"), DataError, "no single plateau row"),
        (lambda: lc.published_curve("Kumar2019IntJSpineSurg"), DataError, "no single plateau row"),
        (lambda: lc.change_point_spread(lc.published_curve(), n_surgeons=0), ValueError, "n_surgeons"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
