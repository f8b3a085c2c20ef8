"""A JupyterLab server on 127.0.0.1 and Debian's Chromium, driven by Playwright (see ``lab.py``)."""

from __future__ import annotations

import os

import pytest

from tests.browser.lab import CHROMIUM_ARGS, ROOT, chromium, start_lab, stop_lab

SCREENSHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="session")
def chromium_path():
    path = chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def lab_server(chromium_path, tmp_path_factory):
    """Start JupyterLab with a token, state kept in a temporary folder; stop it at the end."""
    try:
        lab = start_lab(tmp_path_factory.mktemp("jupyter-state"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield {"base": lab["base"], "token": lab["token"], "root": lab["root"]}
    stop_lab(lab)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS,
                              handle_sigint=False)
        yield b
        b.close()


@pytest.fixture
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
