"""widgets.core.schemacheck: the fast check agrees with jsonschema on every schema the lessons use."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from widgets.core import schemacheck
from widgets.core.data import data_dir

SCHEMAS = sorted([data_dir() / "questions" / "schema.json", *(data_dir() / "cases").glob("*.schema.json")])


def _documents(schema: Path) -> list[Path]:
    """The YAML files a schema governs."""
    if schema.parent.name == "questions":
        return sorted(schema.parent.glob("*.yaml"))
    if schema.name == "conditions.schema.json":
        return [schema.parent / "conditions.yaml"]
    return sorted(p for p in schema.parent.glob("*.yaml") if p.stem != "conditions")


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_2020_12_and_reads_the_same_as_draft_7(schema):
    doc = schemacheck._schema(str(schema))
    jsonschema.Draft202012Validator.check_schema(doc)
    keywords, ref_siblings = schemacheck.keywords_used(doc)
    allowed = schemacheck.DRAFT_7_SAFE_KEYWORDS | {"dependentRequired"}
    assert keywords <= allowed, keywords - allowed
    assert ref_siblings == []  # draft 7 ignores a $ref's siblings; 2020-12 applies them
    assert schemacheck._fast(str(schema)) is not None  # every lesson schema takes the fast path


def test_a_schema_with_a_keyword_draft_7_reads_otherwise_falls_back_to_jsonschema(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"type": "object", "unevaluatedProperties": false, "properties": {"a": {}}}')
    assert schemacheck._fast(str(path)) is None
    assert schemacheck.errors(str(path), {"a": 1}) == []
    assert [e.validator for e in schemacheck.errors(str(path), {"b": 1})] == ["unevaluatedProperties"]


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_every_governed_file_is_valid_both_ways(schema):
    files = _documents(schema)
    assert files, schema
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert schemacheck.errors(str(schema), doc) == [], path.name
        assert list(schemacheck.full_validator(str(schema)).iter_errors(doc)) == [], path.name


def _break_everything(doc) -> list:
    """Broken copies of ``doc``: each drops one required key or adds an unknown one, somewhere."""
    broken = []

    def walk(node, path):
        if isinstance(node, dict):
            for key in list(node):
                variant = copy.deepcopy(doc)
                target = variant
                for p in path:
                    target = target[p]
                del target[key]
                broken.append(variant)
                walk(node[key], [*path, key])
            variant = copy.deepcopy(doc)
            target = variant
            for p in path:
                target = target[p]
            target["surprise_key"] = 1
            broken.append(variant)
        elif isinstance(node, list) and node:
            walk(node[0], [*path, 0])

    walk(doc, [])
    return broken


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda p: p.name)
def test_the_fast_check_rejects_whatever_jsonschema_rejects(schema):
    path = _documents(schema)[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    checked = 0
    for variant in _break_everything(doc):
        slow = list(schemacheck.full_validator(str(schema)).iter_errors(variant))
        fast = schemacheck.errors(str(schema), variant)
        assert bool(slow) == bool(fast), (path.name, [e.message for e in slow])
        checked += bool(slow)
    assert checked > 10  # the variants really were broken
