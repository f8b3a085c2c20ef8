"""Question banks: schema validation with file/item/line errors, keys resolved from data."""

from __future__ import annotations

import collections
import math

import pytest

from widgets.core.catalog import LESSONS
from widgets.core.data import load_table, references
from widgets.quiz.items import BankError, all_items, get_item, load_bank, load_banks
from widgets.quiz.keys import KeySpecError, resolve

GOOD_ITEM = """\
  - id: {id}
    type: single
    lesson: 00-start-here
    objective: Compare the tissue corridor of open midline exposure with tubular access
    bloom: apply
    difficulty: easy
    topics: [corridor]
    sources: [Kulkarni2019]
    values:
      d: {{from: function, function: corridor.tube_diameters, index: 1, attribute: value}}
    stem: A surgeon uses a {{{{ d:g }}}} mm tube. Which statement is right?
    options:
      - id: a
        text: The window is a disc
        feedback: Right.
      - id: b
        text: The window is a square
        feedback: No.
      - id: c
        text: The window is a line
        feedback: No.
    answer: a
    explanation: The window is the tube's cross-section.
"""


def _bank(name: str, *items: str) -> str:
    return f"bank: {name}\ntitle: Test bank\nitems:\n" + "".join(items)


def _line_of(text: str, needle: str, start: int = 0) -> int:
    return text[: text.index(needle, start)].count("\n") + 1


# --------------------------------------------------------------------- the real banks

def test_banks_load_with_enough_cited_items():
    items = all_items()
    assert len(items) >= 60
    refs = references()
    lessons = {lesson.stem for lesson in LESSONS}
    for item in items:
        assert item.sources and all(k in refs for k in item.sources), item.id
        assert len(item.citations) == len(item.sources)
        assert item.lesson in lessons
        assert "{{" not in item.stem + item.explanation, item.id
        for opt in (*item.options, *item.prompts):
            assert opt.feedback.strip(), f"{item.id}: option {opt.id} has no feedback"
        if item.type == "numeric":
            assert math.isfinite(item.key) and item.unit
            assert set(item.feedback) == {"correct", "low", "high"}


def test_items_aim_at_application_and_analysis():
    blooms = collections.Counter(item.bloom for item in all_items())
    higher = blooms["apply"] + blooms["analyze"] + blooms["evaluate"] + blooms["create"]
    assert higher / sum(blooms.values()) >= 0.8, blooms


def test_every_existing_lesson_has_a_quiz_and_every_type_is_used():
    items = all_items()
    by_lesson = collections.Counter(item.lesson for item in items)
    assert by_lesson["00-start-here"] >= 6
    assert by_lesson["01-spinal-anatomy"] >= 10
    assert {item.type for item in items} == {"single", "multiple", "numeric", "ordering",
                                             "matching"}


def test_l4_pedicle_width_comes_from_the_morphometry_table():
    table = load_table("lumbar_morphometry")
    rows = table[(table["level"] == "L4") & (table["measure"] == "pedicle_width_transverse")
                 & (table["source_key"] == "Panjabi1992") & (table["subgroup"] == "left")]
    item = get_item("start-secondary-flag")
    width = item.values["w"]
    assert width.value == pytest.approx(rows["value"].iloc[0])
    assert width.value == pytest.approx(14.7)  # Panjabi's left L4 mean, by hand
    assert width.unit == "mm"
    assert "secondary-source" in item.confidences
    assert "secondary-source" in item.explanation
    assert "14.7 mm" in item.stem


def test_window_area_key_comes_from_the_corridor_model():
    item = get_item("start-window-area-16")
    assert item.key == pytest.approx(math.pi * 8.0**2)   # a 16 mm tube, by hand: 201.06 mm²
    assert item.unit == "mm2"
    assert "16 mm" in item.stem and "201 mm²" in item.explanation


def test_numeric_key_is_converted_to_the_item_unit():
    item = get_item("rad-inverse-square")       # the table gives 32 mrem; a ninth, in mSv
    assert item.unit == "mSv"
    assert item.key == pytest.approx(0.32 / 9)
    assert get_item("rad-estimates-differ").values["a"].value == pytest.approx(20 / 0.32)


