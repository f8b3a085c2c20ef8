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
``bench`` (run the benchmarks), ``hub`` (a class hub: JupyterHub for a class on
this machine; ``hub --real`` with system accounts; see widgets/lessons/hub.py),
``app [LESSON]`` (a lesson as an app, code hidden, with Voila), ``warm`` (build the 3-D models
the lessons use into the model cache, so that lessons open fast; see widgets/core/cache.py).
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
#: The real class hub's shared user environment (readable by every account).
USER_ENV = Path("/opt/miss-hub/user")


def _say(msg: str) -> None:
    print(f"[miss] {msg}", flush=True)


def _run(cmd: list[str], **kwargs) -> None:
    _say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def _apt_install(packages: list[str], why: str) -> bool:
    """Install Debian ``packages`` with apt-get when running as root; return whether it ran."""
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
        return False
    _say(f"installing Debian's {' and '.join(packages)} {why}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update", "-qq"], env=env)
    _run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)
    return True


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
    if _apt_install(["chromium"], "for the browser tests"):
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
    """Set up, then run unit and notebook (nbval) tests, then the browser tests, then the hub tests.

    The unit and notebook tests run on two workers. The browser tests and the hub tests each run
    alone afterwards: a start-of-class surge or a second test process beside a headless browser
    drawing 3-D figures in software WebGL starves the page, and anywidget gives a widget only 2 s
    to start. With extra arguments (say ``-m "not browser"``) it is one pytest run with them.
    """
    py = ensure_env()
    ensure_chromium()
    base = [str(py), "-m", "pytest"]
    if extra:
        runs = [[*base, "-n", "2", "--dist", "loadfile", *extra]]
    else:
        runs = [[*base, "-n", "2", "--dist", "loadfile", "-m", "not browser and not hub"],
                [*base, "-m", "browser", "tests/browser"],
                [*base, "-m", "hub", "tests"]]
    worst = 0
    for cmd in runs:
        _say("$ " + " ".join(cmd))
        code = subprocess.call(cmd, cwd=ROOT)
        worst = code if worst == 0 and code not in (0, 5) else worst
    return worst


def cmd_execute(extra: list[str]) -> int:
    """Re-execute every lesson notebook in place."""
    py = ensure_env()
    return subprocess.call([str(py), "-m", "widgets.lessons", "execute", *extra], cwd=ROOT)


def cmd_bench(extra: list[str]) -> int:
    """Run the benchmarks and write benchmarks/results.json."""
    py = ensure_env()
    return subprocess.call([str(py), "-m", "benchmarks", *extra], cwd=ROOT)


def cmd_warm(extra: list[str]) -> int:
    """Build the lessons' 3-D models into the model cache (``MISS_CACHE_DIR`` or the user's cache).

    In a checkout it uses ``.venv`` (set up if needed); where the suite is installed as a package
    (the hub image), the interpreter running this command.
    """
    py = ensure_env() if (ROOT / "pyproject.toml").exists() else Path(sys.executable)
    code = "from widgets.imaging.volume import warm\nfor line in warm(): print('[miss]', line)"
    return subprocess.call([str(py), "-c", code, *extra], cwd=ROOT)


def cmd_lock(extra: list[str]) -> int:
    """Re-resolve requirements.lock from pyproject.toml with uv."""
    py = ensure_env()
    _run([str(py), "-m", "pip", "install", "--quiet", "uv"])
    return subprocess.call(
        [str(py), "-m", "uv", "pip", "compile", "pyproject.toml", "--extra", "test",
         "--python-version", "3.11", "--no-header", "-o", str(LOCK), *extra],
        cwd=ROOT,
    )


HUB = ROOT / "deploy" / "hub"


def ensure_node() -> str:
    """Return npm, installing Debian's nodejs and npm when missing and running as root."""
    npm = shutil.which("npm")
    if npm:
        return npm
    if _apt_install(["nodejs", "npm"], "for the hub's proxy"):
        return shutil.which("npm") or "npm"
    raise SystemExit("[miss] the hub needs node and npm (apt-get install nodejs npm), then run again")


def ensure_proxy() -> Path:
    """Install configurable-http-proxy (pinned in deploy/hub/package-lock.json) if missing."""
    proxy = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        _run([ensure_node(), "ci", "--no-audit", "--no-fund", "--prefix", str(HUB)])
    return proxy


