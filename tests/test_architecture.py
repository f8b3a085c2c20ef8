"""The layout rules of widgets/, checked by reading every module's imports with ast.

- widgets.core imports nothing else of the package;
- a topic's view.py imports only its own topic and the core (exceptions below);
- no import circle between modules (imports inside functions count too);
- the quiz does not import the lesson tooling.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "widgets"

#: The only views allowed to reach outside their topic and the core: (view module, package), and why.
VIEW_EXCEPTIONS = {
    # the case lesson ends with its own quiz and the learner's review, drawn by the quiz view
    ("widgets.case.view", "widgets.quiz"): "the case lesson embeds the quiz",
    # the operative step of the case shows the corridor explorer of lesson 00 for the chosen tube
    ("widgets.case.view", "widgets.access"): "the case lesson reuses the corridor explorer",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def imports(name: str) -> frozenset[str]:
    """The package's modules that ``name`` imports, anywhere in its body."""
    known = modules()
    path = known[name]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import: resolve it against this module's package
                base = name.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            # `from pkg import sub` imports the module pkg.sub when there is one
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        out.update(t for t in targets if t == "widgets" or t.startswith("widgets."))
    out.discard(name)
    return frozenset(out)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_layout_has_a_core_and_no_views_package():
    names = modules()
    assert "widgets.core" in names
    assert not any(_within(n, "widgets.views") for n in names), "widgets/views/ should be gone"


def test_core_imports_nothing_else_of_the_package():
    bad = {
        name: sorted(t for t in imports(name) if not _within(t, "widgets.core"))
        for name in modules() if _within(name, "widgets.core")
    }
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"core modules importing outside widgets.core: {bad}"


def _views() -> list[str]:
    names = modules()
    return [n for n in names if n.endswith(".view") and n.count(".") == 2 and not _within(n, "widgets.core")]


def test_there_is_a_view_per_topic():
    assert len(_views()) >= 8, _views()


@pytest.mark.parametrize("view", _views() or ["(no topic views)"])
def test_a_view_imports_only_its_topic_and_the_core(view):
    if view not in modules():
        pytest.fail("no topic package has a view.py")
    topic = view.rsplit(".", 1)[0]
    bad = []
    for target in sorted(imports(view)):
        if _within(target, topic) or _within(target, "widgets.core"):
            continue
        if any(v == view and _within(target, pkg) for v, pkg in VIEW_EXCEPTIONS):
            continue
        bad.append(target)
    assert not bad, f"{view} imports {bad}; a view imports only {topic} and widgets.core"


def test_the_view_exceptions_are_still_needed():
    for view, package in VIEW_EXCEPTIONS:
        assert any(_within(t, package) for t in imports(view)), f"drop the exception ({view}, {package})"


def _cycles() -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each sorted."""
    graph = {n: sorted(imports(n)) for n in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, []):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return sorted(groups)


def test_no_import_circle():
    assert _cycles() == []


def test_the_quiz_does_not_import_the_lesson_tooling():
    bad = {
        name: sorted(t for t in imports(name) if _within(t, "widgets.lessons"))
        for name in modules() if _within(name, "widgets.quiz")
    }
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"quiz modules importing widgets.lessons: {bad}"


def test_the_circle_finder_finds_a_circle(monkeypatch):
    """The checker itself: two modules importing each other are reported."""
    fake = {"widgets.a": frozenset({"widgets.b"}), "widgets.b": frozenset({"widgets.a"})}
    monkeypatch.setattr(f"{__name__}.modules", lambda: dict.fromkeys(fake, Path()))
    monkeypatch.setattr(f"{__name__}.imports", lambda n: fake[n])
    assert _cycles() == [["widgets.a", "widgets.b"]]
