"""Image matching for lesson 08: whether the herniation on the scan explains this patient's leg.

A :class:`MatchCase` is drawn from a seed. The patient has the signs of one lumbar root on one
side (power, sensation and reflexes from the suite's root table, ``nerve_root_signs``, through
:func:`widgets.conditions.roots.root_signs`). The images are the model's MRI-like (T2) or CT-like
axial and sagittal slices from :mod:`widgets.imaging.slices`, with a disc herniation whose
position decides the root it reaches, by the model's geometry and by lesson 02's rule
(:func:`widgets.conditions.roots.herniation_root`: a paracentral fragment reaches the traversing
root, named for the lower vertebra; a foraminal one the exiting root, named for the upper).

Four kinds of case (the mix is the widget's, not epidemiology):

- ``explained``: the fragment reaches the root whose signs the patient has, on that side;
- ``other side``: the same root, but on the side without symptoms;
- ``other root``: the fragment reaches a root whose signs the patient does not have;
- ``bulge``: a small central bulge that reaches no root.

In the last three the image does not explain the symptoms: an incidental finding. The feedback
cites how often such findings are seen in people without back pain
(``imaging_findings_asymptomatic``).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from widgets.conditions.roots import herniation_root, root_signs
from widgets.core.data import load_table

__all__ = [
    "CASE_KINDS",
    "MODALITIES",
    "ROOT_ANSWERS",
    "MatchCase",
    "MatchGrade",
    "answer_key",
    "describe_images",
    "grade_match",
    "make_case",
    "prevalence_lines",
    "slice_pngs",
]

#: The kinds of case and the weight of each in the widget's mix.
CASE_KINDS: dict[str, int] = {"explained": 2, "other side": 1, "other root": 1, "bulge": 1}
MODALITIES = ("T2", "CT")
_ROOTS = ("L3", "L4", "L5", "S1")
_SIDES = ("left", "right")
#: What a student may answer: the root the image shows compressed, and on which side.
NO_ROOT = "no root"
ROOT_ANSWERS = (*(f"{r} {s}" for r in _ROOTS for s in _SIDES), NO_ROOT)
_DISCS = ("L3-L4", "L4-L5", "L5-S1")
_ZONES = ("paracentral", "foraminal")
_AGES = (31, 38, 44, 49, 53, 58, 64, 71)
_WEEKS = (3, 5, 6, 8, 10, 12)
_FRAGMENT_MM = 12.0
#: Where each root's pain runs (the dermatome's course, in words a patient uses).
_PAIN = {"L3": "down the front of the thigh to the inner knee",
         "L4": "down the front of the thigh to the inner shin",
         "L5": "down the outer calf to the top of the foot",
         "S1": "down the back of the calf to the sole and the outer edge of the foot"}
_BULGE_MM = 5.0
_ZONE_WORDS = {
    "central": "in the midline, behind the middle of the disc",
    "paracentral": "just off the midline, under the lateral recess in front of the facet joint",
    "foraminal": "out in the foramen, between the pedicles, beside the dural sac",
}


@dataclass(frozen=True)
class MatchCase:
    """One patient and their scan: the symptoms' root and side, and the herniation imaged.

    ``image_root`` is the root the fragment reaches in the model (``"L5 left"``) or
    :data:`NO_ROOT`; ``explains`` whether the image explains the symptoms.
    """

    seed: int
    kind: str
    age: int
    sex: str
    weeks: int
    symptom_root: str
    symptom_side: str
    disc: str
    zone: str
    side: str
    size_mm: float
    image_root: str
    history: str
    findings: tuple[str, ...]
    source_keys: tuple[str, ...]

    @property
    def explains(self) -> bool:
        """Whether the imaged herniation explains the patient's symptoms."""
        return self.image_root == f"{self.symptom_root} {self.symptom_side}"


@dataclass(frozen=True)
class MatchGrade:
    """The student's two answers judged: the root on the image, and whether it explains the leg."""

    root_right: bool
    explains_right: bool
    lines: tuple[str, ...]
    source_keys: tuple[str, ...]

    @property
    def all_right(self) -> bool:
        """Both answers right."""
        return self.root_right and self.explains_right


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


@functools.cache
def _signs() -> dict:
    return {s.root: s for s in root_signs() if s.region == "lumbosacral" and s.root in _ROOTS}


def _findings(root: str, side: str) -> tuple[str, ...]:
    sign = _signs()[root]
    out = [f"{m}: weak on the {side}" for m in (sign.key_muscle, *sign.other_muscles)]
    out.append(f"{sign.key_sensory_point}: numb on the {side}")
    if sign.reflexes:
        out += [f"{r}: reduced on the {side}" for r in (*sign.reflexes, *sign.other_reflexes)]
    else:
        out.append("reflexes: normal and equal")
    out.append("every other key muscle, sensory point and reflex normal on both sides")
    return tuple(out)


