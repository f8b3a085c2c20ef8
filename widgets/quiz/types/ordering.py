"""Ordering: put three or more steps (of a procedure) in order.

Scored as the fraction of positions holding the right step; the misplaced
positions are reported (1-based). ``correct`` only when all are right. The
steps are always shuffled and never offered in their right order. Drawn as one
drop-down per position.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from widgets.quiz.types import base
from widgets.quiz.types.base import Grade, ItemCheck

NAME = "ordering"
INSTRUCTION = "Put the steps in order: choose the step for each position."
SCHEMA = {"required": ["options", "answer"],
          "properties": {"options": {"minItems": 3}, "answer": base.id_list(3)}}

resolve = base.no_numbers
answer_signature = base.no_signature
key_is_longest = base.not_counted
choice_counts = base.no_choice_counts


def check(answer: Any, *, options: Sequence, prompts: Sequence, choices: Sequence) -> tuple[str, ...]:
    """Check that the answer lists every option id once, first step first; return it."""
    if sorted(answer) != sorted(o.id for o in options):
        raise ItemCheck("an ordering answer lists every option id exactly once")
    return tuple(answer)


def answer_from_json(answer: Any) -> tuple[str, ...]:
    """Return a pinned answer as the item holds it."""
    return tuple(answer)


def grade(item: Any, response: Sequence[str | None] | None) -> Grade:
    """Grade an ordering item; ``response`` lists option ids from first step to last."""
    if isinstance(response, str):
        raise TypeError("an ordering response is a sequence of option ids, not one string")
    answer = list(item.answer)
    given = list(response or ())
    if len(given) > len(answer):
        raise ValueError(f"item {item.id!r} has {len(answer)} steps; got {len(given)}")
    given += [None] * (len(answer) - len(given))
    base.check_ids(item, given)
    misplaced = tuple(i + 1 for i, (g, a) in enumerate(zip(given, answer, strict=True)) if g != a)
    right_pos = {a: i + 1 for i, a in enumerate(answer)}
    feedback, status = {}, {}
    for o in item.options:
        where = [i + 1 for i, g in enumerate(given) if g == o.id]
        if not where:
            status[o.id] = "not placed"
            note = f"Not placed; it is step {right_pos[o.id]}."
        elif where == [right_pos[o.id]]:
            status[o.id] = "in place"
            note = f"Step {right_pos[o.id]}: in place."
        else:
            status[o.id] = "misplaced"
            note = (f"You put it at position {', '.join(map(str, where))}; it is step"
                    f" {right_pos[o.id]}.")
        feedback[o.id] = f"{note} {o.feedback}".strip()
    score = (len(answer) - len(misplaced)) / len(answer)
    message = ("All steps in order." if not misplaced else
               f"Position{'s' if len(misplaced) > 1 else ''} {', '.join(map(str, misplaced))}"
               f" {'are' if len(misplaced) > 1 else 'is'} misplaced.")
    return base.graded(item, correct=not misplaced, score=round(score, 6), feedback=feedback,
                  status=status, message=message, misplaced=misplaced, response=given)


def option_order(item: Any, which: str, seed: int) -> list[str]:
    """Return the steps shuffled, never in the right order (the first step then goes last)."""
    ids = base.seeded_order(item, which, seed, always=True)
    if which == "options" and ids == list(item.answer):
        ids = ids[1:] + ids[:1]
    return ids


class Controls:
    """One drop-down of the steps per position."""

    def __init__(self, item: Any, order: Callable[..., list[str]]):
        import ipywidgets as ipw

        ids = order()
        opts = [(base.CHOOSE, None)] + [(item.option(i).text, i) for i in ids]
        self.steps = [ipw.Dropdown(options=opts, index=0, description=f"Step {k}",
                                   layout=base.wide(), style={"description_width": "initial"})
                      for k in range(1, len(ids) + 1)]
        self.widgets = list(self.steps)

    def read(self) -> list[str | None]:
        """Return the step chosen at each position."""
        return [d.value for d in self.steps]

    def set(self, response: Sequence[str | None]) -> None:
        """Choose the steps of ``response``, first position first."""
        for dd, oid in zip(self.steps, response, strict=False):
            dd.value = oid


def feedback_html(item: Any, result: Grade, order: Callable[..., list[str]]) -> str:
    """Return the steps in their right order, each with where the learner put it."""
    rows = [f"<li>{base.esc(item.option(oid).text)}: {base.esc(result.feedback[oid])}</li>"
            for oid in item.answer]
    return "<p>The steps in order:</p><ol>" + "".join(rows) + "</ol>"


def key_lines(item: Any) -> list[str]:
    """Return the answer key as the solution version prints it (one line per step)."""
    return [f"Key, step {i}: {item.option(a).text}" for i, a in enumerate(item.answer, start=1)]


def key_feedback(item: Any, order: Callable[..., list[str]]) -> None:
    """Return nothing: no list beside the key lines."""
    return None


def lint(item: Any) -> list[tuple[str, str]]:
    """Return no findings: no rules of its own."""
    return []


def correct_response(item: Any) -> list[str]:
    """Return a right answer in the grader's terms."""
    return list(item.answer)


def wrong_response(item: Any, rng: random.Random) -> list[str]:
    """Return the key with the first two steps swapped."""
    order = list(item.answer)
    order[0], order[1] = order[1], order[0]
    return order


def lms_form(item: Any) -> base.LmsForm:
    """Return the item as a matching question: each position ("Step 1", ...) takes its step.

    Neither Canvas classic quizzes nor QTI 1.2 has an ordering question, so the
    order is asked as a match of positions to steps; a learner's score is the
    share of positions right, as the suite grades partial order.
    """
    steps = tuple((f"step-{n}", f"Step {n}") for n in range(1, len(item.answer) + 1))
    return base.LmsForm("match", prompts=steps,
                        choices=tuple((o.id, o.text) for o in item.options),
                        pairs={sid: oid for (sid, _), oid in zip(steps, item.answer, strict=True)},
                        note="ordering asked as matching positions to steps")
