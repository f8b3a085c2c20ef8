"""The parametric spine model of lesson 01: vertebrae, discs, neural elements, corridors.

Pure numpy (no plotting). Every number comes from the cited tables in ``data/``
or from ``data/assumptions.yaml``, and carries its basis
(:class:`~widgets.anatomy.morphometry.Dimension`).

- :mod:`widgets.anatomy.mesh`: closed triangle meshes and the checks on them.
- :mod:`widgets.anatomy.morphometry`: each level's dimensions, with their sources.
- :mod:`widgets.anatomy.vertebra`: one vertebra as named parts.
- :mod:`widgets.anatomy.spine`: the stacked L1-S1 spine with lordosis, discs and nerves.
- :mod:`widgets.anatomy.kambin`: Kambin's triangle and the cannulas that fit it.
- :mod:`widgets.anatomy.transpsoas`: the lumbar plexus and the lateral safe zone.
- :mod:`widgets.anatomy.tables`: the tables a student reads.
"""

from widgets.anatomy.morphometry import LEVELS, LUMBAR, level_dimensions
from widgets.anatomy.spine import build_spine
from widgets.anatomy.vertebra import GROUPS, build_vertebra

__all__ = ["GROUPS", "LEVELS", "LUMBAR", "build_spine", "build_vertebra", "level_dimensions"]
