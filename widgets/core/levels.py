"""The one definition of the spinal levels the suite names.

Vertebrae run C1-C7, T1-T12, L1-L5, S1 (the sacrum as one level); a disc segment
is two neighbouring vertebrae (``"L4-L5"``). The lumbar lessons model L1 to S1.
Every other module imports these instead of writing its own list.
"""

from __future__ import annotations

__all__ = ["DISCS", "LEVELS", "LUMBAR", "SEGMENTS", "VERTEBRAE"]

#: Every vertebra a case or an item may name, top to bottom.
VERTEBRAE: tuple[str, ...] = (
    tuple(f"C{i}" for i in range(1, 8)) + tuple(f"T{i}" for i in range(1, 13))
    + tuple(f"L{i}" for i in range(1, 6)) + ("S1",)
)
#: Disc segments: two neighbouring vertebrae (C1-C2 ... L5-S1).
SEGMENTS: tuple[str, ...] = tuple(f"{a}-{b}" for a, b in zip(VERTEBRAE, VERTEBRAE[1:], strict=False))
#: The lumbar vertebrae.
LUMBAR: tuple[str, ...] = tuple(f"L{i}" for i in range(1, 6))
#: The vertebrae of the lumbar model (lessons 01, 04): L1 to S1.
LEVELS: tuple[str, ...] = LUMBAR + ("S1",)
#: The lumbar disc segments, L1-L2 to L5-S1.
DISCS: tuple[str, ...] = tuple(f"{a}-{b}" for a, b in zip(LEVELS, LEVELS[1:], strict=False))
