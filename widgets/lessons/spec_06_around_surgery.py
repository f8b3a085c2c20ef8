"""Parameters of lesson 06 (around surgery): the procedure, level, tube and depth of the comparator.

The allowed values repeat the model's (:data:`widgets.access.comparator.PROCEDURES`,
:data:`widgets.access.comparator.LEVELS`, :func:`widgets.access.comparator.tube_options`,
and the range of the ``skin_to_lamina_depth`` assumption); a test keeps the
two in step, so that importing the lesson specs stays cheap.
"""

from __future__ import annotations

from widgets.core.levels import DISCS
from widgets.core.params import Param, ParameterSpec
from widgets.lessons.specs import DEPTH_MM

AROUND_SURGERY = ParameterSpec(
    lesson="06-around-surgery",
    params=(
        Param(
            "procedure",
            str,
            "tlif",
            "procedure compared in the open vs MISS comparator",
            choices=("discectomy", "decompression", "tlif"),
        ),
        Param(
            "level",
            str,
            "L4-L5",
            "disc level of the comparison",
            choices=DISCS,
        ),
        Param(
            "tube_diameter_mm",
            int,
            18,
            "tubular retractor diameter in mm (cited sizes; 26 is a secondary-source range end)",
            choices=(14, 16, 18, 26),
        ),
        DEPTH_MM,
    ),
)
