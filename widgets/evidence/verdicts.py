"""The evidence map: what the evidence shows, outcome by outcome, by one documented rule.

:data:`MAP` lists, for each outcome, the rows of the cited tables that inform it
and the smallest difference that matters (a cited MCID or a labelled
assumption, :func:`threshold_of`). :func:`verdict` reads the rows
(:func:`widgets.evidence.readers.evidence_rows`) and applies :func:`classify`,
built on :mod:`widgets.evidence.certainty`: whether a difference is clinically
important (the 95% CI against the threshold) and how certain it is (GRADE-like,
from the designs actually pooled). Comparisons of MISS with open surgery, of a
procedure with a sham, and of MISS with itself while learning are kept in
separate groups (:data:`widgets.evidence.readers.GROUPS`). The lesson's table
of it is :func:`widgets.evidence.tables.evidence_map`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from widgets.evidence.cells import fmt
from widgets.evidence.certainty import assumed_threshold, certainty, mcid_threshold, read_importance
from widgets.evidence.readers import (
    COMPLICATIONS,
    GROUPS,
    LEARNING,
    MIS_VS_OPEN,
    POOL,
    RADIATION,
    SHAM_TRIALS,
    TRIALS,
    Evidence,
    MapEntry,
    Source,
    evidence_rows,
)

__all__ = ["MAP", "VERDICTS", "Verdict", "classify", "threshold_of", "verdict", "verdict_order"]


def _s(table: str, source_key: str, column: str = "outcome", value: str = "", **kw) -> Source:
    where = (("source_key", source_key),) + (((column, value),) if value else ())
    return Source(table, where, **kw)


# short names of the tables, to keep each source of MAP on one line
_O, _C, _T, _V, _L, _R, _POOL = (MIS_VS_OPEN, COMPLICATIONS, TRIALS, SHAM_TRIALS, LEARNING, RADIATION, POOL)
_EVENTS = ("assumption", "important_event_rate_difference")
_IN_POOL = "in the lesson's pool of the sham-controlled trials (the pool decides)"


#: The evidence map: every outcome, the rows that inform it and the difference that matters.
MAP: tuple[MapEntry, ...] = (
    MapEntry("Blood loss", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="estimated blood loss (intraoperative)"),
        _s(_O, "Li2018JOSR", value="total blood loss"),
        _s(_O, "Park2018YonseiMedJ", value="estimated blood loss"),
        _s(_O, "Xie2016ChinMedJ", value="estimated blood loss"),
        _s(_O, "Zhai2024ExpTherMed", value="intraoperative blood loss")),
        threshold=("assumption", "important_blood_loss_difference")),
    MapEntry("Length of hospital stay", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="length of hospital stay"),
        _s(_O, "Park2018YonseiMedJ", value="length of hospital stay"),
        _s(_O, "Xie2016ChinMedJ", value="length of hospital stay"),
        _s(_O, "Zhai2024ExpTherMed", value="hospitalisation time"),
        _s(_O, "Li2018JOSR", value="length of hospital stay")),
        threshold=("assumption", "important_length_of_stay_difference")),
    MapEntry("Surgical site infection", "MIS vs open lumbar surgery", "lower", (
        _s(_O, "Park2018YonseiMedJ", value="infection"),
        _s(_O, "Ee2014CORR", value="SSI", invert=True),
        _s(_O, "MuellerSMISS2018", value="SSI, all lumbar procedures")), threshold=_EVENTS),
    MapEntry("Incidental durotomy", "MIS vs open degenerative lumbar surgery", "lower", (
        _s(_C, "Sharma2022AsianSpineJ", "complication", "incidental durotomy"),), threshold=_EVENTS),
    MapEntry("Disability (ODI)", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Xie2016ChinMedJ", value="ODI"),
        _s(_O, "Park2018YonseiMedJ", value="ODI improvement", better="higher")), patient_reported=True,
        threshold=("MCID", "ODI", 1.0)),
    MapEntry("Leg pain at 12 months", "full-endoscopic (PTED) vs open microdiscectomy", "lower", (
        _s(_T, "Gadjradj2022BMJ", sign=-1, trial="Gadjradj2022BMJ"),), patient_reported=True,
        threshold=("MCID", "VAS pain", 1.0)),
    MapEntry("Back pain at long-term follow-up", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="VAS pain (long-term follow-up)"),
        _s(_O, "Goldstein2016Spine", clause=r"no difference in [^;]*")), patient_reported=True,
        threshold=("MCID", "VAS pain", 0.1)),
    MapEntry("Disability in the first year (RDQ)", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2009JAMA", trial="Arts2009JAMA"),), patient_reported=True,
        threshold=("MCID", "RDQ", 1.0)),
    MapEntry("Repeat surgery within 2 years", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2011", value="repeat surgery within 2 years", trial="Arts2009JAMA"),), threshold=_EVENTS),
    MapEntry("Fusion rate", "MIS vs open lumbar fusion", "higher", (
        _s(_O, "Xie2016ChinMedJ", value="fusion rate"),
        _s(_O, "Qu2015EurSpineJ", value="fusion rate")), threshold=_EVENTS),
    MapEntry("Complications", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Xie2016ChinMedJ", value="complication rate"),
        _s(_O, "Qu2015EurSpineJ", value="complication rate")), threshold=_EVENTS),
    MapEntry("Operative time", "MIS-TLIF vs open TLIF", "lower", (
        _s(_O, "Sun2013ChinMedJ", value="operative time"),
        _s(_O, "Park2018YonseiMedJ", value="operative time"),
        _s(_O, "Xie2016ChinMedJ", value="operative time")),
        threshold=("assumption", "important_operative_time_difference")),
    MapEntry("Revision or reoperation", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Qu2015EurSpineJ", value="revision / readmission"),
        _s(_O, "Xie2016ChinMedJ", value="reoperation rate")), threshold=_EVENTS),
    MapEntry("Fluoroscopy (radiation) time", "MIS vs open lumbar fusion", "lower", (
        _s(_O, "Park2018YonseiMedJ", value="radiation (fluoroscopy) exposure time"),
        _s(_O, "Zhai2024ExpTherMed", value="fluoroscopy frequency", decides=False, comparable=False,
           note="counts fluoroscopy shots, not seconds, so the threshold in seconds does not apply"),
        _s(_O, "Li2018JOSR", value="fluoroscopy time"),
        _s(_R, "Zhao2019ExpTherMed", "measure", "X-ray exposure time MIS vs open",
           trial="Zhao2019ExpTherMed")),
        threshold=("assumption", "important_fluoroscopy_time_difference")),
    MapEntry("Operative time", "minimally invasive vs standard discectomy", "lower", (
        _s(_O, "MIDvsSD_meta_PMC4037525", value="operating time"),),
        threshold=("assumption", "important_operative_time_difference")),
    MapEntry("Leg pain over 2 years", "tubular vs conventional microdiscectomy", "lower", (
        _s(_O, "Arts2011", value="leg pain VAS over 2 years", trial="Arts2009JAMA"),), patient_reported=True,
        threshold=("MCID", "VAS pain", 1.0)),
    MapEntry("Recurrent disc herniation", "minimally invasive vs standard discectomy", "lower", (
        _s(_O, "MIDvsSD_meta_PMC4037525", value="disc herniation recurrence"),), threshold=_EVENTS),
    MapEntry("Incidental durotomy", "tubular vs open discectomy", "lower", (
        _s(_C, "Dasenbrock2012JNeurosurgSpine", "complication", "incidental durotomy"),), threshold=_EVENTS),
    MapEntry("Recurrence and revision", "full-endoscopic (PTED) vs microendoscopic discectomy", "lower", (
        _s(_O, "Zhao2020JKoreanNeurosurgSoc", value="recurrence"),
        _s(_O, "Zhao2020JKoreanNeurosurgSoc", value="revision surgery")), threshold=_EVENTS),
    MapEntry("Pain relief", "vertebroplasty vs sham or placebo procedure", "higher", (
        Source(_POOL, (("outcome", "vertebroplasty_pain"),)),
        _s(_V, "Buchbinder2009", trial="Buchbinder2009", decides=False, note=_IN_POOL),
        _s(_V, "Kallmes2009", trial="Kallmes2009", decides=False, note=_IN_POOL),
        _s(_V, "Firanescu2018", "timepoint", "1 month", trial="Firanescu2018", decides=False, note=_IN_POOL),
        _s(_V, "VAPOUR", trial="VAPOUR", decides=False, comparable=False,
           note="a proportion of patients with little pain, not a difference on the pain scale, so it cannot"
                " join the pool; it enrolled acute fractures, many in hospital")),
        patient_reported=True, threshold=("MCID", "VAS pain", 0.1), group=GROUPS[1], first="vertebroplasty"),
    MapEntry("Function at 1 month (SF-36 physical score)", "kyphoplasty vs non-surgical care, no sham",
             "higher", (_s(_T, "Wardlaw2009", trial="Wardlaw2009"),), patient_reported=True,
             group=GROUPS[1], first="kyphoplasty"),
    MapEntry("Operative and fluoroscopy time while learning", "a unit's first vs last quarter of MIS cases",
             "lower", (
                 _s(_L, "Thieme152case", "metric", "operative time by quarter"),
                 _s(_L, "Thieme152case", "metric", "radiation exposure time by quarter")),
             group=GROUPS[2], first="MISS"),
)


def threshold_of(entry: MapEntry):
    """Return the :class:`widgets.evidence.certainty.Threshold` of a map entry (``None`` if it has none)."""
    if not isinstance(entry, MapEntry):
        raise TypeError(f"entry must be a MapEntry, got {type(entry).__name__}")
    spec = entry.threshold
    if spec is None:
        return None
    if spec[0] == "MCID":
        _, instrument, scale = spec
        unit = None if scale == 1.0 else f"points (0-{fmt(10 * scale * 10, 0)})"
        return mcid_threshold(instrument, scale=scale, unit=unit)
    return assumed_threshold(spec[1])


#: Verdicts of the evidence map, best for the first-named treatment first.
VERDICTS = ("better: important difference", "no important difference", "inconclusive",
            "worse: important difference", "importance not judged", "not a comparison")


_VERDICT_OF = {"important benefit": VERDICTS[0], "no important difference": VERDICTS[1],
               "inconclusive": VERDICTS[2], "important harm": VERDICTS[3], "not judged": VERDICTS[4]}


@dataclass(frozen=True)
class Verdict:
    """The verdict on one map entry: importance, certainty and the reasons in words."""

    verdict: str
    certainty: str
    threshold: str
    readings: tuple[str, ...]
    why_verdict: str
    why_certainty: str


def _reading(e: Evidence, t) -> tuple[str, str]:
    """Return (reading, why) of one row against threshold ``t`` (benefit = good for the first-named)."""
    if e.diff_low is None:
        extra = ""
        if e.diff_estimate is not None and e.comparable:
            inside = abs(e.diff_estimate) < t.value
            extra = (f"; its point estimate ({fmt(e.diff_estimate, 2)}) lies"
                     f" {'within' if inside else 'beyond'} ±{fmt(t.value)}")
        return "inconclusive", f"{e.no_interval or 'no 95% CI printed'}{extra}"
    reading, why = read_importance(low=e.diff_low, high=e.diff_high, threshold=t.value)
    if e.better == "lower" and reading.startswith("important"):
        reading = "important harm" if reading == "important benefit" else "important benefit"
    if e.ratio:
        why = "as an absolute difference per 100 patients, " + why
    return reading, why


def _said(reading: str, first: str) -> str:
    return {"important benefit": f"important difference favouring {first}",
            "important harm": f"important difference against {first}"}.get(reading, reading)


def classify(evidence: Sequence[Evidence], patient_reported: bool = False, threshold=None,
             first: str = "MISS", comparison: bool = True) -> Verdict:
    """Return the :class:`Verdict` for the evidence rows of one outcome.

    Importance (see :mod:`widgets.evidence.certainty`): each deciding row's 95% CI of
    the first-named minus the comparator is set against plus and minus
    ``threshold``: entirely beyond it is an important difference (better or
    worse, by the side that is good for patients), entirely within it is no
    important difference, otherwise inconclusive. Rows without a usable
    interval are shown but cannot decide. When the deciding rows disagree, the
    verdict is inconclusive and says so. With no ``threshold`` (no MCID in the
    data) importance is not judged; a figure about one treatment alone
    (``comparison=False``) gets no verdict.

    Certainty: *high* when every deciding row pools randomised trials, *low*
    otherwise (a single row labelled RCT among cohort pools does not raise it);
    one level lower for each of: only unblinded trials of a patient-rated
    outcome (risk of bias); only secondary-source or conference figures;
    sources that disagree, or a pool with I² above 50% (inconsistency); a verdict
    left inconclusive by its intervals, or fewer patients than the assumption
    ``imprecision_min_patients`` (imprecision).
    """
    evidence = list(evidence)
    if not comparison:
        return Verdict("not a comparison", "", "", tuple(f"{e.label}: {e.printed}" for e in evidence),
                       "a figure about MISS alone, with no open comparator: a cost of learning,"
                       " not a verdict",
                       "")
    deciding = [e for e in evidence if e.decides]
    readings, lines = [], []
    for e in evidence:
        if threshold is None:
            lines.append(f"{e.label}: {e.printed}")
            continue
        reading, why = _reading(e, threshold)
        said = _said(reading, first)
        if not e.decides:
            alone = f"; alone it reads {said} ({why})" if e.comparable else ""
            lines.append(f"{e.label}: shown, does not decide ({e.note}){alone}")
            continue
        lines.append(f"{e.label}: {said} ({why})")
        if e.diff_low is not None:
            readings.append((e, reading))
    kinds = {r for _, r in readings}
    if threshold is None:
        reading = "not judged"
        why = "no cited MCID for this instrument in the data, so importance is not judged"
    elif not readings:
        reading = "inconclusive"
        why = "no deciding source prints a 95% CI that can be set against the threshold"
    elif len(kinds) == 1:
        reading = kinds.pop()
        n = len(readings)
        if n == 1:
            why = f"decided by {readings[0][0].label}, the one source with a usable 95% CI"
        else:
            why = f"{'both' if n == 2 else f'all {n}'} sources with a usable 95% CI agree"
        why += f": {_said(reading, first)}"
    else:
        reading = "inconclusive"
        why = "sources differ: " + "; ".join(f"{e.label} {_said(r, first)}" for e, r in readings)
    verdict = _VERDICT_OF[reading]
    if verdict in (VERDICTS[0], VERDICTS[3]):
        verdict = f"{first} {verdict}"
    # certainty: from the designs actually behind the verdict
    basis = [e for e, _ in readings] or [e for e in deciding if e.favours is not None] or deciding
    randomised = bool(basis) and all(e.randomised for e in basis)
    concerns = []
    if patient_reported and randomised and not any(e.blinded for e in basis):
        concerns.append("risk of bias: patients knew their treatment and rated the outcome themselves")
    if basis and all(e.weak for e in basis):
        concerns.append("risk of bias: only secondary-source, conference or hard-to-read figures")
    favours = {e.favours for e in evidence if e.favours is not None}
    i2 = [e.i2 for e in basis if e.i2 is not None]
    if len(favours) > 1 or len({r for _, r in readings}) > 1:
        concerns.append("inconsistency: the sources do not agree")
    elif any(x > 50 for x in i2):
        concerns.append(f"inconsistency: I² {fmt(max(i2), 0)}% in the pool")
    counts = [e.patients for e in basis if e.patients]
    minimum = assumed_threshold("imprecision_min_patients").value
    if reading == "inconclusive":
        concerns.append("imprecision: " + ("no usable 95% CI" if not readings else
                                           "the 95% CI does not settle importance"))
    elif counts and max(counts) < minimum:
        concerns.append(f"imprecision: fewer than {fmt(minimum)} patients")
    level, why_c = certainty(randomised=randomised, concerns=concerns)
    described = "" if threshold is None else threshold.describe()
    return Verdict(verdict, level, described, tuple(lines), why, why_c)


_RANK = {v: i for i, v in enumerate(VERDICTS)}


def verdict_order(verdict: str) -> int:
    """Return the rank of ``verdict`` in :data:`VERDICTS` (best first), also when it names a treatment."""
    for v, i in _RANK.items():
        if verdict.endswith(v):
            return i
    return len(_RANK)


def verdict(entry: MapEntry) -> Verdict:
    """Return the :class:`Verdict` of one map entry (see :func:`classify`)."""
    return classify(evidence_rows(entry), entry.patient_reported, threshold_of(entry), entry.first,
                    entry.group != GROUPS[2])
