"""The Zero to JupyterHub values: valid against the chart's own schema, as Helm validates them."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

K8S = Path(__file__).resolve().parents[1] / "deploy" / "k8s"


def _merge(defaults, values):
    """Merge like Helm: maps key by key, anything else (lists too) replaced."""
    out = copy.deepcopy(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def schema():
    return yaml.safe_load((K8S / "chart" / "values.schema.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def merged():
    defaults = yaml.safe_load((K8S / "chart" / "values.yaml").read_text(encoding="utf-8"))
    ours = yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))
    return _merge(defaults, ours)


def _errors(schema, values):
    validator = jsonschema.Draft7Validator(schema)
    return sorted(f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(values))


def test_the_values_are_valid_against_the_charts_schema(schema, merged):
    assert _errors(schema, merged) == []


def test_the_schema_catches_a_misspelt_key(schema, merged):
    bad = _merge(merged, {"singleuser": {"memmory": {"limit": "1G"}}})
    assert any("memmory" in e for e in _errors(schema, bad))


def test_the_values_carry_the_class_settings(merged):
    assert merged["hub"]["config"]["KubeSpawner"]["http_timeout"] == 180
    assert merged["cull"]["enabled"] is True
    hook = merged["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert hook[0] == "gitpuller"
    assert merged["singleuser"]["memory"]["guarantee"].endswith("M")
