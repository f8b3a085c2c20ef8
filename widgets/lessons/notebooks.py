"""Execute lesson notebooks reproducibly and check their outline.

Notebooks are committed executed, top to bottom in a fresh kernel, so that
``pytest --nbval`` can compare what students read. :func:`execute_in_place`
runs one with nbclient (no widget state, no timings) and then normalises the
few outputs that would otherwise differ on every run (widget model ids), so
that re-executing unchanged code leaves git clean.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from widgets.core.catalog import Lesson, notebooks_dir

__all__ = [
    "OUTLINE_HEADINGS",
    "Outline",
    "ParameterCell",
    "catalog_problems",
    "check_outline",
    "execute_in_place",
    "find_notebooks",
    "normalise",
    "outline",
    "parameter_problems",
    "parameters_cell",
]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
OUTLINE_HEADINGS = ("Objectives", "Prerequisites", "Time to learn", "Summary", "References")
DISCLAIMER_RE = re.compile(r"educational material,?\s+not medical advice", re.IGNORECASE)


def find_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the lesson notebooks (``NN-name.ipynb``), in lesson order."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook byte-stable from run to run.

    Widget views keep their mime type but get sequential model ids (their
    state is not saved, so the random ids point at nothing anyway), and their
    text fallback, which repeats random trace ids, is dropped.
    """
    counter = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                counter += 1
                data[WIDGET_MIME]["model_id"] = f"{counter:032x}"
                data.pop("text/plain", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    return nb


def execute_in_place(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute notebook ``path`` top to bottom in a fresh kernel and save it.

    The kernel gets an empty, temporary learner store (``MISS_PROGRESS_DIR``), so
    the committed outputs never depend on anyone's own quiz answers.
    """
    import os
    import tempfile

    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="miss-execute-") as store:
        saved = os.environ.get("MISS_PROGRESS_DIR")
        os.environ["MISS_PROGRESS_DIR"] = store
        try:
            return _execute(nb, path, timeout, NotebookClient)
        finally:
            if saved is None:
                os.environ.pop("MISS_PROGRESS_DIR", None)
            else:
                os.environ["MISS_PROGRESS_DIR"] = saved


def _execute(nb, path: Path, timeout: int, client_class) -> nbformat.NotebookNode:
    client = client_class(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    client.execute()
    normalise(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return nb


def _headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
            if m:
                found.append((len(m.group(1)), m.group(2)))
    return found


def check_outline(nb: nbformat.NotebookNode) -> list[str]:
    """Return what the notebook lacks of the lesson outline (empty if complete).

    The outline: a ``#`` title first; ``##`` sections Objectives,
    Prerequisites, Time to learn, Summary and References; at least one other
    ``##`` teaching section; the educational-material disclaimer; one
    ``parameters``-tagged cell.
    """
    problems = []
    heads = _headings(nb)
    if not heads or heads[0][0] != 1:
        problems.append("the first heading must be the lesson title (# Title)")
    sections = [text for level, text in heads if level == 2]
    for needed in OUTLINE_HEADINGS:
        if not any(s.lower().startswith(needed.lower()) for s in sections):
            problems.append(f"missing section '## {needed}'")
    teaching = [s for s in sections if not any(s.lower().startswith(h.lower()) for h in OUTLINE_HEADINGS)]
    if not teaching:
        problems.append("no teaching sections besides the outline")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if not DISCLAIMER_RE.search(markdown):
        problems.append("missing the line that it is educational material, not medical advice")
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        problems.append(f"expected one 'parameters'-tagged cell, found {len(tagged)}")
    return problems


@dataclass(frozen=True)
class Outline:
    """What a notebook's opening says it is: title, objectives as listed, and the time line."""

    title: str
    objectives: tuple[str, ...]
    time: str


def _section(nb: nbformat.NotebookNode, heading: str) -> list[str]:
    """Return the lines under ``## heading`` (in whichever markdown cell), up to the next heading."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if re.match(rf"^##\s+{re.escape(heading)}\s*$", line):
                rest = lines[i + 1:]
                end = next((j for j, ln in enumerate(rest) if ln.startswith("#")), len(rest))
                return rest[:end]
    return []


def outline(nb: nbformat.NotebookNode) -> Outline:
    """Read the outline a lesson opens with.

    That is its ``# title``, the numbered list under ``## Objectives`` (items joined across wrapped
    lines, without the final ``;``/``.``) and the first line under ``## Time to learn``.
    """
    heads = _headings(nb)
    title = heads[0][1] if heads and heads[0][0] == 1 else ""
    items: list[str] = []
    for line in _section(nb, "Objectives"):
        m = re.match(r"^\d+\.\s+(.*)$", line)
        if m:
            items.append(m.group(1).strip())
        elif items and line.startswith(" ") and line.strip():
            items[-1] += " " + line.strip()
    objectives = tuple(re.sub(r"\s*[;.]$", "", item) for item in items)
    time = next((ln.strip() for ln in _section(nb, "Time to learn") if ln.strip()), "")
    return Outline(title, objectives, time)


def catalog_problems(nb: nbformat.NotebookNode, lesson: Lesson) -> list[str]:
    """Return where the notebook's outline disagrees with its catalog entry (empty if nowhere).

    Compared: the title, the objectives in order (:attr:`Lesson.objectives_as_written`), and that
    the time to learn starts "About <minutes> minutes".
    """
    found = outline(nb)
    problems = []
    if found.title != lesson.title:
        problems.append(f"title {found.title!r} is not the catalog's {lesson.title!r}")
    written, listed = lesson.objectives_as_written, found.objectives
    for i in range(max(len(written), len(listed))):
        want = written[i] if i < len(written) else "(none)"
        got = listed[i] if i < len(listed) else "(none)"
        if want != got:
            problems.append(f"objective {i + 1} reads {got!r}; the catalog has {want!r}")
    if not found.time.startswith(f"About {lesson.minutes} minutes"):
        problems.append(f"time to learn {found.time!r} does not start 'About {lesson.minutes}"
                        " minutes', as the catalog says")
    return problems


@dataclass(frozen=True)
class ParameterCell:
    """A parameter as written in a notebook's parameters cell."""

    name: str
    annotation: str
    default: Any


def parameters_cell(nb: nbformat.NotebookNode) -> list[ParameterCell]:
    """Parse the ``parameters`` cell: every statement must be ``name: type = literal``."""
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return []
    tree = ast.parse(cells[0].source)
    out = []
    for node in tree.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value):
            raise ValueError(
                f"parameters cell line {node.lineno}: write each parameter as `name: type = value`"
            )
        out.append(
            ParameterCell(node.target.id, ast.unparse(node.annotation), ast.literal_eval(node.value))
        )
    return out


