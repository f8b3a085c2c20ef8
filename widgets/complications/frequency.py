"""How often each complication happens: the cited rows behind lesson 10, read one value per measure.

Each complication of ``data/complications/scenarios.yaml`` names its rows: a row of
``complication_figures`` by ``id``, or a row of ``complications_durotomy_conversion`` or
``outcomes_mis_vs_open`` by ``source_key`` (and ``outcome`` where a source has several). This module
finds each row and writes it as a student reads it: the figure as printed, the comparison (MIS vs
open where the source gives both arms), the source and its confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.complications.scenarios import Complication, complication, complications
from widgets.core.data import records
from widgets.core.numbers import format_number

__all__ = ["Frequency", "frequencies", "frequency_rows", "sources"]


@dataclass(frozen=True)
class Frequency:
    """One cited figure for one complication, written out."""

    complication: str
    setting: str
    figure: str
    comparison: str
    source_key: str
    confidence: str


def _num(value) -> str:
    return "" if value is None or value != value else format_number(value)


def _text(value) -> str:
    return "" if value is None or value != value else str(value)


def _row(ref: dict) -> dict:
    table = ref["table"]
    keys = {k: v for k, v in ref.items() if k != "table"}
    rows = [r for r in records(table) if all(str(r.get(k)) == str(v) for k, v in keys.items())]
    if len(rows) != 1:
        raise LookupError(f"{table} has {len(rows)} rows for {keys}; a complication names exactly one")
    return rows[0]


def _ci(r) -> str:
    lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
    return f" (95% CI {lo} to {hi})" if lo and hi else ""


def _write(ref: dict, name: str) -> Frequency:
    r = _row(ref)
    table = ref["table"]
    if table == "complication_figures":
        printed = f" ({r['value_text']})" if _text(r["value_text"]) else ""
        figure = f"{_num(r['value'])} {r['unit']}{printed}{_ci(r)}"
        compared = _text(r.get("compared")) or "no open comparison"
        return Frequency(name, f"{r['setting']} ({r['design']})", figure, compared,
                         r["source_key"], r["confidence"])
    if table == "complications_durotomy_conversion":
        mis = _num(r["mis_value"]) or _text(r["mis_value_text"])
        opn = _num(r["open_value"]) or _text(r["open_value_text"])
        unit = _text(r["unit"])
        if mis and opn:
            figure = f"{r['complication']}: MIS {mis}, open {opn} ({unit})"
            comparison = _text(r["effect"]) or "MIS vs open"
        else:
            figure, comparison = f"{r['complication']}: {mis or opn} ({unit})", "no open comparison"
        return Frequency(name, _text(r["procedure"]), figure, comparison, r["source_key"], r["confidence"])
    # outcomes_mis_vs_open
    value = _num(r["pooled_difference"]) or _text(r["pooled_difference_text"])
    figure = f"{r['outcome']}: {_text(r['effect_measure'])} {value}{_ci(r)}"
    return Frequency(name, _text(r["procedure"]), figure, "MIS relative to open", r["source_key"],
                     r["confidence"])


def frequencies(comp: Complication | str) -> tuple[Frequency, ...]:
    """Return the cited figures of one complication (an id or a :class:`Complication`)."""
    c = complication(comp) if isinstance(comp, str) else comp
    return tuple(_write(ref, c.name) for ref in c.figures)


def frequency_rows() -> list[dict[str, str]]:
    """Return one row per complication and cited figure: how common, how it shows, what is done."""
    rows = []
    for c in complications():
        for f in frequencies(c):
            rows.append({"complication": c.name, "how common": f.figure, "in what": f.setting,
                         "MIS vs open": f.comparison, "how it shows": c.shows, "what is done": c.done,
                         "source": f"{f.source_key} ({f.confidence})"})
    return rows


def sources() -> list[str]:
    """Return every source key behind a frequency the lesson shows."""
    return list(dict.fromkeys(f.source_key for c in complications() for f in frequencies(c)))
