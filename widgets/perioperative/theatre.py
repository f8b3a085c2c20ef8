"""In the operating room (lesson 06): anaesthesia by technique, and operative time MISS vs open.

:func:`anaesthesia_table` reads the anaesthesia rows of ``technique_profiles``
(the table of the techniques lesson) with each technique's name;
:func:`operative_time_table` is the operative-time part of the
benefits/drawbacks table of :mod:`widgets.perioperative.comparisons`.
"""

from __future__ import annotations

from widgets.core.data import load_table
from widgets.perioperative.comparisons import benefits_drawbacks_table

__all__ = ["anaesthesia_table", "operative_time_table"]


def anaesthesia_table():
    """Return, for each technique the tables describe, the anaesthesia its source reports."""
    import pandas as pd

    table = load_table("technique_profiles")
    names = {r["technique"]: r["value_text"] for r in table[table["attribute"] == "name"].to_dict("records")}
    rows = [
        {
            "technique": names.get(r["technique"], r["technique"]),
            "anaesthesia (as the source reports it)": r["value_text"],
            "source": r["source_key"],
            "confidence": f"{r['confidence']} ({r['notes']})" if r["notes"] else r["confidence"],
        }
        for r in table[table["attribute"] == "anaesthesia"].to_dict("records")
    ]
    return pd.DataFrame(rows)


def operative_time_table():
    """Return the operative-time findings, MISS vs open, with their verdicts and evidence."""
    return benefits_drawbacks_table(group="operative time")
