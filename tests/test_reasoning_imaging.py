"""Lesson 08's image matching: cases from a seed, the slices as images, the grading and the view."""

from __future__ import annotations

import pytest

from widgets.conditions.roots import herniation_root, root_signs
from widgets.core.data import load_table
from widgets.imaging.slices import Herniation, roots_touched
from widgets.reasoning.imaging_match import (
    CASE_KINDS,
    NO_ROOT,
    ROOT_ANSWERS,
    MatchCase,
    describe_images,
    grade_match,
    make_case,
    prevalence_lines,
    slice_pngs,
)

PNG = b"\x89PNG\r\n\x1a\n"


def _first(kind: str, **want) -> MatchCase:
    for seed in range(200):
        case = make_case(seed=seed)
        if case.kind == kind and all(getattr(case, k) == v for k, v in want.items()):
            return case
    raise AssertionError(f"no {kind} case {want} in seeds 0-199")


def test_the_same_seed_gives_the_same_case_and_every_kind_is_drawn():
    assert make_case(seed=7) == make_case(seed=7)
    kinds = {make_case(seed=s).kind for s in range(60)}
    assert kinds == set(CASE_KINDS)


@pytest.mark.parametrize("seed", [-1, 10000, 1.5, True, "3"])
def test_a_bad_seed_is_refused_in_one_line(seed):
    with pytest.raises(ValueError, match="seed must be a whole number from 0 to 9999") as err:
        make_case(seed=seed)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("seed", range(40))
def test_the_image_root_is_the_models_and_lesson_02s(seed):
    case = make_case(seed=seed)
    touched = roots_touched(Herniation(disc=case.disc, zone=case.zone, side=case.side, size_mm=case.size_mm))
    if case.kind == "bulge":
        assert (case.zone, case.image_root, touched) == ("central", NO_ROOT, [])
        return
    assert case.image_root == touched[0]
    relation = "paramedian" if case.zone == "paracentral" else "far-lateral"
    assert case.image_root == f"{herniation_root(case.disc, relation).root} {case.side}"


def test_each_kind_sets_the_symptoms_against_the_image():
    match = _first("explained")
    assert match.explains and match.image_root == f"{match.symptom_root} {match.symptom_side}"
    other_side = _first("other side")
    assert not other_side.explains
    assert other_side.image_root.split()[0] == other_side.symptom_root
    assert other_side.symptom_side != other_side.side
    other_root = _first("other root")
    assert not other_root.explains
    assert other_root.symptom_root not in {r.split()[0] for r in roots_touched(
        Herniation(disc=other_root.disc, zone=other_root.zone, side=other_root.side))}
    assert not _first("bulge").explains


def test_the_textbook_l4_l5_cases_paracentral_l5_and_foraminal_l4():
    assert _first("explained", disc="L4-L5", zone="paracentral").symptom_root == "L5"
    assert _first("explained", disc="L4-L5", zone="foraminal").symptom_root == "L4"


@pytest.mark.parametrize("seed", range(12))
def test_the_findings_are_the_symptom_roots_signs_from_the_root_table(seed):
    case = make_case(seed=seed)
    sign = next(s for s in root_signs() if s.root == case.symptom_root)
    assert f"{sign.key_muscle}: weak on the {case.symptom_side}" in case.findings
    assert f"{sign.key_sensory_point}: numb on the {case.symptom_side}" in case.findings
    assert case.history.startswith(f"A {case.age}-year-old {case.sex}")
    assert f"{case.symptom_side} leg" in case.history
    assert set(case.source_keys) == set(sign.sources)


@pytest.mark.parametrize("modality", ["T2", "CT"])
def test_the_slices_are_png_images_of_both_planes(modality):
    pngs = slice_pngs(make_case(seed=1), modality=modality)
    assert set(pngs) == {"axial", "sagittal"}
    assert all(p.startswith(PNG) and len(p) > 10_000 for p in pngs.values())
    assert pngs["axial"] != pngs["sagittal"]


def test_ct_and_t2_differ_and_the_herniation_is_in_the_picture():
    from widgets.imaging.slices import slice_image

    case = _first("explained", zone="paracentral")
    assert slice_pngs(case, modality="T2") != slice_pngs(case, modality="CT")
    h = Herniation(disc=case.disc, zone=case.zone, side=case.side, size_mm=case.size_mm)
    assert slice_image(plane="axial", where=case.disc, herniation=h).shows("herniated disc")


def test_bad_slice_requests_are_refused_in_one_line():
    case = make_case(seed=0)
    with pytest.raises(ValueError, match="modality must be one of T2, CT; got 'PET'"):
        slice_pngs(case, modality="PET")
    with pytest.raises(ValueError, match="display_px must be a whole number from 256 to 1024"):
        slice_pngs(case, display_px=100)
    with pytest.raises(TypeError, match="case must be a MatchCase"):
        slice_pngs("L5")
    with pytest.raises(ValueError, match="modality must be one of"):
        describe_images(case, modality="X")


@pytest.mark.parametrize("kind", list(CASE_KINDS))
def test_the_text_alternative_says_where_without_giving_the_root(kind):
    case = _first(kind)
    words = describe_images(case)
    assert "model rendering, not a patient image" in words
    assert "marked L" in words and case.disc in words
    assert case.image_root not in words and "root" not in words.replace("roots on both sides", "")
    assert ("midline" in words) if kind == "bulge" else (f"patient's {case.side}" in words)


