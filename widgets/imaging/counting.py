"""Counting levels on fluoroscopy: transitional vertebrae, short ribs, and the wrong-level trap.

The counting model
------------------
A **column** is the run of vertebrae from T10 to the sacrum, each named by its identity counted
from C2 downwards on a whole-spine image (the reference naming), with what a count can see: whether
it carries ribs long enough to see on fluoroscopy, and whether a mobile disc lies below it.

A count names the vertebrae from one landmark:

``from-ribs``
    the lowest vertebra with visible ribs is called T12; the vertebrae below it are L1, L2, ...
``from-sacrum``
    the lowest mobile disc is called L5-S1; the vertebrae above it are L5, L4, ...
``from-C2``
    the reference naming (a whole-spine sagittal image counted from C2 down).

A disc is named by the two vertebrae around it (``L4-L5``). The counts agree on a typical spine
and disagree by one level on the variants a surgeon meets:

``sacralised-L5``
    four mobile lumbar vertebrae: L5 is fused to the sacrum (no mobile disc below it).
``lumbarised-S1``
    six lumbar-type vertebrae: S1 is separate from the sacrum, with a mobile disc below it.
``short-T12-ribs``
    the 12th ribs are too short to see on fluoroscopy, so the lowest visible ribs are T11's.

A drill **case** says how the MRI that showed the lesion was numbered and where the lesion is
(``"L4-L5"`` by that count). The lesion is at one physical disc; the student must find that disc
on fluoroscopy. The right answer is the disc the MRI's own count names; the **trap** is the disc
the other landmark gives, where the two differ.

The images
----------
:func:`column_grid` builds the column as a grid of materials for the projector (assumption: a
schematic geometry with round sizes, not measurements; only the number and shape of the segments
matter for counting): bodies with a dense cortical shell, discs, transverse processes, ribs on
T10-T12 (T12's short in the short-rib variant), a sacrum with its alae, and the iliac wings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from widgets.core.data import load_table

__all__ = [
    "CASES",
    "METHODS",
    "VARIANTS",
    "Case",
    "Column",
    "Verdict",
    "case",
    "check",
    "column",
    "column_grid",
    "disc_index",
    "disc_labels",
    "disc_positions",
    "prevalence_rows",
    "wrong_level_rows",
]

#: The counting landmarks.
METHODS = ("from-C2", "from-ribs", "from-sacrum")
#: The columns of the drill.
VARIANTS = ("typical", "sacralised-L5", "lumbarised-S1", "short-T12-ribs")
_NAMES = ("T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5")
_METHOD_WORDS = {
    "from-C2": "counting down from C2 on a whole-spine image",
    "from-ribs": "counting down from the lowest ribs (called T12)",
    "from-sacrum": "counting up from the sacrum (the lowest mobile disc called L5-S1)",
}


@dataclass(frozen=True)
class Column:
    """One column: the vertebrae T10 to the last above the sacrum, top to bottom, and what a count sees.

    Attributes
    ----------
    variant
        One of :data:`VARIANTS`.
    names
        The reference names (from C2) of the vertebrae above the sacrum, top to bottom.
    ribs
        Per vertebra: ``"long"``, ``"short"`` (too short to see on fluoroscopy) or ``""``.
    mobile
        Per vertebra: whether a mobile disc lies below it (the last one's disc is the lowest).
    sacrum_top
        The reference name of the top segment of the fused sacrum.
    """

    variant: str
    names: tuple[str, ...]
    ribs: tuple[str, ...]
    mobile: tuple[bool, ...]
    sacrum_top: str


@functools.cache
def column(variant: str) -> Column:
    """Return the column of ``variant`` (see the module docstring)."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {variant!r}")
    names = list(_NAMES)
    ribs = ["long", "long", "long"] + [""] * 5
    mobile = [True] * len(names)
    sacrum_top = "S1"
    if variant == "sacralised-L5":
        mobile[-1] = False  # L5 fused to the sacrum: no mobile disc below it
    elif variant == "lumbarised-S1":
        names.append("S1")
        ribs.append("")
        mobile.append(True)
        sacrum_top = "S2"
    elif variant == "short-T12-ribs":
        ribs[2] = "short"
    return Column(variant, tuple(names), tuple(ribs), tuple(mobile), sacrum_top)


def _discs(col: Column) -> list[int]:
    """Return the indices (into ``col.names``) of the vertebrae above each mobile disc, top to bottom."""
    return [i for i, m in enumerate(col.mobile) if m]


