"""Accessibility in a real JupyterLab: axe-core on every lesson's outputs, and keyboard-only use.

The axe gate (:func:`test_lesson_outputs_pass_axe`) runs every notebook that
exists (new lessons included), then axe-core on the whole page. A serious or
critical violation on an element inside a lesson's output area
(``.jp-OutputArea-output``: whatever wrote the DOM there, the suite, ipywidgets,
plotly) fails, unless an entry of :data:`ALLOWED` matches it: each entry names
the rule, a CSS fragment of the element, the upstream bug it is waiting on (a
link) and why. JupyterLab's own interface is reported, never failed on. Every
run writes the counts per lesson to ``build/a11y/axe-<lesson>.json``.

``MISS_AXE_REPORT_ONLY=1`` reports without failing (to measure an old branch).
"""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import nbformat
import pytest

from tests.browser.lab import delete_sessions, open_and_run, watch_problems
from widgets.lessons.notebooks import find_notebooks

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "build" / "a11y"
FAILING = ("serious", "critical")

#: Known upstream bugs a violation inside the outputs may wait on. Each entry:
#: rule id, a fragment the element's CSS target contains, the upstream link, why.
ALLOWED: list[dict[str, str]] = []

# Runs axe on the page; each node is tagged with whether it lies inside a lesson's output area.
RUN_AXE = """
async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => {
      const sel = n.target[n.target.length - 1];
      let el = null;
      try { el = document.querySelector(Array.isArray(sel) ? sel[sel.length - 1] : sel); } catch (e) {}
      return {target: JSON.stringify(n.target), html: n.html.slice(0, 160), impact: n.impact || v.impact,
              output: !!(el && el.closest(".jp-OutputArea-output")), summary: n.failureSummary || ""};
    }),
  }));
}
"""


def _axe_source() -> str:
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


def _new_page(browser, lab, problems):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch_problems(page, lab, problems)
    return page


def _allowed(rule: str, target: str) -> bool:
    return any(a["rule"] == rule and a["target"] in target for a in ALLOWED)


def classify(violations: list[dict]) -> dict:
    """Split axe's violations into failures (outputs, serious or critical), other output findings and UI."""
    failures, minor, interface, allowed = [], [], [], []
    for v in violations:
        for node in v["nodes"]:
            row = {"rule": v["id"], "impact": node["impact"], "target": node["target"],
                   "html": node["html"], "help": v["help"], "url": v["helpUrl"]}
            if not node["output"]:
                interface.append(row)
            elif node["impact"] not in FAILING:
                minor.append(row)
            elif _allowed(v["id"], node["target"]):
                allowed.append(row)
            else:
                failures.append(row)
    return {"failures": failures, "minor": minor, "interface": interface, "allowed": allowed}


@pytest.mark.parametrize("notebook", find_notebooks(), ids=lambda p: p.stem)
def test_lesson_outputs_pass_axe(lab_server, browser, screenshots_dir, notebook):
    problems: list[str] = []
    page = _new_page(browser, lab_server, problems)
    try:
        open_and_run(page, lab_server, notebook.name)
        page.evaluate(_axe_source())
        found = classify(page.evaluate(RUN_AXE))
        REPORTS.mkdir(parents=True, exist_ok=True)
        counts = {k: len(v) for k, v in found.items()}
        (REPORTS / f"axe-{notebook.stem}.json").write_text(
            json.dumps({"lesson": notebook.stem, "counts": counts, **found}, indent=1), encoding="utf-8")
        print(f"AXE {notebook.stem}: {counts}")
        views = page.locator(".jp-OutputArea-output[data-lm-suppress-shortcuts]")
        if views.count():  # the lesson's first interactive view, as a student sees it
            views.first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / f"a11y-{notebook.stem}.png"), full_page=False)
        lines = [f"{notebook.stem}: {f['rule']} ({f['impact']}) on {f['target']}: {f['help']}"
                 f" [{f['html']}] see {f['url']}" for f in found["failures"]]
        if not os.environ.get("MISS_AXE_REPORT_ONLY"):
            assert lines == [], "\n".join(lines)
    finally:
        page.close()
        delete_sessions(lab_server)


# ----------------------------------------------------------------------------- keyboard only

