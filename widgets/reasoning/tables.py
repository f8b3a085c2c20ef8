"""The tables a student reads in lesson 08, each a DataFrame built from the models and data."""

from __future__ import annotations

import math

import pandas as pd

from widgets.conditions.roots import discs_for_root, root_signs
from widgets.core.data import load_table
from widgets.reasoning.consent import OPERATIONS, consent_card
from widgets.reasoning.exam import hoffmann_rates, make_patient
from widgets.reasoning.scores import EXAMPLE_ANSWERS, INSTRUMENTS, judge_change, score
from widgets.reasoning.timing import published_points
from widgets.reasoning.triage import HISTORY_PATTERNS, RED_FLAGS

__all__ = ["accuracy_table", "consent_table", "exam_table", "example_change_table", "history_table",
           "imaging_table", "lesson_references", "natural_history_table", "red_flag_table",
           "root_level_table", "score_change_table"]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def history_table() -> pd.DataFrame:
    """Return the pain patterns of the history: where the pain is, what changes it, what it points to."""
    return pd.DataFrame([{"pattern": p, "what the patient tells": told, "points to": to}
                         for p, told, to in HISTORY_PATTERNS]).set_index("pattern")


def red_flag_table() -> pd.DataFrame:
    """Return the red flags: what the patient tells or shows, what it suggests, what it demands today."""
    return pd.DataFrame([{"red flag": f, "what you hear or find": told, "suggests": means,
                          "demands today": action} for f, told, means, action in RED_FLAGS]
                        ).set_index("red flag")


def root_level_table() -> pd.DataFrame:
    """Return each root with its findings and the disc herniations that can compress it, by zone."""
    rows = []
    for s in root_signs():
        discs = discs_for_root(s.root)
        by_zone = {z: ", ".join(h.disc for h in discs if h.zone == z) or "-"
                   for z in ("paramedian", "far-lateral")}
        rows.append({"root": s.root, "weak": ", ".join((s.key_muscle, *s.other_muscles)),
                     "numb": s.key_sensory_point,
                     "reflex reduced": ", ".join(s.reflexes) or "none (no standard reflex)",
                     "paramedian herniation at": by_zone["paramedian"] if s.region != "cervical"
                     else s.foramen,
                     "far-lateral herniation at": by_zone["far-lateral"] if s.region != "cervical"
                     else s.foramen})
    return pd.DataFrame(rows).set_index("root")


def accuracy_table() -> pd.DataFrame:
    """Return the cited accuracy of each test, with likelihood ratios (derived where none is cited)."""
    rows = []
    for r in load_table("exam_test_accuracy").itertuples():
        if not _blank(r.sensitivity):
            sens, spec = float(r.sensitivity), float(r.specificity)
            lr_pos, lr_neg = sens / (1 - spec), (1 - sens) / spec
            basis = "sensitivity and specificity cited; likelihood ratios derived from them"
            sens_text = f"{sens:g} ({r.sensitivity_ci_low:g} to {r.sensitivity_ci_high:g})"
            spec_text = f"{spec:g} ({r.specificity_ci_low:g} to {r.specificity_ci_high:g})"
        else:
            lr_pos, lr_neg = float(r.lr_positive), float(r.lr_negative)
            sens, spec = hoffmann_rates()
            basis = "likelihood ratios cited; sensitivity and specificity derived from them"
            sens_text, spec_text = f"{sens:.2f} (derived)", f"{spec:.2f} (derived)"
        rows.append({"test": r.test, "detects": r.target_condition, "compared with": r.reference_standard,
                     "patients": r.setting, "sensitivity (95% CI)": sens_text,
                     "specificity (95% CI)": spec_text,
                     "likelihood ratio if positive": round(lr_pos, 2),
                     "likelihood ratio if negative": round(lr_neg, 2),
                     "what is cited": basis, "source": r.source_key})
    return pd.DataFrame(rows).set_index("test")


