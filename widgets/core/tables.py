"""How tables and numbers read for a student: every cell in full, left-aligned, numbers as people write them.

Every lesson shows its tables as pandas DataFrames, and pandas on its own cuts
text cells at 50 characters ("..."), hides rows past 60, right-aligns text and
prints floats with padding zeros or as ``-0.0``. This module is the one place
that decides how a table reads:

- numbers go through :mod:`widgets.core.numbers` (no ``-0.0``, no padding zeros;
  scores as "2 of 6", shares as "33%");
- :func:`frame_html` renders a DataFrame as a full, left-aligned HTML table
  (nothing cut, every row), and :func:`frame_text` as full plain text;
- :func:`table_html` renders rows as an accessible table with a caption, and
  :func:`captioned_table` shows a DataFrame that way (a lesson's
  ``show(frame, caption)``);
- :func:`install` registers both as the notebook's formatters for DataFrames,
  so every table a lesson returns is shown that way. ``widgets`` calls it on
  import, which every lesson does in its parameter-check cell; outside a
  notebook kernel it does nothing.
"""

from __future__ import annotations

import html
import sys
from typing import Any

from widgets.core.numbers import format_number, format_percent, format_score

__all__ = ["CELL_STYLE", "captioned_table", "format_number", "format_percent", "format_score", "frame_html",
           "frame_text", "install", "table_html"]

#: Inline, so that it survives the notebook's HTML sanitizer and overrides JupyterLab's right alignment.
CELL_STYLE = 'style="text-align:left;vertical-align:top"'


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return "-"
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return format_number(value)


def _header_rows(frame) -> list[list[str]]:
    cols = frame.columns
    if getattr(cols, "nlevels", 1) > 1:
        return [[str(c[level]) for c in cols] for level in range(cols.nlevels)]
    return [[str(c) for c in cols]]


def _th(text: str, scope: str) -> str:
    """Return a header cell; an empty one is a plain cell, since a header names something."""
    if not text.strip():
        return f"<td {CELL_STYLE}></td>"
    return f'<th scope="{scope}" {CELL_STYLE}>{html.escape(text)}</th>'


def frame_html(frame) -> str:
    """Render a DataFrame as a full HTML table: every row and cell, text left-aligned.

    The index is shown as row headers (one column per level, named when the
    index is named; a header cell with nothing to say is a plain cell, never an
    empty ``<th>``); nothing is truncated and numbers go through
    :func:`format_number`.
    """
    show_index = not _plain_range_index(frame.index)
    names = [n if n is not None else "" for n in frame.index.names] if show_index else []
    head = []
    for i, row in enumerate(_header_rows(frame)):
        lead = "".join(_th(str(n if i == 0 else ""), "col") for n in names)
        cols = "".join(_th(c, "col") for c in row)
        head.append(f"<tr>{lead}{cols}</tr>")
    body = []
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        keys = key if isinstance(key, tuple) else (key,)
        lead = "".join(_th(_cell(k), "row") for k in keys) if show_index else ""
        cells = "".join(f"<td {CELL_STYLE}>{html.escape(_cell(v))}</td>" for v in values)
        body.append(f"<tr>{lead}{cells}</tr>")
    return (f'<table class="miss-frame dataframe"><thead>{"".join(head)}</thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def frame_text(frame) -> str:
    """Render a DataFrame as plain text with every row and every cell in full, left-aligned."""
    import pandas as pd

    shown = frame.map(_cell) if hasattr(frame, "map") else frame.applymap(_cell)
    widths = [max([len(str(c)) for c in (col if isinstance(col, tuple) else (col,))]
                  + [len(v) for v in shown.iloc[:, i]], default=0)
              for i, col in enumerate(shown.columns)]
    formatters = [(lambda v, w=w: v.ljust(w)) for w in widths]
    with pd.option_context("display.max_colwidth", None, "display.max_rows", None,
                           "display.max_columns", None, "display.width", 10_000,
                           "display.colheader_justify", "left"):
        return shown.to_string(justify="left", formatters=formatters)


def _cell_text(value: object) -> str:
    """Write a cell as a person would: floats through :func:`widgets.core.numbers.format_number`."""
    if isinstance(value, float):
        return format_number(value, 3)
    return str(value)


def table_html(rows: list[dict[str, object]], caption: str) -> str:
    """Render rows as an accessible HTML table with a caption and header scopes."""
    if not rows:
        return f"<p>{html.escape(caption)}: no rows.</p>"
    cols = list(rows[0])
    head = "".join(f'<th scope="col" {CELL_STYLE}>{html.escape(str(c))}</th>' for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td {CELL_STYLE}>{html.escape(_cell_text(r[c]))}</td>" for c in cols) + "</tr>"
        for r in rows
    )
    return (
        f'<table class="miss-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def captioned_table(frame, *, caption: str):
    """Return ``frame`` as an accessible HTML table with a ``caption``, every cell in full.

    A named index becomes the first column; the table has a ``<caption>`` and
    header scopes (:func:`table_html`). Raises ``ValueError`` when ``caption``
    is not a non-empty string.
    """
    from IPython.display import HTML

    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("a table needs a caption (a non-empty string)")
    if frame.index.name is not None:
        frame = frame.reset_index()
    return HTML(table_html(frame.to_dict("records"), caption))


def _plain_range_index(index) -> bool:
    import pandas as pd

    return (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            and index.name is None)


def install(shell: Any = None) -> bool:
    """Make :func:`frame_html` and :func:`frame_text` the formatters for DataFrames in a notebook.

    ``shell`` defaults to the running IPython shell; when there is none (plain
    Python, tests), nothing happens and ``False`` is returned. Registering by
    type name means pandas is not imported here.
    """
    if shell is None:
        if "IPython" not in sys.modules:
            return False
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return False
    formatters = shell.display_formatter.formatters
    for module in _DATAFRAME_MODULES:  # pandas 3 names the class's module "pandas"
        formatters["text/html"].for_type_by_name(module, "DataFrame", frame_html)
        formatters["text/plain"].for_type_by_name(module, "DataFrame", _pretty_text)
    return True


#: Modules under which pandas versions name the DataFrame class.
_DATAFRAME_MODULES = ("pandas.core.frame", "pandas")


def _pretty_text(frame, printer, cycle) -> None:
    printer.text(frame_text(frame))