@functools.cache
def _touched(disc: str, zone: str, side: str, size_mm: float) -> tuple[str, ...]:
    from widgets.imaging.slices import Herniation, roots_touched

    return tuple(roots_touched(Herniation(disc=disc, zone=zone, side=side, size_mm=size_mm)))


def _rule_root(disc: str, zone: str) -> str:
    return herniation_root(disc, "paramedian" if zone in ("central", "paracentral") else "far-lateral").root


def make_case(*, seed: int) -> MatchCase:
    """Draw one case from ``seed`` (a whole number from 0 to 9999): the same seed, the same case."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 9999:
        raise ValueError(f"seed must be a whole number from 0 to 9999; got {seed!r}")
    rng = random.Random(seed)
    kind = rng.choices(list(CASE_KINDS), weights=list(CASE_KINDS.values()))[0]
    age, sex, weeks = rng.choice(_AGES), rng.choice(("man", "woman")), rng.choice(_WEEKS)
    side = rng.choice(_SIDES)
    if kind == "bulge":
        disc, zone, size = rng.choice(_DISCS), "central", _BULGE_MM
    else:
        disc, zone, size = rng.choice(_DISCS), rng.choice(_ZONES), _FRAGMENT_MM
    touched = _touched(disc, zone, side, size)
    image_root = touched[0] if touched else NO_ROOT
    if kind != "bulge" and image_root.split()[0] != _rule_root(disc, zone):
        raise RuntimeError(f"fragment at {disc} {zone} reaches {image_root}, not lesson 02's root")
    if kind == "explained":
        root, sym_side = image_root.split()
    elif kind == "other side":
        root, sym_side = image_root.split()[0], _other(side)
    else:
        reached = {t.split()[0] for t in touched}
        root = rng.choice([r for r in _ROOTS if r not in reached and r != "L3"])
        sym_side = rng.choice(_SIDES)
    sign = _signs()[root]
    history = (f"A {age}-year-old {sex} has had pain in the {sym_side} leg for {weeks} weeks, running"
               f" {_PAIN[root]}, worse than the back pain, with numbness there. No red flags: bladder"
               " and bowel normal, no saddle numbness, no weakness getting worse.")
    return MatchCase(seed=seed, kind=kind, age=age, sex=sex, weeks=weeks, symptom_root=root,
                     symptom_side=sym_side, disc=disc, zone=zone, side=side, size_mm=size,
                     image_root=image_root, history=history, findings=_findings(root, sym_side),
                     source_keys=tuple(sorted(sign.sources)))


def _check_case(case) -> None:
    if not isinstance(case, MatchCase):
        raise TypeError(f"case must be a MatchCase from make_case; got {type(case).__name__}")


def slice_pngs(case: MatchCase, *, modality: str = "T2", display_px: int = 512) -> dict[str, bytes]:
    """Return PNG bytes of the axial slice through the disc and the sagittal slice through the fragment.

    The caption "model rendering, not a patient image" is burnt into each image.
    """
    from widgets.imaging.slices import Herniation, fragment_offset, slice_image

    _check_case(case)
    if modality not in MODALITIES:
        raise ValueError(f"modality must be one of {', '.join(MODALITIES)}; got {modality!r}")
    if isinstance(display_px, bool) or not isinstance(display_px, int) or not 256 <= display_px <= 1024:
        raise ValueError(f"display_px must be a whole number from 256 to 1024; got {display_px!r}")
    h = Herniation(disc=case.disc, zone=case.zone, side=case.side, size_mm=case.size_mm)
    window = "soft tissue"
    axial = slice_image(plane="axial", where=case.disc, modality=modality, window=window, herniation=h)
    sagittal = slice_image(plane="sagittal", where=case.disc, offset_mm=round(fragment_offset(h), 1),
                           modality=modality, window=window, herniation=h)
    return {"axial": axial.png(display_px=display_px), "sagittal": sagittal.png(display_px=display_px)}


def describe_images(case: MatchCase, *, modality: str = "T2") -> str:
    """Return the text alternative of the two slices: what a reader sees, without naming the root."""
    _check_case(case)
    if modality not in MODALITIES:
        raise ValueError(f"modality must be one of {', '.join(MODALITIES)}; got {modality!r}")
    what = "MRI-like (T2)" if modality == "T2" else "CT-like (soft-tissue window)"
    if case.kind == "bulge":
        lesion = (f"a small bulge of disc material, about {case.size_mm:g} mm,"
                  f" {_ZONE_WORDS['central']}; the roots on both sides are clear of it")
    else:
        lesion = (f"disc material of about {case.size_mm:g} mm pushed out behind the {case.disc} disc"
                  f" on the patient's {case.side}, {_ZONE_WORDS[case.zone]}")
    where = "in the midline" if case.kind == "bulge" else f"through the fragment, {case.side} of the midline"
    return (f"Two {what} slices of the model (model rendering, not a patient image). Axial, through the"
            f" {case.disc} disc, seen from the feet: the patient's left is on the image's right (marked L)."
            f" Sagittal, {where}, front of the body on the left. Both show {lesion}.")


def _rows(finding: str) -> list:
    return [r for r in load_table("imaging_findings_asymptomatic").itertuples() if r.finding == finding]


def prevalence_lines(*, finding: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return sentences on how often ``finding`` is seen in people without back pain, and their sources.

    ``finding`` is ``"disc bulge"`` or ``"disc protrusion"``; the extrusion line (rarer) is added
    for protrusions, so a student weighs a large fragment differently from a bulge.
    """
    if finding not in ("disc bulge", "disc protrusion"):
        raise ValueError(f"finding must be 'disc bulge' or 'disc protrusion'; got {finding!r}")
    rows = _rows(finding)
    by_age = sorted((r for r in rows if r.age_years == r.age_years), key=lambda r: r.age_years)
    lines, keys = [], []
    if by_age:
        ages = " and ".join(f"{r.prevalence_pct:g} of 100 at {int(r.age_years)} years" for r in by_age)
        lines.append(f"In people without back pain, CT or MRI shows a {finding} in {ages}"
                     f" (systematic review of {int(by_age[0].n_people)} people).")
        keys.append(by_age[0].source_key)
    pooled = ("disc protrusion", "disc extrusion") if finding == "disc protrusion" else (
        "disc bulge at one level or more",)
    for name in pooled:
        for r in (r for r in _rows(name) if r.age_years != r.age_years):
            lines.append(f"In a lumbar MRI study of {int(r.n_people)} adults without back pain,"
                         f" {r.prevalence_pct:g} of 100 had a {r.finding}.")
            keys.append(r.source_key)
    return tuple(lines), tuple(dict.fromkeys(keys))


