"""Matching: each prompt on the left to one choice on the right (condition to technique).

Scored as the fraction of prompts matched to their keyed choice. Feedback is
given per prompt. Drawn as one drop-down of the choices per prompt.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from widgets.quiz.types import base
from widgets.quiz.types.base import Grade, ItemCheck

NAME = "matching"
INSTRUCTION = "Match each item on the left with one choice."
SCHEMA = {"required": ["prompts", "choices", "answer"],
          "properties": {"prompts": {"minItems": 2}, "choices": {"minItems": 2},
                         "answer": {"type": "object", "minProperties": 2,
                                    "additionalProperties": {"$ref": "#/$defs/slug"}}}}

resolve = base.no_numbers
answer_signature = base.no_signature
key_is_longest = base.not_counted
choice_counts = base.no_choice_counts


def check(answer: Any, *, options: Sequence, prompts: Sequence, choices: Sequence) -> dict[str, str]:
    """Check that the answer maps every prompt id to a choice id; return it."""
    prompt_ids = {p.id for p in prompts}
    choice_ids = {c.id for c in choices}
    if set(answer) != prompt_ids:
        raise ItemCheck(f"a matching answer maps every prompt id {sorted(prompt_ids)} to a choice")
    bad = sorted(v for v in answer.values() if v not in choice_ids)
    if bad:
        raise ItemCheck(f"answer choices {bad} are not choice ids {sorted(choice_ids)}")
    return dict(answer)


def answer_from_json(answer: Any) -> dict[str, str]:
    """Return a pinned answer as the item holds it."""
    return dict(answer)


def grade(item: Any, response: Mapping[str, str | None] | None) -> Grade:
    """Grade a matching item; ``response`` maps each prompt id to a choice id."""
    given = dict(response or {})
    prompt_ids = [p.id for p in item.prompts]
    unknown = [k for k in given if k not in prompt_ids]
    if unknown:
        raise ValueError(f"item {item.id!r} has no prompt {unknown[0]!r}; known: {prompt_ids}")
    base.check_ids(item, given.values(), what="choice")
    feedback, status = {}, {}
    right = 0
    for p in item.prompts:
        chosen = given.get(p.id)
        keyed = item.answer[p.id]
        keyed_text = item.option(keyed).text
        if chosen == keyed:
            right += 1
            status[p.id] = base.CHOSEN_RIGHT
            note = "Matched correctly."
        elif chosen is None:
            status[p.id] = base.MISSED
            note = f"Not matched; the answer is {keyed_text}."
        else:
            status[p.id] = base.CHOSEN_WRONG
            note = f"You chose {item.option(chosen).text}; the answer is {keyed_text}."
        feedback[p.id] = f"{note} {p.feedback}".strip()
    n = len(item.prompts)
    return base.graded(item, correct=right == n, score=round(right / n, 6), feedback=feedback,
                  status=status, message=f"{right} of {n} matched correctly.",
                  response={k: given.get(k) for k in prompt_ids})


def option_order(item: Any, which: str, seed: int) -> list[str]:
    """Return the choices shuffled (unless the item says not to)."""
    return base.seeded_order(item, which, seed)


class Controls:
    """One drop-down of the choices per prompt."""

    def __init__(self, item: Any, order: Callable[..., list[str]]):
        import ipywidgets as ipw

        opts = [(base.CHOOSE, None)] + [(item.option(i).text, i) for i in order("choices")]
        self.matches = {p.id: ipw.Dropdown(options=opts, index=0, description=p.text,
                                           layout=base.wide(), style={"description_width": "initial"})
                        for p in item.prompts}
        self.widgets = list(self.matches.values())

    def read(self) -> dict[str, str | None]:
        """Return the choice made for each prompt."""
        return {pid: d.value for pid, d in self.matches.items()}

    def set(self, response: Mapping[str, str | None]) -> None:
        """Choose the choices of ``response``, per prompt."""
        for pid, dd in self.matches.items():
            dd.value = response.get(pid)


def feedback_html(item: Any, result: Grade, order: Callable[..., list[str]]) -> str:
    """Return each prompt with its feedback."""
    rows = [f"<li><strong>{base.esc(p.text)}</strong>: {base.esc(result.feedback[p.id])}</li>"
            for p in item.prompts]
    return "<ul>" + "".join(rows) + "</ul>"


def key_lines(item: Any) -> list[str]:
    """Return the answer key as the solution version prints it (one line per prompt)."""
    return [f"Key: {p.text} → {item.option(item.answer[p.id]).text}" for p in item.prompts]


def key_feedback(item: Any, order: Callable[..., list[str]]) -> list[tuple[str, str]]:
    """Return each prompt with its feedback."""
    return [(p.text, p.feedback) for p in item.prompts]


def lint(item: Any) -> list[tuple[str, str]]:
    """Return no findings (``all-none-of-the-above`` checks the choices of every type)."""
    return []


def correct_response(item: Any) -> dict[str, str]:
    """Return a right answer in the grader's terms."""
    return dict(item.answer)


def wrong_response(item: Any, rng: random.Random) -> dict[str, str]:
    """Return the key with the first prompt matched to another choice, picked at random."""
    answer = dict(item.answer)
    first = next(iter(answer))
    answer[first] = rng.choice([c.id for c in item.choices if c.id != answer[first]])
    return answer


def lms_form(item: Any) -> base.LmsForm:
    """Return the item as a matching question: each prompt with the choice it takes."""
    return base.LmsForm("match", prompts=tuple((p.id, p.text) for p in item.prompts),
                        choices=tuple((c.id, c.text) for c in item.choices),
                        pairs=dict(item.answer))
