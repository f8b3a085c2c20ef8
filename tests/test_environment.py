"""pyproject.toml is the one dependency list; environment.yml and the lock agree with it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict[str, SpecifierSet]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = meta["dependencies"] + meta["optional-dependencies"]["test"]
    return {_norm(Requirement(r).name): Requirement(r).specifier for r in reqs}


# conda-forge names that differ from the PyPI name
CONDA_TO_PYPI = {"python-fastjsonschema": "fastjsonschema"}


def _environment() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        name, _, spec = dep.partition(" ")
        if name in {"python", "pip"}:
            continue
        out[_norm(CONDA_TO_PYPI.get(name, name))] = SpecifierSet(spec.replace(" ", ""))
    return out


def test_environment_yml_names_the_same_packages_and_ranges():
    assert _environment() == _pyproject()


def test_environment_pins_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python =3.11" in env["dependencies"]


def test_lock_pins_every_dependency_within_its_range():
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[_norm(m.group(1))] = Version(m.group(2))
    for name, spec in _pyproject().items():
        assert name in pins, f"{name} is not in requirements.lock"
        assert pins[name] in spec, f"{name}=={pins[name]} is outside {spec}"


def test_plotly_figurewidget_has_its_anywidget():
    import plotly.graph_objects as go

    assert "anywidget" in _pyproject()
    go.FigureWidget()
