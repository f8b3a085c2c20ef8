"""Question banks as an LMS imports them (QTI 1.2, Moodle XML) and the Canvas and Moodle grade files."""

from __future__ import annotations

import csv
import textwrap
import zipfile

import pytest

from widgets.lessons import classbuild
from widgets.lessons.collect import collect, variant_items
from widgets.lessons.config import BuildError, load_config
from widgets.lessons.jobs import plan
from widgets.lessons.lms import export_lesson, lesson_pools, main_export
from widgets.quiz import grade
from widgets.quiz.items import all_items
from widgets.quiz.lms import ExportError, Pool, feedback_text, moodle, pools_of_items, qti12
from widgets.quiz.store import ProgressStore
from widgets.quiz.types import of


@pytest.fixture(scope="module")
def items():
    return all_items()


@pytest.fixture(scope="module")
def qti_records(items):
    xml = qti12.write(pools_of_items(items), title="every item", assessment_id="every")
    return xml, {r["id"]: r for r in qti12.read(xml)}


@pytest.fixture(scope="module")
def moodle_records(items):
    xml = moodle.write(pools_of_items(items), bank="MISS")
    return {r["id"]: r for r in moodle.read(xml)}


# ------------------------------------------------------------------------------ QTI 1.2


def test_every_item_exports_to_qti_valid_against_the_published_dtd(qti_records, items):
    xml, records = qti_records
    assert qti12.validate(xml) == []
    assert set(records) == {i.id for i in items}


def test_a_broken_qti_export_is_caught_by_the_dtd(qti_records):
    xml, _ = qti_records
    broken = xml.replace(b"<resprocessing>\n", b"<resprocessing>\n<nonsense/>\n", 1)
    assert broken != xml
    assert any("nonsense" in p for p in qti12.validate(broken))


def test_every_qti_item_reads_back_with_its_texts_key_and_feedback(qti_records, items):
    _, records = qti_records
    for item in items:
        rec, form = records[item.id], of(item.type).lms_form(item)
        assert rec["stem"].startswith(item.stem.strip().split("\n\n")[0].strip()), item.id
        assert rec["general"] == feedback_text(item).strip(), item.id
        assert "Sources: " in rec["general"], item.id
        if form.kind == "choice":
            assert rec["type"] == ("multiple_answers_question" if form.multiple
                                   else "multiple_choice_question")
            assert [(t, f) for _, t, f in rec["options"]] == [(o[1], o[2]) for o in form.options]
            assert rec["keyed"] == sorted(qti12.ident(o[0]) for o in form.options if o[3])
        elif form.kind == "numerical":
            assert rec["type"] == "numerical_question"
            assert rec["low"] == pytest.approx(form.key - form.tolerance)
            assert rec["high"] == pytest.approx(form.key + form.tolerance)
            assert rec["feedback"] == dict(form.feedback)
            assert f"Answer in {item.unit}" in rec["stem"] or item.unit in (None, "ratio")
        else:
            assert rec["type"] == "matching_question"
            assert rec["prompts"] == [t for _, t in form.prompts]
            assert rec["choices"] == [t for _, t in form.choices]
            wanted = {f"response_{qti12.ident(p)}": qti12.ident(c) for p, c in form.pairs.items()}
            assert rec["pairs"] == wanted


def test_an_ordering_item_is_asked_as_positions_matched_to_steps(qti_records, items):
    _, records = qti_records
    item = next(i for i in items if i.type == "ordering")
    rec = records[item.id]
    assert rec["prompts"] == [f"Step {n}" for n in range(1, len(item.answer) + 1)]
    first_step = qti12.ident(item.answer[0])
    assert rec["pairs"]["response_step-1"] == first_step


def test_a_pool_of_variants_is_a_section_that_asks_one(items):
    pool = Pool("variants", "Variants", tuple(items[:4]), pick=1)
    xml = qti12.write([pool], title="t", assessment_id="t")
    assert qti12.validate(xml) == []
    assert {(r["pool"], r["pick"]) for r in qti12.read(xml)} == {("variants", 1)}
    with pytest.raises(ExportError, match="pick 5 is not between 1 and 4"):
        Pool("variants", "Variants", tuple(items[:4]), pick=5)


def test_the_case_lesson_exports_each_template_as_a_pool_of_resolved_variants():
    pools = lesson_pools("07-case")
    generated = [p for p in pools if p.pick == 1]
    assert len(generated) >= 5
    assert all(len(p.items) >= 2 for p in generated)
    for pool in generated:
        assert len({i.id for i in pool.items}) == len(pool.items)
        assert all("{{" not in i.stem for i in pool.items)  # numbers resolved