KEYBOARD_NOTEBOOK = [
    ("markdown", "A view with one control of every kind, and the whole quiz of lesson 00."),
    ("code", "import ipywidgets as ipw\nfrom widgets.core.view import TopicView\n\n"
             "class Every(TopicView):\n"
             "    def __init__(self):\n"
             "        super().__init__()\n"
             "        self.slider = ipw.IntSlider(value=5, min=0, max=10, description='Depth')\n"
             "        self.menu = ipw.Dropdown(options=['one', 'two', 'three'], description='Menu')\n"
             "        self.radio = ipw.RadioButtons(options=['left', 'right', 'both'], description='Side')\n"
             "        self.box = ipw.Checkbox(value=False, description='Show nerves')\n"
             "        self.text = ipw.Text(description='Note')\n"
             "        self.number = ipw.BoundedFloatText(value=1, min=0, max=100,"
             " description='Millimetres')\n"
             "        self.button = ipw.Button(description='Count', tooltip='Count one more')\n"
             "        self.clicks = 0\n"
             "        self.out = ipw.HTML()\n"
             "        self.observe([self.slider, self.menu, self.radio, self.box, self.text, self.number],"
             " self._show)\n"
             "        self.on_click(self.button, self._count)\n"
             "        self._show()\n"
             "    def _count(self, _b):\n"
             "        self.clicks += 1\n"
             "        self._show()\n"
             "    def _show(self, change=None):\n"
             "        v = [self.slider.value, self.menu.value, self.radio.value, self.box.value,"
             " self.text.value, self.number.value, self.clicks]\n"
             "        self.out.value = '<p class=\"state\">' + '|'.join(map(str, v)) + '</p>'\n"
             "    def widget(self):\n"
             "        return ipw.VBox([self.slider, self.menu, self.radio, self.box, self.text,"
             " self.number, self.button, self.out, self.status])\n\n"
             "Every().widget()"),
    ("markdown", "The quiz."),
    ("code", "from widgets.quiz.view import lesson_quiz\n\nlesson_quiz('00-start-here', seed=0).widget()"),
    ("markdown", "The end."),
]


def _keyboard_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    for kind, text in KEYBOARD_NOTEBOOK:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown"
                        else nbformat.v4.new_code_cell(text))
    nbformat.write(nb, path)


ACTIVE_CELL = ("() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'))"
               ".findIndex(c => c.classList.contains('jp-mod-active'))")


def _state(page) -> list[str]:
    return page.locator("p.state").inner_text().split("|")


def _press(page, locator, key: str) -> None:
    """Press ``key`` on a focused control: the notebook's active cell stays, the focus stays in the output."""
    locator.focus()
    page.wait_for_timeout(100)
    cell = page.evaluate(ACTIVE_CELL)
    locator.press(key)
    page.wait_for_timeout(300)
    assert page.evaluate(ACTIVE_CELL) == cell, f"{key} left the control and moved the notebook's cell"
    assert locator.evaluate("e => !!(document.activeElement && document.activeElement.closest("
                            "'.jp-OutputArea-output'))"), f"{key} took the focus out of the output"


def _wait_state(page, index: int, value: str) -> None:
    page.wait_for_function(
        "([i, v]) => { const p = document.querySelector('p.state');"
        " return p && p.textContent.split('|')[i] === v; }", arg=[index, value], timeout=20000)