def _counted_names(col: Column, method: str) -> list[str]:
    """Return the names a count gives the vertebrae of ``col`` (and the segment below the lowest disc)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    n = len(col.names)
    if method == "from-C2":
        return list(col.names) + [col.sacrum_top]
    order = [f"T{k}" for k in range(1, 13)] + [f"L{k}" for k in range(1, 8)]
    if method == "from-ribs":
        lowest = max(i for i, r in enumerate(col.ribs) if r == "long")
        start = order.index("T12") - lowest
        names = order[start : start + n]
        return names + ["S1"]
    # from the sacrum: the vertebra above the lowest mobile disc is L5
    low = _discs(col)[-1]
    names = [order[order.index("L5") - (low - i)] if i <= low else "S1" for i in range(n)]
    return names + ["S1" if low == n - 1 else "S2"]


def disc_labels(variant: str, method: str) -> tuple[str, ...]:
    """Return the names a count gives the mobile discs of ``variant``, top to bottom.

    Examples
    --------
    >>> disc_labels("sacralised-L5", "from-sacrum")[-1], disc_labels("sacralised-L5", "from-C2")[-1]
    ('L5-S1', 'L4-L5')
    """
    col = column(variant)
    names = _counted_names(col, method)
    return tuple(f"{names[i]}-{names[i + 1]}" for i in _discs(col))


def disc_index(variant: str, method: str, label: str) -> int:
    """Return the position (0 = top) among the mobile discs of the disc a count calls ``label``."""
    labels = disc_labels(variant, method)
    if label not in labels:
        raise ValueError(
            f"counting {method} on the {variant} column names no disc {label!r}; it names {', '.join(labels)}"
        )
    return labels.index(label)


# --------------------------------------------------------------------------- drill cases


@dataclass(frozen=True)
class Case:
    """One counting item: a patient, the column, how the MRI was numbered, the lesion's label."""

    id: str
    variant: str
    mri_method: str
    target: str
    stem: str

    @property
    def answer(self) -> int:
        """Position (0 = top) of the mobile disc that holds the lesion."""
        return disc_index(self.variant, self.mri_method, self.target)

    @property
    def trap(self) -> int | None:
        """Position of the disc the other fluoroscopic landmark gives, or ``None`` if the counts agree."""
        others = [m for m in ("from-ribs", "from-sacrum") if m != self.mri_method]
        for m in others:
            try:
                i = disc_index(self.variant, m, self.target)
            except ValueError:
                continue
            if i != self.answer:
                return i
        return None

    @property
    def trap_method(self) -> str | None:
        """The landmark that leads to the trap."""
        for m in ("from-ribs", "from-sacrum"):
            if m != self.mri_method and self.trap is not None:
                try:
                    if disc_index(self.variant, m, self.target) == self.trap:
                        return m
                except ValueError:
                    continue
        return None


CASES: tuple[Case, ...] = (
    Case(
        "typical",
        "typical",
        "from-sacrum",
        "L4-L5",
        "A 45-year-old man with a left L5 radiculopathy has a paracentral L4-L5 disc herniation on a"
        " lumbar MRI numbered up from the sacrum. Which disc do you mark on the fluoroscopy?",
    ),
    Case(
        "sacralised",
        "sacralised-L5",
        "from-C2",
        "L4-L5",
        "A 52-year-old woman's whole-spine MRI, counted down from C2, shows an L4-L5 herniation; L5 is"
        " fused to the sacrum. Which disc do you mark on the fluoroscopy?",
    ),
    Case(
        "lumbarised",
        "lumbarised-S1",
        "from-C2",
        "L5-S1",
        "A 38-year-old man's whole-spine MRI, counted down from C2, shows an L5-S1 herniation; S1 is a"
        " separate, lumbar-shaped segment. Which disc do you mark on the fluoroscopy?",
    ),
    Case(
        "short-ribs",
        "short-T12-ribs",
        "from-sacrum",
        "L4-L5",
        "A 61-year-old woman's lumbar MRI, numbered up from the sacrum, shows L4-L5 stenosis; her"
        " 12th ribs are very short. Which disc do you mark on the fluoroscopy?",
    ),
    Case(
        "sacralised-mri-sacrum",
        "sacralised-L5",
        "from-sacrum",
        "L4-L5",
        "A 49-year-old man's lumbar MRI, numbered up from the sacrum, reports an L4-L5 herniation;"
        " the lowest lumbar vertebra is fused to the sacrum. Which disc do you mark on the fluoroscopy?",
    ),
)


