"""Class builds (widgets/lessons/classbuild.py, config.py, jobs.py, workers.py) and collecting a
gradebook (widgets/lessons/collect.py).

The builds that execute notebooks are marked slow. They check that a class of six variants builds;
that no student file contains an answer key or a tutor's explanation and every solution file does
(the .ipynb text is searched for every string :func:`widgets.case.quiz.answer_key_strings` lists); that
a broken variant is reported while the rest are built; and that a re-run skips what is up to date.
"""

from __future__ import annotations

import html
import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from widgets.case.model import case_run
from widgets.case.quiz import answer_key_strings
from widgets.lessons import classbuild, jobs, workers
from widgets.lessons.classbuild import build_class, summary_table
from widgets.lessons.config import BuildError, derive_seed, load_config
from widgets.lessons.jobs import input_hash, plan
from widgets.lessons.workers import export_html, remote_resources

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "classes" / "example-class.yaml"


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "class.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def notebook_text(path: Path) -> str:
    """Every cell source, output and metadata string of a notebook, HTML entities decoded."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts = [json.dumps(nb.get("metadata", {}))]
    for cell in nb["cells"]:
        src = cell["source"]
        parts.append("".join(src) if isinstance(src, list) else src)
        for out in cell.get("outputs", []):
            for value in out.get("data", {}).values():
                parts.append("".join(value) if isinstance(value, list) else
                             value if isinstance(value, str) else json.dumps(value))
            if "text" in out:
                parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
            if "evalue" in out:
                parts.append(out["evalue"])
    return html.unescape("\n".join(parts))


# ---------------------------------------------------------------------- config and plan (fast)


def test_the_example_config_loads():
    config = load_config(EXAMPLE, output="build/x")
    assert config.lesson == "07-case" and config.versions == ("student", "solution")
    ids = [v.id for v in config.variants]
    assert ids == ["s001", "s002", "s003", "s004", "s005", "s006", "group-red"]
    by_id = {v.id: v for v in config.variants}
    # rotate: s001, s002, s003, s005 take the pool in order (s004 and s006 name their case)
    assert [by_id[i].parameters["case"] for i in ("s001", "s002", "s003", "s005")] == [
        "lumbar-disc-herniation", "degenerative-spondylolisthesis", "lumbar-stenosis",
        "osteoporotic-fracture"]
    assert by_id["s006"].parameters["age"] == 74
    assert by_id["group-red"].members == ("s007", "s008")
    assert by_id["group-red"].parameters["learner"] == "group-red"
    assert by_id["s001"].parameters["seed"] == derive_seed(2025, "s001")


def test_derived_seeds_are_stable_and_distinct():
    # sha256("miss-class:2025:s001") read as hex, first 8 digits, modulo 2**31
    import hashlib

    expected = int(hashlib.sha256(b"miss-class:2025:s001").hexdigest()[:8], 16) % 2**31
    assert derive_seed(2025, "s001") == expected
    seeds = {derive_seed(2025, f"s{i:03d}") for i in range(200)}
    assert len(seeds) == 200
    assert derive_seed(2026, "s001") != derive_seed(2025, "s001")


def test_seeded_assignment_is_deterministic(tmp_path):
    body = """
        lesson: 07-case
        seed: 7
        assignment: seeded
        students: [{id: a1}, {id: a2}, {id: a3}, {id: a4}]
    """
    one = [v.parameters["case"] for v in load_config(write_config(tmp_path, body)).variants]
    two = [v.parameters["case"] for v in load_config(write_config(tmp_path, body)).variants]
    assert one == two


@pytest.mark.parametrize(("body", "message"), [
    ("lesson: 07-case\nseed: 1\nstudents: [{id: a}, {id: a}]\n", r"line 3: id 'a' is used twice"),
    ("lesson: 07-case\nseed: -1\nstudents: [{id: a}]\n", r"line 2: -1 is less than the minimum of 0"),
    ("lesson: 07-case\nseed: 1\nstudents: [{id: a, cas: x}]\n", r"line 3: Additional properties"),
    ("lesson: 99-nothing\nseed: 1\nstudents: [{id: a}]\n", r"line 1: no parameters are declared"),
    ("lesson: 07-case\nseed: 1\n", r"line 1: .* is not valid under any of the given schemas"),
    ("lesson: 07-case\nseed: [1\n", r"not valid YAML"),
])
def test_config_errors_name_the_line(tmp_path, body, message):
    with pytest.raises(BuildError, match=message):
        load_config(write_config(tmp_path, body))


def test_invalid_variants_are_rejected_before_any_work(tmp_path):
    path = write_config(tmp_path, """
        lesson: 07-case
        seed: 1
        versions: [student]
        students:
          - {id: good, case: lumbar-stenosis}
          - {id: fracture-l6, case: osteoporotic-fracture, parameters: {level: L6}}
          - {id: myelo-l4, case: custom, parameters: {age: 60, sex: male, bmi: 27.0,
             diagnosis: cervical myelopathy, level: L4, duration_weeks: 10, conservative_care: true,
             bone_quality: normal, comorbidities: [], prior_surgery: false}}
    """)
    the_plan = plan(load_config(path, tmp_path / "out"))
    assert [j.variant for j in the_plan.jobs] == ["good"]
    reasons = {r.variant: r.reason for r in the_plan.rejected}
    assert reasons["fracture-l6"].startswith("parameter 'level': 'L6' is not a spinal level")
    assert reasons["myelo-l4"].startswith(
        "parameter 'level': 'L4' does not fit diagnosis 'cervical myelopathy'")


def test_the_input_hash_changes_with_any_input(tmp_path):
    nb = tmp_path / "x.ipynb"
    nb.write_text("{}", encoding="utf-8")
    base = input_hash(nb, {"a": 1}, "f", False)
    assert base == input_hash(nb, {"a": 1}, "f", False)
    assert base != input_hash(nb, {"a": 2}, "f", False)
    assert base != input_hash(nb, {"a": 1}, "g", False)
    assert base != input_hash(nb, {"a": 1}, "f", True)
    nb.write_text("{ }", encoding="utf-8")
    assert base != input_hash(nb, {"a": 1}, "f", False)


def test_remote_resources_finds_fetches_not_links():
    page = ('<a href="https://doi.org/10.1/x">doi</a><script src="https://cdn.example/x.js"></script>'
            '<link rel="stylesheet" href="//fonts.example/f.css"><script type="module">'
            'import m from "https://cdn.example/m.mjs"</script><img src="data:image/png;base64,AA">')
    assert remote_resources(page) == ["//fonts.example/f.css", "https://cdn.example/m.mjs",
                                      "https://cdn.example/x.js"]
    assert remote_resources('<p><a href="https://doi.org/1">x</a></p>') == []


def test_parameterize_injects_after_the_parameters_cell_with_a_stable_id():
    nb = nbformat.read(ROOT / "notebooks" / "07-case.ipynb", as_version=4)
    out = workers.parameterize(nb, {"case": "lumbar-stenosis", "mode": "solution"})
    index = next(i for i, c in enumerate(out.cells) if "parameters" in c.metadata.get("tags", []))
    injected = out.cells[index + 1]
    assert injected.id == "injected-parameters"
    assert 'case = "lumbar-stenosis"' in injected.source and 'mode = "solution"' in injected.source
    assert "papermill" not in out.metadata


def test_html_export_is_offline():
    nb = nbformat.read(ROOT / "notebooks" / "07-case.ipynb", as_version=4)
    page = export_html(nb, "07-case")
    assert remote_resources(page) == []
    assert "<script" not in page
    assert "Interactive view: open the notebook in JupyterLab" in page


def test_summary_table_lists_every_result():
    rows = [jobs.JobResult("s1", "student", "built", 1.234),
            jobs.JobResult("s2", "student", "failed", 0.5, reason="cell 7: ValueError: boom")]
    text = summary_table(rows)
    assert "s2       student  failed  0.5      cell 7: ValueError: boom" in text
    assert text.splitlines()[-1] == "total: 1 built, 1 failed"


# ---------------------------------------------------------------------- builds (slow)

SIX = """
    class: six
    lesson: 07-case
    seed: 11
    versions: [student, solution]
    html: true
    workers: 2
    defaults: {difficulty: medium}
    students:
      - {id: s1, case: lumbar-disc-herniation}
      - {id: s2, case: degenerative-spondylolisthesis, parameters: {difficulty: hard}}
      - {id: s3, case: osteoporotic-fracture, parameters: {difficulty: easy}}
      - {id: s4, case: lumbar-disc-herniation, parameters: {age: 74, prior_surgery: true}}
      - {id: s5, case: cervical-radiculopathy}
    groups:
      - {id: g1, members: [s6, s7], case: cauda-equina}
