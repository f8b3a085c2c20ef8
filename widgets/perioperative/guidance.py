"""The evidence behind the advice patients get after lumbar surgery (lesson 06, recovery as lived).

Reads ``data/tables/recovery_guidance.csv``: activity limits, return to work and the
physiotherapy plan, each finding with its design and source. Much of the usual advice (how to
sit, when to drive, the follow-up schedule) rests on practice rather than trials and has no
row; the lesson says so in words.
"""

from __future__ import annotations

from widgets.core.data import load_table

__all__ = ["guidance_sources", "recovery_advice_table"]

_TABLE = "recovery_guidance"


def recovery_advice_table():
    """The findings behind advice after lumbar surgery, as a DataFrame (value as printed, unit, design)."""
    import pandas as pd

    rows = []
    for r in load_table(_TABLE).to_dict("records"):
        rows.append({"advice about": r["topic"], "finding": r["finding"], "value": r["value"],
                     "unit": r["unit"], "design": r["design"], "source": r["source_key"],
                     "confidence": r["confidence"]})
    return pd.DataFrame(rows)


def guidance_sources() -> list[str]:
    """The source keys of the recovery advice table, without repeats."""
    return list(dict.fromkeys(load_table(_TABLE)["source_key"]))
