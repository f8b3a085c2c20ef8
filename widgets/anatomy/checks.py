"""Geometric checks of the model: which parts must never overlap, and which do.

Anatomy says: bone of one vertebra never enters bone of another (facets meet
across a joint space, spinous processes do not touch); no bone lies in the
canal or a foramen; nerves and the dural sac touch no bone and no disc; a disc
fills the space between two endplates but does not enter either body; the
ligamentum flavum, which lines the back of the canal, touches no nerve.

Within one vertebra, bone parts do overlap (a pedicle runs into the body and
the lamina): the model is a set of closed parts, not a boolean union, so those
pairs are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from widgets.anatomy.mesh import intersects
from widgets.anatomy.vertebra import Part

__all__ = ["collisions", "must_not_overlap"]


def must_not_overlap(a: Part, b: Part) -> bool:
    """Return whether anatomy forbids ``a`` and ``b`` to share volume."""
    kinds = {a.kind, b.kind}
    if "ligament" in kinds:
        return "neural" in kinds
    if kinds == {"bone"}:
        return a.level != b.level
    if "void" in kinds:
        return "bone" in kinds
    if "neural" in kinds:
        return bool(kinds & {"bone", "disc"})
    if "disc" in kinds:
        return "bone" in kinds
    return False


def _label(p: Part) -> str:
    return f"{p.level} {p.mesh.name}"


def collisions(parts: Sequence[Part]) -> list[str]:
    """Return 'A x B' for every pair anatomy forbids to overlap that does overlap."""
    out = []
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            if must_not_overlap(a, b) and intersects(a.mesh, b.mesh):
                out.append(f"{_label(a)} x {_label(b)}")
    return out
