"""Lesson 03 in JupyterLab: dock, wand and open the tube, turn the endoscope's lens, from the keyboard."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.browser

BENIGN = re.compile(r"net::ERR_|Failed to load resource|favicon|ERR_NAME_NOT_RESOLVED|"
                    r"ERR_INTERNET_DISCONNECTED|Content Security Policy")
TITLES = ".gtitle"


def _titles(page) -> str:
    # textContent: plotly titles are SVG text, which has no innerText
    return page.locator(TITLES).evaluate_all("els => els.map(e => e.textContent).join(' | ')")


def _wait_title(page, pattern: str, timeout: int = 30000) -> str:
    page.wait_for_function(
        "([s, p]) => new RegExp(p).test(Array.from(document.querySelectorAll(s))"
        ".map(e => e.textContent).join(' | '))", arg=[TITLES, pattern], timeout=timeout)
    return _titles(page)


def _run_all(page, lab, notebook: str) -> None:
    page.goto(f"{lab['base']}/lab/tree/notebooks/{notebook}?reset&token={lab['token']}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    page.get_by_text("Python 3 (ipykernel) | Busy").wait_for(timeout=30000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=180000)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.miss-figure'))"
        ".every(d => d.classList.contains('js-plotly-plot'))", timeout=90000)


def _delete_sessions(lab) -> None:
    req = urllib.request.Request(f"{lab['base']}/api/sessions?token={lab['token']}")
    for s in json.load(urllib.request.urlopen(req)):
        urllib.request.urlopen(urllib.request.Request(
            f"{lab['base']}/api/sessions/{s['id']}?token={lab['token']}", method="DELETE"))


def _figure(page, words: str):
    """The figure widget whose text alternative contains ``words``."""
    return page.locator(f".miss-figure[aria-label*=\"{words}\"]").first


def test_lesson_03_tube_and_endoscope_respond_to_the_keyboard(lab_server, browser, screenshots_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type == "error" and not BENIGN.search(m.text) else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: problems.append(f"external request: {r.url}")
            if r.url.startswith("http") and not r.url.startswith(lab_server["base"]) else None)
    try:
        _run_all(page, lab_server, "03-techniques.ipynb")
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
        _delete_sessions(lab_server)
