"""In-browser latency of the key controls: JupyterLab in headless Chromium, driven from the keyboard.

A JupyterLab server is started on 127.0.0.1 with a token and temporary state
(settings, workspaces, runtime and the learner's progress store all in a
temporary folder; every cell rendered, no virtual scrolling), and Debian's
Chromium is driven by Playwright with software WebGL, as the browser tests do.
Each lesson is opened and run in full (by ``tests/browser/lab.py``, which the
browser tests use too); then, for each key control, a key is
pressed on the focused control (ArrowRight and ArrowLeft in turn on a slider
handle, another option chosen in a dropdown, Enter on a button) a bounded
number of times, one press at a time, and two times are measured in the page
from the browser event (``Event.timeStamp``, the keydown or the dropdown's
input event):

- ``to_figure``: until the last figure of the control's output was redrawn
  (``plotly_afterplot`` on the suite's figure widget, a ``miss-figure`` div that
  ``Plotly.react`` redraws in place) or, for the C-arm shot (``to_image``),
  until the new PNG of the ``ipywidgets.Image`` was loaded (the C-arm is moved
  one degree, untimed, before each shot so that every shot is a new image);
- ``to_settled``: until the frame after the last change of the notebook's DOM
  or figure (two ``requestAnimationFrame`` after the change), once nothing has
  changed for 300 ms since (the quiet window itself is not counted). A frame
  of a 3-D view drawn in software WebGL can take a few hundred ms, so the
  frame is waited for, not only the quiet window.

The kernel runs the callbacks on the same machine as the browser, so the
figures include the kernel's work, the comm round trip and plotly.js drawing.
A control missing from a lesson is reported as skipped, not as a failure.

The earlier figure layer (plotly JSON bundles redrawn as a new div on every
change, :mod:`benchmarks.old_figure_layer`) is rebuilt for this benchmark only
and measured in the same run, right after lesson 01: a notebook written into the
temporary lab shows lesson 01's ``AnatomyExplorer`` level dropdown and its two
3-D figures redrawn as bundles into Outputs, drawn by JupyterLab's plotly
renderer. Its level dropdown is pressed as lesson 01's is; there ``to_figure``
ends when the last new plotly div has appeared or drawn (``plotly_afterplot``).
For every control the page's console errors, its "Too many active WebGL
contexts" (or context lost) messages, the WebGL contexts created during the
presses and the WebGL canvases left in the page are counted, and the two layers
are set side by side under "figure layer comparison".

Budgets (issues 15 and 16): 2-D controls p50 <= 150 ms; the 3-D level change
settled p50 <= 500 ms; a C-arm shot from keypress to image p50 <= 400 ms.

``MISS_BENCH_LESSONS`` (comma-separated lesson stems, ``old-figure-layer`` for
the old layer) limits the run to those pages while developing;
``MISS_BENCH_SCREENSHOTS=1`` saves each page after its presses to
``build/screenshots/bench-<notebook>.png``.
"""

from __future__ import annotations

import os
import re
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import old_figure_layer
from tests.browser.lab import (
    BENIGN,
    CHROMIUM_ARGS,
    COUNT_WEBGL,
    ROOT,
    chromium,
    delete_sessions,
    open_and_run,
    start_lab,
    stop_lab,
)

PRESSES = 15  # presses per control (bounded, so the run stays within a few minutes)
QUIET_MS = 300  # no DOM change for this long: the page has settled
PRESS_TIMEOUT_MS = 30000
OLD_LAYER = "old-figure-layer"  # its name in MISS_BENCH_LESSONS
WEBGL_TROUBLE = re.compile(r"Too many active WebGL contexts|CONTEXT_LOST")
LIVE_CANVASES = "() => document.querySelectorAll('.js-plotly-plot .gl-container canvas').length"

