"""Item-writing lint: NBME rules (and the suite's own) checked by machine.

:func:`lint_item` and :func:`lint_items` return :class:`Finding` objects; an
empty list means the items pass. The tests run the lint over every bank.

Rules (from the NBME item-writing guide, Paniagua & Swygert, 2016); the rules
of one question type are its module's ``lint`` (:mod:`widgets.quiz.types`):

``all-none-of-the-above``
    No option "all of the above" / "none of the above" (or "both"/"neither").
``negative-lead-in``
    No NOT / EXCEPT / LEAST in the lead-in (the question sentence) unless it
    is emphasised: written in capitals or in ``**bold**``.
``longest-answer-cue``
    The keyed option is not much longer than the distractors: at most 1.5
    times their mean length in characters (single best answer and multiple
    select). And per bank (:func:`lint_banks`): the key is the strictly longest
    option in at most 30% of the bank's single-best-answer items, so that
    "pick the longest" is no strategy.
``heterogeneous-options``
    The options are of one kind: all numbers in the same unit, or all text.
``single-best-answer``
    A single-best-answer item keys exactly one option, and no two options
    read the same.
``duplicate-id``, ``duplicate-stem``
    Ids and stems are unique across every bank.

Rules of this suite:

``vignette-tag``
    An item tagged ``vignette: true`` describes a particular patient: its
    stem gives an age ("N-year-old"), a sex (man, woman, boy, girl, male,
    female), some presentation before the question, and ends with a lead-in
    question. An untagged bank item whose stem opens like a vignette
    ("A N-year-old ...") is flagged too, so that the tag and the stem agree.
``software-item``
    No item asks about the software (papermill, notebooks, parameter cells,
    widgets, kernels, data files): items test medicine, not the tooling.
``duplicate-fact``
    Two items do not test one fact: the same keyed answer (option text, or
    numeric key and unit) built on the same cited value.
``literal-number``
    No number is typed in a text: numbers come from ``{{ placeholders }}``
    resolved from data (spinal levels such as L4-L5, publication years and a
    patient's age written "N-year-old" are words, not numbers).
``secondary-source-unlabelled`` / ``assumption-unlabelled``
    An item whose numbers come from a secondary-source row (or an
    assumption) says so in its explanation.
``objective-not-in-lesson``
    The item's objective is one of its lesson's objectives in the lesson map,
    so mastery can be reported per objective.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from widgets.quiz import types
from widgets.quiz.items import Item
from widgets.quiz.types.base import option_kind

__all__ = [
    "Finding",
    "KEY_LONGEST_MAX_SHARE",
    "VIGNETTE_MIN_SHARE",
    "key_longest_items",
    "lint_banks",
    "lint_item",
    "lint_items",
    "option_kind",
    "vignette_share",
]

KEY_LONGEST_MAX_SHARE = 0.30
VIGNETTE_MIN_SHARE = 0.5
_ALL_NONE = re.compile(r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|options|following)\b",
                       re.IGNORECASE)
_NEGATIVE = re.compile(r"(\*\*|__)?\b(not|except|least)\b(\*\*|__)?", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_ALLOWED_NUMBERS = re.compile(
    r"\b[CTLS]\d{1,2}(?:\s*[-–/]\s*[CTLS]?\d{1,2})?\b"  # spinal levels: L4, L4-L5, L5-S1
    r"|\b(?:19[5-9]\d|20[0-3]\d)[a-z]?\b"  # publication years
    r"|\bSF-36\b|\bEQ-5D\b|\b[23]D\b"  # instrument and imaging names
    r"|\b95\s*%\s*CI\b|\blessons?\s+\d{2}\b"  # the usual interval; lesson numbers
    r"|\b\d{1,3}-year-old\b"  # a patient's age: "A 47-year-old woman"
)
_AGE = re.compile(r"\b(?:\d{1,3}|\{\{[^}]*\}\})-year-old\b", re.IGNORECASE)
_SEX = re.compile(r"\b(?:man|woman|boy|girl|male|female)\b", re.IGNORECASE)
_VIGNETTE_OPENING = re.compile(r"^\s*an?\s+\d{1,3}-year-old\b", re.IGNORECASE)
_SOFTWARE = re.compile(
    r"\b(?:papermill|notebooks?|jupyter(?:lab)?|kernels?|widgets?|ipywidgets|python"
    r"|parameters?\s+cells?|check\s+cell|progress\s+file)\b"
    r"|\.(?:ya?ml|csv|ipynb|py)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One broken rule: which rule, where, and what to change."""

    rule: str
    file: str
    item_id: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}, item {self.item_id!r}: [{self.rule}] {self.message}"


