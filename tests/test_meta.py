"""Effect sizes, pooling and distributions against hand computations, statsmodels and metafor (REML)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions, effectsize_smd

from widgets.evidence import distributions, effects, pooling

# Two-study case: the two full-quality blood-loss studies (MIS-TLIF vs open TLIF).
#   Rodriguez-Vela 2009: 318 (215), n 15 vs 757 (255), n 15
#   Wu 2018:            163.7 (49.6), n 79 vs 243.3 (70.2), n 88
# By hand:
#   y1 = 318 - 757 = -439;   v1 = 215²/15 + 255²/15 = 3081.6667 + 4335 = 7416.6667
#   y2 = 163.7 - 243.3 = -79.6; v2 = 49.6²/79 + 70.2²/88 = 31.14127 + 56.00045 = 87.14172
#   w = 1/v: w1 = 0.000134831, w2 = 0.011475531
#   fixed = (w1 y1 + w2 y2) / (w1 + w2) = -0.972644 / 0.011610362 = -83.7737
#   se_fixed = 1 / sqrt(w1 + w2) = 9.28061
#   Q = (y1 - y2)² / (v1 + v2) = 129168.36 / 7503.8084 = 17.2137;  I² = (Q - 1) / Q = 94.19 %
#   with k = 2, DL, PM and REML all give tau² = ((y1 - y2)² - v1 - v2) / 2 = 60832.276
MEANS = dict(mean1=[318.0, 163.7], sd1=[215.0, 49.6], n1=[15, 79], mean2=[757.0, 243.3],
             sd2=[255.0, 70.2], n2=[15, 88])

# metafor's BCG vaccine example (dat.bcg, log risk ratios): tpos, tneg, cpos, cneg per trial.
BCG = np.array([
    [4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209], [62, 13536, 248, 12619],
    [33, 5036, 47, 5761], [180, 1361, 372, 1079], [8, 2537, 10, 619], [505, 87886, 499, 87892],
    [29, 7470, 45, 7232], [17, 1699, 65, 1600], [186, 50448, 141, 27197], [5, 2493, 3, 2338],
    [27, 16886, 29, 17825]], dtype=float)


def _bcg():
    return effects.log_risk_ratio(BCG[:, 0], BCG[:, 0] + BCG[:, 1], BCG[:, 2], BCG[:, 2] + BCG[:, 3])


def test_two_study_case_by_hand():
    y, v = effects.mean_difference(**MEANS)
    y1, y2 = 318 - 757, 163.7 - 243.3
    v1, v2 = 215**2 / 15 + 255**2 / 15, 49.6**2 / 79 + 70.2**2 / 88
    assert y.tolist() == pytest.approx([y1, y2])
    assert v.tolist() == pytest.approx([v1, v2])
    w1, w2 = 1 / v1, 1 / v2
    fixed = pooling.pool(y, v, "fixed")
    assert fixed.estimate == pytest.approx((w1 * y1 + w2 * y2) / (w1 + w2), abs=1e-9)
    assert fixed.estimate == pytest.approx(-83.7737, abs=1e-4)
    assert fixed.se == pytest.approx(1 / math.sqrt(w1 + w2), abs=1e-9)
    q = (y1 - y2) ** 2 / (v1 + v2)
    assert fixed.q == pytest.approx(q, abs=1e-9)
    assert fixed.q == pytest.approx(17.2137, abs=1e-4)
    assert fixed.i2 == pytest.approx(100 * (q - 1) / q, abs=1e-9)
    assert fixed.weights == pytest.approx((100 * w1 / (w1 + w2), 100 * w2 / (w1 + w2)))
    tau2 = ((y1 - y2) ** 2 - v1 - v2) / 2
    assert tau2 == pytest.approx(60832.276, abs=1e-3)
    for model in ("DL", "REML", "PM"):
        r = pooling.pool(y, v, model)
        assert r.tau2 == pytest.approx(tau2, rel=1e-9), model
        a, b = 1 / (v1 + tau2), 1 / (v2 + tau2)
        assert r.estimate == pytest.approx((a * y1 + b * y2) / (a + b), abs=1e-6), model
        assert r.se == pytest.approx(1 / math.sqrt(a + b), abs=1e-6), model
        assert r.ci_low == pytest.approx(r.estimate - 1.959963985 * r.se, abs=1e-6)
        assert r.pi_low is None and r.pi_high is None  # two studies: no prediction interval


def test_reml_with_two_unequal_variances_is_the_contrast_formula():
    # For k = 2 the restricted likelihood depends only on y1 - y2 ~ N(0, v1 + v2 + 2 tau²), so
    # tau²_REML = max(0, ((y1 - y2)² - v1 - v2) / 2): with y = (0, 3), v = (1, 0.5): (9 - 1.5) / 2 = 3.75
    tau2, se, _ = pooling.tau2_reml([0.0, 3.0], [1.0, 0.5])
    assert tau2 == pytest.approx(3.75, abs=1e-8)
    assert se is not None and se > 0
    # and 0 when the studies agree better than chance: (0.25 - 1.5) / 2 < 0
    assert pooling.tau2_reml([0.0, 0.5], [1.0, 0.5])[0] == 0.0


def test_reml_matches_metafor_on_the_bcg_example():
    # metafor: rma(yi, vi, data = escalc("RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg))
    # Random-Effects Model (k = 13; tau^2 estimator: REML)
    # tau^2 = 0.3132 (SE = 0.1664); Q(df = 12) = 152.2330
    # estimate -0.7145, se 0.1798, ci.lb -1.0669, ci.ub -0.3622
    y, v = _bcg()
    r = pooling.pool(y, v, "REML")
    assert r.tau2 == pytest.approx(0.3132, abs=5e-5)
    assert r.tau2_se == pytest.approx(0.1664, abs=5e-5)
    assert r.q == pytest.approx(152.2330, abs=5e-5)
    assert r.df == 12
    assert r.estimate == pytest.approx(-0.7145, abs=5e-5)
    assert r.se == pytest.approx(0.1798, abs=5e-5)
    assert r.ci_low == pytest.approx(-1.0669, abs=5e-5)
    assert r.ci_high == pytest.approx(-0.3622, abs=5e-5)
    # metafor's DerSimonian-Laird fit of the same data: tau^2 = 0.3088, estimate -0.7141 (se 0.1787)
    dl = pooling.pool(y, v, "DL")
    assert dl.tau2 == pytest.approx(0.3088, abs=5e-5)
    assert dl.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert dl.se == pytest.approx(0.1787, abs=5e-5)


def test_reml_is_the_maximum_of_the_restricted_likelihood():
    y, v = _bcg()
    tau2, _, _ = pooling.tau2_reml(y, v)
    best = pooling.reml_loglik(tau2, y, v)
    for t in np.linspace(0.0, 1.0, 201):
        assert pooling.reml_loglik(float(t), y, v) <= best + 1e-12
    h = 1e-6  # the score (numerical derivative) is zero at the estimate
    slope = (pooling.reml_loglik(tau2 + h, y, v) - pooling.reml_loglik(tau2 - h, y, v)) / (2 * h)
    assert abs(slope) < 1e-5


def test_homogeneous_studies_give_no_between_study_variance():
    y, v = [1.0, 1.1, 0.9], [0.5, 0.5, 0.5]
    for model in ("DL", "REML", "PM"):
        assert pooling.pool(y, v, model).tau2 == 0.0


INPUTS = {
    "two blood-loss studies": effects.mean_difference(**MEANS),
    "BCG log risk ratios": _bcg(),
    "five generic studies": (np.array([0.2, 0.5, -0.1, 0.8, 0.35]), np.array([0.04, 0.09, 0.05, 0.12, 0.02])),
}


@pytest.mark.parametrize("name", list(INPUTS))
def test_fixed_dl_and_pm_equal_statsmodels_to_1e6(name):
    y, v = INPUTS[name]
    dl = combine_effects(y, v, method_re="dl")
    pm = combine_effects(y, v, method_re="iterated", atol=1e-12, maxiter=500)
    fe_ci, re_ci, _, _ = dl.conf_int(alpha=0.05, use_t=False)
    fixed = pooling.pool(y, v, "fixed")
    assert fixed.estimate == pytest.approx(dl.mean_effect_fe, abs=1e-6)
    assert fixed.se == pytest.approx(dl.sd_eff_w_fe, abs=1e-6)
    assert (fixed.ci_low, fixed.ci_high) == pytest.approx(tuple(fe_ci), abs=1e-6)
    assert fixed.q == pytest.approx(dl.q, abs=1e-6)
    assert np.array(fixed.weights) / 100 == pytest.approx(np.asarray(dl.weights_rel_fe), abs=1e-6)
    assert dl.tau2 > 0  # these inputs are heterogeneous, so statsmodels' untruncated DL is comparable
    ours = pooling.pool(y, v, "DL")
    assert ours.tau2 == pytest.approx(dl.tau2, abs=1e-6, rel=1e-9)
    assert ours.estimate == pytest.approx(dl.mean_effect_re, abs=1e-6)
    assert ours.se == pytest.approx(dl.sd_eff_w_re, abs=1e-6)
    assert (ours.ci_low, ours.ci_high) == pytest.approx(tuple(re_ci), abs=1e-6)
    assert np.array(ours.weights) / 100 == pytest.approx(np.asarray(dl.weights_rel_re), abs=1e-6)
    ours_pm = pooling.pool(y, v, "PM")
    assert ours_pm.tau2 == pytest.approx(pm.tau2, abs=1e-6, rel=1e-9)
    assert ours_pm.estimate == pytest.approx(pm.mean_effect_re, abs=1e-6)


def test_dl_truncates_where_statsmodels_goes_negative():
    # Q below its degrees of freedom: statsmodels returns (Q - df) / C < 0; DerSimonian-Laird (and
    # metafor, and this module) truncate tau² at zero.
    y, v = np.array([1.0, 1.05, 0.98]), np.array([0.3, 0.3, 0.3])
    sm = combine_effects(y, v, method_re="dl")
    assert sm.tau2 < 0
    assert pooling.tau2_dl(y, v) == max(0.0, sm.tau2) == 0.0


def test_effect_sizes_equal_statsmodels():
    g, vg = effects.standardized_mean_difference(**MEANS)
    sm_g, sm_vg = effectsize_smd(*(np.asarray(MEANS[k], float) for k in
                                   ("mean1", "sd1", "n1", "mean2", "sd2", "n2")))
    assert g == pytest.approx(sm_g, abs=1e-9)
    assert vg == pytest.approx(sm_vg, abs=1e-9)
    e1, n1, e2, n2 = np.array([9, 4]), np.array([69, 37]), np.array([9, 12]), np.array([76, 41])
    for ours, stat in ((effects.log_odds_ratio, "odds-ratio"), (effects.log_risk_ratio, "risk-ratio")):
        y, v = ours(e1, n1, e2, n2)
        sm_y, sm_v = effectsize_2proportions(e1, n1, e2, n2, statistic=stat)
        assert y == pytest.approx(sm_y, abs=1e-9)
        assert v == pytest.approx(sm_v, abs=1e-9)


def test_binary_effects_by_hand():
    # 9/69 vs 9/76: OR = (9 x 67) / (60 x 9) = 1.116667; var = 1/9 + 1/60 + 1/9 + 1/67 = 0.2538143
    y, v = effects.log_odds_ratio(9, 69, 9, 76)
    assert math.exp(y[0]) == pytest.approx(603 / 540)
    assert v[0] == pytest.approx(1 / 9 + 1 / 60 + 1 / 9 + 1 / 67)
    # RR = (9/69) / (9/76) = 76/69; var = 1/9 - 1/69 + 1/9 - 1/76
    y, v = effects.log_risk_ratio(9, 69, 9, 76)
    assert math.exp(y[0]) == pytest.approx(76 / 69)
    assert v[0] == pytest.approx(1 / 9 - 1 / 69 + 1 / 9 - 1 / 76)
    # an empty cell: 0.5 added to the four cells of that study only: (0.5 x 10.5) / (10.5 x 5.5)
    y, _ = effects.log_odds_ratio([0, 3], [10, 10], [5, 3], [10, 10])
    assert math.exp(y[0]) == pytest.approx((0.5 * 5.5) / (10.5 * 5.5))
    assert y[1] == pytest.approx(0.0)


def test_logit_proportion_and_published_ci_by_hand():
    # p = 0.9 of 100 screws: logit = ln 9 = 2.197225; var = 1 / (100 x 0.9 x 0.1) = 0.111111
    y, v = effects.logit_proportion(0.9, 100)
    assert y[0] == pytest.approx(math.log(9))
    assert v[0] == pytest.approx(1 / 9)
    assert effects.back_transform("PLO", y[0]) == pytest.approx(90.0)
    # 0.6 (95% CI -0.7 to 1.8): se = 2.5 / (2 x 1.959964) = 0.637767
    y, v = effects.from_confidence_interval(0.6, -0.7, 1.8)
    assert math.sqrt(v[0]) == pytest.approx(2.5 / (2 * 1.959963985), abs=1e-9)
    # a ratio is logged: OR 0.3 (0.1 to 0.9): se = (ln 0.9 - ln 0.1) / 3.919928
    y, v = effects.from_confidence_interval(0.3, 0.1, 0.9, ratio=True)
    assert y[0] == pytest.approx(math.log(0.3))
    assert math.sqrt(v[0]) == pytest.approx((math.log(0.9) - math.log(0.1)) / 3.919927969)
    assert effects.back_transform("OR", math.log(2.0)) == pytest.approx(2.0)
    assert effects.back_transform("MD", -3.5) == -3.5
    assert effects.back_transform("RR", None) is None


def test_prediction_interval_by_hand():
    # estimate 0, se 1, tau² 3, k = 3: t(1 df, 0.975) = 12.7062; half-width 12.7062 x sqrt(3 + 1) = 25.4124
    low, high = pooling.prediction_interval(0.0, 1.0, 3.0, 3)
    assert high == pytest.approx(2 * 12.7062047, abs=1e-6)
    assert low == pytest.approx(-high)
    assert pooling.prediction_interval(0.0, 1.0, 3.0, 2) is None
    y, v = _bcg()
    r = pooling.pool(y, v, "REML")
    half = 2.2009852 * math.sqrt(r.tau2 + r.se**2)  # t(11 df, 0.975)
    assert (r.pi_low, r.pi_high) == pytest.approx((r.estimate - half, r.estimate + half), abs=1e-6)
    assert pooling.pool(y, v, "fixed").pi_low is None


def test_one_study_is_its_own_pool():
    r = pooling.pool([2.0], [0.25], "REML")
    assert (r.k, r.estimate, r.se, r.tau2, r.q, r.df) == (1, 2.0, 0.5, 0.0, 0.0, 0)
    assert r.i2 is None and r.p_q is None and r.pi_low is None


def test_confidence_level_changes_the_interval():
    y, v = INPUTS["five generic studies"]
    r90, r95 = pooling.pool(y, v, "REML", level=0.90), pooling.pool(y, v, "REML", level=0.95)
    assert r90.estimate == r95.estimate
    assert r90.ci_high - r90.ci_low < r95.ci_high - r95.ci_low
    assert (r95.ci_high - r95.estimate) / r95.se == pytest.approx(1.959963985, abs=1e-9)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: pooling.pool([1.0, 2.0], [1.0, 1.0], "random"), ValueError, "model must be one of"),
        (lambda: pooling.pool([], [], "REML"), ValueError, "empty"),
        (lambda: pooling.pool([1.0, float("nan")], [1.0, 1.0]), ValueError, "finite"),
        (lambda: pooling.pool([1.0, 2.0], [1.0, 0.0]), ValueError, "vi must be > 0"),
        (lambda: pooling.pool([1.0, 2.0], [1.0]), ValueError, "differ in length"),
        (lambda: pooling.pool("1, 2", [1.0, 1.0]), TypeError, "got a string"),
        (lambda: pooling.pool([1.0, 2.0], [1.0, 1.0], level=95), ValueError, "level must be"),
        (lambda: effects.logit_proportion(93.1, 100), ValueError, "give 0.93, not 93"),
        (lambda: effects.log_odds_ratio(12, 10, 1, 10), ValueError, "exceed"),
        (lambda: effects.log_odds_ratio(1.5, 10, 1, 10), ValueError, "whole numbers"),
        (lambda: effects.mean_difference(1, 0, 10, 2, 1, 10), ValueError, "sd1 must be > 0"),
        (lambda: effects.from_confidence_interval(3.0, 0.0, 2.0), ValueError, "inside its CI"),
        (lambda: effects.back_transform("HR", 1.0), ValueError, "unknown measure"),
        (lambda: pooling.prediction_interval(0.0, 1.0, 1.0, 2.5), ValueError, "whole number"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_statsmodels_check_table():
    y, v = INPUTS["BCG log risk ratios"]
    table = pooling.statsmodels_check(y, v)
    compared = table.dropna(subset=["statsmodels"])
    assert (compared["difference"].abs() < 1e-6).all()
    reml = table.loc["REML: tau²", "statsmodels"]
    assert reml is None or math.isnan(reml)


# ----------------------------------------------------------------------------- distributions without scipy


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 10, 19, 20, 41, 60])
def test_chi2_sf_matches_scipy(df):
    from scipy.special import chdtrc

    for x in (0.0, 1e-6, 0.3, 1.0, df - 0.5, float(df), df + 2.7, 3.0 * df, 10.0 * df + 25):
        assert distributions.chi2_sf(df, x) == pytest.approx(float(chdtrc(df, x)), rel=1e-10, abs=1e-300)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 8, 13, 30, 57])
def test_t_quantile_matches_scipy(df):
    from scipy.special import stdtrit

    for p in (0.0005, 0.025, 0.05, 0.3, 0.5, 0.8, 0.95, 0.975, 0.995, 0.9995):
        assert distributions.t_quantile(df, p) == pytest.approx(float(stdtrit(df, p)), rel=1e-9, abs=1e-12)


def test_t_quantile_hand_values():
    # printed tables: t(0.975; 1) = 12.706, t(0.975; 2) = 4.303, t(0.975; 10) = 2.228
    assert distributions.t_quantile(1, 0.975) == pytest.approx(12.7062, abs=1e-4)
    assert distributions.t_quantile(2, 0.975) == pytest.approx(4.3027, abs=1e-4)
    assert distributions.t_quantile(10, 0.975) == pytest.approx(2.2281, abs=1e-4)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_distribution_df_must_be_whole(bad):
    with pytest.raises(ValueError, match="df must be a whole number"):
        distributions.chi2_sf(bad, 1.0)
    with pytest.raises(ValueError, match="df must be a whole number"):
        distributions.t_quantile(bad, 0.9)
