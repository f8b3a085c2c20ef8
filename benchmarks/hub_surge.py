"""A start-of-class surge on the class hub, on loopback only: N learners at once.

:func:`run_surge` starts the hub (trial mode, ``deploy/hub/jupyterhub_config.py``)
on free loopback ports with a temporary state folder, then, for N users within
2 seconds, creates each user and starts their server through the hub's REST API
(the ``class-tools`` service token), waits until every server is ready, runs
lesson 00 top to bottom in a kernel of each server through the Jupyter server
API (one websocket per kernel), records one quiz answer in each learner's own
progress store, and stops everything. Bounded: every wait has a deadline and
the hub is stopped at the end whatever happened.

It returns what it measured: time to ready and to executed per user, the hub's
CPU seconds, the memory per user (server + kernel resident set) and, measured in
the same run, the memory of an empty-notebook kernel. ``python -m benchmarks
bench_hub`` runs it with N = 20; ``tests/test_hub.py`` with N = 5.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "00-start-here.ipynb"
RECORD = (
    "from widgets.quiz.view import lesson_quiz\n"
    "from widgets.quiz.types import of\n"
    "from widgets.quiz.store import progress_dir\n"
    "_v = lesson_quiz('00-start-here', seed=0)\n"
    "_it = _v.current.item\n"
    "_g = _v.answer(of(_it.type).correct_response(_it))\n"
    "print('RECORDED', _it.id, _g.correct, str(progress_dir()))\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path("/proc").glob("[0-9]*"):
        try:
            stat = (task / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(task.name))
    return out


def _tree_rss_kb(pid: int) -> int:
    return _rss_kb(pid) + sum(_tree_rss_kb(c) for c in _children(pid))


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids() -> dict[str, int]:
    """Map user name -> pid of their single-user server (read from /proc)."""
    found = {}
    for task in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (task / "cmdline").read_bytes().split(b"\0")
            if not any(b"jupyterhub-singleuser" in part for part in cmd):
                continue
            env = dict(kv.split(b"=", 1) for kv in (task / "environ").read_bytes().split(b"\0")
                       if b"=" in kv)
        except OSError:
            continue
        user = env.get(b"JUPYTERHUB_USER")
        if user:
            found[user.decode()] = int(task.name)
    return found


def start_hub(state: Path, *, token: str, env_extra: dict[str, str] | None = None):
    """Start the hub in trial mode on free loopback ports; return (process, base URL)."""
    from widgets.dev import ensure_proxy

    proxy = ensure_proxy()
    port = _free_port()
    env = dict(os.environ, MISS_HUB_MODE="trial", MISS_HUB_STATE=str(state),
               MISS_HUB_PORT=str(port), MISS_HUB_API_PORT=str(_free_port()),
               MISS_HUB_PROXY_API_PORT=str(_free_port()), MISS_HUB_SERVICE_TOKEN=token,
               PATH=f"{proxy.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.update(env_extra or {})  # e.g. MISS_HUB_MODE=real
    env.pop("MISS_PROGRESS_DIR", None)  # each learner's store goes in their own home
    state.mkdir(parents=True, exist_ok=True)
    log = open(state / "hub.log", "w")  # noqa: SIM115 (closed by stop_hub)
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f",
                             str(ROOT / "deploy" / "hub" / "jupyterhub_config.py")],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.log = log  # type: ignore[attr-defined]
    return proc, f"http://127.0.0.1:{port}"


def stop_hub(proc) -> None:
    """Stop the hub (it stops the servers it started) and wait for it."""
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    proc.log.close()


async def _request(client, method: str, url: str, token: str, body: Any = None, ok=(200, 201, 202, 204)):
    from tornado.httpclient import HTTPClientError, HTTPRequest

    req = HTTPRequest(url, method=method, headers={"Authorization": f"token {token}"},
                      body=None if body is None and method == "GET" else json.dumps(body or {}),
                      request_timeout=120, allow_nonstandard_methods=True)
    try:
        resp = await client.fetch(req, raise_error=False)
    except HTTPClientError as exc:  # pragma: no cover
        raise RuntimeError(f"{method} {url}: {exc}") from exc
    if resp.code not in ok:
        raise RuntimeError(f"{method} {url}: HTTP {resp.code} {resp.body[:200]!r}")
    return json.loads(resp.body) if resp.body else None


async def wait_hub(base: str, token: str, deadline: float) -> None:
    """Wait until the hub's API answers (or raise at the deadline)."""
    from tornado.httpclient import AsyncHTTPClient

    client = AsyncHTTPClient()
    while time.monotonic() < deadline:
        try:
            await _request(client, "GET", f"{base}/hub/api/", token)
            return
        except Exception:  # noqa: BLE001 (not up yet)
            await asyncio.sleep(0.5)
    raise TimeoutError("the hub did not start")


