"""widgets.core.documents: one reader for hand-written YAML (lines, schema, the bad line)."""

from __future__ import annotations

import json

import pytest

from widgets.core import documents

SCHEMA = {"type": "object", "required": ["name"],
          "properties": {"name": {"type": "string"},
                         "items": {"type": "array", "items": {"type": "integer"}}}}


def test_a_valid_document_comes_back_with_its_lines(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("name: spine\nitems:\n  - 1\n  - 2\n", encoding="utf-8")
    doc = documents.load(path, SCHEMA, "ok.yaml")
    assert doc == {"name": "spine", "items": [1, 2]}
    assert doc.key_lines == {"name": 1, "items": 2}


def test_a_schema_error_names_the_line_and_every_problem_in_order(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("items:\n  - 1\nmore:\n  b: 1\n  a: x\n", encoding="utf-8")
    schema = {**SCHEMA, "properties": {**SCHEMA["properties"], "more": {
        "type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}}}}
    with pytest.raises(documents.DocumentError) as info:
        documents.load(path, schema, "bad.yaml")
    err = info.value
    assert err.kind == "schema" and err.document["items"][0] == 1
    assert str(err) == "bad.yaml line 1: 'name' is a required property"
    assert [(p.line, p.at) for p in err.problems] == [(1, ""), (4, "more.b"), (5, "more.a")]


def test_a_schema_file_takes_the_same_path_as_a_schema_given_inline(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text("name: 3\n", encoding="utf-8")
    wanted = r"^bad.yaml line 1: 3 is not of type 'string' \(at name\)$"
    with pytest.raises(documents.DocumentError, match=wanted):
        documents.load(path, schema, "bad.yaml")


def test_yaml_syntax_and_duplicate_keys_name_the_line(tmp_path):
    path = tmp_path / "syntax.yaml"
    path.write_text("name: a\nitems: [1, 2\nother: 3\n", encoding="utf-8")
    with pytest.raises(documents.DocumentError) as info:
        documents.parse(path, "syntax.yaml")
    assert info.value.kind == "yaml" and info.value.line == 3 and "not valid YAML" in str(info.value)
    path.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(documents.DocumentError, match=r"line 2: not valid YAML \(duplicate key 'name'\)"):
        documents.parse(path, "syntax.yaml")


def test_an_unreadable_or_empty_file(tmp_path):
    with pytest.raises(documents.DocumentError, match="^missing.yaml: cannot read it") as info:
        documents.parse(tmp_path / "missing.yaml", "missing.yaml")
    assert info.value.kind == "read" and isinstance(info.value.__cause__, OSError)
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert documents.parse(tmp_path / "empty.yaml")[0] is None


def test_files_are_named_from_the_repository_root():
    from widgets.core.data import data_dir

    assert documents.relative_name(data_dir() / "cases" / "conditions.yaml") == "data/cases/conditions.yaml"


def test_the_three_readers_use_it():
    """Cases, banks and class configs load through this module, not through their own copies."""
    from pathlib import Path

    root = Path(documents.__file__).resolve().parents[1]
    for module in ("case/conditions.py", "quiz/items.py", "lessons/config.py"):
        text = (root / module).read_text(encoding="utf-8")
        assert "documents." in text and "yaml.load(" not in text and "iter_errors(" not in text, module
