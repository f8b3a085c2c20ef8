"""One patient's disability score before and after treatment, judged against the cited MCID (lesson 08).

The Oswestry Disability Index (ODI) and the Neck Disability Index (NDI) each have ten sections,
each answered on a scale of 0 (no limitation) to 5 (the worst). The ODI is the sum of the answered
sections divided by five times the number answered, as a percentage (a section left out, such as
sex life, is dropped from the denominator); the NDI is the sum, 0 to 50 (here also shown as a
percentage). The section names below are the instruments' headings; their statements are not
reproduced.

A change is judged by the rule of the evidence lesson (:func:`widgets.evidence.certainty.mcid_threshold`),
applied to one patient: an improvement at least as large as the cited minimal clinically
important difference (``data/tables/mcid.csv``) matters to a patient; a smaller change, however
real, does not reach what patients call important. The MCID of the ODI there is a change within
one patient, which is what this judges. An instrument with no MCID in the data is scored but not
judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from widgets.evidence.certainty import mcid_threshold

__all__ = ["EXAMPLE_ANSWERS", "INSTRUMENTS", "NDI_SECTIONS", "ODI_SECTIONS", "ChangeVerdict", "Score",
           "judge_change", "score"]

ODI_SECTIONS = ("pain intensity", "personal care", "lifting", "walking", "sitting", "standing",
                "sleeping", "sex life", "social life", "travelling")
NDI_SECTIONS = ("pain intensity", "personal care", "lifting", "reading", "headaches", "concentration",
                "work", "driving", "sleeping", "recreation")
#: A fictional patient's answers before and after treatment, section by section (the lesson's example).
EXAMPLE_ANSWERS = {
    "ODI": ((4, 3, 3, 3, 4, 3, 3, 2, 3, 3), (2, 1, 2, 1, 2, 1, 1, 1, 1, 2)),
    "NDI": ((3, 2, 3, 2, 2, 2, 3, 3, 2, 3), (2, 1, 2, 1, 1, 1, 2, 2, 1, 2)),
}
#: The instruments scored, with their sections.
INSTRUMENTS = {"ODI": ODI_SECTIONS, "NDI": NDI_SECTIONS}
MAX_PER_SECTION = 5


@dataclass(frozen=True)
class Score:
    """A scored questionnaire: the total, the sections answered, and the score on its scale."""

    instrument: str
    total: int
    answered: int
    value: float
    scale: str


def score(*, instrument: str, answers: Mapping[str, int | None]) -> Score:
    """Score ``answers`` (section -> 0..5, or None for a section left out) on ``instrument``.

    Raises a one-line ValueError naming an unknown instrument or section, an answer outside 0-5,
    or a questionnaire with no section answered.
    """
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}; use one of {', '.join(INSTRUMENTS)}")
    sections = INSTRUMENTS[instrument]
    unknown = [s for s in answers if s not in sections]
    if unknown:
        raise ValueError(f"unknown {instrument} section {unknown[0]!r}; sections: {', '.join(sections)}")
    given = {s: a for s, a in answers.items() if a is not None}
    for section, answer in given.items():
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= MAX_PER_SECTION:
            raise ValueError(f"{instrument} section {section!r}: answer {answer!r} is not a whole number"
                             f" from 0 to {MAX_PER_SECTION}")
    if not given:
        raise ValueError(f"no {instrument} section answered; answer at least one")
    total = sum(given.values())
    if instrument == "ODI":
        return Score("ODI", total, len(given), 100 * total / (MAX_PER_SECTION * len(given)),
                     "percent (0-100)")
    if len(given) != len(sections):
        raise ValueError(f"the NDI here needs all {len(sections)} sections answered; missing:"
                         f" {', '.join(s for s in sections if s not in given)}")
    return Score("NDI", total, len(given), float(total), "points (0-50)")


@dataclass(frozen=True)
class ChangeVerdict:
    """The change between two scores, read against the cited MCID."""

    instrument: str
    before: float
    after: float
    improvement: float
    mcid: float | None
    source_key: str
    verdict: str
    why: str


def judge_change(*, instrument: str, before: float, after: float) -> ChangeVerdict:
    """Judge one patient's change from ``before`` to ``after`` (lower is better on both scales)."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}; use one of {', '.join(INSTRUMENTS)}")
    top = 100 if instrument == "ODI" else MAX_PER_SECTION * len(INSTRUMENTS[instrument])
    for name, value in (("before", before), ("after", after)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= top:
            raise ValueError(f"{name} must be a score from 0 to {top}, got {value!r}")
    improvement = float(before) - float(after)
    try:
        threshold = mcid_threshold(instrument)
    except ValueError:
        return ChangeVerdict(instrument, before, after, improvement, None, "", "not judged",
                             f"The suite's data hold no cited MCID for the {instrument}, so this change"
                             " is scored but not judged against one.")
    mcid = threshold.value
    if improvement >= mcid:
        verdict = "important improvement"
        why = (f"The score fell by {improvement:g} points, at least the MCID of {mcid:g}: a change"
               " patients call important.")
    elif -improvement >= mcid:
        verdict = "important worsening"
        why = f"The score rose by {-improvement:g} points, at least the MCID of {mcid:g}."
    else:
        verdict = "smaller than the MCID"
        why = (f"The score changed by {abs(improvement):g} points, less than the MCID of {mcid:g}: it may be"
               " real, but it is smaller than the change patients call important.")
    return ChangeVerdict(instrument, before, after, improvement, mcid, threshold.source_key, verdict, why)