def test_banks_are_cached_until_a_file_changes(data_copy):
    first = load_banks(data_copy / "questions")
    again = load_banks(data_copy / "questions")
    assert all(a is b for a, b in zip(first, again, strict=True))
    path = data_copy / "questions" / "00-start-here.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = load_banks(data_copy / "questions")
    assert changed[0] is not first[0] and changed[1] is first[1]


def test_a_lesson_quiz_builds_only_the_banks_holding_its_items(data_copy):
    from widgets.quiz import items as bank_items

    bank_items._load_bank_cached.cache_clear()
    found = bank_items.items_for_lesson("00-start-here", data_copy / "questions")
    assert found and {i.lesson for i in found} == {"00-start-here"}
    assert bank_items._load_bank_cached.cache_info().currsize == 1
    assert [i.id for i in found] == [i.id for i in all_items(data_copy / "questions")
                                     if i.lesson == "00-start-here"]


# --------------------------------------------------------------------- schema errors

def test_schema_error_names_file_item_and_line(data_copy):
    text = _bank("broken", GOOD_ITEM.format(id="fine-one"),
                 GOOD_ITEM.format(id="broken-one").replace("        feedback: No.\n", "", 1))
    path = data_copy / "questions" / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as err:
        load_bank(path)
    exc = err.value
    start = text.index("id: broken-one")
    option_b = _line_of(text, "- id: b", start)
    assert (exc.file, exc.item_id, exc.line) == ("data/questions/broken.yaml", "broken-one",
                                                 option_b)
    assert str(exc).startswith(f"data/questions/broken.yaml line {option_b}, item 'broken-one':")
    assert "'feedback' is a required property" in str(exc)
    assert "items[1].options[1]" in str(exc)


def test_schema_error_for_a_bad_enum_points_at_the_key(data_copy):
    text = _bank("badbloom", GOOD_ITEM.format(id="bad-bloom").replace("bloom: apply",
                                                                       "bloom: memorise"))
    path = data_copy / "questions" / "badbloom.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as err:
        load_bank(path)
    assert err.value.item_id == "bad-bloom"
    assert err.value.line == _line_of(text, "bloom: memorise")
    assert "'memorise' is not one of" in str(err.value)


def test_yaml_syntax_error_names_line_and_item(tmp_path):
    text = _bank("syntax", GOOD_ITEM.format(id="first-item"),
                 GOOD_ITEM.format(id="second-item").replace("feedback: Right.",
                                                            "feedback: Right: no."))
    path = tmp_path / "syntax.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as err:
        load_bank(path)
    assert err.value.item_id == "second-item"
    assert err.value.line == _line_of(text, "feedback: Right: no.")
    assert "not valid YAML" in str(err.value)


@pytest.mark.parametrize(
    ("change", "message", "key"),
    [
        (("sources: [Kulkarni2019]", "sources: [NoSuchPaper1999]"),
         "source key 'NoSuchPaper1999' does not resolve", "sources:"),
        (("answer: a", "answer: z"), "answer 'z' is not one of the option ids", "answer:"),
        (("index: 1, attribute: value", "index: 7, attribute: value"),
         "cannot take item 7", "values:"),
        (("function: corridor.tube_diameters", 'function: "widgets.access.corridor:tube_diameters"'),
         "does not match", "function:"),
        (("function: corridor.tube_diameters", "function: corridor.tube_diameter"),
         "did you mean corridor.tube_diameters", "values:"),
        (("{{ d:g }} mm tube", "{{ width }} mm tube"), "names no value", "stem:"),
        (("lesson: 00-start-here", "lesson: 42-no-such-lesson"), "not in the lesson map",
         "lesson:"),
    ],
)
def test_semantic_errors_name_the_item_and_line(tmp_path, change, message, key):
    old, new = change
    text = _bank("semantic", GOOD_ITEM.format(id="the-item").replace(old, new))
    path = tmp_path / "semantic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as err:
        load_bank(path)
    assert err.value.item_id == "the-item"
    assert message in str(err.value) and "\n" not in str(err.value)
    assert err.value.line == _line_of(text, key)


