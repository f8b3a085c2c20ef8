"""Lesson 02 models: Meyerding grade, Cobb angle and root localisation, against hand-worked cases."""

from __future__ import annotations

import math

import pytest

from widgets.conditions.curve import (
    CURVE_VERTEBRAE,
    cobb_angle,
    cobb_between,
    cobb_result,
    generate_curve,
    is_scoliosis,
    scoliosis_threshold,
)
from widgets.conditions.roots import (
    ROOTS,
    best_roots,
    discs_for_root,
    explain_pattern,
    finding_choices,
    herniation_root,
    root_signs,
)
from widgets.conditions.slip import (
    endplate_width,
    grade_slip,
    meyerding_grade,
    meyerding_grades,
    slip_percent,
)
from widgets.conditions.tables import (
    boundary_table,
    conditions_table,
    curve_table,
    explain_table,
    herniation_table,
    lesson_references,
    meyerding_table,
    reflex_table,
    root_table,
    scoliosis_table,
    slip_table,
)
from widgets.core.data import load_table, references

# ------------------------------------------------------------------------------- Meyerding


def test_grades_are_the_table_rows():
    table = load_table("meyerding_grades")
    grades = meyerding_grades()
    assert [g.grade for g in grades] == ["I", "II", "III", "IV", "V"]
    assert [g.lower_pct for g in grades] == list(table.sort_values("lower_pct")["lower_pct"])
    assert grades[-1].upper_pct is None
    # printed ranges share their end points: each upper end is the next lower end
    for a, b in zip(grades, grades[1:], strict=False):
        assert a.upper_pct == b.lower_pct
    assert {g.source_key for g in grades[:4]} == {"Meyerding1932"}
    assert {g.confidence for g in grades[:4]} == {"secondary-source"}
    assert grades[-1].source_key == "CaminoWillhuber2019"


@pytest.mark.parametrize(
    ("percent", "grade"),
    [
        (0.0, None),        # no slip
        (0.1, "I"),
        (24.999, "I"),
        (25.0, "II"),       # a boundary belongs to the higher grade...
        (49.999, "II"),
        (50.0, "III"),
        (74.999, "III"),
        (75.0, "IV"),
        (99.999, "IV"),
        (100.0, "IV"),      # ...except 100 %: grade V is a slip *greater than* the whole endplate
        (100.001, "V"),
        (180.0, "V"),
    ],
)
def test_boundary_convention(percent, grade):
    result = meyerding_grade(percent)
    assert (None if result is None else result.grade) == grade


def test_slip_percent_by_hand():
    # 10 mm over a 40 mm endplate: 10 / 40 * 100 = 25 %
    assert slip_percent(10, 40) == pytest.approx(25.0)
    # 14.3 / 35.7 * 100 = 40.056 %
    assert slip_percent(14.3, 35.7) == pytest.approx(40.056, abs=1e-3)


def test_grade_slip_with_the_cited_l5_endplate():
    width = endplate_width("L5")
    table = load_table("lumbar_morphometry")
    row = table[(table.level == "L5") & (table.measure == "vertebral_body_superior_length_AP")
                & (table.subgroup == "all")].iloc[0]
    assert (width.value, width.sd, width.source_key) == (row["value"], row["sd"], row["source_key"])
    # 10 mm over 35.7 mm: 28.01 %, grade II
    res = grade_slip(10.0, width.value)
    assert res.percent == pytest.approx(28.011, abs=1e-3)
    assert res.grade.grade == "II" and res.label == "grade II"
    assert grade_slip(0, width.value).label == "no slip"


def test_slip_table_shows_the_data():
    t = slip_table(10.0)
    assert t.loc["upper endplate width of the vertebra below", "value"] == f"{endplate_width().value:.1f} mm"
    assert t.loc["Meyerding grade", "value"] == "grade II"
    assert "CookBaker2021" in t.loc["upper endplate width of the vertebra below", "basis"]


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_bad_slips_are_rejected(bad):
    with pytest.raises(ValueError, match="slip_mm"):
        slip_percent(bad, 40)


