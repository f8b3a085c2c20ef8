"""The consent card: benefit and risks of an operation per 100 patients, with source and certainty.

Every figure is read from the suite's cited tables (``outcomes_mis_vs_open`` and
``complications_durotomy_conversion``); :data:`CARD_ROWS` only says which row answers which
question. A figure a table gives as a percentage is the number of 100 patients; the icon array
rounds it to whole people, and says so. Where a table gives a figure for another denominator (per
100 operated levels, or 0 of 90 patients) the card says that too, and where no table has a figure
(conversion to open surgery after a tubular discectomy) the card says there is none rather than
guessing one. Certainty is :func:`widgets.evidence.certainty.certainty` from the design and the
concerns listed with each row.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from widgets.core.data import records
from widgets.evidence.certainty import certainty

__all__ = ["CARD_ROWS", "OPERATIONS", "ConsentFigure", "consent_card", "icon_counts"]

#: The operations a card can be drawn for.
OPERATIONS = ("tubular microdiscectomy", "MIS-TLIF")

#: (operation, question, kind, table, source_key, row label, column, comparator column, design,
#:  randomised, concerns). The row label is matched against the table's outcome or complication.
CARD_ROWS: tuple[tuple, ...] = (
    ("tubular microdiscectomy", "good recovery at 2 years", "benefit", "outcomes_mis_vs_open", "Arts2011",
     "good recovery at 2 years", "mis_value", "open_value", "one double-blind randomised trial, 328 patients",
     True, ("a single trial",)),
    ("tubular microdiscectomy", "no good recovery at 2 years", "no benefit", "outcomes_mis_vs_open",
     "Arts2011", "good recovery at 2 years", "mis_value", "open_value",
     "one double-blind randomised trial, 328 patients (100 minus the share with a good recovery)",
     True, ("a single trial",)),
    ("tubular microdiscectomy", "a second operation within 2 years", "risk", "outcomes_mis_vs_open",
     "Arts2011", "repeat surgery within 2 years", "mis_value", "open_value",
     "one double-blind randomised trial, 328 patients", True, ("a single trial",)),
    ("tubular microdiscectomy", "a tear of the dura (incidental durotomy)", "risk",
     "complications_durotomy_conversion", "Dasenbrock2012JNeurosurgSpine", "incidental durotomy",
     "mis_value", "open_value", "meta-analysis of 6 randomised trials, 837 patients", True,
     ("precision unknown: the pooled interval was not read",)),
    ("tubular microdiscectomy", "conversion to open surgery", "risk", None, None, None, None, None,
     "no figure in the suite's sources", False, ()),
    ("MIS-TLIF", "a tear of the dura (incidental durotomy)", "risk", "complications_durotomy_conversion",
     "Klingler2015", "incidental durotomy", "mis_value_text", None,
     "one series of 372 patients (per 100 operated levels)", False, ("a single series",)),
    ("MIS-TLIF", "conversion to open surgery", "risk", "complications_durotomy_conversion",
     "Lee2014JSpinalDisordTech", "conversion to open", "mis_value_text", None,
     "the first 90 cases of one surgeon", False, ("a single surgeon's early cases", "few patients")),
)


@dataclass(frozen=True)
class ConsentFigure:
    """One line of a consent card."""

    operation: str
    question: str
    kind: str
    per_100: float | None
    printed: str
    comparator_per_100: float | None
    design: str
    certainty: str
    certainty_why: str
    source_key: str | None
    table: str | None

    @property
    def per_what(self) -> str:
        """What the 100 are: ``"patients"``, or ``"operated levels"`` where the source counts levels."""
        return "operated levels" if "levels" in self.printed else "patients"

    @property
    def people(self) -> int | None:
        """The figure rounded to whole people of 100 (for the icon array); None when there is none."""
        return None if self.per_100 is None else int(math.floor(self.per_100 + 0.5))


def _row(table: str, key: str, label: str) -> dict:
    column = "outcome" if table == "outcomes_mis_vs_open" else "complication"
    rows = [r for r in records(table) if r["source_key"] == key and r[column] == label]
    if len(rows) != 1:
        raise LookupError(f"{table}: expected one {label!r} row of {key}, found {len(rows)}")
    return rows[0]


def _leading_number(cell) -> float | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    match = re.match(r"\s*(\d+(?:\.\d+)?)(?:/(\d+))?", str(cell))
    if not match:
        return None
    if match.group(2):  # "0/90": a count of patients, not a percentage
        return None
    return float(match.group(1))


def consent_card(*, operation: str) -> list[ConsentFigure]:
    """Return the consent card of ``operation``; a one-line ValueError names the operations known."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; use one of {', '.join(OPERATIONS)}")
    out = []
    for (op, question, kind, table, key, label, column, comparator, design, randomised,
         concerns) in CARD_ROWS:
        if op != operation:
            continue
        if table is None:
            out.append(ConsentFigure(op, question, kind, None, "no figure", None, design, "none",
                                     "no figure to rate", None, None))
            continue
        row = _row(table, key, label)
        value = _leading_number(row[column])
        other = _leading_number(row[comparator]) if comparator else None
        printed = str(row[column]) if not isinstance(row[column], float) else f"{row[column]:g}%"
        if kind == "no benefit":
            value = None if value is None else 100 - value
            other = None if other is None else 100 - other
            printed = f"{100 - _leading_number(row[column]):g}% (100 minus {printed})"
        level, why = certainty(randomised=randomised, concerns=concerns)
        out.append(ConsentFigure(op, question, kind, value, printed, other, design, level, why, key, table))
    return out


def icon_counts(figure: ConsentFigure) -> tuple[int, int]:
    """Return (people affected, people not) of 100 for the icon array; raises when there is no figure."""
    if figure.people is None:
        raise ValueError(f"{figure.question!r} has no figure per 100 patients to draw")
    return figure.people, 100 - figure.people
