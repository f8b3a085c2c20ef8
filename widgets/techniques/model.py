"""MISS techniques step by step: the steps as data, a pure step-order grader, and comparisons.

The steps of each technique live in ``data/tables/procedure_steps.csv`` (one row
per step: instrument, the fluoroscopic view expected at that moment, why the
step comes there and what can go wrong); the techniques' corridors, target
conditions, anaesthesia, imaging, risks and evidence live in
``data/tables/technique_profiles.csv``, whose corridor rows point at the sizes
in ``data/tables/instruments.csv``.

Grading an order
----------------
A student's order is compared with the correct one through the *ranks*: the
correct position of each step, listed in the student's order. Two measures:

* the **Kendall tau distance**, the number of pairs of steps the student put
  the wrong way round. It is also the least number of swaps of neighbouring
  steps that repairs the order (each such swap fixes exactly one pair);
* the **longest increasing subsequence** (LIS) of the ranks: the largest set of
  steps already in the right order relative to one another. The steps outside
  it are the *misplaced* ones: picking each of them up and putting it back in
  its place repairs the order, and no smaller set of such moves can (every
  step left where it is must already be in order with the others).

When several longest increasing subsequences exist (two neighbours swapped:
either one can be called misplaced), the one kept is the one that leaves the
most steps at their exact correct position; any tie left is broken towards the
subsequence whose steps come earliest in the student's order. This makes the
feedback deterministic and is tested on hand-worked cases.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from widgets.core.data import DataError, load_table, rows_by

__all__ = [
    "CorridorSize",
    "EndoscopeSize",
    "OrderGrade",
    "Step",
    "TECHNIQUES",
    "comparison_rows",
    "corridor_sizes",
    "drill_feedback",
    "full_endoscope",
    "grade_order",
    "instrument_figures",
    "kendall_tau_distance",
    "longest_increasing_subsequence",
    "profile",
    "shuffled_steps",
    "steps",
    "technique_name",
]

#: The techniques of lesson 03, in teaching order.
TECHNIQUES: tuple[str, ...] = (
    "tubular-microdiscectomy",
    "unilateral-bilateral-decompression",
    "endoscopic-transforaminal",
    "endoscopic-interlaminar",
    "mis-tlif",
    "lateral-transpsoas",
    "kyphoplasty",
    "vertebroplasty",
)

_SECONDARY = "secondary-source"


def _check_technique(technique: str) -> str:
    if not isinstance(technique, str):
        raise TypeError(f"technique must be a string, got {type(technique).__name__}")
    if technique not in TECHNIQUES:
        raise ValueError(f"unknown technique {technique!r}; known: {', '.join(TECHNIQUES)}")
    return technique


# --------------------------------------------------------------------------- steps as data


@dataclass(frozen=True)
class Step:
    """One step of a technique, as the procedure_steps table gives it."""

    technique: str
    number: int
    text: str
    instrument: str
    instrument_item: str
    view: str
    view_shows: str
    why_here: str
    pitfall: str
    source_key: str
    confidence: str

    @property
    def id(self) -> str:
        """A stable id for the step: ``<technique>:<number>``."""
        return f"{self.technique}:{self.number}"

    @property
    def view_text(self) -> str:
        """The expected fluoroscopic view and what it should show, in one line."""
        if self.view == "none":
            return "none needed"
        return f"{self.view}: {self.view_shows}" if self.view_shows else self.view


def _text(value: object) -> str:
    return "" if value is None or value != value else str(value)


def steps(technique: str) -> tuple[Step, ...]:
    """Return the steps of ``technique`` in their correct order.

    Raises
    ------
    DataError
        If the table's step numbers for the technique are not 1, 2, ..., n.
    """
    _check_technique(technique)
    rows = sorted(rows_by("procedure_steps", "technique").get(technique, ()), key=lambda r: r["step"])
    numbers = [int(r["step"]) for r in rows]
    if numbers != list(range(1, len(numbers) + 1)) or len(numbers) < 3:
        raise DataError(f"data/tables/procedure_steps.csv: steps of {technique!r} must be numbered"
                        f" 1..n with n >= 3, got {numbers}")
    return tuple(
        Step(technique, int(r["step"]), r["step_text"], r["instrument"], _text(r["instrument_item"]),
             r["view"], _text(r["view_shows"]), r["why_here"], r["pitfall"], r["source_key"],
             r["confidence"])
        for r in rows
    )


def shuffled_steps(technique: str, seed: int) -> list[Step]:
    """Return the steps of ``technique`` in a shuffled order fixed by ``seed``.

    The shuffle uses :class:`random.Random` seeded with the text
    ``"<technique>:<seed>"``, which gives the same order on every machine and
    Python run. A shuffle that happens to return the correct order is rotated
    by one place, so a drill never starts solved.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    order = list(steps(technique))
    random.Random(f"{technique}:{seed}").shuffle(order)
    if [s.number for s in order] == list(range(1, len(order) + 1)):
        order = order[1:] + order[:1]
    return order


