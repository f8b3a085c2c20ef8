"""A class hub: JupyterHub's own settings for the suite, for one machine (trial or real).

``python3 -m widgets.dev hub`` starts JupyterHub with ``deploy/hub/jupyterhub_config.py``,
which applies :func:`hub_settings`: a thin, documented layer over JupyterHub's
configuration (the kind The Littlest JupyterHub writes), nothing more.

Modes
    ``trial`` (one machine, to try a class): any name logs in
    (``DummyAuthenticator``; a shared password when ``MISS_HUB_PASSWORD`` is
    set), and every server runs as the hub's own account with a home of its own
    under the state folder (``SimpleLocalProcessSpawner``: no isolation between
    users, as JupyterHub says; run as root it passes ``--allow-root``).
    ``real``: system accounts (PAM, or the authenticator an institution uses,
    e.g. OAuth via ``oauthenticator`` or LTI 1.3 via ``jupyterhub-ltiauthenticator``,
    set in ``jupyterhub_config.py``), one server per account run as that account
    (``LocalProcessSpawner``) from a shared user environment every account can read
    (``/opt/miss-hub/user``, built by the hub command), homes readable by their
    owner only.
Sized for a surge
    With JupyterHub's default ``Spawner.http_timeout`` of 30 s only 3 of 20
    servers started at once on 2 cores came up; with 180 s all 20 did, in 34-39 s.
    Hence :data:`SURGE`: ``http_timeout`` 180 s, ``start_timeout`` 300 s, at most
    ``concurrent_spawn_limit`` servers starting at once and ``active_server_limit``
    running; the idle culler (``jupyterhub-idle-culler``, a managed service) stops
    servers idle for an hour.
Lessons and progress
    Before a server starts, the lessons are copied into ``~/miss-lessons`` (files
    the learner already has are never overwritten), and the learner's progress
    store lives in their own home (the suite's default place under ``$HOME``).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from widgets.dev import USER_ENV  # where the real mode's shared user environment lives

__all__ = ["LESSONS_FOLDER", "MODES", "SURGE", "USER_ENV", "copy_lessons", "hub_settings",
           "prepare_home"]

MODES = ("trial", "real")
#: Settings for a start-of-class surge on a small machine (see the module docstring).
SURGE = {"http_timeout": 180, "start_timeout": 300, "concurrent_spawn_limit": 20,
         "active_server_limit": 200, "cull_idle_seconds": 3600}
#: The folder of a learner's home that holds their copy of the lessons.
LESSONS_FOLDER = "miss-lessons"


def _lessons_source() -> Path:
    from widgets.core.catalog import notebooks_dir

    return notebooks_dir()


def copy_lessons(home: str | Path, *, source: str | Path | None = None) -> list[Path]:
    """Copy the lessons into ``home/miss-lessons``, never overwriting a learner's file.

    Returns the files copied this time.
    """
    source = Path(source) if source is not None else _lessons_source()
    target = Path(home) / LESSONS_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    new = []
    for nb in sorted(source.glob("*.ipynb")):
        dest = target / nb.name
        if not dest.exists():
            shutil.copyfile(nb, dest)
            new.append(dest)
    return new


def prepare_home(home: str | Path, *, uid: int | None = None, gid: int | None = None) -> None:
    """Make a learner's home theirs alone (mode 700) with the lessons in it, owned by ``uid``."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    new = copy_lessons(home)
    if uid is not None:
        for path in [home / LESSONS_FOLDER, *new]:
            os.chown(path, uid, gid if gid is not None else -1)
        os.chown(home, uid, gid if gid is not None else -1)
    os.chmod(home, 0o700)


def _learner_name(spawner) -> str:
    return spawner.user.name


def _pre_spawn_trial(spawner) -> None:
    prepare_home(spawner.home_dir)


def _pre_spawn_real(spawner) -> None:
    import pwd

    entry = pwd.getpwnam(spawner.user.name)
    prepare_home(entry.pw_dir, uid=entry.pw_uid, gid=entry.pw_gid)


