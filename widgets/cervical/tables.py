"""The tables a student reads in lesson 09, laid out from the cervical models."""

from __future__ import annotations

from widgets.cervical.comparator import compare
from widgets.cervical.evidence import findings
from widgets.core.tables import captioned_table

__all__ = ["approach_table", "evidence_table", "show", "structures_table"]


def show(frame, caption: str):
    """Return ``frame`` as an accessible HTML table with a caption (see :func:`captioned_table`)."""
    return captioned_table(frame, caption=caption)


def approach_rows(*, level: str, pathology: str) -> list[dict[str, str]]:
    """Return one row per approach: corridor, whether it reaches the pathology, why, on what basis."""
    c = compare(level=level, pathology=pathology)
    return [{"approach": a.name, "corridor": a.corridor, "reaches it": "yes" if a.reaches else "no",
             "why": a.reason, "basis": a.basis, "source": a.source_key} for a in c.answers]


def approach_table(*, level: str, pathology: str):
    """Return :func:`approach_rows` as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(approach_rows(level=level, pathology=pathology))


def structures_rows(corridor: str) -> list[dict[str, str]]:
    """Return the structures a corridor passes or retracts, what injury causes and how often."""
    approach = {"anterior": "acdf", "posterior": "posterior-foraminotomy"}.get(corridor)
    if approach is None:
        raise ValueError(f"corridor {corridor!r} is not allowed; choose one of: anterior, posterior")
    answers = compare(level="C5-C6", pathology="soft foraminal disc").answers
    answer = next(a for a in answers if a.approach == approach)
    return [dict(r) for r in answer.at_risk]


def structures_table(corridor: str):
    """Return :func:`structures_rows` as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(structures_rows(corridor))


def evidence_rows(ids=None) -> list[dict[str, str]]:
    """Return the cervical evidence rows with their verdict against the MCID (or why none is given)."""
    return [{"comparison": f.comparison, "outcome": f.outcome, "when": f.timepoint, "result by arm": f.arms,
             "effect as printed": f.effect, "verdict": f.verdict, "why": f.reason, "design": f.design,
             "source": f"{f.source_key} ({f.confidence})"} for f in findings(ids)]


def evidence_table(ids=None):
    """Return :func:`evidence_rows` as a DataFrame."""
    import pandas as pd

    return pd.DataFrame(evidence_rows(ids))