# --------------------------------------------------------------------------- the grader


def _ranks(correct: Sequence[str], answer: Sequence[str]) -> list[int]:
    """Return, for each step in ``answer``, its 0-based position in ``correct``."""
    correct, answer = list(correct), list(answer)
    if len(set(correct)) != len(correct):
        raise ValueError("the correct order lists a step twice")
    repeated = sorted({a for a in answer if answer.count(a) > 1})
    if repeated:
        raise ValueError(f"the answer lists step(s) {', '.join(map(str, repeated))} more than once")
    missing = [c for c in correct if c not in answer]
    extra = [a for a in answer if a not in correct]
    if missing or extra:
        raise ValueError(f"the answer must order the same steps: missing {missing or 'none'},"
                         f" unknown {extra or 'none'}")
    position = {c: i for i, c in enumerate(correct)}
    return [position[a] for a in answer]


def kendall_tau_distance(ranks: Sequence[int]) -> int:
    """Count the pairs that are the wrong way round in ``ranks`` (i < j with ranks[i] > ranks[j]).

    Examples
    --------
    >>> kendall_tau_distance([0, 1, 2, 3])
    0
    >>> kendall_tau_distance([1, 0, 2, 3])
    1
    >>> kendall_tau_distance([3, 2, 1, 0])
    6
    """
    r = list(ranks)
    return sum(1 for i in range(len(r)) for j in range(i + 1, len(r)) if r[i] > r[j])


def longest_increasing_subsequence(ranks: Sequence[int]) -> list[int]:
    """Return the indices (into ``ranks``) of one longest strictly increasing subsequence.

    Among the longest, the one with the most indices ``i`` where
    ``ranks[i] == i`` (steps at their exact place) is chosen; remaining ties
    go to the subsequence whose indices come earliest (compared from the last
    index backwards, as the chains are built). O(n²), for n up to a few dozen.

    Examples
    --------
    >>> longest_increasing_subsequence([1, 0, 2, 3])
    [0, 2, 3]
    >>> longest_increasing_subsequence([0, 2, 1, 3])
    [0, 1, 3]
    """
    r = list(ranks)
    n = len(r)
    if n == 0:
        return []
    # best[i] = (length, exact count) of the best chain ending at i; prev[i] its predecessor
    best: list[tuple[int, int]] = []
    prev: list[int | None] = []
    for i in range(n):
        here = 1 if r[i] == i else 0
        chosen: tuple[int, int] = (1, here)
        link = None
        for j in range(i):
            if r[j] < r[i]:
                cand = (best[j][0] + 1, best[j][1] + here)
                if cand > chosen:  # strictly better only: the earliest j wins ties
                    chosen, link = cand, j
        best.append(chosen)
        prev.append(link)
    end = max(range(n), key=lambda i: (best[i], -i))
    chain = []
    at: int | None = end
    while at is not None:
        chain.append(at)
        at = prev[at]
    return chain[::-1]


