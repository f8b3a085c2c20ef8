"""The lateral transpsoas corridor: where the safe zone on each disc begins and where it ends.

The safe zone has two limits, and the model takes each from a cited source:

* **posterior limit, the lumbar plexus.** Benglis et al. 2009 (3 cadavers, lateral
  fluoroscopy) give, per disc from L1-L2 to L4-L5, the anterior margin of the plexus
  as a fraction of the disc's antero-posterior length measured from its posterior
  edge: the plexus moves forward as one goes down.
* **anterior limit.** A dissection of the psoas (Clin Anat 2023, 10 cadavers, the
  body's depth in three equal zones, zone I in front) found the nerve-free zone at
  L1-L2 in zones I and II, so up to the front of the body, but only in zone II, the
  middle third, at L2-L3 to L4-L5: in front of it lie the genitofemoral nerve, which
  leaves the psoas on its front surface at L3-L4 (also Moro 2003), and at L2-L3 the
  sympathetic ganglia. In front of the disc itself lie the great vessels; on MRI the
  roots behind and the vessels in front overlap the endplate more and more from
  L1-L2 down to L4-L5 (Regev 2009). The retractor never goes beyond the front of
  the disc.

The safe zone is the stretch of disc between the two limits. The disc's length in
millimetres comes from the model (the mean of the two bodies' depths, an assumption
at L1 to L4), so the millimetre figures are derived, not published. Other cited
findings (psoas coverage, the femoral nerve at L4-L5, the supine-MRI shift) are
listed beside them, not merged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from widgets.anatomy.morphometry import DISCS, LEVELS
from widgets.anatomy.spine import Spine
from widgets.core.data import DataError, load_table

__all__ = ["PlexusLevel", "anterior_limits", "cage_sizes", "lateral_outline", "plexus_levels"]

_BENGLIS = "Benglis2009"
_ANTERIOR = "ClinAnat2023_psoas"
#: Fraction of the body's depth, from its back, at which each of the source's three equal
#: zones ends in front (zone I is the anterior third).
_ZONE_FRONT = {"I": 1.0, "II": 2.0 / 3.0, "III": 1.0 / 3.0}


@dataclass(frozen=True)
class PlexusLevel:
    """The safe zone on one disc, seen from the side: plexus behind it, its anterior limit in front."""

    segment: str
    ratio: float
    source_key: str
    confidence: str
    disc_length: float
    disc_length_basis: str
    posterior: np.ndarray  # (y, z) of the disc's posterior mid-point (world, mm)
    anterior: np.ndarray
    anterior_ratio: float = 1.0
    anterior_source: str = ""
    anterior_confidence: str = ""
    anterior_text: str = ""

    @property
    def margin_mm(self) -> float:
        """Distance of the plexus's anterior margin from the disc's posterior edge (derived)."""
        return self.ratio * self.disc_length

    @property
    def safe_mm(self) -> float:
        """Length of disc between the plexus margin and the anterior limit (derived)."""
        return (self.anterior_ratio - self.ratio) * self.disc_length

    @property
    def front_mm(self) -> float:
        """Length of disc in front of the anterior limit (derived; zero when the limit is the front edge)."""
        return (1.0 - self.anterior_ratio) * self.disc_length

    @property
    def margin_point(self) -> np.ndarray:
        """(y, z) of the plexus margin on the disc's mid-line."""
        return self.posterior + self.ratio * (self.anterior - self.posterior)

    @property
    def limit_point(self) -> np.ndarray:
        """(y, z) of the safe zone's anterior limit on the disc's mid-line."""
        return self.posterior + self.anterior_ratio * (self.anterior - self.posterior)


def _zone_front(text: str) -> float:
    """Front edge of the most anterior zone a source names (``zones I and II`` -> 1.0)."""
    zones = re.findall(r"\b(III|II|I)\b", text.replace("zones", "zone"))
    if not zones:
        raise DataError(f"transpsoas_safe_zones: no zone (I, II or III) in {text!r}")
    return max(_ZONE_FRONT[z] for z in zones)


