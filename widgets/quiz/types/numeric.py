"""Numeric: a number with its unit, accepted within a tolerance.

The key is a value spec resolved from data when the bank loads, converted to
the item's unit, and available to the texts as ``{{ key }}``. A response is
converted to the item's unit (mm <-> cm <-> m, mL <-> L, s <-> min <-> h, ...;
see :mod:`widgets.quiz.units`) and accepted when ``|response - key| <=
max(absolute, relative * |key|)``; the boundary is accepted (with a 1e-9
relative allowance for floating-point rounding). Without a tolerance the answer
must equal the key. A unit of another kind (a volume for a length) scores 0
with a message naming the units to use; a bare number is read in the item's
unit. Drawn as a number box and a unit menu.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from widgets.quiz import units
from widgets.quiz.keys import KeySpecError, Resolved
from widgets.quiz.keys import resolve as resolve_spec
from widgets.quiz.types import base
from widgets.quiz.types.base import Grade, ItemCheck

NAME = "numeric"
INSTRUCTION = "Type a number and choose its unit."
SCHEMA = {"required": ["key", "tolerance", "feedback"],
          "properties": {"key": {}, "unit": {}, "tolerance": {}, "feedback": {}}}

key_is_longest = base.not_counted
choice_counts = base.no_choice_counts


def resolve(raw: Mapping[str, Any], values: Mapping[str, Resolved]) -> tuple[dict[str, Any], dict]:
    """Resolve the key and its unit; the key joins the item's values as ``key``."""
    try:
        key_res = resolve_spec(raw["key"], values)
    except KeySpecError as exc:
        raise ItemCheck(f"key: {exc}", "key") from exc
    if not isinstance(key_res.value, int | float):
        raise ItemCheck(f"key resolves to {key_res.value!r}, not a number", "key")
    if "key" in values:
        raise ItemCheck("'key' is reserved for the numeric answer; rename that value", "values")
    unit = raw.get("unit") or key_res.unit
    if not unit:
        raise ItemCheck("a numeric item needs a unit (from its key's table or 'unit:')", "key")
    try:
        unit = units.canonical(unit)
        key_value = float(key_res.value)
        if key_res.unit and units.canonical(key_res.unit) != unit:
            key_value = units.convert(key_value, key_res.unit, unit)
    except units.UnitError as exc:
        raise ItemCheck(f"unit: {exc}", "unit" if "unit" in raw else "key") from exc
    key_res = Resolved(key_value, unit, key_res.sources, key_res.confidences)
    return {"key": key_value, "unit": unit}, {**values, "key": key_res}


def check(answer: Any, *, options: Sequence, prompts: Sequence, choices: Sequence) -> None:
    """Return nothing: a numeric item's answer is its key (the schema forbids ``answer``)."""
    return None


def answer_from_json(answer: Any) -> None:
    """Return nothing: a pinned numeric item keeps its key in ``key``."""
    return None


def normalise(response: Any) -> tuple[float | None, str | None]:
    """Read a numeric response as ``(value, unit or None)``.

    Accepts a number, a string such as ``"1.4 cm"``, a ``(value, unit)`` pair
    or a mapping with ``value`` and ``unit``.
    """
    if response is None:
        return None, None
    if isinstance(response, bool):
        raise TypeError("a numeric response must be a number, not a boolean")
    if isinstance(response, int | float):
        return float(response), None
    if isinstance(response, str):
        return units.parse_quantity(response)
    if isinstance(response, Mapping):
        value = response.get("value")
        return (None if value is None else float(value)), response.get("unit") or None
    if isinstance(response, Sequence) and len(response) == 2:
        value, unit = response
        return (None if value is None else float(value)), unit or None
    raise TypeError(f"cannot read a numeric response from {response!r}")


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _with_unit(text: str, unit: str | None) -> str:
    """Write a number with its unit ("14.3 mm", "57%", and a bare ratio "6.98")."""
    if not unit or unit == "ratio":
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def grade(item: Any, response: Any) -> Grade:
    """Grade a numeric item: value, unit conversion and tolerance (see the module docstring)."""
    try:
        value, unit = normalise(response)
    except units.UnitError as exc:
        return base.graded(item, correct=False, score=0.0, feedback={"answer": str(exc)},
                      message=str(exc), response=str(response))
    if value is None or math.isnan(value):
        return base.graded(item, correct=False, score=0.0, feedback={"answer": "No answer given."},
                      message="No answer given.", response=None)
    recorded = {"value": value, "unit": unit or item.unit}
    try:
        converted = value if unit is None else units.convert(value, unit, item.unit)
    except units.UnitError as exc:
        msg = f"Unit problem: {exc}."
        return base.graded(item, correct=False, score=0.0, feedback={"answer": msg}, message=msg,
                      response=recorded)
    key = float(item.key)
    allowed = max(item.tolerance_abs or 0.0, (item.tolerance_rel or 0.0) * abs(key))
    slack = 1e-9 * max(1.0, abs(key))
    diff = converted - key
    correct = abs(diff) <= allowed + slack
    verdict = "correct" if correct else ("low" if diff < 0 else "high")
    if unit:
        shown = _with_unit(_fmt(value), units.canonical(unit))
    elif item.unit == "ratio":
        shown = _fmt(value)
    else:
        shown = f"{_fmt(value)} (read as {_with_unit('', item.unit).strip() or item.unit})"
    if unit and units.canonical(unit) != item.unit:
        shown += f" = {_with_unit(_fmt(converted), item.unit)}"
    band = (f"accepted {_fmt(key - allowed)} to {_with_unit(_fmt(key + allowed), item.unit)}"
            if allowed else "exact")
    message = f"You answered {shown}; the key is {_with_unit(_fmt(key), item.unit)} ({band})."
    return base.graded(item, correct=correct, score=1.0 if correct else 0.0,
                  feedback={"answer": item.feedback.get(verdict, "")}, status={"answer": verdict},
                  message=message, response=recorded)


