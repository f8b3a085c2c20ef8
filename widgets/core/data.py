"""Load the cited data tables in ``data/`` by name, validated and cached.

Every table is a CSV file ``data/tables/<name>.csv`` described by
``data/tables/<name>.schema.yaml`` (columns, types, units, allowed ranges).
Every row carries a ``source_key`` that must resolve in
``data/references.json`` (CSL-JSON) and a ``confidence`` flag
(``read-directly`` or ``secondary-source``).

Bad data raises :class:`DataError` with the file, the row (as the line number
in the CSV file) and the column, so that the fix is one look away. The citation
a student reads is built in :mod:`widgets.core.citations`; the verbatim quotes
behind the numbers are checked in :mod:`widgets.core.quotes`.

Examples
--------
>>> from widgets.core.data import load_table
>>> table = load_table("instruments")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "CONFIDENCE_FLAGS",
    "DataError",
    "Schema",
    "data_dir",
    "load_table",
    "load_schema",
    "one_row",
    "clear_cache",
    "records",
    "references",
    "relative_path",
    "rows_by",
    "table_names",
    "validate_table",
]

CONFIDENCE_FLAGS = ("read-directly", "secondary-source")
_TYPES = ("string", "number", "integer", "boolean")
_REQUIRED_COLUMNS = ("source_key", "confidence")


class DataError(ValueError):
    """A data file is missing, malformed or breaks its schema."""


# An installed wheel carries data/ inside the package as widgets/_data (see setup.py);
# a checkout has it at the top of the repository.
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_BUNDLED_DATA_DIR = _PACKAGE_DIR / "_data"
_DEFAULT_DATA_DIR = _BUNDLED_DATA_DIR if _BUNDLED_DATA_DIR.is_dir() else _PACKAGE_DIR.parent / "data"


def data_dir() -> Path:
    """Return the ``data/`` folder (``MISS_DATA_DIR`` overrides it, for tests)."""
    override = os.environ.get("MISS_DATA_DIR")
    if override:
        return Path(override)
    return _DEFAULT_DATA_DIR


@dataclass(frozen=True)
class Column:
    """One column of a table schema."""

    name: str
    type: str
    required: bool = False
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[Any, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class Schema:
    """The schema of one table: its columns and what each allows."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")


def table_names() -> list[str]:
    """Return the names of all tables in ``data/tables``, sorted."""
    return sorted(p.name[: -len(".schema.yaml")] for p in (data_dir() / "tables").glob("*.schema.yaml"))


def relative_path(path: Path) -> str:
    """Return ``path`` as error messages name it: relative to the folder that holds ``data/``."""
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return path.name


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


@functools.lru_cache(maxsize=128)
def _read_schema_yaml(path: str, mtime_ns: int, size: int) -> Any:
    """Parse a schema file once per version of it (the key holds its mtime and size)."""
    file = Path(path)
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise DataError(f"{relative_path(file)}{where}: not valid YAML ({exc})") from exc


def load_schema(name: str) -> Schema:
    """Read and check the schema of table ``name``."""
    path = data_dir() / "tables" / f"{name}.schema.yaml"
    if not path.is_file():
        known = ", ".join(table_names()) or "none"
        raise DataError(f"{relative_path(path)}: no such table {name!r} (known tables: {known})")
    stat = path.stat()
    raw = _read_schema_yaml(str(path), stat.st_mtime_ns, stat.st_size)
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), list):
        raise DataError(f"{relative_path(path)}: a schema is a mapping with a 'columns' list")
    columns = []
    for i, c in enumerate(raw["columns"]):
        if not isinstance(c, dict) or "name" not in c or c.get("type") not in _TYPES:
            raise DataError(
                f"{relative_path(path)}: column #{i + 1} needs a 'name'"
                f" and a 'type' among {', '.join(_TYPES)}"
            )
        enum = c.get("enum")
        columns.append(
            Column(
                name=str(c["name"]),
                type=c["type"],
                required=bool(c.get("required", False)),
                unit=c.get("unit"),
                minimum=c.get("minimum"),
                maximum=c.get("maximum"),
                enum=tuple(enum) if enum is not None else None,
                description=str(c.get("description", "")),
            )
        )
    names = [c.name for c in columns]
    for needed in _REQUIRED_COLUMNS:
        if needed not in names:
            raise DataError(f"{relative_path(path)}: every table needs a {needed!r} column")
    meta = {k: v for k, v in raw.items() if k not in {"columns", "primary_key"}}
    return Schema(
        name=str(raw.get("name", name)),
        title=str(raw.get("title", name)),
        description=str(raw.get("description", "")),
        columns=tuple(columns),
        primary_key=tuple(raw.get("primary_key") or ()),
        meta=meta,
    )