@dataclass(frozen=True)
class OrderGrade:
    """How a student's order of steps compares with the correct one.

    Attributes
    ----------
    n
        Number of steps.
    discordant_pairs
        Kendall tau distance: pairs the wrong way round (= least swaps of neighbours).
    max_pairs
        ``n * (n - 1) / 2``, the distance of the fully reversed order.
    kept
        Step ids already in order relative to one another (a longest increasing subsequence).
    misplaced
        Step ids outside it: moving each of these to its place repairs the order.
    exact
        Step ids at exactly their correct position.
    """

    n: int
    discordant_pairs: int
    max_pairs: int
    kept: tuple[str, ...]
    misplaced: tuple[str, ...]
    exact: tuple[str, ...]

    @property
    def score(self) -> float:
        """Fraction of pairs in the right relative order (1 = correct, 0 = reversed)."""
        return 1.0 if self.max_pairs == 0 else 1.0 - self.discordant_pairs / self.max_pairs

    @property
    def moves_needed(self) -> int:
        """Least number of pick-up-and-reinsert moves that repair the order."""
        return len(self.misplaced)

    @property
    def correct(self) -> bool:
        """True when the order is the correct one."""
        return self.discordant_pairs == 0

    def summary(self) -> str:
        """One sentence a student reads after checking."""
        if self.correct:
            return f"All {self.n} steps are in the right order."
        return (f"{len(self.kept)} of {self.n} steps are in the right order relative to each other;"
                f" moving {self.moves_needed} step{'s' if self.moves_needed != 1 else ''} repairs the"
                f" order. {self.discordant_pairs} of {self.max_pairs} pairs are the wrong way round"
                f" (score {self.score:.0%}).")


def grade_order(correct: Sequence[str], answer: Sequence[str]) -> OrderGrade:
    """Grade ``answer`` (step ids, first to last) against the ``correct`` order.

    Raises
    ------
    ValueError
        If ``answer`` is not an ordering of exactly the steps in ``correct``.
    """
    if isinstance(answer, str) or isinstance(correct, str):
        raise TypeError("orders are sequences of step ids, not one string")
    ranks = _ranks(correct, answer)
    answer = list(answer)
    keep = set(longest_increasing_subsequence(ranks))
    n = len(answer)
    return OrderGrade(
        n=n,
        discordant_pairs=kendall_tau_distance(ranks),
        max_pairs=n * (n - 1) // 2,
        kept=tuple(answer[i] for i in range(n) if i in keep),
        misplaced=tuple(answer[i] for i in range(n) if i not in keep),
        exact=tuple(answer[i] for i in range(n) if ranks[i] == i),
    )


def drill_feedback(technique: str, answer: Sequence[str]):
    """Return the graded order of ``technique``'s steps as a table, one row per student position.

    Columns: the student's position and step, its correct position, whether it
    is in order (kept) or must move (with why it belongs where it does), the
    fluoroscopic view expected at that step and what can go wrong there.
    """
    import pandas as pd

    correct = steps(technique)
    by_id = {s.id: s for s in correct}
    result = grade_order([s.id for s in correct], answer)
    rows = []
    for pos, sid in enumerate(answer, start=1):
        s = by_id[sid]
        if sid in result.misplaced:
            neighbour = (f"after '{correct[s.number - 2].text}'" if s.number > 1
                         else "first, before anything else")
            status = f"move to position {s.number} ({neighbour}): {s.why_here}"
        else:
            status = "in order" + (" (exact place)" if sid in result.exact else "")
        rows.append({"your position": pos, "step": s.text, "correct position": s.number,
                     "verdict": status, "expected fluoroscopic view": s.view_text,
                     "what can go wrong": s.pitfall})
    return result, pd.DataFrame(rows).set_index("your position")


# --------------------------------------------------------------------------- profiles and comparison


def _profile_rows(technique: str) -> list[dict]:
    return [dict(r) for r in rows_by("technique_profiles", "technique").get(technique, ())]


def technique_name(technique: str) -> str:
    """Return the full name of ``technique``."""
    _check_technique(technique)
    names = [r["value_text"] for r in _profile_rows(technique) if r["attribute"] == "name"]
    if len(names) != 1:
        raise DataError(f"data/tables/technique_profiles.csv: {technique!r} needs exactly one name row")
    return names[0]


