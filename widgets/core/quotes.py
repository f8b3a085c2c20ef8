"""The verbatim sentences of ``data/quotes.csv`` that state the numbers of the tables.

Each row pairs one number of a table (its table, source key and value) with the
sentence of the source, at most 40 words, that states it; :func:`load_quotes`
checks the file and :func:`quote_coverage` counts how many numbers have one.
"""

from __future__ import annotations

import csv
import math
import re

from widgets.core.data import (
    DataError,
    data_dir,
    load_schema,
    records,
    references,
    relative_path,
    table_names,
)

__all__ = [
    "QUOTE_COLUMNS",
    "QUOTE_MAX_WORDS",
    "load_quotes",
    "quote_contains_value",
    "quote_coverage",
]

QUOTE_COLUMNS = ("table", "source_key", "value", "quote")
QUOTE_MAX_WORDS = 40
_MINUS = "-\u2212\u2013\u2012\u2011"  # hyphen-minus, minus, en dash, figure dash, non-breaking hyphen
_QUOTE_NUMBER = re.compile(
    rf"(?<![\d.])([{_MINUS}])?\s?(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
)


def _decimal(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None


def _written(text: str) -> str:
    """Spell a printed number the way the pattern reads it: 5\u00b72 is 5.2, +/- 2.9 is \u00b1 2.9."""
    text = re.sub(r"(?<=\d)\u00b7(?=\d)", ".", text)          # the Lancet's decimal middle dot
    return re.sub(r"\+\s?/\s?[-\u2212]", "\u00b1", text)        # "+/-" is plus-or-minus, not a minus


def _numbers(text: str) -> list:
    out = []
    for m in _QUOTE_NUMBER.finditer(_written(text)):
        sign = "-" if m.group(1) else ""
        number = _decimal(sign + m.group(2).replace(",", ""))
        if number is not None:
            out.append(number)
    return out


def quote_contains_value(quote: str, value: str) -> bool:
    """Return True when ``value`` (one number, as stored in a table) is written in ``quote``.

    The usual written forms count as the same number: ``5.67`` in ``5.67%``,
    ``1234`` as ``1,234``, ``-0.35`` as ``\u22120.35`` (a typographic minus, an en dash or a
    non-breaking hyphen), ``5.2`` as ``5\u00b72`` (a decimal middle dot), ``2.9`` in
    ``+/- 2.9``, and each number of a list written without spaces (``2.07,6.12``).
    The sign must agree.
    """
    wanted = _numbers(str(value))
    if len(wanted) != 1:
        raise DataError(f"quote value {value!r} is not one number")
    return wanted[0] in _numbers(str(quote))


def load_quotes() -> list[dict[str, str]]:
    """Return ``data/quotes.csv``: the verbatim sentence of a source that states each number.

    Columns (exactly, in this order; see ``data/quotes.schema.yaml``): ``table`` (a table
    name), ``source_key`` (resolves in ``references.json``), ``value`` (one number, as stored in
    the table) and ``quote`` (at most 40 words, copied from the source). Raises
    :class:`DataError` naming the line when a row breaks these rules.
    """
    path = data_dir() / "quotes.csv"
    if not path.is_file():
        raise DataError(f"{relative_path(path)}: file missing")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or tuple(rows[0]) != QUOTE_COLUMNS:
        raise DataError(f"{relative_path(path)} line 1: header must be {','.join(QUOTE_COLUMNS)}")
    names, refs, out = set(table_names()), references(), []
    for line, cells in enumerate(rows[1:], start=2):
        where = f"{relative_path(path)} line {line}"
        if len(cells) != len(QUOTE_COLUMNS):
            raise DataError(f"{where}: {len(cells)} cells, expected {len(QUOTE_COLUMNS)}")
        row = dict(zip(QUOTE_COLUMNS, (c.strip() for c in cells), strict=True))
        if row["table"] not in names:
            raise DataError(f"{where}: column 'table' is {row['table']!r}, not a table name")
        if row["source_key"] not in refs:
            raise DataError(f"{where}: column 'source_key' is {row['source_key']!r},"
                            " which does not resolve in data/references.json")
        if len(_numbers(row["value"])) != 1:
            raise DataError(f"{where}: column 'value' is {row['value']!r}, not one number")
        words = len(row["quote"].split())
        if not 0 < words <= QUOTE_MAX_WORDS:
            raise DataError(f"{where}: column 'quote' has {words} words;"
                            f" allowed: 1 to {QUOTE_MAX_WORDS}")
        row["line"] = line
        out.append(row)
    return out


def quote_coverage(names) -> tuple[int, int]:
    """Return (numbers with a quote, numbers shown) over the number columns of tables ``names``.

    A number is one non-empty cell of a ``number`` or ``integer`` column (years excluded);
    it has a quote when ``data/quotes.csv`` holds a row with the same table, source key and
    value.
    """
    quoted = {(q["table"], q["source_key"], _numbers(q["value"])[0]) for q in load_quotes()}
    covered = shown = 0
    for name in names:
        schema = load_schema(name)
        cols = [c.name for c in schema.columns if c.type in ("number", "integer") and "year" not in c.name]
        for row in records(name):
            for col in cols:
                value = row[col]
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                shown += 1
                number = _decimal(repr(value) if isinstance(value, float) else str(value))
                covered += (name, row["source_key"], number) in quoted
    return covered, shown
