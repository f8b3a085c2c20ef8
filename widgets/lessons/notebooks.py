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

from widgets.core.catalog import notebooks_dir

__all__ = [
    "OUTLINE_HEADINGS",
    "ParameterCell",
    "check_outline",
    "execute_in_place",
    "find_notebooks",
    "normalise",
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
