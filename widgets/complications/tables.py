"""The tables a student reads in lesson 10, laid out from :mod:`widgets.complications.frequency`."""

from __future__ import annotations

from widgets.complications.frequency import frequency_rows
from widgets.complications.scenarios import all_paths, scenario, scenarios
from widgets.core.tables import captioned_table

__all__ = ["complications_table", "scenario_map", "show"]


def show(frame, caption: str):
    """Return ``frame`` as an accessible HTML table with a caption (see :func:`captioned_table`)."""
    return captioned_table(frame, caption=caption)


def complications_table():
    """One row per complication and cited figure: how common, in what, MIS vs open, signs, management."""
    import pandas as pd

    return pd.DataFrame(frequency_rows())


def scenario_map(scenario_id: str | None = None):
    """Every scenario (or one) with its time, complication and number of branches from start to end."""
    import pandas as pd

    chosen = scenarios() if scenario_id is None else (scenario(scenario_id),)
    rows = [{"scenario": s.title, "when": s.time, "complication": s.complication,
             "steps": len(s.steps), "paths from start to end": len(all_paths(s))} for s in chosen]
    return pd.DataFrame(rows)
