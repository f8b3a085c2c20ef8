"""The layout of widgets/evidence/: the lesson's display frames in tables.py.

(Every module of widgets/ stays small: tests/test_module_size.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

EVIDENCE = Path(__file__).resolve().parents[1] / "widgets" / "evidence"


def _modules() -> list[Path]:
    return sorted(EVIDENCE.glob("*.py"))


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