def test_bad_widths_and_types_are_rejected():
    with pytest.raises(ValueError, match="endplate_mm must be more than 0"):
        slip_percent(5, 0)
    with pytest.raises(TypeError, match="slip_mm must be a number, got str"):
        slip_percent("5", 40)
    with pytest.raises(TypeError, match="must be a number, got bool"):
        slip_percent(True, 40)
    with pytest.raises(ValueError, match="percent must be 0 or more"):
        meyerding_grade(-3)
    with pytest.raises(TypeError, match="level must be a string"):
        endplate_width(5)


def test_meyerding_tables():
    t = meyerding_table()
    assert list(t.index) == ["I", "II", "III", "IV", "V"]
    assert "secondary source" in t.loc["I", "source"]
    b = boundary_table()
    assert b.loc["25", "grade in this model"] == "grade II"
    assert b.loc["100", "grade in this model"] == "grade IV"
    assert b.loc["just over 100", "grade in this model"] == "grade V"
    assert b.loc["0", "grade in this model"] == "no slip"


# ------------------------------------------------------------------------------- Cobb angle


def test_generated_curve_by_hand():
    # apex T9 (index 8), half width 3, shift 1.5: the steepest tilts lie 3 vertebrae either side,
    # at T6 and T12, where |dx/dy| = 1.5 * exp(-1/2) / 3 = 0.30327, tilt = atan(0.30327) = 16.871 deg
    curve = generate_curve("T9", 3.0, 1.5, "right")
    assert curve.tilt_deg[curve.index("T6")] == pytest.approx(16.8707, abs=1e-3)
    assert curve.tilt_deg[curve.index("T12")] == pytest.approx(-16.8707, abs=1e-3)
    assert curve.x[curve.index("T9")] == pytest.approx(1.5)
    assert curve.tilt_deg[curve.index("T9")] == pytest.approx(0.0)
    angle, up, low = cobb_angle(curve.tilt_deg)
    assert (CURVE_VERTEBRAE[up], CURVE_VERTEBRAE[low]) == ("T6", "T12")
    assert angle == pytest.approx(33.7415, abs=1e-3)


def test_a_narrower_curve_by_hand():
    # half width 2, shift 2: |dx/dy| at two vertebrae from the apex = 2 * exp(-1/2) / 2 = 0.60653,
    # atan = 31.2381 deg, so the Cobb angle is 62.4762 deg between T7 and T11
    res = cobb_result("T9", 2.0, 2.0, "left")
    assert (res.upper_end, res.lower_end) == ("T7", "T11")
    assert res.angle_deg == pytest.approx(62.4762, abs=1e-3)
    assert res.upper_tilt_deg == pytest.approx(-31.2381, abs=1e-3)  # a left curve flips the signs


def test_cobb_from_hand_tilts():
    # tilts 0, 10, 20, 5, -15, -25, -5: most tilted +20 (index 2) and -25 (index 5): 45 deg
    assert cobb_angle([0, 10, 20, 5, -15, -25, -5]) == (45.0, 2, 5)
    # measuring between indices 1 and 5 instead: |10 - (-25)| = 35 deg, smaller
    assert cobb_between([0, 10, 20, 5, -15, -25, -5], 1, 5) == 35.0
    assert cobb_angle([0.0, 0.0, 0.0]) == (0.0, 0, 0)


def test_any_other_end_vertebra_underestimates():
    curve = generate_curve("L1", 4.0, 3.0)
    best, up, low = cobb_angle(curve.tilt_deg)
    for i in range(len(CURVE_VERTEBRAE)):
        for j in range(i + 1, len(CURVE_VERTEBRAE)):
            assert cobb_between(curve.tilt_deg, i, j) <= best + 1e-9


def test_scoliosis_threshold_is_the_cited_one():
    table = load_table("scoliosis_definitions").set_index("term")
    threshold, comparison, key, conf = scoliosis_threshold()
    assert threshold == table.loc["scoliosis", "threshold"]
    assert (comparison, key, conf) == (table.loc["scoliosis", "comparison"], "Choudhry2016", "read-directly")
    # the source says "greater than": the threshold itself is not scoliosis
    assert is_scoliosis(threshold) is False
    assert is_scoliosis(threshold + 0.01) is True
    assert cobb_result().is_scoliosis is True
    assert cobb_result(shift=0.0).angle_deg == 0.0