def case(case_id: str) -> Case:
    """Return the drill case ``case_id``."""
    for c in CASES:
        if c.id == case_id:
            return c
    raise ValueError(f"case must be one of {', '.join(c.id for c in CASES)}; got {case_id!r}")


@dataclass(frozen=True)
class Verdict:
    """What the student's choice means: right, the trap, or another disc, and why."""

    correct: bool
    chosen: int
    answer: int
    trap: int | None
    fell_in_trap: bool
    levels_off: int
    explanation: str


def letter(i: int) -> str:
    """Return the marker letter of mobile disc ``i`` (0 -> ``"a"``), as the images label them."""
    return "abcdefghij"[i]


def check(case_id: str, chosen: int) -> Verdict:
    """Judge the student's choice of disc (position 0 = top, as lettered on the images)."""
    c = case(case_id)
    n = len(disc_labels(c.variant, "from-C2"))
    if isinstance(chosen, bool) or not isinstance(chosen, int) or not 0 <= chosen < n:
        raise ValueError(f"chosen must be a disc position from 0 to {n - 1}; got {chosen!r}")
    ref = disc_labels(c.variant, "from-C2")
    mri = _METHOD_WORDS[c.mri_method]
    off = chosen - c.answer
    if off == 0:
        why = (
            f"Right: the MRI was numbered {mri}; the same count on fluoroscopy reaches disc"
            f" {letter(c.answer)} (by a count from C2 it is {ref[c.answer]})."
        )
        if c.trap is not None:
            words = _METHOD_WORDS[c.trap_method]
            why += f" {words[0].upper() + words[1:]} would have given disc {letter(c.trap)}, one level away."
    elif chosen == c.trap:
        why = (
            f"The trap: {_METHOD_WORDS[c.trap_method]} gives disc {letter(chosen)}, but the MRI was"
            f" numbered {mri}, which puts the lesion at disc {letter(c.answer)}. Count the same way"
            " in theatre as the MRI was counted, and check the count on both views."
        )
    else:
        side = "above" if off < 0 else "below"
        why = (
            f"Disc {letter(chosen)} is {abs(off)} level(s) {side} the lesion: counting {mri} gives"
            f" disc {letter(c.answer)}."
        )
    return Verdict(off == 0, chosen, c.answer, c.trap, chosen == c.trap and off != 0, off, why)


# --------------------------------------------------------------------------- geometry and volume

# Schematic sizes (mm): round illustrative values (an assumption), not measurements.
_BODY_H = {"T": 22.0, "L": 27.0, "S": 27.0}
_DISC_H = {"T": 6.0, "L": 10.0}
_BODY_W = {"T": 38.0, "L": 48.0, "S": 48.0}
_BODY_D = {"T": 30.0, "L": 34.0, "S": 34.0}
#: The materials (names of :data:`widgets.imaging.volume.MATERIALS`) the column is made of.
SOFT, CANCELLOUS, CORTICAL, DISC = "soft tissue", "cancellous bone", "cortical bone", "disc annulus"
#: Relative density used only to order materials when they overlap (the denser wins).
_RANK = {SOFT: 0, DISC: 1, CANCELLOUS: 2, CORTICAL: 3}


def disc_positions(variant: str) -> tuple[float, ...]:
    """Return the height (z, mm) of each mobile disc's centre, top to bottom (0 = sacral plate)."""
    return tuple(z for z, _ in _layout(variant)[1])


@functools.cache
def _layout(variant: str) -> tuple[list[tuple[str, float, float]], list[tuple[float, int]]]:
    """Bodies (name, z bottom, z top) from the sacrum's top plate up, and mobile discs (z centre, index)."""
    col = column(variant)
    bodies: list[tuple[str, float, float]] = []
    discs: list[tuple[float, int]] = []
    z = 0.0
    for i in range(len(col.names) - 1, -1, -1):
        region = col.names[i][0]
        if col.mobile[i]:
            dh = _DISC_H["L" if region in "LS" else "T"]
            discs.append((z + dh / 2, i))
            z += dh
        # a sacralised L5 sits on the sacrum with no disc space to see
        h = _BODY_H[region]
        bodies.append((col.names[i], z, z + h))
        z += h
    discs.sort(key=lambda d: -d[0])
    return bodies[::-1], discs


