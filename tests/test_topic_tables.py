"""Display tables live in each topic's tables.py; the models next to it stay pure computations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "widgets"

#: Packages of widgets/ that are not topics.
NOT_TOPICS = {"core", "quiz", "lessons"}

#: Topics whose student-facing tables have moved into their own tables.py.
TOPICS = ("anatomy", "access", "conditions", "techniques", "imaging", "evidence", "perioperative")

#: Every topic with a tables.py (the rule below holds for each as soon as it has one).
WITH_TABLES = sorted(p.parent.name for p in PACKAGE.glob("*/tables.py") if p.parent.name not in NOT_TOPICS)

#: Modules of a topic that are not models.
NOT_MODELS = {"__init__.py", "tables.py", "view.py"}


def _model_modules(topic: str) -> list[Path]:
    return [p for p in sorted((PACKAGE / topic).glob("*.py")) if p.name not in NOT_MODELS]


def _functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


@pytest.mark.parametrize("topic", TOPICS)
def test_the_topic_has_a_tables_module(topic):
    assert (PACKAGE / topic / "tables.py").is_file()
    assert any(name.endswith("_table") for name in _functions(PACKAGE / topic / "tables.py"))


@pytest.mark.parametrize("topic", WITH_TABLES)
def test_no_model_module_of_the_topic_defines_a_display_table(topic):
    found = [f"{p.name}:{name}" for p in _model_modules(topic) for name in _functions(p)
             if name.endswith("_table") and not name.startswith("_")]
    assert found == [], f"move these into widgets/{topic}/tables.py: {found}"


@pytest.mark.parametrize("topic", WITH_TABLES)
def test_every_table_the_module_exports_is_defined_there(topic):
    import importlib

    module = importlib.import_module(f"widgets.{topic}.tables")
    for name in module.__all__:
        value = getattr(module, name)  # an AttributeError names an export that is not there
        if callable(value):
            assert value.__module__ == module.__name__, f"{name} is only re-exported"

