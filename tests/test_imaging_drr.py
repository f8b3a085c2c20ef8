"""The voxel volume and the simulated fluoroscopy (DRR) projector of lesson 04."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from widgets.anatomy.mesh import contains, prism
from widgets.imaging.drr import CAPTION, VIEWS, Instrument, View, chord_lengths, line_integrals, shot
from widgets.imaging.volume import MATERIALS, build_volume, fill_mesh, torso_chords


def _sphere(radius: float, centre, h: float, n: int, sub: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A uniform sphere as fractional voxel occupancy (supersampled ``sub``^3 per voxel)."""
    origin = np.asarray(centre, dtype=float) - h * (n - 1) / 2.0
    off = (np.arange(sub) + 0.5) / sub - 0.5
    g = [origin[i] + h * np.arange(n) - centre[i] for i in range(3)]
    occ = np.zeros((n, n, n), np.float32)
    for ox in off:
        x2 = (g[0] + h * ox)[:, None, None] ** 2
        for oy in off:
            y2 = (g[1] + h * oy)[None, :, None] ** 2
            for oz in off:
                occ += (x2 + y2 + (g[2] + h * oz)[None, None, :] ** 2) <= radius * radius
    return occ / sub ** 3, origin


@pytest.mark.parametrize("orbital,tilt", [(0, 0), (30, 10), (60, -20), (90, 0), (45, 45)])
def test_the_projector_gives_the_chords_of_a_uniform_sphere(orbital, tilt):
    # a sphere of radius R: the ray at distance d from its centre crosses 2 sqrt(R^2 - d^2) of it
    radius, centre, mu = 30.0, (5.0, -3.0, 8.0), 0.02
    occ, origin = _sphere(radius, centre, 1.0, 70)
    o, t = np.radians(orbital), np.radians(tilt)
    beam = np.array([-np.sin(o) * np.cos(t), np.cos(o) * np.cos(t), -np.sin(t)])
    e1 = np.cross(beam, [0.0, 0.0, 1.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(e1, beam)
    src, det = np.array(centre) - 700 * beam, np.array(centre) + 300 * beam
    u = (np.arange(128) + 0.5 - 64) * 0.9
    uu, vv = np.meshgrid(u, u)
    pixels = det + uu.reshape(-1, 1) * e1 + vv.reshape(-1, 1) * e2
    got = line_integrals(occ * mu, origin=origin, spacing=1.0, source=src, pixels=pixels) / mu
    d = pixels - src
    d /= np.linalg.norm(d, axis=1)[:, None]
    w = np.array(centre) - src
    dist2 = (w * w).sum() - (d @ w) ** 2
    exact = 2.0 * np.sqrt(np.clip(radius ** 2 - dist2, 0.0, None))
    # tolerances for 1 mm voxels: within a voxel on every ray that crosses the inner part of the
    # sphere, 0.15 mm on average there, 0.2 mm through the centre, and the same total within 0.1%
    inner = exact > 0.6 * radius
    err = got - exact
    assert np.abs(err[inner]).max() < 1.0
    assert np.abs(err[inner]).mean() < 0.15
    assert abs(err[np.argmax(exact)]) < 0.2
    assert got.sum() == pytest.approx(exact.sum(), rel=1e-3)
    assert np.abs(got[dist2 > (radius + 2.0) ** 2]).max() < 0.05  # rays that miss it see (almost) nothing


def test_the_chord_through_a_cylinder_is_known_in_closed_form():
    a, b, r = np.zeros(3), np.array([0.0, 0.0, 40.0]), 2.0
    start = np.array([[-10.0, 0.0, 20.0], [-10.0, 1.0, 20.0], [0.0, 0.0, -10.0], [-10.0, 5.0, 20.0]])
    end = np.array([[10.0, 0.0, 20.0], [10.0, 1.0, 20.0], [0.0, 0.0, 100.0], [10.0, 5.0, 20.0]])
    got = chord_lengths(start, end, a, b, r)
    assert got == pytest.approx([4.0, 2 * np.sqrt(3.0), 40.0, 0.0])


def test_the_torso_chord_through_its_middle_is_its_width():
    vol = build_volume()
    t = vol.torso
    cy = t.centre[1]
    whole, fat = torso_chords(t, np.array([[-500.0, cy, 0.0]]), np.array([[500.0, cy, 0.0]]))
    assert whole[0] == pytest.approx(2 * t.semi_x)
    assert fat[0] == pytest.approx(2 * t.fat_mm)


def test_scanline_filling_agrees_with_the_winding_number():
    box = prism(np.array([[0.0, 0.0], [10.0, 0.0], [12.0, 8.0], [1.0, 6.0]]), -3.0, 7.5, "block")
    origin, h, shape = np.array([-5.0, -5.0, -5.0]), 0.7, (30, 25, 25)
    sub, inside = fill_mesh(box.vertices, box.faces, origin, h, shape)
    idx = np.argwhere(np.ones(inside.shape, bool)) + [s.start for s in sub]
    expect = contains(box, origin + h * idx)
    assert np.array_equal(expect, inside.ravel())
    vol = build_volume()
    rng = np.random.default_rng(1)
    for part in vol.parts[::7]:
        sub, inside = fill_mesh(part.mesh.vertices, part.mesh.faces, vol.origin, vol.spacing, vol.shape)
        idx = np.argwhere(np.ones(inside.shape, bool))
        pick = rng.choice(len(idx), min(800, len(idx)), replace=False)
        pts = vol.world(idx[pick] + [s.start for s in sub])
        agree = contains(part.mesh, pts) == inside.ravel()[pick]
        assert agree.mean() > 0.99, part.mesh.name


def test_the_volume_has_every_tissue_and_a_cortical_shell_around_cancellous_bone():
    vol = build_volume()
    counts = np.bincount(vol.labels.ravel(), minlength=len(MATERIALS))
    for m in ("soft tissue", "fat", "cancellous bone", "cortical bone", "disc annulus", "disc nucleus",
              "CSF", "nerve root"):
        assert counts[MATERIALS.index(m)] > 1000, m
    cort, canc = MATERIALS.index("cortical bone"), MATERIALS.index("cancellous bone")
    # the shell: bone voxels with a neighbour outside the bone are cortical; deep inside, cancellous
    bone = (vol.labels == cort) | (vol.labels == canc)
    edge = bone & ~ndimage.binary_erosion(bone)
    assert (vol.labels[edge] == cort).mean() > 0.95
    deep = ndimage.binary_erosion(bone, iterations=3)
    assert (vol.labels[deep] == canc).mean() > 0.95
    assert np.median(vol.mu[vol.labels == cort]) > np.median(vol.mu[vol.labels == canc]) > 0
    assert vol.nbytes < 40e6


def test_a_point_projects_where_an_instrument_along_the_beam_shows():
    vol = build_volume()
    tip = np.array([12.0, 15.0, 4.0])  # in L4's frame
    for name in ("AP", "lateral"):
        o, t = VIEWS[name]
        view = View("L4", o, t)
        # a wire along the central ray's direction through the tip: seen end-on, one dark dot
        src_local = vol.pose("L4").inverse().apply(shot(level="L4", orbital_deg=o, tilt_deg=t).source)
        d = (tip - src_local) / np.linalg.norm(tip - src_local)
        wire = Instrument("K-wire", tuple(tip - 20 * d), tuple(tip + 20 * d), 2.0)
        s = shot(level="L4", orbital_deg=o, tilt_deg=t, instruments=[wire])
        metal = s.total - s.anatomy
        rows, cols = np.indices(metal.shape)
        col, row = (cols * metal).sum() / metal.sum(), (rows * metal).sum() / metal.sum()
        expect = s.to_pixels(vol.pose("L4").apply(tip[None, :]))[0]
        assert abs(col - expect[0]) <= 0.5 and abs(row - expect[1]) <= 0.5
        assert metal.max() == pytest.approx(40 * 0.5, rel=0.05)  # 40 mm of metal at 5/cm
        # magnification: 10 mm at the isocentre spans 10 / pixel_mm pixels
        pts = vol.pose("L4").apply(np.array([[0.0, 17.0, -5.0], [0.0, 17.0, 5.0]]))
        px = s.to_pixels(pts)
        assert np.linalg.norm(px[1] - px[0]) == pytest.approx(10 / view.pixel_mm, rel=0.02)


def test_ap_and_lateral_show_bone_darker_than_the_disc_gap_and_carry_the_caption():
    s = shot(level="L4", orbital_deg=0, tilt_deg=0)
    img = s.image()
    assert img.shape == (256, 256) and img.dtype == np.uint8
    assert img[~s.inside].max() == 0  # outside the round field: black
    inv = s.image(invert=True)
    inside = s.inside
    assert np.corrcoef(img[inside].astype(float), inv[inside].astype(float))[0, 1] < -0.99
    png = s.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(png)).size == (512, 512)
    assert CAPTION == "model rendering, not a patient image"


@pytest.mark.parametrize("bad,match", [
    (dict(orbital_deg=200), "orbital_deg"), (dict(level="T12"), "level"), (dict(size_px=7), "size_px"),
    (dict(sod_mm=990), "sod_mm"), (dict(zoom=2), "unknown shot option"),
])
def test_bad_shot_arguments_are_named(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        shot(**bad)


def test_bad_instruments_are_named():
    with pytest.raises(ValueError, match="kind"):
        Instrument("drill", (0, 0, 0), (1, 0, 0), 2.0)
    with pytest.raises(ValueError, match="inner_diameter_mm"):
        Instrument("tube", (0, 0, 0), (1, 0, 0), 2.0, 3.0)


def test_a_bone_reaching_beyond_the_vertebrae_is_added_by_a_coarse_grid_without_a_seam():
    from widgets.anatomy.spine import build_spine
    from widgets.anatomy.vertebra import Part
    from widgets.imaging.drr import shot_of
    from widgets.imaging.volume import _core_parts, voxelise

    spine = build_spine()
    near = [spine.parts[i] for i in _core_parts(spine, spine.parts)]  # no pelvis, no sacrum below S1
    plain = voxelise(spine, near, 1.0)
    edge = plain.origin[0] + plain.spacing * (plain.shape[0] - 1)  # the fine grid's left end (x)
    z0 = float(plain.body_centre("L4")[2])
    # a slab of bone (an iliac wing, say) from inside the fine grid to far outside it
    slab = prism(np.array([[edge - 30, 60.0], [edge + 60, 60.0], [edge + 60, 90.0], [edge - 30, 90.0]]),
                 z0 - 20, z0 + 20, "slab")
    vol = voxelise(spine, (*near, Part(slab, "pelvis", "test slab", "bone", "S1")), 1.0)
    assert plain.outer is None and vol.outer is not None and vol.outer.spacing == 2.0
    view = View("L4", 0.0, 0.0)
    diff = shot_of(vol, view).anatomy - shot_of(plain, view).anatomy
    s = shot_of(vol, view)
    centre = vol.pose("L4").inverse().apply(np.array([[edge, 75.0, z0]]))
    col, row = s.to_pixels(vol.pose("L4").apply(centre))[0]
    profile = diff[int(round(row)), int(col) - 12:int(col) + 13]
    plateau = float(np.median(profile))
    from widgets.imaging.volume import mu_per_mm

    # the slab is there: at least 30 mm of cancellous bone along the beam (its cortex adds more)
    assert plateau > 30 * (mu_per_mm("cancellous bone") - mu_per_mm("soft tissue"))
    # and no step where the two grids meet: within 8% of the slab (the coarse grid's 2 mm voxels
    # hold a little more cortex than the fine grid's: 5-7% as the model's extent moves the fine
    # grid's origin by a fraction of a voxel; a false shell at the cut would add ~15%)
    assert np.abs(profile - plateau).max() < 0.08 * plateau