def test_the_qti_package_holds_a_manifest_and_the_assessment(tmp_path):
    path = export_lesson("03-techniques", "qti12", tmp_path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "imsmanifest.xml" in names
        xml = z.read("miss-03-techniques.xml")
        assert b'href="miss-03-techniques.xml"' in z.read("imsmanifest.xml")
    assert qti12.validate(xml) == []


# ------------------------------------------------------------------------------ Moodle XML


def test_every_item_reads_back_from_moodle_xml_with_its_key_and_feedback(moodle_records, items):
    for item in items:
        rec, form = moodle_records[item.id], of(item.type).lms_form(item)
        assert rec["name"] == item.id
        assert rec["category"] == f"$course$/top/MISS/{item.id}"
        assert rec["general"] == feedback_text(item).strip()
        if form.kind == "choice":
            assert rec["type"] == "multichoice" and rec["single"] is not form.multiple
            assert [(t, f) for t, _, f in rec["options"]] == [(o[1], o[2]) for o in form.options]
            keyed = [fr for (_, fr, _), o in zip(rec["options"], form.options, strict=True) if o[3]]
            assert sum(keyed) == pytest.approx(100, abs=1e-3)
            others = [fr for (_, fr, _), o in zip(rec["options"], form.options, strict=True)
                      if not o[3]]
            assert all(fr <= 0 for fr in others)
        elif form.kind == "numerical":
            assert rec["type"] == "numerical"
            assert (rec["key"], rec["tolerance"]) == (pytest.approx(form.key),
                                                      pytest.approx(form.tolerance))
        else:
            texts = dict(form.choices)
            wanted = [(p, texts[form.pairs[pid]]) for pid, p in form.prompts]
            assert rec["pairs"][:len(wanted)] == wanted
            assert {a for _, a in rec["pairs"]} == set(texts.values())


def test_a_file_that_is_not_moodle_xml_is_refused_in_one_line():
    with pytest.raises(ExportError, match="not a Moodle XML file"):
        moodle.read(b"<questestinterop/>")


# ------------------------------------------------------------------------------ where exports go


def test_the_command_writes_every_lesson_and_names_each_file(tmp_path, capsys):
    assert main_export("moodle", str(tmp_path), ["00-start-here", "07-case"], None) == 0
    out = capsys.readouterr().out
    assert "00-start-here-moodle.xml" in out and "07-case-moodle.xml" in out


@pytest.mark.parametrize("args, message", [
    (("xml", "00-start-here"), "format 'xml' is not one of qti12, moodle"),
    (("moodle", "99-nothing"), "no lesson '99-nothing' in the catalog"),
])
def test_bad_input_is_one_line(tmp_path, capsys, args, message):
    fmt, lesson = args
    code = main_export(fmt, str(tmp_path), [lesson], None)
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_an_export_is_never_written_into_a_student_build(tmp_path):
    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ExportError, match="student version"):
        export_lesson("00-start-here", "moodle", tmp_path / "student" / "exports")
    assert not (tmp_path / "student").exists()


def test_an_export_is_never_written_into_the_lessons():
    from widgets.core.catalog import notebooks_dir

    with pytest.raises(ExportError, match="inside the lessons folder"):
        export_lesson("00-start-here", "qti12", notebooks_dir())


def test_the_class_build_writes_no_export():
    import inspect

    source = inspect.getsource(classbuild)
    assert "lms" not in {m.split(".")[-1] for m in source.split() if m.startswith("widgets.")}
    assert "export_lesson" not in source


# ------------------------------------------------------------------------------ grades for the LMS

CLASS = """
    class: lms-test
    lesson: 07-case
    seed: 3
    versions: [student]
    students:
      - {id: s1, case: lumbar-disc-herniation}
      - {id: s2, case: lumbar-stenosis}
      - {id: s3, case: lumbar-stenosis}
    lms:
      assignment: MISS case quiz
      identities:
        s1: {canvas_sis_user_id: "2025001", moodle_idnumber: "M-1", email: s1@uni.example}
        s2: {canvas_sis_login_id: s2login, email: s2@uni.example}
"""


def _config(tmp_path, text=CLASS):
    path = tmp_path / "class.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path, tmp_path / "build")


def test_collect_writes_the_canvas_and_moodle_grade_imports(tmp_path):
    config = _config(tmp_path)
    classbuild._write_manifest(config, plan(config), [])
    items = variant_items("07-case", config.variants[0].parameters)
    store = ProgressStore("s1", tmp_path / "stores")
    for item in items:
        store.record_grade(item, grade(item, of(item.type).correct_response(item)), mode="exam")
    store.export(tmp_path / "in" / "s1-07-case-progress.jsonl")
    result = collect(tmp_path / "build", tmp_path / "in")
    with result.files["canvas grades"].open(encoding="utf-8") as fh:
        canvas = list(csv.reader(fh))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "MISS case quiz"]
    assert canvas[1:] == [["s1", "", "2025001", "", "", "100.0"], ["s2", "", "", "s2login", "", "0.0"]]
    with result.files["moodle grades"].open(encoding="utf-8") as fh:
        moodle_rows = list(csv.reader(fh))
    assert moodle_rows == [["ID number", "Email address", "MISS case quiz"],
                           ["M-1", "s1@uni.example", "100.0"], ["", "s2@uni.example", "0.0"]]
    assert any("no Canvas identity for s3" in p for p in result.problems)


@pytest.mark.parametrize("change, message", [
    ("s2: {email: s2@uni.example}", "'s9', who is not in the class"),
    ("s2: {moodle_idnumber: M-1}", "moodle_idnumber 'M-1' is given to both 's1' and 's2'"),
    ("s2: {email: not-an-address}", "not-an-address"),
    ("s2: {canvas_id: '1'}", "canvas_id"),
])
def test_lms_identities_are_checked_like_every_other_field(tmp_path, change, message):
    text = CLASS.replace("s2: {canvas_sis_login_id: s2login, email: s2@uni.example}", change)
    if "who is not" in message:
        text = text.replace("s2: {email", "s9: {email")
    with pytest.raises(BuildError, match=message.replace("(", r"\(")) as exc:
        _config(tmp_path, text)
    assert "\n" not in str(exc.value)