async def _execute(base: str, user: str, token: str, sources: list[str], deadline: float) -> list[str]:
    """Start a kernel on ``user``'s server, run ``sources`` in order; return the printed lines."""
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    client = AsyncHTTPClient()
    kernel = await _request(client, "POST", f"{base}/user/{user}/api/kernels", token,
                            {"name": "python3"})
    ws_url = f"{base.replace('http', 'ws', 1)}/user/{user}/api/kernels/{kernel['id']}/channels"
    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    session, printed = uuid.uuid4().hex, []
    try:
        for source in sources:
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": user, "session": session,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": source, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            replied = idle = False
            while not (replied and idle):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{user}: a cell did not finish in time")
                raw = await asyncio.wait_for(conn.read_message(), timeout=remaining)
                if raw is None:
                    raise RuntimeError(f"{user}: the kernel's websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "error":
                    raise RuntimeError(f"{user}: {msg['content']['ename']}: {msg['content']['evalue']}")
                if kind == "stream":
                    printed += msg["content"]["text"].splitlines()
                if kind == "execute_reply":
                    replied = True
                if kind == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True  # every output of the cell has arrived
    finally:
        conn.close()
    return printed


def lesson_sources(path: Path = LESSON) -> list[str]:
    """Return the code cells of a lesson, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


async def _one_user(base: str, token: str, user: str, t0: float, deadline: float,
                    sources: list[str]) -> dict[str, Any]:
    from tornado.httpclient import AsyncHTTPClient

    client = AsyncHTTPClient()
    await _request(client, "POST", f"{base}/hub/api/users/{user}", token, {}, ok=(201, 409))
    await _request(client, "POST", f"{base}/hub/api/users/{user}/server", token, {})
    while True:
        info = await _request(client, "GET", f"{base}/hub/api/users/{user}", token)
        server = (info.get("servers") or {}).get("")
        if server and server.get("ready"):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{user}: server not ready in time")
        await asyncio.sleep(0.5)
    ready = time.monotonic() - t0
    printed = await _execute(base, user, token, [*sources, RECORD], deadline)
    recorded = [line for line in printed if line.startswith("RECORDED")]
    return {"user": user, "ready_s": ready, "executed_s": time.monotonic() - t0,
            "recorded": recorded[-1] if recorded else ""}


async def _surge(base: str, token: str, users: list[str], limit_s: float) -> list[dict[str, Any]]:
    t0 = time.monotonic()
    deadline = t0 + limit_s
    sources = lesson_sources()
    tasks = []
    for k, user in enumerate(users):  # every login within 2 s
        tasks.append(asyncio.ensure_future(_one_user(base, token, user, t0, deadline, sources)))
        await asyncio.sleep(min(2.0 / max(len(users), 1), 0.1) if k < len(users) - 1 else 0)
    return await asyncio.gather(*tasks, return_exceptions=True)


def run_surge(n: int = 5, *, state: Path, limit_s: float = 600.0) -> dict[str, Any]:
    """Run a surge of ``n`` users (see the module docstring); return the measurements."""
    from tornado.httpclient import AsyncHTTPClient

    # tornado's client holds 10 connections by default and counts the time a request waits for
    # one as part of its timeout: with 20 learners polling, requests timed out in that queue
    AsyncHTTPClient.configure(None, max_clients=max(64, 4 * n))
    token = secrets.token_hex(32)
    proc, base = start_hub(state, token=token)
    users = [f"learner{k:02d}" for k in range(1, n + 1)]
    try:
        asyncio.run(wait_hub(base, token, time.monotonic() + 90))
        cpu0 = _cpu_seconds(proc.pid)
        results = asyncio.run(_surge(base, token, users, limit_s))
        hub_cpu = _cpu_seconds(proc.pid) - cpu0
        servers = _server_pids()
        memory = {u: _tree_rss_kb(pid) / 1024 for u, pid in servers.items() if u in users}
        empty = asyncio.run(_empty_kernel_mb(base, token, users[0]))
    finally:
        stop_hub(proc)
    errors = [str(r) for r in results if isinstance(r, BaseException)]
    done = [r for r in results if not isinstance(r, BaseException)]
    return {"n": n, "errors": errors, "users": done, "hub_cpu_s": hub_cpu,
            "memory_mb": memory, "empty_kernel_mb": empty, "homes": state / "homes"}


async def _empty_kernel_mb(base: str, token: str, user: str) -> float:
    """Start a kernel that runs nothing on ``user``'s server; return its resident memory in MB."""
    await _execute(base, user, token, ["pass"], time.monotonic() + 60)
    server = _server_pids().get(user)
    sizes = [_tree_rss_kb(pid) for pid in _children(server)] if server else []
    return min(sizes) / 1024 if sizes else 0.0
