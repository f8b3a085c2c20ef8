"""Collecting a class's exported progress files into a gradebook and an item analysis (no kernels)."""

from __future__ import annotations

import csv
import json
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from widgets.lessons import classbuild
from widgets.lessons.collect import collect, main_collect, variant_items
from widgets.lessons.config import load_config
from widgets.lessons.jobs import plan
from widgets.quiz import grade
from widgets.quiz.store import ProgressStore

CONFIG = """
    class: collect-test
    lesson: 07-case
    seed: 9
    versions: [student]
    students:
      - {id: s1, case: lumbar-disc-herniation}
      - {id: s2, case: lumbar-disc-herniation}
      - {id: s3, case: degenerative-spondylolisthesis}
      - {id: s4, case: lumbar-stenosis}
    groups:
      - {id: g1, members: [s5, s6], case: cauda-equina}
"""


def right(item):
    if item.type == "numeric":
        return (item.key, item.unit)
    if item.type == "matching":
        return dict(item.answer)
    if item.type in ("multiple", "ordering"):
        return list(item.answer)
    return item.answer


def wrong(item):
    if item.type == "numeric":
        return (item.key + 100, item.unit)
    if item.type == "single":
        return next(o.id for o in item.options if o.id != item.answer)
    if item.type == "matching":
        first = item.prompts[0].id
        other = next(c.id for c in item.choices if c.id != item.answer[first])
        return {**item.answer, first: other}
    return []


@pytest.fixture
def class_build(tmp_path):
    path = tmp_path / "class.yaml"
    path.write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    config = load_config(path, tmp_path / "build")
    classbuild._write_manifest(config, plan(config), [])  # collect needs only the manifest
    return config


def hand_in(tmp_path, learner, items, answers, t0=datetime(2030, 1, 1, tzinfo=UTC)):
    store = ProgressStore(learner, tmp_path / "stores")
    for k, (item, response) in enumerate(zip(items, answers, strict=True)):
        store.record_grade(item, grade(item, response), mode="exam", now=t0 + timedelta(seconds=k))
    return store.export(tmp_path / "handed-in" / f"{learner}-07-case-progress.jsonl")


