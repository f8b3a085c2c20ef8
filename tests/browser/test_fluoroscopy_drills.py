"""Lesson 12 in a real JupyterLab: one screw-trainer attempt and one counting item, from the keyboard."""

from __future__ import annotations

import re
import statistics
import time

import pytest

from tests.browser.lab import delete_sessions, open_and_run, watch_problems

pytestmark = pytest.mark.browser

NOTEBOOK = "12-fluoroscopy-drills.ipynb"


def _text(page, selector: str = ".widget-html") -> str:
    return page.locator(selector).evaluate_all("els => els.map(e => e.textContent).join(' | ')")


def _press(page, name: str) -> None:
    """Move the focus to a button and press it with Enter (no mouse)."""
    button = page.get_by_role("button", name=name, exact=True).first
    button.focus()
    button.press("Enter")


def _keys(page, slider_text: str, key: str, times: int) -> None:
    handle = page.locator(".widget-slider", has_text=slider_text).locator(".noUi-handle").first
    handle.focus()
    for _ in range(times):
        handle.press(key)


def _wait_text(page, pattern: str, timeout: int = 30000) -> None:
    page.wait_for_function(
        "p => Array.from(document.querySelectorAll('.widget-html'))"
        ".some(e => new RegExp(p).test(e.textContent))",
        arg=pattern,
        timeout=timeout,
    )


def test_one_trainer_attempt_and_one_counting_item_from_the_keyboard(lab_server, browser, screenshots_dir):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    problems: list[str] = []
    watch_problems(page, lab_server, problems)
    try:
        open_and_run(page, lab_server, NOTEBOOK)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert [t for t in errors.all_inner_texts() if "Error" in t or "Traceback" in t] == []

        # --- the screw trainer: shots from the keyboard, the wire, the reveal
        page.get_by_role("button", name="AP shot", exact=True).first.scroll_into_view_if_needed()
        timings = []
        for n, view in enumerate(("AP", "lateral"), start=1):
            t0 = time.perf_counter()
            _press(page, f"{view} shot")
            _wait_text(page, f"Shot {n}: {view} view")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.widget-image')).some(i => i.naturalWidth > 0)",
                timeout=30000,
            )
            timings.append(time.perf_counter() - t0)
        page.screenshot(path=str(screenshots_dir / "12-trainer-first-shots.png"), full_page=False)
        _keys(page, "Medial angle", "ArrowRight", 20)
        _keys(page, "Sagittal angle", "ArrowRight", 10)
        _keys(page, "Depth along the line", "ArrowRight", 20)
        for n, view in enumerate(("AP", "lateral"), start=3):
            t0 = time.perf_counter()
            _press(page, f"{view} shot")
            _wait_text(page, f"Shot {n}: {view} view")
            timings.append(time.perf_counter() - t0)
        page.screenshot(path=str(screenshots_dir / "12-trainer-needle-in.png"), full_page=False)
        _press(page, "Pass guidewire")
        _wait_text(page, "guidewire")
        _keys(page, "Depth along the line", "ArrowRight", 20)
        _press(page, "oblique shot")
        _wait_text(page, "Shot 5: oblique view")
        _press(page, "Reveal and score")
        _wait_text(page, "entry-point error")
        _wait_text(page, "Your attempts")
        result = _text(page)
        assert re.search(r"Gertzbein-Robbins grade \(modified A-E\)\s*[A-E]", result), result
        assert "Your attempts" in result and "91.5%" in result
        page.locator(".widget-html", has_text="entry-point error").first.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # the 3D reveal draws
        page.screenshot(path=str(screenshots_dir / "12-trainer-reveal.png"), full_page=False)
        print(
            f"shot keypress-to-label times (s): {[round(t, 3) for t in timings]};"
            f" median {statistics.median(timings):.3f}"
        )

        # --- the counting drill: one item
        page.get_by_label("Your disc").first.scroll_into_view_if_needed()
        page.get_by_label("Your disc").first.select_option(label="disc g")
        _press(page, "Check")
        _wait_text(page, "Right:|The trap:|level\\(s\\)")
        verdict = _text(page)
        assert "Right: the MRI was numbered" in verdict, verdict  # disc g is the sacralised case's answer
        page.wait_for_timeout(500)
        page.screenshot(path=str(screenshots_dir / "12-counting-item.png"), full_page=False)
        assert problems == [], problems
    except Exception:
        page.screenshot(path=str(screenshots_dir / "12-fluoroscopy-drills-failure.png"), full_page=False)
        raise
    finally:
        page.close()
        delete_sessions(lab_server)
