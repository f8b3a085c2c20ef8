"""Offline HTML handouts that show every figure and the widgets as they were left.

A handout is read without a kernel, often offline. The HTML widget manager
cannot draw the suite's figure widget from a saved notebook and would fetch
widget code from the network, so a handout draws the widgets itself, from the
widget state saved at execution (``store_widget_state``):

* a figure widget (:class:`widgets.core.figures.FigureView`) and every plotly
  output become a plotly chart, drawn by the plotly.js of the installed plotly
  package, written beside the page as ``plotly.min.js`` (nothing from a CDN);
  its text alternative is its label and a caption;
* an HTML widget is its HTML; a slider, menu, check box or text box is its label
  and its last value, written out; a box is its children in order; an Output
  widget is its outputs; buttons, which do nothing on paper, are left out.

``python -m widgets.lessons html LESSON`` executes a lesson and writes its
handout; the class build writes one per variant when its config says ``html: true``.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

__all__ = ["PLOTLY_ASSET", "handout_page", "render_widget", "static_outputs", "write_handout"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLY_ASSET = "plotly.min.js"
_PREFIX = "IPY_MODEL_"
_CONTROLS = {"IntSlider", "FloatSlider", "FloatLogSlider", "IntRangeSlider", "FloatRangeSlider",
             "IntText", "FloatText", "BoundedIntText", "BoundedFloatText", "Text", "Textarea",
             "Dropdown", "RadioButtons", "Select", "SelectMultiple", "ToggleButtons",
             "SelectionSlider", "Checkbox", "ToggleButton", "Combobox", "ColorPicker", "DatePicker"}
_SKIP = {"Button", "Play"}
_NOTE = "<p><em>Interactive view: open the notebook in JupyterLab to use it.</em></p>"


def _e(text: Any) -> str:
    return html.escape(str(text))


def _figure_html(spec: dict, alt: str) -> str:
    """Return a chart for the handout: its JSON in a data attribute, drawn by the page's script."""
    alt = alt or "A figure."
    data = html.escape(json.dumps(spec, separators=(",", ":")), quote=True)
    return (f'<figure class="miss-handout-figure"><div class="miss-plot" aria-hidden="true"'
            f' data-plotly="{data}"></div><figcaption>{_e(alt)}</figcaption></figure>')


def _value_text(name: str, state: dict) -> str:
    if name in {"Dropdown", "RadioButtons", "Select", "ToggleButtons", "SelectionSlider", "SelectMultiple"}:
        labels = state.get("_options_labels", [])
        index = state.get("index")
        indices = index if isinstance(index, list) else [index]
        chosen = [labels[i] for i in indices if isinstance(i, int) and 0 <= i < len(labels)]
        return ", ".join(chosen) if chosen else "(none chosen)"
    if name in {"Checkbox", "ToggleButton"}:
        return "yes" if state.get("value") else "no"
    value = state.get("value")
    if isinstance(value, list):
        return " to ".join(str(v) for v in value)
    if value in (None, ""):
        return "(empty)"
    return str(value)


def render_widget(model_id: str, models: dict[str, dict], _seen: frozenset = frozenset()) -> str:
    """Return static HTML for the widget ``model_id`` as its saved state left it.

    ``models`` is the notebook's saved widget state (``{id: {"model_name":
    ..., "state": {...}}}``). A widget that is not in it is a short note.
    """
    model = models.get(model_id)
    if model is None or model_id in _seen:
        return _NOTE
    seen = _seen | {model_id}
    name = str(model.get("model_name", "")).removesuffix("Model")
    state = model.get("state", {})
    if (state.get("layout") or "").startswith(_PREFIX):
        layout = models.get(state["layout"][len(_PREFIX):], {}).get("state", {})
        if layout.get("display") == "none" or layout.get("visibility") == "hidden":
            return ""
    if "plot_layout" in state and "alt" in state:  # the suite's figure widget: its traces are models
        traces = [models.get(str(ref)[len(_PREFIX):], {}).get("state", {}).get("spec") or "{}"
                  for ref in state.get("traces") or []]
        spec = {"data": [json.loads(t) for t in traces], "layout": json.loads(state["plot_layout"] or "{}")}
        return _figure_html(spec, state.get("alt", ""))
    if "guard" in state or "source" in state or "digest" in state:
        return ""  # the key guard, plotly.js's loader, a figure's trace: nothing to show of their own
        return ""
    if name in {"HTML", "HTMLMath"}:
        return f'<div class="miss-handout-html">{state.get("value", "")}</div>'
    if name == "Label":
        return f"<p>{_e(state.get('value', ''))}</p>"
    if name in _SKIP:
        return ""
    if name == "Image":  # a view's rendering: its saved bytes, with its text alternative
        data = next((b.get("data") for b in model.get("buffers", [])
                     if b.get("path") == ["value"] and b.get("encoding") == "base64"), None)
        alt = _paired_text(state, models) or "Model rendering"
        if not data:
            return f"<p><em>{_e(alt)}</em></p>"
        fmt = _e(str(state.get("format") or "png"))
        return (f'<figure class="miss-handout-image"><img src="data:image/{fmt};base64,{data}"'
                f' alt="{_e(alt)}" style="max-width:100%"><figcaption>{_e(alt)}</figcaption></figure>')
    if name in _CONTROLS:
        label = state.get("description") or "Value"
        return (f'<p class="miss-handout-control"><strong>{_e(label)}:</strong>'
                f" {_e(_value_text(name, state))}</p>")
    if name == "Output":
        return "".join(_output_html(o, models, seen) for o in state.get("outputs", []))
    children = state.get("children")
    if isinstance(children, list):
        inner = "".join(render_widget(str(c)[len(_PREFIX):], models, seen) for c in children)
        kind = "row" if name == "HBox" else "column"
        return f'<div class="miss-handout-{kind}">{inner}</div>'
    return _NOTE