# Installed before each press: the event time, figure redraws and DOM changes after it.
ARM = """
() => {
  const target = document.querySelector('[data-bench-target]');
  const notebook = target.closest('.jp-Notebook') || document.body;
  const b = window.__bench = {t0: null, fig: null, last: null, paint: null, figs: 0, what: null, off: []};
  const now = () => performance.now();
  const onEvent = e => { if (b.t0 === null) b.t0 = e.timeStamp || now(); };
  for (const kind of ['keydown', 'input']) {
    document.addEventListener(kind, onEvent, true);
    b.off.push(() => document.removeEventListener(kind, onEvent, true));
  }
  const frame = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    const t = now(); if (b.paint === null || t > b.paint) b.paint = t; }));
  const name = n => !n ? '?' : n.nodeType !== 1 ? name(n.parentNode)  // an element: tag.first-class
    : `${n.tagName.toLowerCase()}.${String(n.className.baseVal ?? n.className).trim().split(' ')[0]}`;
  const changed = records => {
    if (b.t0 !== null) { b.last = now(); b.what = name(records[records.length - 1].target); frame(); }
  };
  const dom = new MutationObserver(changed);
  dom.observe(notebook, {subtree: true, childList: true, attributes: true, characterData: true});
  b.off.push(() => dom.disconnect());
  const drawn = () => { if (b.t0 !== null) { b.fig = now(); b.figs += 1; frame(); } };
  for (const div of target.querySelectorAll('.miss-figure')) {
    if (typeof div.on === 'function') {
      div.on('plotly_afterplot', drawn);
      b.off.push(() => div.removeListener('plotly_afterplot', drawn));
    }
  }
  for (const img of target.querySelectorAll('img')) {
    img.addEventListener('load', drawn);
    b.off.push(() => img.removeEventListener('load', drawn));
  }
  // the old figure layer: each change draws new plotly divs; one appearing, or drawing, is a redraw
  for (const div of target.querySelectorAll('.js-plotly-plot')) div.__benchSeen = true;
  const fresh = new MutationObserver(() => {
    for (const div of target.querySelectorAll('.js-plotly-plot')) {
      if (div.__benchSeen) continue;
      div.__benchSeen = true;
      drawn();
      if (typeof div.on === 'function') div.on('plotly_afterplot', drawn);
    }
  });
  fresh.observe(target, {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
  b.off.push(() => fresh.disconnect());
}
"""

# Waits until the figure was redrawn and the notebook has been quiet for QUIET_MS (or a timeout).
COLLECT = """
async ([quiet, timeout]) => {
  const b = window.__bench;
  const start = performance.now();
  for (;;) {
    await new Promise(r => setTimeout(r, 25));
    const t = performance.now();
    const changed = Math.max(b.last || 0, b.fig || 0);
    // settled: the figure was redrawn, a frame has run after the last change (a 3-D frame in
    // software WebGL can take longer than the quiet window), and nothing changed since
    const painted = b.paint !== null && b.paint >= changed;
    if (b.t0 !== null && b.fig !== null && painted && t - Math.max(changed, b.paint) >= quiet) break;
    if (t - start > timeout) break;
  }
  b.off.forEach(f => f());
  const rel = x => (x === null || b.t0 === null) ? null : x - b.t0;
  return {figure: rel(b.fig), settled: rel(Math.max(b.paint || 0, b.last || 0, b.fig || 0) || null),
          figs: b.figs, what: b.what, event: b.t0 !== null};
}
"""


@dataclass
class Control:
    """One key control of a lesson and how to press it."""

    label: str
    kind: str  # "slider", "select" or "button"
    find: str  # text of the widget (slider, button) or label (dropdown)
    budget: str
    prepare: str | None = None  # a slider's text nudged (untimed) before each press, so each shot differs
    notes: list[str] = field(default_factory=list)


LESSONS: list[tuple[str, list[Control]]] = [
    ("00-start-here", [
        Control("depth slider (2-D corridor figure)", "slider", "Skin-to-lamina depth",
                "2-D: p50 <= 150 ms"),
    ]),
    ("01-spinal-anatomy", [
        Control("level dropdown (3-D vertebra)", "select", "Level",
                "3-D level change: settled p50 <= 500 ms"),
    ]),
    (OLD_LAYER, [  # lesson 01's level change again, drawn by the earlier figure layer
        Control("level dropdown (3-D vertebra)", "select", "Level",
                "for comparison with lesson 01 (no budget)"),
    ]),
    ("03-techniques", [
        Control("tube view, wand slider (2-D image)", "slider", "Wand the tube", "2-D: p50 <= 150 ms"),
        Control("endoscope, lens rotation slider (2-D image)", "slider", "Turn the lens",
                "2-D: p50 <= 150 ms"),
    ]),
    ("04-imaging-navigation-radiation", [
        Control("screw planner, medial-angle slider", "slider", "Medial angle", "2-D: p50 <= 150 ms"),
        Control("C-arm, Take a shot button (image)", "button", "Take a shot",
                "C-arm shot, keypress to image: p50 <= 400 ms", prepare="Orbital"),
    ]),
]


def _stats(samples: list[float]) -> dict:
    s = sorted(samples)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return {"p50_ms": round(statistics.median(s), 1), "p95_ms": round(p95, 1),
            "max_ms": round(s[-1], 1), "n": len(s)}


