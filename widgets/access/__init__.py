"""Access (lessons 00 and 06): the tissue corridor of open vs tubular access, and the access comparator.

- :mod:`widgets.access.corridor`: lesson 00's corridor model.
- :mod:`widgets.access.comparator`: lesson 06's open vs MISS access comparator.
- :mod:`widgets.access.tables`: the tables a student reads (inputs with their basis, the two approaches).
- :mod:`widgets.access.view`: the corridor explorer.
"""
