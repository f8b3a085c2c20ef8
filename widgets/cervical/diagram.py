"""A labelled axial diagram of a cervical level and the two corridors (pure geometry, schematic).

The shapes are a teaching schematic, not measurements: an axial slice seen from above, front at the
top. :func:`shapes` returns the structures as ellipses and boxes in arbitrary units, and
:func:`corridor_path` the line each corridor follows from the skin to its target. The view turns
them into a plotly figure with a text alternative; nothing here is a number a student reads.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Shape", "corridor_path", "shapes"]


@dataclass(frozen=True)
class Shape:
    """One structure: an ellipse (centre, half-axes) with its label and group."""

    name: str
    x: float
    y: float
    rx: float
    ry: float
    group: str  # "bone", "neural", "vessel", "viscus", "muscle"


def shapes() -> tuple[Shape, ...]:
    """Return the structures of the schematic axial slice (front of the neck at the top, y up)."""
    return (
        Shape("intervertebral disc", 0, 2.2, 2.0, 1.3, "bone"),
        Shape("spinal cord", 0, -0.4, 1.1, 0.8, "neural"),
        Shape("exiting root (left)", -2.2, -0.2, 0.9, 0.3, "neural"),
        Shape("exiting root (right)", 2.2, -0.2, 0.9, 0.3, "neural"),
        Shape("facet (left)", -2.4, -1.6, 0.9, 0.6, "bone"),
        Shape("facet (right)", 2.4, -1.6, 0.9, 0.6, "bone"),
        Shape("lamina and spinous process", 0, -2.8, 1.6, 0.6, "bone"),
        Shape("vertebral artery (left)", -3.0, 1.3, 0.35, 0.35, "vessel"),
        Shape("vertebral artery (right)", 3.0, 1.3, 0.35, 0.35, "vessel"),
        Shape("oesophagus", 0, 4.2, 1.0, 0.5, "viscus"),
        Shape("trachea", 0, 5.6, 1.1, 0.8, "viscus"),
        Shape("carotid sheath (right)", 3.4, 4.6, 0.6, 0.6, "vessel"),
        Shape("carotid sheath (left)", -3.4, 4.6, 0.6, 0.6, "vessel"),
        Shape("recurrent laryngeal nerve (right)", 1.4, 4.9, 0.2, 0.2, "neural"),
        Shape("posterior neck muscles", 0, -4.6, 3.6, 1.0, "muscle"),
    )


def corridor_path(corridor: str) -> tuple[tuple[float, float], ...]:
    """Return the points a corridor passes, skin to target.

    ``anterior`` is a right-sided Smith-Robinson approach; ``posterior`` a paramedian one.
    """
    if corridor == "anterior":
        # between the carotid sheath (lateral) and the trachea and oesophagus (medial), onto the disc
        return ((4.6, 7.2), (2.4, 4.3), (0.6, 3.4))
    if corridor == "posterior":
        # paramedian, through the muscles to the lamina-facet junction over the root
        return ((-2.2, -6.4), (-2.0, -3.4), (-1.9, -1.2))
    raise ValueError(f"corridor {corridor!r} is not allowed; choose one of: anterior, posterior")
