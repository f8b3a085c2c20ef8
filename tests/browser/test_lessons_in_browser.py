"""Each lesson in a real JupyterLab in headless Chromium: run all, move a widget, no errors."""

from __future__ import annotations

import re

import pytest

from tests.browser.lab import COUNT_WEBGL, delete_sessions, open_and_run, wait_figures_drawn, watch_problems
from widgets.lessons.notebooks import find_notebooks

pytestmark = pytest.mark.browser


def _visible_text(page, selector: str) -> str:
    # textContent, not innerText: plotly titles are SVG text, which has no innerText
    return page.locator(selector).evaluate_all("els => els.map(e => e.textContent).join(' | ')")


def _interact_start_here(page):
    """Move the depth slider from the keyboard and choose another tube: the table changes."""
    before = _visible_text(page, ".widget-html")
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    page.wait_for_function(
        "b => Array.from(document.querySelectorAll('.widget-html'))"
        ".map(e => e.textContent).join(' | ') !== b", arg=before, timeout=20000)
    after_slider = _visible_text(page, ".widget-html")
    page.get_by_label("Tube diameter").select_option(label="18 mm")
    page.wait_for_function(
        "b => Array.from(document.querySelectorAll('.widget-html'))"
        ".map(e => e.textContent).join(' | ') !== b", arg=after_slider, timeout=20000)
    return before, _visible_text(page, ".widget-html")


def _interact_generic(page):
    """Press ArrowRight on the first slider; some widget text or figure title must change."""
    sel = ".widget-html, .widget-label, .gtitle, .widget-readout"
    before = _visible_text(page, sel)
    dropdown = page.get_by_label("Level", exact=True)
    if dropdown.count():
        options = dropdown.first.locator("option").all_inner_texts()
        dropdown.first.select_option(label=options[-1])
    else:
        handle = page.locator(".widget-slider .noUi-handle").first
        handle.focus()
        handle.press("ArrowRight")
    page.wait_for_function(
        "([s, b]) => Array.from(document.querySelectorAll(s)).map(e => e.textContent).join(' | ') !== b",
        arg=[sel, before], timeout=30000)
    return before, _visible_text(page, sel)


def _interact_review(page):
    """Answer the first question from the keyboard alone: its feedback and source appear."""
    sel = ".widget-html"
    before = _visible_text(page, sel)
    button = page.get_by_role("button", name="Submit answer").first
    button.focus()
    button.press("Enter")
    page.wait_for_function(
        "b => Array.from(document.querySelectorAll('.widget-html'))"
        ".map(e => e.textContent).join(' | ') !== b", arg=before, timeout=20000)
    after = _visible_text(page, sel)
    assert "Source:" in after
    return before, after


def _wait_changed(page, selector: str, before: str, timeout: int = 30000) -> str:
    page.wait_for_function(
        "([s, b]) => Array.from(document.querySelectorAll(s)).map(e => e.textContent).join(' | ') !== b",
        arg=[selector, before], timeout=timeout)
    return _visible_text(page, selector)


def _interact_anatomy(page):
    """Choose another level: the 3-D figure's title names the new level."""
    before = _visible_text(page, ".gtitle")
    assert "L4: " in before and "L1: " not in before  # the vertebra view of the default level
    page.get_by_label("Level", exact=True).first.select_option(label="L1")
    after = _wait_changed(page, ".gtitle", before)
    assert "L1: " in after and "L4: " not in after
    return before, after


def _interact_planner(page):
    """Swing the medial angle to its maximum from the keyboard: the screw's grade changes."""
    grade = re.compile(r"Grade ([A-E]) \(modified A-E\) / grade (\d)")
    before = _visible_text(page, ".widget-html")
    assert grade.search(before), before
    handle = page.locator(".widget-slider", has_text="Medial angle").locator(".noUi-handle").first
    handle.focus()
    handle.press("End")
    after = _wait_changed(page, ".widget-html", before)
    assert grade.search(after).groups() != grade.search(before).groups(), (before, after)
    return before, after


