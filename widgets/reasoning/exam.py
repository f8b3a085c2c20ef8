"""The examination simulator of lesson 08: patients drawn from a seed, examined test by test.

A :class:`Patient` is drawn by :func:`make_patient` from a seed: a lumbar or cervical
radiculopathy (one root, one side, one disc), a cervical myelopathy (a cord level) or a
cauda equina syndrome. What each test shows follows a model of the root and cord syndromes:

* power, sensation and reflexes follow the suite's root table (``nerve_root_signs``, the
  ISNCSCI key muscles and sensory points) and the reflex convention (``tendon_reflexes``:
  biceps C5, brachioradialis C6, triceps C7, knee jerk L4, ankle jerk S1), through
  :func:`widgets.conditions.roots.root_signs`;
* the straight leg raise and the crossed straight leg raise are positive at the pooled
  sensitivity of a systematic review when the patient has a lower lumbar disc herniation,
  and at one minus its specificity when not (``exam_test_accuracy``): a positive test is
  sometimes false, at the cited rate;
* the Hoffmann sign is positive at a sensitivity and false-positive rate *derived* from the
  cited likelihood ratios (the source gives no sensitivity or specificity);
* the femoral stretch test and the upper motor neuron signs have no cited accuracy in the
  suite's sources: the simulator shows them as the textbook pattern expects, a simplification
  the feedback says.

The mix of syndromes, the ages and durations drawn are the simulator's, not epidemiology.
The student localises (:func:`grade_localisation`) and chooses a next step
(:func:`grade_next_step`, rules in :mod:`widgets.reasoning.triage`).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

from widgets.conditions.roots import discs_for_root, root_signs
from widgets.core.data import records

__all__ = [
    "CASE_KINDS",
    "LEVEL_CHOICES",
    "ROOT_CHOICES",
    "SIDE_CHOICES",
    "Finding",
    "Patient",
    "TestResult",
    "accuracy",
    "examine",
    "grade_localisation",
    "hoffmann_rates",
    "make_patient",
    "positive_rate",
    "tests_for",
]

#: The kinds of case the simulator draws, with the weight of each in its mix (the simulator's own).
CASE_KINDS: dict[str, int] = {
    "lumbar radiculopathy": 5,
    "cervical radiculopathy": 3,
    "cervical myelopathy": 1,
    "cauda equina syndrome": 1,
}
LUMBAR_ROOTS = ("L2", "L3", "L4", "L5", "S1")
CERVICAL_ROOTS = ("C5", "C6", "C7", "C8")
MYELOPATHY_LEVELS = ("C3-C4", "C4-C5", "C5-C6", "C6-C7")
CAUDA_EQUINA_LEVELS = ("L4-L5", "L5-S1")
CORD = "spinal cord (myelopathy)"
CAUDA = "cauda equina (several roots)"
#: What the student may answer.
ROOT_CHOICES = (*CERVICAL_ROOTS, *LUMBAR_ROOTS, CORD, CAUDA)
LEVEL_CHOICES = ("C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1", "L1-L2", "L2-L3", "L3-L4", "L4-L5",
                 "L5-S1")
SIDE_CHOICES = ("left", "right", "both sides")
#: The tests of each region, in the order a clinician would usually do them.
LUMBAR_TESTS = ("power (key muscles)", "sensation (key points)", "reflexes", "straight leg raise",
                "crossed straight leg raise", "femoral stretch test", "saddle sensation and bladder",
                "upper motor neuron signs")
CERVICAL_TESTS = ("power (key muscles)", "sensation (key points)", "reflexes", "Hoffmann sign",
                  "upper motor neuron signs")
#: Lower lumbar roots: the straight leg raise studies' target, a herniation at L4-L5 or L5-S1.
SLR_ROOTS = ("L5", "S1")
_LEVELS_OF = {"cervical myelopathy": MYELOPATHY_LEVELS, "cauda equina syndrome": CAUDA_EQUINA_LEVELS}
_AGES = (28, 34, 39, 42, 47, 51, 56, 63, 68)
_WEEKS = (1, 2, 4, 7, 10, 16, 30)


@dataclass(frozen=True)
class Finding:
    """One finding: what the examiner sees, on which side, and whether it is abnormal."""

    text: str
    abnormal: bool


@dataclass(frozen=True)
class TestResult:
    """What one test showed, why, and (for tests with cited accuracy) whether it told the truth.

    ``truth`` is ``"true positive"``, ``"false positive"``, ``"true negative"``,
    ``"false negative"`` for a test drawn from its cited accuracy, and ``"textbook pattern"`` for
    a finding the model shows as the syndrome predicts.
    """

    test: str
    findings: tuple[Finding, ...]
    explanation: str
    truth: str
    source_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patient:
    """One simulated patient: the hidden lesion, the history told, and every test's result."""

    seed: int
    kind: str
    age: int
    sex: str
    root: str | None
    level: str
    zone: str | None
    side: str | None
    weeks: int
    progressive: bool
    history: str
    results: dict[str, TestResult] = field(repr=False)

    @property
    def region(self) -> str:
        """``"lumbar"`` or ``"cervical"``."""
        return "cervical" if self.kind.startswith("cervical") else "lumbar"

    @property
    def answer_root(self) -> str:
        """The root the student should name (or the cord, or the cauda equina)."""
        return {"cervical myelopathy": CORD, "cauda equina syndrome": CAUDA}.get(self.kind, self.root)

    @property
    def answer_side(self) -> str:
        """The side the student should name."""
        return self.side or "both sides"

    @property
    def lower_lumbar_herniation(self) -> bool:
        """Whether the straight leg raise studies' target condition is present."""
        return self.kind == "cauda equina syndrome" or (
            self.kind == "lumbar radiculopathy" and self.root in SLR_ROOTS)


