"""Parameters of lesson 03 (techniques step by step)."""

from __future__ import annotations

from widgets.core.params import Param, ParameterSpec
from widgets.techniques.model import TECHNIQUES

TECHNIQUES_LESSON = ParameterSpec(
    lesson="03-techniques",
    params=(
        Param("seed", int, 0, "seeds the shuffled steps of every drill and the order of the quiz",
              minimum=0, maximum=99),
        Param("reference_technique", str, "all",
              "technique whose step sheet the lesson prints at the end ('all' for every technique)",
              choices=("all", *TECHNIQUES)),
    ),
)
