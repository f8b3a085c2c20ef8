"""The tables a student reads in lesson 01: every number with its basis and source.

Each function returns a :class:`pandas.DataFrame` built from the cited tables,
the assumptions file and the model; nothing here invents a number. Columns
``basis`` and ``confidence`` say whether a figure is cited (read directly or
from a secondary source), interpolated, derived or an assumption.
"""

from __future__ import annotations

import math

import numpy as np

from widgets.anatomy.body import height_probes
from widgets.anatomy.kambin import instruments, kambin_triangle, published_cannula_limits
from widgets.anatomy.mesh import section_extent, section_points
from widgets.anatomy.morphometry import (
    DISCS,
    LEVELS,
    LUMBAR,
    PEDICLE_SERIES_DEFAULT,
    complete_angle_series,
    level_dimensions,
    pedicle_angle_rows,
    pedicle_width_rows,
    series_label,
)
from widgets.anatomy.spine import build_spine
from widgets.anatomy.transpsoas import cage_sizes, plexus_levels
from widgets.anatomy.vertebra import Vertebra, build_vertebra
from widgets.core.assumptions import assumption
from widgets.core.data import load_table

__all__ = [
    "LESSON_ASSUMPTIONS",
    "assumptions_table",
    "plexus_rows",
    "dimensions_table",
    "disc_table",
    "instrument_fit_table",
    "interlaminar_table",
    "kambin_table",
    "lesson_references",
    "model_vs_data_table",
    "pedicle_angle_table",
    "pedicle_range_table",
    "pedicle_width_table",
    "plexus_table",
    "regional_pedicle_table",
    "transpsoas_findings",
]

#: The assumptions the anatomy model uses (names in ``data/assumptions.yaml``).
LESSON_ASSUMPTIONS: tuple[str, ...] = (
    "vertebral_body_depth_to_width", "pedicle_span_to_canal_depth", "pedicle_flare",
    "pedicle_top_offset", "lamina_height_to_body_height", "lamina_thickness",
    "spinous_process_length", "spinous_process_height", "spinous_process_thickness",
    "transverse_process_length", "transverse_process_height", "transverse_process_thickness",
    "facet_thickness", "facet_joint_gap", "facet_joint_angle", "superior_facet_matches_partner",
    "s1_size_to_l5", "sacral_lamina_height_to_body_height", "sacral_slope",
    "nerve_root_diameter", "dural_sac_fill", "min_posterior_disc_height",
    "vertebral_body_posterior_concavity", "vertebral_body_waist", "vertebral_body_rim",
    "ligamentum_flavum_thickness", "dorsal_root_ganglion_diameter", "iliac_crest_offset",
    "iliac_crest_half_width", "sacrum_length", "lamina_slope", "lamina_thickness_taper",
    "pars_waist", "spinous_process_root_height", "sacral_kyphosis", "sacrum_base_width_to_body_width",
)


def _frame(rows, index=None):
    import pandas as pd

    frame = pd.DataFrame(rows)
    return frame.set_index(index) if index else frame


