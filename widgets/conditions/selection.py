"""Patient selection for minimally invasive spine surgery, as an executable decision tree.

The tree is data: ``data/selection_tree.yaml`` holds its questions (nodes),
its answers (branches, each with a condition on the case's facts, feedback
and sources), its end points (outcomes) and teaching cases. This module is
the small engine that checks the tree, routes a case through it
(:meth:`SelectionTree.walk`) and grades a student's answer at a branch
point (:meth:`SelectionTree.check`).

A branch condition is a mapping, either a leaf ``{fact, op[, value |
assumption]}`` or a combination ``{all: [...]}`` / ``{any: [...]}``. The
operators are ``empty``, ``nonempty`` (lists), ``true``, ``false``
(booleans), ``lt``, ``le``, ``gt``, ``ge`` (numbers). A threshold given as
``assumption: <name>`` is read from ``data/assumptions.yaml`` and labelled
as an assumption wherever it is shown. At every node exactly one branch must
match a case; the engine raises :class:`SelectionError` otherwise, so an
ambiguous or incomplete tree cannot pass silently.

Examples
--------
>>> tree = load_tree()
>>> tree.walk(tree.case("paramedian-l4-l5")).outcome.id
'miss-candidate'
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from widgets.core.assumptions import assumption
from widgets.core.data import DataError, data_dir, references
from widgets.core.yamllines import SafeLoader

__all__ = [
    "Branch",
    "Case",
    "Check",
    "Node",
    "Outcome",
    "SelectionError",
    "SelectionTree",
    "Step",
    "Walk",
    "load_tree",
]

_OPS = ("empty", "nonempty", "true", "false", "lt", "le", "gt", "ge")
_COMPARE = {"lt": (lambda a, b: a < b, "below"), "le": (lambda a, b: a <= b, "at most"),
            "gt": (lambda a, b: a > b, "above"), "ge": (lambda a, b: a >= b, "at least")}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class SelectionError(DataError):
    """The tree or a case is malformed, or a case matches no branch (or several) at a node."""


@dataclass(frozen=True)
class Branch:
    """One answer at a node: its condition on the facts, where it leads, feedback and sources."""

    id: str
    label: str
    when: Mapping[str, Any]
    next: str
    feedback: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Node:
    """One question of the tree with its answers."""

    id: str
    question: str
    explain: str
    branches: tuple[Branch, ...]

    def branch(self, branch_id: str) -> Branch:
        """Return the branch called ``branch_id``."""
        for b in self.branches:
            if b.id == branch_id:
                return b
        raise SelectionError(f"node {self.id!r} has no branch {branch_id!r};"
                             f" its branches are {', '.join(b.id for b in self.branches)}")


@dataclass(frozen=True)
class Outcome:
    """An end point of the tree."""

    id: str
    kind: str
    title: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """A teaching case: a vignette and the facts the tree reads."""

    id: str
    title: str
    vignette: str
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    """One step of a walk: the node, the branch the facts select, and why."""

    node: Node
    branch: Branch
    reason: str


@dataclass(frozen=True)
class Walk:
    """A case's route through the tree."""

    case: Case
    steps: tuple[Step, ...]
    outcome: Outcome

    def table(self):
        """Return the route as a table: question, answer, why, sources."""
        import pandas as pd

        rows = [{"question": s.node.question, "answer": s.branch.label, "because": s.reason,
                 "sources": ", ".join(s.branch.sources)} for s in self.steps]
        rows.append({"question": "outcome", "answer": self.outcome.title, "because": self.outcome.text,
                     "sources": ", ".join(self.outcome.sources)})
        return pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="step"))


@dataclass(frozen=True)
class Check:
    """The grade of a student's answer at one node."""

    correct: bool
    chosen: Branch
    expected: Branch
    feedback: str