def natural_history_table() -> pd.DataFrame:
    """Return every published point of the early-surgery trials, earliest first."""
    rows = [{"trial": p.trial, "report": p.year, "when": p.when, "arm": p.arm, "measure": p.measure,
             "finding": p.finding, "randomised": p.n_randomised,
             "source": p.source_key + (" (secondary source)" if p.secondary else "")}
            for p in published_points()]
    return pd.DataFrame(rows)


def imaging_table() -> pd.DataFrame:
    """Return how often each imaging finding is seen in people without back pain."""
    rows = []
    for r in load_table("imaging_findings_asymptomatic").itertuples():
        rows.append({"finding": r.finding,
                     "age": "all ages" if _blank(r.age_years) else f"{int(r.age_years)} years",
                     "people without back pain who have it (%)": r.prevalence_pct,
                     "people imaged": int(r.n_people), "who": r.population, "source": r.source_key})
    return pd.DataFrame(rows)


def consent_table(operation: str) -> pd.DataFrame:
    """Return the consent card of ``operation`` as a table: per 100 patients, source, certainty."""
    rows = []
    for f in consent_card(operation=operation):
        rows.append({"what may happen": f.question, "kind": f.kind,
                     "per 100": "no figure" if f.people is None else f.people,
                     "of 100": f.per_what,
                     "as the source gives it": f.printed,
                     "with the comparison operation": "-" if f.comparator_per_100 is None
                     else f"{f.comparator_per_100:g}",
                     "evidence": f.design, "certainty": f.certainty, "source": f.source_key or "-"})
    return pd.DataFrame(rows).set_index("what may happen")


def exam_table(seed: int) -> pd.DataFrame:
    """Return every test of simulated patient ``seed``: what it found, why, and whether it told the truth."""
    patient = make_patient(seed=seed)
    rows = [{"test": name, "found": "; ".join(f.text for f in r.findings), "why": r.explanation,
             "result": r.truth} for name, r in patient.results.items()]
    return pd.DataFrame(rows).set_index("test")


def example_change_table(instrument: str) -> pd.DataFrame:
    """Return the lesson's fictional patient's ``instrument`` before and after, judged against the MCID."""
    sections = INSTRUMENTS[instrument] if instrument in INSTRUMENTS else None
    if sections is None:
        raise ValueError(f"unknown instrument {instrument!r}; use one of {', '.join(INSTRUMENTS)}")
    before, after = (score(instrument=instrument, answers=dict(zip(sections, answers, strict=True)))
                     for answers in EXAMPLE_ANSWERS[instrument])
    return score_change_table(instrument=instrument, before=before.value, after=after.value)


def score_change_table(*, instrument: str, before: float, after: float) -> pd.DataFrame:
    """Return one patient's change on ``instrument`` with its verdict against the cited MCID."""
    v = judge_change(instrument=instrument, before=before, after=after)
    return pd.DataFrame([{"instrument": v.instrument, "before": v.before, "after": v.after,
                          "improvement (points)": v.improvement,
                          "MCID (points)": "none cited" if v.mcid is None else v.mcid,
                          "verdict": v.verdict, "why": v.why, "source": v.source_key or "-"}]
                        ).set_index("instrument")


def lesson_references() -> list[str]:
    """Return every source key behind a number or a table row of lesson 08."""
    keys = [str(k) for k in load_table("exam_test_accuracy")["source_key"]]
    keys += [p.source_key for p in published_points()]
    keys += [str(k) for k in load_table("imaging_findings_asymptomatic")["source_key"]]
    keys += [f.source_key for op in OPERATIONS for f in consent_card(operation=op) if f.source_key]
    keys += [k for s in root_signs() for k in s.sources]
    keys += ["Ostelo2008Spine", "BrJNeurosurg1987ELLDH", "Abdullah1974"]
    return list(dict.fromkeys(keys))
