"""Lesson parameters: wrong names, types and values fail with one clear line."""

from __future__ import annotations

import pytest

from widgets.access.corridor import tube_diameters
from widgets.core.assumptions import assumption
from widgets.core.params import ParameterError
from widgets.lessons.registry import check_notebook_parameters, get_spec


def test_defaults_validate():
    spec = get_spec("00-start-here")
    assert spec.validate(spec.defaults()) == {"tube_diameter_mm": 16, "depth_mm": 50.0,
                                              "retraction_width_mm": 40.0}


def test_allowed_values_come_from_data():
    spec = get_spec("00-start-here")
    by_name = {p.name: p for p in spec.params}
    assert tuple(by_name["tube_diameter_mm"].choices) == tuple(int(t.value) for t in tube_diameters())
    depth = assumption("skin_to_lamina_depth")
    assert (by_name["depth_mm"].minimum, by_name["depth_mm"].maximum) == (depth.minimum, depth.maximum)
    assert by_name["depth_mm"].default == depth.value
    width = assumption("open_retraction_width")
    assert (by_name["retraction_width_mm"].minimum, by_name["retraction_width_mm"].maximum) == (
        width.minimum, width.maximum)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tube_diamter_mm": 16}, "unknown parameter 'tube_diamter_mm' for lesson '00-start-here' "
                                  "(did you mean 'tube_diameter_mm'?)"),
        ({"tube_diameter_mm": "16"},
         "parameter 'tube_diameter_mm' must be one of 14, 16, 18; got '16' (str)"),
        ({"tube_diameter_mm": 15}, "parameter 'tube_diameter_mm' must be one of 14, 16, 18; got 15"),
        ({"depth_mm": 500}, "parameter 'depth_mm' must be a float from 20.0 to 120.0; got 500.0"),
        ({"depth_mm": True}, "parameter 'depth_mm' must be a float from 20.0 to 120.0; got True (bool)"),
    ],
)
def test_bad_parameters_fail_with_one_line(values, message):
    with pytest.raises(ParameterError) as info:
        get_spec("00-start-here").validate(values, partial=True)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_an_int_is_accepted_for_a_float():
    assert get_spec("00-start-here").validate({"depth_mm": 60}, partial=True)["depth_mm"] == 60.0


PARAMETERS_CELL = ("tube_diameter_mm: int = 16  # a comment\ndepth_mm: float = 50.0\n"
                   "retraction_width_mm: float = 40.0")
CHECK_CELL = 'check_notebook_parameters("00-start-here", globals())'


def _kernel(*cells: str, **values) -> dict:
    """A kernel's globals after running ``cells`` (IPython's ``In``) then the check cell."""
    return {"In": ["", *cells, CHECK_CELL], "__name__": "__main__",
            "tube_diameter_mm": 16, "depth_mm": 50.0, "retraction_width_mm": 40.0, **values}


def test_notebook_check_reads_the_parameters_cells_not_the_globals():
    import math

    # the lesson's own top-level variables (a scalar, a module, an object) are not parameters
    ns = _kernel(PARAMETERS_CELL, "n_views = 3", n_views=3, math=math, explorer=object())
    assert check_notebook_parameters("00-start-here", ns) == {
        "tube_diameter_mm": 16, "depth_mm": 50.0, "retraction_width_mm": 40.0}


def test_notebook_check_refuses_a_name_papermill_injected_that_the_lesson_lacks():
    ns = _kernel(PARAMETERS_CELL, '# Parameters\ndepth_mm = 80.0\nlevle = "L4"\n',
                 depth_mm=80.0, levle="L4")
    with pytest.raises(ParameterError) as info:
        check_notebook_parameters("00-start-here", ns)
    assert str(info.value) == ("unknown parameter 'levle' for lesson '00-start-here'; allowed:"
                               " tube_diameter_mm, depth_mm, retraction_width_mm")


def test_notebook_check_takes_injected_values_and_reads_the_last_run_of_the_cells():
    injected = "# Parameters\ndepth_mm = 80\n"
    ns = _kernel(PARAMETERS_CELL, injected, "x = 1", depth_mm=80)
    assert check_notebook_parameters("00-start-here", ns)["depth_mm"] == 80.0
    # the parameters cell edited by hand with a misspelt name, then run again: the last run counts
    edited = PARAMETERS_CELL.replace("depth_mm: float", "dept_mm: float")
    ns = _kernel(PARAMETERS_CELL, injected, edited, dept_mm=50.0)
    with pytest.raises(ParameterError, match="unknown parameter 'dept_mm'"):
        check_notebook_parameters("00-start-here", ns)


def test_without_the_cells_in_the_history_the_declared_names_are_checked():
    # nbval runs cells without storing them in In: the declared names are read from the kernel
    ns = {"In": [""], "__name__": "__main__", "tube_diameter_mm": 14, "depth_mm": 50.0,
          "retraction_width_mm": 40.0, "n_views": 3}
    assert check_notebook_parameters("00-start-here", ns)["tube_diameter_mm"] == 14
    # after a kernel restart the check cell alone finds them missing, and says what they must be
    with pytest.raises(ParameterError, match="parameter 'tube_diameter_mm' is missing; it must be"):
        check_notebook_parameters("00-start-here", {"In": ["", "x = 1", CHECK_CELL]})
    # a declared name missing from the parameters cell that ran is reported too
    ns = _kernel(PARAMETERS_CELL.rsplit("\n", 1)[0])
    with pytest.raises(ParameterError, match="parameter 'retraction_width_mm' is missing"):
        check_notebook_parameters("00-start-here", ns)


def test_unknown_lesson():
    with pytest.raises(ParameterError, match="no parameters are declared for lesson 'nope'"):
        get_spec("nope")
