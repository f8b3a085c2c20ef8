"""The root behind a deficit, and the root a herniation compresses (lesson 02).

:func:`explain_pattern` ranks the roots (C5-C8, L2-S1) by how well each
explains a pattern of weakness, numbness and reflex change, from
``nerve_root_signs`` and ``tendon_reflexes``; :func:`herniation_root` names the
root a herniation at a disc compresses, from ``herniation_zones`` (a paramedian
lumbar herniation compresses the traversing root, a far-lateral one the
exiting root).

Examples
--------
>>> [m.root for m in explain_pattern(weakness="ankle dorsiflexion")][:1]
['L4']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from widgets.core.data import DataError, data_dir, load_table
from widgets.core.levels import DISCS

__all__ = [
    "CERVICAL_DISCS",
    "HerniationRoot",
    "LUMBAR_DISCS",
    "ROOTS",
    "RootMatch",
    "RootSigns",
    "ZONES",
    "best_roots",
    "discs_for_root",
    "explain_pattern",
    "finding_choices",
    "herniation_root",
    "root_signs",
]


#: The roots of the localisation table, top to bottom.
ROOTS: tuple[str, ...] = ("C5", "C6", "C7", "C8", "L2", "L3", "L4", "L5", "S1")
#: Disc levels the herniation model knows.
LUMBAR_DISCS: tuple[str, ...] = DISCS
CERVICAL_DISCS: tuple[str, ...] = ("C4-C5", "C5-C6", "C6-C7", "C7-T1")
#: Herniation zones: a paramedian (posterolateral) or a far-lateral (foraminal) fragment.
ZONES: tuple[str, ...] = ("paramedian", "far-lateral")


@dataclass(frozen=True)
class RootSigns:
    """What one root does: key muscle, key sensory point, the reflex it is tested by, exit foramen.

    ``reflexes`` follows the bedside convention (biceps C5, brachioradialis C6,
    triceps C7, knee jerk L4, ankle jerk S1), not the wider segmental ranges of
    textbooks; ``other_muscles`` are movements the root also weakens (C6: elbow
    flexion, shared with C5) and ``other_reflexes`` reflexes its compression
    also reduces (C6: the biceps reflex, shared with C5).
    """

    root: str
    region: str
    key_muscle: str
    key_sensory_point: str
    reflexes: tuple[str, ...]
    foramen: str
    sources: tuple[str, ...]
    secondary: bool
    other_muscles: tuple[str, ...] = ()
    other_reflexes: tuple[str, ...] = ()

    @property
    def weaknesses(self) -> tuple[str, ...]:
        """Every movement whose weakness this root explains: its key muscle first."""
        return (self.key_muscle, *self.other_muscles)

    @property
    def reduced_reflexes(self) -> tuple[str, ...]:
        """Every reflex whose reduction this root explains: its own first."""
        return (*self.reflexes, *self.other_reflexes)


@functools.cache
def _root_signs(directory: str) -> tuple[RootSigns, ...]:
    signs = load_table("nerve_root_signs")
    reflexes = load_table("tendon_reflexes")
    out = []
    for root in ROOTS:
        rows = signs[(signs["root"] == root) & (signs["sign"] != "also weakens")].set_index("sign")
        missing = {"key muscle", "key sensory point", "exit foramen"} - set(rows.index)
        if missing:
            raise DataError(f"data/tables/nerve_root_signs.csv: root {root} lacks {sorted(missing)}")
        served = tuple(str(r.reflex) for r in reflexes.itertuples() if str(r.root_by_convention) == root)
        shared = tuple(str(r.reflex) for r in reflexes.itertuples() if str(r.also_reduced_in) == root)
        served_rows = reflexes[reflexes["reflex"].isin(served + shared)]
        keys = sorted(set(rows["source_key"]) | set(served_rows["convention_source_key"]))
        others = signs[(signs["root"] == root) & (signs["sign"] == "also weakens")]
        out.append(RootSigns(
            root, str(rows.loc["key muscle", "region"]), str(rows.loc["key muscle", "finding"]),
            str(rows.loc["key sensory point", "finding"]), served,
            str(rows.loc["exit foramen", "finding"]), tuple(keys),
            bool((rows["confidence"] == "secondary-source").any()),
            tuple(str(f) for f in others["finding"]), shared,
        ))
    return tuple(out)


def root_signs() -> tuple[RootSigns, ...]:
    """Return the signs of every root in :data:`ROOTS`, from the cited tables."""
    return _root_signs(str(data_dir()))


def finding_choices() -> dict[str, tuple[str, ...]]:
    """Return the findings a student can report: weak movements, numb areas, reduced reflexes."""
    signs = root_signs()
    reflexes = load_table("tendon_reflexes")
    return {
        "weakness": tuple(dict.fromkeys(m for s in signs for m in s.weaknesses)),
        "numbness": tuple(s.key_sensory_point for s in signs),
        "reflex": tuple(str(r) for r in reflexes["reflex"]),
    }


def _as_set(kind: str, value: str | Iterable[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) else tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{kind} findings must be strings, got {type(item).__name__}")
        if item not in allowed:
            raise ValueError(f"unknown {kind} finding {item!r}; choose from: {', '.join(allowed)}")
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class RootMatch:
    """How well one root explains the findings."""

    root: str
    explained: tuple[str, ...]
    unexplained: tuple[str, ...]

    @property
    def explains_all(self) -> bool:
        """True when the root explains every finding (and there is at least one)."""
        return bool(self.explained) and not self.unexplained


def explain_pattern(weakness: str | Iterable[str] | None = None,
                    numbness: str | Iterable[str] | None = None,
                    reflex: str | Iterable[str] | None = None) -> list[RootMatch]:
    """Rank the roots by how well they explain a pattern of findings.

    Each finding is a label from :func:`finding_choices`: a weak key
    movement, a numb key sensory point, a reduced reflex. A root explains a
    weakness if the movement is its key muscle or one it also weakens (C6:
    elbow flexion), a numbness if the area is its key sensory point, and a
    reflex if the reflex is taught as that root's (the bedside convention:
    biceps C5, brachioradialis C6, triceps C7, knee jerk L4, ankle jerk S1) or
    is known to be reduced by it too (the biceps reflex in C6).
    Roots that explain every finding come first, then by the
    number of findings explained, then from top to bottom.

    Raises
    ------
    ValueError
        For an unknown finding, or when no finding is given.
    """
    choices = finding_choices()
    weak = _as_set("weakness", weakness, choices["weakness"])
    numb = _as_set("numbness", numbness, choices["numbness"])
    refl = _as_set("reflex", reflex, choices["reflex"])
    if not (weak or numb or refl):
        raise ValueError("give at least one finding: a weak movement, a numb area or a reduced reflex")
    findings = ([("weakness", f) for f in weak] + [("numbness", f) for f in numb]
                + [("reflex", f) for f in refl])
    out = []
    for s in root_signs():
        own = {("weakness", m) for m in s.weaknesses} | {("numbness", s.key_sensory_point)} | {
            ("reflex", r) for r in s.reduced_reflexes}
        explained = tuple(f"{k}: {v}" for k, v in findings if (k, v) in own)
        unexplained = tuple(f"{k}: {v}" for k, v in findings if (k, v) not in own)
        out.append(RootMatch(s.root, explained, unexplained))
    order = {r: i for i, r in enumerate(ROOTS)}
    return sorted(out, key=lambda m: (not m.explains_all, -len(m.explained), order[m.root]))


def best_roots(weakness: str | Iterable[str] | None = None,
               numbness: str | Iterable[str] | None = None,
               reflex: str | Iterable[str] | None = None) -> tuple[str, ...]:
    """Return the roots that explain every finding (empty when no single root does)."""
    return tuple(m.root for m in explain_pattern(weakness, numbness, reflex) if m.explains_all)


@dataclass(frozen=True)
class HerniationRoot:
    """The root a herniation at a disc compresses, and why."""

    disc: str
    zone: str
    root: str | None
    relation: str
    rule: str
    source_key: str
    confidence: str


@functools.cache
def _zones(directory: str) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    table = load_table("herniation_zones")
    out = {}
    for r in table.itertuples():
        out[(str(r.region), str(r.zone))] = (str(r.root_affected), str(r.rule), str(r.source_key),
                                              str(r.confidence))
    return out


def _zone_row(region: str, zone: str) -> tuple[str, str, str, str]:
    rows = _zones(str(data_dir()))
    for (reg, name), value in rows.items():
        if reg != region:
            continue
        if region == "cervical" or name.startswith(zone):
            return value
    raise DataError(f"data/tables/herniation_zones.csv: no {region} row for zone {zone!r}")


def herniation_root(disc: str, zone: str) -> HerniationRoot:
    """Return the root compressed by a herniation at ``disc`` in ``zone``.

    Lumbar: a paramedian (posterolateral) fragment compresses the traversing
    root, named for the lower vertebra (L4-L5 gives L5); a far-lateral
    (foraminal or extraforaminal) fragment compresses the exiting root, named
    for the upper vertebra (L4-L5 gives L4). Cervical: roots leave above the
    vertebra of their number, so the root at a disc is named for the lower
    vertebra in either zone (C5-C6 gives C6; C7-T1 gives C8).

    Raises
    ------
    ValueError
        For an unknown disc or zone.
    """
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}; use one of {', '.join(ZONES)}")
    if disc in LUMBAR_DISCS:
        relation, rule, key, conf = _zone_row("lumbar", zone)
        upper, lower = disc.split("-")
        root = lower if relation == "traversing" else upper
        return HerniationRoot(disc, zone, root, relation, rule, key, conf)
    if disc in CERVICAL_DISCS:
        relation, rule, key, conf = _zone_row("cervical", zone)
        lower = disc.split("-")[1]
        root = "C8" if lower == "T1" else lower
        return HerniationRoot(disc, zone, root, relation, rule, key, conf)
    raise ValueError(f"unknown disc {disc!r}; use one of {', '.join(LUMBAR_DISCS + CERVICAL_DISCS)}")


def discs_for_root(root: str) -> list[HerniationRoot]:
    """Return every (disc, zone) whose herniation would compress ``root``, top to bottom."""
    if root not in ROOTS:
        raise ValueError(f"unknown root {root!r}; use one of {', '.join(ROOTS)}")
    out = []
    for disc in CERVICAL_DISCS + LUMBAR_DISCS:
        for zone in ZONES:
            h = herniation_root(disc, zone)
            if h.root == root:
                out.append(h)
    return out
