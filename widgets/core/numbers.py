"""Numbers as a person writes them: "2 of 6", "33%", "0.0 mm" rather than "-0.0".

Pure functions used wherever the suite writes a number for a student: table
cells (:mod:`widgets.core.tables`), quiz scores (:mod:`widgets.quiz.session`,
:mod:`widgets.quiz.view`) and model summaries; and the readers of a number or a
text from a table cell or an argument (:func:`optional_float`, :func:`cell_text`,
:func:`finite_float`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = [
    "CELL_DECIMALS", "cell_text", "finite_float", "format_fixed", "format_number", "format_percent",
    "format_score", "optional_float",
]

#: Decimals shown for a float table cell that is not an integer (trailing zeros dropped).
CELL_DECIMALS = 2


def format_fixed(value: float, decimals: int = 1) -> str:
    """Write ``value`` with exactly ``decimals`` decimals, never as a negative zero ("0.0", not "-0.0").

    Raises
    ------
    ValueError
        When ``value`` is not a finite number or ``decimals`` is negative.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number of at least 0, got {decimals!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    text = f"{float(value):.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text


def format_number(value: Any, decimals: int = CELL_DECIMALS) -> str:
    """Write a number as a person writes it.

    At most ``decimals`` decimals, trailing zeros dropped ("2.5", not "2.50";
    "3", not "3.0"), and never a negative zero ("0", not "-0.0"). Anything that
    is not a real number is returned as ``str(value)``; NaN is shown as "-".

    Raises
    ------
    ValueError
        When ``decimals`` is negative.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number of at least 0, got {decimals!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    x = float(value)
    if math.isnan(x):
        return "-"
    if math.isinf(x):
        return "infinite" if x > 0 else "minus infinite"
    text = f"{x:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def format_percent(share: float, decimals: int = 0) -> str:
    """Write a share (0 to 1) as a percentage: ``format_percent(1/3)`` is "33%".

    Raises
    ------
    ValueError
        When ``share`` is not a finite number.
    """
    if isinstance(share, bool) or not isinstance(share, numbers.Real) or not math.isfinite(share):
        raise ValueError(f"share must be a finite number (0 to 1), got {share!r}")
    return f"{format_number(100 * float(share), decimals)}%"


def format_score(points: float, total: float, *, percent: bool = False) -> str:
    """Write a score: ``format_score(2, 6)`` is "2 of 6"; with ``percent``, "2 of 6 (33%)".

    Partial credit keeps one decimal ("1.5 of 3"); a total of 0 shows no percentage.

    Raises
    ------
    ValueError
        When ``points`` or ``total`` is negative or not a finite number, or points exceed the total.
    """
    for name, v in (("points", points), ("total", total)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number of at least 0, got {v!r}")
    if points > total + 1e-9:
        raise ValueError(f"points ({points!r}) cannot exceed the total ({total!r})")
    text = f"{format_number(points, 1)} of {format_number(total, 1)}"
    if percent and total > 0:
        text += f" ({format_percent(points / total)})"
    return text


def optional_float(value: Any) -> float | None:
    """Read a table cell as a number: a float, or ``None`` where the cell is empty (``None`` or NaN).

    Examples
    --------
    >>> optional_float(2), optional_float(float("nan")), optional_float(None)
    (2.0, None, None)

    Raises
    ------
    ValueError
        When the cell holds something that is not a number (text, a list, ...).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number or an empty cell, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number or an empty cell, got {value!r}") from None
    return None if math.isnan(x) else x


def cell_text(value: Any) -> str:
    """Read a table cell as text: ``str(value)``, or ``""`` where the cell is empty (``None`` or NaN).

    Examples
    --------
    >>> cell_text("P=.22"), cell_text(float("nan")), cell_text(None), cell_text(12)
    ('P=.22', '', '', '12')
    """
    if value is None or (isinstance(value, numbers.Real) and math.isnan(value)):
        return ""
    return str(value)


def finite_float(name: str, value: Any) -> float:
    """Return ``value`` as a finite float, or raise a one-line error naming ``name``.

    Raises
    ------
    TypeError
        When ``value`` is not a number (a bool is not a number here).
    ValueError
        When ``value`` is NaN or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value