def option_order(item: Any, which: str, seed: int) -> list[str]:
    """Return no ids: a numeric item has no options."""
    return base.seeded_order(item, which, seed)


class Controls:
    """A number box and a menu of the units of the key's kind."""

    def __init__(self, item: Any, order: Callable[..., list[str]]):
        import ipywidgets as ipw

        self.number_box = ipw.BoundedFloatText(
            value=0.0, min=-1e12, max=1e12, step=0.1, description="Your answer",
            style={"description_width": "initial"})
        self.unit = ipw.Dropdown(options=units.compatible_units(item.unit), value=item.unit,
                                 description="Unit", style={"description_width": "initial"})
        self.widgets = [ipw.HBox([self.number_box, self.unit])]

    def read(self) -> tuple[float, str]:
        """Return ``(value, unit)``."""
        return (float(self.number_box.value), self.unit.value)

    def set(self, response: tuple[float, str]) -> None:
        """Type the value and choose the unit of ``(value, unit)``."""
        value, unit = response
        self.number_box.value = value
        self.unit.value = units.canonical(unit)


def feedback_html(item: Any, result: Grade, order: Callable[..., list[str]]) -> str:
    """Return the feedback for a low, high or accepted answer."""
    return f"<p>{base.esc(result.feedback.get('answer', ''))}</p>"


def key_lines(item: Any) -> list[str]:
    """Return the answer key as the solution version prints it."""
    return [f"Key: {item.key:g} {item.unit}"]


def key_feedback(item: Any, order: Callable[..., list[str]]) -> list[tuple[str, str]]:
    """Return the feedback for a correct, low and high answer."""
    return list(item.feedback.items())


def lint(item: Any) -> list[tuple[str, str]]:
    """Return no findings: no rules of its own (the number comes from data, checked when the bank loads)."""
    return []


def answer_signature(item: Any) -> tuple | None:
    """Return the key and its unit (two items with the same one may test one fact)."""
    if item.key is None:
        return None
    return ("number", round(float(item.key), 6), item.unit)


def correct_response(item: Any) -> tuple[float, str]:
    """Return a right answer in the grader's terms."""
    return (item.key, item.unit)


def wrong_response(item: Any, rng: random.Random) -> tuple[float, str]:
    """Return half or twice the key."""
    return (item.key * rng.choice((0.5, 2.0)), item.unit)


def lms_form(item: Any) -> base.LmsForm:
    """Return the item as a numerical question: the key, an absolute tolerance, the unit.

    A relative tolerance becomes the absolute one it allows at the key (LMS
    numerical questions take one absolute margin); the response is read in the
    item's unit, which the exported stem names.
    """
    key = float(item.key)
    tolerance = max(item.tolerance_abs or 0.0, (item.tolerance_rel or 0.0) * abs(key))
    return base.LmsForm("numerical", key=key, tolerance=tolerance, unit=item.unit,
                        feedback=dict(item.feedback))
