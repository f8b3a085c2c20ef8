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


# --------------------------------------------------------------------------- every record is checked


def _good(**kw):
    rec = {"v": 1, "id": "r1", "learner": "student", "item": "anat-x", "lesson": "01-spinal-anatomy",
           "objective": "o", "mode": "practice", "response": "a", "correct": True, "score": 1.0,
           "t": "2025-03-01T09:00:00+00:00"}
    rec.update(kw)
    return rec


@pytest.mark.parametrize(("change", "why"), [
    ({"t": "yesterday"}, "'t' must be an ISO 8601 time"),
    ({"t": 12345}, "'t' must be an ISO 8601 time"),
    ({"t": None}, "'t' must be an ISO 8601 time"),
    ({"score": "abc"}, "'score' must be a number from 0 to 1"),
    ({"score": 100}, "'score' must be a number from 0 to 1"),
    ({"score": -0.5}, "'score' must be a number from 0 to 1"),
    ({"score": float("nan")}, "'score' must be a number from 0 to 1"),
    ({"score": 10**400}, "'score' must be a number from 0 to 1"),
    ({"score": True}, "'score' must be a number from 0 to 1"),
    ({"correct": "yes"}, "'correct' must be true or false"),
    ({"id": ""}, "'id' must be non-empty text"),
    ({"id": ["x"]}, "'id' must be non-empty text"),
    ({"item": 5}, "'item' must be non-empty text"),
    ({"mode": ["exam"]}, "'mode' must be text"),
    ({"lesson": None}, "'lesson' must be text"),
])
def test_a_bad_record_is_skipped_with_its_line_and_why(store_dir, change, why):
    store = ProgressStore("student")
    store.record("item-0", "a", correct=True, score=1.0, now=WHEN)
    with store.path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(_good(**change)) + "\n")
    store.record("item-2", "b", correct=False, score=0.0, now=WHEN)
    result = store.read()
    assert [r["item"] for r in result.records] == ["item-0", "item-2"]
    assert result.skipped == [2]
    assert result.lines == [1, 3]
    assert len(result.problems) == 1 and result.problems[0].startswith(f"line 2: {why}")


@pytest.mark.parametrize(("raw", "why"), [
    (b'{"id": "x", "item": "i", "t": "2025-03-01", "mode": "ex\xffam"}', "line 2: not valid UTF-8"),
    (b'["not", "an", "object"]', "line 2: not a record"),
    (b'{"id": "x", "item": "i"}', "line 2: no 't' field"),
    (b'{"id": "x", "item": "i", "t": "2025', "line 2: not a complete JSON record"),
    (b"[" * 100000, "line 2: not a complete JSON record"),
])
def test_lines_that_are_not_records_are_reported_not_dropped_in_silence(store_dir, raw, why):
    store = ProgressStore("student")
    store.record("item-0", "a", correct=True, score=1.0, now=WHEN)
    with store.path.open("ab") as fh:
        fh.write(raw + b"\n")
    result = store.read()
    assert [r["item"] for r in result.records] == ["item-0"]
    assert result.problems[0].startswith(why), result.problems


def test_lines_of_an_export_count_the_header(store_dir, tmp_path):
    from widgets.quiz.store import read_export_result

    store = ProgressStore("student")
    for i in range(3):
        store.record(f"item-{i}", "a", correct=True, score=1.0, now=WHEN)
    path = store.export(tmp_path / "e.jsonl")
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"t":"2025', b'"t":"yesterday')
    path.write_bytes(b"\n".join(lines))
    header, result = read_export_result(path)
    assert header["learner"] == "student"
    assert result.lines == [2, 4] and result.skipped == [3]
    assert result.problems[0].startswith("line 3: 't' must be an ISO 8601 time")
    assert [r["item"] for r in read_export(path)[1]] == ["item-0", "item-2"]


def test_an_export_with_a_byte_order_mark_is_read(store_dir, tmp_path):
    store = ProgressStore("student")
    store.record("item-0", "a", correct=True, score=1.0, now=WHEN)
    path = store.export(tmp_path / "e.jsonl")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [r["item"] for r in read_export(path)[1]] == ["item-0"]


def test_export_and_import_round_trip_every_valid_record(store_dir, tmp_path):
    store = ProgressStore("student")
    responses = ["a", ["a", "c"], {"value": 14.5, "unit": "mm"}, {"p1": "x", "p2": None},
                 ["s2", None, "s1"], None, "naïve “quotes” ✓"]
    sent = [store.record(f"item-{i}", r, correct=i % 2 == 0, score=i / 10, now=WHEN,
                         mode="exam" if i % 2 else "practice", lesson="07-case")
            for i, r in enumerate(responses)]
    with store.path.open("ab") as fh:    # damage between good records: reported, never exported
        fh.write(json.dumps(_good(id="bad1", t="yesterday")).encode() + b"\n")
        fh.write(b'{"id": "bad2", "item": "x", "t": "2025-01-01", "mode": "\xff"}\n')
    sent.append(store.record("item-last", "b", correct=False, score=0.0, now=WHEN))
    assert len(store.read().problems) == 2

    path = store.export(tmp_path / "student.jsonl")
    _, exported = read_export(path)
    assert exported == sent
    laptop = ProgressStore("student", directory=tmp_path / "laptop")
    assert laptop.import_file(path) == len(sent)
    assert laptop.records() == sent
    assert laptop.read().problems == []


def test_the_review_lesson_reads_a_store_holding_bad_records(store_dir):
    from widgets.quiz.items import item_index
    from widgets.quiz.review import due_table, mastery_table, review_items, store_summary

    info = item_index()[0]
    store = ProgressStore("student")
    store.record(info.id, "a", correct=True, score=1.0, lesson=info.lesson,
                 objective=info.objective, now=WHEN)
    with store.path.open("a", encoding="utf-8") as fh:
        for bad in ({"t": "yesterday"}, {"score": "abc"}, {"correct": "no"}, {"t": 12345}):
            fh.write(json.dumps(_good(id=f"bad-{len(bad)}", item=info.id, lesson=info.lesson,
                                      objective=info.objective, **bad)) + "\n")
    assert store_summary("student").iloc[0].tolist() == [1, 4]
    due = due_table("student", now=WHEN)
    assert due.loc[info.lesson, "waiting"] == 1
    mastery = mastery_table("student")
    assert mastery["answered"].sum() == 1
    assert info.id not in [i.id for i in review_items("student", n_items=500, now=WHEN)]
