"""Parameter specs of every lesson (names, types, defaults, allowed values)."""

from __future__ import annotations

from widgets.params import Param, ParameterSpec, register

START_HERE = register(
    ParameterSpec(
        lesson="00-start-here",
        params=(
            Param(
                "tube_diameter_mm",
                int,
                16,
                "tubular retractor diameter in mm (cited sizes)",
                choices=(14, 16, 18),
            ),
            Param(
                "depth_mm",
                float,
                50.0,
                "skin-to-lamina depth in mm (an assumption)",
                minimum=20.0,
                maximum=120.0,
            ),
            Param(
                "retraction_width_mm",
                float,
                40.0,
                "open wound retraction width in mm (an assumption)",
                minimum=20.0,
                maximum=80.0,
            ),
        ),
    )
)
