"""Radiation: inverse square, time, cases to the ICRP limits, numbers equal data/."""

import pytest

from widgets.core.data import load_table
from widgets.imaging.radiation import cases_to_limit, dose_at_distance, dose_for_time, icrp_limit
from widgets.imaging.tables import cases_table


def test_inverse_square_quarter_at_double_distance():
    assert dose_at_distance(8.0, 0.5, 1.0) == pytest.approx(2.0)
    assert dose_at_distance(8.0, 0.5, 2.0) == pytest.approx(0.5)  # 4x distance -> 1/16


def test_time():
    assert dose_for_time(8.3, 2.0) == pytest.approx(16.6)


def test_limits_equal_table():
    t = load_table("radiation")
    icrp = t[t.source_key == "ICRP103ICRP118"].set_index("measure")["value"]
    assert icrp_limit("effective") == icrp["occupational effective dose"] == 20
    assert icrp_limit("lens") == 20 and icrp_limit("extremities") == 500


def test_cases_hand():
    # Bindal collar 32 mrem = 0.32 mSv; 20 / 0.32 = 62.5 cases
    assert cases_to_limit(0.32, "lens") == pytest.approx(62.5)
    tab = cases_table()
    row = tab[tab.dosimeter.str.startswith("unshielded thyroid")].iloc[0]
    assert row["per case (mSv)"] == pytest.approx(0.32)
    # Funao eye lens 0.07 mSv -> 285.7
    row = tab[tab.dosimeter == "mean equivalent dose: eye lens"].iloc[0]
    assert row["cases/yr to limit (calculation)"] == 286


def test_errors():
    with pytest.raises(ValueError):
        dose_at_distance(1.0, 0.0, 1.0)
    with pytest.raises(TypeError):
        dose_at_distance(1.0, "a", 1.0)
    with pytest.raises(ValueError):
        icrp_limit("thyroid")
    with pytest.raises(ValueError):
        cases_to_limit(0, "lens")
