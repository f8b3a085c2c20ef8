"""The interbody corridor chooser: which corridor reaches a disc, computed from the model's geometry.

Four corridors reach a lumbar disc to place a cage: **ALIF** (from the front, between or
around the great vessels), **OLIF** (obliquely from the left flank, in front of the psoas),
the **lateral transpsoas** corridor (straight from the side, through the psoas) and **TLIF**
(from behind, through the foramen after removing a facet). For a disc and a pathology,
:func:`choose` decides each corridor's status (*open*, *narrowed* or *blocked*) from geometry:

* the heights come from the spine model (:func:`widgets.anatomy.build_spine`): the top and
  bottom of every disc and the heights of the vertebral regions the sources name
  (``L4 lower half``, ``L5 upper half``...), in the model's world frame (z up, y forward);
* the **iliac crest** top is placed at the region its cited category names (Shin 2024: above,
  at or below the L4-L5 disc). A straight lateral path to a disc whose top lies below the crest
  top is *blocked*; a crest top within the disc's height leaves it *narrowed*;
* the **lumbar plexus**: the lateral safe zone of each disc (its length between the plexus in
  front of the roots and the zone's anterior limit, :mod:`widgets.anatomy.transpsoas`) is set
  against the smallest cited lateral cage: shorter means *narrowed*;
* the **great vessels**: the aortic bifurcation and the iliocaval junction are placed at their
  commonest cited region. A disc below both is reached between the common iliac vessels; a
  disc above the venous junction has a vein across its front that must be moved (*narrowed*);
* the **oblique corridor**: its cited mean width at the disc against the width the same source
  counts as small.

The answers follow from where the model puts these heights, so they change when the data do.
The model is a mid-sagittal simplification: real crests, vessels and plexus vary from patient
to patient (the shares in the tables say how much), which is why surgeons plan on each
patient's own MRI or CT.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np

from widgets.anatomy import build_spine
from widgets.anatomy.morphometry import DISCS, LEVELS
from widgets.anatomy.transpsoas import cage_sizes, lateral_outline, plexus_levels
from widgets.interbody import landmarks

__all__ = [
    "CORRIDORS",
    "CORRIDOR_FACTS",
    "DISCS",
    "PATHOLOGIES",
    "STATUSES",
    "Choice",
    "CorridorVerdict",
    "Heights",
    "choose",
    "corridor_number",
    "heights",
    "safe_zones",
]

CORRIDORS = ("ALIF", "OLIF", "lateral transpsoas", "TLIF")
STATUSES = ("open", "narrowed", "blocked")

#: What each corridor reaches and what lies in its way (anatomy in words; no numbers).
CORRIDOR_FACTS = {
    "ALIF": {
        "route": "from the front of the abdomen, behind the peritoneum, to the front of the disc",
        "endangers": "aorta, vena cava and common iliac vessels; the superior hypogastric plexus"
                     " in front of L5-S1 (retrograde ejaculation); peritoneum and ureter",
        "decompression": "indirect: a tall cage restores disc height and opens the foramina",
    },
    "OLIF": {
        "route": "from the left flank, between the great vessels and the front of the psoas",
        "endangers": "aorta or common iliac artery and veins in front; sympathetic chain on the"
                     " side of the bodies; ureter; the psoas and plexus if the path drifts back",
        "decompression": "indirect: the cage restores disc height",
    },
    "lateral transpsoas": {
        "route": "straight from the side, through the psoas, to the side of the disc",
        "endangers": "lumbar plexus and genitofemoral nerve inside the psoas (thigh numbness or"
                     " weakness); kidney and bowel above; the iliac crest bars the way low down",
        "decompression": "indirect: a long cage across the disc restores height",
    },
    "TLIF": {
        "route": "from behind, through the foramen after removing one facet joint",
        "endangers": "the exiting root above the disc and the traversing root below; the dura",
        "decompression": "direct: bone and ligament are removed, and the cage adds height",
    },
}

#: Pathologies the chooser knows: whether the nerves need a direct decompression, and a note.
PATHOLOGIES = {
    "foraminal stenosis from disc collapse": {
        "direct": False,
        "note": "the nerve is pinched because the disc has lost height: restoring height opens the"
                " foramen (indirect decompression)",
    },
    "central stenosis from thick ligament and facets": {
        "direct": True,
        "note": "bone and ligament press on the sac: a cage from the front or side does not remove"
                " them, so a direct (posterior) decompression is needed",
    },
    "disc degeneration with back pain only": {
        "direct": False,
        "note": "no nerve is compressed; whether to fuse for back pain alone is contested (see the"
                " trials), and a disc replacement, if chosen, goes in from the front",
    },
}


@dataclass(frozen=True)
class Heights:
    """Heights (world z, mm) of the discs and vertebral regions of one spine model, and the outline."""

    discs: dict[str, tuple[float, float, float]]  # disc -> (bottom, centre, top)
    bodies: dict[str, tuple[float, float]]  # level -> (bottom, top), mid-depth of the body
    outline: dict[str, dict[str, np.ndarray]]

    def region(self, position: str) -> float:
        """Height of a region named as the sources name it (``L4 lower half``, ``L4-L5 disc``...)."""
        m = re.fullmatch(r"(above )?((?:L[1-5]|S1)-(?:L[1-5]|S1)) disc", position)
        if m:
            bottom, centre, top = self.discs[m.group(2)]
            if m.group(1):  # the nearest region above the disc: the lower half of the upper body
                return self.region(f"{m.group(2).split('-')[0]} lower half")
            return centre
        m = re.fullmatch(r"(L[1-5]|S1) (body|lower half|upper half)", position)
        if not m or m.group(1) not in self.bodies:
            raise ValueError(f"unknown position {position!r}: use e.g. 'L4 body', 'L4 lower half',"
                             " 'L5 upper half', 'L4-L5 disc' or 'above L4-L5 disc'")
        bottom, top = self.bodies[m.group(1)]
        frac = {"body": 0.5, "lower half": 0.25, "upper half": 0.75}[m.group(2)]
        return bottom + frac * (top - bottom)


@functools.cache
def _spine():
    return build_spine()


@functools.cache
def heights() -> Heights:
    """Return the heights of the default spine model's discs and bodies (cached)."""
    outline = lateral_outline(_spine())
    bodies = {}
    for lv, q in outline["bodies"].items():  # corners: post_inf, post_sup, ant_sup, ant_inf
        bodies[lv] = (float((q[0][1] + q[3][1]) / 2.0), float((q[1][1] + q[2][1]) / 2.0))
    discs = {}
    for d, q in outline["discs"].items():  # corners: lower's post_sup, upper's post_inf, ant_inf, ant_sup
        bottom = float((q[0][1] + q[3][1]) / 2.0)
        top = float((q[1][1] + q[2][1]) / 2.0)
        discs[d] = (bottom, (bottom + top) / 2.0, top)
    return Heights(discs, bodies, outline)