def test_numbers_must_come_from_cited_sources(tmp_path):
    item = GOOD_ITEM.format(id="uncited").replace(
        "d: {from: function, function: corridor.tube_diameters, index: 1, attribute: value}",
        "d: {from: table, table: lumbar_morphometry, where: {level: L4, measure:"
        " pedicle_width_transverse, source_key: Zindrick1987}}")
    path = tmp_path / "uncited.yaml"
    path.write_text(_bank("uncited", item), encoding="utf-8")
    with pytest.raises(BankError, match="comes from Zindrick1987, which the item does not list"):
        load_bank(path)


def test_duplicate_ids_within_and_across_banks(data_copy, tmp_path):
    path = tmp_path / "dupes.yaml"
    path.write_text(_bank("dupes", GOOD_ITEM.format(id="same"), GOOD_ITEM.format(id="same")),
                    encoding="utf-8")
    with pytest.raises(BankError, match="duplicate item id"):
        load_bank(path)
    other = data_copy / "questions" / "zz-copy.yaml"
    other.write_text(_bank("zz-copy", GOOD_ITEM.format(id="start-window-area-16")),
                     encoding="utf-8")
    with pytest.raises(BankError, match="item id also used in data/questions/00-start-here.yaml"):
        load_banks(data_copy / "questions")


def test_bank_name_must_match_its_file(tmp_path):
    path = tmp_path / "one-name.yaml"
    path.write_text(_bank("another-name", GOOD_ITEM.format(id="x-item")), encoding="utf-8")
    with pytest.raises(BankError, match="must live in another-name.yaml"):
        load_bank(path)


# --------------------------------------------------------------------- value specs

def test_only_registered_functions_may_be_called():
    for name in ("os.getcwd", "os:getcwd", "widgets.access.corridor:_positive", "corridor._positive",
                 None):
        with pytest.raises(KeySpecError, match="no function named") as err:
            resolve({"from": "function", "function": name})
        assert "\n" not in str(err.value)
    with pytest.raises(KeySpecError, match="not allowed"):
        resolve({"from": "formula", "formula": "__import__('os').getcwd()"})


def test_an_unknown_function_name_fails_in_one_line_with_close_matches():
    with pytest.raises(KeySpecError) as err:
        resolve({"from": "function", "function": "screws.presets", "args": {"level": "L4"}})
    message = str(err.value)
    assert message == ("no function named 'screws.presets' in widgets.quiz.functions;"
                       " did you mean screws.preset?")
    with pytest.raises(KeySpecError, match="see widgets.quiz.functions for the names$"):
        resolve({"from": "function", "function": "zz.qq"})


def _function_names(node) -> list[str]:
    """Every ``function:`` name of the value specs in a loaded bank, nested arguments too."""
    if isinstance(node, list):
        return [n for sub in node for n in _function_names(sub)]
    if not isinstance(node, dict):
        return []
    own = [node["function"]] if node.get("from") == "function" else []
    return own + [n for sub in node.values() for n in _function_names(sub)]