def hub_settings(mode: str, *, state_dir: str | Path, port: int = 8000, ip: str = "127.0.0.1",
                 hub_port: int = 8081, proxy_api_port: int = 8001,
                 python: str | Path | None = None, password: str | None = None,
                 service_token: str | None = None,
                 surge: dict[str, int] | None = None) -> dict[str, dict[str, Any]]:
    """Return JupyterHub's settings for a class hub, as ``{class name: {trait: value}}``.

    ``state_dir`` holds the hub's database, cookie secret and (trial mode) the
    learners' homes; ``python`` is the interpreter of the servers' environment
    (default: this one in trial mode, :data:`USER_ENV` in real mode). A
    ``service_token`` adds the ``class-tools`` service, whose token may create
    users, start and stop servers and use them (instructors' scripts; the surge test).
    """
    if mode not in MODES:
        raise ValueError(f"hub mode {mode!r} is not one of {', '.join(MODES)}")
    s = {**SURGE, **(surge or {})}
    state = Path(state_dir).resolve()
    if python is None:
        python = sys.executable if mode == "trial" else USER_ENV / "bin" / "python"
    singleuser = str(Path(python).parent / "jupyterhub-singleuser")
    culler = [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={s['cull_idle_seconds']}"]
    settings: dict[str, dict[str, Any]] = {
        "JupyterHub": {
            "ip": ip, "port": port, "hub_ip": "127.0.0.1", "hub_port": hub_port,
            "db_url": f"sqlite:///{state / 'jupyterhub.sqlite'}",
            "cookie_secret_file": str(state / "jupyterhub_cookie_secret"),
            "pid_file": str(state / "jupyterhub.pid"),
            "concurrent_spawn_limit": s["concurrent_spawn_limit"],
            "active_server_limit": s["active_server_limit"],
            "services": [{"name": "idle-culler", "command": culler}],
            "load_roles": [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers",
                                       "delete:servers"]}],
        },
        "ConfigurableHTTPProxy": {"pid_file": str(state / "proxy.pid"),
                                  "api_url": f"http://127.0.0.1:{proxy_api_port}"},
        "Spawner": {
            "http_timeout": s["http_timeout"], "start_timeout": s["start_timeout"],
            "cmd": [singleuser], "default_url": f"/lab/tree/{LESSONS_FOLDER}/00-start-here.ipynb",
            # a lesson as an app: /user/<name>/voila/render/miss-lessons/<lesson>.ipynb
            "args": ["--VoilaConfiguration.template=miss"],
            "notebook_dir": "~",
            # answers are recorded under the hub name, in the learner's own home
            "environment": {"MISS_LEARNER": _learner_name},
        },
        "Authenticator": {"allow_all": True},
    }
    if service_token:
        settings["JupyterHub"]["services"].append({"name": "class-tools", "api_token": service_token})
        settings["JupyterHub"]["load_roles"].append(
            {"name": "class-tools", "services": ["class-tools"],
             "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"]})
    if mode == "trial":
        settings["JupyterHub"]["authenticator_class"] = "dummy"
        settings["JupyterHub"]["spawner_class"] = "jupyterhub.spawner.SimpleLocalProcessSpawner"
        settings["SimpleLocalProcessSpawner"] = {
            "home_dir_template": str(state / "homes" / "{username}")}
        settings["Spawner"]["pre_spawn_hook"] = _pre_spawn_trial
        if password:
            settings["DummyAuthenticator"] = {"password": password}
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            settings["Spawner"]["args"] = [*settings["Spawner"]["args"], "--allow-root"]
    else:
        settings["JupyterHub"]["spawner_class"] = "jupyterhub.spawner.LocalProcessSpawner"
        settings["Spawner"]["pre_spawn_hook"] = _pre_spawn_real
    return settings


def apply(config, settings: dict[str, dict[str, Any]]) -> None:
    """Set ``settings`` on a traitlets config object (``c`` in ``jupyterhub_config.py``)."""
    for section, traits in settings.items():
        for trait, value in traits.items():
            setattr(getattr(config, section), trait, value)
