"""Access (lessons 00, 03, 06): tissue corridors, the comparator, the view down a tube and an endoscope.

- :mod:`widgets.access.corridor`: lesson 00's corridor model.
- :mod:`widgets.access.comparator`: lesson 06's open vs MISS access comparator.
- :mod:`widgets.access.raster`: what a camera sees of the anatomical model (nearest surface per pixel).
- :mod:`widgets.access.window`: lesson 03's view down a tubular retractor, and "is the target in my window?".
- :mod:`widgets.access.endoscope`: lesson 03's 30-degree endoscope in Kambin's triangle.
- :mod:`widgets.access.tables`: the tables a student reads (inputs with their basis, the two approaches).
- :mod:`widgets.access.view`: the corridor explorer, the comparator and the tube and endoscope views.
"""
