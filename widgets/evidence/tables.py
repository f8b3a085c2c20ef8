"""Lesson 05's tables: the display frames of the evidence topic, and the lesson's reference list.

Every table the lesson shows, built from the models and written for a student
(numbers as text, rounded for reading): the pooled result and the data behind
the forest and funnel plots (:func:`summary_rows`, :func:`forest_table`,
:func:`funnel_table`); the studies with their data-quality check
(:func:`study_table`, :func:`assumptions_table`); pooling by hand and under each
model (:func:`pooling_by_hand_table`, :func:`model_comparison_table`,
:func:`weight_shift_table`, :func:`screw_accuracy_table`, :func:`library_check`);
the trials and their blinding (:func:`trial_table`, :func:`blinding_table`,
:func:`blinding_summary`); the evidence map and its thresholds
(:func:`evidence_map`, :func:`threshold_table`); the learning curves
(:func:`plateau_table`, :func:`change_point_spread_table`,
:func:`cusum_summary`). :func:`lesson_references` lists every source behind them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from widgets.core.citations import cite
from widgets.core.data import load_table
from widgets.evidence import distributions, effects, pooling
from widgets.evidence.analysis import MODEL_NAMES, Analysis, display_digits, forest_rows, meta_analysis
from widgets.evidence.cells import check_choice, fmt, load_plain, num, row_dicts, txt
from widgets.evidence.learning_curve import (
    PublishedCurve,
    change_point,
    change_point_spread,
    published_curve,
    simulate_series,
)
from widgets.evidence.readers import GROUPS, POOL, Evidence, evidence_rows, is_blinded, trial_found_benefit
from widgets.evidence.studies import OUTCOMES, outcome, reference_estimates, studies
from widgets.evidence.verdicts import MAP, threshold_of, verdict, verdict_order

__all__ = [
    "assumptions_table",
    "blinding_summary",
    "blinding_table",
    "change_point_spread_table",
    "cusum_summary",
    "evidence_map",
    "forest_table",
    "funnel_table",
    "lesson_references",
    "library_check",
    "model_comparison_table",
    "plateau_table",
    "pooling_by_hand_table",
    "screw_accuracy_table",
    "study_table",
    "summary_rows",
    "threshold_table",
    "trial_table",
    "weight_shift_table",
]


# ----------------------------------------------------------------------------- pooled results and plots


def _p(p: float | None) -> str:
    if p is None:
        return ""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def summary_rows(analysis: Analysis) -> list[dict[str, str]]:
    """Return the pooled result of ``analysis`` as rows (quantity, value): the table behind the figures."""
    a = analysis
    r, m = a.result, effects.MEASURES[a.measure]
    digits = display_digits(a.measure)
    unit = f" {a.unit}" if a.unit and a.unit != "%" else ("%" if a.unit == "%" else "")
    pct = round(100 * r.level)
    model = {"fixed": "fixed effect", "DL": "random effects (DerSimonian-Laird)",
             "REML": "random effects (REML)", "PM": "random effects (Paule-Mandel)"}[r.model]

    def show(x):
        return f"{fmt(x, digits)}{unit}"

    rows = [
        {"quantity": "studies pooled", "value": str(r.k)},
        {"quantity": "model", "value": model},
        {"quantity": f"pooled {m.name}", "value": show(a.estimate)},
        {"quantity": f"{pct}% confidence interval",
         "value": f"{show(a.ci_low)} to {show(a.ci_high)}"},
    ]
    if r.model == "fixed":
        pi = "not used: a fixed-effect model assumes no between-study variation"
    elif r.k < 3:
        pi = "not defined with fewer than 3 studies (it needs k - 2 degrees of freedom)"
    else:
        pi = f"{show(a.pi_low)} to {show(a.pi_high)}"
    rows.append({"quantity": f"{pct}% prediction interval (a new study)", "value": pi})
    if r.k > 1:
        rows += [
            {"quantity": "Cochran's Q (df, p)", "value": f"{r.q:.2f} ({r.df}, p = {_p(r.p_q)})"},
            {"quantity": "I² (share of variation beyond chance)", "value": f"{r.i2:.1f}%"},
            {"quantity": "tau² (between-study variance, pooling scale)",
             "value": "0 (assumed)" if r.model == "fixed" else f"{r.tau2:.4g}"},
        ]
    else:
        rows.append({"quantity": "heterogeneity", "value": "one study: nothing to compare"})
    return rows


def forest_table(key: str, measure: str = "auto", model: str = "REML"):
    """Return the rows of a default forest plot as a table (the data behind the figure)."""
    import pandas as pd

    a = meta_analysis(key, measure, model)
    digits = display_digits(a.measure)
    out = []
    for r in forest_rows(a):
        out.append({"row": r["label"],
                    "estimate": "" if r["effect"] is None else fmt(r["effect"], digits),
                    f"{round(100 * a.result.level)}% interval": "" if r["low"] is None else
                    f"{fmt(r['low'], digits)} to {fmt(r['high'], digits)}",
                    "weight (%)": "" if r["weight"] is None or r["kind"] != "study" else fmt(r["weight"], 1),
                    "source": r["source_key"]})
    return pd.DataFrame(out).set_index("row")


def funnel_table(key: str, measure: str = "auto", model: str = "REML"):
    """Return the data behind a funnel plot: each study's effect, standard error, and where it falls.

    ``distance`` is (effect - pooled) / SE on the pooling scale; beyond ±1.96 a
    study lies outside the pseudo 95% limits.
    """
    import pandas as pd

    a = meta_analysis(key, measure, model)
    z = distributions.critical_z(a.result.level)
    out = []
    for r in row_dicts(a.rows):
        se = math.sqrt(r["vi"])
        d = (r["yi"] - a.result.estimate) / se
        out.append({"study": r["study"], "effect": fmt(r["effect"], display_digits(a.measure)),
                    "SE (pooling scale)": fmt(se, 3), "distance from pooled (SEs)": fmt(d, 2),
                    "outside the pseudo limits": "yes" if abs(d) > z else "no",
                    "source": r["source_key"]})
    return pd.DataFrame(out).set_index("study")


# ----------------------------------------------------------------------------- study rows and pools


def _arm(mean, sd, n, text=""):
    mean, sd, n = num(mean), num(sd), num(n)
    if mean is None:
        return f"{text or 'not reported'}, n {fmt(n)}"
    spread = f" ({fmt(sd)})" if sd is not None else " (SD not reported)"
    return f"{fmt(mean)}{spread}, n {fmt(n)}"


def study_table(key: str = "blood_loss"):
    """Return the studies of an outcome as students read them, with the data-quality check."""
    import pandas as pd

    o = outcome(key)
    frame = studies(key)
    out = []
    for r in frame.to_dict("records"):
        row = {"study": r["study"], "design": r["design"]}
        if o.kind == "continuous":
            row[f"MIS: mean (SD), n [{o.unit}]"] = _arm(r["mis_mean"], r["mis_sd"], r["mis_n"], r["mis_text"])
            row[f"open: mean (SD), n [{o.unit}]"] = _arm(r["open_mean"], r["open_sd"], r["open_n"],
                                                          r["open_text"])
            row["suitable for pooling"] = r["verdict"]
        elif o.kind == "binary":
            row["MIS: events / n"] = f"{fmt(r['mis_events'])} / {fmt(r['mis_n'])}"
            row["open: events / n"] = f"{fmt(r['open_events'])} / {fmt(r['open_n'])}"
        elif o.kind == "proportion":
            row["accuracy (%)"] = fmt(r["accuracy_pct"])
            row["screws"] = fmt(r["screws"])
        else:
            row["difference (95% CI)"] = (f"{fmt(r['estimate'])} ({fmt(r['ci_low'])} to {fmt(r['ci_high'])})"
                                          if r["poolable"] else "not a difference")
        row["data-quality check"] = "; ".join(r["flags"]) or "no flag"
        row["pooled by default"] = ("yes" if r["default"] else
                                    f"no: {r['why_not']}" if not r["poolable"] else
                                    "no: flagged" if r["flagged"] else "no: same trial already pooled")
        row["caveats"] = "; ".join(r["caveats"])
        row["confidence"] = r["confidence"]
        row["source"] = r["source_key"]
        out.append(row)
    return pd.DataFrame(out).set_index("study")


def pooling_by_hand_table(key: str = "blood_loss"):
    """Return the fixed-effect pool of the default studies, step by step.

    Per study: the difference ``y``, its variance ``v = SD1²/n1 + SD2²/n2``, its
    standard error, the weight ``w = 1/v`` and its share, and ``w·y``; the last
    row is ``sum(w·y) / sum(w)`` with its standard error ``1/sqrt(sum(w))``.
    """
    import pandas as pd

    a = meta_analysis(key, "MD", "fixed")
    rows = []
    for r in a.rows.to_dict("records"):
        w = 1 / r["vi"]
        rows.append({"study": r["study"], f"y = MIS − open ({a.unit})": round(r["yi"], 1),
                     "v = SD₁²/n₁ + SD₂²/n₂": round(r["vi"], 2), "SE = √v": round(math.sqrt(r["vi"]), 2),
                     "w = 1/v": round(w, 5), "share of weight (%)": round(r["weight"], 1),
                     "w·y": round(w * r["yi"], 3)})
    total_w = float(np.sum(1 / a.rows["vi"]))
    rows.append({"study": "fixed-effect pool: Σw·y / Σw", f"y = MIS − open ({a.unit})": round(a.estimate, 1),
                 "v = SD₁²/n₁ + SD₂²/n₂": round(1 / total_w, 2), "SE = √v": round(a.result.se, 2),
                 "w = 1/v": round(total_w, 5), "share of weight (%)": 100.0,
                 "w·y": round(float(np.sum(a.rows["yi"] / a.rows["vi"])), 3)})
    return pd.DataFrame(rows).set_index("study")


def model_comparison_table(key: str = "blood_loss", measure: str = "auto", include_flagged: bool = False,
                           models: Sequence[str] = ("fixed", "DL", "REML")):
    """Return the same studies pooled under each model: estimate, intervals, tau², I²."""
    import pandas as pd

    out = []
    for model in models:
        a = meta_analysis(key, measure, model, None, include_flagged)
        m = effects.MEASURES[a.measure]
        digits = display_digits(a.measure)
        r = a.result
        pi = ("—" if r.model == "fixed" else "needs 3 or more studies" if r.k < 3 else
              f"{fmt(a.pi_low, digits)} to {fmt(a.pi_high, digits)}")
        out.append({"model": MODEL_NAMES[model], "studies": r.k,
                    f"pooled ({a.unit or m.code})": fmt(a.estimate, digits),
                    "95% CI": f"{fmt(a.ci_low, digits)} to {fmt(a.ci_high, digits)}",
                    "95% prediction interval": pi,
                    "tau": "0 (assumed)" if model == "fixed" else fmt(r.tau, 3),
                    "I² (%)": "" if r.i2 is None else fmt(r.i2, 1),
                    "weights (%)": ", ".join(f"{fmt(w, 1)}" for w in r.weights)})
    return pd.DataFrame(out).set_index("model")


def weight_shift_table(key: str = "blood_loss", model: str = "fixed"):
    """Return what the flagged studies do to a pool: each study's weight, and the pooled difference.

    Rows: one per study (its weight in %, beside its share of the patients),
    then the pooled difference; columns: without and with the flagged studies.
    """
    import pandas as pd

    without = meta_analysis(key, "MD", model, None, False)
    with_flagged = meta_analysis(key, "MD", model, None, True)
    total_n = float((with_flagged.rows["mis_n"] + with_flagged.rows["open_n"]).sum())
    out = []
    for r in row_dicts(with_flagged.rows):
        before = without.rows[without.rows["study"] == r["study"]]["weight"]
        n = r["mis_n"] + r["open_n"]
        out.append({"row": f"weight of {r['study']} (%)",
                    "share of the patients (%)": round(100 * n / total_n, 1),
                    "without the flagged studies": round(float(before.iloc[0]), 1) if len(before) else "—",
                    "with the flagged studies": round(r["weight"], 1)})
    out.append({"row": f"pooled difference, MIS − open ({without.unit})", "share of the patients (%)": "",
                "without the flagged studies": round(without.estimate, 1),
                "with the flagged studies": round(with_flagged.estimate, 1)})
    return pd.DataFrame(out).set_index("row")


def screw_accuracy_table(model: str = "REML", level: float = 0.95):
    """Return pooled screw accuracy per technique (logit scale, back to %), with heterogeneity.

    These pool single-technique case series: comparing the rows is not a
    head-to-head comparison of techniques.
    """
    import pandas as pd

    out = []
    for key in ("screw_accuracy_freehand", "screw_accuracy_fluoroscopy", "screw_accuracy_navigation"):
        a = meta_analysis(key, "PLO", model, None, False, level)
        r = a.result
        ref = reference_estimates(key)
        lowest = a.rows.loc[a.rows["accuracy_pct"].idxmin()]
        out.append({
            "technique": OUTCOMES[key].technique, "studies": r.k, "screws": int(a.rows["screws"].sum()),
            "study accuracies (%)": (f"{fmt(a.rows['accuracy_pct'].min())} to "
                                     f"{fmt(a.rows['accuracy_pct'].max())}"),
            "lowest": lowest["study"],
            "pooled accuracy (%)": fmt(a.estimate, 1),
            "95% CI": f"{fmt(a.ci_low, 1)} to {fmt(a.ci_high, 1)}",
            "95% prediction interval": (f"{fmt(a.pi_low, 1)} to {fmt(a.pi_high, 1)}" if r.pi_low is not None
                                        else "needs 3 or more studies"),
            "I² (%)": fmt(r.i2, 1),
            "published pooled accuracy (reference)": "; ".join(
                f"{fmt(x['estimate'])}% ({x['source']})" for x in ref.to_dict("records")) or "none",
        })
    return pd.DataFrame(out).set_index("technique")


def library_check(key: str = "blood_loss", measure: str = "auto"):
    """Return this suite's pools of an outcome's default studies beside statsmodels', to read.

    See :func:`widgets.evidence.pooling.statsmodels_check`.
    """
    import pandas as pd

    a = meta_analysis(key, measure, "REML")
    frame = pooling.statsmodels_check(a.rows["yi"].to_numpy(float), a.rows["vi"].to_numpy(float))
    out = []
    for name, r in frame.iterrows():
        theirs = r["statsmodels"]
        missing = theirs is None or (isinstance(theirs, float) and math.isnan(theirs))
        out.append({"quantity": name, "this suite": f"{r['this suite']:.6f}",
                    "statsmodels": "no REML estimator" if missing else f"{theirs:.6f}",
                    "agree to 1e-6": "—" if missing else ("yes" if abs(r["difference"]) < 1e-6 else "NO")})
    return pd.DataFrame(out).set_index("quantity")


def assumptions_table():
    """Return the documented assumption the data-quality check uses, as a table."""
    import pandas as pd

    from widgets.core.assumptions import assumption

    a = assumption("spread_cv_floor_ratio")
    row = {"assumption": a.name, "value": a.value, "unit": a.unit,
           "range": f"{a.minimum:g} to {a.maximum:g}", "why": a.rationale}
    return pd.DataFrame([row]).set_index("assumption")


# ----------------------------------------------------------------------------- trials and blinding


def trial_table(topics: Sequence[str] = ("tubular vs conventional microdiscectomy",
                                         "full-endoscopic vs microsurgical discectomy",
                                         "full-endoscopic (transforaminal) vs open microdiscectomy")):
    """Return the listed trials from ``trials`` as appraisal rows (design, blinding, result)."""
    import pandas as pd

    t = load_plain("trials")
    t = t[t["topic"].isin(list(topics))]
    if t.empty:
        raise ValueError(f"no trials with topics {list(topics)}")
    out = []
    for r in t.to_dict("records"):
        effect = fmt(num(r["between_group_effect"])) or txt(r["between_group_effect_text"])
        ci = (f" (95% CI {fmt(num(r['ci_low'])) or txt(r['ci_low_text'])} to "
              f"{fmt(num(r['ci_high'])) or txt(r['ci_high_text'])})"
              if (num(r["ci_low"]) is not None or txt(r["ci_low_text"])) else "")
        n = fmt(num(r["n_randomised"])) or txt(r["n_randomised_text"])
        out.append({
            "trial": f"{r['trial']} {r['year']}", "comparison": r["topic"], "design": r["design"],
            "blinding / control": txt(r["blinding_control"]), "randomised": n,
            "primary outcome": f"{r['primary_outcome']} at {r['primary_timepoint']}",
            "between-group result": (effect + ci) or "—", "authors' conclusion": txt(r["conclusion_short"]),
            "confidence": r["confidence"], "source": r["source_key"],
        })
    return pd.DataFrame(out).set_index("trial")


_VP_TOPIC = re.compile(r"vertebroplasty|kyphoplasty", re.IGNORECASE)


def blinding_table():
    """Return the vertebroplasty and kyphoplasty trials with their control, blinding and result."""
    import pandas as pd

    t = load_plain("trials")
    t = t[t["topic"].str.contains(_VP_TOPIC) & t["design"].str.contains("RCT|randomi", regex=True)
          & ~t["design"].str.contains("review")]
    out = []
    for r in t.to_dict("records"):
        blinded = is_blinded(f"{txt(r['blinding_control'])}; {r['design']}")
        positive = trial_found_benefit(r)
        effect = fmt(num(r["between_group_effect"])) or txt(r["between_group_effect_text"])
        if num(r["ci_low"]) is not None:
            effect += f" (95% CI {fmt(num(r['ci_low']))} to {fmt(num(r['ci_high']))})"
        n = fmt(num(r["n_randomised"])) or txt(r["n_randomised_text"])
        out.append({
            "trial": f"{r['trial']} {r['year']}", "control": r["arm_control"],
            "patients blinded": {True: "yes", False: "no", None: "unclear"}[blinded], "randomised": n,
            "primary outcome": f"{r['primary_outcome']} at {r['primary_timepoint']}",
            "between-group result": effect or (f"{txt(r['result_intervention'])} vs "
                                               f"{txt(r['result_control'])}"),
            "found a benefit": {True: "yes", False: "no", None: "unclear"}[positive],
            "confidence": r["confidence"] + (" (control arm from a summary)" if r["confidence"] ==
                                             "secondary-source" else ""),
            "source": r["source_key"],
        })
    return pd.DataFrame(out).set_index("trial")


def blinding_summary():
    """Return, for blinded and open trials of cement augmentation, how many found a benefit."""
    import pandas as pd

    table = blinding_table()
    out = []
    for label, flag in (("sham or placebo control, patients blinded", "yes"),
                        ("no sham: patients knew their treatment", "no")):
        part = table[table["patients blinded"] == flag]
        out.append({"trials": label, "number": len(part),
                    "found a benefit": int((part["found a benefit"] == "yes").sum()),
                    "which": ", ".join(part.index)})
    return pd.DataFrame(out).set_index("trials")


# ----------------------------------------------------------------------------- the evidence map


def threshold_table():
    """Return every threshold the evidence map uses: its value, what it rests on and the outcomes it judges.

    A cited MCID shows its source and what the source measured; a labelled
    assumption shows its rationale, so a student can see which verdicts rest on
    a judgement rather than a measurement.
    """
    import pandas as pd

    from widgets.core.assumptions import assumption
    from widgets.core.data import records

    rows: dict[str, dict] = {}
    for entry in MAP:
        t = threshold_of(entry)
        if t is None:
            continue
        row = rows.setdefault(f"{t.key}, {t.amount()}", {"smallest difference that matters": t.amount(),
                                             "basis": t.basis, "outcomes judged with it": []})
        row["outcomes judged with it"].append(f"{entry.outcome} ({entry.comparison})")
        if t.basis == "MCID":
            r = next(x for x in records("mcid") if x["instrument"] == t.key)
            row["what it rests on"] = f"{r['scale']}: {r['what_it_is']} ({t.source_key}); {r['notes']}"
        else:
            row["what it rests on"] = f"assumption {t.key}: {assumption(t.key).rationale}"
    out = [{"instrument or assumption": k, **{c: ("; ".join(v) if isinstance(v, list) else v)
                                              for c, v in r.items()}}
           for k, r in rows.items()]
    return pd.DataFrame(out).set_index("instrument or assumption")


def _size(rows: Sequence[Evidence]) -> str:
    return "; ".join(f"{e.label}: {e.printed}" for e in rows)


def evidence_map(group: str = GROUPS[0]):
    """Return the evidence map of one group (:data:`~widgets.evidence.readers.GROUPS`), a row per outcome.

    Columns: comparison; ``verdict`` (importance, see :func:`widgets.evidence.verdicts.classify`);
    ``certainty``; ``size (as published)`` (each source's figure with its
    label, never averaged); ``threshold`` (the cited MCID or the labelled
    assumption); ``each source against it``; ``why this verdict``; ``why this
    certainty``; ``sources``. Rows are ordered from important benefit to
    important harm.
    """
    import pandas as pd

    check_choice("group", group, GROUPS)
    out = []
    for entry in MAP:
        if entry.group != group:
            continue
        rows = evidence_rows(entry)
        v = verdict(entry)
        keys = [k.strip() + (" (secondary source)" if e.confidence == "secondary-source" else "")
                for e in rows for k in e.source_key.split(",")]
        out.append({"outcome": entry.outcome, "comparison": entry.comparison, "verdict": v.verdict,
                    "certainty": v.certainty, "size (as published)": _size(rows),
                    "threshold": v.threshold, "each source against it": " | ".join(v.readings),
                    "why this verdict": v.why_verdict, "why this certainty": v.why_certainty,
                    "sources": ", ".join(dict.fromkeys(keys))})
    frame = pd.DataFrame(out)
    frame["_order"] = frame["verdict"].map(verdict_order)
    frame = frame.sort_values("_order", kind="stable").drop(columns="_order")
    return frame.set_index("outcome")


# ----------------------------------------------------------------------------- learning curves


def change_point_spread_table(source_key: str = "PETLDLearningCurve", n_surgeons: int = 200,
                              seed: int = 0):
    """Return, per shape, where the CUSUM peak falls across ``n_surgeons`` simulated surgeons."""
    import pandas as pd

    curve = published_curve(source_key)
    out = []
    for shape, label in (("step", "step at the published plateau"),
                         ("line", "published straight line (no plateau)")):
        noise_free = change_point(simulate_series(curve, shape, noise=False))
        spread = change_point_spread(curve, shape, n_surgeons, seed)
        out.append({"simulated curve": label, "surgeons simulated": int(spread["surgeons"]),
                    "CUSUM peak without noise": noise_free,
                    "median CUSUM peak": f"{spread['median']:g}",
                    "5th to 95th percentile": f"{spread['p5']:.0f} to {spread['p95']:.0f}",
                    f"peak exactly at case {curve.plateau_case} (%)":
                        f"{spread['at_published_plateau_pct']:.1f}"})
    return pd.DataFrame(out).set_index("simulated curve")


def cusum_summary(curve: PublishedCurve, values) -> list[dict[str, str]]:
    """Return what the CUSUM of ``values`` finds, beside the published figures, as table rows."""
    x = np.asarray(values, dtype=float)
    k = change_point(x)
    early, late = x[:k], x[k:]
    unit = curve.unit
    rows = [
        {"quantity": "CUSUM peak: last case of the early phase", "simulated": str(k),
         "published": f"plateau after {curve.plateau_case} cases"},
        {"quantity": f"mean {curve.metric}, early phase ({unit})", "simulated": f"{early.mean():.1f}",
         "published": f"{curve.early_mean:g} (SD {curve.early_sd:g})"},
        {"quantity": f"mean {curve.metric}, later cases ({unit})",
         "simulated": f"{late.mean():.1f}" if late.size else "no later cases",
         "published": f"{curve.late_mean:g} (SD {curve.late_sd:g})"},
    ]
    return rows


def plateau_table():
    """Return every published cases-to-plateau figure in ``learning_curve``, as printed."""
    import pandas as pd

    table = load_table("learning_curve")
    out = []
    for r in table.to_dict("records"):
        plateau, text = txt(r["cases_to_plateau"]), txt(r["cases_to_plateau_text"])
        if plateau:
            shown = str(int(float(plateau)))
        elif re.search(r"\d", text) and not text.startswith("("):
            shown = text
        else:
            continue
        n = txt(r["n_cases"])
        out.append({"procedure": r["procedure"], "metric": r["metric"], "cases to plateau": shown,
                    "cases in the series": str(int(float(n))) if n else txt(r["n_cases_text"]),
                    "design": txt(r["design"]), "method": txt(r["method"]),
                    "confidence": r["confidence"], "source": r["source_key"]})
    return pd.DataFrame(out).set_index("procedure")


# ----------------------------------------------------------------------------- references


def lesson_references() -> list[str]:
    """Return every source key behind a number lesson 05 shows, sorted."""
    keys: set[str] = set()
    for key in OUTCOMES:
        keys |= set(studies(key)["source_key"])
        keys |= set(reference_estimates(key)["source_key"])
    for entry in MAP:
        keys |= {dict(s.where)["source_key"] for s in entry.sources if s.table != POOL}
        t = threshold_of(entry)
        if t is not None and t.source_key:
            keys.add(t.source_key)
    keys |= set(trial_table()["source"]) | set(blinding_table()["source"])
    keys |= set(plateau_table()["source"])
    for key in keys:
        cite(key)  # every key resolves
    return sorted(keys)
