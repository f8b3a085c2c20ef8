"""Collecting a class's exported progress files into a gradebook and an item analysis (no kernels)."""

from __future__ import annotations

import csv
import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from widgets.lessons import classbuild
from widgets.lessons.collect import collect, main_collect, variant_items
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
    config = classbuild.load_config(path, tmp_path / "build")
    classbuild._write_manifest(config, classbuild.plan(config), [])  # collect needs only the manifest
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
    assert any(p.startswith("notes.jsonl: skipped") for p in result.problems)

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
