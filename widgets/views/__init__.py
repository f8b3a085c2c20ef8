"""Thin ipywidgets and plotly views over the models in :mod:`widgets`.

Shared conventions: the Okabe-Ito colour-blind-safe palette, a dash style as
well as a colour for every series, a described label on every control, and
callbacks that show their errors in the view and re-raise them.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable

__all__ = ["OKABE_ITO", "DASHES", "guarded", "table_html"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
DASHES = ("solid", "dash", "dot", "dashdot")


def guarded(status_setter: Callable[[str], None]):
    """Wrap a callback so an error is shown to the student and then re-raised."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                status_setter(f"Error: {exc}")
                raise

        return wrapper

    return decorate


def table_html(rows: list[dict[str, object]], caption: str) -> str:
    """Render rows as an accessible HTML table with a caption and header scopes."""
    if not rows:
        return f"<p>{html.escape(caption)}: no rows.</p>"
    cols = list(rows[0])
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return (
        f'<table class="miss-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _use_offline_renderer() -> None:
    """Render static plotly figures as JSON mime bundles (offline, stable for nbval).

    JupyterLab draws them with the plotly.js bundled in its extension: no CDN.
    The environment variable ``PLOTLY_RENDERER`` still wins when set.
    """
    import os

    import plotly.io as pio

    if not os.environ.get("PLOTLY_RENDERER"):
        pio.renderers.default = "plotly_mimetype"


_use_offline_renderer()
