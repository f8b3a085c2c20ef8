"""The cervical approach comparator: which approach reaches a pathology, what each corridor risks.

For a disc level and a pathology, :func:`compare` reads the rules of ``cervical_approach_rules``
(one row per approach and pathology: reaches or not, why, and on what basis), the structures of
``cervical_structures`` that each corridor passes or retracts, and the cited outcomes of
``cervical_evidence``. Nothing here is decided by the view: the answer is computed from those rows.

The level decides the root at risk: in the neck a root leaves **above** the pedicle of its own
vertebra, so the C5-C6 disc compresses the C6 root (and C7-T1 the C8 root), one of the ways the neck
differs from the lumbar spine.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.cervical.evidence import Finding, findings
from widgets.core.data import records

__all__ = ["APPROACHES", "CORRIDOR", "LEVELS", "PATHOLOGIES", "ApproachAnswer", "Comparison", "compare",
           "exiting_root", "sources"]

#: The disc levels the comparator offers (the subaxial levels cervical radiculopathy involves).
LEVELS = ("C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1")
#: The pathologies of ``cervical_approach_rules`` (a test keeps the two equal).
PATHOLOGIES = ("soft foraminal disc", "foraminal osteophyte", "central disc with myelopathy",
               "multilevel spondylosis")
#: The approaches and what a student calls them.
APPROACHES = {"acdf": "anterior cervical discectomy and fusion (ACDF)",
              "posterior-foraminotomy": "posterior foraminotomy (open, tubular or endoscopic)",
              "disc-arthroplasty": "cervical disc arthroplasty"}
#: The corridor each approach uses.
CORRIDOR = {"acdf": "anterior", "posterior-foraminotomy": "posterior", "disc-arthroplasty": "anterior"}
#: The evidence rows shown with each approach.
_OUTCOMES = {"acdf": ("facet-arm-pain", "facet-ndi", "facet-reoperation", "mobic-one-level",
                      "c5-acdf"),
             "posterior-foraminotomy": ("facet-arm-pain", "facet-ndi", "facet-reoperation"),
             "disc-arthroplasty": ("mobic-one-level", "mobic-two-level", "cda-meta-asd",
                                   "cda-meta-dysphagia")}


def _check(name: str, value, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{name} {value!r} is not allowed; choose one of: {', '.join(allowed)}")
    return value


def exiting_root(level: str) -> str:
    """Return the root that leaves at a cervical disc level: the lower vertebra's (C7-T1 gives C8)."""
    _check("level", level, LEVELS)
    lower = level.split("-")[1]
    return "C8" if lower == "T1" else lower


@dataclass(frozen=True)
class ApproachAnswer:
    """One approach for the chosen pathology: whether it reaches it, why, and what it risks."""

    approach: str
    name: str
    corridor: str
    reaches: bool
    reason: str
    basis: str
    at_risk: tuple[dict, ...]
    outcomes: tuple[Finding, ...]
    source_key: str


@dataclass(frozen=True)
class Comparison:
    """The comparator's answer for one level and one pathology."""

    level: str
    pathology: str
    root: str
    answers: tuple[ApproachAnswer, ...]

    @property
    def reaching(self) -> tuple[str, ...]:
        """The approaches that reach the pathology."""
        return tuple(a.approach for a in self.answers if a.reaches)


def _structures(corridor: str) -> tuple[dict, ...]:
    out = []
    for r in records("cervical_structures"):
        if r["corridor"] != corridor:
            continue
        finding = r["finding"] if isinstance(r["finding"], str) and r["finding"] else None
        rate = findings([finding])[0].arms if finding else "no rate in the tables"
        out.append({"structure": r["structure"], "if injured": r["what_injury_causes"], "how often": rate,
                    "source": r["source_key"]})
    return tuple(out)


def compare(*, level: str, pathology: str) -> Comparison:
    """Compare the three approaches for ``pathology`` at disc ``level`` (keyword-only)."""
    _check("level", level, LEVELS)
    _check("pathology", pathology, PATHOLOGIES)
    rules = {r["approach"]: r for r in records("cervical_approach_rules") if r["pathology"] == pathology}
    answers = []
    for key, name in APPROACHES.items():
        rule = rules[key]
        answers.append(ApproachAnswer(key, name, CORRIDOR[key], bool(rule["reaches"]), rule["reason"],
                                      rule["basis"], _structures(CORRIDOR[key]), findings(_OUTCOMES[key]),
                                      rule["source_key"]))
    return Comparison(level, pathology, exiting_root(level), tuple(answers))


def sources() -> list[str]:
    """Every source key the comparator and the lesson's evidence tables show."""
    keys = [r["source_key"] for r in records("cervical_approach_rules")]
    keys += [r["source_key"] for r in records("cervical_structures")]
    keys += [r["source_key"] for r in records("cervical_evidence")]
    keys += [r["source_key"] for r in records("mcid") if r["instrument"] in ("NDI", "VAS pain")]
    return list(dict.fromkeys(keys))
