"""Imaging, navigation and radiation (lesson 04).

- :mod:`widgets.imaging.screws`: pedicle screw trajectories and breaches.
- :mod:`widgets.imaging.carm`: the C-arm views of a vertebra.
- :mod:`widgets.imaging.navigation`: navigated vs freehand accuracy.
- :mod:`widgets.imaging.radiation`: radiation doses.
- :mod:`widgets.imaging.view`: the lesson's widgets.
"""