def _interact_reasoning(page):
    """Lesson 08: examine the simulated patient and commit, move the trial timeline's slider, check a reading.

    Each widget is also photographed on its own (build/screenshots/08-*.png) to be looked at.
    """
    from tests.browser.conftest import SCREENSHOTS

    sel = ".widget-html"
    before = _visible_text(page, sel)
    page.get_by_role("button", name="Examine").first.click()
    examined = _wait_changed(page, sel, before)
    assert "Findings so far" in examined
    page.get_by_role("button", name="Commit").first.click()
    committed = _wait_changed(page, sel, examined)
    assert "Localisation" in committed and "Next step" in committed
    handle = page.locator(".widget-slider", has_text="Time after randomisation").locator(".noUi-handle")
    handle.first.focus()
    handle.first.press("ArrowRight")
    after = _wait_changed(page, sel, committed)
    page.get_by_label("Operation").first.select_option(label="MIS-TLIF")
    after = _wait_changed(page, sel, after)
    page.get_by_role("button", name="Check", exact=True).first.click()
    after = _wait_changed(page, sel, after)
    assert "Not quite." in after and "Sources:" in after, after
    for name, text in (("exam", "Patient number"), ("timeline", "Time after randomisation"),
                       ("scores", "Instrument"), ("consent", "Operation"),
                       ("images", "Root the image shows compressed")):
        box = page.locator(".jp-OutputArea-output .widget-vbox", has_text=text).first
        box.scroll_into_view_if_needed()
        box.screenshot(path=str(SCREENSHOTS / f"08-widget-{name}.png"))
    return before, after


def _wait_text(page, selector: str, text: str, timeout: int = 30000) -> str:
    """Wait until the elements' joined text contains ``text`` (a figure may redraw after the HTML)."""
    page.wait_for_function(
        "([s, t]) => Array.from(document.querySelectorAll(s)).map(e => e.textContent).join(' | ')"
        ".includes(t)", arg=[selector, text], timeout=timeout)
    return _visible_text(page, selector)


def _interact_cervical(page):
    """Choose a central disc: the posterior corridor is drawn as not reaching it; the figure is shown."""
    sel = ".widget-html, .legendtext"
    before = _wait_text(page, sel, "posterior corridor: reaches")
    page.get_by_label("Pathology", exact=True).first.select_option(label="central disc with myelopathy")
    after = _wait_text(page, sel, "posterior corridor: does not reach")
    page.locator(".miss-figure").first.scroll_into_view_if_needed()
    return before, after


def _interact_recogniser(page):
    """Choose an action in the complication recogniser and press Choose: the scenario moves on."""
    before = _visible_text(page, ".widget-html")
    page.get_by_label("Give more opioid and review him on the morning ward round").check()
    page.get_by_role("button", name="Choose", exact=True).click()
    after = _wait_changed(page, ".widget-html", before)
    assert "six hours after surgery" in after and "Harmful" in after, after
    return before, after


INTERACTIONS = {"00-start-here": _interact_start_here, "01-spinal-anatomy": _interact_anatomy,
                "04-imaging-navigation-radiation": _interact_planner,
                "08-from-symptoms-to-decision": _interact_reasoning,
                "09-cervical-spine": _interact_cervical, "10-complications": _interact_recogniser,
                "90-review": _interact_review}


EYE = "d => (d.layout.scene && d.layout.scene.camera && d.layout.scene.camera.eye) || null"
CAMERA = f"d => JSON.stringify(({EYE})(d))"