def safe_zones():
    """Return the lateral safe zone on each disc with a cited plexus position (:func:`plexus_levels`)."""
    return plexus_levels(_spine())


@dataclass(frozen=True)
class CorridorVerdict:
    """One corridor at one disc: its status, why, and what it endangers."""

    corridor: str
    status: str
    reasons: tuple[str, ...]
    endangers: str
    decompression: str
    numbers: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """The chooser's answer for one disc, pathology and crest: every corridor, ranked."""

    level: str
    pathology: str
    crest: str
    verdicts: tuple[CorridorVerdict, ...]
    ranking: tuple[str, ...]
    note: str

    def verdict(self, corridor: str) -> CorridorVerdict:
        """Return the verdict of one corridor."""
        for v in self.verdicts:
            if v.corridor == corridor:
                return v
        raise ValueError(f"corridor must be one of {', '.join(CORRIDORS)}, got {corridor!r}")


def _check(name: str, value: str, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _worst(statuses) -> str:
    return max(statuses, key=STATUSES.index)


def _vessel_heights(h: Heights, *, artery_source: str | None = None) -> dict[str, tuple[float, object]]:
    out = {}
    for structure in ("aortic bifurcation", "iliocaval junction"):
        marks = landmarks.vessel_landmarks(structure)
        if structure == "aortic bifurcation" and artery_source is not None:
            marks = [m for m in marks if m.source_key == artery_source] or marks
        out[structure] = (h.region(marks[0].position), marks[0])
    return out


def _alif(level: str, h: Heights, vessels) -> CorridorVerdict:
    bottom, centre, top = h.discs[level]
    z_art, art = vessels["aortic bifurcation"]
    z_vein, vein = vessels["iliocaval junction"]
    facts = CORRIDOR_FACTS["ALIF"]
    if top < z_vein and top < z_art:
        status = "open"
        why = (f"the disc lies below the aortic bifurcation ({art.position}) and the iliocaval junction"
               f" ({vein.position}): it is reached between the common iliac vessels")
    elif centre < z_art:
        status = "narrowed"
        why = (f"the disc lies below the aortic bifurcation ({art.position}) but above the iliocaval"
               f" junction ({vein.position}): the left common iliac vein crosses its front and must be"
               " freed and moved")
    else:
        status = "narrowed"
        why = (f"the disc lies above the aortic bifurcation ({art.position}): the aorta and the vena"
               " cava lie in front of it and must both be moved")
    return CorridorVerdict("ALIF", status, (why,), facts["endangers"], facts["decompression"],
                           {"disc top (mm)": top, "aortic bifurcation (mm)": z_art,
                            "iliocaval junction (mm)": z_vein})


def _olif(level: str, h: Heights, vessels) -> CorridorVerdict:
    facts = CORRIDOR_FACTS["OLIF"]
    widths = landmarks.oblique_corridor()
    small, _ = landmarks.oblique_small_mm()
    if level not in widths:
        return CorridorVerdict("OLIF", "narrowed",
                               ("no cited width of the oblique corridor at this disc; kidney and renal"
                                " vessels lie close at the top of the lumbar spine",),
                               facts["endangers"], facts["decompression"])
    w = widths[level]
    width, share = float(w["width_mm"]), float(w.get("small_pct", float("nan")))
    status = "open" if width >= small else "narrowed"
    reasons = [f"mean width {width:g} mm against the {small:g} mm the source counts as small;"
               f" under it in {share:g}% of patients"]
    top = h.discs[level][2]
    if top < vessels["aortic bifurcation"][0] and top < vessels["iliocaval junction"][0]:
        reasons.append("below the bifurcations the path runs beside the left common iliac vessels")
    return CorridorVerdict("OLIF", status, tuple(reasons), facts["endangers"], facts["decompression"],
                           {"corridor width (mm)": width, "small below (mm)": small})


def _lateral(level: str, h: Heights, crest: str) -> CorridorVerdict:
    facts = CORRIDOR_FACTS["lateral transpsoas"]
    bottom, centre, top = h.discs[level]
    z_crest = h.region(landmarks.CREST_PLACEMENTS[crest])
    statuses, reasons = [], []
    numbers = {"disc top (mm)": top, "disc bottom (mm)": bottom, "crest top (mm)": z_crest}
    if z_crest > top:
        statuses.append("blocked")
        reasons.append(f"the iliac crest top ({crest}) lies {z_crest - top:.0f} mm above the top of the"
                       " disc: a straight path from the side meets the pelvis")
    elif z_crest > bottom:
        statuses.append("narrowed")
        reasons.append(f"the iliac crest top ({crest}) lies within the disc's height: the path is"
                       " partly behind the crest")
    else:
        statuses.append("open")
        reasons.append(f"the iliac crest top ({crest}) lies below the disc")
    zones = {p.segment: p for p in safe_zones()}
    cages = cage_sizes()
    if level in zones and cages:
        zone, cage = zones[level], min(c[0] for c in cages)
        numbers.update({"safe zone (mm)": zone.safe_mm, "smallest lateral cage (mm)": cage})
        if zone.safe_mm < cage:
            statuses.append("narrowed")
            reasons.append(f"the plexus narrows the safe zone to {zone.safe_mm:.1f} mm of disc, shorter"
                           f" than the smallest cited lateral cage ({cage:g} mm front to back)")
        else:
            statuses.append("open")
            reasons.append(f"the safe zone in front of the plexus ({zone.safe_mm:.1f} mm) holds the"
                           f" smallest cited lateral cage ({cage:g} mm)")
    else:
        reasons.append("no cited position of the plexus at this disc")
    return CorridorVerdict("lateral transpsoas", _worst(statuses), tuple(reasons), facts["endangers"],
                           facts["decompression"], numbers)


def _tlif(level: str) -> CorridorVerdict:
    facts = CORRIDOR_FACTS["TLIF"]
    upper, lower = level.split("-")
    return CorridorVerdict("TLIF", "open",
                           (f"reaches every lumbar disc from behind; the {upper} root exits above the"
                            f" disc and the {lower} root traverses below it",),
                           facts["endangers"].replace("the exiting root", f"the exiting {upper} root")
                           .replace("the traversing root", f"the traversing {lower} root"),
                           facts["decompression"])


def choose(*, level: str, pathology: str, crest: str = "at the L4-L5 disc",
           artery_source: str | None = None) -> Choice:
    """Assess the four corridors at ``level`` for ``pathology`` with the iliac crest at ``crest``.

    ``artery_source`` picks the source of the aortic bifurcation's position where sources differ
    (default: the largest share). The ranking puts open corridors first, then narrowed ones, and
    leaves blocked ones out; a pathology that needs a direct decompression puts TLIF first.
    """
    _check("level", level, DISCS)
    _check("pathology", pathology, tuple(PATHOLOGIES))
    _check("crest", crest, tuple(landmarks.CREST_PLACEMENTS))
    h = heights()
    vessels = _vessel_heights(h, artery_source=artery_source)
    verdicts = (_alif(level, h, vessels), _olif(level, h, vessels), _lateral(level, h, crest), _tlif(level))
    direct = PATHOLOGIES[pathology]["direct"]

    def key(v: CorridorVerdict):
        return (0 if (direct and v.corridor == "TLIF") else 1, STATUSES.index(v.status),
                CORRIDORS.index(v.corridor))

    ranking = tuple(v.corridor for v in sorted(verdicts, key=key) if v.status != "blocked")
    note = PATHOLOGIES[pathology]["note"]
    if direct:
        note += "; an anterior or lateral cage would need a separate posterior decompression"
    return Choice(level, pathology, crest, verdicts, ranking, note)


def corridor_number(*, level: str, corridor: str, name: str, crest: str = "at the L4-L5 disc") -> float:
    """One number behind a corridor's verdict at ``level`` (e.g. ``'safe zone (mm)'`` of the lateral path).

    >>> cage = "smallest lateral cage (mm)"
    >>> round(corridor_number(level="L4-L5", corridor="lateral transpsoas", name=cage))
    18
    """
    choice = choose(level=level, pathology=tuple(PATHOLOGIES)[0], crest=crest)
    numbers = choice.verdict(corridor).numbers
    if name not in numbers:
        known = ", ".join(numbers) or "none"
        raise ValueError(f"no number {name!r} for {corridor} at {level}; known: {known}")
    return float(numbers[name])


def level_of(position: str) -> str:
    """Return the vertebra or disc a position names (``'L4 lower half'`` -> ``'L4'``)."""
    m = re.search(r"(?:L[1-5]|S1)(?:-(?:L[1-5]|S1))?", position)
    if not m or (m.group(0) not in LEVELS and m.group(0) not in DISCS):
        raise ValueError(f"no level in position {position!r}")
    return m.group(0)
