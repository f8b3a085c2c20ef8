"""Progress store durability: concurrent kernels, a process killed mid-write, export/import, reset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import pytest

from widgets.quiz.store import (
    ENV_VAR,
    ProgressStore,
    StoreError,
    list_learners,
    progress_dir,
    read_export,
)

ROOT = Path(__file__).resolve().parent.parent
WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    folder = tmp_path / "progress"
    monkeypatch.setenv(ENV_VAR, str(folder))
    return folder


def _child(code: str, folder: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, **{ENV_VAR: str(folder), "PYTHONPATH": str(ROOT)})
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_default_folder_and_env_override(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    expected = Path(platformdirs.user_data_dir("miss-lessons", appauthor=False)) / "progress"
    assert progress_dir() == expected
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert progress_dir() == tmp_path
    assert ProgressStore("s1").path == tmp_path / "s1.jsonl"


@pytest.mark.parametrize("bad", ["", "../etc/passwd", "a/b", ".hidden", "x" * 65, "s.jsonl"])
def test_learner_ids_are_safe_file_names(store_dir, bad):
    with pytest.raises(StoreError):
        ProgressStore(bad)


def test_record_and_read_back(store_dir):
    store = ProgressStore("student")
    rec = store.record("anat-l4-width-panjabi", {"value": 14.0, "unit": "mm"}, correct=True,
                       score=1.0, lesson="01-spinal-anatomy", objective="o", now=WHEN)
    assert rec["t"] == "2025-03-01T09:00:00+00:00"
    again = ProgressStore("student").records()
    assert again == [rec]
    lines = store.path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and json.loads(lines[0]) == rec   # one complete line, newline-ended
    assert list_learners() == ["student"]


def test_unserialisable_response_is_refused_before_writing(store_dir):
    store = ProgressStore("student")
    with pytest.raises(TypeError):
        store.record("x", object(), correct=False, score=0.0)
    assert not store.path.exists() or store.path.read_bytes() == b""


def test_corrupt_trailing_line_is_skipped_and_the_next_write_starts_clean(store_dir):
    store = ProgressStore("student")
    for i in range(3):
        store.record(f"item-{i}", "a", correct=True, score=1.0, now=WHEN)
    with store.path.open("ab") as fh:      # what a writer killed half-way leaves behind
        fh.write(b'{"id": "half", "item": "item-3", "resp')
    result = store.read()
    assert [r["item"] for r in result.records] == ["item-0", "item-1", "item-2"]
    assert result.skipped == [4]
    store.record("item-4", "b", correct=False, score=0.0, now=WHEN)
    result = store.read()
    assert [r["item"] for r in result.records] == ["item-0", "item-1", "item-2", "item-4"]
    assert result.skipped == [4]


CONCURRENT = """
import os, sys, time
from widgets.quiz.store import ProgressStore
store = ProgressStore(sys.argv[1])
open(sys.argv[4] + "." + sys.argv[3], "w").close()   # ready
while not os.path.exists(sys.argv[4]):                 # start together
    time.sleep(0.001)
for i in range(int(sys.argv[2])):
    store.record(f"{sys.argv[3]}-{i}", {"pad": "x" * 500}, correct=i % 2 == 0, score=1.0)
    time.sleep(0.001)                                  # a learner's pace, compressed
"""


def test_two_kernels_answering_at_once_lose_no_answer(store_dir):
    n = 300
    go = store_dir.parent / "go"
    kids = [_child(CONCURRENT, store_dir, "shared", str(n), tag, str(go)) for tag in ("k1", "k2")]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.{tag}").exists() for tag in ("k1", "k2")):
        assert time.monotonic() < deadline, "the two kernels did not start"
        time.sleep(0.01)
    go.write_text("go", encoding="utf-8")
    for kid in kids:
        _, err = kid.communicate(timeout=120)
        assert kid.returncode == 0, err
    result = ProgressStore("shared").read()
    assert result.skipped == []
    items = [r["item"] for r in result.records]
    assert len(items) == 2 * n
    assert sorted(items) == sorted(f"{t}-{i}" for t in ("k1", "k2") for i in range(n))
    assert len({r["id"] for r in result.records}) == 2 * n
    # the two kernels' records are interleaved, not one block after the other
    firsts = [i[:2] for i in items]
    assert firsts.index("k2") < len(firsts) - firsts[::-1].index("k1") - 1


TORN = """
import os, signal
from widgets.quiz import store as st
s = st.ProgressStore("torn")
for i in range(5):
    s.record(f"item-{i}", "a", correct=True, score=1.0)