@dataclass(frozen=True)
class Grid:
    """A labelled grid: ``rank[ix, iy, iz]`` (0 soft, 1 disc, 2 cancellous, 3 cortical) from ``origin_mm``.

    Axes are the vertebra frame's: ``x`` to the patient's left, ``y`` anterior (0 = back of the
    bodies), ``z`` cranial (0 = top of the sacrum).
    """

    rank: np.ndarray
    spacing_mm: float
    origin_mm: tuple[float, float, float]

    def centres(self, axis: int) -> np.ndarray:
        """Return the voxel-centre coordinates (mm) along ``axis``."""
        n = self.rank.shape[axis]
        return self.origin_mm[axis] + self.spacing_mm * (np.arange(n) + 0.5)

    def material(self, name: str) -> np.ndarray:
        """Return the boolean mask of material ``name``."""
        return self.rank == _RANK[name]


@functools.cache
def column_grid(variant: str, spacing_mm: float = 2.0) -> Grid:
    """Build the schematic column of ``variant`` as a labelled grid (cached per variant)."""
    col = column(variant)
    bodies, discs = _layout(variant)
    top = bodies[0][2] + 12.0
    origin = (-170.0, -80.0, -110.0)
    shape = (int(340 / spacing_mm), int(200 / spacing_mm), int((top - origin[2]) / spacing_mm))
    grid = Grid(np.zeros(shape, dtype=np.uint8), float(spacing_mm), origin)
    x, y, z = (grid.centres(a) for a in range(3))
    X, Y = np.meshgrid(x, y, indexing="ij")
    r = grid.rank

    def slab(z0: float, z1: float) -> slice:
        return slice(max(0, int((z0 - origin[2]) / spacing_mm)), max(0, int((z1 - origin[2]) / spacing_mm)))

    def paint(s: slice, mask2d: np.ndarray, material: str) -> None:
        r[:, :, s] = np.maximum(r[:, :, s], np.where(mask2d, _RANK[material], 0).astype(np.uint8)[:, :, None])

    def ellipse(cx, cy, a, b):
        return ((X - cx) / a) ** 2 + ((Y - cy) / b) ** 2

    for name, z0, z1 in bodies:
        region = name[0]
        w, dd = _BODY_W[region], _BODY_D[region]
        e = ellipse(0.0, dd / 2, w / 2, dd / 2)
        s = slab(z0, z1)
        paint(s, e <= 1.0, CANCELLOUS)
        paint(s, (e <= 1.0) & (e >= 0.72), CORTICAL)
        for plate in (slab(z0, z0 + 2.0), slab(z1 - 2.0, z1)):  # end plates
            paint(plate, e <= 1.0, CORTICAL)
        i = col.names.index(name)
        # posterior arch (a ring behind the body) and transverse processes (long at a sacralised L5)
        arch = (ellipse(0.0, -14.0, 14.0, 12.0) <= 1.0) & (ellipse(0.0, -14.0, 8.0, 7.0) > 1.0)
        tp_len = 40.0 if region == "L" else 30.0
        if variant == "sacralised-L5" and i == len(col.names) - 1:
            tp_len = 62.0
        tp = (np.abs(X) <= tp_len) & (np.abs(Y + 8.0) <= 4.0)
        paint(slab(z0 + 0.3 * (z1 - z0), z1 - 0.3 * (z1 - z0)), arch | tp, CORTICAL)
        _pedicles_and_spinous(grid, X, Y, z, w, (z0 + z1) / 2)
        if col.ribs[i]:
            _rib(grid, X, Y, (z0 + z1) / 2, long=col.ribs[i] == "long")
    for zc, i in discs:
        region = col.names[i][0]
        dh = _DISC_H["L" if region in "LS" else "T"]
        e = ellipse(0.0, _BODY_D[region] / 2, _BODY_W[region] / 2, _BODY_D[region] / 2)
        paint(slab(zc - dh / 2, zc + dh / 2), e <= 1.0, DISC)
    _sacrum_and_pelvis(grid, X, Y, z)
    return grid