def profile(technique: str) -> dict[str, list[tuple[str, str, str]]]:
    """Return ``{attribute: [(text, source_key, confidence), ...]}`` for one technique.

    Attributes no source in the suite states are absent (the caller says so).
    """
    _check_technique(technique)
    out: dict[str, list[tuple[str, str, str]]] = {}
    for r in _profile_rows(technique):
        out.setdefault(r["attribute"], []).append((r["value_text"], r["source_key"], r["confidence"]))
    return out


@dataclass(frozen=True)
class CorridorSize:
    """A cited size of the instrument (or implant) a technique's corridor must admit."""

    technique: str
    label: str
    sizes_mm: tuple[float, ...]
    printed: str
    source_key: str
    confidence: str


def _numbers(row: dict) -> tuple[tuple[float, ...], str]:
    """Return (sizes in mm, the text as printed) of one instruments row.

    A plain ``value`` is one size; ``value_low``/``value_high`` are the ends
    of a range; otherwise ``value_text`` is read as ';'-separated parts, the
    first number of each part being a size ("7 / 4" gives 7, the outer
    diameter; "18 mm & 6 deg (standard); 22 mm & 12 deg (wide)" gives 18, 22).
    """
    value = row.get("value")
    if value is not None and value == value:
        return (float(value),), f"{float(value):g}"
    low, high = row.get("value_low"), row.get("value_high")
    if low is not None and low == low and high is not None and high == high:
        return (float(low), float(high)), _text(row.get("value_text")) or f"{low:g}-{high:g}"
    text = _text(row.get("value_text"))
    sizes = []
    for part in text.split(";"):
        m = re.search(r"\d+(?:\.\d+)?", part)
        if m:
            sizes.append(float(m.group(0)))
    return tuple(sizes), text


def _by_value(rows) -> list[dict]:
    """Sort table rows by their ``value``, rows without one last (in file order among equals)."""
    def key(r: dict) -> tuple[bool, float]:
        missing = r["value"] != r["value"]  # NaN
        return missing, 0.0 if missing else r["value"]

    return sorted(rows, key=key)


def corridor_sizes(technique: str) -> list[CorridorSize]:
    """Return the cited sizes (mm) of the instruments a technique's corridor must admit.

    Empty when the instruments table has no size for the technique's
    instruments (vertebral augmentation: no needle gauge is in the tables).
    """
    _check_technique(technique)
    by_item = rows_by("instruments", "item")
    out = []
    for r in _profile_rows(technique):
        if r["attribute"] != "corridor_instrument":
            continue
        item, param = _text(r["instrument_item"]), _text(r["instrument_parameter"])
        rows = [row for row in by_item.get(item, ()) if row["parameter"] == param]
        if not rows:
            raise DataError(f"data/tables/technique_profiles.csv: no instruments row {item!r} / {param!r}")
        for row in _by_value(rows):
            unit = _text(row["unit"])
            if unit != "mm" and not (unit == "" and " mm" in _text(row["value_text"])):
                raise DataError(f"instruments row {item!r} / {param!r} is not in mm")
            sizes, printed = _numbers(row)
            out.append(CorridorSize(technique, r["value_text"], sizes, printed, row["source_key"],
                                    row["confidence"]))
    return out


def _flag(confidence: str) -> str:
    return " [secondary]" if confidence == _SECONDARY else ""


def _cell(entries: list[tuple[str, str, str]] | None, missing: str) -> str:
    if not entries:
        return missing
    parts = []
    for text, key, conf in entries:
        flag = " [secondary]" if conf == _SECONDARY else ""
        parts.append(f"{text} ({key}{flag})")
    return "; ".join(parts)


