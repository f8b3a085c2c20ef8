"""Views of the case lesson: built and driven without a front end; no key in a student's widgets."""

from __future__ import annotations

import html
import json

import pytest

from widgets.case.model import case_run
from widgets.case.quiz import answer_key_strings, quiz_items
from widgets.quiz.types import key_lines


def _traits_text(widgets) -> str:
    """Every string-valued trait of every widget, as the front end would receive it."""
    parts = []
    for w in widgets:
        state = w.get_state()
        parts.append(json.dumps(state, default=str))
    return html.unescape("\n".join(parts))


@pytest.mark.parametrize("case_id", ["lumbar-disc-herniation", "degenerative-spondylolisthesis",
                                     "osteoporotic-fracture"])
def test_no_widget_of_the_student_quiz_holds_a_key(case_id):
    from widgets.case.view import case_quiz

    run = case_run({"case": case_id, "difficulty": "hard"})
    quiz = case_quiz(run)
    assert quiz.session.mode == "exam" and quiz.session.store is not None
    for i in range(len(quiz.session.items)):
        quiz.question(i)
    text = _traits_text(quiz.all_widgets())
    solution = case_run({"case": case_id, "difficulty": "hard", "mode": "solution"})
    leaks = [s for s in answer_key_strings(solution) if s in text]
    assert leaks == []


def test_the_solution_quiz_is_practice_and_records_nothing():
    from widgets.case.view import case_quiz

    quiz = case_quiz(case_run({"mode": "solution"}))
    assert quiz.session.mode == "practice" and quiz.session.store is None


def test_approach_chooser_says_what_the_solution_accepts_only_in_solution_mode():
    from widgets.case.view import ApproachChooser

    student = ApproachChooser(case_run({}))
    student.choice.value = "conservative"
    assert "Continue conservative care" in student.about.value
    assert "Solution" not in student.about.value
    solution = ApproachChooser(case_run({"mode": "solution"}))
    solution.choice.value = "conservative"
    assert "not the solution's choice here" in solution.about.value
    solution.choice.value = "tubular"
    assert "reasonable for this patient" in solution.about.value


def test_predictor_compares_and_reads_only_in_solution():
    from widgets.case.view import OutcomePredictor

    for mode in ("student", "solution"):
        view = OutcomePredictor(case_run({"mode": mode}))
        view.dropdowns[0].value = "none"  # RDQ: the CI lies within plus or minus the MCID of 5 points
        view.compare.click()
        rows = view.table_rows()
        assert rows[0]["your prediction"] == "no important difference"
        assert rows[0]["cited effect (95% CI)"] == "MISS minus comparator 0.8 (95% CI -0.2 to 1.7)"
        assert rows[0]["smallest difference that matters"].startswith("MCID of the RDQ: 5 points")
        assert ("verdict (solution)" in rows[0]) == (mode == "solution")
        # the durotomy row prints no CI: the map's rule reads it as inconclusive, only in the solution
        assert ("inconclusive</td>" in view.result.value) == (mode == "solution")
        if mode == "solution":
            assert rows[0]["your prediction matches"] == "yes"


def test_predictor_without_evidence_says_so():
    from widgets.case.view import OutcomePredictor

    view = OutcomePredictor(case_run({"case": "cervical-radiculopathy"}))
    assert "no MISS-versus-open comparison" in view.widget().value


def test_tutor_notes_and_key_only_in_solution():
    from widgets.case.view import quiz_key, tutor_notes

    student, solution = case_run({}), case_run({"mode": "solution"})
    assert student.case.tutor_notes not in html.unescape(tutor_notes(student).data)
    assert solution.case.tutor_notes in html.unescape(tutor_notes(solution).data)
    key_student = html.unescape(quiz_key(student).data)
    key_solution = html.unescape(quiz_key(solution).data)
    for item in quiz_items(solution):
        assert key_lines(item)[0] not in key_student
        assert key_lines(item)[0] in key_solution


def test_case_card_is_fictional_and_fills_the_level():
    from widgets.case.view import case_card

    text = case_card(case_run({"level": "L4-L5"})).data
    assert "fictional teaching vignette" in text
    assert "at L4-L5 on the left" in text and "changed: level" in text


def test_corridor_only_for_posterior_lumbar_conditions():
    import ipywidgets as ipw

    from widgets.case.view import case_corridor

    assert isinstance(case_corridor(case_run({})), ipw.VBox)
    assert "not shown" in case_corridor(case_run({"case": "cervical-radiculopathy"})).data


def test_full_table_shows_long_text_in_full():
    from widgets.case.tables import factor_table
    from widgets.case.view import full_table

    run = case_run({"case": "lumbar-stenosis"})
    shown = full_table(factor_table(run))
    long_text = run.factors()[0].mis_text
    assert len(long_text) > 50
    assert long_text in repr(shown)
    assert html.escape(long_text) in shown._repr_html_() or long_text in shown._repr_html_()


def test_hand_in_exports_the_learner_progress(tmp_path, monkeypatch):
    from widgets.case.view import hand_in

    monkeypatch.setenv("MISS_PROGRESS_DIR", str(tmp_path / "progress"))
    monkeypatch.chdir(tmp_path)
    box = hand_in(case_run({"learner": "s042"}))
    button, status = box.children[:2]  # then the key guard
    button.click()
    out = tmp_path / "s042-07-case-progress.jsonl"
    assert out.is_file() and "s042-07-case-progress.jsonl" in status.value
    header = json.loads(out.read_text().splitlines()[0])
    assert header == {"format": "miss-progress", "version": 1, "learner": "s042"}
