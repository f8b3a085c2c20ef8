"""The cells of lesson 05's tables: read as numbers or text, written compactly.

Small helpers the evidence modules share: :func:`num` and :func:`txt` read a
cell (an empty cell, ``None`` or NaN, becomes ``None`` or ``""``); :func:`fmt`
writes a number compactly; :func:`short_label` drops the parenthesis of a study
label; :func:`load_plain` loads a table without its schema;
:func:`check_choice` checks an argument against its allowed values;
:func:`row_dicts` returns a frame's rows as dicts; :func:`data_folder` names the
data folder, the key of the evidence modules' caches.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from typing import Any

from widgets.core.data import data_dir, load_table

__all__ = ["check_choice", "data_folder", "fmt", "num", "load_plain", "row_dicts", "short_label", "txt"]


def num(value: Any) -> float | None:
    """Return a finite float, or None for an empty cell."""
    if value is None:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def txt(value: Any) -> str:
    """Return a cell as text, or an empty string for an empty cell."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def fmt(x: float | None, digits: int | None = None) -> str:
    """Format a number compactly (``None`` as an empty string)."""
    if x is None:
        return ""
    if digits is not None:
        x = round(x, digits)
        if x == 0:
            x = 0.0  # no "-0"
        return f"{x:.{digits}f}"
    return f"{x:g}"


def short_label(label: str) -> str:
    """Return the part of a study or trial label before its first parenthesis."""
    return re.split(r"\s+\(", label.strip(), maxsplit=1)[0].strip()


def load_plain(name: str):
    """Return table ``name`` without its schema in ``attrs`` (pandas deep-copies attrs on every step)."""
    frame = load_table(name)
    frame.attrs = {}
    return frame


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise a one-line error unless ``value`` is one of ``choices`` (``name`` says which argument)."""
    choices = tuple(choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(map(str, choices))}")


def row_dicts(frame) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as dicts (faster than ``to_dict("records")`` on small frames)."""
    cols = list(frame.columns)
    return [dict(zip(cols, values, strict=True)) for values in zip(*(frame[c].tolist() for c in cols),
                                                                    strict=True)]


_DEFAULT_DIR: list[str] = []


def data_folder() -> str:
    """Return the data folder as a string, cheaply (``MISS_DATA_DIR`` still wins when set)."""
    override = os.environ.get("MISS_DATA_DIR")
    if override:
        return str(data_dir())
    if not _DEFAULT_DIR:
        _DEFAULT_DIR.append(str(data_dir()))
    return _DEFAULT_DIR[0]
