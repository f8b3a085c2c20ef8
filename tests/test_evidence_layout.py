"""The layout of widgets/evidence/: small modules, and the lesson's display frames in tables.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EVIDENCE = Path(__file__).resolve().parents[1] / "widgets" / "evidence"

#: The most lines a module of the topic may have.
MAX_LINES = 600

#: Modules allowed to be longer, and why.
LONG_MODULES = {
    "meta.py": "the pooling maths (effect sizes, tau² estimators, pooling) stays in one module",
}


def _modules() -> list[Path]:
    return sorted(EVIDENCE.glob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.name)
def test_a_module_of_the_topic_stays_small(path):
    if path.name in LONG_MODULES:
        pytest.skip(LONG_MODULES[path.name])
    assert _lines(path) <= MAX_LINES, f"{path.name} has {_lines(path)} lines (at most {MAX_LINES})"


def test_the_long_module_exceptions_are_still_needed():
    for name in LONG_MODULES:
        assert _lines(EVIDENCE / name) > MAX_LINES, f"drop {name} from LONG_MODULES"


def test_the_display_frames_live_in_tables():
    """Every public ``*_table`` function of the topic is in tables.py, none in the models or the view."""
    elsewhere = {
        path.name: [node.name for node in ast.parse(path.read_text(encoding="utf-8")).body
                    if isinstance(node, ast.FunctionDef) and node.name.endswith("_table")
                    and not node.name.startswith("_")]
        for path in _modules() if path.name != "tables.py"
    }
    elsewhere = {k: v for k, v in elsewhere.items() if v}
    assert not elsewhere, f"display frames outside widgets/evidence/tables.py: {elsewhere}"