def _locate(page, control: Control):
    """The element to press, or None when the lesson has no such control."""
    if control.kind == "slider":
        loc = page.locator(".widget-slider", has_text=control.find).locator(".noUi-handle")
    elif control.kind == "select":
        loc = page.get_by_label(control.find, exact=True)
    else:
        loc = page.get_by_role("button", name=control.find, exact=True)
    try:  # widget views may still be rendering after the kernel went idle
        loc.first.wait_for(state="attached", timeout=45000)
    except Exception:  # noqa: BLE001 - the lesson has no such control
        return None
    return loc.first


def _slider_step(page, text: str, key: str) -> None:
    handle = page.locator(".widget-slider", has_text=text).locator(".noUi-handle").first
    handle.focus()
    handle.press(key)


def _measure(page, control: Control, element) -> dict:
    element.scroll_into_view_if_needed()
    element.evaluate("el => { document.querySelectorAll('[data-bench-target]')"
                     ".forEach(e => e.removeAttribute('data-bench-target'));"
                     " el.closest('.jp-OutputArea-output').setAttribute('data-bench-target', '1'); }")
    options = element.locator("option").all_inner_texts() if control.kind == "select" else []
    current = element.evaluate("el => el.selectedOptions ? el.selectedOptions[0].textContent : null")
    visited = {current}
    figure: dict[str, list[float]] = {"all": [], "cold": [], "warm": []}
    settled: dict[str, list[float]] = {"all": [], "cold": [], "warm": []}
    misses, events, last = 0, [], []
    for i in range(PRESSES):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        if control.prepare:  # move the C-arm one degree (untimed), so the next shot is a new image
            _slider_step(page, control.prepare, key)
            page.wait_for_timeout(QUIET_MS + 200)
            element.scroll_into_view_if_needed()
        if control.kind != "select":
            element.focus()
        page.wait_for_timeout(150)
        page.evaluate(ARM)
        group = "warm"
        if control.kind == "slider":
            element.press(key)
        elif control.kind == "select":
            choice = options[(options.index(current) + 1) % len(options)]
            group = "warm" if choice in visited else "cold"
            visited.add(choice)
            element.select_option(label=choice)
            current = choice
        else:
            element.press("Enter")
        got = page.evaluate(COLLECT, [QUIET_MS, PRESS_TIMEOUT_MS])
        if not got["event"] or got["figure"] is None:
            misses += 1
            continue
        events.append(got["figs"])
        last.append(got["what"])
        for grp in ("all", group):
            figure[grp].append(got["figure"])
            settled[grp].append(got["settled"])
    out: dict = {"budget": control.budget}
    if figure["all"]:
        out["to_image" if control.kind == "button" else "to_figure"] = _stats(figure["all"])
        out["to_settled"] = _stats(settled["all"])
    if control.kind == "select" and figure["cold"]:
        out["first visit of a level: to_figure"] = _stats(figure["cold"])
        out["first visit of a level: to_settled"] = _stats(settled["cold"])
        if figure["warm"]:
            out["level seen before: to_figure"] = _stats(figure["warm"])
            out["level seen before: to_settled"] = _stats(settled["warm"])
    if control.kind == "select":  # one value per press, in order: a layer that slows down shows it
        out["to_settled_per_press_ms"] = [round(t) for t in settled["all"]]
        out["figure_events_per_press"] = events  # redraws (and, old layer, new plotly divs) seen
        out["last_change_before_settled"] = dict(Counter(last).most_common(3))  # the element
    if misses:
        out["presses_without_redraw"] = misses
    return out


def _pages() -> list[tuple[str, str, list[Control]]]:
    """(name in the results, notebook file, controls) of each page, as MISS_BENCH_LESSONS allows."""
    wanted = {w.strip() for w in os.environ.get("MISS_BENCH_LESSONS", "").split(",") if w.strip()}
    pages = []
    for stem, controls in LESSONS:
        if wanted and stem not in wanted:
            continue
        if stem == OLD_LAYER:
            pages.append((old_figure_layer.NAME, old_figure_layer.NOTEBOOK, controls))
        else:
            pages.append((stem, f"{stem}.ipynb", controls))
    return pages