def dimensions_table(level: str, series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
    """Every dimension of ``level`` the model uses: level, value, unit, basis, source, confidence.

    The level is a column of its own, so that every row names the quantity in full (which
    level, which measure) wherever the table is read.
    """
    dims = level_dimensions(level, series, spread_sd)
    return _frame([{"level": level, **d.as_row()} for d in dims.dims], "dimension")


def _measure(vert: Vertebra) -> dict[str, float]:
    """Measure the built meshes of one vertebra (local frame)."""
    out = {}
    for side in ("left", "right"):
        ax = vert.pedicles[side]
        mesh = vert.part(f"pedicle_{side}").mesh
        out[f"pedicle_width_{side}"] = section_extent(mesh, ax.isthmus_centre, ax.axis, ax.width_dir)
        out[f"pedicle_height_{side}"] = section_extent(mesh, ax.isthmus_centre, ax.axis,
                                                       ax.height_dir)
    # interpedicular distance where the canal starts (the back of the body, y = 0)
    xs = {}
    for side in ("left", "right"):
        pts = section_points(vert.part(f"pedicle_{side}").mesh, np.zeros(3), np.array([0, 1.0, 0]))
        xs[side] = np.abs(pts[:, 0]).min() if len(pts) else float("nan")
    out["canal_width"] = xs["left"] + xs["right"]
    lam = section_points(vert.part("lamina").mesh, np.zeros(3), np.array([1.0, 0, 0]))
    out["canal_depth"] = -float(lam[:, 1].max())
    body = vert.part("body").mesh
    out["body_width"] = float(np.ptp(body.vertices[:, 0]))
    mid = section_points(body, np.zeros(3), np.array([1.0, 0, 0]))  # the midsagittal section
    out["body_depth"] = float(np.ptp(mid[:, 1]))
    y_back, y_front = height_probes(vert.dims)
    out["body_height_posterior"] = _vertical_extent(body, 0.0, y_back)
    out["body_height_anterior"] = _vertical_extent(body, 0.0, y_front)
    return out


def _vertical_extent(mesh, x: float, y: float) -> float:
    """Length of the vertical line through (x, y) inside a closed mesh (top hit minus bottom hit)."""
    tri = mesh.vertices[mesh.faces]
    a, b, c = tri[:, 0, :2] - (x, y), tri[:, 1, :2] - (x, y), tri[:, 2, :2] - (x, y)

    def cross(p, q):
        return p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0]

    w0, w1, w2 = cross(b, c), cross(c, a), cross(a, b)
    hit = ((w0 >= 0) & (w1 >= 0) & (w2 >= 0)) | ((w0 <= 0) & (w1 <= 0) & (w2 <= 0))
    hit &= np.abs(w0 + w1 + w2) > 1e-12
    tot = (w0 + w1 + w2)[hit]
    z = (w0[hit] * tri[hit, 0, 2] + w1[hit] * tri[hit, 1, 2] + w2[hit] * tri[hit, 2, 2]) / tot
    return float(z.max() - z.min()) if len(z) else float("nan")


