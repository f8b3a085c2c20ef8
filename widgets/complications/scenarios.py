"""The complication recogniser's scenarios: loaded from data, checked, and walked by a pure engine.

``data/complications/scenarios.yaml`` holds two lists. ``complications`` says, for each complication,
how it shows, what is done and which table rows give its frequency. ``scenarios`` are short cases
set an hour, a day or a week after surgery: each is a set of *steps* (the signs a student reads and
a question), and each choice at a step has a verdict (``best``, ``acceptable``, ``harmful``),
feedback and the step it leads to (``end`` finishes the case). The scenario branches on the
choice: a harmful choice usually leads to a later step where things are worse.

:func:`check_document` rejects a malformed file in one line that names the scenario, the step and
the field; :class:`Walk` is an immutable walk through one scenario (``walk.choose("a")`` returns the
next walk), so a view holds one walk and tests can follow every branch (:func:`all_paths`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from widgets.core.data import data_dir

__all__ = ["END", "TIMES", "VERDICTS", "Choice", "Complication", "Scenario", "ScenarioError", "Step",
           "Walk", "all_paths", "check_document", "complication", "complications", "scenario",
           "scenario_ids", "scenarios", "start"]

#: When a scenario is set (the recogniser groups scenarios by it).
TIMES = ("hour", "day", "week")
#: How a choice is judged.
VERDICTS = ("best", "acceptable", "harmful")
#: The ``next`` of a choice that ends the scenario.
END = "end"
_FIGURE_TABLES = ("complication_figures", "complications_durotomy_conversion", "outcomes_mis_vs_open")


class ScenarioError(ValueError):
    """The scenarios file breaks its schema, or a walk is asked for a choice it does not offer."""


@dataclass(frozen=True)
class Choice:
    """One choice at a step: its text, verdict, feedback and the step it leads to."""

    id: str
    text: str
    verdict: str
    feedback: str
    next: str


@dataclass(frozen=True)
class Step:
    """One moment of a scenario: when, the signs the student reads, the question and the choices."""

    id: str
    when: str
    signs: tuple[str, ...]
    question: str
    choices: tuple[Choice, ...]

    def choice(self, choice_id: str) -> Choice:
        """Return the choice ``choice_id``; a one-line error names the choices offered."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise ScenarioError(f"step {self.id!r} has no choice {choice_id!r}; choices: "
                            f"{', '.join(c.id for c in self.choices)}")


@dataclass(frozen=True)
class Scenario:
    """One branching case."""

    id: str
    title: str
    time: str
    complication: str
    start: str
    steps: Mapping[str, Step]


@dataclass(frozen=True)
class Complication:
    """One complication: how it shows, what is done and the table rows that say how often."""

    id: str
    name: str
    shows: str
    done: str
    figures: tuple[Mapping[str, str], ...]


def _need(mapping, key: str, where: str, kind=str):
    if not isinstance(mapping, Mapping):
        raise ScenarioError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    if key not in mapping:
        raise ScenarioError(f"{where}: missing field {key!r}")
    value = mapping[key]
    if kind is str and not (isinstance(value, str) and value.strip()):
        raise ScenarioError(f"{where}: field {key!r} must be non-empty text")
    if kind is list and not (isinstance(value, list) and value):
        raise ScenarioError(f"{where}: field {key!r} must be a non-empty list")
    if kind is dict and not (isinstance(value, Mapping) and value):
        raise ScenarioError(f"{where}: field {key!r} must be a non-empty mapping")
    return value


def _complication(raw, where: str) -> Complication:
    figures = []
    for j, fig in enumerate(_need(raw, "figures", where, list)):
        table = _need(fig, "table", f"{where} figure {j + 1}")
        if table not in _FIGURE_TABLES:
            raise ScenarioError(f"{where} figure {j + 1}: table {table!r} is not one of"
                                f" {', '.join(_FIGURE_TABLES)}")
        figures.append(dict(fig))
    return Complication(_need(raw, "id", where), _need(raw, "name", where), _need(raw, "shows", where),
                        _need(raw, "done", where), tuple(figures))