def _pedicles_and_spinous(grid: Grid, X, Y, z, width: float, zc: float) -> None:
    """Add two pedicles (oval tubes from the body to the arch, end-on in AP) and a spinous process."""
    r = grid.rank
    for k, zz in enumerate(z):
        dz = zz - zc
        if abs(dz) < 7.0:
            a = 4.5 * np.sqrt(1.0 - (dz / 7.0) ** 2)
            for px in (width / 2 - 9.0, -(width / 2 - 9.0)):
                tube = (np.abs(X - px) <= a) & (Y <= 0.0) & (Y >= -16.0)
                shell = tube & (np.abs(X - px) >= a - 1.5)
                r[:, :, k] = np.maximum(r[:, :, k], np.where(shell, 3, np.where(tube, 2, 0)).astype(np.uint8))
        if -9.0 <= dz <= 4.0:
            half = 3.0 * (1.0 - (dz + 9.0) / 26.0)
            spine = (np.abs(X) <= half) & (Y <= -24.0) & (Y >= -55.0)
            r[:, :, k] = np.maximum(r[:, :, k], np.where(spine, 3, 0).astype(np.uint8))


def _rib(grid: Grid, X, Y, zc: float, *, long: bool) -> None:
    """Add a pair of ribs: from the transverse process, sweeping laterally, forwards and down."""
    length = 150.0 if long else 30.0
    t = np.linspace(0.0, 1.0, 60)
    for sgn in (1.0, -1.0):
        px = sgn * (20.0 + length * 0.75 * np.sin(t * np.pi / 2))
        py = -8.0 + length * 0.45 * (1 - np.cos(t * np.pi / 2))
        pz = zc - length * 0.35 * t
        for a, b, c in zip(px, py, pz, strict=True):
            iz = int((c - grid.origin_mm[2]) / grid.spacing_mm)
            if not 0 <= iz < grid.rank.shape[2]:
                continue
            m = ((X - a) ** 2 + (Y - b) ** 2) <= 16.0
            lo, hi = max(0, iz - 2), min(grid.rank.shape[2], iz + 3)
            grid.rank[:, :, lo:hi] = np.maximum(
                grid.rank[:, :, lo:hi], np.where(m, _RANK[CORTICAL], 0).astype(np.uint8)[:, :, None]
            )


def _sacrum_and_pelvis(grid: Grid, X, Y, z) -> None:
    """Add a sacrum tapering downwards from the top plate (z = 0), its alae, and the iliac wings."""
    r = grid.rank
    for k, zz in enumerate(z):
        if -100.0 <= zz <= 0.0:
            f = 1.0 + zz / 130.0  # narrower and thinner downwards
            tilt = -0.3 * zz  # the sacrum slopes backwards as it descends
            m = (np.abs(X) <= 55.0 * f) & (np.abs(Y - 17.0 + tilt) <= 20.0 * f)
            edge = m & ~((np.abs(X) <= 55.0 * f - 3) & (np.abs(Y - 17.0 + tilt) <= 20.0 * f - 3))
            r[:, :, k] = np.maximum(r[:, :, k], np.where(edge, 3, np.where(m, 2, 0)).astype(np.uint8))
        if -90.0 <= zz <= 40.0:
            # iliac wings: thin curved plates lateral to the sacrum, widest at the crest
            reach = 60.0 + 70.0 * (zz + 90.0) / 130.0
            for sgn in (1.0, -1.0):
                m = (np.abs(X - sgn * (reach - 10.0)) <= 18.0) & (
                    np.abs(Y - 17.0 - 0.25 * (X * sgn - 60.0)) <= 5.0
                )
                r[:, :, k] = np.maximum(r[:, :, k], np.where(m, 3, 0).astype(np.uint8))


# --------------------------------------------------------------------------- cited figures


def prevalence_rows() -> list[dict[str, object]]:
    """Return the cited prevalences of lumbosacral transitional vertebrae (they differ; all shown)."""
    t = load_table("transitional_vertebrae")
    return [
        {
            "population": r["population"],
            "imaging": r["imaging"],
            "n": int(r["n"]),
            "measure": r["measure"],
            "prevalence (%)": float(r["prevalence_pct"]),
            "source": r["source_label"],
        }
        for _, r in t.iterrows()
    ]


def wrong_level_rows() -> list[dict[str, object]]:
    """Return the cited figures on how often wrong-level surgery happens and what follows it."""
    t = load_table("wrong_level_surgery")
    return [
        {
            "measure": r["measure"],
            "value": r["value_text"],
            "who": r["population"],
            "source": r["source_label"],
        }
        for _, r in t.iterrows()
    ]