def _bank_function_names() -> collections.Counter:
    import yaml

    from widgets.quiz.items import questions_dir

    used: collections.Counter = collections.Counter()
    for path in sorted(questions_dir().glob("*.yaml")):
        used.update(_function_names(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return used


def test_every_function_a_bank_names_is_registered_and_every_registered_one_is_used():
    from widgets.quiz import functions, keys

    used = _bank_function_names()
    assert sum(used.values()) >= 60  # the walk really finds the banks' calls
    registered = set(functions.names())
    assert set(used) - registered == set()
    documented = {n for n in registered if n in (keys.__doc__ or "") + (functions.__doc__ or "")}
    assert registered - set(used) - documented == set(), "drop them, or show them in a docstring"
    assert all(callable(functions.lookup(n)) for n in registered)


def test_table_specs_need_exactly_one_row_unless_aggregated():
    spec = {"from": "table", "table": "lumbar_morphometry",
            "where": {"level": "L4", "measure": "pedicle_width_transverse",
                      "source_key": "Panjabi1992"}}
    with pytest.raises(KeySpecError, match="2 rows of table 'lumbar_morphometry' match"):
        resolve(spec)
    low = resolve({**spec, "aggregate": "min"})
    assert low.value == pytest.approx(13.4) and low.unit == "mm"
    assert low.sources == frozenset({"Panjabi1992"})
    with pytest.raises(KeySpecError, match="no row of table"):
        resolve({**spec, "where": {"level": "L9"}})


def test_formula_and_provenance():
    env = {"a": resolve({"from": "assumption", "name": "skin_to_lamina_depth"})}
    out = resolve({"from": "formula", "formula": "a * 2 + sqrt(16)", "unit": "mm"}, env)
    assert out.value == pytest.approx(104.0)
    assert out.confidences == frozenset({"assumption", "derived"})


def test_the_quick_scan_agrees_with_the_full_load_for_every_bank():
    from widgets.quiz import items as bank_items

    for bank in load_banks():
        path = bank_items.questions_dir() / f"{bank.name}.yaml"
        lessons, ids = bank_items._scan_bank(*bank_items._stamp(path))
        assert lessons == {item.lesson for item in bank.items}, bank.file
        assert ids == tuple((item.id, item.line) for item in bank.items), bank.file


def test_the_bank_schema_is_a_valid_draft_2020_12_schema():
    import json

    import jsonschema

    from widgets.quiz import items as bank_items

    schema = json.loads((bank_items.questions_dir() / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)



def test_the_item_index_agrees_with_the_full_load():
    from widgets.quiz.items import all_items, item_index

    full = all_items()
    index = item_index()
    assert [(i.id, i.lesson, i.objective, i.sources, i.bank, i.file, i.line) for i in full] == \
        [(i.id, i.lesson, i.objective, i.sources, i.bank, i.file, i.line) for i in index]


def test_items_by_id_keeps_the_order_asked_for():
    from widgets.quiz.items import all_items, items_by_id

    full = all_items()
    wanted = [full[-1].id, full[0].id, full[len(full) // 2].id]
    assert [i.id for i in items_by_id(wanted)] == wanted
    with pytest.raises(KeyError, match="no-such-item"):
        items_by_id(["no-such-item"])


def test_a_broken_bank_is_reported_by_the_index_as_by_the_full_load(data_copy):
    from widgets.quiz.items import item_index

    text = _bank("broken", GOOD_ITEM.format(id="fine-one"),
                 GOOD_ITEM.format(id="broken-one").replace("        feedback: No.\n", "", 1))
    (data_copy / "questions" / "broken.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match="'feedback' is a required property") as err:
        item_index()
    assert (err.value.file, err.value.item_id) == ("data/questions/broken.yaml", "broken-one")


def test_review_items_match_the_schedule_over_every_full_item(tmp_path, monkeypatch):
    from widgets.quiz.items import all_items
    from widgets.quiz.review import review_items
    from widgets.quiz.scheduler import due_items
    from widgets.quiz.store import learner_store

    monkeypatch.setenv("MISS_PROGRESS_DIR", str(tmp_path))
    expected = due_items(all_items(), learner_store("index-check").records(), limit=12)
    assert [i.id for i in review_items("index-check", n_items=12)] == [i.id for i in expected]


@pytest.mark.parametrize("change", [
    ("  - id: cond-meyerding-grade\n    type: single\n", "  - type: single\n    id: cond-meyerding-grade\n"),
    ("    lesson: 02-conditions-and-selection\n", "    lesson: '02-conditions-and-selection'\n"),
    ("items:\n", "items: # the questions\n\n"),
], ids=["id not first", "quoted lesson", "comment and blank line"])
def test_an_unusual_layout_scans_the_same(tmp_path, change):
    from widgets.quiz import items as bank_items

    source = bank_items.questions_dir() / "02-conditions-and-selection.yaml"
    text = source.read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / source.name
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    lessons, ids = bank_items._scan_bank(*bank_items._stamp(path))
    assert lessons == {"02-conditions-and-selection"}
    reference = bank_items._scan_bank(*bank_items._stamp(source))
    assert [i for i, _ in ids] == [i for i, _ in reference[1]]
