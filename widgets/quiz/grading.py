"""Pure graders: ``grade(item, response) -> Grade``, one per item type.

Nothing here reads files, draws widgets or keeps state: the same item and
response always give the same :class:`Grade`, so every rule below is tested
directly.

Scoring rules
-------------
single best answer
    1 if the keyed option is chosen, else 0.
multiple select (partial credit)
    ``max(0, (keyed options chosen - unkeyed options chosen) / keyed options)``.
    Each wrong pick cancels a right one, so ticking every box scores 0 unless
    every option is keyed. ``correct`` only when the chosen set is exactly the
    keyed set.
numeric with tolerance and unit
    The response is converted to the item's unit (mm <-> cm <-> m, mL <-> L,
    s <-> min <-> h, ...; see :mod:`widgets.quiz.units`). It is accepted when
    ``|response - key| <= max(absolute, relative * |key|)``; the boundary is
    accepted (with a 1e-9 relative allowance for floating-point rounding).
    Without a tolerance the answer must equal the key. A unit of another kind
    (a volume for a length) scores 0 with a message naming the units to use; a
    bare number is read in the item's unit.
ordering (procedure steps)
    The fraction of positions holding the right step; the misplaced positions
    are reported (1-based). ``correct`` only when all are right.
matching (condition to technique)
    The fraction of prompts matched to their keyed choice.

Grading what was handed in
--------------------------
:func:`regrade` grades a *recorded* response (from a file a student holds)
and never raises: a response no grader can read (an option the item does not
have, a number that is not one, a value of the wrong shape) scores 0 and the
grade's ``message`` says why. A score is always from 0 to 1.

Pinning an item
---------------
:func:`item_pin` writes down what a student is asked and how it is graded
(type, stem, option, prompt and choice texts, key, unit, tolerance) as plain
JSON, with :func:`item_hash`, a SHA-256 of exactly that. A class build stores
the pins in its manifest; :func:`item_from_pin` turns a pin back into an item
that grades exactly as the original did, so a class is graded by the version
its students saw even if a bank or a case changed since.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from widgets.quiz import units
from widgets.quiz.items import Item, Option

__all__ = [
    "Grade",
    "PinError",
    "UNREADABLE",
    "grade",
    "grade_matching",
    "grade_multiple",
    "grade_numeric",
    "grade_ordering",
    "grade_single",
    "item_from_pin",
    "item_hash",
    "item_pin",
    "normalise_numeric",
    "regrade",
]

CHOSEN_RIGHT = "chosen, correct"
CHOSEN_WRONG = "chosen, incorrect"
MISSED = "not chosen, but correct"
LEFT_OUT = "not chosen, incorrect"


@dataclass(frozen=True)
class Grade:
    """The result of grading one response.

    Attributes
    ----------
    item_id
        The item graded.
    correct
        Whether the response is fully right.
    score
        From 0 to 1 (partial credit for multiple select, ordering, matching).
    feedback
        Feedback per option id (or per prompt id for matching, or under
        ``"answer"`` for numeric items).
    status
        Per option (or prompt) id: chosen/not chosen and correct/incorrect
        (for the view's marks).
    explanation, citation
        The item's explanation and its full citations.
    message
        One line summing up the grade (misplaced steps, a unit problem...).
    misplaced
        Ordering items: the 1-based positions holding the wrong step.
    response
        The response as recorded (JSON-serialisable).
    """

    item_id: str
    correct: bool
    score: float
    feedback: Mapping[str, str]
    explanation: str
    citation: str
    status: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    misplaced: tuple[int, ...] = ()
    response: Any = None


def _base(item: Item, **kwargs: Any) -> Grade:
    return Grade(item_id=item.id, explanation=item.explanation, citation=item.citation, **kwargs)


def _option_ids(item: Item) -> list[str]:
    return [o.id for o in item.options]


def _check_ids(item: Item, ids: Iterable[str], what: str = "option") -> None:
    known = set(_option_ids(item)) if what == "option" else {c.id for c in item.choices}
    for i in ids:
        if i is not None and i not in known:
            raise ValueError(f"item {item.id!r} has no {what} {i!r}; known: {sorted(known)}")


def grade_single(item: Item, response: str | None) -> Grade:
    """Grade a single-best-answer item; ``response`` is the chosen option id (or None)."""
    if response is not None and not isinstance(response, str):
        raise TypeError(f"a single-best-answer response is one option id, got {response!r}")
    _check_ids(item, [response])
    status = {}
    for o in item.options:
        if o.id == response:
            status[o.id] = CHOSEN_RIGHT if o.id == item.answer else CHOSEN_WRONG
        else:
            status[o.id] = MISSED if o.id == item.answer else LEFT_OUT
    correct = response == item.answer
    message = "No answer given." if response is None else ("Correct." if correct else "Not the best answer.")
    return _base(item, correct=correct, score=1.0 if correct else 0.0,
                 feedback={o.id: o.feedback for o in item.options}, status=status,
                 message=message, response=response)


def grade_multiple(item: Item, response: Iterable[str] | None) -> Grade:
    """Grade a multiple-select item; ``response`` is the set of chosen option ids."""
    if isinstance(response, str):
        raise TypeError("a multiple-select response is a collection of option ids, not one string")
    chosen = set(response or ())
    _check_ids(item, chosen)
    keyed = set(item.answer)
    hits = len(chosen & keyed)
    false_picks = len(chosen - keyed)
    score = max(0.0, (hits - false_picks) / len(keyed))
    status = {}
    for o in item.options:
        if o.id in chosen:
            status[o.id] = CHOSEN_RIGHT if o.id in keyed else CHOSEN_WRONG
        else:
            status[o.id] = MISSED if o.id in keyed else LEFT_OUT
    correct = chosen == keyed
    message = (f"{hits} of {len(keyed)} correct options chosen, {false_picks} incorrect"
               f" option{'s' if false_picks != 1 else ''} chosen.")
    return _base(item, correct=correct, score=round(score, 6),
                 feedback={o.id: o.feedback for o in item.options}, status=status,
                 message=message, response=sorted(chosen))


def normalise_numeric(response: Any) -> tuple[float | None, str | None]:
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


def grade_numeric(item: Item, response: Any) -> Grade:
    """Grade a numeric item: value, unit conversion and tolerance (see the module docstring)."""
    try:
        value, unit = normalise_numeric(response)
    except units.UnitError as exc:
        return _base(item, correct=False, score=0.0, feedback={"answer": str(exc)},
                     message=str(exc), response=str(response))
    if value is None or math.isnan(value):
        return _base(item, correct=False, score=0.0, feedback={"answer": "No answer given."},
                     message="No answer given.", response=None)
    recorded = {"value": value, "unit": unit or item.unit}
    try:
        converted = value if unit is None else units.convert(value, unit, item.unit)
    except units.UnitError as exc:
        msg = f"Unit problem: {exc}."
        return _base(item, correct=False, score=0.0, feedback={"answer": msg}, message=msg,
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
    return _base(item, correct=correct, score=1.0 if correct else 0.0,
                 feedback={"answer": item.feedback.get(verdict, "")}, status={"answer": verdict},
                 message=message, response=recorded)


def grade_ordering(item: Item, response: Sequence[str | None] | None) -> Grade:
    """Grade an ordering item; ``response`` lists option ids from first step to last."""
    if isinstance(response, str):
        raise TypeError("an ordering response is a sequence of option ids, not one string")
    answer = list(item.answer)
    given = list(response or ())
    if len(given) > len(answer):
        raise ValueError(f"item {item.id!r} has {len(answer)} steps; got {len(given)}")
    given += [None] * (len(answer) - len(given))
    _check_ids(item, given)
    misplaced = tuple(i + 1 for i, (g, a) in enumerate(zip(given, answer, strict=True)) if g != a)
    right_pos = {a: i + 1 for i, a in enumerate(answer)}
    feedback, status = {}, {}
    for o in item.options:
        where = [i + 1 for i, g in enumerate(given) if g == o.id]
        if not where:
            status[o.id] = "not placed"
            note = f"Not placed; it is step {right_pos[o.id]}."
        elif where == [right_pos[o.id]]:
            status[o.id] = "in place"
            note = f"Step {right_pos[o.id]}: in place."
        else:
            status[o.id] = "misplaced"
            note = (f"You put it at position {', '.join(map(str, where))}; it is step"
                    f" {right_pos[o.id]}.")
        feedback[o.id] = f"{note} {o.feedback}".strip()
    score = (len(answer) - len(misplaced)) / len(answer)
    message = ("All steps in order." if not misplaced else
               f"Position{'s' if len(misplaced) > 1 else ''} {', '.join(map(str, misplaced))}"
               f" {'are' if len(misplaced) > 1 else 'is'} misplaced.")
    return _base(item, correct=not misplaced, score=round(score, 6), feedback=feedback,
                 status=status, message=message, misplaced=misplaced, response=given)


def grade_matching(item: Item, response: Mapping[str, str | None] | None) -> Grade:
    """Grade a matching item; ``response`` maps each prompt id to a choice id."""
    given = dict(response or {})
    prompt_ids = [p.id for p in item.prompts]
    unknown = [k for k in given if k not in prompt_ids]
    if unknown:
        raise ValueError(f"item {item.id!r} has no prompt {unknown[0]!r}; known: {prompt_ids}")
    _check_ids(item, given.values(), what="choice")
    feedback, status = {}, {}
    right = 0
    for p in item.prompts:
        chosen = given.get(p.id)
        keyed = item.answer[p.id]
        keyed_text = item.option(keyed).text
        if chosen == keyed:
            right += 1
            status[p.id] = CHOSEN_RIGHT
            note = "Matched correctly."
        elif chosen is None:
            status[p.id] = MISSED
            note = f"Not matched; the answer is {keyed_text}."
        else:
            status[p.id] = CHOSEN_WRONG
            note = f"You chose {item.option(chosen).text}; the answer is {keyed_text}."
        feedback[p.id] = f"{note} {p.feedback}".strip()
    n = len(item.prompts)
    return _base(item, correct=right == n, score=round(right / n, 6), feedback=feedback,
                 status=status, message=f"{right} of {n} matched correctly.",
                 response={k: given.get(k) for k in prompt_ids})


_GRADERS = {
    "single": grade_single,
    "multiple": grade_multiple,
    "numeric": grade_numeric,
    "ordering": grade_ordering,
    "matching": grade_matching,
}


def grade(item: Item, response: Any) -> Grade:
    """Grade ``response`` to ``item`` with the grader of its type."""
    try:
        grader = _GRADERS[item.type]
    except KeyError:
        raise ValueError(f"item {item.id!r} has unknown type {item.type!r}") from None
    return grader(item, response)


#: How the message of a :func:`regrade` of an unreadable response starts.
UNREADABLE = "could not grade the recorded response"


def regrade(item: Item, response: Any) -> Grade:
    """Grade a recorded response; never raises (an unreadable response scores 0, and says why)."""
    try:
        result = grade(item, response)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        why = f"{UNREADABLE} {_short(response)}: {exc}"
        return _base(item, correct=False, score=0.0, feedback={}, message=why, response=response)
    if not 0.0 <= result.score <= 1.0:  # pragma: no cover  (every grader keeps 0-1; a guard)
        raise AssertionError(f"grader of {item.type!r} gave score {result.score!r}")
    return result


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- pins


class PinError(ValueError):
    """A pinned item (from a class manifest) is malformed or does not match its hash."""


def _plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data (tuples to lists, mappings to sorted dicts)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _content(item: Item) -> dict[str, Any]:
    """Return what a student is asked and how it is graded (what a pin records and hashes)."""
    return {
        "id": item.id,
        "type": item.type,
        "stem": item.stem,
        "options": [[o.id, o.text] for o in item.options],
        "prompts": [[p.id, p.text] for p in item.prompts],
        "choices": [[c.id, c.text] for c in item.choices],
        "answer": _plain(item.answer),
        "key": item.key,
        "unit": item.unit,
        "tolerance_abs": item.tolerance_abs,
        "tolerance_rel": item.tolerance_rel,
    }


def _digest(content: Mapping[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def item_hash(item: Item) -> str:
    """Return a SHA-256 of what ``item`` asks and how it is graded (its resolved texts and key).

    Feedback and explanation are left out: changing them changes no grade.
    """
    return _digest(_content(item))


def item_pin(item: Item) -> dict[str, Any]:
    """Return ``item`` pinned as plain JSON: its content, key and hash, and its tags for analysis."""
    return {**_content(item), "hash": item_hash(item), "lesson": item.lesson,
            "objective": item.objective, "bloom": item.bloom, "difficulty": item.difficulty}


def item_from_pin(pin: Mapping[str, Any]) -> Item:
    """Return the item a pin records (it grades exactly as the pinned item did).

    Raises
    ------
    PinError
        If the pin lacks a field, or its content does not match its hash
        (the manifest was edited by hand).
    """
    try:
        content = {k: pin[k] for k in ("id", "type", "stem", "options", "prompts", "choices",
                                       "answer", "key", "unit", "tolerance_abs",
                                       "tolerance_rel")}
        if _digest(content) != pin["hash"]:
            raise PinError(f"pinned item {pin['id']!r}: its content does not match its hash"
                           " (was the manifest edited?)")
        kind = content["type"]
        answer = content["answer"]
        if kind in ("multiple", "ordering"):
            answer = tuple(answer)
        elif kind == "matching":
            answer = dict(answer)
        return Item(
            id=content["id"], type=kind, stem=content["stem"], explanation="",
            objective=str(pin.get("objective", "")), bloom=str(pin.get("bloom", "")),
            difficulty=str(pin.get("difficulty", "")), topics=(), lesson=str(pin.get("lesson", "")),
            sources=(),
            options=tuple(Option(str(i), str(t)) for i, t in content["options"]),
            prompts=tuple(Option(str(i), str(t)) for i, t in content["prompts"]),
            choices=tuple(Option(str(i), str(t)) for i, t in content["choices"]),
            answer=answer, key=content["key"], unit=content["unit"],
            tolerance_abs=content["tolerance_abs"], tolerance_rel=content["tolerance_rel"],
        )
    except PinError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        name = pin.get("id", "?") if isinstance(pin, Mapping) else "?"
        raise PinError(f"pinned item {name!r} is malformed ({type(exc).__name__}: {exc})") from None
