"""Input a user can type is refused with one clear line: ids, paths, numbers, YAML, file quirks.

Each case here was an attack on the class build or a papermill run that used to pass, write
outside the output folder, produce invalid JSON or end in a traceback.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from widgets.core.data import DataError, clear_cache, load_table
from widgets.core.params import ParameterError, read_number
from widgets.lessons.__main__ import main as lessons_main
from widgets.lessons.config import BuildError, ClassConfig, Variant, load_config
from widgets.lessons.jobs import plan
from widgets.lessons.registry import get_spec
from widgets.quiz.store import ProgressStore, StoreError

ROOT = Path(__file__).resolve().parent.parent
LESSON_00 = ROOT / "notebooks" / "00-start-here.ipynb"


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "class.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# ------------------------------------------------------------------ ids and paths


@pytest.mark.parametrize("bad", ["../../../escaped", "a/b", "s1\n", "..", ".hidden", "a b", "x" * 65])
def test_unsafe_student_ids_are_refused_with_the_line(tmp_path, bad):
    body = f"lesson: 07-case\nseed: 1\nstudents:\n  - id: ok\n  - id: {bad!r}\n"
    with pytest.raises(BuildError, match=r"class\.yaml line 5: learner id .* must be 1-64 letters"):
        load_config(_config(tmp_path, body))


def test_unsafe_group_members_are_refused(tmp_path):
    body = "lesson: 07-case\nseed: 1\ngroups:\n  - {id: g1, members: [s1, ../s2]}\n"
    with pytest.raises(BuildError, match=r"line 4: learner id '../s2'"):
        load_config(_config(tmp_path, body))


def test_a_trailing_newline_does_not_pass_the_id_pattern(tmp_path, monkeypatch):
    monkeypatch.setenv("MISS_PROGRESS_DIR", str(tmp_path))
    with pytest.raises(StoreError):
        ProgressStore("s001\n")


def test_ids_that_differ_only_in_case_collide(tmp_path):
    body = "lesson: 07-case\nseed: 1\nstudents: [{id: S001}, {id: s001}]\n"
    with pytest.raises(BuildError, match=r"line 3: id 's001' differs from 'S001' .* only in case"):
        load_config(_config(tmp_path, body))


@pytest.mark.parametrize("output", ["/", "notebooks", "."])
def test_output_folders_that_would_spread_a_build_are_refused(tmp_path, monkeypatch, output):
    monkeypatch.chdir(ROOT / "notebooks" if output == "." else tmp_path)
    folder = str(ROOT / output) if output == "notebooks" else output
    body = f"lesson: 07-case\nseed: 1\noutput: {folder!r}\nstudents: [{{id: a}}]\n"
    with pytest.raises(BuildError, match=r"line 3: output .* (root of the file system|lessons)"):
        load_config(_config(tmp_path, body))


def test_every_output_path_stays_inside_the_output_folder(tmp_path):
    spec = get_spec("00-start-here")
    config = ClassConfig(name="c", lesson="00-start-here", output=tmp_path / "out", seed=1,
                         versions=("student",), html=False, workers=1, timeout=60, kernel="warm",
                         variants=(Variant("../../escaped", "student", ("x",), spec.defaults()),))
    the_plan = plan(config)
    assert the_plan.jobs == []
    assert "outside the output folder" in the_plan.rejected[0].reason


def test_the_learner_parameter_of_a_case_run_is_checked():
    with pytest.raises(ParameterError, match=r"parameter 'learner': learner id '../x'"):
        get_spec("07-case").validate({"learner": "../x"}, partial=True)


def test_an_empty_config_says_so_instead_of_line_none(tmp_path):
    with pytest.raises(BuildError, match=r"line 1: the class config is empty") as err:
        load_config(_config(tmp_path, "# nothing yet\n"))
    assert "None" not in str(err.value)


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "inf"])
def test_nan_and_infinities_are_refused(bad):
    with pytest.raises(ParameterError, match=r"parameter 'bmi' must be a float from"):
        get_spec("07-case").validate({"bmi": bad}, partial=True)


@pytest.mark.parametrize(("text", "value"), [("1e2", 100.0), ("30", 30), ("27.5", 27.5),
                                             (".5", 0.5), ("-2", -2), ("1.5E-3", 0.0015)])
def test_numbers_are_read_as_a_person_writes_them(text, value):
    assert read_number(text) == value
    assert type(read_number(text)) is type(value)


@pytest.mark.parametrize("text", ["nan", "inf", "0x10", "1_000", "3 mm", ""])
def test_what_is_not_a_plain_number_is_not_read_as_one(text):
    assert read_number(text) is None


def test_a_number_written_with_an_exponent_reaches_the_range_check(tmp_path):
    body = "lesson: 07-case\nseed: 1\nversions: [student]\nstudents:\n  - {id: a, parameters: {bmi: 1e2}}\n"
    the_plan = plan(load_config(_config(tmp_path, body), tmp_path / "out"))
    assert the_plan.rejected[0].reason.startswith("parameter 'bmi' must be a float from")
    assert "got 100.0" in the_plan.rejected[0].reason


# ------------------------------------------------------------------ the command line


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = lessons_main(list(argv))
    return code, capsys.readouterr().err


def test_malformed_yaml_values_are_one_line(tmp_path, capsys):
    code, err = _run(capsys, "run", str(LESSON_00), str(tmp_path / "o.ipynb"),
                     "-p", "depth_mm", "[unclosed")
    assert code == 2
    assert err.count("\n") == 1 and "parameter 'depth_mm'" in err and "Traceback" not in err


@pytest.mark.parametrize("text", ["nan", ".nan", ".inf", ".Inf"])
def test_nan_from_the_command_line_is_refused_before_a_kernel_starts(tmp_path, capsys, text):
    out = tmp_path / "o.ipynb"
    code, err = _run(capsys, "run", str(LESSON_00), str(out), "-p", "depth_mm", text)
    assert code == 2 and "parameter 'depth_mm' must be a float from" in err and not out.exists()


def test_code_as_a_parameter_name_is_refused_before_papermill_injects_it(tmp_path, capsys):
    marker = tmp_path / "pwned"
    name = f"import pathlib; pathlib.Path({str(marker)!r}).touch(); x"
    code, err = _run(capsys, "run", str(LESSON_00), str(tmp_path / "o.ipynb"), "-p", name, "1")
    assert code == 2 and "unknown parameter" in err
    assert not marker.exists()


def test_run_refuses_to_overwrite_its_own_input(tmp_path, capsys):
    lesson = tmp_path / "00-start-here.ipynb"
    lesson.write_bytes(LESSON_00.read_bytes())
    code, err = _run(capsys, "run", str(lesson), str(lesson))
    assert code == 2 and "would overwrite it" in err
    assert lesson.read_bytes() == LESSON_00.read_bytes()


# ------------------------------------------------------------------ files


def test_a_table_saved_with_a_byte_order_mark_says_so(data_copy):
    path = data_copy / "tables" / "instruments.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    clear_cache()
    with pytest.raises(DataError, match=r"instruments\.csv line 1: the file starts with a byte-order mark"):
        load_table("instruments")
