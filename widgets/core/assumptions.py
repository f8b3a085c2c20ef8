"""The suite-wide assumptions: quantities with no published figure, read from ``data/assumptions.yaml``.

Every lesson shows an assumption to students as such, with its range and its
rationale; :func:`assumption` is the one way to read one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from widgets.core.data import DataError, data_dir
from widgets.core.yamllines import SafeLoader

__all__ = ["Assumption", "assumption"]


@dataclass(frozen=True)
class Assumption:
    """A quantity with no published figure, shown to students as an assumption."""

    name: str
    value: float
    unit: str
    minimum: float
    maximum: float
    rationale: str


@functools.cache
def _assumptions(directory: str) -> dict[str, Assumption]:
    path = Path(directory) / "assumptions.yaml"
    if not path.is_file():
        raise DataError("data/assumptions.yaml: file missing")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise DataError(f"data/assumptions.yaml: not valid YAML ({exc})") from exc
    out = {}
    for name, spec in (raw or {}).items():
        try:
            out[name] = Assumption(
                name=name,
                value=float(spec["value"]),
                unit=str(spec["unit"]),
                minimum=float(spec["minimum"]),
                maximum=float(spec["maximum"]),
                rationale=" ".join(str(spec["rationale"]).split()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"data/assumptions.yaml: entry {name!r} is malformed ({exc})") from exc
    return out


def assumption(name: str) -> Assumption:
    """Return the documented assumption called ``name``."""
    table = _assumptions(str(data_dir()))
    if name not in table:
        raise DataError(f"data/assumptions.yaml: no assumption {name!r}; known: {', '.join(table)}")
    return table[name]
