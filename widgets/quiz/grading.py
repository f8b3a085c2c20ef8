"""Grading: ``grade(item, response) -> Grade`` with the grader of the item's type; pins.

Nothing here reads files, draws widgets or keeps state: the same item and
response always give the same :class:`Grade`, so every rule is tested
directly.

Scoring rules
-------------
Each question type grades its own items: see the module of the type in
:mod:`widgets.quiz.types` (single, multiple, numeric, ordering, matching) for
its scoring rule. Every score is from 0 to 1; partial credit where the type
gives it.

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
from collections.abc import Mapping
from typing import Any

from widgets.quiz import types
from widgets.quiz.items import Item, Option
from widgets.quiz.types.base import Grade, graded

__all__ = [
    "Grade",
    "PinError",
    "UNREADABLE",
    "grade",
    "item_from_pin",
    "item_hash",
    "item_pin",
    "regrade",
]


def grade(item: Item, response: Any) -> Grade:
    """Grade ``response`` to ``item`` with the grader of its type."""
    try:
        qtype = types.of(item.type)
    except ValueError:
        raise ValueError(f"item {item.id!r} has unknown type {item.type!r}") from None
    return qtype.grade(item, response)


#: How the message of a :func:`regrade` of an unreadable response starts.
UNREADABLE = "could not grade the recorded response"


def regrade(item: Item, response: Any) -> Grade:
    """Grade a recorded response; never raises (an unreadable response scores 0, and says why)."""
    try:
        result = grade(item, response)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        why = f"{UNREADABLE} {_short(response)}: {exc}"
        return graded(item, correct=False, score=0.0, feedback={}, message=why, response=response)
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
        answer = types.of(kind).answer_from_json(content["answer"])
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