def comparison_rows(techniques: Sequence[str] | None = None) -> list[dict[str, str]]:
    """Return one row per technique: corridor, cited sizes, conditions, anaesthesia, imaging, risks.

    Every cell names its source; ``[secondary]`` marks the suite's own summary
    or a secondary source. Attributes that no source in the suite states say so.
    """
    if isinstance(techniques, str):
        raise TypeError("techniques must be a sequence of technique names, not one string")
    names = TECHNIQUES if techniques is None else tuple(techniques)
    rows = []
    for name in names:
        p = profile(name)
        sizes = corridor_sizes(name)
        size_text = "; ".join(f"{s.label}: {s.printed} mm ({s.source_key}{_flag(s.confidence)})"
                              for s in sizes) or "no cited size in this suite's tables"
        rows.append({
            "technique": technique_name(name),
            "corridor": _cell(p.get("corridor"), "not stated"),
            "cited corridor sizes": size_text,
            "target conditions": _cell(p.get("target_conditions"), "not stated"),
            "typical anaesthesia": _cell(p.get("anaesthesia"), "not stated in this suite's sources"),
            "imaging": _cell(p.get("imaging"), "not stated"),
            "main risks": _cell(p.get("main_risks"), "not stated"),
            "key evidence": _cell(p.get("evidence"), "no trial in this suite's tables"),
        })
    return rows


# --------------------------------------------------------------------------- technology



@dataclass(frozen=True)
class EndoscopeSize:
    """The cited full endoscope: outer diameter and working channel (mm), with its source."""

    outer_mm: float
    channel_mm: float
    source_key: str
    confidence: str
    unit: str = "mm"

    @property
    def value(self) -> float:
        """The outer diameter, the size that must pass the corridor."""
        return self.outer_mm

    @property
    def channel_share(self) -> float:
        """Fraction of the scope's cross-section taken by the working channel."""
        return (self.channel_mm / self.outer_mm) ** 2


def full_endoscope() -> EndoscopeSize:
    """Return the full endoscope of the instruments table (printed as ``outer / channel`` mm)."""
    table = load_table("instruments")
    rows = table[table["item"] == "full-endoscope (Ruetten)"].to_dict("records")
    if len(rows) != 1:
        raise DataError("data/tables/instruments.csv: expected one 'full-endoscope (Ruetten)' row")
    nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", _text(rows[0]["value_text"]))]
    if len(nums) != 2 or not nums[0] > nums[1] > 0:
        raise DataError("data/tables/instruments.csv: the full-endoscope row must print 'outer / channel'")
    return EndoscopeSize(nums[0], nums[1], rows[0]["source_key"], rows[0]["confidence"])


def instrument_figures() -> list[dict[str, object]]:
    """Return the round instruments to draw to scale: name, outer diameter (mm), inner channel, source.

    Tubes of each cited diameter, the full endoscope (outer diameter and its
    working channel), the ends of the recommended transforaminal cannula
    range, the OLLIF portal and the guidewire.
    """
    table = load_table("instruments").to_dict("records")
    out: list[dict[str, object]] = []

    def add(name: str, outer: float, row: dict, inner: float | None = None) -> None:
        out.append({"name": name, "outer_mm": outer, "inner_mm": inner, "source_key": row["source_key"],
                    "confidence": row["confidence"]})

    for r in table:
        item, param = r["item"], r["parameter"]
        if item == "tubular retractor" and param == "diameter":
            add(f"tube {r['value']:g} mm", float(r["value"]), r)
        elif item == "full-endoscope (Ruetten)":
            scope = full_endoscope()
            add(f"full endoscope {scope.outer_mm:g} mm (channel {scope.channel_mm:g} mm)", scope.outer_mm, r,
                scope.channel_mm)
        elif item == "transforaminal cannula" and param == "recommended outer diameter":
            add(f"cannula {r['value_low']:g} mm (smallest recommended)", float(r["value_low"]), r)
            add(f"cannula {r['value_high']:g} mm (largest recommended)", float(r["value_high"]), r)
        elif item == "OLLIF access portal":
            add(f"OLLIF portal {r['value']:g} mm", float(r["value"]), r)
        elif item == "guidewire through Jamshidi needle":
            add(f"guidewire {r['value']:g} mm", float(r["value"]), r)
    if not out:
        raise DataError("data/tables/instruments.csv: no round instruments to draw")
    return sorted(out, key=lambda d: (-float(d["outer_mm"]), str(d["name"])))
