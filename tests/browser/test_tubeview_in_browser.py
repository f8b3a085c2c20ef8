"""Lesson 03 in JupyterLab: dock, wand and open the tube, turn the endoscope's lens, from the keyboard."""

from __future__ import annotations

import pytest

from tests.browser.lab import delete_sessions, open_and_run, watch_problems

pytestmark = pytest.mark.browser

TITLES = ".gtitle"


def _titles(page) -> str:
    # textContent: plotly titles are SVG text, which has no innerText
    return page.locator(TITLES).evaluate_all("els => els.map(e => e.textContent).join(' | ')")


def _wait_title(page, pattern: str, timeout: int = 30000) -> str:
    page.wait_for_function(
        "([s, p]) => new RegExp(p).test(Array.from(document.querySelectorAll(s))"
        ".map(e => e.textContent).join(' | '))", arg=[TITLES, pattern], timeout=timeout)
    return _titles(page)


def _figure(page, words: str):
    """The figure widget whose text alternative contains ``words``."""
    return page.locator(f".miss-figure[aria-label*=\"{words}\"]").first


def test_lesson_03_tube_and_endoscope_respond_to_the_keyboard(lab_server, browser, screenshots_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    watch_problems(page, lab_server, problems)
    try:
        open_and_run(page, lab_server, "03-techniques.ipynb")
        tube = _figure(page, "view down an 18 mm tube")
        tube.scroll_into_view_if_needed()
        assert "Model rendering" in tube.get_attribute("aria-label")
        _wait_title(page, "down an 18 mm tube, left L4-L5, straight")
        page.screenshot(path=str(screenshots_dir / "03-tube-docked.png"))
        # wand the tube 10 degrees medially: two steps of the slider from the keyboard
        wand = page.locator(".widget-slider", has_text="Wand the tube").locator(".noUi-handle").first
        wand.focus()
        wand.press("ArrowRight")
        wand.press("ArrowRight")
        _wait_title(page, "wanded 10° medially")
        # remove bone (a dropdown: in JupyterLab's command mode ArrowDown moves between cells instead)
        page.get_by_label("Bone removed", exact=True).select_option(label="laminotomy")
        _wait_title(page, "bone removed: laminotomy")
        assert "dural sac" in _figure(page, "view down an 18 mm tube").get_attribute("aria-label")
        tube.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "03-tube-wanded-laminotomy.png"))
        # wand caudally, four steps from the keyboard: the traversing root comes out beside the sac
        caudal = page.locator(".widget-slider", has_text="Wand up or down").locator(".noUi-handle").first
        caudal.focus()
        for _ in range(4):
            caudal.press("ArrowRight")
        _wait_title(page, "10° medially and 20° caudally")
        assert "traversing root" in _figure(page, "view down an 18 mm tube").get_attribute("aria-label")
        tube.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshots_dir / "03-tube-wanded-caudally.png"))
        # the endoscope: turn the lens a quarter turn (six steps of 15 degrees), dorsal
        scope = _figure(page, "endoscope in Kambin")
        scope.scroll_into_view_if_needed()
        before = scope.get_attribute("aria-label")
        turn = page.locator(".widget-slider", has_text="Turn the lens").locator(".noUi-handle").first
        turn.focus()
        for _ in range(6):
            turn.press("ArrowRight")
        _wait_title(page, "turned 90°")
        after = _figure(page, "endoscope in Kambin").get_attribute("aria-label")
        assert after != before and "dorsal" in after
        page.screenshot(path=str(screenshots_dir / "03-endoscope-turned-90.png"))
        for _ in range(12):
            turn.press("ArrowRight")
        _wait_title(page, "turned 270°")
        page.screenshot(path=str(screenshots_dir / "03-endoscope-turned-270.png"))
        assert problems == [], problems
    except Exception:
        page.screenshot(path=str(screenshots_dir / "03-tube-endoscope-failure.png"))
        raise
    finally:
        page.close()
        delete_sessions(lab_server)
