"""The tables a student reads in lesson 02: each a :class:`pandas.DataFrame` with its sources.

The numbers and decisions come from the pure models (:mod:`widgets.conditions.slip`,
:mod:`widgets.conditions.curve`, :mod:`widgets.conditions.roots`,
:mod:`widgets.conditions.selection`); these functions only lay them out.
:func:`lesson_references` lists the sources of everything the lesson shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from widgets.conditions.curve import cobb_angle, generate_curve
from widgets.conditions.roots import (
    CERVICAL_DISCS,
    LUMBAR_DISCS,
    explain_pattern,
    herniation_root,
    root_signs,
)
from widgets.conditions.selection import load_tree
from widgets.conditions.slip import endplate_width, grade_slip, meyerding_grade, meyerding_grades
from widgets.core.assumptions import assumption
from widgets.core.data import load_table

__all__ = [
    "assumptions_table",
    "boundary_table",
    "cases_table",
    "conditions_table",
    "curve_table",
    "explain_table",
    "herniation_table",
    "lesson_references",
    "meyerding_table",
    "reflex_table",
    "root_table",
    "scoliosis_table",
    "slip_table",
]


def _conf(confidence: str) -> str:
    return "secondary source" if confidence == "secondary-source" else "read directly"


def conditions_table():
    """Return the conditions, their options and what the evidence says, with sources and confidence."""
    t = load_table("conditions_miss")
    rows = [{"condition": r.condition, "option": r.option, "approach": r.approach,
             "when it is used": r.when_used, "what the cited source found": r.evidence,
             "source": f"{r.source_key} ({_conf(r.confidence)})"} for r in t.itertuples()]
    import pandas as pd

    return pd.DataFrame(rows).set_index(["condition", "option"])


def meyerding_table():
    """Return the Meyerding grades as printed, with their sources and confidence."""
    import pandas as pd

    rows = [{"grade": g.grade, "slip, % of the endplate below": g.range_as_printed, "group": g.slip_group,
             "meaning": g.description, "source": f"{g.source_key} ({_conf(g.confidence)})"}
            for g in meyerding_grades()]
    return pd.DataFrame(rows).set_index("grade")


def boundary_table():
    """Return the grade the model gives at each printed boundary, and just either side of it."""
    import pandas as pd

    rows = []
    for g in meyerding_grades():
        for pct in (g.lower_pct, g.upper_pct):
            if pct is None or any(r["slip (%)"] == f"{pct:g}" for r in rows):
                continue
            for shown, value in ((f"just under {pct:g}", pct - 0.1), (f"{pct:g}", pct),
                                 (f"just over {pct:g}", pct + 0.1)):
                if value < 0:
                    continue
                grade = meyerding_grade(value)
                rows.append({"slip (%)": shown, "grade in this model": "no slip" if grade is None
                             else f"grade {grade.grade}"})
    return pd.DataFrame(rows).set_index("slip (%)")


def slip_table(slip_mm: float):
    """Return the grade of an L4-L5 slip of ``slip_mm`` over the cited L5 endplate, with its basis."""
    import pandas as pd

    width = endplate_width("L5")
    res = grade_slip(slip_mm, width.value)
    basis = f"cited L5 mean, {width.source_key} ({_conf(width.confidence)})"
    return pd.DataFrame(res.as_rows(basis)).set_index("quantity")


def scoliosis_table():
    """Return the Cobb method and the scoliosis threshold, with sources and confidence."""
    import pandas as pd

    t = load_table("scoliosis_definitions")
    rows = []
    for r in t.itertuples():
        threshold = "-" if r.threshold is None or math.isnan(r.threshold) else (
            f"{'greater than' if r.comparison == '>' else 'at least'} {r.threshold:g}\u00b0")
        rows.append({"term": r.term, "definition": r.definition, "threshold": threshold,
                     "source": f"{r.source_key} ({_conf(r.confidence)})"})
    return pd.DataFrame(rows).set_index("term")


def curve_table(apex: str = "T9", half_width: float = 3.0, shift: float = 1.5, side: str = "right"):
    """Return each vertebra of a generated curve with its tilt, marking the end vertebrae and the apex."""
    import pandas as pd

    curve = generate_curve(apex, half_width, shift, side)
    angle, up, low = cobb_angle(curve.tilt_deg)
    rows = []
    for i, (name, x, tilt) in enumerate(zip(curve.vertebrae, curve.x, curve.tilt_deg, strict=True)):
        role = "upper end vertebra" if (angle > 0 and i == up) else (
            "lower end vertebra" if (angle > 0 and i == low) else ("apex" if name == apex else ""))
        rows.append({"vertebra": name, "lateral shift (vertebral heights)": round(x, 2) + 0.0,
                     "endplate tilt (deg)": round(tilt, 1) + 0.0, "role": role})
    return pd.DataFrame(rows).set_index("vertebra")


def root_table():
    """Return the roots as a table: key muscle, key sensory point, reflexes, exit foramen, sources."""
    import pandas as pd

    rows = [{
        "root": s.root,
        "key muscle (weakness)": s.key_muscle,
        "also weakens": ", ".join(s.other_muscles) or "-",
        "key sensory point (numbness)": s.key_sensory_point,
        "reflex it is tested by": ", ".join(s.reflexes) or "no standard reflex",
        "also reduces": ", ".join(s.other_reflexes) or "-",
        "leaves through": s.foramen,
        "sources": "; ".join(s.sources) + (" (muscle and sensory point: secondary-source)"
                                           if s.secondary else ""),
    } for s in root_signs()]
    return pd.DataFrame(rows).set_index("root")


def reflex_table():
    """Return the five deep tendon reflexes: the root each is taught to test, and the textbook range."""
    import pandas as pd

    t = load_table("tendon_reflexes")
    rows = [{"reflex": r.reflex, "muscle": r.muscle, "nerve": r.nerve,
             "tests the root (bedside convention)": r.root_by_convention,
             "convention from": r.convention_source_key,
             "segments in textbooks (range)": f"{r.segment_from}-{r.segment_to}",
             "range from": f"{r.source_key} ({_conf(r.confidence)})"} for r in t.itertuples()]
    return pd.DataFrame(rows).set_index("reflex")


def herniation_table():
    """Return, for each disc, the root a paramedian and a far-lateral herniation would compress."""
    import pandas as pd

    rows = []
    for disc in LUMBAR_DISCS + CERVICAL_DISCS:
        para, far = herniation_root(disc, "paramedian"), herniation_root(disc, "far-lateral")
        rows.append({"disc": disc, "paramedian herniation": f"{para.root} ({para.relation})",
                     "far-lateral herniation": f"{far.root} ({far.relation})",
                     "sources": ", ".join(sorted({para.source_key, far.source_key}))})
    return pd.DataFrame(rows).set_index("disc")


def explain_table(weakness: str | None = None, numbness: str | None = None, reflex: str | None = None):
    """Return every root against a pattern of findings: what it explains and what it does not."""
    import pandas as pd

    rows = [{"root": m.root, "explains every finding": "yes" if m.explains_all else "no",
             "explains": "; ".join(m.explained) or "-", "does not explain": "; ".join(m.unexplained) or "-"}
            for m in explain_pattern(weakness, numbness, reflex)]
    return pd.DataFrame(rows).set_index("root")


def assumptions_table():
    """Return every assumption the tree uses, shown as an assumption with its value and rationale."""
    import pandas as pd

    tree = load_tree()
    names: list[str] = []

    def collect(cond: Mapping[str, Any]) -> None:
        for part in cond.get("all", cond.get("any", [])):
            collect(part)
        if "assumption" in cond and cond["assumption"] not in names:
            names.append(str(cond["assumption"]))

    for node in tree.nodes.values():
        for b in node.branches:
            collect(b.when)
    rows = []
    for name in names:
        a = assumption(name)
        rows.append({"assumption": name.replace("_", " "), "value": f"{a.value:g} {a.unit}",
                     "basis": "assumption (the model's teaching convention; no cited figure)",
                     "rationale": a.rationale})
    return pd.DataFrame(rows).set_index("assumption")


def cases_table():
    """Return each teaching case with its route through the tree and its outcome."""
    import pandas as pd

    tree = load_tree()
    rows = []
    for case in tree.cases:
        walk = tree.walk(case)
        rows.append({"case": case.title, "route (answers)": " > ".join(s.branch.label for s in walk.steps),
                     "outcome": walk.outcome.title})
    return pd.DataFrame(rows).set_index("case")


def lesson_references() -> list[str]:
    """Return every source key behind a number lesson 02 shows, in a stable order.

    The quiz's sources join them in :func:`widgets.conditions.lesson_sources`.
    """
    keys: list[str] = []

    def add(more):
        for k in more:
            if k not in keys:
                keys.append(k)

    add(load_table("conditions_miss")["source_key"])
    add(g.source_key for g in meyerding_grades())
    add([endplate_width("L5").source_key])
    add(load_table("lumbar_morphometry").query(
        "level == 'L5' and measure == 'vertebral_body_height_posterior' and source_key == 'CookBaker2021'"
    )["source_key"])
    add(load_table("scoliosis_definitions")["source_key"])
    add(k for s in root_signs() for k in s.sources)
    reflexes = load_table("tendon_reflexes")
    add(reflexes["convention_source_key"])
    add(reflexes["source_key"])
    add(load_table("herniation_zones")["source_key"])
    add(load_tree().sources())
    return keys