class _Watch:
    """What a page reports while it is measured: errors, WebGL trouble, WebGL contexts and canvases."""

    def __init__(self, page):
        self.page, self.errors, self.trouble = page, [], 0
        page.add_init_script(COUNT_WEBGL)

        def console(m):
            if m.type == "error" and not BENIGN.search(m.text):
                self.errors.append(f"console.error: {m.text}")
            if WEBGL_TROUBLE.search(m.text):  # a warning in Chromium, not an error
                self.trouble += 1

        page.on("console", console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def snapshot(self) -> dict:
        got = self.page.evaluate(f"() => [window.__webglContexts || 0, ({LIVE_CANVASES})()]")
        return {"errors": len(self.errors), "trouble": self.trouble, "contexts": got[0], "canvases": got[1]}

    def since(self, before: dict) -> dict:
        """The counts of the page since ``before`` (a :meth:`snapshot`), and its canvases now."""
        now = self.snapshot()
        out = {"console_and_page_errors": now["errors"] - before["errors"],
               "too_many_webgl_contexts_or_lost_messages": now["trouble"] - before["trouble"],
               "webgl_contexts_created": now["contexts"] - before["contexts"],
               "webgl_canvases_in_page_before_after": f"{before['canvases']} / {now['canvases']}"}
        if out["console_and_page_errors"]:
            out["first_errors"] = [e[:160] for e in self.errors[before["errors"]:][:3]]
        return out


def _compare(results: dict) -> None:
    """Set lesson 01's level change beside the old figure layer's, when both were measured."""
    label = "level dropdown (3-D vertebra)"
    new = results.get(f"01-spinal-anatomy: {label}", {})
    old = results.get(f"{old_figure_layer.NAME}: {label}", {})
    if "to_settled" not in new or "to_settled" not in old:
        return
    head = "figure layer comparison, lesson 01 level change, new / old"
    for what in ("to_figure", "to_settled"):
        results[f"{head}: {what} p50 (ms)"] = f"{new[what]['p50_ms']} / {old[what]['p50_ms']}"
    for what in ("webgl_contexts_created", "too_many_webgl_contexts_or_lost_messages",
                 "console_and_page_errors"):
        results[f"{head}: {what.replace('_', ' ')}"] = f"{new.get(what)} / {old.get(what)}"


def run() -> dict:
    """Return, per lesson and key control, p50/p95/max (ms) from the key event to figure and to settled."""
    browser_path = chromium()
    if browser_path is None:
        return {"skipped": "chromium not installed (apt-get install chromium)"}
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="miss-browserbench-") as tmp:
        lab = start_lab(Path(tmp))
        old_figure_layer.write_notebook(lab["root"] / "notebooks" / old_figure_layer.NOTEBOOK)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS,
                                            handle_sigint=False)
                try:
                    for name, notebook, controls in _pages():
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        watch = _Watch(page)
                        try:
                            if not (lab["root"] / "notebooks" / notebook).exists():
                                for c in controls:
                                    results[f"{name}: {c.label}"] = {"skipped": "lesson not found"}
                                continue
                            t0 = time.perf_counter()
                            open_and_run(page, lab, notebook, pause_ms=500)
                            if notebook == old_figure_layer.NOTEBOOK:  # until its two 3-D bundles are drawn
                                page.wait_for_function(f"() => ({LIVE_CANVASES})() >= 2", timeout=90000)
                            results[f"{name}: run all cells, s"] = round(time.perf_counter() - t0, 1)
                            for c in controls:
                                element = _locate(page, c)
                                key = f"{name}: {c.label}"
                                if element is None:
                                    results[key] = {"skipped": f"no control '{c.find}' in this lesson"}
                                    continue
                                try:
                                    before = watch.snapshot()
                                    results[key] = _measure(page, c, element)
                                    results[key].update(watch.since(before))
                                    if os.environ.get("MISS_BENCH_SCREENSHOTS"):  # to look at
                                        shots = ROOT / "build" / "screenshots"
                                        shots.mkdir(parents=True, exist_ok=True)
                                        page.screenshot(path=str(shots / f"bench-{notebook[:-6]}.png"))
                                except Exception as exc:  # noqa: BLE001 - one control must not stop the run
                                    results[key] = {"skipped": f"{type(exc).__name__}: {str(exc)[:200]}"}
                        except Exception as exc:  # noqa: BLE001
                            results[f"{name}: error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
                        finally:
                            page.close()
                            delete_sessions(lab)
                finally:
                    browser.close()
        finally:
            stop_lab(lab)
    _compare(results)
    results["presses_per_control"] = PRESSES
    results["quiet_window_ms"] = QUIET_MS
    results["load_average_1min_before_after"] = f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
    results["total_s"] = round(time.perf_counter() - started, 1)
    return results