def test_cobb_errors():
    with pytest.raises(ValueError, match="unknown apex vertebra 'T13'"):
        generate_curve("T13")
    with pytest.raises(ValueError, match="side must be 'right' or 'left'"):
        generate_curve(side="up")
    with pytest.raises(ValueError, match="half_width must be from 1 to 8"):
        generate_curve(half_width=0.5)
    with pytest.raises(ValueError, match="shift must be from 0 to 6"):
        generate_curve(shift=-1)
    with pytest.raises(ValueError, match="must lie above the lower one"):
        cobb_between([1, 2, 3], 2, 1)
    with pytest.raises(ValueError, match="upper must be a vertebra index"):
        cobb_between([1, 2, 3], 5, 6)
    with pytest.raises(ValueError, match="at least two vertebrae"):
        cobb_angle([1.0])
    with pytest.raises(ValueError, match="angle_deg must be 0 or more"):
        is_scoliosis(-1)


def test_curve_and_scoliosis_tables():
    t = curve_table()
    assert t.loc["T6", "role"] == "upper end vertebra" and t.loc["T12", "role"] == "lower end vertebra"
    assert t.loc["T9", "role"] == "apex"
    assert "greater than" in scoliosis_table().loc["scoliosis", "threshold"]


# ------------------------------------------------------------------------------- roots


def test_root_signs_are_the_table_rows():
    signs = load_table("nerve_root_signs")
    for s in root_signs():
        rows = signs[signs.root == s.root].set_index("sign")
        assert s.key_muscle == rows.loc["key muscle", "finding"]
        assert s.key_sensory_point == rows.loc["key sensory point", "finding"]
        assert s.foramen == rows.loc["exit foramen", "finding"]
        assert s.secondary  # key muscles and points are secondary-source transcriptions


def test_reflexes_follow_the_bedside_convention_not_the_textbook_ranges():
    """Issue 12, point 9: biceps C5, brachioradialis C6, triceps C7, knee jerk L4, ankle jerk S1.

    Textbooks give ranges (biceps C5-C6, triceps C7-C8, knee jerk L2-L4, ankle jerk S1-S2); a
    student is examined on the convention, and C8, L2, L3 and L5 have no standard reflex.
    """
    by_root = {s.root: s.reflexes for s in root_signs()}
    assert by_root == {"C5": ("biceps",), "C6": ("brachioradialis",), "C7": ("triceps",), "C8": (),
                       "L2": (), "L3": (), "L4": ("knee jerk (patellar)",), "L5": (),
                       "S1": ("ankle jerk (Achilles)",)}
    # the biceps reflex is shared: C6 compression reduces it too (biceps is C5-C6)
    assert {s.root: s.other_reflexes for s in root_signs()}["C6"] == ("biceps",)
    t = reflex_table()
    assert dict(t["tests the root (bedside convention)"]) == {
        "biceps": "C5", "brachioradialis": "C6", "triceps": "C7", "knee jerk (patellar)": "L4",
        "ankle jerk (Achilles)": "S1"}
    # the ranges are still shown, as what textbooks give
    assert t.loc["triceps", "segments in textbooks (range)"] == "C7-C8"
    assert t.loc["knee jerk (patellar)", "segments in textbooks (range)"] == "L2-L4"


def test_the_convention_and_the_shared_muscles_cite_a_source_that_resolves():
    from widgets.core.data import references

    refs = references()
    reflexes = load_table("tendon_reflexes")
    assert set(reflexes["convention_source_key"]) <= set(refs)
    assert set(reflexes["convention_source_key"]) <= set(lesson_references())


def test_c6_weakens_elbow_flexion_as_well_as_wrist_extension():
    """The C6 case (weak elbow flexion) and the root table (key muscle wrist extension) agree."""
    c6 = {s.root: s for s in root_signs()}["C6"]
    assert c6.key_muscle == "wrist extension"  # the ISNCSCI key muscle
    assert c6.other_muscles == ("elbow flexion",)  # biceps is C5-C6
    assert best_roots(weakness="elbow flexion") == ("C5", "C6")
    assert best_roots(weakness="elbow flexion", numbness="thumb", reflex=["brachioradialis", "biceps"]) == (
        "C6",)


