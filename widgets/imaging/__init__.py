"""Imaging, navigation and radiation (lesson 04) and the fluoroscopy drills (lesson 12).

- :mod:`widgets.imaging.screws`: the pedicle screw planner (trajectory, clearance, breach, grade).
- :mod:`widgets.imaging.carm`: the C-arm simulator (the vertebra model projected at any angle) and the
  planner's bone outlines and meshes.
- :mod:`widgets.imaging.navigation`: registration error along a trajectory; cited accuracy.
- :mod:`widgets.imaging.radiation`: radiation to the surgeon (distance, time, cited doses, limits).
- :mod:`widgets.imaging.tables`: the tables a student reads, cited or labelled a calculation.
- :mod:`widgets.imaging.view`: the lesson's widgets.
- :mod:`widgets.imaging.trainer`: the percutaneous screw trainer (placement, shots, per-metric score,
  CUSUM learning curve); :mod:`widgets.imaging.attempts` keeps a learner's attempts.
- :mod:`widgets.imaging.counting`: counting levels (ribs, sacrum, transitional vertebrae, the trap).
- :mod:`widgets.imaging.fluoro`: the drills' fluoroscopy shots; :mod:`widgets.imaging.drills`: their views.
"""