def model_vs_data_table(level: str, series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
    """Return what the 3-D model measures against the value it was built from, for one level.

    The pedicle is cut at its isthmus, perpendicular to its axis; the canal is
    measured between the pedicles at the back of the body and from there to the
    lamina at the midline; the body's depth on the midline, its heights on the
    midline just inside the rim of the endplates, at the back and at the front.
    """
    vert = build_vertebra(level, series, spread_sd)
    got = _measure(vert)
    dims = vert.dims
    rows = []
    for key, dim_key in (("pedicle_width_left", "pedicle_width_left"),
                         ("pedicle_width_right", "pedicle_width_right"),
                         ("pedicle_height_left", "pedicle_height"),
                         ("canal_width", "canal_width"), ("canal_depth", "canal_depth"),
                         ("body_width", "body_width"), ("body_depth", "body_depth"),
                         ("body_height_posterior", "body_height_posterior"),
                         ("body_height_anterior", "body_height_anterior")):
        d = dims[dim_key]
        rows.append({"dimension": d.label if key != "pedicle_height_left" else "pedicle height",
                     "value used (mm)": round(d.value, 2),
                     "measured on the 3-D model (mm)": round(got[key], 2),
                     "difference (mm)": round(got[key] - d.value, 2), "basis": d.basis})
    return _frame(rows, "dimension")


def pedicle_width_table():
    """Lumbar pedicle width by level for every published series, side by side (mm).

    A cell reads ``mean (SD)`` when the source prints an SD, ``L left / R right``
    when it reports the sides apart, and stays empty where the series has no figure.
    """
    groups: dict[str, list[dict]] = {}
    for r in pedicle_width_rows().to_dict("records"):
        groups.setdefault(r["source_key"], []).append(r)
    out = []
    for src, grp in groups.items():
        row = {"series": series_label(src), "source": src}
        for lv in LUMBAR:
            by_sub = {}
            for r in grp:
                if r["level"] == lv:
                    by_sub.setdefault(r["subgroup"], r)
            cell = ""
            if {"left", "right"} <= set(by_sub):
                cell = f"L {by_sub['left']['value']:g} / R {by_sub['right']['value']:g}"
            elif "all" in by_sub:
                r = by_sub["all"]
                cell = f"{r['value']:g}" + ("" if math.isnan(r["sd"]) else f" ({r['sd']:g})")
            row[lv] = cell
        first = grp[0]
        row["method"] = first["method"] or ""
        row["n"] = first["n"] or ""
        row["confidence"] = first["confidence"]
        out.append(row)
    return _frame(out, "series")


def pedicle_range_table():
    """Per level: the smallest and largest published mean pedicle width and the gap between them.

    Side-specific means count separately. This is the disagreement between series,
    shown as a range, not averaged into one number.
    """
    rows = pedicle_width_rows()
    rows = rows[rows["subgroup"].isin(["all", "left", "right"])]
    out = []
    for lv in LUMBAR:
        g = rows[rows["level"] == lv]
        lo, hi = g.loc[g["value"].idxmin()], g.loc[g["value"].idxmax()]
        out.append({"level": lv, "series": int(g["source_key"].nunique()),
                    "smallest (mm)": lo["value"], "smallest in": lo["series"],
                    "largest (mm)": hi["value"], "largest in": hi["series"],
                    "range (mm)": round(hi["value"] - lo["value"], 2)})
    return _frame(out, "level")


def disc_table(series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
    """Each disc of the stack: cited height and lordosis, and the derived back and front heights."""
    spine = build_spine(series, spread_sd)
    out = []
    for i, g in enumerate(spine.discs):
        d = spine.vertebra(LEVELS[i]).dims
        h, lor = d["disc_height_below"], d["lordosis_below"]
        out.append({"disc": g.name, "height at mid-depth (mm)": round(h.value, 2),
                    "height source": f"{h.source} ({h.confidence})",
                    "segmental lordosis (deg)": lor.value,
                    "lordosis source": f"{lor.source} ({lor.confidence})",
                    "back height (mm, derived)": round(g.posterior_height, 1),
                    "front height (mm, derived)": round(g.anterior_height, 1),
                    "disc wedge (deg, derived)": round(g.wedge_deg, 1),
                    "held at the minimum": "yes" if g.clamped else "no"})
    return _frame(out, "disc")


def kambin_table():
    """Kambin's triangle at each disc: sides (cited or interpolated) and the largest round cannula."""
    out = []
    for seg in DISCS:
        k = kambin_triangle(seg)
        out.append({"segment": seg, "base (mm)": round(k.base.value, 2),
                    "height (mm)": round(k.height.value, 2),
                    "hypotenuse (mm)": round(k.hypotenuse.value, 2),
                    "sides": ("cited, Can 2020 (read directly)" if k.basis == "cited"
                              else "interpolated between L1-L2 and L5-S1 (not published)"),
                    "area (mm², derived)": round(k.area, 1),
                    "largest circle inside (mm, derived)": round(k.incircle_diameter, 2)})
    return _frame(out, "segment")


def instrument_fit_table(segment: str):
    """Which cited instruments fit the working zone at ``segment``, by each yardstick.

    Yardsticks: the inscribed circle of the model's triangle (derived) and every
    published maximum at that level (bony, neural, inscribed circle).
    """
    k = kambin_triangle(segment)
    limits = published_cannula_limits(segment)
    out = []
    for inst in instruments():
        row = {"instrument": inst.name, "diameter (mm)": inst.diameter,
               "source": f"{inst.source_key} ({inst.confidence})",
               f"fits the model's circle ({k.incircle_diameter:.1f} mm)?":
                   "yes" if inst.diameter <= k.incircle_diameter else "no"}
        for lim in limits:
            row[f"fits {lim['figure']} ({lim['diameter (mm)']:g} mm)?"] = (
                "yes" if inst.diameter <= lim["diameter (mm)"] else "no")
        out.append(row)
    return _frame(out, "instrument")


def plexus_table(series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
    """Return the safe zone on each disc (L1-L2 to L4-L5): both limits, its length, the cages that fit."""
    return _frame(plexus_rows(plexus_levels(build_spine(series, spread_sd))), "disc")


def plexus_rows(levels, selected: str | None = None) -> list[dict]:
    """Rows of the safe-zone table for ``levels`` (the ``selected`` disc marked), cages that fit.

    Each row gives the posterior limit (the plexus margin, Benglis 2009) and the
    anterior limit (the front of the nerve-free zone in the psoas dissection), each
    as a fraction of the disc's depth from its back and as millimetres on the model.
    """
    cages = cage_sizes()
    out = []
    for p in levels:
        row = {"disc": p.segment + (" (selected)" if p.segment == selected else ""),
               "posterior limit: plexus margin (fraction from the back)": p.ratio,
               "posterior limit source": f"{p.source_key} ({p.confidence})",
               "anterior limit (fraction from the back, derived)": round(p.anterior_ratio, 2),
               "anterior limit as published": p.anterior_text,
               "anterior limit source": f"{p.anterior_source} ({p.anterior_confidence})",
               "disc length (mm)": round(p.disc_length, 1), "disc length basis": p.disc_length_basis,
               "safe zone between the limits (mm, derived)": round(p.safe_mm, 1),
               "in front of the anterior limit (mm, derived)": round(p.front_mm, 1)}
        for size, src, _ in cages:
            row[f"{size:g} mm cage fits the safe zone? ({src})"] = "yes" if size <= p.safe_mm else "no"
        out.append(row)
    return out


def assumptions_table(names: tuple[str, ...] = LESSON_ASSUMPTIONS):
    """Return the assumptions the model uses: value, unit, the range to explore, and why."""
    out = []
    for name in names:
        a = assumption(name)
        out.append({"assumption": name.replace("_", " "), "value": f"{a.value:g}", "unit": a.unit,
                    "range": f"{a.minimum:g} to {a.maximum:g}", "why": a.rationale})
    return _frame(out, "assumption")


def regional_pedicle_table():
    """Cervical and thoracic pedicle widths in the tables (end points only, as published).

    The model stops at L1: above it the tables hold a few levels per series, not
    a full set, which is enough to compare regions but not to build vertebrae.
    """
    t = load_table("spine_morphometry")
    t = t[t["measure"].isin(["pedicle_width_transverse", "pedicle_outer_diameter"])
          & t["region"].isin(["cervical", "thoracic"])]
    order = {f"C{i}": i for i in range(1, 8)} | {f"T{i}": 7 + i for i in range(1, 13)}
    t = t.assign(order=t["level"].map(order)).sort_values(["order", "source_key"])
    out = []
    for r in t.to_dict("records"):
        out.append({"region": r["region"], "level": r["level"],
                    "width (mm)": r["value"],
                    "SD (mm)": "" if r["sd"] != r["sd"] else r["sd"],
                    "measure": r["measure"].replace("_", " "), "method": r["method"] or "",
                    "source": r["source_key"], "confidence": r["confidence"]})
    return _frame(out)


def interlaminar_table(series: str = PEDICLE_SERIES_DEFAULT, spread_sd: float = 0.0):
    """Return the posterior corridor beside the spinous process at each disc, measured on the model.

    Width: from the side of the spinous process to the inner edge of the facet joint,
    one side (what a tube docked beside the spinous process has to sit in). It is
    derived from the model and depends on its assumptions (spinous process thickness,
    facet orientation), so it is an estimate, not a published figure.

    The height of the interlaminar window is deliberately not shown: the model's
    laminae are scaled from body height by one assumed ratio, which makes the window
    tallest at L1-L2 and smallest at L4-L5, the reverse of real lumbar spines (where it
    widens caudally and is largest at L5-S1), and no per-level published figure was
    found to build it from.
    """
    from widgets.anatomy.kambin import instruments as tools

    spine = build_spine(series, spread_sd)
    tubes = [t for t in tools() if t.name.startswith("tubular retractor")]
    out = []
    for i in range(len(LEVELS) - 1):
        up, lo = LEVELS[i], LEVELS[i + 1]
        inv = spine.poses[up].inverse()
        parts = {(p.level, p.mesh.name): p.mesh.transformed(inv).vertices for p in spine.parts
                 if (p.level, p.mesh.name) in {(up, "inferior_facet_left"),
                                                (lo, "superior_facet_left")}}
        facet_x = min(parts[(up, "inferior_facet_left")][:, 0].min(),
                      parts[(lo, "superior_facet_left")][:, 0].min())
        sp_half = spine.vertebra(up).dims.v("spinous_thickness") / 2.0
        width = facet_x - sp_half
        row = {"disc": f"{up}-{lo}", "corridor width, one side (mm, derived)": round(width, 1)}
        for t in tubes:
            row[f"{t.diameter:g} mm tube between spinous process and facet?"] = (
                "yes" if t.diameter <= width else "no")
        out.append(row)
    return _frame(out, "disc")


def lesson_references() -> list[str]:
    """Source keys of every cited figure the lesson shows, in a stable order."""
    keys: set[str] = set(pedicle_width_rows()["source_key"]) | set(pedicle_angle_rows()["source_key"])
    for level in LEVELS:
        for d in level_dimensions(level).dims:
            if d.basis in ("cited", "interpolated", "derived"):
                keys.add(d.source)
            elif "(x " in d.source:
                for k in load_table("lumbar_morphometry")["source_key"].unique():
                    if k in d.source:
                        keys.add(k)
    keys |= {"Can2020_WN", "Pairaiturkar2019", "Kumari2021", "Benglis2009", "Fanous2020",
             "Chakraverty2007"}
    keys |= {t.source_key for t in instruments()}
    keys |= {src for _, src, _ in cage_sizes()}
    keys |= set(load_table("transpsoas_safe_zones")["source_key"])
    keys |= set(regional_pedicle_table()["source"])
    return sorted(keys, key=str.lower)


def pedicle_angle_table():
    """Return the transverse pedicle angle at each lumbar level in every published series, side by side.

    One column per series (its label, method and sample), one row per level; a cell is empty where
    the series did not publish that level. Nothing is averaged or interpolated: where series differ,
    the table shows that they differ. The last columns name the series the model uses and the spread
    (largest minus smallest published value) at that level.
    """
    import pandas as pd

    rows = pedicle_angle_rows()
    model = complete_angle_series()[0] if complete_angle_series() else ""
    heads = {}
    for src, grp in rows.groupby("source_key", sort=False):
        first = grp.iloc[0]
        conf = "" if first["confidence"] == "read-directly" else ", secondary source"
        heads[src] = f"{series_label(src)} ({first['method']}, n = {first['n']}{conf}) (°)"
    order = ([model] if model else []) + sorted(s for s in heads if s != model)
    out = []
    for lv in LUMBAR:
        at = rows[rows["level"] == lv]
        rec: dict[str, object] = {"level": lv}
        for src in order:
            hit = at[at["source_key"] == src]
            rec[heads[src]] = f"{float(hit['value'].iloc[0]):g}" if len(hit) else ""
        vals = at["value"].astype(float)
        rec["spread across series (°)"] = f"{vals.max() - vals.min():g}" if len(vals) > 1 else ""
        rec["the model uses"] = series_label(model) if model else "interpolation (no per-level series)"
        out.append(rec)
    return pd.DataFrame(out)


def transpsoas_findings():
    """Every cited finding on the plexus and the lateral corridor, as printed (a DataFrame)."""
    import pandas as pd

    t = load_table("transpsoas_safe_zones")
    rows = []
    for r in t.to_dict("records"):
        value = r["value_text"] if isinstance(r.get("value_text"), str) else (
            "" if r["value"] != r["value"] else f"{r['value']:g}")
        rows.append({"level": r["level"], "finding": r["finding"], "value": value,
                     "unit": r["unit"] if isinstance(r.get("unit"), str) else "",
                     "source": r["source_key"], "confidence": r["confidence"]})
    return pd.DataFrame(rows)