#: The call the code cell after a lesson's ``parameters`` cell makes.
CHECK_CALL = 'check_notebook_parameters("{stem}", globals())'


def parameter_problems(nb: nbformat.NotebookNode, lesson: Lesson) -> list[str]:
    """Return where the ``parameters`` cell disagrees with the catalog's parameters of ``lesson``.

    Compared: names in order, annotated types, defaults; and the next code cell must check them.
    """
    try:
        written = parameters_cell(nb)
    except (ValueError, SyntaxError) as exc:
        return [str(exc)]
    problems = []
    names, declared = [p.name for p in written], [p.name for p in lesson.params]
    if names != declared:
        problems.append(f"the parameters cell assigns {names}; the catalog declares {declared}")
    for cell_param, param in zip(written, lesson.params, strict=False):
        if cell_param.name == param.name and (cell_param.annotation, cell_param.default) != (
                param.type.__name__, param.default):
            problems.append(f"parameter {param.name!r} is written `{cell_param.name}:"
                            f" {cell_param.annotation} = {cell_param.default!r}`; the catalog has"
                            f" `{param.name}: {param.type.__name__} = {param.default!r}`")
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    following = next((c for c in nb.cells[tagged[0] + 1:] if c.cell_type == "code"), None) \
        if tagged else None
    call = CHECK_CALL.format(stem=lesson.stem)
    if following is None or call not in following.source:
        problems.append(f"the code cell after the parameters cell must call {call}")
    return problems
