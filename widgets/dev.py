"""Set up and run the suite with nothing but Python 3.11, pip and apt-get.

This module uses only the standard library, so that it runs before anything
is installed::

    python3 -m widgets.dev lab     # set up what is missing, open JupyterLab on lesson 00
    python3 -m widgets.dev test    # set up what is missing, run the whole test suite

Both are idempotent: the virtual environment ``.venv`` is created once, and
packages are installed from ``requirements.lock`` only when the lock file or
``pyproject.toml`` changed since the last install (a stamp file in ``.venv``
records their hash). Other commands: ``execute`` (re-execute every lesson in
place), ``lock`` (re-resolve ``requirements.lock`` from ``pyproject.toml``),
``bench`` (run the benchmarks).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".miss-lessons-installed"
FIRST_LESSON = "notebooks/00-start-here.ipynb"


def _say(msg: str) -> None:
    print(f"[miss] {msg}", flush=True)


def _run(cmd: list[str], **kwargs) -> None:
    _say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def venv_python() -> Path:
    """Return the interpreter of the project's virtual environment."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_env() -> Path:
    """Create ``.venv`` and install the locked packages if needed; return its python."""
    py = venv_python()
    if not py.exists():
        _say("creating the virtual environment .venv")
        try:
            _run([sys.executable, "-m", "venv", str(VENV)])
        except subprocess.CalledProcessError:
            _say("python3 -m venv failed (no ensurepip?); falling back to virtualenv")
            _run([sys.executable, "-m", "pip", "install", "--user", "virtualenv"])
            _run([sys.executable, "-m", "virtualenv", str(VENV)])
    wanted = _wanted_stamp()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        _say("environment up to date (skipping install)")
        compile_sources(py)
        return py
    _say("installing the locked packages (first run only; about a minute)")
    pip = [str(py), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    _run(pip + ["-r", str(LOCK)])
    _run(pip + ["--no-deps", "-e", str(ROOT)])
    STAMP.write_text(wanted + "\n")
    compile_sources(py)
    return py


def compile_sources(py: Path) -> None:
    """Byte-compile the package, so that no kernel compiles it again.

    Where ``PYTHONDONTWRITEBYTECODE`` is set (as on some CI machines), Python never
    caches what it compiles, and every lesson kernel would recompile ``widgets/``
    (about 0.4 s each). ``compileall`` writes the caches anyway, and only for stale files.
    """
    subprocess.run([str(py), "-m", "compileall", "-q", "widgets", "benchmarks"], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL)


def ensure_chromium() -> str | None:
    """Return the system Chromium, installing Debian's package when running as root."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        _say("installing Debian's chromium for the browser tests")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _run(["apt-get", "update", "-qq"], env=env)
        _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env)
        return shutil.which("chromium")
    _say("chromium not found and not root: browser tests will be skipped")
    return None


def cmd_lab(extra: list[str]) -> int:
    """Set up, then open JupyterLab on the first lesson (print its URL when headless)."""
    py = ensure_env()
    args = [str(py), "-m", "jupyter", "lab"]
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                    or sys.platform == "darwin" or os.name == "nt")
    if headless:
        import secrets
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        token = secrets.token_hex(24)
        args += ["--no-browser", "--ip", "127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={token}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args += ["--allow-root"]
        _say("no display found; open this URL in a browser once JupyterLab has started:")
        _say(f"    http://127.0.0.1:{port}/lab/tree/{FIRST_LESSON}?token={token}")
    else:
        args += [FIRST_LESSON]
    os.chdir(ROOT)
    os.execv(str(py), args + extra)
    return 0  # pragma: no cover


def cmd_test(extra: list[str]) -> int:
    """Set up, then run unit tests, notebook (nbval) tests and browser tests."""
    py = ensure_env()
    ensure_chromium()
    cmd = [str(py), "-m", "pytest", "-n", "2", "--dist", "loadfile", *extra]
    _say("$ " + " ".join(cmd))
    return subprocess.call(cmd, cwd=ROOT)


def cmd_execute(extra: list[str]) -> int:
    """Re-execute every lesson notebook in place."""
    py = ensure_env()
    return subprocess.call([str(py), "-m", "widgets.lessons", "execute", *extra], cwd=ROOT)


def cmd_bench(extra: list[str]) -> int:
    """Run the benchmarks and write benchmarks/results.json."""
    py = ensure_env()
    return subprocess.call([str(py), "-m", "benchmarks", *extra], cwd=ROOT)


def cmd_lock(extra: list[str]) -> int:
    """Re-resolve requirements.lock from pyproject.toml with uv."""
    py = ensure_env()
    _run([str(py), "-m", "pip", "install", "--quiet", "uv"])
    return subprocess.call(
        [str(py), "-m", "uv", "pip", "compile", "pyproject.toml", "--extra", "test",
         "--python-version", "3.11", "--no-header", "-o", str(LOCK), *extra],
        cwd=ROOT,
    )


COMMANDS = {"lab": cmd_lab, "test": cmd_test, "execute": cmd_execute, "bench": cmd_bench,
            "lock": cmd_lock}


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``python3 -m widgets.dev COMMAND [ARGS...]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        print("commands:", ", ".join(COMMANDS))
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