def test_the_cervical_radiculopathy_case_is_explained_by_the_root_its_disc_compresses():
    import yaml

    from widgets.core.data import data_dir

    case = yaml.safe_load((data_dir() / "cases" / "cervical-radiculopathy.yaml").read_text(encoding="utf-8"))
    exam = case["presentation"]["examination"]
    assert "elbow flexion" in exam and "brachioradialis" in exam and "thumb" in exam
    root = herniation_root(case["patient"]["level"], "far-lateral").root
    assert root == "C6"
    assert best_roots(weakness="elbow flexion", numbness="thumb", reflex=["brachioradialis", "biceps"]) == (
        root,)


@pytest.mark.parametrize(
    ("weakness", "numbness", "reflex", "best"),
    [
        ("ankle dorsiflexion", "inner ankle", "knee jerk (patellar)", ("L4",)),
        ("great toe extension", "top of the foot", None, ("L5",)),
        ("ankle plantar flexion", "outer heel", "ankle jerk (Achilles)", ("S1",)),
        ("wrist extension", "thumb", "brachioradialis", ("C6",)),
        ("elbow extension", "middle finger", "triceps", ("C7",)),
        (None, None, "biceps", ("C5", "C6")),          # a reflex alone cannot separate C5 from C6
        (None, None, "brachioradialis", ("C6",)),
        (None, None, "triceps", ("C7",)),               # not C8: C8 has no standard reflex
        (None, None, "knee jerk (patellar)", ("L4",)),  # the convention, not the L2-L4 range
        ("great toe extension", None, "ankle jerk (Achilles)", ()),  # no single root: L5 + S1
    ],
)
def test_best_roots_by_hand(weakness, numbness, reflex, best):
    assert best_roots(weakness, numbness, reflex) == best


def test_explain_pattern_counts_what_each_root_explains():
    matches = {m.root: m for m in explain_pattern("great toe extension", None, "ankle jerk (Achilles)")}
    assert matches["L5"].explained == ("weakness: great toe extension",)
    assert matches["L5"].unexplained == ("reflex: ankle jerk (Achilles)",)
    assert matches["S1"].explained == ("reflex: ankle jerk (Achilles)",)
    assert not any(m.explains_all for m in matches.values())
    assert set(matches) == set(ROOTS)
    t = explain_table(weakness="ankle dorsiflexion")
    assert t.loc["L4", "explains every finding"] == "yes"


def test_finding_errors():
    with pytest.raises(ValueError, match="unknown weakness finding 'foot drop'"):
        explain_pattern(weakness="foot drop")
    with pytest.raises(ValueError, match="give at least one finding"):
        explain_pattern()
    with pytest.raises(TypeError, match="must be strings, got int"):
        explain_pattern(reflex=[3])
    assert set(finding_choices()) == {"weakness", "numbness", "reflex"}


@pytest.mark.parametrize(
    ("disc", "zone", "root", "relation"),
    [
        ("L4-L5", "paramedian", "L5", "traversing"),   # crossing the disc, named for the lower vertebra
        ("L4-L5", "far-lateral", "L4", "exiting"),     # the root in the foramen, named for the upper vertebra
        ("L5-S1", "paramedian", "S1", "traversing"),
        ("L5-S1", "far-lateral", "L5", "exiting"),
        ("L1-L2", "far-lateral", "L1", "exiting"),
        ("C5-C6", "paramedian", "C6", "exiting"),      # cervical roots leave above their vertebra
        ("C5-C6", "far-lateral", "C6", "exiting"),
        ("C7-T1", "paramedian", "C8", "exiting"),      # C8 has no vertebra: it leaves between C7 and T1
    ],
)
def test_herniation_root_by_hand(disc, zone, root, relation):
    h = herniation_root(disc, zone)
    assert (h.root, h.relation) == (root, relation)
    assert h.source_key in references()


