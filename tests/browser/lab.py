"""JupyterLab on 127.0.0.1 and Debian's Chromium: shared by the browser tests and the browser benchmark.

A plain module (no pytest): ``tests/browser/conftest.py`` builds its fixtures on
it and ``benchmarks/bench_browser.py`` imports it, so a lesson is started, opened
and run in the same way in both.

- :func:`start_lab` starts JupyterLab with a token and every piece of state
  (settings, workspaces, runtime, the learner's progress store) in a temporary
  folder, every cell rendered (no virtual scrolling); :func:`stop_lab` stops it.
- :func:`open_and_run` opens a lesson, runs all its cells and waits until the
  run is over and every figure is drawn.
- :func:`watch_problems` collects console errors, page errors and requests
  that leave the machine; :data:`COUNT_WEBGL` counts the WebGL contexts a page
  creates.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

# Console noise that is not ours: resources the offline machine cannot reach.
BENIGN = re.compile(r"net::ERR_|Failed to load resource|favicon|ERR_NAME_NOT_RESOLVED|"
                    r"ERR_INTERNET_DISCONNECTED|Content Security Policy")

# Counts the WebGL contexts the page creates (plotly makes one per 3-D scene it draws).
COUNT_WEBGL = """
(() => {
  const get = HTMLCanvasElement.prototype.getContext;
  window.__webglContexts = 0;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    const had = this.__counted;
    const ctx = get.call(this, kind, ...rest);
    if (ctx && /webgl/.test(String(kind)) && !had) { this.__counted = true; window.__webglContexts += 1; }
    return ctx;
  };
})();
"""

# Every figure of the page drawn by plotly.js (the figure widget's div, or a plot inside it).
FIGURES_DRAWN = ("() => Array.from(document.querySelectorAll('.miss-figure'))"
                 ".every(d => d.querySelector('.js-plotly-plot') || d.classList.contains('js-plotly-plot'))")

# Installed before "Run All Cells": notes when the run has begun (the kernel is busy or a cell is
# queued, "[*]"), however short the run, so that the kernel's idle state before it is not taken
# for the end of the run.
WATCH_RUN_START = """
() => {
  const started = () => /\\| Busy/.test(document.body.textContent)
    || Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
      .some(e => e.textContent.includes('*'));
  window.__missRunStarted = false;
  const seen = new MutationObserver(() => {
    if (started()) { window.__missRunStarted = true; seen.disconnect(); }
  });
  seen.observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""

# Every code cell has run: each prompt shows an execution count ("[3]"), none is queued.
ALL_PROMPTS_NUMBERED = (
    "n => { const p = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))"
    ".map(e => e.innerText.trim()); return p.length === n && p.every(t => /\\[\\d+\\]/.test(t)); }")


def chromium() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(state: Path) -> dict:
    """Start JupyterLab on 127.0.0.1 with a token, all its state in ``state``; the lessons copied in.

    Returns ``{"base", "token", "root", "proc", "log"}`` (``root``: the folder the
    lab serves, holding ``notebooks/``). Raises RuntimeError, with the end of the
    lab's log, when it does not answer within 90 s.
    """
    user = state / "config" / "lab" / "user-settings" / "@jupyterlab"
    (user / "apputils-extension").mkdir(parents=True)
    (user / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    (user / "notebook-extension").mkdir(parents=True)
    # render every cell (no virtual scrolling), so that every prompt can be read
    (user / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(state / "config"),
               JUPYTER_RUNTIME_DIR=str(state / "runtime"), IPYTHONDIR=str(state / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(state / "config" / "lab" / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(state / "workspaces"),
               MISS_PROGRESS_DIR=str(state / "progress"))  # answers given here stay here
    work = state / "root"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    log = open(state / "lab.log", "w")  # noqa: SIM115 - closed by stop_lab
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip", "127.0.0.1",
         "--port", str(port), f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.news_url=", "--ServerApp.open_browser=False"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work)
    lab = {"base": f"http://127.0.0.1:{port}", "token": token, "root": work, "proc": proc, "log": log}
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{lab['base']}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return lab
        except OSError:
            time.sleep(0.5)
    stop_lab(lab)
    raise RuntimeError("JupyterLab did not start: " + (state / "lab.log").read_text()[-2000:])


def stop_lab(lab: dict) -> None:
    """Stop the lab :func:`start_lab` started (killed if it has not ended within 20 s)."""
    proc = lab["proc"]
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    lab["log"].close()


def delete_sessions(lab: dict) -> None:
    """Shut down every kernel session of the lab (between lessons)."""
    req = urllib.request.Request(f"{lab['base']}/api/sessions?token={lab['token']}")
    for s in json.load(urllib.request.urlopen(req)):
        urllib.request.urlopen(urllib.request.Request(
            f"{lab['base']}/api/sessions/{s['id']}?token={lab['token']}", method="DELETE"))


def watch_problems(page, lab: dict, problems: list[str]) -> None:
    """Append to ``problems`` every console error (not :data:`BENIGN`), page error and external request."""
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type == "error" and not BENIGN.search(m.text) else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    # everything works offline: no request may leave this machine (no CDN for plotly.js etc.)
    page.on("request", lambda r: problems.append(f"external request: {r.url}")
            if r.url.startswith("http") and not r.url.startswith(lab["base"]) else None)


def wait_figures_drawn(page, timeout: int = 90000) -> None:
    """Wait until every figure widget of the page has been drawn by plotly.js."""
    page.wait_for_function(FIGURES_DRAWN, timeout=timeout)


def open_and_run(page, lab: dict, notebook: str, *, pause_ms: int = 2000) -> float:
    """Open ``notebooks/<notebook>``, run all its cells, wait until all is drawn; return seconds taken.

    Waits, in order: the kernel idle; the run begun (busy, or a cell queued);
    every code cell's prompt numbered; the kernel idle again; then, until the
    number of figure widgets and of their 3-D scenes stays the same across
    ``pause_ms``, every figure widget drawn (views still render after the kernel
    is idle, and 3-D scenes are drawn when the page is idle).
    """
    t0 = time.perf_counter()
    page.goto(f"{lab['base']}/lab/tree/notebooks/{notebook}?reset&token={lab['token']}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90000)
    page.evaluate(WATCH_RUN_START)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
    page.wait_for_function("() => window.__missRunStarted", timeout=30000)
    n_code = page.locator(".jp-CodeCell").count()
    page.wait_for_function(ALL_PROMPTS_NUMBERED, arg=n_code, timeout=240000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120000)
    seen = None
    for _ in range(60):  # until every figure widget is drawn and no more appear
        wait_figures_drawn(page)
        now = page.evaluate("() => [document.querySelectorAll('.miss-figure').length,"
                            " document.querySelectorAll('.miss-figure .gl-container').length]")
        if now == seen:
            break
        seen = now
        page.wait_for_timeout(pause_ms)
    return time.perf_counter() - t0
