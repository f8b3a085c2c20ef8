"""Every module of widgets/ is short enough to read in one sitting: at most 600 lines.

A module that grows past it is split into cohesive modules of its package (no
re-export shims). The few modules still over it are listed below with their
present length as a ceiling: they may shrink, never grow, and an entry is
dropped as soon as its module is split.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "widgets"

#: The most lines a module of widgets/ may have.
MAX_LINES = 600

#: Modules not split yet (path under widgets/ -> (their length today, the ceiling; why)).
NOT_SPLIT_YET: dict[str, tuple[int, str]] = {}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_a_module_has_at_most_600_lines(path):
    limit, why = NOT_SPLIT_YET.get(_name(path), (MAX_LINES, ""))
    lines = _lines(path)
    assert lines <= limit, (f"widgets/{_name(path)} has {lines} lines (at most {limit}"
                            f"{'; ' + why if why else ''}): split it into cohesive modules of its package")


def test_every_module_not_split_yet_is_still_over_the_limit():
    for name, (limit, _why) in NOT_SPLIT_YET.items():
        path = PACKAGE / name
        assert path.exists(), f"widgets/{name} is gone: drop it from NOT_SPLIT_YET"
        lines = _lines(path)
        assert lines > MAX_LINES, f"widgets/{name} has {lines} lines now: drop it from NOT_SPLIT_YET"
        assert limit > MAX_LINES, f"NOT_SPLIT_YET gives widgets/{name} a ceiling under {MAX_LINES}: drop it"
