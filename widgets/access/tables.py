"""The tables a student reads about access (lessons 00 and 06): each a :class:`pandas.DataFrame`.

The numbers come from the pure models (:mod:`widgets.access.corridor`,
:mod:`widgets.access.comparator`); these functions only lay them out, with the
basis and source of every input.
"""

from __future__ import annotations

from widgets.access.comparator import compare, input_rows
from widgets.access.corridor import (
    compare_corridors,
    end_angle_deg,
    end_slope,
    incision_difference,
    tube_diameters,
)
from widgets.core.assumptions import assumption

__all__ = [
    "comparison_inputs_table",
    "comparison_table",
    "corridor_comparison_table",
    "corridor_inputs_table",
]


def corridor_inputs_table(depth_mm: float, retraction_width_mm: float):
    """Return every input of the comparison with its basis: cited, derived or assumption."""
    import pandas as pd

    rows = [
        {
            "input": "tubular retractor diameter",
            "value": ", ".join(f"{t.value:g}" for t in tube_diameters()),
            "unit": "mm",
            "basis": "cited (" + tube_diameters()[0].confidence + ")",
            "source": tube_diameters()[0].source_key,
        }
    ]
    diff = incision_difference()
    rows.append(
        {
            "input": "extra incision length, standard vs minimally invasive discectomy",
            "value": f"{diff.value:g}",
            "unit": "mm (unit presumed cm in the source, converted)",
            "basis": f"cited pooled mean difference ({diff.confidence})",
            "source": diff.source_key,
        }
    )
    ref = assumption("incision_difference_depth")
    rows.append(
        {
            "input": "depth at which the cited incision difference is taken to apply",
            "value": f"{ref.value:g}",
            "unit": ref.unit,
            "basis": "assumption (no cited figure; the trials do not report depth)",
            "source": "data/assumptions.yaml",
        }
    )
    rows.append(
        {
            "input": "slope of each end of the open wound",
            "value": f"{end_slope():.3f} ({end_angle_deg():.0f}\u00b0 from the vertical)",
            "unit": "mm per mm of depth",
            "basis": "derived: incision difference / (2 x reference depth)",
            "source": diff.source_key,
        }
    )
    for name, value in (("skin_to_lamina_depth", depth_mm),
                        ("open_retraction_width", retraction_width_mm)):
        a = assumption(name)
        rows.append(
            {
                "input": name.replace("_", " "),
                "value": f"{value:g}",
                "unit": a.unit,
                "basis": "assumption (no cited figure; you set it)",
                "source": "data/assumptions.yaml",
            }
        )
    return pd.DataFrame(rows)


def corridor_comparison_table(tube_diameter_mm: float, depth_mm: float, retraction_width_mm: float):
    """Return the tubular and open corridors as a two-row table."""
    import pandas as pd

    tube, open_ = compare_corridors(tube_diameter_mm, depth_mm, retraction_width_mm)
    return pd.DataFrame([tube.as_row(), open_.as_row()]).set_index("approach")


def comparison_table(procedure: str, level: str, tube_diameter_mm: float, depth_mm: float):
    """Return the MISS and open approaches as a two-row :class:`pandas.DataFrame`."""
    import pandas as pd

    c = compare(procedure, level, tube_diameter_mm, depth_mm)
    return pd.DataFrame([c.miss.as_row(), c.open.as_row()]).set_index("approach")


def comparison_inputs_table(procedure: str, level: str, tube_diameter_mm: float, depth_mm: float):
    """Return every input of one comparison with its basis: cited, derived or assumption."""
    import pandas as pd

    return pd.DataFrame(input_rows(procedure, level, tube_diameter_mm, depth_mm))
