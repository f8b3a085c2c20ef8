"""How lesson 01's 3-D views draw the model: part slots, layers, colours, lighter meshes, traces.

Pure functions and constants shared by :class:`widgets.anatomy.view.AnatomyExplorer`:
which slot and layer each part of a level is drawn in, the colours of the layers,
a lighter copy of a mesh for an overview, and a mesh's arrays as one plotly trace.
"""

from __future__ import annotations

import numpy as np

from widgets.anatomy.mesh import Mesh, merge
from widgets.anatomy.morphometry import LEVELS
from widgets.anatomy.vertebra import Part
from widgets.core.view import OKABE_ITO

__all__ = ["BASE_COLOUR", "BONE", "HIGHLIGHT", "LAYERS", "LAYER_STYLE", "LIGHTING", "LIGHT_POSITION",
           "SLOTS", "SPINE_HOVER", "SPINE_TRACES", "coarse", "layer_parts", "mesh_arrays", "scene",
           "slot_layers", "slot_parts"]

HIGHLIGHT = OKABE_ITO["vermillion"]
#: Bone is drawn bone-coloured, nerves yellow as in an atlas; the highlight stays vermillion.
BONE = "#E8DDC7"
BASE_COLOUR = {"bone": BONE, "disc": OKABE_ITO["bluish green"], "void": OKABE_ITO["blue"],
                "ligament": OKABE_ITO["orange"], "neural": OKABE_ITO["yellow"]}
LIGHTING = {"ambient": 0.45, "diffuse": 0.85, "specular": 0.2, "roughness": 0.55,
             "fresnel": 0.15}
LIGHT_POSITION = {"x": 1000.0, "y": -2000.0, "z": 3000.0}

#: The part slots of the single-level view and the group each belongs to; roots are split
#: by their role at the level shown (its own roots exit below it, the next level's traverse).
SLOTS: tuple[tuple[str, str], ...] = (
    ("body", "body"), ("pedicle_left", "pedicles"), ("pedicle_right", "pedicles"),
    ("lamina", "lamina"), ("superior_facet_left", "facets"), ("superior_facet_right", "facets"),
    ("inferior_facet_left", "facets"), ("inferior_facet_right", "facets"),
    ("spinous_process", "spinous process"),
    ("transverse_process_left", "transverse processes"),
    ("transverse_process_right", "transverse processes"),
    ("ala_left", "transverse processes"), ("ala_right", "transverse processes"),
    ("canal", "canal"), ("foramen_left", "foramen"), ("foramen_right", "foramen"),
    ("disc", "disc"), ("ligamentum_flavum", "ligamentum flavum"), ("dural_sac", "dural sac"),
    ("exiting_root_left", "exiting roots"), ("exiting_root_right", "exiting roots"),
    ("traversing_root_left", "traversing roots"), ("traversing_root_right", "traversing roots"),
    ("ganglion_left", "ganglia"), ("ganglion_right", "ganglia"),
    ("sacrum", "sacrum"), ("ilium_left", "pelvis"), ("ilium_right", "pelvis"),
)
#: The layers (one plotly trace each) the single-level view draws, last one on top.
LAYERS: tuple[str, ...] = ("bone", "void", "disc", "ligament", "neural", "highlight")


def slot_parts(parts: list[Part], level: str) -> dict[str, Part | None]:
    """Put one level's parts into the fixed slots of the single-level view."""
    out: dict[str, Part | None] = {name: None for name, _ in SLOTS}
    for p in parts:
        name = p.mesh.name
        if p.group == "roots":
            role = "exiting" if p.level == level else "traversing"
            name = f"{role}_{name}"
        if name in out:
            out[name] = p
    return out


def layer_parts(parts: list[Part], level: str, part: str) -> dict[str, list[Part]]:
    """Sort one level's parts into the drawn layers: the chosen group goes to ``highlight``."""
    slots = slot_parts(parts, level)
    out: dict[str, list[Part]] = {layer: [] for layer in LAYERS}
    for name, group in SLOTS:
        p = slots[name]
        if p is None:
            continue
        if group == part:
            out["highlight"].append(p)
        elif group == "pelvis":
            continue  # the iliac wings dwarf one vertebra: drawn only when chosen
        elif group.endswith("roots"):
            out["neural"].append(p)
        else:
            out[p.kind].append(p)
    return out