class SelectionTree:
    """A checked decision tree (see the module docstring for the file format)."""

    def __init__(self, raw: Mapping[str, Any], source: str = "data/selection_tree.yaml"):
        self.source = source
        if not isinstance(raw, Mapping):
            raise SelectionError(f"{source}: the tree is a mapping")
        for key in ("title", "start", "facts", "nodes", "outcomes", "cases"):
            if key not in raw:
                raise SelectionError(f"{source}: missing {key!r}")
        self.title = str(raw["title"])
        self.facts = {str(k): dict(v) for k, v in raw["facts"].items()}
        for name, spec in self.facts.items():
            if spec.get("type") not in ("list", "number", "boolean"):
                raise SelectionError(f"{source}: fact {name!r} needs a type of list, number or boolean")
        self.outcomes = {
            str(k): Outcome(str(k), str(v["kind"]), str(v["title"]), " ".join(str(v["text"]).split()),
                            tuple(v.get("sources") or ()))
            for k, v in raw["outcomes"].items()
        }
        self.nodes = {}
        for node_id, spec in raw["nodes"].items():
            branches = tuple(
                Branch(str(b["id"]), str(b["label"]), b["when"], str(b["next"]),
                       " ".join(str(b["feedback"]).split()), tuple(b.get("sources") or ()))
                for b in spec["branches"]
            )
            self.nodes[str(node_id)] = Node(str(node_id), str(spec["question"]),
                                            self._fill(" ".join(str(spec.get("explain", "")).split())),
                                            branches)
        self.start = str(raw["start"])
        self.cases = tuple(Case(str(c["id"]), str(c["title"]), " ".join(str(c["vignette"]).split()),
                                dict(c["facts"])) for c in raw["cases"])
        self._validate()

    # ------------------------------------------------------------------ checks

    def _fill(self, text: str) -> str:
        """Replace ``{assumption_name}`` in a text with the assumption's value."""
        return _PLACEHOLDER.sub(lambda m: f"{assumption(m.group(1)).value:g}", text)

    def _check_condition(self, where: str, cond: Any) -> None:
        if not isinstance(cond, Mapping):
            raise SelectionError(f"{self.source}: {where}: a condition is a mapping, got {cond!r}")
        if "all" in cond or "any" in cond:
            parts = cond.get("all", cond.get("any"))
            if not isinstance(parts, list) or not parts or len(cond) != 1:
                raise SelectionError(f"{self.source}: {where}: 'all'/'any' takes one non-empty list")
            for p in parts:
                self._check_condition(where, p)
            return
        fact, op = cond.get("fact"), cond.get("op")
        if fact not in self.facts:
            raise SelectionError(f"{self.source}: {where}: unknown fact {fact!r}")
        if op not in _OPS:
            raise SelectionError(f"{self.source}: {where}: operator {op!r} is not one of {', '.join(_OPS)}")
        kind = self.facts[fact]["type"]
        kinds = {"empty": "list", "nonempty": "list", "true": "boolean", "false": "boolean"}
        wanted = kinds.get(op, "number")
        if kind != wanted:
            raise SelectionError(f"{self.source}: {where}: operator {op!r} needs a {wanted} fact;"
                                 f" {fact!r} is a {kind}")
        if op in _COMPARE:
            if ("value" in cond) == ("assumption" in cond):
                raise SelectionError(f"{self.source}: {where}: {op!r} needs one of 'value' or 'assumption'")
            if "assumption" in cond:
                assumption(str(cond["assumption"]))

    def _validate(self) -> None:
        refs = references()
        targets = set(self.nodes) | set(self.outcomes)
        if self.start not in self.nodes:
            raise SelectionError(f"{self.source}: start {self.start!r} is not a node")
        for node in self.nodes.values():
            ids = [b.id for b in node.branches]
            if len(node.branches) < 2 or len(set(ids)) != len(ids):
                raise SelectionError(f"{self.source}: node {node.id!r} needs two or more uniquely named"
                                     " branches")
            for b in node.branches:
                where = f"node {node.id!r}, branch {b.id!r}"
                if b.next not in targets:
                    raise SelectionError(f"{self.source}: {where}: 'next' {b.next!r} is neither a node"
                                         " nor an outcome")
                self._check_condition(where, b.when)
                if not b.sources:
                    raise SelectionError(f"{self.source}: {where}: cite at least one source")
                for key in b.sources:
                    if key not in refs:
                        raise SelectionError(f"{self.source}: {where}: source {key!r} does not resolve"
                                             " in data/references.json")
        for o in self.outcomes.values():
            for key in o.sources:
                if key not in refs:
                    raise SelectionError(f"{self.source}: outcome {o.id!r}: source {key!r} does not"
                                         " resolve in data/references.json")
        all_ids = [b.id for n in self.nodes.values() for b in n.branches]
        if len(set(all_ids)) != len(all_ids):
            raise SelectionError(f"{self.source}: branch ids must be unique across the tree")
        reached: set[str] = set()
        stack = [(self.start, ())]
        while stack:
            node_id, trail = stack.pop()
            if node_id in trail:
                raise SelectionError(f"{self.source}: the tree has a cycle through {node_id!r}")
            reached.add(node_id)
            if node_id in self.nodes:
                for b in self.nodes[node_id].branches:
                    stack.append((b.next, (*trail, node_id)))
        unreached = sorted(targets - reached)
        if unreached:
            raise SelectionError(f"{self.source}: unreachable from the start: {', '.join(unreached)}")
        for case in self.cases:
            self.validate_case(case)

    def validate_case(self, case: Case) -> None:
        """Check that ``case`` states every fact, with the right type and allowed values."""
        facts = case.facts
        missing = sorted(set(self.facts) - set(facts))
        extra = sorted(set(facts) - set(self.facts))
        if missing or extra:
            raise SelectionError(f"case {case.id!r}: missing facts {missing or 'none'};"
                                 f" unknown facts {extra or 'none'}")
        for name, spec in self.facts.items():
            value = facts[name]
            kind = spec["type"]
            if kind == "list":
                if not isinstance(value, list | tuple):
                    raise SelectionError(f"case {case.id!r}: fact {name!r} must be a list")
                bad = [v for v in value if v not in spec.get("allowed", value)]
                if bad:
                    raise SelectionError(f"case {case.id!r}: fact {name!r} has {bad}; allowed:"
                                         f" {', '.join(spec['allowed'])}")
            elif kind == "boolean":
                if not isinstance(value, bool):
                    raise SelectionError(f"case {case.id!r}: fact {name!r} must be true or false,"
                                         f" got {value!r}")
            else:
                if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                    raise SelectionError(f"case {case.id!r}: fact {name!r} must be a number, got {value!r}")
                if "minimum" in spec and value < spec["minimum"]:
                    raise SelectionError(f"case {case.id!r}: fact {name!r} must be at least"
                                         f" {spec['minimum']}, got {value!r}")

    # ------------------------------------------------------------------ evaluation

    def _threshold(self, cond: Mapping[str, Any]) -> tuple[float, str]:
        if "assumption" in cond:
            a = assumption(str(cond["assumption"]))
            return a.value, f"{a.value:g} {a.unit} (the model's convention, an assumption)"
        return float(cond["value"]), f"{float(cond['value']):g}"

    def _holds(self, cond: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
        if "all" in cond:
            return all(self._holds(c, facts) for c in cond["all"])
        if "any" in cond:
            return any(self._holds(c, facts) for c in cond["any"])
        value = facts[cond["fact"]]
        op = cond["op"]
        if op == "empty":
            return len(value) == 0
        if op == "nonempty":
            return len(value) > 0
        if op == "true":
            return value is True
        if op == "false":
            return value is False
        threshold, _ = self._threshold(cond)
        return _COMPARE[op][0](float(value), threshold)

    def _describe(self, cond: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
        """Say in words which facts make ``cond`` true for this case."""
        if "all" in cond:
            return "; ".join(self._describe(c, facts) for c in cond["all"])
        if "any" in cond:
            held = [c for c in cond["any"] if self._holds(c, facts)]
            return "; ".join(self._describe(c, facts) for c in held)
        label = self.facts[cond["fact"]].get("label", cond["fact"])
        value = facts[cond["fact"]]
        op = cond["op"]
        if op == "nonempty":
            return f"{label}: {', '.join(value)}"
        if op == "empty":
            return f"{label}: none"
        if op in ("true", "false"):
            return f"{label}: {'yes' if value else 'no'}"
        _, text = self._threshold(cond)
        return f"{label}: {value:g}, {_COMPARE[op][1]} {text}"

    def node(self, node_id: str) -> Node:
        """Return the node called ``node_id``."""
        if node_id not in self.nodes:
            raise SelectionError(f"no node {node_id!r}; nodes: {', '.join(self.nodes)}")
        return self.nodes[node_id]

    def case(self, case_id: str) -> Case:
        """Return the teaching case called ``case_id``."""
        for c in self.cases:
            if c.id == case_id:
                return c
        raise SelectionError(f"no case {case_id!r}; cases: {', '.join(c.id for c in self.cases)}")

    def branch_for(self, node_id: str, case: Case) -> Branch:
        """Return the one branch of ``node_id`` that the case's facts select."""
        node = self.node(node_id)
        matches = [b for b in node.branches if self._holds(b.when, case.facts)]
        if len(matches) != 1:
            found = ", ".join(b.id for b in matches) or "none"
            raise SelectionError(f"case {case.id!r} at node {node_id!r}: exactly one branch must match,"
                                 f" found {found}")
        return matches[0]

    def walk(self, case: Case) -> Walk:
        """Route ``case`` from the start to an outcome."""
        self.validate_case(case)
        steps = []
        here = self.start
        while here in self.nodes:
            b = self.branch_for(here, case)
            steps.append(Step(self.nodes[here], b, self._describe(b.when, case.facts)))
            here = b.next
        return Walk(case, tuple(steps), self.outcomes[here])

    def check(self, node_id: str, branch_id: str, case: Case) -> Check:
        """Grade a student's answer ``branch_id`` at ``node_id`` for ``case``, with feedback."""
        node = self.node(node_id)
        chosen = node.branch(branch_id)
        expected = self.branch_for(node_id, case)
        why = self._describe(expected.when, case.facts)
        if chosen.id == expected.id:
            text = f"Right. {expected.feedback} (This case: {why}.)"
        else:
            text = (f"Not for this case. This case's facts say: {why}. So the answer is"
                    f" \u201c{expected.label}\u201d. {expected.feedback}")
        return Check(chosen.id == expected.id, chosen, expected, text)

    def paths(self) -> list[tuple[str, ...]]:
        """Return every route from the start to an outcome, as branch ids (for tests)."""
        out: list[tuple[str, ...]] = []

        def visit(node_id: str, trail: tuple[str, ...]) -> None:
            for b in self.nodes[node_id].branches:
                if b.next in self.nodes:
                    visit(b.next, (*trail, b.id))
                else:
                    out.append((*trail, b.id))

        visit(self.start, ())
        return out

    def table(self):
        """Return every branch of the tree as a table: question, answer, leads to, sources."""
        import pandas as pd

        rows = []
        for node in self.nodes.values():
            for b in node.branches:
                target = self.nodes[b.next].question if b.next in self.nodes else (
                    "outcome: " + self.outcomes[b.next].title)
                rows.append({"question": node.question, "answer": b.label, "leads to": target,
                             "sources": ", ".join(b.sources)})
        return pd.DataFrame(rows)

    def sources(self) -> list[str]:
        """Return every source key the tree cites, in first-use order."""
        keys: list[str] = []
        for node in self.nodes.values():
            for b in node.branches:
                keys += [k for k in b.sources if k not in keys]
        for o in self.outcomes.values():
            keys += [k for k in o.sources if k not in keys]
        return keys


@functools.cache
def _load(path: str) -> SelectionTree:
    p = Path(path)
    if not p.is_file():
        raise SelectionError(f"{p.name}: file missing")
    try:
        raw = yaml.load(p.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise SelectionError(f"data/{p.name}: not valid YAML ({exc})") from exc
    return SelectionTree(raw, f"data/{p.name}")


def load_tree(path: str | Path | None = None) -> SelectionTree:
    """Load and check the selection tree (``data/selection_tree.yaml`` by default), cached."""
    return _load(str(path or data_dir() / "selection_tree.yaml"))
