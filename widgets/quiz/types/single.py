"""Single best answer: one keyed option among three or more.

Scored 1 if the keyed option is chosen, else 0. Drawn as radio buttons.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from widgets.quiz.types import base
from widgets.quiz.types.base import Grade, ItemCheck

NAME = "single"
INSTRUCTION = "Choose the single best answer."
SCHEMA = {"required": ["options", "answer"],
          "properties": {"options": {"minItems": 3}, "answer": {"$ref": "#/$defs/slug"}}}

resolve = base.no_numbers


def check(answer: Any, *, options: Sequence, prompts: Sequence, choices: Sequence) -> str:
    """Check that the answer is one option id; return it."""
    ids = {o.id for o in options}
    if answer not in ids:
        raise ItemCheck(f"answer {answer!r} is not one of the option ids {sorted(ids)}")
    return answer


def answer_from_json(answer: Any) -> str:
    """Return a pinned answer as the item holds it."""
    return answer


def grade(item: Any, response: str | None) -> Grade:
    """Grade a single-best-answer item; ``response`` is the chosen option id (or None)."""
    if response is not None and not isinstance(response, str):
        raise TypeError(f"a single-best-answer response is one option id, got {response!r}")
    base.check_ids(item, [response])
    correct = response == item.answer
    message = "No answer given." if response is None else ("Correct." if correct else "Not the best answer.")
    return base.graded(item, correct=correct, score=1.0 if correct else 0.0,
                  feedback={o.id: o.feedback for o in item.options},
                  status=base.choice_status(item, {response}, {item.answer}),
                  message=message, response=response)


def option_order(item: Any, which: str, seed: int) -> list[str]:
    """Return number options ascending, text options shuffled (unless the item says not to)."""
    return base.numbers_ascending(item, which) or base.seeded_order(item, which, seed)


class Controls:
    """Radio buttons, one per option, in display order."""

    def __init__(self, item: Any, order: Callable[..., list[str]]):
        import ipywidgets as ipw

        self.radio = ipw.RadioButtons(
            options=[(item.option(i).text, i) for i in order()], value=None,
            description="Answer", layout=base.wide(), style={"description_width": "initial"})
        self.widgets = [self.radio]

    def read(self) -> str | None:
        """Return the chosen option id."""
        return self.radio.value

    def set(self, response: str | None) -> None:
        """Choose ``response``."""
        self.radio.value = response


def feedback_html(item: Any, result: Grade, order: Callable[..., list[str]]) -> str:
    """Return every option, marked, with its feedback."""
    return base.choice_feedback_html(item, result, order())


def key_lines(item: Any) -> list[str]:
    """Return the answer key as the solution version prints it."""
    return [f"Key: {item.option(item.answer).text}"]


def key_feedback(item: Any, order: Callable[..., list[str]]) -> list[tuple[str, str]]:
    """Return each option with its feedback, in display order."""
    return base.option_texts_feedback(item, order())


def lint(item: Any) -> list[tuple[str, str]]:
    """Return the findings of the choice-item rules and ``single-best-answer``.

    ``single-best-answer``: one keyed option, and no two options read the same.
    """
    out = base.choice_lint(item, {item.answer})
    ids = [o.id for o in item.options]
    if not isinstance(item.answer, str) or ids.count(item.answer) != 1:
        out.append(("single-best-answer", f"answer {item.answer!r} must key exactly one option"))
    normalised = [" ".join(o.text.lower().split()) for o in item.options]
    dupes = sorted({t for t in normalised if normalised.count(t) > 1})
    if dupes:
        out.append(("single-best-answer", f"two options read the same ({dupes[0]!r}): more than"
                    " one best answer"))
    return out


def answer_signature(item: Any) -> tuple:
    """Return the keyed option's text (two items with the same one may test one fact)."""
    return ("text", base.text_of(item, item.answer))


def key_is_longest(item: Any) -> bool | None:
    """Return whether the key is the strictly longest option (``None``: no options to compare)."""
    if not item.options:
        return None
    lengths = {o.id: len(o.text) for o in item.options}
    key = lengths.get(item.answer)
    return key is not None and all(key > n for oid, n in lengths.items() if oid != item.answer)


def choice_counts(item: Any, answers: Sequence[Any]) -> list[dict[str, Any]]:
    """Return how many learners chose each option."""
    return base.choice_counts_of(item, answers, {item.answer}, lambda r, oid: r == oid)


def correct_response(item: Any) -> str:
    """Return a right answer in the grader's terms."""
    return item.answer


def wrong_response(item: Any, rng: random.Random) -> str:
    """Return a distractor picked at random."""
    return rng.choice([o.id for o in item.options if o.id != item.answer])


def lms_form(item: Any) -> base.LmsForm:
    """Return the item as a single-answer choice question of an LMS."""
    return base.choice_lms_form(item, {item.answer}, multiple=False)
