"""Parameters of lesson 04 (imaging, navigation, radiation): the screw planner and the dose widgets."""

from __future__ import annotations

from widgets.core.levels import LEVELS
from widgets.core.params import Param, ParameterSpec

IMAGING = ParameterSpec(
    lesson="04-imaging-navigation-radiation",
    params=(
        Param("level", str, "L4", "vertebra the screw planner and C-arm open on",
              choices=LEVELS),
        Param("screw_diameter_mm", float, 6.0, "screw diameter in mm", minimum=3.0, maximum=10.0),
        Param("screw_length_mm", float, 40.0, "screw length in mm", minimum=20.0, maximum=70.0),
        Param("registration_mm", float, 1.0, "navigation registration translation error, mm",
              minimum=0.0, maximum=10.0),
        Param("registration_deg", float, 2.0, "navigation registration rotation error, degrees",
              minimum=0.0, maximum=20.0),
        Param("distance_m", float, 0.5, "reference distance of the surgeon from the beam, m",
              minimum=0.1, maximum=5.0),
    ),
)