def coarse(mesh: Mesh, cell: float) -> Mesh:
    """Return a lighter copy of ``mesh`` for an overview (vertices merged on a ``cell`` mm grid).

    For drawing only: the copy need not be a closed manifold.
    """
    q = np.floor(mesh.vertices / cell).astype(np.int64)
    _, first, inv = np.unique(q, axis=0, return_index=True, return_inverse=True)
    inv = inv.reshape(-1)
    sums = np.zeros((len(first), 3))
    np.add.at(sums, inv, mesh.vertices)
    verts = sums / np.bincount(inv, minlength=len(first))[:, None]
    f = inv[mesh.faces]
    f = f[(f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])]
    _, keep = np.unique(np.sort(f, axis=1), axis=0, return_index=True)
    return Mesh(verts, f[np.sort(keep)], mesh.name)


def _lines(label: str) -> str:
    """Break a long hover label after the part's name and between its measures."""
    return label.replace(": ", ":<br>", 1).replace("; ", "<br>")


def slot_layers(parts: list[Part], level: str, part: str) -> list[tuple[str, str | None, Part | None]]:
    """Each slot of the single-level view with the layer it is drawn in (``None``: not drawn)."""
    slots = slot_parts(parts, level)
    layers = {id(p): layer for layer, ps in layer_parts(parts, level, part).items() for p in ps}
    return [(name, layers.get(id(slots[name])) if slots[name] is not None else None, slots[name])
            for name, _ in SLOTS]


def mesh_arrays(parts: list[Part], text: str | None = None, short: bool = False
                 ) -> dict[str, object]:
    """x, y, z, i, j, k (and hover text) of parts merged into one trace.

    One part: its label is the trace's single hover text. Several parts: each
    vertex carries its part's name (``short``) or label, so hovering still tells
    them apart.
    """
    if not parts:
        return {"x": [], "y": [], "z": [], "i": [], "j": [], "k": [], "hovertext": ""}
    m = merge([p.mesh for p in parts])
    v, f = m.vertices, m.faces
    # single precision and small integers: what is sent to the browser is half as large
    v = v.astype(np.float32)
    f = f.astype(np.uint16 if len(v) < 2 ** 16 else np.int32)
    out: dict[str, object] = {"x": v[:, 0], "y": v[:, 1], "z": v[:, 2],
                              "i": f[:, 0], "j": f[:, 1], "k": f[:, 2]}
    if text is not None:  # one text for the whole trace
        out["hovertext"] = _lines(text)
    elif len(parts) == 1 and not short:
        out["hovertext"] = _lines(parts[0].label)
    else:
        labels = [f"{p.level} {p.mesh.name.replace('_', ' ')}" if short else _lines(p.label)
                  for p in parts]
        out["hovertext"] = np.concatenate([np.full(len(p.mesh.vertices), lab, dtype=object)
                                           for p, lab in zip(parts, labels, strict=True)])
    return out


LAYER_STYLE: dict[str, dict[str, object]] = {
    "bone": {"color": BONE, "opacity": 1.0},
    "void": {"color": OKABE_ITO["blue"], "opacity": 0.12},
    "disc": {"color": OKABE_ITO["bluish green"], "opacity": 0.9},
    "ligament": {"color": OKABE_ITO["orange"], "opacity": 0.9},
    "neural": {"color": OKABE_ITO["yellow"], "opacity": 1.0},
    "highlight": {"color": HIGHLIGHT, "opacity": 1.0},
}


#: The traces of the L1-S1 overview, the highlight last (drawn on top).
SPINE_TRACES: tuple[str, ...] = (*(f"{lv} bone" for lv in LEVELS), *(f"{lv} neural" for lv in LEVELS),
                                  "discs", "pelvis", "highlight")
SPINE_HOVER = {"bone": "{level} vertebra", "neural": "Dural sac and nerve roots at {level}",
                "pelvis": "Iliac wings of the pelvis (drawn see-through)"}


def scene(camera: dict[str, dict[str, float]]) -> dict[str, object]:
    """Return a 3-D scene in millimetres, true to scale, with axes named by direction."""
    axis = {"showbackground": False, "showgrid": False, "zeroline": False, "title": ""}
    return {"aspectmode": "data", "camera": camera,
            "xaxis": {**axis, "title": "left ← x (mm) → right"},
            "yaxis": {**axis, "title": "back ← y (mm) → front"},
            "zaxis": {**axis, "title": "z (mm), up"}}
