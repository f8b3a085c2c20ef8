"""The base of every topic view: guarded callbacks, the status line, batches of changes."""

from __future__ import annotations

import ipywidgets as ipw
import pytest

from widgets.core.view import TopicView


class _Pair(TopicView):
    """Two sliders, one callback that records what it saw (and fails on demand)."""

    def __init__(self):
        super().__init__()
        self.a = ipw.IntSlider(value=0, description="a")
        self.b = ipw.IntSlider(value=0, description="b")
        self.seen: list[tuple[int, int]] = []
        self.fail: str | None = None
        self._update = self.observe([self.a, self.b], self._update_unguarded)

    def _update_unguarded(self, change=None) -> None:
        if self.fail:
            raise ValueError(self.fail)
        self.seen.append((self.a.value, self.b.value))
        self.clear_status()


def test_an_error_is_shown_in_the_view_and_raised():
    view = _Pair()
    view.fail = "depth <0 & more"
    with pytest.raises(ValueError, match="depth <0"):
        view.a.value = 3
    assert view.status.value == '<p role="alert">Error: depth &lt;0 &amp; more</p>'
    view.fail = None
    view.b.value = 1
    assert view.status.value == ""
    assert view.seen == [(3, 1)]


def test_observe_wires_every_control_and_only_the_named_trait():
    view = _Pair()
    view.a.value = 1
    view.b.value = 2
    view.a.description = "renamed"  # not "value": no call
    assert view.seen == [(1, 0), (1, 2)]
    assert view.guard(view._update_unguarded) is view._update  # one guarded callable per handler
    view._update()  # the guarded handler can be called directly too
    assert view.seen[-1] == (1, 2)


def test_on_click_is_guarded():
    view = _Pair()
    button = ipw.Button(description="Go")
    view.on_click(button, lambda _b: view.show_status("pressed"))
    button.click()
    assert view.status.value == '<p role="alert">pressed</p>'

    def broken(_b):
        raise RuntimeError("no file")

    other = ipw.Button(description="Broken")
    handler = view.on_click(other, broken)
    other.click()  # the button's dispatcher reports the error itself; the view shows it
    assert view.status.value == '<p role="alert">Error: no file</p>'
    view.clear_status()
    with pytest.raises(RuntimeError, match="no file"):  # called directly, the error is re-raised
        handler(other)
    assert "Error: no file" in view.status.value


def test_a_batch_holds_the_callbacks_and_runs_each_once_at_the_end():
    view = _Pair()
    with view.batch():
        view.a.value, view.b.value = 5, 6
        view._update()  # a direct call inside the batch is held as well
        with view.batch():  # nested: only the outermost batch runs them
            view.a.value = 7
        assert view.seen == []
    assert view.seen == [(7, 6)]
    view.a.value = 8  # outside a batch: at once
    assert view.seen == [(7, 6), (8, 6)]


def test_a_batch_that_fails_runs_nothing_and_an_error_at_its_end_is_shown():
    view = _Pair()
    with pytest.raises(KeyError), view.batch():
        view.a.value = 1
        raise KeyError("bad preset")
    with view.batch():  # nothing left over from the failed batch
        pass
    assert view.seen == []
    view.b.value = 2
    assert view.seen == [(1, 2)]
    view.fail = "boom"
    with pytest.raises(ValueError, match="boom"), view.batch():
        view.a.value = 9
    assert "Error: boom" in view.status.value


# --------------------------------------------------------------------------- the topic views use it

TOPICS = ("anatomy", "access", "conditions", "techniques", "imaging", "evidence", "perioperative", "case")


def _view_classes():
    import importlib
    import inspect

    for topic in TOPICS:
        module = importlib.import_module(f"widgets.{topic}.view")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and callable(getattr(cls, "widget", None)):
                yield f"{topic}.{name}", cls


def test_every_interactive_topic_view_is_a_topic_view():
    classes = dict(_view_classes())
    assert len(classes) >= 18, sorted(classes)
    assert [name for name, cls in classes.items() if not issubclass(cls, TopicView)] == []


def _count_calls(obj, name: str) -> list:
    """Count the calls of one method of ``obj`` (wrapped on the instance)."""
    real = getattr(obj, name)
    calls = []
    setattr(obj, name, lambda *a, **k: calls.append(a) or real(*a, **k))
    return calls


def test_the_screw_planner_redraws_once_for_a_new_level():
    from widgets.imaging.screws import preset
    from widgets.imaging.view import ScrewPlanner

    planner = ScrewPlanner("L4", "left")
    calls = _count_calls(planner, "results")
    planner.vertebra.value = "L2"  # three sliders move to the level's published angles
    assert len(calls) == 1
    medial, sagittal, _, _ = preset("L2", "left")
    assert (planner.medial.value, planner.sagittal.value, planner.entry.value) == (medial, sagittal, 0)
    planner.medial.value = planner.medial.value + 5
    calls.clear()
    planner.preset_button.click()
    assert len(calls) == 1


def test_the_meta_explorer_pools_once_for_a_new_outcome():
    from widgets.evidence.view import MetaExplorer

    explorer = MetaExplorer()
    calls = _count_calls(explorer, "analysis")
    explorer.outcome.value = "operative_time"  # new measures and new study boxes, then one pool
    assert len(calls) == 1
    assert explorer.status.value == ""