@functools.cache
def accuracy(test: str) -> dict:
    """Return the ``exam_test_accuracy`` row of ``test``; a one-line KeyError names the known tests."""
    rows = {r["test"]: r for r in records("exam_test_accuracy")}
    if test not in rows:
        raise KeyError(f"no cited accuracy for {test!r}; known: {', '.join(rows)}")
    return rows[test]


def hoffmann_rates() -> tuple[float, float]:
    """Return (sensitivity, specificity) of the Hoffmann sign, derived from its cited likelihood ratios.

    From LR+ = sens / (1 - spec) and LR- = (1 - sens) / spec:
    spec = (LR+ - 1) / (LR+ - LR-) and sens = LR+ x (1 - spec). A derived pair, not a cited one.
    """
    row = accuracy("Hoffmann sign")
    lr_pos, lr_neg = float(row["lr_positive"]), float(row["lr_negative"])
    spec = (lr_pos - 1) / (lr_pos - lr_neg)
    return lr_pos * (1 - spec), spec


def positive_rate(test: str, *, has_condition: bool) -> float:
    """Return the chance that ``test`` is positive: its sensitivity, or one minus its specificity."""
    if not isinstance(has_condition, bool):
        raise TypeError(f"has_condition must be True or False, got {has_condition!r}")
    if test == "Hoffmann sign":
        sens, spec = hoffmann_rates()
    else:
        row = accuracy(test)
        sens, spec = float(row["sensitivity"]), float(row["specificity"])
    return sens if has_condition else 1 - spec


def tests_for(region: str) -> tuple[str, ...]:
    """Return the tests offered for a ``"lumbar"`` or ``"cervical"`` patient."""
    if region not in ("lumbar", "cervical"):
        raise ValueError(f"unknown region {region!r}; use 'lumbar' or 'cervical'")
    return LUMBAR_TESTS if region == "lumbar" else CERVICAL_TESTS


def _signs(region: str) -> list:
    wanted = "cervical" if region == "cervical" else "lumbosacral"
    return [s for s in root_signs() if s.region == wanted]


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def _pct(value: float) -> str:
    return f"{round(100 * value)} of 100"


def _power(p: Patient) -> TestResult:
    signs = _signs(p.region)
    keys = tuple(sorted({k for s in signs for k in s.sources}))
    if p.kind == "cervical myelopathy":
        return TestResult("power (key muscles)", (Finding(
            "no weakness in one root's pattern; the hands are clumsy and slow at fine movements", True),),
            "A cord lesion does not pick out one root's muscles: the hands lose dexterity and the legs"
            " may be stiff rather than weak in a root pattern.", "textbook pattern", keys)
    if p.kind == "cauda equina syndrome":
        return TestResult("power (key muscles)", (Finding(
            "ankle plantar flexion weak on both sides", True),),
            "Several sacral roots are compressed at once, on both sides: weakness in both legs is a"
            " red flag, not a single-root syndrome.", "textbook pattern", keys)
    sign = next(s for s in signs if s.root == p.root)
    weak = (sign.key_muscle, *sign.other_muscles)
    how = "markedly weak, and weaker than a week ago" if p.progressive else "weak"
    found = [Finding(f"{m}: {how} on the {p.side}", True) for m in weak]
    found.append(Finding(f"every other key muscle of the {'arms' if p.region == 'cervical' else 'legs'}"
                         " normal on both sides", False))
    why = (f"{sign.key_muscle.capitalize()} is the key muscle of {p.root} (ISNCSCI)"
           + (f"; {p.root} also weakens {', '.join(sign.other_muscles)}" if sign.other_muscles else "")
           + "." + (" Weakness that is getting worse is a red flag: it changes the urgency."
                    if p.progressive else ""))
    return TestResult("power (key muscles)", tuple(found), why, "textbook pattern", keys)