def ensure_user_env(py: Path) -> Path:
    """Build the real hub's shared user environment (/opt/miss-hub/user) from the system Python.

    Every account must be able to run the servers' Python, so it is made from a
    Python installed for everyone (``/usr/bin/python3``), with the locked packages and
    the suite installed into it (not linked to this checkout).
    """
    stamp = USER_ENV / ".miss-lessons-installed"
    wanted = _wanted_stamp() + _tree_stamp()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return USER_ENV / "bin" / "python"
    base = shutil.which("python3.11", path="/usr/bin:/usr/local/bin") or "/usr/bin/python3"
    _say(f"building the shared user environment {USER_ENV} (first run only)")
    _run([base, "-m", "venv", "--clear", str(USER_ENV)])
    pip = [str(USER_ENV / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "install",
           "--quiet"]
    _run(pip + ["-r", str(LOCK)])
    _run(pip + ["--no-deps", "--no-build-isolation", str(ROOT)])
    subprocess.run(["chmod", "-R", "a+rX", str(USER_ENV)], check=True)
    stamp.write_text(wanted + "\n")
    return USER_ENV / "bin" / "python"


def _tree_stamp() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "widgets").rglob("*.py")) + sorted((ROOT / "data").rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


VOILA = ROOT / "deploy" / "voila"


def ensure_app_template(py: Path) -> Path:
    """Install the suite's Voila template (Font Awesome served locally) into ``py``'s environment."""
    fa = VOILA / "node_modules" / "@fortawesome" / "fontawesome-free"
    if not (fa / "css" / "all.min.css").exists():
        _run([ensure_node(), "ci", "--no-audit", "--no-fund", "--prefix", str(VOILA)])
    prefix = Path(subprocess.run([str(py), "-c", "import sys; print(sys.prefix)"], check=True,
                                 capture_output=True, text=True).stdout.strip())
    target = prefix / "share" / "jupyter" / "voila" / "templates" / "miss"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(VOILA / "templates" / "miss", target)
    for part in ("css", "webfonts"):
        shutil.copytree(fa / part, target / "static" / "fontawesome" / part)
    shutil.copyfile(fa / "LICENSE.txt", target / "static" / "fontawesome" / "LICENSE.txt")
    return target


def cmd_app(extra: list[str]) -> int:
    """Open a lesson as an app (Voila, code hidden): ``app [LESSON]``, default lesson 00."""
    py = ensure_env()
    ensure_app_template(py)
    lesson = next((a for a in extra if not a.startswith("-")), "00-start-here")
    extra = [a for a in extra if a != lesson]
    path = ROOT / "notebooks" / (lesson if lesson.endswith(".ipynb") else f"{lesson}.ipynb")
    if not path.is_file():
        raise SystemExit(f"[miss] no lesson {lesson!r} in notebooks/")
    args = [str(py), "-m", "voila", str(path), "--template=miss", "--Voila.ip=127.0.0.1", *extra]
    os.chdir(ROOT)
    os.execv(str(py), args)
    return 0  # pragma: no cover


def cmd_hub(extra: list[str]) -> int:
    """Start a class hub on this machine: ``hub`` (trial) or ``hub --real`` (system accounts)."""
    py = ensure_env()
    proxy = ensure_proxy()
    mode = "real" if "--real" in extra else "trial"
    extra = [a for a in extra if a not in ("--real", "--trial")]
    env = dict(os.environ, MISS_HUB_MODE=mode,
               PATH=f"{proxy.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("MISS_HUB_STATE", str(ROOT / "build" / "hub"))
    Path(env["MISS_HUB_STATE"]).mkdir(parents=True, exist_ok=True)
    ensure_app_template(py)
    if mode == "real":
        if not (hasattr(os, "geteuid") and os.geteuid() == 0):
            raise SystemExit("[miss] hub --real runs servers as the learners' accounts: run it as root")
        ensure_app_template(ensure_user_env(py))
    _say(f"class hub ({mode} mode) on http://{env.get('MISS_HUB_IP', '127.0.0.1')}:"
         f"{env.get('MISS_HUB_PORT', '8000')}/ ; stop it with Ctrl-C")
    os.chdir(ROOT)
    args = [str(py), "-m", "jupyterhub", "-f", str(HUB / "jupyterhub_config.py"), *extra]
    os.execve(str(py), args, env)
    return 0  # pragma: no cover


COMMANDS = {"app": cmd_app, "hub": cmd_hub, "lab": cmd_lab, "test": cmd_test, "execute": cmd_execute,
            "bench": cmd_bench, "lock": cmd_lock, "warm": cmd_warm}


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