"""


@pytest.fixture
def fixed_fingerprint(monkeypatch):
    """Other people edit widgets/ and data/ while tests run: pin the fingerprint for skip checks."""
    monkeypatch.setattr(jobs, "package_fingerprint", lambda: "pinned")


@pytest.mark.slow
def test_a_class_of_six_variants_builds_without_leaking_keys(tmp_path, fixed_fingerprint):
    config = load_config(write_config(tmp_path, SIX), tmp_path / "out")
    results = build_class(config, progress=False)
    assert [(r.variant, r.version, r.status) for r in results] == [
        (v, ver, "built") for v in ("s1", "s2", "s3", "s4", "s5", "g1") for ver in ("student", "solution")
    ], summary_table(results)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    for variant in manifest["variants"]:
        strings = answer_key_strings(case_run({**variant["parameters"], "mode": "solution"}))
        assert len(strings) >= 10
        student = notebook_text(tmp_path / "out" / "student" / f"{variant['id']}-07-case.ipynb")
        solution = notebook_text(tmp_path / "out" / "solution" / f"{variant['id']}-07-case.ipynb")
        assert [s for s in strings if s in student] == [], variant["id"]
        assert [s for s in strings if s not in solution] == [], variant["id"]
        for version in ("student", "solution"):
            page = (tmp_path / "out" / version / f"{variant['id']}-07-case.html").read_text()
            assert remote_resources(page) == []
            if version == "student":  # the handout draws the widgets as left: still no key in it
                assert [s for s in strings if s in html.unescape(page)] == [], variant["id"]
            nb = json.loads((tmp_path / "out" / version / f"{variant['id']}-07-case.ipynb").read_text())
            assert "widgets" not in nb["metadata"]
            counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
            assert counts == list(range(1, len(counts) + 1))  # a warm kernel, reset between notebooks
    # re-running skips everything that is up to date ...
    again = build_class(config, progress=False)
    assert {r.status for r in again} == {"up to date"}
    # ... and rebuilds a variant whose parameters changed
    changed = load_config(write_config(tmp_path, SIX.replace("difficulty: easy", "difficulty: hard")),
                          tmp_path / "out")
    third = build_class(changed, progress=False)
    rebuilt = sorted((r.variant, r.version) for r in third if r.status == "built")
    assert rebuilt == [("s3", "solution"), ("s3", "student")]


@pytest.mark.slow
def test_a_broken_variant_is_reported_while_the_rest_build(tmp_path, data_copy, monkeypatch):
    from widgets.case import conditions as cases

    # break one selector of one condition: validation passes, execution fails in the kernel
    conditions = data_copy / "cases" / "conditions.yaml"
    conditions.write_text(conditions.read_text().replace(
        "where: {source_key: Park2018YonseiMedJ, outcome: infection}",
        "where: {source_key: Park2018YonseiMedJ, outcome: no such outcome}"))
    cases._conditions_cached.cache_clear()
    path = write_config(tmp_path, """
        lesson: 07-case
        seed: 3
        versions: [student]
        students:
          - {id: ok1, case: lumbar-disc-herniation}
          - {id: broken, case: degenerative-spondylolisthesis}
          - {id: ok2, case: lumbar-stenosis}
          - {id: invalid, case: osteoporotic-fracture, parameters: {level: L6}}
          - {id: ok3, case: cauda-equina}
    """)
    results = {r.variant: r for r in build_class(load_config(path, tmp_path / "out"), progress=False)}
    assert {v: r.status for v, r in results.items()} == {
        "ok1": "built", "broken": "failed", "ok2": "built", "invalid": "invalid", "ok3": "built"}
    assert "CaseError" in results["broken"].reason and "0 rows of table 'outcomes_mis_vs_open'" in \
        results["broken"].reason and results["broken"].reason.startswith("cell ")
    assert results["invalid"].reason.startswith("parameter 'level': 'L6' is not a spinal level")
    for ok in ("ok1", "ok2", "ok3"):
        assert (tmp_path / "out" / "student" / f"{ok}-07-case.ipynb").is_file()
    assert not (tmp_path / "out" / "student" / "broken-07-case.ipynb").exists()
    # the command line prints the summary and exits non-zero
    monkeypatch.setattr(classbuild, "build_class",
                        lambda config, **kw: [results[v] for v in ("ok1", "broken", "invalid")])
    assert classbuild.main_build(str(path), str(tmp_path / "out"), progress=False) == 1


@pytest.mark.slow
def test_a_warm_kernel_gives_the_same_outputs_as_papermill(tmp_path, fixed_fingerprint):
    from widgets.lessons.variants import run_variant

    path = write_config(tmp_path, """
        lesson: 07-case
        seed: 5
        versions: [solution]
        workers: 1
        students: [{id: w1, case: degenerative-spondylolisthesis}, {id: w2, case: lumbar-stenosis}]
    """)
    config = load_config(path, tmp_path / "out")
    assert {r.status for r in build_class(config, progress=False)} == {"built"}
    params = {**config.variants[1].parameters, "mode": "solution"}
    run_variant(ROOT / "notebooks" / "07-case.ipynb", tmp_path / "pm.ipynb", params)

    def texts(p):
        nb = nbformat.read(p, as_version=4)
        return [(o.get("data", {}).get("text/plain"), o.get("data", {}).get("text/html"))
                for c in nb.cells if c.cell_type == "code" for o in c.outputs
                if "application/vnd.jupyter.widget-view+json" not in o.get("data", {})]

    assert texts(tmp_path / "out" / "solution" / "w2-07-case.ipynb") == texts(tmp_path / "pm.ipynb")


def test_dry_run_lists_the_plan_and_flags_invalid_variants(tmp_path, capsys):
    path = write_config(tmp_path, """
        lesson: 07-case
        seed: 1
        versions: [student]
        students: [{id: a, case: lumbar-stenosis}, {id: b, case: osteoporotic-fracture,
                    parameters: {bone_quality: normal}}]
    """)
    assert classbuild.main_build(str(path), str(tmp_path / "out"), dry_run=True) == 1
    out = capsys.readouterr().out
    assert "a        student  to build" in out
    assert "b        student  invalid            parameter 'bone_quality': 'normal' does not fit" in out
    assert not (tmp_path / "out").exists()