def _sensation(p: Patient) -> TestResult:
    signs = _signs(p.region)
    keys = tuple(sorted({k for s in signs for k in s.sources}))
    if p.kind == "cervical myelopathy":
        return TestResult("sensation (key points)", (Finding(
            "patchy numbness of both hands, not in one dermatome", True),),
            "Numbness of both hands that follows no dermatome suggests the cord rather than a root.",
            "textbook pattern", keys)
    if p.kind == "cauda equina syndrome":
        return TestResult("sensation (key points)", (Finding("outer heel numb on both sides", True),),
                          "Sacral dermatomes numb on both sides: several roots of the cauda equina.",
                          "textbook pattern", keys)
    sign = next(s for s in signs if s.root == p.root)
    return TestResult("sensation (key points)", (
        Finding(f"{sign.key_sensory_point} numb on the {p.side}", True),
        Finding("every other key sensory point normal", False)),
        f"The {sign.key_sensory_point} is the key sensory point of {p.root} (ISNCSCI).",
        "textbook pattern", keys)


def _reflexes(p: Patient) -> TestResult:
    keys = ("EngstromDeyoHarrison19", "Kang2020AsianSpineJ")
    if p.kind == "cervical myelopathy":
        return TestResult("reflexes", (Finding("brisk reflexes in the arms and legs on both sides", True),),
                          "Brisk reflexes below the level of a cord compression are an upper motor"
                          " neuron sign.", "textbook pattern", keys)
    if p.kind == "cauda equina syndrome":
        return TestResult("reflexes", (Finding("ankle jerks reduced on both sides", True),),
                          "The ankle jerk is taught as the S1 reflex; losing it on both sides fits"
                          " several sacral roots compressed at once.", "textbook pattern", keys)
    sign = next(s for s in _signs(p.region) if s.root == p.root)
    if sign.reflexes:
        found = [Finding(f"{r} reduced on the {p.side}", True) for r in sign.reflexes]
        found += [Finding(f"{r} reduced on the {p.side} too", True) for r in sign.other_reflexes]
        why = (f"By the bedside convention the {', '.join(sign.reflexes)} tests {p.root}"
               + (f"; a {p.root} radiculopathy may reduce the {', '.join(sign.other_reflexes)} too"
                  if sign.other_reflexes else "") + ".")
    else:
        found = [Finding("all reflexes normal and equal", False)]
        why = (f"{p.root} has no standard reflex, so normal reflexes do not rule it out.")
    return TestResult("reflexes", tuple(found), why, "textbook pattern", keys)


def _drawn(test: str, p: Patient, rng: random.Random, *, has: bool, positive_text: str,
           negative_text: str, what: str) -> TestResult:
    rate_pos = positive_rate(test, has_condition=True)
    rate_false = positive_rate(test, has_condition=False)
    positive = rng.random() < positive_rate(test, has_condition=has)
    truth = ("true " if positive == has else "false ") + ("positive" if positive else "negative")
    key = "Fogarty2018Spine" if test == "Hoffmann sign" else str(accuracy(test)["source_key"])
    basis = ("rates derived from the cited likelihood ratios" if test == "Hoffmann sign"
             else "the cited pooled sensitivity and specificity")
    why = (f"With {what}, the {test} is positive in about {_pct(rate_pos)} patients; without it, in about"
           f" {_pct(rate_false)} ({basis}). So a positive {test} "
           + ("raises the chance only a little" if rate_false > 0.3 else "raises the chance more")
           + (", and a negative one makes the condition much less likely." if rate_pos > 0.8 else
              ", and a negative one rules little out."))
    finding = Finding(positive_text if positive else negative_text, positive)
    return TestResult(test, (finding,), why, truth, (key,))