real_write = os.write
def half_then_die(fd, data):
    real_write(fd, bytes(data)[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)
os.write = half_then_die
s.record("item-killed", "a", correct=True, score=1.0)
"""


def test_process_killed_in_the_middle_of_a_write(store_dir):
    kid = _child(TORN, store_dir)
    kid.communicate(timeout=60)
    assert kid.returncode == -signal.SIGKILL
    store = ProgressStore("torn")
    result = store.read()                      # readable, and the lock was released
    assert [r["item"] for r in result.records] == [f"item-{i}" for i in range(5)]
    assert result.skipped == [6]
    store.record("item-after", "b", correct=True, score=1.0)
    assert [r["item"] for r in store.records()][-1] == "item-after"


LOOP = """
from widgets.quiz.store import ProgressStore
store = ProgressStore("killed")
i = 0
while True:
    rec = store.record(f"item-{i}", {"pad": "y" * 3000}, correct=True, score=1.0)
    print(rec["id"], flush=True)
    i += 1
"""


def test_sigkill_at_a_random_moment_keeps_every_completed_answer(store_dir):
    kid = _child(LOOP, store_dir)
    confirmed = []
    for line in kid.stdout:
        confirmed.append(line.strip())
        if len(confirmed) >= 60:
            break
    kid.send_signal(signal.SIGKILL)
    rest, _ = kid.communicate(timeout=60)
    confirmed += [line for line in rest.split() if line]
    result = ProgressStore("killed").read()
    stored = {r["id"] for r in result.records}
    assert set(confirmed) <= stored            # every answer reported as saved is there
    assert len(result.skipped) <= 1            # at most the one line being written
    assert len(stored) >= len(confirmed)


def test_export_then_import_merges_without_duplicates(store_dir, tmp_path):
    alice = ProgressStore("alice")
    for i in range(3):
        alice.record(f"item-{i}", "a", correct=True, score=1.0, now=WHEN)
    out = alice.export(tmp_path / "exports" / "alice.jsonl")
    header, records = read_export(out)
    assert header == {"format": "miss-progress", "version": 1, "learner": "alice"}
    assert [r["item"] for r in records] == ["item-0", "item-1", "item-2"]

    laptop = ProgressStore("alice", directory=tmp_path / "laptop")
    laptop.record("item-9", "b", correct=False, score=0.0, now=WHEN)
    assert laptop.import_file(out) == 3
    assert laptop.import_file(out) == 0         # importing twice adds nothing
    assert sorted(r["item"] for r in laptop.records()) == ["item-0", "item-1", "item-2",
                                                           "item-9"]
    relabelled = ProgressStore("bob").import_file(out)
    assert relabelled == 3
    assert {r["learner"] for r in ProgressStore("bob").records()} == {"bob"}


def test_import_refuses_a_file_that_is_not_an_export(store_dir, tmp_path):
    bogus = tmp_path / "notes.jsonl"
    bogus.write_text('{"hello": 1}\n', encoding="utf-8")
    with pytest.raises(StoreError, match="not a progress export"):
        ProgressStore("alice").import_file(bogus)


def test_reset_keeps_a_backup(store_dir):
    store = ProgressStore("student")
    store.record("item-0", "a", correct=True, score=1.0, now=WHEN)
    backup = store.reset()
    assert backup is not None and backup.parent == store_dir / "backups"
    assert json.loads(backup.read_text(encoding="utf-8").splitlines()[0])["item"] == "item-0"
    assert store.records() == []
    assert store.reset() is None
    store.record("item-1", "a", correct=True, score=1.0, now=WHEN)
    assert [r["item"] for r in store.records()] == ["item-1"]