def test_gradebook_and_item_analysis(tmp_path, class_build):
    params = {v.id: v.parameters for v in class_build.variants}
    items = {v: variant_items("07-case", p) for v, p in params.items()}
    # s1: all right (100 %); s2: the first two wrong, the rest right; s3: only the first answered;
    # s4: hands nothing in; g1: all right, one file for both members
    hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    hand_in(tmp_path, "s2", items["s2"], [wrong(i) if k < 2 else right(i) for k, i in enumerate(items["s2"])])
    hand_in(tmp_path, "s3", items["s3"][:1], [right(items["s3"][0])])
    hand_in(tmp_path, "g1", items["g1"], [right(i) for i in items["g1"]])
    # noise: a learner not in the class, and a file that is not a progress export
    hand_in(tmp_path, "stranger", items["s1"][:1], [right(items["s1"][0])])
    (tmp_path / "handed-in" / "notes.jsonl").write_text("hello\n", encoding="utf-8")

    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = result.gradebook.set_index("learner_id")
    n2 = len(items["s2"])
    assert book.loc["s1", "07-case"] == 100.0 and book.loc["s1", "status"] == "handed in"
    # s2: wrong answers score 0 (a wrong matching answer gets partial credit: (prompts-1)/prompts)
    partial = sum(grade(i, wrong(i)).score for i in items["s2"][:2])
    assert book.loc["s2", "07-case"] == round(100 * (n2 - 2 + partial) / n2, 1)
    assert book.loc["s3", "07-case"] == round(100 / len(items["s3"]), 1)
    assert (book.loc["s4", "07-case"], book.loc["s4", "status"]) == (0.0, "no progress file")
    assert book.loc["s5", "07-case"] == book.loc["s6", "07-case"] == 100.0
    assert book.loc["s5", "variant"] == "g1"
    assert list(book.index) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert any("stranger" in p for p in result.problems)
    assert "notes.jsonl: skipped (not a progress export (no 'miss-progress' header line))" in result.problems

    # the item analysis is the quiz engine's: one row per item answered, with p-values
    stats = result.items.set_index("item")
    first = items["s1"][0].id
    assert stats.loc[first, "n"] == 2  # s1 and s2 share the same quiz items (same case, difficulty)
    assert set(stats.columns) >= {"p_value", "point_biserial", "upper_lower", "template", "bloom", "stem"}
    assert stats.loc[items["g1"][0].id, "p_value"] == 1.0
    assert set(result.distractors["item"]) <= set(stats.index)

    with open(result.files["gradebook"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0] == {"learner_id": "s1", "07-case": "100.0", "total": "100.0", "variant": "s1",
                       "case": "lumbar-disc-herniation", "status": "handed in", "note": ""}


def test_answers_to_questions_outside_the_quiz_are_left_out(tmp_path, class_build):
    s1 = variant_items("07-case", class_build.variants[0].parameters)
    s3 = variant_items("07-case", class_build.variants[2].parameters)
    hand_in(tmp_path, "s1", [*s1, s3[0]], [*(right(i) for i in s1), right(s3[0])])
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert result.gradebook.set_index("learner_id").loc["s1", "07-case"] == 100.0
    assert any("not in their quiz" in p for p in result.problems)


def test_the_command_line(tmp_path, class_build, capsys):
    (tmp_path / "handed-in").mkdir()
    assert main_collect(str(tmp_path / "build"), str(tmp_path / "handed-in")) == 0
    out = capsys.readouterr().out
    assert "7 students" not in out and "6 students, 0 with answers" in out
    assert (tmp_path / "build" / "gradebook.csv").is_file()
    assert main_collect(str(tmp_path / "nowhere"), str(tmp_path / "handed-in")) == 2


# --------------------------------------------------------------------------- attacks on grading
# Each test below hands in what a student could write by hand; every one failed on the collect
# that read the stored verdicts, trusted the header and stopped at the first bad record.


def _items(config):
    return {v.id: variant_items("07-case", v.parameters) for v in config.variants}


def _edit(path, change):
    """Rewrite every record of an exported file with ``change(record) -> record``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [json.dumps(change(json.loads(line))) for line in lines[1:]]
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")


def _relabel(path, learner, target=None):
    """Give an exported file another learner in its header (and optionally another name)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = {**json.loads(lines[0]), "learner": learner}
    out = target or path
    out.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    if target is not None and target != path:
        path.unlink()
    return out


def _book(result):
    return result.gradebook.set_index("learner_id")


def test_stored_verdicts_are_ignored_and_every_response_is_graded_again(tmp_path, class_build):
    items = _items(class_build)
    forged = hand_in(tmp_path, "s1", items["s1"], [wrong(i) for i in items["s1"]])
    _edit(forged, lambda r: {**r, "correct": True, "score": 1.0})      # 0 % dressed up as 100 %
    huge = hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    _edit(huge, lambda r: {**r, "score": 100})                          # once gave 10000 %
    low = hand_in(tmp_path, "s3", items["s3"], [right(i) for i in items["s3"]])
    _edit(low, lambda r: {**r, "score": -5, "correct": "no"})
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    expected = round(100 * sum(grade(i, wrong(i)).score for i in items["s1"]) / len(items["s1"]), 1)
    assert expected < 50
    assert book.loc["s1", "07-case"] == expected
    assert book.loc["s2", "07-case"] == 100.0
    assert book.loc["s3", "07-case"] == 100.0
    assert book["07-case"].between(0, 100).all()


def test_invalid_stored_verdicts_are_reported_by_file_and_line(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    _edit(path, lambda r: {**r, "score": 100})
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert any(p.startswith("s2-07-case-progress.jsonl line 2: 'score' must be a number from 0 to 1")
               and "graded again" in p for p in result.problems), result.problems


def test_a_back_dated_copy_of_right_answers_does_not_win(tmp_path, class_build):
    items = _items(class_build)["s1"]
    store = ProgressStore("s1", tmp_path / "stores")
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    for k, item in enumerate(items):  # the exam as submitted: all wrong
        store.record_grade(item, grade(item, wrong(item)), mode="exam", now=t0 + timedelta(seconds=k))
    for item in items:  # right answers added afterwards, dated a year earlier
        store.record_grade(item, grade(item, right(item)), mode="exam", now=t0 - timedelta(days=365))
    store.export(tmp_path / "handed-in" / "s1-07-case-progress.jsonl")
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    assert book.loc["s1", "07-case"] == round(
        100 * sum(grade(i, wrong(i)).score for i in items) / len(items), 1)


def test_the_last_submitted_exam_answer_counts(tmp_path, class_build):
    items = _items(class_build)["s1"]
    store = ProgressStore("s1", tmp_path / "stores")
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    for k, item in enumerate(items):
        store.record_grade(item, grade(item, right(item)), mode="exam", now=t0)
        later = t0 + timedelta(hours=1, seconds=k)
        store.record_grade(item, grade(item, wrong(item)), mode="exam", now=later)
    store.export(tmp_path / "handed-in" / "s1-07-case-progress.jsonl")
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    assert book.loc["s1", "07-case"] < 50


def test_practice_answers_never_count(tmp_path, class_build):
    items = _items(class_build)["s1"]
    store = ProgressStore("s1", tmp_path / "stores")
    for item in items:
        store.record_grade(item, grade(item, right(item)), mode="practice")
    store.export(tmp_path / "handed-in" / "s1-07-case-progress.jsonl")
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    assert book.loc["s1", "07-case"] == 0.0
    assert book.loc["s1", "status"] == "no exam answers"
    assert "practice" in book.loc["s1", "note"]


def test_drafts_never_count(tmp_path, class_build):
    items = _items(class_build)["s1"]
    path = hand_in(tmp_path, "s1", items, [right(i) for i in items])
    _edit(path, lambda r: {**r, "draft": True})   # saved, never submitted
    assert _book(collect(tmp_path / "build", tmp_path / "handed-in")).loc["s1", "07-case"] == 0.0


def test_many_copies_of_a_right_answer_never_pass_100_percent(tmp_path, class_build):
    items = _items(class_build)["s1"]
    hand_in(tmp_path, "s1", [*items, *([items[0]] * 20)], [right(i) for i in [*items, *([items[0]] * 20)]])
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    assert book.loc["s1", "07-case"] == 100.0


def test_a_response_that_cannot_be_graded_scores_0_and_names_the_line(tmp_path, class_build):
    items = _items(class_build)["s1"]
    path = hand_in(tmp_path, "s1", items, [right(i) for i in items])
    target = items[0].id

    def forge(rec):
        if rec["item"] == target:
            return {**rec, "response": {"x": [1]} if items[0].type != "numeric" else {"value": "abc"}}
        return rec

    _edit(path, forge)
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == round(100 * (len(items) - 1) / len(items), 1)
    assert any(p.startswith("s1-07-case-progress.jsonl line 2:") and target in p
               and "could not grade" in p for p in result.problems), result.problems


def test_the_manifest_pins_the_suite_version_and_each_item(tmp_path, class_build):
    import widgets
    from widgets.quiz.grading import item_hash

    manifest = json.loads((tmp_path / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["suite_version"] == widgets.__version__
    items = _items(class_build)
    for variant in manifest["variants"]:
        pins = variant["items"]
        assert [p["id"] for p in pins] == [i.id for i in items[variant["id"]]]
        assert [p["hash"] for p in pins] == [item_hash(i) for i in items[variant["id"]]]


def test_an_item_changed_since_the_build_is_named_and_graded_as_the_students_saw_it(
        tmp_path, class_build, monkeypatch):
    import dataclasses

    from widgets.lessons import collect as collect_module

    items = _items(class_build)
    hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    changed = next(i for i in items["s1"] if i.type == "single")
    other = next(o.id for o in changed.options if o.id != changed.answer)
    real = collect_module.variant_items

    def corrected_key(lesson, parameters):  # the bank's key was "corrected" after the build
        return [dataclasses.replace(i, answer=other) if i.id == changed.id else i
                for i in real(lesson, parameters)]

    monkeypatch.setattr(collect_module, "variant_items", corrected_key)
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == 100.0
    assert [p for p in result.problems if changed.id in p and "changed" in p
            and "graded by the version the students saw" in p]


def test_a_manifest_without_pins_is_graded_with_a_warning(tmp_path, class_build):
    path = tmp_path / "build" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for variant in manifest["variants"]:
        del variant["items"]
    path.write_text(json.dumps(manifest), encoding="utf-8")
    items = _items(class_build)
    hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == 100.0
    assert any("no pinned items" in p and "rebuild" in p for p in result.problems)


def test_a_pin_edited_by_hand_is_refused(tmp_path, class_build, capsys):
    from widgets.lessons.collect import CollectError

    path = tmp_path / "build" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    pin = next(p for p in manifest["variants"][0]["items"] if p["type"] == "single")
    pin["answer"] = next(o for o, _ in pin["options"] if o != pin["answer"])
    path.write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "handed-in").mkdir()
    with pytest.raises(CollectError, match="does not match its hash"):
        collect(tmp_path / "build", tmp_path / "handed-in")
    assert main_collect(str(tmp_path / "build"), str(tmp_path / "handed-in")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: manifest.json, variant 's1'")


def test_a_malformed_manifest_or_a_missing_folder_is_one_line(tmp_path, class_build, capsys):
    (tmp_path / "build" / "manifest.json").write_text("{ not json", encoding="utf-8")
    (tmp_path / "handed-in").mkdir()
    assert main_collect(str(tmp_path / "build"), str(tmp_path / "handed-in")) == 2
    assert "line 1: not valid JSON" in capsys.readouterr().err
    classbuild._write_manifest(class_build, plan(class_build), [])
    assert main_collect(str(tmp_path / "build"), str(tmp_path / "nowhere")) == 2
    assert "no such folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- one student, another's grade


def _needs_review(book, learner):
    row = book.loc[learner]
    return row["status"] == "needs review" and row["07-case"] != row["07-case"]  # empty score (NaN)


def test_a_file_claiming_another_learner_changes_no_grade(tmp_path, class_build):
    items = _items(class_build)
    hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    forged = hand_in(tmp_path, "s2", items["s1"], [wrong(i) for i in items["s1"]],
                     t0=datetime(2031, 1, 1, tzinfo=UTC))
    _relabel(forged, "s1")   # s2's file, named for s2, says it is s1's
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert _needs_review(book, "s1") and _needs_review(book, "s2")
    assert "s2-07-case-progress.jsonl" in book.loc["s1", "note"]
    assert any(p.startswith("conflict: s2-07-case-progress.jsonl") for p in result.problems)
    assert book.loc["s3", "status"] == "no progress file"   # the others are untouched


def test_two_files_for_one_learner_are_a_conflict(tmp_path, class_build):
    items = _items(class_build)
    hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    second = hand_in(tmp_path, "x", items["s1"], [wrong(i) for i in items["s1"]])
    _relabel(second, "s1", tmp_path / "handed-in" / "s1-07-case-progress (1).jsonl")
    hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert _needs_review(book, "s1")
    assert "s1-07-case-progress (1).jsonl" in book.loc["s1", "note"]
    assert "s1-07-case-progress.jsonl" in book.loc["s1", "note"]
    assert book.loc["s2", "07-case"] == 100.0


def test_a_file_whose_name_and_header_disagree_is_a_conflict(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    path.rename(tmp_path / "handed-in" / "s1-07-case-progress.jsonl")
    book = _book(collect(tmp_path / "build", tmp_path / "handed-in"))
    assert _needs_review(book, "s1") and _needs_review(book, "s2")


def test_a_file_named_for_nobody_cannot_hand_in_for_someone(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s2", items["s1"], [wrong(i) for i in items["s1"]])
    _relabel(path, "s1", tmp_path / "handed-in" / "answers.jsonl")
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert _needs_review(book, "s1")
    assert "answers.jsonl" in book.loc["s1", "note"]


def test_answer_records_copied_between_two_learners_files_are_a_conflict(tmp_path, class_build):
    items = _items(class_build)
    victim = hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    copy = tmp_path / "handed-in" / "s1-07-case-progress.jsonl"
    copy.write_bytes(victim.read_bytes())
    _relabel(copy, "s1")   # s1 hands in s2's records as their own
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert _needs_review(book, "s1") and _needs_review(book, "s2")
    assert any(p.startswith("conflict: s1-07-case-progress.jsonl and s2-07-case-progress.jsonl share")
               for p in result.problems), result.problems


def test_a_group_member_handing_in_alone_is_told_the_group_hands_in(tmp_path, class_build):
    items = _items(class_build)
    hand_in(tmp_path, "s5", items["g1"], [right(i) for i in items["g1"]])
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert any("'s5'" in p and "group 'g1'" in p for p in result.problems)
    assert _book(result).loc["s5", "status"] == "no progress file"


# --------------------------------------------------------------------------- bad records


@pytest.mark.parametrize(("change", "message"), [
    ({"t": "yesterday"}, "'t' must be an ISO 8601 time"),
    ({"t": 12345}, "'t' must be an ISO 8601 time"),
    ({"id": ["x"]}, "'id' must be non-empty text"),
    ({"item": ""}, "'item' must be non-empty text"),
    ({"mode": 3}, "'mode' must be text"),
])
def test_one_bad_record_is_skipped_and_everyone_else_is_graded(tmp_path, class_build, change, message):
    items = _items(class_build)
    path = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    first = items["s1"][0].id
    _edit(path, lambda r: {**r, **change} if r["item"] == first else r)
    hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert book.loc["s1", "07-case"] == round(100 * (len(items["s1"]) - 1) / len(items["s1"]), 1)
    assert book.loc["s2", "07-case"] == 100.0
    assert any(p.startswith(f"s1-07-case-progress.jsonl line 2: {message}") for p in result.problems), \
        result.problems


def test_a_record_with_score_abc_is_still_graded_from_its_response(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    _edit(path, lambda r: {**r, "score": "abc"})
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == 100.0
    assert any(p.startswith("s1-07-case-progress.jsonl line 2: 'score' must be a number")
               for p in result.problems)


def test_a_line_that_is_not_utf8_is_reported(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b'"exam"', b'"ex\xffam"')
    path.write_bytes(b"\n".join(lines))
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == round(100 * (len(items["s1"]) - 1) / len(items["s1"]), 1)
    assert any(p.startswith("s1-07-case-progress.jsonl line 4: not valid UTF-8") for p in result.problems)


def test_a_byte_order_mark_before_the_header_is_accepted(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _book(collect(tmp_path / "build", tmp_path / "handed-in")).loc["s1", "07-case"] == 100.0


def test_a_file_of_many_bad_lines_gives_a_few_warnings_not_thousands(tmp_path, class_build):
    items = _items(class_build)
    path = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": f"x{k}", "item": "i", "t": "yesterday"}) + "\n"
                      for k in range(2000))
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    assert _book(result).loc["s1", "07-case"] == 100.0
    mine = [p for p in result.problems if p.startswith("s1-07-case-progress.jsonl")]
    assert len(mine) == 6 and mine[-1].endswith("1995 more invalid line(s) left out (lines 13 to 2007)")


def test_an_oversized_hand_in_is_refused_before_it_is_read(tmp_path, class_build, monkeypatch):
    from widgets.quiz import store as store_module

    items = _items(class_build)
    small = hand_in(tmp_path, "s1", items["s1"], [right(i) for i in items["s1"]])
    big = hand_in(tmp_path, "s2", items["s2"], [right(i) for i in items["s2"]])
    limit = max(small.stat().st_size, big.stat().st_size)
    monkeypatch.setattr(store_module, "MAX_EXPORT_BYTES", limit)
    with big.open("ab") as fh:              # s2's file grows past the limit
        fh.write(b"\n" * (limit + 1 - big.stat().st_size))
    result = collect(tmp_path / "build", tmp_path / "handed-in")
    book = _book(result)
    assert book.loc["s1", "07-case"] == 100.0
    assert any(p.startswith("s2-07-case-progress.jsonl: skipped") and "larger than a progress export"
               in p for p in result.problems)