def test_the_prevalence_lines_are_the_tables_numbers():
    rows = load_table("imaging_findings_asymptomatic")
    lines, keys = prevalence_lines(finding="disc protrusion")
    want = rows[rows.finding == "disc protrusion"]
    for pct in want.prevalence_pct:
        assert any(f"{pct:g} of 100" in line for line in lines)
    ext = rows[rows.finding == "disc extrusion"].prevalence_pct.iloc[0]
    assert any(f"{ext:g} of 100 had a disc extrusion" in line for line in lines)
    assert set(keys) == set(want.source_key)
    bulge, _ = prevalence_lines(finding="disc bulge")
    assert any("disc bulge at one level or more" in line for line in bulge)
    with pytest.raises(ValueError, match="finding must be 'disc bulge' or 'disc protrusion'; got 'cyst'"):
        prevalence_lines(finding="cyst")


def test_a_right_reading_of_a_matching_case():
    case = _first("explained", zone="foraminal")
    grade = grade_match(case, root=case.image_root, explains=True)
    assert grade.all_right
    assert grade.lines[0].startswith("Right.") and "exiting root" in grade.lines[0]
    assert "match" in grade.lines[1] and len(grade.lines) == 2


def test_a_wrong_root_and_a_wrong_match_are_both_explained():
    case = _first("explained", zone="paracentral")
    wrong = next(r for r in ROOT_ANSWERS if r != case.image_root)
    grade = grade_match(case, root=wrong, explains=False)
    assert not grade.root_right and not grade.explains_right and not grade.all_right
    assert grade.lines[0].startswith("Not quite.") and "traversing root" in grade.lines[0]
    assert grade.lines[1].startswith("Not quite.")


@pytest.mark.parametrize("kind, finding", [
    ("other side", "disc protrusion"), ("other root", "disc protrusion"), ("bulge", "disc bulge")])
def test_an_incidental_finding_is_called_one_and_cites_the_asymptomatic_prevalence(kind, finding):
    case = _first(kind)
    grade = grade_match(case, root=case.image_root, explains=False)
    assert grade.all_right and "incidental finding" in grade.lines[1]
    assert grade.lines[2:] == prevalence_lines(finding=finding)[0]
    assert {"Brinjikji2015AJNR", "Jensen1994NEJM"} <= set(grade.source_keys)
    fooled = grade_match(case, root=case.image_root, explains=True)
    assert fooled.root_right and not fooled.explains_right and fooled.lines[1].startswith("Not quite.")


def test_the_bulge_reaches_no_root():
    case = _first("bulge")
    assert grade_match(case, root=NO_ROOT, explains=False).lines[0].startswith("Right. This small central")
    assert not grade_match(case, root="L5 left", explains=False).root_right


def test_bad_answers_are_refused_in_one_line():
    case = make_case(seed=0)
    with pytest.raises(ValueError, match="root must be one of L3 left.*no root; got 'L5'"):
        grade_match(case, root="L5", explains=True)
    with pytest.raises(ValueError, match="explains must be True or False; got 'yes'"):
        grade_match(case, root=NO_ROOT, explains="yes")


# --- the view ---------------------------------------------------------------------------------

def _html(widget) -> str:
    import ipywidgets as ipw

    out = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, ipw.HTML):
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return " ".join(out)


def test_the_view_shows_both_slices_captioned_with_a_text_alternative():
    from widgets.reasoning.view import ImageMatcher

    view = ImageMatcher(seed=3)
    assert bytes(view.axial.value).startswith(PNG) and bytes(view.sagittal.value).startswith(PNG)
    assert int(view.axial.width) >= 400
    page = _html(view.widget())
    assert page.count("model rendering, not a patient image") >= 3  # two captions and the text
    assert view.case.history.split(" has")[0] in page
    t2 = bytes(view.axial.value)
    view.modality.value = "CT"
    assert bytes(view.axial.value) != t2 and "CT-like" in view.text.value
    # both images are tied to the text alternative (the key guard sets their alt from it)
    for image in (view.axial, view.sagittal):
        token = next(c for c in image._dom_classes if c.startswith("miss-pair-"))
        assert token in view.text._dom_classes and "miss-alt" in view.text._dom_classes
    assert "Two CT-like" in view.text.value and "not a patient image" in view.text.value
    assert view.status.value == ""


def test_the_view_grades_and_moves_to_the_next_patient():
    from widgets.reasoning.view import ImageMatcher

    view = ImageMatcher(seed=0)
    case = view.case
    view.answer(root=case.image_root, explains=case.explains)
    assert view.feedback.value.count("Right.") == 2
    view.new.click()
    assert int(view.seed.value) == 1 and view.case == make_case(seed=1) and view.feedback.value == ""


def test_the_answer_key_is_the_right_answers_feedback_without_verdicts():
    from widgets.reasoning.imaging_match import answer_key

    for kind in CASE_KINDS:
        key = answer_key(_first(kind))
        assert key and not any(line.startswith(("Right.", "Not quite.")) for line in key)
    assert answer_key(_first("bulge"))[0].startswith("This small central bulge")


def test_every_case_builds_and_its_pain_runs_in_the_roots_territory():
    where = {"L3": "inner knee", "L4": "inner shin", "L5": "top of the foot", "S1": "sole"}
    for seed in range(200):
        case = make_case(seed=seed)
        assert where[case.symptom_root] in case.history, (seed, case.history)
