"""Keyboard and screen-reader support shared by every view: one small front-end piece, labels that fit.

:class:`KeyGuard` is an anywidget (on the suite's front-end module,
``figure_widget.js``, like :class:`widgets.core.figures.FigureView`) that draws
nothing. Rendered inside a view, it marks the view's output area with
``data-lm-suppress-shortcuts``, so JupyterLab leaves the keys of a focused
control to it (arrow keys, Home/End, Space and Enter in radio buttons, menus
and slider handles), and it gives every slider handle in the notebook the
slider's description as its accessible name, and every button of plotly's mode
bar its title. Core ipywidgets cannot set DOM attributes from Python, hence the
front-end piece.

:func:`accessible` adds one guard to a view's assembled widget and sizes its
labels and buttons to their text (:func:`fit_labels`).
:class:`widgets.core.view.TopicView` applies it to the widget every view's
``widget()`` returns, so views need do nothing themselves.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from importlib import resources

import anywidget
import ipywidgets as ipw
import traitlets

__all__ = ["KeyGuard", "accessible", "describe_image", "fit_labels", "label_width", "walk"]

#: ipywidgets' default width of a description label (``--jp-widgets-inline-label-width``).
DEFAULT_LABEL_PX = 80
#: A generous width per character of the 13 px interface font, so that no label is cut.
CHAR_PX = 8


class KeyGuard(anywidget.AnyWidget):
    """Keeps a focused control's keys in its view's output area and names slider handles (draws nothing)."""

    _esm = resources.files("widgets.core").joinpath("figure_widget.js").read_text("utf-8")
    guard = traitlets.Bool(True).tag(sync=True)

    def __init__(self, **kwargs):
        kwargs.setdefault("layout", ipw.Layout(width="0px", height="0px", margin="0px"))
        super().__init__(**kwargs)


def walk(widget: ipw.Widget) -> Iterator[ipw.Widget]:
    """Yield ``widget`` and every widget inside it (children of boxes, depth first)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def label_width(text: str) -> int:
    """Return a label width in pixels that shows ``text`` in full (at least ipywidgets' default)."""
    return max(DEFAULT_LABEL_PX, math.ceil(CHAR_PX * len(text)) + 4)


def _px(value) -> int | None:
    if isinstance(value, str) and value.endswith("px"):
        try:
            return int(float(value[:-2]))
        except ValueError:
            return None
    return None


def _has_left_label(w: ipw.Widget) -> bool:
    if isinstance(w, ipw.Button | ipw.Checkbox | ipw.ToggleButton | ipw.Valid):
        return False
    return bool(getattr(w, "description", "")) and hasattr(getattr(w, "style", None), "description_width")


def fit_labels(root: ipw.Widget) -> ipw.Widget:
    """Size labels, buttons and menus under ``root`` to their text, so that none is cut; return ``root``.

    * A description label whose width is ipywidgets' default (80 px) or a
      width in pixels too small for its text gets a width that holds it; the
      labelled controls of one box share the widest such width, so they stay
      aligned. ``"initial"`` and other widths are left alone.
    * A button grows to its text (``min_width: max-content``) and keeps any width set.
    * A drop-down menu of the default width grows to its longest option.
    """
    for box in walk(root):
        labelled = [w for w in getattr(box, "children", ()) or () if _has_left_label(w)]
        boxes = [(w, w.style.description_width) for w in labelled]
        short = [(w, width) for w, width in boxes
                 if (_px(width) if width else DEFAULT_LABEL_PX) is not None
                 and (_px(width) if width else DEFAULT_LABEL_PX) < label_width(w.description)]
        if short:
            wanted = max(label_width(w.description) for w, _ in short)
            for w, width in boxes:
                if not width or (_px(width) is not None and _px(width) < wanted):
                    w.style.description_width = f"{wanted}px"
    for w in walk(root):
        if isinstance(w, ipw.Button) and not w.layout.min_width:
            w.layout.min_width = "max-content"
        elif isinstance(w, ipw.Dropdown) and not w.layout.width:
            w.layout.width = "max-content"
            if not w.layout.min_width:
                w.layout.min_width = "300px"  # ipywidgets' default width: short menus look as before
    return root


def accessible(root: ipw.Widget) -> ipw.Widget:
    """Add a :class:`KeyGuard` to the box ``root`` (once) and fit its labels; return ``root``.

    A widget that is not a box (a lone HTML text, say) holds no control and is
    returned unchanged.
    """
    if not isinstance(root, ipw.Box):
        return root
    fit_labels(root)
    if not any(isinstance(c, KeyGuard) for c in root.children):
        root.children = (*root.children, KeyGuard())
    return root


def describe_image(image: ipw.Image, text: str) -> None:
    """Give an image widget its text alternative (its tooltip, which the key guard copies to ``alt``).

    ``text`` may hold HTML (the views' "what the image shows" paragraphs): the tags are dropped.
    """
    import html
    import re

    image.tooltip = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
