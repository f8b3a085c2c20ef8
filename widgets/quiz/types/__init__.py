"""Question types: one module per type, and the registry that maps a type name to its module.

Every place that treats items differently by type asks :func:`of` for the
item's module instead of comparing type strings. A type module holds, for
items of its type:

``NAME``, ``INSTRUCTION``
    The ``type:`` of a bank item, and the line under the stem telling the
    learner what to do.
``SCHEMA``
    Its fragment of the bank schema: the item fields it requires and what they
    hold (``properties`` lists every field of :data:`TYPE_FIELDS` it uses; the
    others are forbidden). ``data/questions/schema.json`` holds the fragments,
    written by ``python -m widgets.quiz.types`` and tested against the registry.
``resolve(raw, values)``, ``check(answer, *, options, prompts, choices)``
    The builder's checks while a bank loads: numbers of its own (the numeric
    key), then the answer against the option ids; both raise
    :class:`~widgets.quiz.types.base.ItemCheck` naming the field.
``answer_from_json(answer)``
    A pinned (JSON) answer back in the item's form.
``grade(item, response)``
    The pure grader, returning a :class:`~widgets.quiz.types.base.Grade`.
``option_order(item, which, seed)``
    The order the options (or ``"choices"``) are shown in.
``Controls(item, order)``, ``feedback_html(item, result, order)``
    The renderer: ``Controls`` builds the ipywidgets controls (``.widgets``),
    reads the response (``.read()``) and sets it (``.set(response)``);
    ``feedback_html`` writes the practice feedback. ``order(which="options")``
    gives the display order of the options.
``key_lines(item)``, ``key_feedback(item, order)``
    The answer key as a solution prints it, and the (text, feedback) pairs
    shown beside it (``None``: none).
``lint(item)``, ``answer_signature(item)``, ``key_is_longest(item)``
    Item-writing rules of the type as ``(rule, message)`` pairs; what makes two
    items test one fact (``None``: never compared); whether the key is the
    longest option (``None``: not counted in a bank's longest-key share).
``choice_counts(item, answers)``, ``correct_response(item)``, ``wrong_response(item, rng)``
    Analytics: how many learners chose each option (distractor rates), and the
    responses of a simulated learner.
``lms_form(item)``
    The item as a learning-management system holds it
    (:class:`~widgets.quiz.types.base.LmsForm`), for the QTI and Moodle XML
    exports of :mod:`widgets.quiz.lms` (``base.no_lms_form``: none).

A hook a type does not need is bound to a default of :mod:`widgets.quiz.types.base`
(``resolve = base.no_numbers``), so every module names every hook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from widgets.quiz.types import matching, multiple, numeric, ordering, single

__all__ = ["HOOKS", "NAMES", "TYPES", "TYPE_FIELDS", "key_feedback", "key_lines", "of",
           "schema_clauses", "schema_text", "write_schema"]

#: Every question type, by name.
TYPES: dict[str, ModuleType] = {m.NAME: m for m in (single, multiple, numeric, ordering, matching)}
NAMES: tuple[str, ...] = tuple(TYPES)

#: What a type module defines (see the module docstring).
HOOKS = ("NAME", "INSTRUCTION", "SCHEMA", "resolve", "check", "answer_from_json", "grade",
         "option_order", "Controls", "feedback_html", "key_lines", "key_feedback", "lint",
         "answer_signature", "key_is_longest", "choice_counts", "correct_response",
         "wrong_response", "lms_form")

#: Item fields that belong to types: a type's SCHEMA uses some, and the others are forbidden.
TYPE_FIELDS = ("options", "prompts", "choices", "answer", "key", "unit", "tolerance", "feedback")


def of(kind: str) -> ModuleType:
    """Return the module of question type ``kind``.

    Raises
    ------
    ValueError
        If no module of that name is registered.
    """
    try:
        return TYPES[kind]
    except (KeyError, TypeError):
        raise ValueError(f"unknown question type {kind!r}; known: {', '.join(NAMES)}") from None


def key_lines(item: Any) -> list[str]:
    """Return the answer key of ``item`` as a solution prints it (one line each)."""
    return of(item.type).key_lines(item)


def key_feedback(item: Any, order) -> list[tuple[str, str]] | None:
    """Return the (text, feedback) pairs shown beside ``item``'s key (``None``: no list).

    ``order(which="options")`` gives the display order of the options.
    """
    return of(item.type).key_feedback(item, order)


# --------------------------------------------------------------------------- the bank schema


def _then(module: ModuleType) -> dict[str, Any]:
    props = module.SCHEMA.get("properties", {})
    used = set(props) | set(module.SCHEMA.get("required", ()))
    out: dict[str, Any] = {}
    if module.SCHEMA.get("required"):
        out["required"] = list(module.SCHEMA["required"])
    out["properties"] = {**{k: v for k, v in props.items() if v},
                         **{f: False for f in TYPE_FIELDS if f not in used}}
    return out


def schema_clauses() -> list[dict[str, Any]]:
    """Return the ``allOf`` of the bank schema's item: one ``if type is X then ...`` clause per type."""
    return [{"if": {"properties": {"type": {"const": name}}}, "then": _then(module)}
            for name, module in TYPES.items()]


def _clauses_text(indent: str) -> str:
    blocks = [f'{indent}  {{\n{indent}    "if": {json.dumps(c["if"])},\n'
              f'{indent}    "then": {json.dumps(c["then"])}\n{indent}  }}' for c in schema_clauses()]
    return f'{indent}"allOf": [\n' + ",\n".join(blocks) + f"\n{indent}]"


_ENUM = re.compile(r'^(?P<indent>[ ]*)"type": \{"enum": \[[^\]\n]*\]\}', re.M)
_ALL_OF = re.compile(r'^(?P<indent>[ ]*)"allOf": \[\n.*?^(?P=indent)\]', re.M | re.S)


def schema_text(text: str) -> str:
    """Return the bank schema ``text`` with its type enum and per-type clauses from the registry.

    Only those two parts change (the item's ``"type"`` line and the item's
    ``"allOf"``, its last), so the rest of the file keeps its layout.
    """
    enums = list(_ENUM.finditer(text))
    start = text.index('"item": {')
    blocks = [m for m in _ALL_OF.finditer(text) if m.start() > start]
    if len(enums) != 1 or len(blocks) != 1:
        raise ValueError('the bank schema must have one "type": {"enum": [...]} line and one'
                         ' "allOf" in its item')
    block = blocks[0]
    text = text[:block.start()] + _clauses_text(block.group("indent")) + text[block.end():]
    enum = enums[0]
    return (text[:enum.start()] + f'{enum.group("indent")}"type": {{"enum": {json.dumps(list(NAMES))}}}'
            + text[enum.end():])


def write_schema(path: str | Path | None = None) -> Path:
    """Write the registry's types into the bank schema (``data/questions/schema.json``)."""
    if path is None:
        from widgets.core.data import data_dir

        path = data_dir() / "questions" / "schema.json"
    path = Path(path)
    path.write_text(schema_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path