def _lead_in(stem: str) -> str:
    sentences = [s for s in re.split(r"(?<=[.!?:])\s+", stem.strip()) if s.strip()]
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    return questions[-1] if questions else (sentences[-1] if sentences else "")


def _emphasised(match: re.Match) -> bool:
    word = match.group(2)
    bold = bool(match.group(1)) and bool(match.group(3))
    return bold or (word.isupper() and len(word) > 1)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]


def _check_vignette(item: Item, add) -> None:
    """``vignette-tag``: the tag agrees with the stem (see the module docstring)."""
    stem = item.stem
    if item.vignette:
        missing = []
        if not _AGE.search(stem):
            missing.append('an age ("N-year-old")')
        if not _SEX.search(stem):
            missing.append("a sex (man, woman, boy, girl, male, female)")
        if len(_sentences(stem)) < 2:
            missing.append("a presentation before the question")
        if not stem.rstrip().endswith("?"):
            missing.append("a lead-in question at the end")
        if missing:
            add("vignette-tag", "tagged vignette: true but the stem lacks " + ", ".join(missing))
    elif item.file.endswith(".yaml") and _VIGNETTE_OPENING.match(stem):
        # items generated in code (the case lesson's) have no bank entry to tag
        add("vignette-tag", "the stem opens like a vignette; tag it vignette: true (or rewrite it)")


def lint_item(item: Item) -> list[Finding]:
    """Return the findings for one item (see the module docstring for the rules)."""
    out: list[Finding] = []

    def add(rule: str, message: str) -> None:
        out.append(Finding(rule, item.file, item.id, item.line, message))

    texts = [o.text for o in (*item.options, *item.choices)]
    for text in texts:
        if _ALL_NONE.search(text):
            add("all-none-of-the-above", f"option {text!r}: write a specific option instead")
    for match in _NEGATIVE.finditer(_lead_in(item.stem)):
        if not _emphasised(match):
            add("negative-lead-in",
                f"the lead-in uses {match.group(2)!r}; rephrase positively or emphasise it"
                f" ({match.group(2).upper()} or **{match.group(2)}**)")
    for rule, message in types.of(item.type).lint(item):
        add(rule, message)
    for field_name, template in item.templates.items():
        bare = _ALLOWED_NUMBERS.sub("", _PLACEHOLDER.sub("", template))
        found = re.findall(r"\d+(?:[.,]\d+)?", bare)
        if found:
            add("literal-number", f"{field_name} types the number(s) {', '.join(found[:3])}:"
                " take numbers from data with a {{ placeholder }}")
    _check_vignette(item, add)
    asked = " ".join((item.stem, *texts, *(p.text for p in item.prompts), item.objective))
    software = sorted({m.group(0).lower() for m in _SOFTWARE.finditer(asked)})
    if software:
        add("software-item", f"asks about the software ({', '.join(software[:3])}): test the"
            " medicine, not the tooling")
    confidences = item.confidences
    explanation = item.explanation.lower()
    if "secondary-source" in confidences and "secondary" not in explanation:
        add("secondary-source-unlabelled",
            "a number comes from a secondary-source row: say so in the explanation")
    if "assumption" in confidences and "assum" not in explanation:
        add("assumption-unlabelled", "a number is an assumption: say so in the explanation")
    from widgets.core.catalog import LESSONS

    objectives = {lesson.stem: lesson.objectives for lesson in LESSONS}
    if item.objective not in objectives.get(item.lesson, ()):
        add("objective-not-in-lesson",
            f"objective {item.objective!r} is not one of lesson {item.lesson!r}'s objectives")
    return out


