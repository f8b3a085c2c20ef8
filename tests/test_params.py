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


def test_notebook_check_sees_injected_names_but_not_modules_or_objects():
    import math

    ns = {"tube_diameter_mm": 16, "depth_mm": 50.0, "retraction_width_mm": 40.0, "math": math,
          "In": [], "_private": 1, "explorer": object()}
    assert check_notebook_parameters("00-start-here", ns)["depth_mm"] == 50.0
    ns["levle"] = "L4"
    with pytest.raises(ParameterError, match="unknown parameter 'levle'"):
        check_notebook_parameters("00-start-here", ns)


def test_unknown_lesson():
    with pytest.raises(ParameterError, match="no parameters are declared for lesson 'nope'"):
        get_spec("nope")