def grade_match(case: MatchCase, *, root: str, explains: bool) -> MatchGrade:
    """Judge the student's answers: ``root`` from :data:`ROOT_ANSWERS`, ``explains`` True or False."""
    _check_case(case)
    if root not in ROOT_ANSWERS:
        raise ValueError(f"root must be one of {', '.join(ROOT_ANSWERS)}; got {root!r}")
    if not isinstance(explains, bool):
        raise ValueError(f"explains must be True or False; got {explains!r}")
    root_right = root == case.image_root
    explains_right = explains == case.explains
    lines = []
    if case.image_root == NO_ROOT:
        lines.append(("Right. " if root_right else "Not quite. ") + "This small central bulge reaches no"
                     " root in the model; it dents the front of the dural sac at most.")
    else:
        rule = herniation_root(case.disc, "paramedian" if case.zone == "paracentral" else "far-lateral")
        which = "traversing root, named for the lower vertebra" if rule.relation == "traversing" else (
            "exiting root, named for the upper vertebra")
        lines.append(("Right. " if root_right else "Not quite. ") + f"A {case.zone} fragment at {case.disc}"
                     f" reaches the {which}: {case.image_root}. On the axial slice the patient's left is"
                     " on the image's right.")
    wanted = f"{case.symptom_root} {case.symptom_side}"
    sign = _signs()[case.symptom_root]
    clinic = (f"The examination points to {wanted}: {sign.key_muscle} weak and the"
              f" {sign.key_sensory_point} numb on the {case.symptom_side}.")
    keys = list(case.source_keys)
    if case.explains:
        lines.append(("Right. " if explains_right else "Not quite. ") + clinic + " The image shows that root"
                     " compressed on that side, so image and patient match.")
    else:
        why = {"other side": f"the fragment is on the {case.side}, the leg without symptoms",
               "other root": f"the fragment reaches {case.image_root}, not {wanted}",
               "bulge": "the bulge reaches no root"}[case.kind]
        lines.append(("Right. " if explains_right else "Not quite. ") + clinic + f" But {why}: an"
                     " incidental finding, which does not explain this leg. Look again at the patient"
                     " (and for another level or another cause) before anything is done to this disc.")
        text, more = prevalence_lines(finding="disc bulge" if case.kind == "bulge" else "disc protrusion")
        lines += text
        keys += more
    return MatchGrade(root_right=root_right, explains_right=explains_right, lines=tuple(lines),
                      source_keys=tuple(dict.fromkeys(keys)))


def answer_key(case: MatchCase) -> tuple[str, ...]:
    """Return the full reading of ``case``: the feedback to the right answers, without the verdicts."""
    grade = grade_match(case, root=case.image_root, explains=case.explains)
    return tuple(line.removeprefix("Right. ") for line in grade.lines)