def test_lesson_01_level_changed_30_times_keeps_one_webgl_context_per_view_and_the_camera(
        lab_server, browser, screenshots_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(COUNT_WEBGL)
    problems: list[str] = []
    watch_problems(page, lab_server, problems)
    page.on("console", lambda m: problems.append(m.text)  # a warning, not an error, in Chromium
            if re.search(r"Too many active WebGL contexts|CONTEXT_LOST", m.text) else None)
    try:
        open_and_run(page, lab_server, "01-spinal-anatomy.ipynb")
        views = page.locator(".js-plotly-plot:has(.gl-container canvas)")
        n_views = views.count()
        assert n_views >= 1
        created = page.evaluate("() => window.__webglContexts")
        print(f"3-D views: {n_views}; WebGL contexts created: {created}")
        assert created <= n_views, (created, n_views)
        # the student turns the vertebra: drag across its 3-D view
        vertebra = views.first
        vertebra.scroll_into_view_if_needed()
        box = vertebra.bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        before_drag = vertebra.evaluate(CAMERA)
        page.mouse.move(cx, cy)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(cx + 12 * step, cy + 4 * step)
        page.mouse.up()
        page.wait_for_function(f"([d, b]) => JSON.stringify(({EYE})(d)) !== b",
                               arg=[vertebra.element_handle(), before_drag], timeout=20000)
        turned = vertebra.evaluate(CAMERA)
        dropdown = page.get_by_label("Level", exact=True).first
        options = dropdown.locator("option").all_inner_texts()
        for i in range(30):
            before = _visible_text(page, ".gtitle")
            final = options[(options.index("L4") + 1 + i) % len(options)]
            dropdown.select_option(label=final)
            _wait_changed(page, ".gtitle", before)
        # both 3-D views end on the level chosen last: no figure is left behind on an older state
        page.wait_for_function(
            "level => { const t = Array.from(document.querySelectorAll("
            "'.js-plotly-plot:has(.gl-container canvas) .gtitle')).map(e => e.textContent);"
            " return t.length >= 2 && t.every(x => x.includes(level)); }", arg=final, timeout=15000)
        page.wait_for_timeout(1000)
        assert vertebra.evaluate(CAMERA) == turned, "the camera the student chose was reset"
        assert page.evaluate("() => window.__webglContexts") == created, "a change created a WebGL context"
        assert page.locator(".js-plotly-plot:has(.gl-container canvas)").count() == n_views
        figures = page.locator(".miss-figure")  # the figure widgets carry their text alternative
        assert figures.count() >= 1
        assert all(v.get_attribute("role") == "figure" and v.get_attribute("aria-label")
                   for v in figures.all())
        page.screenshot(path=str(screenshots_dir / "01-spinal-anatomy-30-level-changes.png"), full_page=False)
        assert problems == [], problems
    except Exception:
        page.screenshot(path=str(screenshots_dir / "01-spinal-anatomy-30-level-changes-failure.png"))
        raise
    finally:
        page.close()
        delete_sessions(lab_server)


@pytest.mark.parametrize("notebook", find_notebooks(), ids=lambda p: p.stem)
def test_lesson_runs_and_responds(lab_server, browser, screenshots_dir, notebook):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    watch_problems(page, lab_server, problems)
    try:
        open_and_run(page, lab_server, notebook.name)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        tracebacks = [t for t in errors.all_inner_texts() if "Error" in t or "Traceback" in t]
        assert tracebacks == [], tracebacks
        if "application/vnd.plotly.v1+json" in notebook.read_text(encoding="utf-8"):
            page.locator(".js-plotly-plot").first.wait_for(timeout=60000)   # the lesson draws one
        wait_figures_drawn(page)
        interact = INTERACTIONS.get(notebook.stem, _interact_generic)
        before, after = interact(page)
        assert before != after
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshots_dir / f"{notebook.stem}.png"), full_page=False)
        assert problems == [], problems
    except Exception:
        page.screenshot(path=str(screenshots_dir / f"{notebook.stem}-failure.png"), full_page=False)
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        raise AssertionError(f"failed; prompts seen: {prompts}; console: {problems}") from None
    finally:
        page.close()
        delete_sessions(lab_server)
