"""The tube and endoscope views of lesson 03, driven without a browser: every control moves the figure."""

from __future__ import annotations

import numpy as np

from widgets.access.view import EndoscopeView, TubeWindowView, structure_image


def _state(view):
    fig = view.figure
    return (fig.layout.title.text, fig.alt, fig.widget.alt, view.table.value,
            np.asarray(fig.data[0].z).tobytes())


def test_every_tube_control_redraws_the_rendering_its_text_alternative_and_the_table():
    view = TubeWindowView()
    view.widget()
    assert "Model rendering: down an 18 mm tube" in view.figure.layout.title.text
    assert "Model rendering" in view.figure.alt and view.figure.widget.alt == view.figure.alt
    assert "Is the target in my window?" in view.answer.value
    moves = [(view.wand, 10), (view.caudal, 15), (view.removal, "laminotomy"), (view.side, "right"),
             (view.segment, "L5-S1"), (view.diameter, 14.0), (view.target, "dural sac")]
    for control, value in moves:
        before = _state(view)
        control.value = value
        after = _state(view)
        assert view.status.value == "", (control.description, view.status.value)
        assert after[1] != before[1], control.description  # the alt text follows the figure
        assert after[2] == after[1]
    assert "a 14 mm tube" in view.figure.layout.title.text and "right L5-S1" in view.figure.alt
    names = [a.text for a in view.figure.layout.annotations]
    assert "dural sac" in names and "medial" in names and "↑ cranial" in names
    legend = [t.name for t in view.figure.data[1:] if t.showlegend]
    assert any(n.startswith("dural sac: ") for n in legend)


def test_every_endoscope_control_redraws_and_the_lens_direction_is_named():
    view = EndoscopeView()
    view.widget()
    assert "looks cranial" in view.figure.layout.title.text
    for control, value in [(view.rotation, 90), (view.rotation, 270), (view.side, "right"),
                           (view.segment, "L3-L4")]:
        before = _state(view)
        control.value = value
        after = _state(view)
        assert view.status.value == ""
        assert after[0] != before[0] and after[4] != before[4], control.description
        assert after[2] == after[1]
    assert "ventral" in view.figure.layout.title.text and "In view:" in view.caption.value


def test_the_image_shades_each_structure_in_its_colour_and_leaves_the_outside_white():
    codes = np.array([[0, 1], [-1, -2]])
    img = structure_image(codes, np.ones((2, 2)), ("lamina", "disc"))
    assert img.dtype == np.uint8
    assert tuple(img[0, 0]) == (0x56, 0xB4, 0xE9) and tuple(img[0, 1]) == (0x00, 0x9E, 0x73)
    assert tuple(img[1, 1]) == (255, 255, 255)


def test_the_names_written_on_the_rendering_do_not_cross_each_other():
    from widgets.access.raster import label_anchor

    for view in (TubeWindowView(), TubeWindowView(wand_deg=10, removal="laminotomy"),
                 EndoscopeView(rotation_deg=90), EndoscopeView(rotation_deg=180)):
        size = view.size
        boxes = []
        for a in view.figure.layout.annotations:
            if a.text in ("↑ cranial", "↓ caudal") or a.textangle:
                continue
            width = 2.7 * len(a.text)
            start = {"left": a.x, "right": a.x - width, "center": a.x - width / 2}[label_anchor(a.x, size)]
            assert a.xanchor == label_anchor(a.x, size)
            boxes.append((a.y, start, start + width, a.text))
        for i, (r0, a0, a1, t0) in enumerate(boxes):
            for r1, b0, b1, t1 in boxes[i + 1:]:
                assert not (abs(r0 - r1) < 0.09 * size and a0 < b1 and b0 < a1), (t0, t1)