def _step(raw, sid: str, where: str) -> Step:
    choices = []
    for j, c in enumerate(_need(raw, "choices", where, list)):
        cw = f"{where} choice {j + 1}"
        verdict = _need(c, "verdict", cw)
        if verdict not in VERDICTS:
            raise ScenarioError(f"{cw}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
        choices.append(Choice(_need(c, "id", cw), _need(c, "text", cw), verdict, _need(c, "feedback", cw),
                              _need(c, "next", cw)))
    ids = [c.id for c in choices]
    if len(set(ids)) != len(ids):
        raise ScenarioError(f"{where}: choice ids repeat: {', '.join(ids)}")
    if len(choices) < 2:
        raise ScenarioError(f"{where}: a step needs at least two choices")
    if not any(c.verdict == "best" for c in choices) and not any(c.verdict == "acceptable" for c in choices):
        raise ScenarioError(f"{where}: no choice is 'best' or 'acceptable'")
    signs = _need(raw, "signs", where, list)
    if not all(isinstance(s, str) and s.strip() for s in signs):
        raise ScenarioError(f"{where}: every sign must be non-empty text")
    return Step(sid, _need(raw, "when", where), tuple(signs), _need(raw, "question", where), tuple(choices))


def _reachable(sc: Scenario) -> set[str]:
    seen, todo = set(), [sc.start]
    while todo:
        sid = todo.pop()
        if sid in seen or sid == END:
            continue
        seen.add(sid)
        todo += [c.next for c in sc.steps[sid].choices]
    return seen


def _ends(sc: Scenario, sid: str, trail: tuple[str, ...]) -> None:
    if sid == END:
        return
    if sid in trail:
        raise ScenarioError(f"scenario {sc.id!r}: steps loop back ({' -> '.join(trail + (sid,))})")
    for c in sc.steps[sid].choices:
        _ends(sc, c.next, trail + (sid,))


def _scenario(raw, where: str, known: set[str]) -> Scenario:
    sid = _need(raw, "id", where)
    where = f"scenario {sid!r}"
    time = _need(raw, "time", where)
    if time not in TIMES:
        raise ScenarioError(f"{where}: time {time!r} is not one of {', '.join(TIMES)}")
    comp = _need(raw, "complication", where)
    if comp not in known:
        raise ScenarioError(f"{where}: complication {comp!r} is not in the complications list")
    steps = {k: _step(v, k, f"{where} step {k!r}") for k, v in _need(raw, "steps", where, dict).items()}
    sc = Scenario(sid, _need(raw, "title", where), time, comp, _need(raw, "start", where), steps)
    if sc.start not in steps:
        raise ScenarioError(f"{where}: start {sc.start!r} is not a step; steps: {', '.join(steps)}")
    for step in steps.values():
        for c in step.choices:
            if c.next != END and c.next not in steps:
                raise ScenarioError(f"{where} step {step.id!r} choice {c.id!r}: next {c.next!r}"
                                    " is not a step or 'end'")
    unreachable = set(steps) - _reachable(sc)
    if unreachable:
        raise ScenarioError(f"{where}: steps never reached: {', '.join(sorted(unreachable))}")
    _ends(sc, sc.start, ())
    return sc


def check_document(doc) -> tuple[tuple[Complication, ...], tuple[Scenario, ...]]:
    """Check a parsed scenarios document and return its complications and scenarios.

    Raises :class:`ScenarioError` in one line naming the scenario, step, choice and field at fault.
    """
    raw_comps = _need(doc, "complications", "file", list)
    comps = tuple(_complication(c, f"complication {i + 1}") for i, c in enumerate(raw_comps))
    ids = [c.id for c in comps]
    if len(set(ids)) != len(ids):
        raise ScenarioError(f"complication ids repeat: {', '.join(ids)}")
    raw_scs = _need(doc, "scenarios", "file", list)
    scs = tuple(_scenario(s, f"scenario {i + 1}", set(ids)) for i, s in enumerate(raw_scs))
    sids = [s.id for s in scs]
    if len(set(sids)) != len(sids):
        raise ScenarioError(f"scenario ids repeat: {', '.join(sids)}")
    return comps, scs


@functools.cache
def _load_from(directory: str) -> tuple[tuple[Complication, ...], tuple[Scenario, ...]]:
    import yaml

    path = Path(directory) / "complications" / "scenarios.yaml"
    with path.open(encoding="utf-8") as fh:
        return check_document(yaml.safe_load(fh))


def _load() -> tuple[tuple[Complication, ...], tuple[Scenario, ...]]:
    return _load_from(str(data_dir()))


def complications() -> tuple[Complication, ...]:
    """Return every complication of the lesson, in the file's order."""
    return _load()[0]


def complication(complication_id: str) -> Complication:
    """Return one complication by id; a one-line KeyError names the known ones."""
    for c in complications():
        if c.id == complication_id:
            return c
    raise KeyError(f"no complication {complication_id!r}; known: {', '.join(c.id for c in complications())}")


def scenarios() -> tuple[Scenario, ...]:
    """Return every scenario, in the file's order."""
    return _load()[1]


def scenario_ids() -> tuple[str, ...]:
    """Return the scenarios' ids, in order (the lesson's ``scenario`` parameter takes one)."""
    return tuple(s.id for s in scenarios())


def scenario(scenario_id: str) -> Scenario:
    """Return one scenario by id; a one-line KeyError names the known ones."""
    if not isinstance(scenario_id, str):
        raise TypeError(f"scenario must be a string id, got {type(scenario_id).__name__}")
    for s in scenarios():
        if s.id == scenario_id:
            return s
    raise KeyError(f"no scenario {scenario_id!r}; known: {', '.join(scenario_ids())}")


@dataclass(frozen=True)
class Walk:
    """An immutable walk through one scenario: the choices made so far, in order."""

    scenario: Scenario
    taken: tuple[tuple[str, str], ...] = ()

    @property
    def step(self) -> Step | None:
        """The step the student is at, or None once the scenario has ended."""
        if not self.taken:
            sid = self.scenario.start
        else:
            last_step, last_choice = self.taken[-1]
            sid = self.scenario.steps[last_step].choice(last_choice).next
        return None if sid == END else self.scenario.steps[sid]

    @property
    def finished(self) -> bool:
        """True once a choice has led to the end."""
        return self.step is None

    def choose(self, choice_id: str) -> Walk:
        """Return the walk after ``choice_id`` at the current step (one-line error if it is not offered)."""
        step = self.step
        if step is None:
            raise ScenarioError(f"scenario {self.scenario.id!r} has ended; start again to choose")
        step.choice(choice_id)
        return Walk(self.scenario, self.taken + ((step.id, choice_id),))

    def choices(self) -> tuple[Choice, ...]:
        """Return the choices made so far, as :class:`Choice` values."""
        return tuple(self.scenario.steps[s].choice(c) for s, c in self.taken)

    def verdicts(self) -> tuple[str, ...]:
        """Return the verdict of each choice made so far."""
        return tuple(c.verdict for c in self.choices())

    def outcome(self) -> str:
        """Return a one-line summary: how many choices were best, acceptable or harmful."""
        v = self.verdicts()
        if not v:
            return "no choice made yet"
        return ", ".join(f"{v.count(k)} {k}" for k in VERDICTS if v.count(k))


def start(scenario_id: str) -> Walk:
    """Begin a walk through scenario ``scenario_id``."""
    return Walk(scenario(scenario_id))


def all_paths(sc: Scenario) -> list[tuple[str, ...]]:
    """Return every sequence of choice ids from the start to the end of ``sc`` (each branch once)."""
    out: list[tuple[str, ...]] = []

    def go(walk: Walk, ids: tuple[str, ...]) -> None:
        if walk.finished:
            out.append(ids)
            return
        for c in walk.step.choices:
            go(walk.choose(c.id), ids + (c.id,))

    go(Walk(sc), ())
    return out
