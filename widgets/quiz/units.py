"""Units that numeric quiz answers may be given in, and conversions between them.

Only unambiguous, exact conversions are allowed, inside one *dimension*:

- length: mm, cm, m
- area: mm2, cm2, m2 (also written mm², mm^2)
- volume: mL, L, cm3 (1 cm3 = 1 mL)
- time: s, min, h
- days: days, weeks (a length of stay)
- dose: mSv, Sv, uSv, rem, mrem (1 rem = 10 mSv, the definition of the rem)
- absorbed dose: mGy, Gy
- dose rate: mSv/h, uSv/h, mrem/min, mrem/h
- angle: deg (also °); percent: %; ratio: a dimensionless ratio (odds or risk ratio)
- counts: cases, patients, screws, count (never converted into one another)

Clock time (s, min, h) and calendar days are kept apart on purpose: a length
of stay in days counts nights in hospital, not multiples of 24 hours, so a
stay given in hours is rejected rather than silently divided by 24.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Unit", "UnitError", "canonical", "compatible_units", "convert", "parse_quantity"]


class UnitError(ValueError):
    """A unit is unknown, or cannot be converted to the unit asked for."""


@dataclass(frozen=True)
class Unit:
    """A unit: its canonical symbol, its dimension and its size in the dimension's base unit."""

    symbol: str
    dimension: str
    factor: float


_UNITS: dict[str, Unit] = {}
_ALIASES: dict[str, str] = {}


def _add(dimension: str, symbol: str, factor: float, *aliases: str) -> None:
    _UNITS[symbol] = Unit(symbol, dimension, factor)
    for name in (symbol, *aliases):
        _ALIASES[name.lower()] = symbol


_add("length", "mm", 1.0, "millimetre", "millimetres", "millimeter", "millimeters")
_add("length", "cm", 10.0, "centimetre", "centimetres", "centimeter", "centimeters")
_add("length", "m", 1000.0, "metre", "metres", "meter", "meters")
_add("area", "mm2", 1.0, "mm²", "mm^2", "sq mm")
_add("area", "cm2", 100.0, "cm²", "cm^2", "sq cm")
_add("area", "m2", 1e6, "m²", "m^2")
_add("volume", "mL", 1.0, "ml", "millilitre", "millilitres", "milliliter", "milliliters", "cc")
_add("volume", "L", 1000.0, "l", "litre", "litres", "liter", "liters")
_add("volume", "cm3", 1.0, "cm³", "cm^3")
_add("time", "s", 1.0, "sec", "secs", "second", "seconds")
_add("time", "min", 60.0, "mins", "minute", "minutes")
_add("time", "h", 3600.0, "hr", "hrs", "hour", "hours")
_add("days", "days", 1.0, "day", "d")
_add("days", "weeks", 7.0, "week", "wk", "wks")
_add("dose", "mSv", 1.0, "msv")
_add("dose", "Sv", 1000.0, "sv")
_add("dose", "uSv", 0.001, "µsv", "μsv", "usv", "microsievert", "microsieverts")
_add("dose", "rem", 10.0)
_add("dose", "mrem", 0.01)
_add("dose rate", "mSv/h", 1.0, "msv/hr")
_add("dose rate", "uSv/h", 0.001, "µsv/h", "μsv/h", "usv/hr")
_add("dose rate", "mrem/min", 0.6)
_add("dose rate", "mrem/h", 0.01, "mrem/hr")
_add("absorbed", "mGy", 1.0, "mgy")
_add("absorbed", "Gy", 1000.0, "gy")
_add("angle", "deg", 1.0, "°", "degree", "degrees")
_add("percent", "%", 1.0, "percent", "per cent")
_add("ratio", "ratio", 1.0, "odds ratio", "risk ratio", "or", "rr", "x", "times")
_add("cases", "cases", 1.0, "case")
_add("patients", "patients", 1.0, "patient")
_add("screws", "screws", 1.0, "screw")
_add("count", "count", 1.0, "n")


def _lookup(unit: str) -> Unit:
    key = " ".join(str(unit).strip().split()).lower()
    if key in _ALIASES:
        return _UNITS[_ALIASES[key]]
    raise UnitError(f"unknown unit {unit!r}; known units: {', '.join(sorted(_UNITS))}")


def canonical(unit: str) -> str:
    """Return the canonical symbol of ``unit`` (``"millimetres"`` -> ``"mm"``)."""
    return _lookup(unit).symbol


def compatible_units(unit: str) -> list[str]:
    """Return the canonical units of the same dimension as ``unit``, ``unit`` first."""
    base = _lookup(unit)
    others = [u.symbol for u in _UNITS.values() if u.dimension == base.dimension and u != base]
    return [base.symbol, *others]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` from ``from_unit`` to ``to_unit``.

    Raises
    ------
    UnitError
        If either unit is unknown or the two measure different things
        (a length cannot become a volume).
    """
    src, dst = _lookup(from_unit), _lookup(to_unit)
    if src.dimension != dst.dimension:
        raise UnitError(
            f"{src.symbol} is a unit of {src.dimension} and cannot be converted to"
            f" {dst.symbol} ({dst.dimension}); answer in {dst.symbol}"
            f" or {', '.join(compatible_units(dst.symbol)[1:]) or 'that unit only'}"
        )
    return value * src.factor / dst.factor


_QUANTITY = re.compile(
    r"^\s*(?P<num>[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(?P<unit>.*?)\s*$"
)


def parse_quantity(text: str) -> tuple[float, str | None]:
    """Split ``"1.4 cm"`` into ``(1.4, "cm")``; a bare number gives ``(value, None)``.

    A decimal comma is accepted (``"1,4 cm"``). Thousands separators are not.
    """
    match = _QUANTITY.match(str(text))
    if not match:
        raise UnitError(f"could not read a number in {text!r}; write e.g. '14.5 mm'")
    value = float(match.group("num").replace(",", "."))
    unit = match.group("unit") or None
    return value, unit