def key_longest_items(items: Iterable[Item]) -> tuple[list[str], int]:
    """Return (ids of single-best-answer items keyed to their strictly longest option, their count).

    Which items count is their type's ``key_is_longest`` (``None``: not counted).
    Ties for the longest length do not count: the key is then not the one longest option.
    """
    verdicts = [(i.id, types.of(i.type).key_is_longest(i)) for i in items]
    counted = [(item_id, v) for item_id, v in verdicts if v is not None]
    return [item_id for item_id, v in counted if v], len(counted)


def vignette_share(items: Iterable[Item]) -> tuple[int, int]:
    """Return (items tagged ``vignette: true``, all items)."""
    items = list(items)
    return sum(1 for i in items if i.vignette), len(items)


def _answer_signature(item: Item):
    return types.of(item.type).answer_signature(item)


def _cited_values(item: Item) -> set:
    return {(round(float(v.value), 6) if isinstance(v.value, int | float) else v.value, v.sources)
            for v in item.values.values() if v.sources}


def _duplicate_facts(items: list[Item]) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[object, list[Item]] = {}
    for item in items:
        signature = _answer_signature(item)
        if signature is None:
            continue
        values = _cited_values(item)
        for other in seen.get(signature, []):
            if values & _cited_values(other):
                out.append(Finding("duplicate-fact", item.file, item.id, item.line,
                                   f"tests the same fact as item {other.id!r} ({other.file} line"
                                   f" {other.line}): same keyed answer from the same cited value;"
                                   " keep one"))
                break
        seen.setdefault(signature, []).append(item)
    return out


def lint_banks(banks) -> list[Finding]:
    """Lint whole banks: every item (:func:`lint_items`), then the rules that need a whole bank.

    ``longest-answer-cue`` per bank: a bank fails when the key is the strictly
    longest option in more than :data:`KEY_LONGEST_MAX_SHARE` of its
    single-best-answer items.
    """
    banks = list(banks)
    out = lint_items([item for bank in banks for item in bank.items])
    for bank in banks:
        longest, n_single = key_longest_items(bank.items)
        if n_single and len(longest) / n_single > KEY_LONGEST_MAX_SHARE:
            first = next(i for i in bank.items if i.id == longest[0])
            out.append(Finding(
                "longest-answer-cue", bank.file, first.id, first.line,
                f"in bank {bank.name!r} the key is the longest option in {len(longest)} of"
                f" {n_single} single-best-answer items ({len(longest) / n_single:.0%}, more than"
                f" {KEY_LONGEST_MAX_SHARE:.0%}): vary which option is longest"
                f" ({', '.join(longest)})"))
    return out


def lint_items(items: Iterable[Item]) -> list[Finding]:
    """Lint every item, then check ids, stems and facts are unique across all of them."""
    items = list(items)
    out: list[Finding] = []
    for item in items:
        out.extend(lint_item(item))
    first_id: dict[str, Item] = {}
    first_stem: dict[str, Item] = {}
    for item in items:
        if item.id in first_id:
            other = first_id[item.id]
            out.append(Finding("duplicate-id", item.file, item.id, item.line,
                               f"id also used at {other.file} line {other.line}"))
        else:
            first_id[item.id] = item
        stem = " ".join(item.stem.lower().split())
        if stem in first_stem:
            other = first_stem[stem]
            out.append(Finding("duplicate-stem", item.file, item.id, item.line,
                               f"same stem as item {other.id!r} ({other.file} line {other.line})"))
        else:
            first_stem[stem] = item
    out.extend(_duplicate_facts(items))
    return out
