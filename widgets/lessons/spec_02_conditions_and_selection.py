"""Parameters of lesson 02 (the conditions MISS treats, and choosing the patient)."""

from __future__ import annotations

from widgets.core.params import Param, ParameterSpec

#: Vertebrae of the generated curve (widgets.conditions.model.CURVE_VERTEBRAE; a test keeps them equal).
_VERTEBRAE = tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))
#: Teaching cases of data/selection_tree.yaml (a test keeps them equal).
_CASES = ("saddle-numbness", "early-sciatica", "improving-sciatica", "discordant-imaging", "mobile-slip",
          "high-grade-slip", "paramedian-l4-l5", "far-lateral-l4-l5", "out-of-reach")

CONDITIONS_AND_SELECTION = ParameterSpec(
    lesson="02-conditions-and-selection",
    params=(
        Param("slip_mm", float, 10.0, "slip of L4 over L5 you measured, in mm", minimum=0.0,
              maximum=50.0),
        Param("apex", str, "T9", "apex vertebra of the generated curve", choices=_VERTEBRAE),
        Param("half_width", float, 3.0, "curve half-width, in vertebrae", minimum=1.0, maximum=8.0),
        Param("apex_shift", float, 1.5, "lateral shift of the apex, in vertebral heights",
              minimum=0.0, maximum=6.0),
        Param("case", str, "paramedian-l4-l5", "teaching case walked through the selection tree",
              choices=_CASES),
    ),
)
