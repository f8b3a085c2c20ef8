"""The class hub: its settings, a surge of learners, isolation between real accounts, hand-in and links.

The ``hub`` tests start JupyterHub on loopback ports only, with a temporary
state folder; every wait has a deadline and the hub is stopped at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from widgets.lessons import exchange, hub
from widgets.lessons.links import LinkError, pull_link

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ------------------------------------------------------------------------------ settings


def test_the_settings_are_sized_for_a_surge(tmp_path):
    s = hub.hub_settings("trial", state_dir=tmp_path)
    assert s["Spawner"]["http_timeout"] == 180  # 30 s (the default) let 3 of 20 up; 180 s all 20
    assert s["Spawner"]["start_timeout"] >= s["Spawner"]["http_timeout"]
    assert s["JupyterHub"]["concurrent_spawn_limit"] >= 20
    assert s["JupyterHub"]["active_server_limit"] >= 100
    culler = next(x for x in s["JupyterHub"]["services"] if x["name"] == "idle-culler")
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    role = next(r for r in s["JupyterHub"]["load_roles"] if r["name"] == "idle-culler")
    assert "delete:servers" in role["scopes"]


def test_trial_and_real_modes(tmp_path):
    trial = hub.hub_settings("trial", state_dir=tmp_path)
    assert trial["JupyterHub"]["authenticator_class"] == "dummy"
    assert trial["JupyterHub"]["spawner_class"].endswith("SimpleLocalProcessSpawner")
    assert ("--allow-root" in trial["Spawner"]["args"]) == IS_ROOT
    assert "--VoilaConfiguration.template=miss" in trial["Spawner"]["args"]
    real = hub.hub_settings("real", state_dir=tmp_path)
    assert real["JupyterHub"]["spawner_class"].endswith(".LocalProcessSpawner")
    assert "authenticator_class" not in real["JupyterHub"]  # PAM, or the institution's
    assert real["Spawner"]["cmd"] == [str(hub.USER_ENV / "bin" / "jupyterhub-singleuser")]
    with pytest.raises(ValueError, match="hub mode 'demo' is not one of trial, real"):
        hub.hub_settings("demo", state_dir=tmp_path)


def test_the_config_file_loads_with_jupyterhubs_own_loader(tmp_path, monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv("MISS_HUB_STATE", str(tmp_path))
    monkeypatch.setenv("MISS_HUB_PORT", "8123")
    config = PyFileConfigLoader("jupyterhub_config.py", str(ROOT / "deploy" / "hub")).load_config()
    assert config.JupyterHub.port == 8123
    assert config.Spawner.http_timeout == 180
    assert str(tmp_path) in config.JupyterHub.db_url


def test_lessons_are_copied_without_overwriting_a_learners_edits(tmp_path):
    new = hub.copy_lessons(tmp_path)
    assert {p.name for p in new} == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    mine = tmp_path / hub.LESSONS_FOLDER / "00-start-here.ipynb"
    mine.write_text("my own notes", encoding="utf-8")
    assert hub.copy_lessons(tmp_path) == []
    assert mine.read_text(encoding="utf-8") == "my own notes"


def test_a_link_pulls_the_lessons_and_opens_one():
    link = pull_link(hub="https://hub.example.edu/", repo="https://git.example.edu/miss.git",
                     lesson="05-evidence")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q == {"repo": "https://git.example.edu/miss.git", "branch": "main", "targetpath": "miss",
                 "urlpath": "lab/tree/miss/notebooks/05-evidence.ipynb"}


@pytest.mark.parametrize("kwargs, message", [
    ({"hub": "hub.example.edu", "repo": "r"}, "is not an http(s) address"),
    ({"hub": "https://h", "repo": " "}, "repo is empty"),
    ({"hub": "https://h", "repo": "r", "lesson": "99-x"}, "no lesson '99-x'"),
])
def test_a_bad_link_request_is_one_line(kwargs, message):
    with pytest.raises(LinkError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pull_link(**kwargs)


# ------------------------------------------------------------------------------ a surge

@pytest.mark.hub
def test_a_surge_of_five_learners_all_run_lesson_00_and_keep_their_own_answers(tmp_path):
    from benchmarks.hub_surge import run_surge

    result = run_surge(5, state=tmp_path / "hub", limit_s=480)
    assert result["errors"] == []
    assert len(result["users"]) == 5
    for r in result["users"]:
        assert r["recorded"].startswith("RECORDED "), r
        home = tmp_path / "hub" / "homes" / r["user"]
        assert r["recorded"].endswith(str(home / ".local" / "share" / "miss-lessons" / "progress"))
        stores = sorted(p.name for p in (tmp_path / "hub" / "homes").rglob("*.jsonl")
                        if r["user"] in p.parts)
        assert stores == [f"{r['user']}.jsonl"]  # one store, in their own home
        records = [json.loads(line) for line in
                   (home / ".local/share/miss-lessons/progress" / f"{r['user']}.jsonl").open()]
        assert records and {x["learner"] for x in records} == {r["user"]}
        assert (home / hub.LESSONS_FOLDER / "00-start-here.ipynb").is_file()


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Tutor", "-c", "user.email=tutor@example.edu", *args],
                   cwd=cwd, check=True, capture_output=True)


@pytest.mark.hub
def test_a_pull_link_brings_the_lessons_and_later_updates_without_losing_edits(tmp_path):
    """nbgitpuller on the hub, from a local repository: first pull, an edit, an update, a pull."""
    from benchmarks.hub_surge import _request, start_hub, stop_hub, wait_hub

    repo = tmp_path / "miss.git"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "00-start-here.ipynb", repo / "notebooks")
    (repo / "README.md").write_text("lessons\n", encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "lessons")
    link = pull_link(hub="http://127.0.0.1:1", repo=str(repo), lesson="00-start-here")
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    token, user = secrets.token_hex(32), "learner01"
    proc, base = start_hub(tmp_path / "hub", token=token)
    home = tmp_path / "hub" / "homes" / user

    async def pull():
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest

        api = (f"{base}/user/{user}/git-pull/api?repo={query['repo']}&branch={query['branch']}"
               f"&targetpath={query['targetpath']}")
        resp = await AsyncHTTPClient().fetch(HTTPRequest(
            api, headers={"Authorization": f"token {token}"}, request_timeout=120))
        assert b'"phase": "finished"' in resp.body, resp.body[-500:]

    async def scenario():
        from tornado.httpclient import AsyncHTTPClient

        client = AsyncHTTPClient()
        await wait_hub(base, token, time.monotonic() + 90)
        await _request(client, "POST", f"{base}/hub/api/users/{user}", token, {}, ok=(201, 409))
        await _request(client, "POST", f"{base}/hub/api/users/{user}/server", token, {})
        deadline = time.monotonic() + 180
        while not ((await _request(client, "GET", f"{base}/hub/api/users/{user}", token))
                   .get("servers", {}).get("", {}).get("ready")):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.5)
        await pull()
        pulled = home / query["targetpath"] / "notebooks" / "00-start-here.ipynb"
        assert pulled.is_file() and query["urlpath"].endswith("miss/notebooks/00-start-here.ipynb")
        (home / "miss" / "README.md").write_text("my notes\n", encoding="utf-8")   # the learner's edit
        (repo / "notebooks" / "new-lesson.ipynb").write_text("{}", encoding="utf-8")  # an update
        _git(repo, "add", ".")
        _git(repo, "commit", "-q", "-m", "update")
        await pull()
        assert (home / "miss" / "notebooks" / "new-lesson.ipynb").is_file()
        assert (home / "miss" / "README.md").read_text(encoding="utf-8") == "my notes\n"

    try:
        asyncio.run(scenario())
    finally:
        stop_hub(proc)


# ------------------------------------------------------------------------------ real accounts

LEARNERS = ("misstest-a", "misstest-b")


@pytest.fixture(scope="module")
def accounts():
    if not IS_ROOT or not shutil.which("useradd"):
        pytest.skip("needs root and useradd (CI runs as root)")
    for name in LEARNERS:
        subprocess.run(["userdel", "-r", name], capture_output=True)
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True)
    yield LEARNERS
    for name in LEARNERS:
        subprocess.run(["pkill", "-u", name], capture_output=True)
        subprocess.run(["userdel", "-r", name], capture_output=True)


def _as(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.hub
def test_exchange_each_learner_writes_their_own_hand_in_and_reads_nobody_elses(accounts, tmp_path,
                                                                              request):
    a, b = accounts
    root = Path(tempfile.mkdtemp(prefix="miss-exchange-"))  # outside pytest's private folder
    root.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    box = exchange.setup("block-a", accounts, root=root)
    for user in accounts:
        src = Path(pwd.getpwnam(user).pw_dir) / f"{user}-00-start-here-progress.jsonl"
        src.write_text(json.dumps({"learner": user}) + "\n", encoding="utf-8")
        shutil.chown(src, user)
        assert _as(user, "cp", str(src), str(box / user / src.name)).returncode == 0
    theirs = box / b / f"{b}-00-start-here-progress.jsonl"
    assert _as(a, "cat", str(theirs)).returncode != 0          # cannot read B's hand-in
    assert _as(a, "ls", str(box / b)).returncode != 0           # nor list B's folder
    assert _as(a, "ls", str(box)).returncode != 0               # nor list who handed in
    assert _as(a, "cp", "/etc/hostname", str(box / b / "x.jsonl")).returncode != 0  # nor write there
    assert _as(a, "cp", "/etc/hostname", str(box / f"{b}-x.jsonl")).returncode != 0
    sneaky = box / a / f"{b}-00-start-here-progress.jsonl"      # A hands in under B's name
    assert _as(a, "cp", "/etc/hostname", str(sneaky)).returncode == 0
    copied, refused = exchange.gather("block-a", tmp_path / "handed-in", root=root)
    assert sorted(p.name for p in copied) == sorted(f"{u}-00-start-here-progress.jsonl" for u in accounts)
    assert refused == [sneaky]


@pytest.mark.hub
def test_real_accounts_cannot_read_or_change_each_others_homes(accounts):
    for user in accounts:
        entry = pwd.getpwnam(user)
        hub.prepare_home(entry.pw_dir, uid=entry.pw_uid, gid=entry.pw_gid)
    a, b = accounts
    home_b = Path(pwd.getpwnam(b).pw_dir)
    lesson_b = home_b / hub.LESSONS_FOLDER / "00-start-here.ipynb"
    assert _as(b, "test", "-w", str(lesson_b)).returncode == 0   # B owns their copy
    assert _as(a, "cat", str(lesson_b)).returncode != 0
    assert _as(a, "ls", str(home_b)).returncode != 0
    assert _as(a, "touch", str(home_b / hub.LESSONS_FOLDER / "x.ipynb")).returncode != 0
    assert oct(home_b.stat().st_mode & 0o777) == "0o700"


@pytest.mark.hub
def test_the_real_hub_runs_each_learner_as_their_own_account(accounts, tmp_path):
    """LocalProcessSpawner with real accounts: each server and kernel runs as its learner."""
    from benchmarks.hub_surge import _execute, _request, start_hub, stop_hub, wait_hub
    from widgets.dev import ensure_user_env, venv_python

    ensure_user_env(venv_python())
    token = secrets.token_hex(32)
    proc, base = start_hub(tmp_path / "hub", token=token, env_extra={"MISS_HUB_MODE": "real"})

    async def scenario():
        from tornado.httpclient import AsyncHTTPClient

        client = AsyncHTTPClient()
        await wait_hub(base, token, time.monotonic() + 90)
        out = {}
        for user in accounts:
            await _request(client, "POST", f"{base}/hub/api/users/{user}", token, {}, ok=(201, 409))
            await _request(client, "POST", f"{base}/hub/api/users/{user}/server", token, {})
        deadline = time.monotonic() + 240
        for user in accounts:
            while not ((await _request(client, "GET", f"{base}/hub/api/users/{user}", token))
                       .get("servers", {}).get("", {}).get("ready")):
                assert time.monotonic() < deadline, f"{user}: server not ready"
                await asyncio.sleep(0.5)
        other = {accounts[0]: accounts[1], accounts[1]: accounts[0]}
        for user in accounts:
            theirs = Path(pwd.getpwnam(other[user]).pw_dir) / hub.LESSONS_FOLDER / "00-start-here.ipynb"
            out[user] = await _execute(base, user, token, [
                "import getpass, os; print('USER', getpass.getuser())",
                f"try:\n    open({str(theirs)!r}).read(); print('READ other')\n"
                "except PermissionError:\n    print('DENIED other')",
                "print('LESSON', os.path.exists(os.path.expanduser("
                f"'~/{hub.LESSONS_FOLDER}/00-start-here.ipynb')))",
            ], deadline + 60)
        return out

    try:
        out = asyncio.run(scenario())
    finally:
        stop_hub(proc)
    for user in accounts:
        assert f"USER {user}" in out[user]
        assert "DENIED other" in out[user]
        assert "LESSON True" in out[user]


def test_exchange_bad_input_is_one_line(tmp_path):
    with pytest.raises(exchange.ExchangeError, match="not a plain name"):
        exchange.inbound("../etc", tmp_path)
    with pytest.raises(exchange.ExchangeError, match="no such progress file"):
        exchange.submit(tmp_path / "none.jsonl", class_name="c", learner="x", root=tmp_path)
    with pytest.raises(exchange.ExchangeError, match="no exchange for class"):
        exchange.gather("c", tmp_path / "out", root=tmp_path)


def test_the_hub_command_is_documented_for_instructors():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    instructors = text.split("## For instructors", 1)[1]
    assert "python3 -m widgets.dev hub" in instructors
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "widgets.dev hub" not in quick



def test_submit_copies_a_hand_in_readable_by_its_owner_only(tmp_path):
    own = exchange.inbound("block-b", tmp_path) / "s001"
    own.mkdir(parents=True)
    src = tmp_path / "s001-00-start-here-progress.jsonl"
    src.write_text("{}\n", encoding="utf-8")
    copy = exchange.submit(src, class_name="block-b", learner="s001", root=tmp_path)
    assert copy == own / src.name and oct(copy.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(exchange.ExchangeError, match="no hand-in folder for 's002'"):
        exchange.submit(src, class_name="block-b", learner="s002", root=tmp_path)