def _convert(text: str, col: Column, where: str) -> Any:
    """Turn one CSV cell into a Python value of the column's type."""
    if text == "":
        if col.required:
            raise DataError(f"{where}: column {col.name!r} is required but empty")
        return None
    if col.type == "string":
        value: Any = text
    elif col.type == "number":
        try:
            value = float(text)
        except ValueError:
            raise DataError(f"{where}: column {col.name!r} must be a number, got {text!r}") from None
        if math.isnan(value) or math.isinf(value):
            raise DataError(f"{where}: column {col.name!r} must be a finite number, got {text!r}")
    elif col.type == "integer":
        try:
            value = int(text)
        except ValueError:
            raise DataError(f"{where}: column {col.name!r} must be an integer, got {text!r}") from None
    else:
        lowered = text.strip().lower()
        if lowered not in {"true", "false"}:
            raise DataError(f"{where}: column {col.name!r} must be true or false, got {text!r}")
        value = lowered == "true"
    if col.enum is not None and value not in col.enum:
        allowed = ", ".join(map(str, col.enum))
        raise DataError(f"{where}: column {col.name!r} is {text!r}; allowed: {allowed}")
    if col.minimum is not None and value < col.minimum:
        raise DataError(f"{where}: column {col.name!r} is {text}, below its minimum {col.minimum}")
    if col.maximum is not None and value > col.maximum:
        raise DataError(f"{where}: column {col.name!r} is {text}, above its maximum {col.maximum}")
    return value


