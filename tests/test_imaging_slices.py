"""CT- and MRI-like slices of the model, and the movable disc herniation (lesson 04)."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.conditions.roots import herniation_root
from widgets.core.levels import DISCS
from widgets.imaging.slices import (
    SIDES,
    ZONES,
    Herniation,
    root_contacts,
    roots_touched,
    slice_image,
    touches_sac,
    zone_relation,
)
from widgets.imaging.volume import MATERIALS


def _expected(h: Herniation) -> str:
    """The root lesson 02's rule names for this herniation (its zone table, via herniation_root)."""
    return herniation_root(h.disc, zone_relation(h.zone)).root


@pytest.mark.parametrize("disc", DISCS)
@pytest.mark.parametrize("zone", ZONES)
def test_the_root_the_fragment_reaches_is_the_root_lesson_02_names(disc, zone):
    # geometry (voxels of the fragment against voxels of the roots) against the rule of lesson 02
    for side in SIDES:
        for size in (12.0, 15.0):
            h = Herniation(disc, zone, side, size)
            reached = roots_touched(h)
            assert reached, (h, "a fragment of 12 mm or more reaches a root in the model")
            main = reached[0]
            if zone == "central":
                assert {r.split()[0] for r in reached} == {_expected(h)}, (h, reached)
                assert touches_sac(h)
            else:
                assert main == f"{_expected(h)} {side}", (h, reached)
        for size in (5.0, 7.0, 9.0, 10.0):  # smaller fragments may reach no root; if one, the right one
            h = Herniation(disc, zone, side, size)
            reached = roots_touched(h)
            if reached:
                assert reached[0].split()[0] == _expected(h), (h, reached)


def test_the_issue_examples_l4_l5():
    assert roots_touched(Herniation("L4-L5", "paracentral", "left", 12.0))[0] == "L5 left"
    assert roots_touched(Herniation("L4-L5", "foraminal", "right", 12.0))[0] == "L4 right"
    contacts = root_contacts(Herniation("L4-L5", "extraforaminal", "left", 12.0))
    assert list(contacts)[0] == "L4 left" and contacts["L4 left"] > 0


def test_a_bigger_fragment_reaches_at_least_as_much_root():
    small = root_contacts(Herniation("L4-L5", "paracentral", "left", 12.0))
    big = root_contacts(Herniation("L4-L5", "paracentral", "left", 15.0))
    assert big["L5 left"] > small["L5 left"]


def _mean(s, material: str) -> float:
    return float(s.grey[s.labels == MATERIALS.index(material)].mean())


def test_t2_shows_csf_and_nucleus_bright_and_roots_and_annulus_dark():
    s = slice_image(plane="axial", where="L4-L5", modality="T2")
    for m in ("CSF", "disc nucleus", "disc annulus", "nerve root"):
        assert s.shows(m), m
    assert _mean(s, "CSF") > _mean(s, "disc nucleus") > _mean(s, "disc annulus") + 100
    assert _mean(s, "CSF") > _mean(s, "nerve root") + 100
    assert _mean(s, "fat") > _mean(s, "soft tissue") + 100  # muscles (psoas, paraspinal) dark in bright fat
    sag = slice_image(plane="sagittal", where="L4-L5", offset_mm=20.0, modality="T2")
    assert _mean(sag, "fat") > _mean(sag, "nerve root") + 80  # the root dark in the bright foraminal fat


def test_ct_bone_window_shows_cortex_brighter_than_cancellous_bone_and_soft_tissue():
    s = slice_image(plane="axial", where="L4", modality="CT", window="bone")
    assert _mean(s, "cortical bone") > _mean(s, "cancellous bone") + 60 > _mean(s, "soft tissue") + 60
    soft = slice_image(plane="axial", where="L4-L5", modality="CT", window="soft tissue")
    assert _mean(soft, "disc annulus") > _mean(soft, "CSF") + 20


def test_axial_slices_show_the_patients_left_on_the_right():
    s = slice_image(plane="axial", where="L4-L5", herniation=Herniation("L4-L5", "foraminal", "left", 12.0))
    cols = np.nonzero(s.labels == MATERIALS.index("herniated disc"))[1]
    assert cols.size and cols.min() > s.labels.shape[1] / 2 and s.marker == "L"


def test_the_fragment_shows_in_the_slice_through_it_and_not_far_from_it():
    h = Herniation("L4-L5", "paracentral", "left", 9.0)
    assert slice_image(where="L4-L5", herniation=h).shows("herniated disc")
    assert not slice_image(where="L4-L5", offset_mm=25.0, herniation=h).shows("herniated disc")
    assert slice_image(plane="sagittal", where="L4-L5", offset_mm=6.0, herniation=h).shows("herniated disc")


def test_a_slice_is_a_png_with_the_caption():
    png = slice_image(plane="sagittal", where="L3").png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("kwargs,match", [
    (dict(plane="coronal"), "plane"), (dict(modality="PET"), "modality"), (dict(where="T12"), "where"),
    (dict(offset_mm=99), "offset_mm"), (dict(modality="CT", window="lung"), "window"),
    (dict(herniation="L4-L5"), "herniation"),
])
def test_bad_slice_arguments_are_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        slice_image(**kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(disc="L5-L6"), "disc"), (dict(zone="lateral"), "zone"), (dict(side="both"), "side"),
    (dict(size_mm=30), "size_mm"),
])
def test_bad_herniations_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Herniation(**kwargs)
