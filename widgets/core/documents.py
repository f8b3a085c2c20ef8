"""Hand-written YAML documents: read, check against a JSON schema, and name the bad line.

Question banks (``data/questions``), case files (``data/cases``) and class
configs are YAML written by people. When one is wrong, the author needs the file
and the line, not a traceback. :func:`load` does the three steps every reader
needs, with :class:`~widgets.core.yamllines.LineLoader` (lines remembered,
duplicate keys refused) and :func:`widgets.core.schemacheck.errors` (fast when
the file is valid):

1. read the file (:class:`DocumentError` with ``kind="read"``);
2. parse the YAML (``kind="yaml"``, with the line of the syntax error);
3. check it against the schema (``kind="schema"``, with every error sorted by
   line in :attr:`DocumentError.problems`).

Each reader turns a :class:`DocumentError` into its own error type and words
(a bank names the item, a class config its own file); ``str(error)`` is a
ready message: ``data/cases/x.yaml line 12: 'age' is a required property``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from widgets.core import schemacheck
from widgets.core.data import data_dir
from widgets.core.yamllines import LineLoader, line_of

__all__ = ["DocumentError", "Problem", "check", "load", "parse", "relative_name"]


@dataclass(frozen=True)
class Problem:
    """One schema error: its line (``None`` when unknown), where in the document, and what is wrong."""

    line: int | None
    path: tuple[Any, ...]
    message: str

    @property
    def at(self) -> str:
        """The path as dotted text (``items.3.options``), '' at the top."""
        return ".".join(str(p) for p in self.path)


class DocumentError(ValueError):
    """A YAML document could not be read, parsed or validated.

    Attributes
    ----------
    file
        The file as the message names it (see :func:`relative_name`).
    kind
        ``read``, ``yaml`` or ``schema``.
    detail
        What is wrong, without the place (e.g. ``not valid YAML (...)``).
    line
        The 1-based line of the (first) problem, or ``None``.
    problems
        For ``schema``: every error, sorted by line (the first is ``detail``).
    text
        The file's text when it was read (for readers that look around the line).
    document
        For ``schema``: the parsed document (to name, say, the item a problem lies in).
    """

    def __init__(self, file: str, kind: str, detail: str, line: int | None = None,
                 problems: tuple[Problem, ...] = (), text: str = "", document: Any = None):
        where = file + (f" line {line}" if line else "")
        super().__init__(f"{where}: {detail}")
        self.file, self.kind, self.detail, self.line = file, kind, detail, line
        self.problems, self.text, self.document = problems, text, document


def relative_name(path: Path) -> str:
    """Return ``path`` relative to the repository (``data/cases/x.yaml``), else its file name."""
    try:
        return path.resolve().relative_to(data_dir().resolve().parent).as_posix()
    except ValueError:
        return path.name


def parse(path: str | Path, file: str | None = None) -> tuple[Any, str]:
    """Read and parse the YAML file at ``path``; return ``(document, text)``.

    ``file`` is how messages name the file (default: :func:`relative_name`).
    An empty file gives ``None``. Raises :class:`DocumentError` (``read`` or ``yaml``).
    """
    path = Path(path)
    file = relative_name(path) if file is None else file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(file, "read", f"cannot read it ({exc})") from exc
    try:
        doc = yaml.load(text, Loader=LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DocumentError(file, "yaml", f"not valid YAML ({getattr(exc, 'problem', exc)})", line,
                            text=text) from exc
    return doc, text


def check(doc: Any, schema: str | Path | Mapping, file: str) -> None:
    """Check a parsed document against a JSON schema (a file path, or the schema itself).

    Raises :class:`DocumentError` (``schema``) naming the line of the first error
    and listing every error in ``problems``, sorted by line.
    """
    if isinstance(schema, Mapping):
        import jsonschema

        found = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    else:
        found = schemacheck.errors(str(schema), doc)
    if not found:
        return
    problems = sorted((Problem(line_of(doc, list(e.absolute_path)), tuple(e.absolute_path), e.message)
                       for e in found), key=lambda p: p.line or 0)
    first = problems[0]
    detail = first.message + (f" (at {first.at})" if first.at else "")
    raise DocumentError(file, "schema", detail, first.line, tuple(problems), document=doc)


def load(path: str | Path, schema: str | Path | Mapping, file: str | None = None) -> Any:
    """Read, parse and check the YAML file at ``path`` against ``schema``; return the document.

    The document's mappings are :class:`~widgets.core.yamllines.LineDict` (``.line``,
    ``.key_lines``). Raises :class:`DocumentError` naming the file and line.
    """
    path = Path(path)
    file = relative_name(path) if file is None else file
    doc, _ = parse(path, file)
    check(doc, schema, file)
    return doc