def _umn(p: Patient) -> TestResult:
    if p.kind == "cervical myelopathy":
        found = (Finding("sustained ankle clonus on both sides", True),
                 Finding("upgoing plantar responses", True),
                 Finding("broad-based, unsteady gait; cannot walk heel to toe", True))
        why = ("Clonus, upgoing plantars and an unsteady gait are upper motor neuron signs: the cord is"
               " compressed above the lumbar spine. No pooled accuracy for them is in the suite's"
               " sources; the simulator shows the textbook pattern.")
    else:
        gait = "normal gait" if p.region == "cervical" else "gait limited only by pain"
        found = (Finding(f"no clonus; plantar responses downgoing; {gait}", False),)
        why = ("No upper motor neuron signs: the lesion is below the cord (a root or the cauda equina)."
               " The simulator shows the textbook pattern.")
    return TestResult("upper motor neuron signs", found, why, "textbook pattern")


def _saddle(p: Patient) -> TestResult:
    if p.kind == "cauda equina syndrome":
        return TestResult("saddle sensation and bladder", (
            Finding("reduced sensation around the anus and perineum", True),
            Finding("painless retention of urine", True)),
            "Saddle numbness with retention of urine is cauda equina syndrome until proven otherwise:"
            " an emergency MRI the same day.", "textbook pattern")
    return TestResult("saddle sensation and bladder", (
        Finding("saddle sensation normal; passing urine normally", False),),
        "No sign of cauda equina compression. Ask again and teach the patient the warning signs.",
        "textbook pattern")


def _femoral(p: Patient) -> TestResult:
    upper = p.kind == "lumbar radiculopathy" and p.root in ("L2", "L3", "L4")
    text = (f"femoral stretch test positive on the {p.side}: pain in the front of the thigh" if upper
            else "femoral stretch test negative on both sides")
    return TestResult("femoral stretch test", (Finding(text, upper),),
                      "The femoral stretch test pulls on the upper lumbar roots (L2-L4). No pooled"
                      " accuracy is in the suite's sources, so the simulator shows the textbook pattern:"
                      " positive for an L2-L4 root, negative otherwise.", "textbook pattern")


def _results(p: Patient, rng: random.Random) -> dict[str, TestResult]:
    out = {"power (key muscles)": _power(p), "sensation (key points)": _sensation(p),
           "reflexes": _reflexes(p), "upper motor neuron signs": _umn(p)}
    if p.region == "lumbar":
        side = p.side or "left"
        has = p.lower_lumbar_herniation
        out["straight leg raise"] = _drawn(
            "straight leg raise", p, rng, has=has, what="a lower lumbar disc herniation",
            positive_text=f"straight leg raise positive on the {side}: leg pain below the knee",
            negative_text="straight leg raise negative on both sides")
        out["crossed straight leg raise"] = _drawn(
            "crossed straight leg raise", p, rng, has=has, what="a lower lumbar disc herniation",
            positive_text=f"raising the {_other(side)} leg brings on pain in the {side} leg",
            negative_text="crossed straight leg raise negative")
        out["femoral stretch test"] = _femoral(p)
        out["saddle sensation and bladder"] = _saddle(p)
    else:
        out["Hoffmann sign"] = _drawn(
            "Hoffmann sign", p, rng, has=p.kind == "cervical myelopathy",
            what="a degenerative cervical myelopathy",
            positive_text="Hoffmann sign present: flicking the middle finger's nail flexes the thumb",
            negative_text="Hoffmann sign absent on both sides")
    return out


def _history(kind: str, root: str | None, age: int, sex: str, weeks: int, progressive: bool,
             side: str | None) -> str:
    who = f"A {age}-year-old {sex}"
    weeks = f"{weeks} week{'s' if weeks != 1 else ''}"
    if kind == "lumbar radiculopathy":
        sign = next(s for s in root_signs() if s.root == root)
        text = (f"{who} has had pain in the {side} leg, worse than the back pain, for {weeks}."
                f" It shoots down towards the {sign.key_sensory_point}, with pins and needles there."
                " Coughing makes it worse.")
    elif kind == "cervical radiculopathy":
        sign = next(s for s in root_signs() if s.root == root)
        text = (f"{who} has had neck pain and a burning pain down the {side} arm for {weeks},"
                f" with tingling towards the {sign.key_sensory_point}. Looking up makes it worse.")
    elif kind == "cervical myelopathy":
        text = (f"{who} has dropped cups and struggled with buttons for {weeks} and feels unsteady"
                " walking, especially in the dark. There is little neck or arm pain.")
    else:
        text = (f"{who} has had back pain and pain in both legs for {weeks}. Since yesterday the"
                " skin between the legs feels numb and passing urine has become difficult.")
    if progressive:
        text += " The weakness has been getting worse over the past week."
    return text


