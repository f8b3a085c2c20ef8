"""The data layer: every table validates, and bad data fails with file, line and column."""

from __future__ import annotations

import json

import pytest

from widgets.core import data
from widgets.core.data import DataError, load_table, references, table_names


def test_there_are_tables_and_references():
    names = table_names()
    assert {"lumbar_morphometry", "outcomes_mis_vs_open", "instruments"} <= set(names)
    assert len(references()) >= 50


@pytest.mark.parametrize("name", table_names())
def test_every_table_validates_and_resolves_its_sources(name):
    frame = load_table(name)
    assert len(frame) > 0
    refs = references()
    unresolved = sorted(set(frame["source_key"]) - set(refs))
    assert unresolved == [], f"{name}: unresolved source keys {unresolved}"
    assert set(frame["confidence"]) <= set(data.CONFIDENCE_FLAGS)
    schema = data.load_schema(name)
    assert list(frame.columns) == [c.name for c in schema.columns]


def test_reference_dois_look_like_dois():
    for key, item in references().items():
        if "DOI" in item:
            assert item["DOI"].startswith("10."), key


def test_load_table_returns_a_copy():
    a = load_table("instruments")
    a.loc[a.index[0], "value"] = -1
    assert load_table("instruments").loc[a.index[0], "value"] != -1


def test_panjabi_l4_pedicle_width_is_the_published_value():
    # Panjabi 1992 (via transcription): L4 pedicle width 14.05 mm is the mean of left and right
    t = load_table("lumbar_morphometry")
    rows = t[(t.level == "L4") & t.measure.str.startswith("pedicle_width")
             & (t.source_key == "Panjabi1992")]
    assert len(rows) >= 1
    assert set(rows.confidence) == {"secondary-source"}


def _edit_line(path, line_no, old, new):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_non_number_names_file_line_and_column(data_copy):
    path = data_copy / "tables" / "instruments.csv"
    line = 2
    header = path.read_text().splitlines()[0].split(",")
    col = header.index("value")
    cells = path.read_text().splitlines()[line - 1].split(",")
    _edit_line(path, line, f",{cells[col]},", ",twelve,")
    expected = r"data/tables/instruments\.csv line 2: column 'value' must be a number"
    with pytest.raises(DataError, match=expected):
        load_table("instruments")


def test_an_unknown_source_key_is_caught(data_copy):
    path = data_copy / "tables" / "instruments.csv"
    _edit_line(path, 2, "Kulkarni2019", "Nobody1999")
    with pytest.raises(DataError, match=r"line 2: column 'source_key' is 'Nobody1999'"):
        load_table("instruments")


def test_a_bad_confidence_flag_is_caught(data_copy):
    path = data_copy / "tables" / "instruments.csv"
    _edit_line(path, 2, "read-directly", "rumour")
    with pytest.raises(DataError, match=r"line 2: column 'confidence' is 'rumour'"):
        load_table("instruments")


def test_an_out_of_range_value_is_caught(data_copy):
    schema = data_copy / "tables" / "instruments.schema.yaml"
    text = schema.read_text()
    import yaml

    raw = yaml.safe_load(text)
    for col in raw["columns"]:
        if col["name"] == "value":
            col["maximum"] = 10
    schema.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(DataError, match=r"column 'value' is .*above its maximum 10"):
        load_table("instruments")


def test_a_missing_file_and_a_missing_table(data_copy):
    (data_copy / "tables" / "instruments.csv").unlink()
    with pytest.raises(DataError, match=r"instruments\.csv: file missing"):
        load_table("instruments")
    with pytest.raises(DataError, match=r"no such table 'nonsense'"):
        load_table("nonsense")


def test_a_truncated_row_and_a_bad_header(data_copy):
    path = data_copy / "tables" / "instruments.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "tubular retractor,diameter\n")
    with pytest.raises(DataError, match=r"line 2: 2 cells, expected"):
        load_table("instruments")
    path.write_text("foo,bar\n")
    data.clear_cache()
    with pytest.raises(DataError, match=r"line 1: header does not match the schema"):
        load_table("instruments")


def test_corrupt_references_are_named(data_copy):
    (data_copy / "references.json").write_text('[{"id": "a"},\n{"id": ')
    with pytest.raises(DataError, match=r"references\.json line 2: not valid JSON"):
        references()


def test_duplicate_reference_ids_are_caught(data_copy):
    (data_copy / "references.json").write_text(json.dumps([{"id": "a"}, {"id": "a"}]))
    with pytest.raises(DataError, match="duplicate reference id 'a'"):
        references()


def test_load_table_rejects_a_non_string_name():
    with pytest.raises(TypeError, match="table name must be a string"):
        load_table(3)


def test_rows_by_groups_rows_in_file_order():
    from widgets.core.data import rows_by

    grouped = rows_by("technique_profiles", "technique")
    frame = load_table("technique_profiles")
    assert sum(len(v) for v in grouped.values()) == len(frame)
    for technique, rows in grouped.items():
        expected = frame[frame["technique"] == technique].to_dict("records")
        assert list(rows) == expected
    with pytest.raises(KeyError, match="no column 'nope'"):
        rows_by("technique_profiles", "nope")


def test_one_row_returns_the_single_matching_row_or_names_the_count():
    from widgets.core.data import one_row

    where = {"source_key": "ICRP103ICRP118", "measure": "occupational effective dose"}
    row = one_row("radiation", where)
    frame = load_table("radiation")
    hits = frame[(frame["source_key"] == where["source_key"]) & (frame["measure"] == where["measure"])]
    assert len(hits) == 1 and row == hits.to_dict("records")[0]
    row["value"] = -1  # a private copy: the cached rows stay as read
    assert one_row("radiation", where)["value"] != -1
    many = int((frame["source_key"] == "Funao2014").sum())
    assert many > 1
    with pytest.raises(DataError, match=rf"radiation\.csv: {many} rows match .*Funao2014.*\(expected one\)"):
        one_row("radiation", {"source_key": "Funao2014"})
    with pytest.raises(DataError, match=r"radiation\.csv: 0 rows match"):
        one_row("radiation", {"source_key": "Nobody1999"})
    with pytest.raises(KeyError, match="no column 'nope'"):
        one_row("radiation", {"nope": 1})