def test_discs_for_root():
    assert [(h.disc, h.zone) for h in discs_for_root("L4")] == [("L3-L4", "paramedian"),
                                                               ("L4-L5", "far-lateral")]
    assert [(h.disc, h.zone) for h in discs_for_root("S1")] == [("L5-S1", "paramedian")]
    assert {h.disc for h in discs_for_root("C6")} == {"C5-C6"}
    with pytest.raises(ValueError, match="unknown root 'T4'"):
        discs_for_root("T4")
    with pytest.raises(ValueError, match="unknown zone 'central'"):
        herniation_root("L4-L5", "central")
    with pytest.raises(ValueError, match="unknown disc 'L6-S1'"):
        herniation_root("L6-S1", "paramedian")


def test_root_and_herniation_tables():
    t = root_table()
    assert list(t.index) == list(ROOTS)
    assert t.loc["L5", "reflex it is tested by"] == "no standard reflex"
    assert t.loc["C8", "reflex it is tested by"] == "no standard reflex"
    assert t.loc["C6", "also weakens"] == "elbow flexion"
    h = herniation_table()
    assert h.loc["L4-L5", "paramedian herniation"] == "L5 (traversing)"
    assert h.loc["L4-L5", "far-lateral herniation"] == "L4 (exiting)"


# ------------------------------------------------------------------------------- what students read


def test_conditions_table_is_the_data():
    data = load_table("conditions_miss")
    shown = conditions_table()
    assert len(shown) == len(data)
    for r in data.itertuples():
        row = shown.loc[(r.condition, r.option)]
        assert row["what the cited source found"] == r.evidence
        assert row["source"].startswith(r.source_key)
        label = "secondary source" if r.confidence == "secondary-source" else "read directly"
        assert label in row["source"]
    # the table says where MISS was not better
    arts = shown.loc[("lumbar disc herniation", "tubular microdiscectomy"), "what the cited source found"]
    assert "did not improve" in arts


def test_every_condition_of_the_issue_is_covered():
    conditions = " ".join(load_table("conditions_miss")["condition"])
    for word in ("lumbar disc herniation", "cervical disc herniation", "stenosis", "spondylolisthesis",
                 "fracture", "osteoporotic", "scoliosis", "tumour", "nerve-root compression"):
        assert word in conditions, word


def test_lesson_references_resolve():
    keys = lesson_references()
    refs = references()
    assert keys and all(k in refs for k in keys)
    assert len(keys) == len(set(keys))
    for k in ("Meyerding1932", "Kirshblum2011", "StatPearlsDTR", "Chou2007", "Choudhry2016"):
        assert k in keys


def test_new_references_have_what_the_converter_checks():
    for key in ("Meyerding1932", "CaminoWillhuber2019", "Cobb1948", "Choudhry2016", "Kirshblum2011",
                "StatPearlsDTR", "Abdullah1974", "BrJNeurosurg1987ELLDH", "Chou2007", "NICE2016NG59",
                "Ruetten2007MinInvNeurosurg", "Mummaneni2014", "Mannion2011", "Fisher2010",
                "Ghogawala2016", "Forsth2016"):
        item = references()[key]
        assert item["type"] and item["title"] and item["note"], key
        assert not math.isnan(len(item["note"]))


def test_every_reflex_convention_cites_a_checked_source_and_quotes_its_row():
    refs = references()
    words = {"biceps": "biceps", "brachioradialis": "brachioradialis", "triceps": "triceps",
             "knee jerk (patellar)": "quadriceps (knee)",
             "ankle jerk (achilles)": "gastrocnemius/soleus (ankle)"}
    for r in load_table("tendon_reflexes").itertuples():
        ref = refs[r.convention_source_key]
        assert ref.get("custom", {}).get("verified") and ref.get("URL"), r.convention_source_key
        notes = str(r.notes).lower()
        assert f'"{r.root_by_convention.lower()} |' in notes, r.reflex  # the source's row for that root
        assert words[str(r.reflex).lower()] in notes, r.reflex
        assert f"segmental innervation: {r.segment_from}-{r.segment_to}".lower() in notes, r.reflex