def make_patient(*, seed: int) -> Patient:
    """Return the patient of ``seed`` (0 or more): the same seed always gives the same patient."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a whole number of 0 or more, got {seed!r}")
    rng = random.Random(seed)
    kind = rng.choices(list(CASE_KINDS), weights=list(CASE_KINDS.values()))[0]
    age, sex, weeks = rng.choice(_AGES), rng.choice(("man", "woman")), rng.choice(_WEEKS)
    root = zone = side = None
    progressive = False
    if kind == "lumbar radiculopathy":
        root = rng.choice(LUMBAR_ROOTS)
        options = [h for h in discs_for_root(root) if h.disc in LEVEL_CHOICES]
        pick = rng.choice(sorted(options, key=lambda h: h.zone))
        level, zone, side = pick.disc, pick.zone, rng.choice(("left", "right"))
        progressive = rng.random() < 0.2
    elif kind == "cervical radiculopathy":
        root = rng.choice(CERVICAL_ROOTS)
        level = next(s.foramen for s in root_signs() if s.root == root)
        zone, side = "foraminal", rng.choice(("left", "right"))
        progressive = rng.random() < 0.2
    elif kind == "cervical myelopathy":
        level = rng.choice(MYELOPATHY_LEVELS)
    else:
        level = rng.choice(CAUDA_EQUINA_LEVELS)
        weeks = min(weeks, 4)
    history = _history(kind, root, age, sex, weeks, progressive, side)
    draft = Patient(seed, kind, age, sex, root, level, zone, side, weeks, progressive, history, {})
    return Patient(seed, kind, age, sex, root, level, zone, side, weeks, progressive, history,
                   _results(draft, rng))


def examine(patient: Patient, *, test: str) -> TestResult:
    """Return what ``test`` shows in ``patient``; a one-line ValueError names the tests offered."""
    if test not in patient.results:
        raise ValueError(f"test {test!r} is not offered for a {patient.region} patient;"
                         f" offered: {', '.join(tests_for(patient.region))}")
    return patient.results[test]


@dataclass(frozen=True)
class Localisation:
    """The verdict on a student's localisation: one line each for root, level and side."""

    root_right: bool
    level_verdict: str
    side_right: bool
    lines: tuple[str, ...]

    @property
    def all_right(self) -> bool:
        """Root and side right, and a level consistent with the findings."""
        return self.root_right and self.side_right and self.level_verdict in ("right", "consistent")


def grade_localisation(patient: Patient, *, root: str, level: str, side: str) -> Localisation:
    """Judge a localisation; the level is ``"right"``, ``"consistent"`` (imaging decides) or ``"wrong"``."""
    for name, value, allowed in (("root", root, ROOT_CHOICES), ("level", level, LEVEL_CHOICES),
                                 ("side", side, SIDE_CHOICES)):
        if value not in allowed:
            raise ValueError(f"unknown {name} {value!r}; use one of {', '.join(allowed)}")
    truth = patient.answer_root
    root_right = root == truth
    lines = [f"Root: {'right' if root_right else 'not right'}: the lesion is {truth}."]
    if level == patient.level:
        verdict = "right"
        lines.append(f"Level: right: {patient.level}.")
    elif patient.kind == "lumbar radiculopathy" and root_right and level in {
            h.disc for h in discs_for_root(patient.root)}:
        verdict = "consistent"
        lines.append(f"Level: consistent with the findings: a herniation at {level} can also compress"
                     f" {patient.root}; this patient's was a {patient.zone} herniation at {patient.level}."
                     " Only imaging tells the two apart.")
    elif root_right and level in _LEVELS_OF.get(patient.kind, ()):
        verdict = "consistent"
        lines.append(f"Level: consistent with the findings, which cannot fix the level of a {patient.kind}:"
                     f" this patient's compression was at {patient.level}. Only imaging tells.")
    else:
        verdict = "wrong"
        where = (f"a {patient.zone} herniation at {patient.level}" if patient.zone
                 else f"compression at {patient.level}")
        lines.append(f"Level: not right: this patient had {where}.")
    side_right = side == patient.answer_side
    lines.append(f"Side: {'right' if side_right else 'not right'}: {patient.answer_side}.")
    return Localisation(root_right, verdict, side_right, tuple(lines))