def _paired_text(state: dict, models: dict) -> str:
    """Return the text of the HTML widget tied to an image (widgets.core.a11y.describe_image)."""
    import re

    token = next((c for c in state.get("_dom_classes", []) if str(c).startswith("miss-pair-")), None)
    if token is None:
        return ""
    for other in models.values():
        st = other.get("state", {})
        if token in st.get("_dom_classes", []) and "miss-alt" in st.get("_dom_classes", []):
            return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(st.get("value", "")))).split())
    return ""


def _output_html(output: dict, models: dict, seen: frozenset) -> str:
    data = output.get("data", {})
    if WIDGET_MIME in data:
        return render_widget(data[WIDGET_MIME]["model_id"], models, seen)
    if PLOTLY_MIME in data:
        spec = data[PLOTLY_MIME]
        meta = (spec.get("layout") or {}).get("meta") or {}
        return _figure_html(spec, meta.get("alt", "") if isinstance(meta, dict) else "")
    if "text/html" in data:
        text = data["text/html"]
        return "".join(text) if isinstance(text, list) else text
    if "image/png" in data:
        return f'<img alt="" src="data:image/png;base64,{data["image/png"]}">'
    text = data.get("text/plain") or output.get("text") or ""
    text = "".join(text) if isinstance(text, list) else text
    return f"<pre>{_e(text)}</pre>" if text else ""


def static_outputs(nb) -> tuple[Any, bool]:
    """Return a copy of the executed ``nb`` with widget and plotly outputs drawn as static HTML.

    The second value says whether the page needs plotly.js.
    """
    import copy

    nb = copy.deepcopy(nb)
    models = nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    figures = False
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data or PLOTLY_MIME in data:
                rendered = _output_html(output, models, frozenset())
                figures = figures or "miss-handout-figure" in rendered
                output["data"] = {"text/html": rendered}
    nb.metadata.pop("widgets", None)
    return nb, figures


_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
          "line-height:1.5;color:#222}table{border-collapse:collapse;margin:1em 0}"
          "td,th{border:1px solid #999;"
          "padding:.2em .5em;vertical-align:top}pre{background:#f4f4f4;padding:.5em;overflow-x:auto}"
          ".miss-handout-row{display:flex;flex-wrap:wrap;gap:1em;align-items:baseline}"
          ".miss-handout-column>*{margin:.25em 0}.miss-handout-control{margin:.2em 0}"
          "figure.miss-handout-figure{margin:1em 0}figcaption{font-size:.9em;color:#444}"
          ".miss-plot{max-width:100%;overflow-x:auto}")

# Draws every chart of the page with the plotly.js written beside it: hover, zoom and turning a
# 3-D view work offline (a static plot of a 3-D scene stays blank in some browsers).
_DRAW = ("<script>document.querySelectorAll('.miss-plot').forEach(function(d){"
         "var s=JSON.parse(d.getAttribute('data-plotly'));"
         "Plotly.newPlot(d,s.data||[],s.layout||{},{displaylogo:false,displayModeBar:false,responsive:true});"
         "});</script>")


def handout_page(nb, title: str) -> tuple[str, bool]:
    """Return the handout page of an executed notebook and whether it needs ``plotly.min.js`` beside it."""
    from nbconvert import HTMLExporter

    static, figures = static_outputs(nb)
    body, _ = HTMLExporter(template_name="basic", exclude_input_prompt=True,
                           exclude_output_prompt=True).from_notebook_node(static)
    scripts = f'<script src="{PLOTLY_ASSET}"></script>{_DRAW}' if figures else ""
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}'
            f"</title><style>{_STYLE}</style></head><body>\n<main>{body}</main>\n{scripts}</body></html>\n")
    return page, figures


def write_handout(nb, path: Path, title: str) -> Path:
    """Write the handout of ``nb`` to ``path`` (and ``plotly.min.js`` beside it when needed); return it."""
    from importlib import resources

    page, figures = handout_page(nb, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    if figures:
        source = resources.files("plotly").joinpath("package_data", "plotly.min.js")
        with resources.as_file(source) as js:
            shutil.copyfile(js, path.parent / PLOTLY_ASSET)
    return path


def execute_lesson(name: str, timeout: int = 600):
    """Execute lesson ``name`` (e.g. ``05-evidence``) in a fresh kernel with an empty learner store.

    Return the executed notebook with its widget state; the lesson file is not changed.
    """
    import os
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    from widgets.core.catalog import notebooks_dir

    path = notebooks_dir() / f"{name.removesuffix('.ipynb')}.ipynb"
    if not path.is_file():
        from widgets.lessons.notebooks import find_notebooks

        known = ", ".join(p.stem for p in find_notebooks())
        raise FileNotFoundError(f"no lesson {name!r}; the lessons are: {known}")
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="miss-handout-") as store:
        saved = os.environ.get("MISS_PROGRESS_DIR")
        os.environ["MISS_PROGRESS_DIR"] = store
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}},
                           store_widget_state=True, record_timing=False).execute()
        finally:
            if saved is None:
                os.environ.pop("MISS_PROGRESS_DIR", None)
            else:
                os.environ["MISS_PROGRESS_DIR"] = saved
    return nb


def main_html(lesson: str, output: str | None = None) -> int:
    """``python -m widgets.lessons html LESSON``: execute the lesson and write its offline handout."""
    name = Path(lesson).stem
    try:
        nb = execute_lesson(name)
    except FileNotFoundError as exc:
        print(f"error: {exc}")
        return 2
    out = Path(output) if output else Path("build") / "handouts"
    path = write_handout(nb, out / f"{name}.html", name)
    print(f"wrote {path}")
    return 0
