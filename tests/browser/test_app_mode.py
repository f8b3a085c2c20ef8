"""Lessons as apps (Voila, code hidden) in headless Chromium, offline: any non-loopback request fails."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_server(chromium_path, tmp_path_factory):
    from widgets.dev import ensure_app_template

    ensure_app_template(Path(sys.executable))
    state = tmp_path_factory.mktemp("voila")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, MISS_PROGRESS_DIR=str(state / "progress"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"), IPYTHONDIR=str(state / "ipython"))
    log = open(state / "voila.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(ROOT / "notebooks"), "--template=miss", "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1", f"--token={token}",
         "--VoilaConfiguration.file_allowlist=['.*']"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/voila/templates/miss/static/fontawesome/css/all.min.css"
                                        f"?token={token}", timeout=2):
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("Voila did not start: " + (state / "voila.log").read_text()[-2000:])
    yield {"base": base, "token": token}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def offline_page(browser):
    """A page that fails any request leaving the machine, and lists those requests."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    page.blocked = []

    def guard(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()


ANSWER = ".widget-button:has-text('Submit answer'), .widget-button:has-text('Save answer')"


def _open(page, server, lesson: str) -> None:
    page.goto(f"{server['base']}/voila/render/{lesson}.ipynb?token={server['token']}",
              timeout=240000)
    page.locator(ANSWER).first.wait_for(timeout=240000)


def _answer_first_question(page, expect: str) -> str:
    """Choose the first option of the first quiz question, submit (practice) or save it (exam),
    and wait until the page says ``expect`` (the feedback arrives after other updates)."""
    choice = page.locator(".widget-radio-box input[type=radio], .widget-checkbox input[type=checkbox]")
    if choice.count():
        choice.first.check()
    before = page.locator(".widget-html").evaluate_all("els => els.map(e => e.textContent).join('|')")
    page.locator(ANSWER).first.click()
    page.wait_for_function(
        "([b, t]) => { const now = Array.from(document.querySelectorAll('.widget-html'))"
        ".map(e => e.textContent).join('|'); return now !== b && now.includes(t); }",
        arg=[before, expect], timeout=30000)
    return page.locator(".widget-html").evaluate_all("els => els.map(e => e.textContent).join('|')")


def test_lesson_00_as_an_app_works_offline(voila_server, offline_page, screenshots_dir):
    page = offline_page
    _open(page, voila_server, "00-start-here")
    assert page.locator(".jp-InputArea-editor").count() == 0          # no code cell shows its code
    assert "from widgets" not in page.locator("body").inner_text()
    sel = ".widget-html"
    before = page.locator(sel).evaluate_all("els => els.map(e => e.textContent).join('|')")
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    page.wait_for_function(
        "b => Array.from(document.querySelectorAll('.widget-html')).map(e => e.textContent)"
        ".join('|') !== b", arg=before, timeout=30000)
    feedback = _answer_first_question(page, "Source")
    assert "Source" in feedback
    icons = page.locator(".widget-button i.fa").first
    assert icons.evaluate("e => getComputedStyle(e, '::before').fontFamily").lower().find("font awesome") >= 0
    page.screenshot(path=str(screenshots_dir / "app-00-start-here.png"), full_page=False)
    assert page.blocked == []


def test_the_case_lesson_as_an_app_works_offline(voila_server, offline_page, screenshots_dir):
    page = offline_page
    _open(page, voila_server, "07-case")
    button = page.locator(".widget-button", has_text="Compare with").first
    before = page.locator(".widget-html").evaluate_all("els => els.map(e => e.textContent).join('|')")
    button.click()
    page.wait_for_function(
        "b => Array.from(document.querySelectorAll('.widget-html')).map(e => e.textContent)"
        ".join('|') !== b", arg=before, timeout=30000)
    assert "1 of " in _answer_first_question(page, "1 of ")  # exam mode: "1 of N answers saved"
    page.screenshot(path=str(screenshots_dir / "app-07-case.png"), full_page=False)
    assert page.blocked == []
