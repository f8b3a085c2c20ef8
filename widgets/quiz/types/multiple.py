"""Multiple select: every keyed option among three or more, with partial credit.

Scored ``max(0, (keyed options chosen - unkeyed options chosen) / keyed options)``:
each wrong pick cancels a right one, so ticking every box scores 0 unless every
option is keyed. ``correct`` only when the chosen set is exactly the keyed set.
Drawn as one check box per option.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from widgets.quiz.types import base
from widgets.quiz.types.base import Grade, ItemCheck

NAME = "multiple"
INSTRUCTION = "Select every answer that applies."
SCHEMA = {"required": ["options", "answer"],
          "properties": {"options": {"minItems": 3}, "answer": base.id_list(1)}}

resolve = base.no_numbers
key_is_longest = base.not_counted


def check(answer: Any, *, options: Sequence, prompts: Sequence, choices: Sequence) -> tuple[str, ...]:
    """Check that the answer lists option ids; return it."""
    ids = {o.id for o in options}
    unknown = [a for a in answer if a not in ids]
    if unknown:
        raise ItemCheck(f"answer ids {unknown} are not option ids {sorted(ids)}")
    return tuple(answer)


def answer_from_json(answer: Any) -> tuple[str, ...]:
    """Return a pinned answer as the item holds it."""
    return tuple(answer)


def grade(item: Any, response: Iterable[str] | None) -> Grade:
    """Grade a multiple-select item; ``response`` is the set of chosen option ids."""
    if isinstance(response, str):
        raise TypeError("a multiple-select response is a collection of option ids, not one string")
    chosen = set(response or ())
    base.check_ids(item, chosen)
    keyed = set(item.answer)
    hits = len(chosen & keyed)
    false_picks = len(chosen - keyed)
    score = max(0.0, (hits - false_picks) / len(keyed))
    message = (f"{hits} of {len(keyed)} correct options chosen, {false_picks} incorrect"
               f" option{'s' if false_picks != 1 else ''} chosen.")
    return base.graded(item, correct=chosen == keyed, score=round(score, 6),
                  feedback={o.id: o.feedback for o in item.options},
                  status=base.choice_status(item, chosen, keyed), message=message,
                  response=sorted(chosen))


def option_order(item: Any, which: str, seed: int) -> list[str]:
    """Return number options ascending, text options shuffled (unless the item says not to)."""
    return base.numbers_ascending(item, which) or base.seeded_order(item, which, seed)


class Controls:
    """One check box per option, in display order."""

    def __init__(self, item: Any, order: Callable[..., list[str]]):
        import ipywidgets as ipw

        self.boxes = {i: ipw.Checkbox(value=False, description=item.option(i).text,
                                      indent=False, layout=base.wide()) for i in order()}
        self.widgets = list(self.boxes.values())

    def read(self) -> list[str]:
        """Return the ticked option ids."""
        return [i for i, box in self.boxes.items() if box.value]

    def set(self, response: Iterable[str]) -> None:
        """Tick exactly the options in ``response``."""
        chosen = set(response)
        for oid, box in self.boxes.items():
            box.value = oid in chosen


def feedback_html(item: Any, result: Grade, order: Callable[..., list[str]]) -> str:
    """Return every option, marked, with its feedback."""
    return base.choice_feedback_html(item, result, order())


def key_lines(item: Any) -> list[str]:
    """Return the answer key as the solution version prints it (one line per keyed option)."""
    return [f"Key: {item.option(a).text}" for a in item.answer]


def key_feedback(item: Any, order: Callable[..., list[str]]) -> list[tuple[str, str]]:
    """Return each option with its feedback, in display order."""
    return base.option_texts_feedback(item, order())


def lint(item: Any) -> list[tuple[str, str]]:
    """Return the findings of the choice-item rules (``longest-answer-cue``, ``heterogeneous-options``)."""
    return base.choice_lint(item, set(item.answer or ()))


def answer_signature(item: Any) -> tuple:
    """Return the keyed options' texts (two items with the same ones may test one fact)."""
    return ("texts", frozenset(base.text_of(item, a) for a in item.answer))


def choice_counts(item: Any, answers: Sequence[Any]) -> list[dict[str, Any]]:
    """Return how many learners ticked each option."""
    return base.choice_counts_of(item, answers, set(item.answer), lambda r, oid: oid in (r or ()))


def correct_response(item: Any) -> list[str]:
    """Return a right answer in the grader's terms."""
    return list(item.answer)


def wrong_response(item: Any, rng: random.Random) -> list[str]:
    """Return options ticked with probability one half (every option if that hit the key)."""
    pool = [o.id for o in item.options]
    picked = [o for o in pool if rng.random() < 0.5]
    return picked if set(picked) != set(item.answer) else pool


def lms_form(item: Any) -> base.LmsForm:
    """Return the item as a multiple-answer choice question of an LMS."""
    return base.choice_lms_form(item, set(item.answer), multiple=True)