def validate_table(name: str) -> list[dict[str, Any]]:
    """Read table ``name`` as a list of typed row dicts, checking every cell.

    Raises
    ------
    DataError
        Naming the file, the line and the column of the first problem found.
    """
    schema = load_schema(name)
    path = data_dir() / "tables" / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"{relative_path(path)}: file missing (its schema exists)")
    refs = references()
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise DataError(f"{relative_path(path)}: file is empty")
            expected = [c.name for c in schema.columns]
            if header and header[0].startswith("\ufeff"):
                raise DataError(
                    f"{relative_path(path)} line 1: the file starts with a byte-order mark (BOM), which"
                    " some spreadsheet programs add; save it as UTF-8 without BOM"
                    " (\"CSV UTF-8\" adds one; plain \"CSV\" in UTF-8 does not)"
                )
            if header != expected:
                missing = [c for c in expected if c not in header]
                extra = [c for c in header if c not in expected]
                raise DataError(
                    f"{relative_path(path)} line 1: header does not match the schema"
                    f" (missing: {missing or 'none'}; not in schema: {extra or 'none'};"
                    " order must match)"
                )
            rows = []
            seen_keys: dict[tuple, int] = {}
            for cells in reader:
                line = reader.line_num
                where = f"{relative_path(path)} line {line}"
                if not any(cells):
                    continue
                if len(cells) != len(expected):
                    raise DataError(
                        f"{where}: {len(cells)} cells, expected {len(expected)} ({', '.join(expected)})"
                    )
                pairs = zip(schema.columns, cells, strict=True)
                row = {c.name: _convert(cell, c, where) for c, cell in pairs}
                if row["confidence"] not in CONFIDENCE_FLAGS:
                    raise DataError(
                        f"{where}: column 'confidence' is {row['confidence']!r};"
                        f" allowed: {', '.join(CONFIDENCE_FLAGS)}"
                    )
                if row["source_key"] not in refs:
                    raise DataError(
                        f"{where}: column 'source_key' is {row['source_key']!r},"
                        " which does not resolve in data/references.json"
                    )
                if schema.primary_key:
                    key = tuple(row[k] for k in schema.primary_key)
                    if key in seen_keys:
                        raise DataError(
                            f"{where}: duplicate primary key {key} (first at line {seen_keys[key]})"
                        )
                    seen_keys[key] = line
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise DataError(f"{relative_path(path)}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise DataError(f"{relative_path(path)}: not a readable CSV file ({exc})") from exc
    return rows


@functools.cache
def _load_table_cached(name: str, directory: str):
    import pandas as pd

    schema = load_schema(name)
    rows = validate_table(name)
    frame = pd.DataFrame(rows, columns=[c.name for c in schema.columns])
    for col in schema.columns:
        if col.type == "number":
            frame[col.name] = frame[col.name].astype("float64")
    # Only the name goes in attrs: pandas deep-copies attrs on every operation, and a
    # Schema there made each filter chain ~100 ms. load_schema(name) gives the schema.
    frame.attrs["name"] = name
    return frame


def load_table(name: str):
    """Return table ``name`` as a validated :class:`pandas.DataFrame`.

    The table is read and checked once per process; each call returns a copy,
    so a caller that edits its frame never changes what others see.
    ``frame.attrs["name"]`` holds the table name; :func:`load_schema` its schema.
    """
    if not isinstance(name, str):
        raise TypeError(f"table name must be a string, got {type(name).__name__}")
    frame = _load_table_cached(name, str(data_dir()))
    copy = frame.copy()
    copy.attrs = dict(frame.attrs)
    return copy


@functools.cache
def _references_cached(directory: str) -> dict[str, dict[str, Any]]:
    path = Path(directory) / "references.json"
    if not path.is_file():
        raise DataError(f"{relative_path(path)}: references file missing")
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{relative_path(path)} line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(items, list):
        raise DataError(f"{relative_path(path)}: CSL-JSON is a list of items")
    out: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            raise DataError(f"{relative_path(path)}: item #{i + 1} has no 'id'")
        if item["id"] in out:
            raise DataError(f"{relative_path(path)}: duplicate reference id {item['id']!r}")
        out[item["id"]] = item
    return out


def references() -> dict[str, dict[str, Any]]:
    """Return the CSL-JSON references keyed by id."""
    return _references_cached(str(data_dir()))


@functools.cache
def _records_cached(name: str, directory: str) -> tuple[dict[str, Any], ...]:
    return tuple(_load_table_cached(name, directory).to_dict("records"))


def records(name: str) -> tuple[dict[str, Any], ...]:
    """Return table ``name``'s rows as dicts, in file order, read once per process.

    For code that scans rows many times; the dicts are shared, so copy one
    before changing it (:func:`load_table` gives a private DataFrame).
    """
    if not isinstance(name, str):
        raise TypeError(f"table name must be a string, got {type(name).__name__}")
    return _records_cached(name, str(data_dir()))


@functools.cache
def _rows_by_cached(name: str, column: str, directory: str) -> dict[Any, tuple[dict[str, Any], ...]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in _records_cached(name, directory):
        grouped.setdefault(row[column], []).append(row)
    return {value: tuple(rows) for value, rows in grouped.items()}


def rows_by(name: str, column: str) -> dict[Any, tuple[dict[str, Any], ...]]:
    """Return table ``name``'s rows as dicts grouped by the value of ``column``, in file order.

    Read once per process, like :func:`load_table`, for models that look rows up
    many times; the dicts are shared, so copy one before changing it.
    """
    frame = _load_table_cached(name, str(data_dir()))
    if column not in frame.columns:
        raise KeyError(f"table {name!r} has no column {column!r}; columns: {', '.join(frame.columns)}")
    return _rows_by_cached(name, column, str(data_dir()))


def one_row(name: str, where: Mapping[str, Any]) -> dict[str, Any]:
    """Return the one row of table ``name`` whose columns equal ``where``'s values, as a private dict.

    Raises
    ------
    DataError
        When no row or more than one row matches (naming the file and how many matched).
    KeyError
        When ``where`` names a column the table does not have.
    """
    columns = [c.name for c in load_schema(name).columns]
    for column in where:
        if column not in columns:
            raise KeyError(f"table {name!r} has no column {column!r}; columns: {', '.join(columns)}")
    hits = [row for row in records(name) if all(row[c] == v for c, v in where.items())]
    if len(hits) != 1:
        path = data_dir() / "tables" / f"{name}.csv"
        raise DataError(f"{relative_path(path)}: {len(hits)} rows match {dict(where)} (expected one)")
    return dict(hits[0])


def clear_cache() -> None:
    """Forget cached tables and references (after editing data files)."""
    _rows_by_cached.cache_clear()
    _records_cached.cache_clear()
    _load_table_cached.cache_clear()
    _references_cached.cache_clear()
    _read_schema_yaml.cache_clear()
