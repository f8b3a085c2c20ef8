"""Which rows of the evidence tables lesson 06 reads, and how (its findings and its risks).

:data:`SELECTORS` picks one row of ``outcomes_mis_vs_open``,
``complications_durotomy_conversion``, ``recovery_milestones`` or
``learning_curve`` per finding and carries the judgements the verdict needs:
the direction that favours MISS (lower blood loss, higher fusion rate), the
smallest difference that matters, the design. :data:`RISKS` names the rows
that speak to each risk. :func:`one_row` reads the row a selector names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from widgets.core.data import DataError, load_schema, records

__all__ = ["FAMILIES", "FAMILY_LABELS", "RISKS", "SELECTORS", "Selector", "one_row"]

FAMILIES = ("discectomy", "decompression", "tlif", "mixed")
FAMILY_LABELS = {
    "discectomy": "discectomy",
    "decompression": "decompression",
    "tlif": "fusion (TLIF)",
    "mixed": "mixed lumbar surgery",
}

@dataclass(frozen=True)
class Selector:
    """One finding to draw from a table: which row, and how to read it.

    Attributes
    ----------
    family
        Procedure family, one of :data:`FAMILIES`.
    group
        Outcome group used for filtering (``"operative time"``).
    outcome
        The outcome as shown to students.
    table, where
        The table and the exact cell values that pick one row.
    mis_better_when
        ``"lower"`` or ``"higher"``: which direction of the printed figure
        favours MISS; ``None`` for a MISS-only figure.
    design
        The design of the evidence, in words.
    phrase
        Text that must occur in the row; significance is then read from it
        alone (for rows that print several P values).
    stated
        ``(words, direction)``: when neither an estimate nor two arms are
        printed, the direction is taken from these words, which must occur in
        the row.
    threshold
        What difference matters: ``("MCID", instrument, scale)`` (cited,
        ``data/tables/mcid.csv``) or ``("assumption", name)``; ``None`` when the
        suite has none for the outcome (importance is then not judged).
    blinded
        True when the patients did not know their operation (matters for a
        patient-rated outcome).
    patient_reported
        True for an outcome the patient rates (pain, disability).
    """

    family: str
    group: str
    outcome: str
    table: str
    where: Mapping[str, str]
    mis_better_when: str | None
    design: str
    phrase: str | None = None
    stated: tuple[str, str] | None = None
    threshold: tuple | None = None
    blinded: bool = False
    patient_reported: bool = False


def _s(family, group, outcome, table, where, better, design, phrase=None, stated=None, threshold=None,
       blinded=False, patient_reported=False) -> Selector:
    return Selector(family, group, outcome, table, where, better, design, phrase, stated, threshold, blinded,
                    patient_reported)


_O, _C, _R, _L = ("outcomes_mis_vs_open", "complications_durotomy_conversion", "recovery_milestones",
                  "learning_curve")
_MID = "MIDvsSD_meta_PMC4037525"
_BLOOD = ("assumption", "important_blood_loss_difference")
_TIME = ("assumption", "important_operative_time_difference")
_STAY = ("assumption", "important_length_of_stay_difference")
_FLUORO = ("assumption", "important_fluoroscopy_time_difference")
_EVENTS = ("assumption", "important_event_rate_difference")

#: The findings the lesson shows, in order. Verdicts are computed from the rows.
SELECTORS: tuple[Selector, ...] = (
    _s("discectomy", "incision", "incision size", _O,
       {"source_key": _MID, "outcome": "incision size"}, "lower", "meta-analysis of RCTs"),
    _s("discectomy", "operative time", "operating time", _O,
       {"source_key": _MID, "outcome": "operating time"}, "lower", "meta-analysis of RCTs", threshold=_TIME),
    _s("discectomy", "blood loss", "blood loss", _O,
       {"source_key": _MID, "outcome": "blood loss"}, "lower", "meta-analysis of RCTs", threshold=_BLOOD),
    _s("discectomy", "recurrence and reoperation", "recurrent disc herniation", _O,
       {"source_key": _MID, "outcome": "disc herniation recurrence"}, "lower", "meta-analysis of RCTs",
       threshold=_EVENTS),
    _s("discectomy", "dural tear", "incidental durotomy (tubular vs open)", _O,
       {"source_key": "Dasenbrock2012JNeurosurgSpine", "outcome": "incidental durotomy"}, "lower",
       "meta-analysis of RCTs", phrase="significantly more frequent during MID", threshold=_EVENTS),
    _s("discectomy", "pain and function", "disability (Roland-Morris), mean over first year", _O,
       {"source_key": "Arts2009JAMA", "outcome": "Roland-Morris (RDQ, 0-23) mean over first year"},
       "lower", "RCT (tubular vs conventional), patients blinded", threshold=("MCID", "RDQ", 1.0),
       blinded=True, patient_reported=True),
    _s("discectomy", "pain and function", "leg pain over 2 years", _O,
       {"source_key": "Arts2011", "outcome": "leg pain VAS over 2 years"}, "lower",
       "RCT (tubular vs conventional), patients blinded", threshold=("MCID", "VAS pain", 1.0),
       blinded=True, patient_reported=True),
    _s("discectomy", "recurrence and reoperation", "repeat surgery within 2 years", _O,
       {"source_key": "Arts2011", "outcome": "repeat surgery within 2 years"}, "lower",
       "RCT (tubular vs conventional)", threshold=_EVENTS),
    _s("discectomy", "pain and function",
       "leg pain at 12 months (full-endoscopic; printed in favour of PTED)", _O,
       {"source_key": "Gadjradj2022BMJ", "outcome": "leg pain VAS (0-100) at 12 months"}, "higher",
       "RCT (full-endoscopic vs open microdiscectomy), patients not blinded",
       threshold=("MCID", "VAS pain", 1.0), patient_reported=True),
    _s("decompression", "infection", "surgical site infection, decompression only", _O,
       {"source_key": "MuellerSMISS2018", "outcome": "SSI, decompression only"}, "lower",
       "retrospective single centre (conference abstract)", phrase="p=0.04 decompression",
       threshold=_EVENTS),
    _s("tlif", "blood loss", "blood loss", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "estimated blood loss (intraoperative)"}, "lower",
       "meta-analysis of cohort studies", threshold=_BLOOD),
    _s("tlif", "operative time", "operative time", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "operative time"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_TIME),
    _s("tlif", "operative time", "operative time", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "operative time"}, "lower",
       "meta-analysis of cohort studies", threshold=_TIME),
    _s("tlif", "radiation", "fluoroscopy time", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "radiation (fluoroscopy) exposure time"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_FLUORO),
    _s("tlif", "radiation", "fluoroscopy shots (multi-segment TLIF)", _O,
       {"source_key": "Zhai2024ExpTherMed", "outcome": "fluoroscopy frequency"}, "lower",
       "meta-analysis (designs not in abstract)"),
    _s("tlif", "radiation", "fluoroscopy time", _O,
       {"source_key": "Li2018JOSR", "outcome": "fluoroscopy time"}, "lower",
       "meta-analysis of studies labelled RCTs", stated=("higher with MIS", "higher"), threshold=_FLUORO),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of cohort studies", threshold=_STAY),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_STAY),
    _s("tlif", "length of stay", "length of hospital stay", _O,
       {"source_key": "Li2018JOSR", "outcome": "length of hospital stay"}, "lower",
       "meta-analysis of studies labelled RCTs", threshold=_STAY),
    _s("tlif", "recovery", "time to walking", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "time to ambulation"}, "lower",
       "meta-analysis (24 studies)"),
    _s("tlif", "infection", "infection", _O,
       {"source_key": "Park2018YonseiMedJ", "outcome": "infection"}, "lower",
       "meta-analysis of prospective cohorts", threshold=_EVENTS),
    _s("tlif", "complications", "complications", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "complication rate"}, "lower",
       "meta-analysis (24 studies)", threshold=_EVENTS),
    _s("tlif", "fusion", "fusion rate", _O,
       {"source_key": "Xie2016ChinMedJ", "outcome": "fusion rate"}, "higher", "meta-analysis (24 studies)",
       threshold=_EVENTS),
    _s("tlif", "recurrence and reoperation", "revision or readmission", _O,
       {"source_key": "Qu2015EurSpineJ", "outcome": "revision / readmission"}, "lower",
       "meta-analysis (14 studies)", threshold=_EVENTS),
    _s("tlif", "pain and function", "pain at long-term follow-up", _O,
       {"source_key": "Sun2013ChinMedJ", "outcome": "VAS pain (long-term follow-up)"}, "lower",
       "meta-analysis of cohort studies", threshold=("MCID", "VAS pain", 0.1), patient_reported=True),
    _s("tlif", "learning curve", "cases to complete the learning curve (operative time)", _L,
       {"source_key": "Shuman", "metric": "cases to complete learning curve"}, None, ""),
    _s("mixed", "learning curve", "complications during the learning curve", _L,
       {"source_key": "SclafaniKim2014CORR", "metric": "overall postoperative complication rate"}, None, ""),
    _s("mixed", "dural tear", "incidental durotomy (degenerative lumbar surgery)", _C,
       {"source_key": "Sharma2022AsianSpineJ", "complication": "incidental durotomy"}, "lower",
       "prospective single-centre cohort", threshold=_EVENTS),
    _s("mixed", "infection", "surgical site infection, all lumbar procedures", _O,
       {"source_key": "MuellerSMISS2018", "outcome": "SSI, all lumbar procedures"}, "lower",
       "retrospective single centre (conference abstract)", phrase="p=0.0003 overall", threshold=_EVENTS),
    _s("mixed", "recovery", "return to work", _R,
       {"source_key": "Sharma2022AsianSpineJ", "milestone": "return to work"}, "lower",
       "prospective single-centre cohort", stated=("significantly earlier", "lower")),
)


#: The risks the lesson names, with the rows of the tables that speak to each.
RISKS: tuple[tuple[str, tuple[tuple[str, Mapping[str, str]], ...]], ...] = (
    ("infection", (
        (_O, {"source_key": "Park2018YonseiMedJ", "outcome": "infection"}),
        (_O, {"source_key": "Ee2014CORR", "outcome": "SSI"}),
        (_O, {"source_key": "MuellerSMISS2018", "outcome": "SSI, all lumbar procedures"}),
    )),
    ("nerve injury", (
        (_C, {"source_key": "CurrRevMusculoskeletMed2019"}),
    )),
    ("dural tear", tuple(
        (_C, {"source_key": k, "complication": "incidental durotomy"})
        for k in ("Dasenbrock2012JNeurosurgSpine", "Sharma2022AsianSpineJ", "McClain2025EurSpineJ",
                  "Klingler2015", "Alshameeri2021IntJSpineSurg", "Toci2023AsianSpineJ")
    )),
    ("blood clots", ()),
    ("pseudarthrosis (no fusion)", (
        (_O, {"source_key": "Xie2016ChinMedJ", "outcome": "fusion rate"}),
        (_O, {"source_key": "Serban2017BiomedResInt", "outcome": "fusion at 1 year"}),
    )),
    ("conversion to open surgery", (
        (_C, {"source_key": "Lee2014JSpinalDisordTech", "complication": "conversion to open"}),
    )),
    ("a second operation", (
        (_C, {"source_key": "Arts2011", "complication": "repeat surgery within 2 years"}),
        (_C, {"source_key": _MID, "complication": "recurrence"}),
        (_C, {"source_key": "Qu2015EurSpineJ", "complication": "revision/readmission"}),
        (_C, {"source_key": "Lee2006Spine"}),
    )),
)


def one_row(table: str, where: Mapping[str, str]) -> dict[str, Any]:
    """Return the one row of ``data/tables/<table>.csv`` whose cells equal ``where``.

    Raises
    ------
    DataError
        When a column of ``where`` is not in the table, or not exactly one row matches.
    """
    columns = {c.name for c in load_schema(table).columns}
    for col in where:
        if col not in columns:
            raise DataError(f"data/tables/{table}.csv has no column {col!r}")
    rows = [r for r in records(table) if all(r[c] == v for c, v in where.items())]
    if len(rows) != 1:
        described = ", ".join(f"{k}={v}" for k, v in where.items())
        raise DataError(f"data/tables/{table}.csv: expected one row with {described}, found {len(rows)}")
    return dict(rows[0])