def anterior_limits() -> dict[str, tuple[float, str, str, str]]:
    """Per disc: the safe zone's anterior limit as a fraction of depth from the back.

    Returns ``{disc: (fraction, source_key, confidence, text as published)}`` from the
    psoas dissection that divides the body's depth into three equal zones.
    """
    t = load_table("transpsoas_safe_zones")
    out = {}
    for r in t.to_dict("records"):
        if r["source_key"] == _ANTERIOR and r["finding"] == "safe zone":
            out[r["level"]] = (_zone_front(r["value_text"]), r["source_key"], r["confidence"],
                               r["value_text"])
    if not out:
        raise DataError("data/tables/transpsoas_safe_zones.csv: no anterior limit of the safe zone")
    return out


def _corners(spine: Spine, level: str) -> dict[str, np.ndarray]:
    d = spine.vertebra(level).dims
    hp, ha, depth = (d.v("body_height_posterior"), d.v("body_height_anterior"), d.v("body_depth"))
    pose = spine.poses[level]
    local = {
        "post_inf": (0.0, 0.0, -hp / 2.0), "post_sup": (0.0, 0.0, hp / 2.0),
        "ant_sup": (0.0, depth, ha / 2.0), "ant_inf": (0.0, depth, -ha / 2.0),
    }
    return {k: pose.apply(np.array(v))[1:] for k, v in local.items()}


def lateral_outline(spine: Spine) -> dict[str, dict[str, np.ndarray]]:
    """Mid-sagittal (y, z) outlines of every body and disc of the stack, in world mm."""
    out: dict[str, dict[str, np.ndarray]] = {"bodies": {}, "discs": {}}
    corners = {lv: _corners(spine, lv) for lv in LEVELS}
    for lv, c in corners.items():
        out["bodies"][lv] = np.array([c["post_inf"], c["post_sup"], c["ant_sup"], c["ant_inf"]])
    for i, disc in enumerate(DISCS):
        up, lo = corners[LEVELS[i]], corners[LEVELS[i + 1]]
        out["discs"][disc] = np.array([lo["post_sup"], up["post_inf"], up["ant_inf"], lo["ant_sup"]])
    return out


def plexus_levels(spine: Spine) -> list[PlexusLevel]:
    """Return the safe zone on each disc that has a cited plexus margin, placed on the model's discs."""
    t = load_table("transpsoas_safe_zones")
    rows = {r["level"]: r for r in t.to_dict("records")
            if r["source_key"] == _BENGLIS and r["value"] == r["value"]}
    if not rows:
        raise DataError("data/tables/transpsoas_safe_zones.csv: no Benglis 2009 plexus ratios")
    fronts = anterior_limits()
    outline = lateral_outline(spine)
    out = []
    for i, disc in enumerate(DISCS):
        if disc not in rows:
            continue
        q = outline["discs"][disc]
        post, ant = (q[0] + q[1]) / 2.0, (q[2] + q[3]) / 2.0
        up, lo = spine.vertebra(LEVELS[i]).dims, spine.vertebra(LEVELS[i + 1]).dims
        bases = {up["body_depth"].basis, lo["body_depth"].basis}
        basis = ("model: mean of two cited body depths" if bases == {"cited"}
                 else "model: mean of the two body depths (an assumption at L1-L4)")
        r = rows[disc]
        if disc not in fronts:
            raise DataError(f"data/tables/transpsoas_safe_zones.csv: no anterior limit at {disc}")
        front, src, conf, text = fronts[disc]
        out.append(PlexusLevel(disc, float(r["value"]), r["source_key"], r["confidence"],
                               float(np.linalg.norm(ant - post)), basis, post, ant,
                               front, src, conf, text))
    return out


def cage_sizes() -> list[tuple[float, str, str]]:
    """Lateral cage antero-posterior sizes printed in the instruments table (mm, source, confidence)."""
    t = load_table("instruments")
    out = []
    for r in t.to_dict("records"):
        if r["parameter"] == "AP diameter" and "cage" in r["item"]:
            for v in re.findall(r"\d+(?:\.\d+)?", r.get("value_text") or ""):
                out.append((float(v), r["source_key"], r["confidence"]))
    return sorted(set(out))