def test_every_control_and_a_whole_quiz_by_keyboard_alone(lab_server, browser, screenshots_dir):
    _keyboard_notebook(Path(lab_server["root"]) / "notebooks" / "keyboard-check.ipynb")
    problems: list[str] = []
    page = _new_page(browser, lab_server, problems)
    try:
        open_and_run(page, lab_server, "keyboard-check.ipynb")
        first = page.locator(".jp-OutputArea-output").filter(has=page.locator("p.state"))
        assert first.get_attribute("data-lm-suppress-shortcuts") is not None
        handle = first.locator(".noUi-handle").first
        handle.wait_for()
        page.wait_for_function("h => h.getAttribute('aria-label') === 'Depth'", arg=handle.element_handle(),
                               timeout=10000)
        for key, expected in (("ArrowRight", "6"), ("ArrowLeft", "5"), ("End", "10"), ("Home", "0")):
            _press(page, handle, key)
            _wait_state(page, 0, expected)
        menu = first.get_by_label("Menu")
        _press(page, menu, "ArrowDown")
        _wait_state(page, 1, "two")
        radio = first.get_by_role("radio", name="left")
        _press(page, radio, "ArrowDown")
        _wait_state(page, 2, "right")
        box = first.get_by_role("checkbox", name="Show nerves")
        _press(page, box, "Space")
        _wait_state(page, 3, "True")
        text = first.get_by_label("Note")
        text.focus()
        for key in ("a", "b", "Space", "c", "ArrowLeft", "Home", "End", "Enter"):
            _press(page, text, key)
        _wait_state(page, 4, "ab c")
        number = first.get_by_label("Millimetres")
        number.focus()
        page.keyboard.press("Control+A")
        for key in ("4", "2", "Enter"):
            _press(page, number, key)
        _wait_state(page, 5, "42.0")
        button = first.get_by_role("button", name="Count")
        _press(page, button, "Enter")
        _wait_state(page, 6, "1")
        _press(page, button, "Space")
        _wait_state(page, 6, "2")
        page.screenshot(path=str(screenshots_dir / "a11y-keyboard-controls.png"), full_page=False)

        quiz = page.locator(".jp-OutputArea-output").filter(has_text="Check your understanding")
        assert quiz.get_attribute("data-lm-suppress-shortcuts") is not None
        n = int(re.search(r"(\d+) questions", quiz.inner_text()).group(1))
        for k in range(1, n + 1):
            quiz.get_by_text(f"Question {k} of {n}").first.wait_for(timeout=20000)
            radios = quiz.get_by_role("radio")
            boxes = quiz.get_by_role("checkbox")
            numbers = quiz.locator(".widget-text input[type=number]")
            if radios.count():
                _press(page, radios.first, "ArrowDown")
            elif boxes.count():
                _press(page, boxes.first, "Space")
            elif numbers.count():
                numbers.first.focus()
                page.keyboard.press("Control+A")
                _press(page, numbers.first, "7")
            for select in quiz.locator(".widget-dropdown select").all()[1:]:  # [0] is the navigation
                _press(page, select, "ArrowDown")
            submit = quiz.get_by_role("button", name="Submit answer")
            _press(page, submit, "Enter")
            quiz.get_by_text("Source:").first.wait_for(timeout=20000)
            if k < n:
                _press(page, quiz.get_by_role("button", name="Next"), "Enter")
        page.wait_for_timeout(500)
        summary = quiz.inner_text()
        assert f"of {n}" in summary
        quiz.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "a11y-keyboard-quiz.png"), full_page=False)
        assert problems == [], problems
    except Exception:
        page.screenshot(path=str(screenshots_dir / "a11y-keyboard-failure.png"), full_page=False)
        raise
    finally:
        page.close()
        delete_sessions(lab_server)


# ----------------------------------------------------------------------------- offline handouts

@pytest.fixture(scope="session")
def handouts(tmp_path_factory):
    """A folder served on 127.0.0.1 only, where the handouts are written."""
    import functools
    import http.server
    import threading

    folder = tmp_path_factory.mktemp("handouts")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("notebook", find_notebooks(), ids=lambda p: p.stem)
def test_handout_shows_every_figure_and_widget_offline(browser, screenshots_dir, handouts, notebook):
    import subprocess
    import sys
    from urllib.parse import urlparse

    folder, base = handouts
    subprocess.run([sys.executable, "-m", "widgets.lessons", "html", notebook.stem, "--output", str(folder)],
                   check=True, cwd=ROOT, timeout=900, capture_output=True)
    text = (folder / f"{notebook.stem}.html").read_text(encoding="utf-8")
    assert "Interactive view: open the notebook" not in text  # every widget drawn from its state
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    blocked, problems = [], []

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(f"{base}/{notebook.stem}.html")
        n = page.locator(".miss-plot").count()
        page.wait_for_function("() => Array.from(document.querySelectorAll('.miss-plot'))"
                               ".every(d => d.querySelector('.main-svg'))", timeout=60000)
        if n:
            page.locator("figure.miss-handout-figure").first.scroll_into_view_if_needed()
        print(f"HANDOUT {notebook.stem}: {n} figures, {len(text) // 1024} KiB")
        page.screenshot(path=str(screenshots_dir / f"handout-{notebook.stem}.png"), full_page=False)
        assert blocked == [] and problems == [], (blocked, problems)
    finally:
        page.close()
