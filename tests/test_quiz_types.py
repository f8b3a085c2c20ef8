"""Question types: one module each, found through the registry; a new type is one module.

The last test adds a throwaway type to a temporary copy of the package and the
data, as CONTRIBUTING says to, and takes an item of it through load, render,
grade and lint.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from widgets.core.data import data_dir
from widgets.quiz import types
from widgets.quiz.items import all_items

ROOT = Path(__file__).resolve().parents[1]


def test_every_type_module_defines_every_hook():
    assert types.NAMES == ("single", "multiple", "numeric", "ordering", "matching")
    for name, module in types.TYPES.items():
        missing = [hook for hook in types.HOOKS if not hasattr(module, hook)]
        assert missing == [], f"{name} lacks {missing}"
        assert module.NAME == name
        assert set(module.SCHEMA["properties"]) <= set(types.TYPE_FIELDS), name


def test_an_unknown_type_is_named_with_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown question type 'essay'; known: single, multiple"):
        types.of("essay")


def test_the_bank_schema_holds_the_registry_types():
    path = data_dir() / "questions" / "schema.json"
    text = path.read_text(encoding="utf-8")
    item = json.loads(text)["$defs"]["item"]
    assert item["properties"]["type"]["enum"] == list(types.NAMES)
    assert item["allOf"] == types.schema_clauses()
    assert types.schema_text(text) == text, "run python -m widgets.quiz.types"


def test_the_schema_writer_refuses_a_schema_it_cannot_place_the_types_in():
    with pytest.raises(ValueError, match='one "type": {"enum": \\[...\\]} line'):
        types.schema_text('{"$defs": {"item": {"properties": {}}}}')


def test_a_type_schema_forbids_the_fields_of_other_types():
    then = {c["if"]["properties"]["type"]["const"]: c["then"] for c in types.schema_clauses()}
    assert then["single"]["properties"]["tolerance"] is False
    assert then["numeric"]["properties"]["options"] is False
    assert "unit" not in then["numeric"]["properties"]  # numeric uses it, with no extra rule
    assert then["matching"]["required"] == ["prompts", "choices", "answer"]


_COMPARED = re.compile(r"""(\.type|\[["']type["']\]|\bkind)\s*(==|!=|\bin\b|\bnot in\b)""")


def test_no_type_name_is_compared_outside_the_type_modules():
    names = re.compile("|".join(f"[\"']{n}[\"']" for n in types.NAMES))
    found = []
    for path in sorted((ROOT / "widgets").rglob("*.py")):
        if (ROOT / "widgets" / "quiz" / "types") in path.parents:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _COMPARED.search(line) and names.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "ask widgets.quiz.types instead:\n" + "\n".join(found)


def test_key_lines_of_every_type_name_the_key():
    seen = {}
    for item in all_items():
        seen.setdefault(item.type, item)
    assert set(seen) == set(types.NAMES)
    lines = {kind: types.key_lines(item) for kind, item in seen.items()}
    assert lines["single"] == [f"Key: {seen['single'].option(seen['single'].answer).text}"]
    assert lines["numeric"] == [f"Key: {seen['numeric'].key:g} {seen['numeric'].unit}"]
    assert lines["ordering"][0].startswith("Key, step 1: ")
    assert len(lines["matching"]) == len(seen["matching"].prompts)
    assert " → " in lines["matching"][0]


def test_a_right_and_a_wrong_response_of_every_type_grade_as_such():
    import random

    from widgets.quiz.grading import grade

    for item in all_items():
        qtype = types.of(item.type)
        assert grade(item, qtype.correct_response(item)).correct, item.id
        assert not grade(item, qtype.wrong_response(item, random.Random(1))).correct, item.id


# --------------------------------------------------------------------------- a throwaway type

THROWAWAY = '''\
"""True or false: one statement, judged true or false."""

from __future__ import annotations

from widgets.quiz.types import base

NAME = "truefalse"
INSTRUCTION = "Say whether the statement is true."
SCHEMA = {"required": ["answer"], "properties": {"answer": {"type": "boolean"}}}

resolve = base.no_numbers          # hooks it does not need: the defaults
answer_signature = base.no_signature
key_is_longest = base.not_counted
choice_counts = base.no_choice_counts
lms_form = base.no_lms_form


def check(answer, *, options, prompts, choices):
    """Return the answer, true or false."""
    if not isinstance(answer, bool):
        raise base.ItemCheck(f"the answer is true or false, not {answer!r}")
    return answer


def answer_from_json(answer):
    """Return a pinned answer."""
    return bool(answer)


def grade(item, response):
    """Return 1 when the response is the answer, else 0."""
    if response is not None and not isinstance(response, bool):
        raise TypeError(f"a response is true or false, got {response!r}")
    correct = response == item.answer
    return base.graded(item, correct=correct, score=1.0 if correct else 0.0, feedback={},
                  message="Correct." if correct else "Not so.", response=response)


def option_order(item, which, seed):
    """Return no ids: no options."""
    return base.seeded_order(item, which, seed)


class Controls:
    """Two radio buttons."""

    def __init__(self, item, order):
        import ipywidgets as ipw

        self.radio = ipw.RadioButtons(options=[("True", True), ("False", False)], value=None,
                                      description="The statement is")
        self.widgets = [self.radio]

    def read(self):
        """Return the choice."""
        return self.radio.value

    def set(self, response):
        """Choose ``response``."""
        self.radio.value = response


def feedback_html(item, result, order):
    """Return what the statement is."""
    return f"<p>The statement is {base.esc(str(item.answer).lower())}.</p>"


def key_lines(item):
    """Return the key."""
    return [f"Key: {str(item.answer).lower()}"]


def key_feedback(item, order):
    """Return nothing."""
    return None


def lint(item):
    """Return ``absolute-word``: "always" and "never" give a false statement away."""
    words = [w for w in ("always", "never") if w in item.stem.lower().split()]
    return [("absolute-word", f"the statement says {words[0]!r}")] if words else []


def correct_response(item):
    """Return the answer."""
    return item.answer


def wrong_response(item, rng):
    """Return the other answer."""
    return not item.answer
'''

BANK = '''\
bank: zz-throwaway
title: A throwaway bank
items:
  - id: throwaway-true-false
    type: truefalse
    lesson: 00-start-here
    objective: Compare the tissue corridor of open midline exposure with tubular access
    bloom: understand
    difficulty: easy
    topics: [corridor]
    sources: [Kulkarni2019]
    stem: A tubular retractor always shows the whole lamina.
    answer: false
    explanation: The tube shows only the window under its end.
'''

RUN = '''\
import json, random
from widgets.quiz.analytics import distractor_rates, simulated_cohort
from widgets.quiz.grading import grade, item_from_pin, item_pin
from widgets.quiz.items import items_for_lesson
from widgets.quiz.lint import lint_items
from widgets.quiz.types import key_lines
from widgets.quiz.view import QuizView

item = next(i for i in items_for_lesson("00-start-here") if i.type == "truefalse")
view = QuizView([item])
right = view.answer(False)
cohort = simulated_cohort([item], n_learners=4)
print(json.dumps({
    "answer": item.answer,
    "instruction": "Say whether the statement is true." in view.current.stem.value,
    "controls": [type(w).__name__ for w in view.current.controls],
    "right": [right.correct, right.score],
    "feedback": "The statement is false." in view.current.feedback.value,
    "wrong": grade(item, True).score,
    "pinned": grade(item_from_pin(item_pin(item)), False).correct,
    "lint": sorted({f.rule for f in lint_items([item])}),
    "key": key_lines(item),
    "cohort": len(cohort),
    "rates": len(distractor_rates(cohort, [item])),
}))
'''


def test_a_new_type_is_one_module_and_a_registry_entry(tmp_path):
    shutil.copytree(ROOT / "widgets", tmp_path / "widgets",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data", tmp_path / "data")
    folder = tmp_path / "widgets" / "quiz" / "types"
    (folder / "truefalse.py").write_text(THROWAWAY, encoding="utf-8")
    registry = (folder / "__init__.py").read_text(encoding="utf-8")
    edited = registry.replace("ordering, single\n", "ordering, single, truefalse\n").replace(
        "(single, multiple, numeric, ordering, matching)",
        "(single, multiple, numeric, ordering, matching, truefalse)")
    assert edited.count("truefalse") == 2
    (folder / "__init__.py").write_text(edited, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "MISS_DATA_DIR"}
    env.update(PYTHONPATH=str(tmp_path), MISS_PROGRESS_DIR=str(tmp_path / "progress"))

    def run(*args: str) -> str:
        proc = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout

    run("-m", "widgets.quiz.types")   # writes the new type into the copy's bank schema
    schema = json.loads((tmp_path / "data" / "questions" / "schema.json").read_text())
    assert "truefalse" in schema["$defs"]["item"]["properties"]["type"]["enum"]
    (tmp_path / "data" / "questions" / "zz-throwaway.yaml").write_text(BANK, encoding="utf-8")
    out = json.loads(run("-c", RUN).strip().splitlines()[-1])
    assert out == {
        "answer": False, "instruction": True, "controls": ["RadioButtons"], "right": [True, 1.0],
        "feedback": True, "wrong": 0.0, "pinned": True, "lint": ["absolute-word"],
        "key": ["Key: false"], "cohort": 4, "rates": 0,
    }
