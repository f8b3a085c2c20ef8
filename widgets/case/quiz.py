"""The quiz a case generates, and what only its solution may show.

:func:`case_items` turns a run into quiz items from its case data (the next
step, how directly a study applies, what the cited comparisons show, a
difference worked out from the arms, the patient factor that brings in more
evidence); every number in them is a value resolved from the cited rows.
:func:`quiz_items` draws the run's quiz (generated items, filled from the
lesson's static bank, seeded). :func:`answer_key_strings` lists every string
that only the solution version may show, for the leak tests.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import re
from collections.abc import Sequence
from typing import Any

from widgets.case.evidence import READINGS, Evidence
from widgets.case.model import CaseRun
from widgets.case.patients import LESSON
from widgets.case.rules import applicability

__all__ = [
    "DIFFICULTY_TEMPLATES",
    "N_OPTIONS",
    "OBJECTIVES",
    "QUIZ_LENGTH",
    "answer_key_strings",
    "case_items",
    "draw_items",
    "quiz_items",
    "static_items",
]

#: Questions per quiz, and options per choice question, by difficulty.
QUIZ_LENGTH = {"easy": 5, "medium": 6, "hard": 8}
N_OPTIONS = {"easy": 3, "medium": 4, "hard": 5}
OBJECTIVES = (
    "Apply selection criteria to a named case",
    "Predict and compare outcomes of MISS and open surgery with cited figures",
    "Judge whether published evidence applies to a given patient",
)


def _case_value(value: Any, unit: str | None = None):
    from widgets.quiz.keys import Resolved

    return Resolved(value, unit, frozenset(), frozenset({"case"}))


def _row_value(value: Any, source_key: str, confidence: str, unit: str | None = None):
    from widgets.quiz.keys import Resolved

    return Resolved(value, unit, frozenset({source_key}), frozenset({confidence}))


class _Builder:
    """Collects one generated item's templates and values, then renders it."""

    def __init__(self, run: CaseRun, template: str, bloom: str, objective: int, topics: Sequence[str]):
        self.run = run
        self.template = template
        self.bloom = bloom
        self.objective = OBJECTIVES[objective]
        self.topics = tuple(dict.fromkeys(("case", *run.condition.topics, *topics)))
        p = run.case.patient
        self.values: dict[str, Any] = {
            "age": _case_value(float(p.age), "years"),
            "noun": _case_value(p.noun),
            "diagnosis": _case_value(p.diagnosis),
            "level": _case_value(p.level),
            "weeks": _case_value(float(p.duration_weeks), "weeks"),
            "bmi": _case_value(p.bmi),
        }
        self.sources: list[str] = []
        self.templates: dict[str, str] = {}

    def value(self, name: str, resolved) -> str:
        self.values[name] = resolved
        return name

    def cite(self, *keys: str) -> None:
        for k in keys:
            if k not in self.sources:
                self.sources.append(k)

    def render(self, field_name: str, template: str) -> str:
        from widgets.quiz.items import render

        self.templates[field_name] = template
        return render(template, self.values)

    def build(self, *, type: str, stem: str, explanation: str, options=(), answer=None,
              prompts=(), choices=(), key=None, unit=None, tolerance=None, feedback=None):
        from widgets.core.citations import cite
        from widgets.quiz.items import Item, Option

        if any("secondary-source" in v.confidences for v in self.values.values()):
            explanation += (" One figure here is from a secondary source: check it against the"
                            " primary paper.")
        opts = tuple(Option(oid, self.render(f"options.{oid}.text", text),
                            self.render(f"options.{oid}.feedback", fb)) for oid, text, fb in options)
        pr = tuple(Option(pid, self.render(f"prompts.{pid}.text", text),
                          self.render(f"prompts.{pid}.feedback", fb)) for pid, text, fb in prompts)
        ch = tuple(Option(cid, self.render(f"choices.{cid}.text", text)) for cid, text in choices)
        fbs = {k: self.render(f"feedback.{k}", v) for k, v in (feedback or {}).items()}
        stem_text = self.render("stem", stem)
        expl = self.render("explanation", explanation)
        run = self.run
        payload = json.dumps([type, stem_text, [o.text for o in opts], [p.text for p in pr],
                              [c.text for c in ch], answer, key, self.sources], sort_keys=True,
                             default=str)
        digest = hashlib.sha256(payload.encode()).hexdigest()[:8]
        item_id = f"case-{run.case.id}-{self.template}-{run.difficulty}-{digest}"
        return Item(
            id=item_id, type=type, stem=stem_text, explanation=expl, objective=self.objective,
            bloom=self.bloom, difficulty=run.difficulty, topics=self.topics, lesson=LESSON,
            sources=tuple(self.sources), options=opts, answer=answer, prompts=pr, choices=ch,
            key=key, unit=unit,
            tolerance_abs=(tolerance or {}).get("absolute"),
            tolerance_rel=(tolerance or {}).get("relative"),
            feedback=fbs, citations=tuple(cite(k) for k in self.sources), values=dict(self.values),
            shuffle=True, bank="07-case (generated)", file=f"generated from case {run.case.id!r}",
            line=0, templates=dict(self.templates),
        )


_OPENING = "A {{ age:g }}-year-old {{ noun }} presents with {{ diagnosis }} at {{ level }}"


def _next_step_item(run: CaseRun):
    d = run.decision()
    if not d.sources:
        return None
    p = run.case.patient
    b = _Builder(run, "next-step", "apply", 0, ("selection",))
    b.cite(*d.sources)
    crit_bits = []
    for i, c in enumerate(d.criteria):
        name = b.value(f"trial{i}", _row_value(f"{c.label}: {c.duration_text() or c.population}",
                                               c.source_key, c.confidence))
        crit_bits.append(f"{{{{ {name} }}}}")
    criteria = "; ".join(crit_bits)
    tried = ("conservative care has been tried" if p.conservative_care
             else "conservative care has not been tried")
    stem = (f"{_OPENING}, with symptoms for {{{{ weeks:g }}}} weeks; {tried}."
            + (" Findings: " + "; ".join(f.lower() for f in run.case.red_flags) + "."
               if run.case.red_flags else "")
            + " What is the best next step?")
    n = N_OPTIONS[run.difficulty]
    if d.step == "urgent":
        why_urgent = ("Right: this is an emergency; decompression should not wait for weeks of"
                      " conservative care.")
        fb = {
            "conservative": "Waiting is unsafe here: the findings point to compression that needs"
                            " decompression without delay.",
            "elective": "A date weeks away is too late: the findings call for decompression today.",
            "urgent": why_urgent,
            "imaging": "Imaging already shows the cause; more imaging now only delays decompression.",
        }
        ref = " ".join(crit_bits) or ""
        trial = applicability(p)
        name = b.value("pop", _row_value(trial.population, trial.source_key, trial.confidence))
        b.cite(trial.source_key)
        explanation = ("The findings make this an emergency, so surgery is arranged now rather than"
                       " after a trial of conservative care. The elective trials cited in the lesson"
                       f" enrolled {{{{ {name} }}}}; they do not describe this situation, so they"
                       " cannot decide the technique either." + (f" {ref}" if ref else ""))
    else:
        if d.reason == "not-tried":
            reason = "conservative care has not been tried yet"
        elif d.reason == "too-early":
            reason = "the symptoms have not lasted as long as the trials required before surgery"
        elif d.reason == "criteria-met":
            reason = ("conservative care has been tried and the symptoms have lasted as long as at"
                      " least one trial required before surgery")
        else:
            reason = "conservative care has been tried without enough relief"
        key_is_cons = d.step == "conservative"
        fb = {
            "conservative": (f"Right: {reason}." if key_is_cons else
                             "Possible if the patient prefers it, but conservative care has already"
                             " been tried for long enough: it is not the best next step."),
            "elective": (f"Right: {reason}; surgery is offered, and the patient decides."
                         if not key_is_cons else f"Too early: {reason}."),
            "urgent": "Nothing in this case is an emergency: there is no saddle numbness, no new"
                      " bladder or bowel dysfunction and no progressive weakness.",
            "imaging": "The imaging already matches the clinical picture; repeating it delays the"
                       " decision without changing it.",
        }
        explanation = (f"The lesson's rule: {reason}."
                       + (f" Entry criteria of the cited trials: {criteria}." if criteria else "")
                       + " Elective surgery is an offer, not an obligation.")
    texts = {
        "conservative": "Continue conservative care and review",
        "elective": "Offer elective surgery after discussion",
        "urgent": "Arrange decompression as an emergency",
        "imaging": "Repeat the imaging before any decision",
    }
    order = ["conservative", "elective", "urgent", "imaging"]
    key = d.step
    chosen = [o for o in order if o != key][: max(2, min(n, 4) - 1)]
    options = [(o, texts[o], fb[o]) for o in order if o == key or o in chosen]
    return b.build(type="single", stem=stem, explanation=explanation, options=options, answer=key)


def _applicability_item(run: CaseRun):
    p = run.case.patient
    app = applicability(p)
    b = _Builder(run, "applicability", "analyze", 2, ("evidence-appraisal", "applicability"))
    b.cite(app.source_key)
    b.value("src", _row_value(app.label, app.source_key, app.confidence))
    b.value("pop", _row_value(app.population, app.source_key, app.confidence))
    crit = app.criteria
    age_rule = crit.age_text() if crit else ""
    dur_rule = crit.duration_text() if crit else ""
    if age_rule:
        b.value("age_rule", _row_value(age_rule, app.source_key, app.confidence))
    if dur_rule:
        b.value("dur_rule", _row_value(dur_rule, app.source_key, app.confidence))
    stem = (f"{_OPENING}, with symptoms for {{{{ weeks:g }}}} weeks. A colleague quotes"
            " {{ src }}, which studied {{ pop }}, to support a minimally invasive operation for this"
            " patient. How directly does that source apply?")
    age_words = "its age range, {{ age_rule }}" if age_rule else "no age range"
    dur_words = "its duration criterion, {{ dur_rule }}" if dur_rule else "no duration criterion"
    reason = (run.condition.indirect_reason if run.condition.indirect
              else "it studied {{ pop }}, not {{ diagnosis }}")
    v = app.verdict
    fits = ("the patient's age fits " + age_words if age_rule else "it prints no age range")
    meets = ("the symptoms meet " + dur_words if dur_rule else "it prints no duration criterion")
    fb = {
        "direct": ("Right: the diagnosis matches, " + fits + ", and " + meets + "." if v == "direct"
                   else "Check the population against the patient before borrowing its result."),
        "condition": ("Right: " + reason + "." if v == "condition" else
                      "The source did study this condition."),
        "age": ("Right: the patient's age of {{ age:g }} falls outside " + age_words + "."
                if v == "age" else ("The patient's age fits " + age_words + "." if age_rule else
                                    "The source prints no age range to fall outside.")),
        "duration": ("Right: {{ weeks:g }} weeks of symptoms fall outside " + dur_words + "."
                     if v == "duration" else ("The symptom duration meets " + dur_words + "."
                                              if dur_rule else "The source prints no duration criterion.")),
        "two-open": "Every comparison cited in the lesson has a minimally invasive arm.",
    }
    texts = {
        "direct": "Directly: the patient fits the population studied",
        "condition": "Indirectly: it studied a different condition",
        "age": "Indirectly: the patient is outside its age range",
        "duration": "Indirectly: the symptoms fall outside its criteria",
        "two-open": "Not at all: it compared two open operations",
    }
    order = ["direct", "condition", "age", "duration", "two-open"]
    n = N_OPTIONS[run.difficulty]
    others = [o for o in order if o != v][: n - 1]
    options = [(o, texts[o], fb[o]) for o in order if o == v or o in others]
    explanation = ("Before applying a study's result, compare the patient with its population: "
                   "{{ src }} studied {{ pop }}. " + fb[v].removeprefix("Right: ").capitalize()
                   + " A result from a different population is indirect evidence, to be weighed,"
                   " not copied.")
    return b.build(type="single", stem=stem, explanation=explanation, options=options, answer=v)


def _side(reading: str, comparator: str) -> str:
    return {"better": "an important difference in favour of the minimally invasive operation",
            "no important difference": "no important difference between them",
            "inconclusive": "inconclusive: an important difference is neither shown nor ruled out",
            "worse": f"an important difference in favour of the comparator ({comparator})"}[reading]


#: The evidence map's rule (lesson 05) in a sentence, for the explanations of the evidence items.
_RULE = ("Read each effect's confidence interval against the smallest difference that matters to"
         " patients (a cited MCID, or a labelled assumption; for events, an absolute difference in"
         " rates): entirely beyond it is an important difference, on the side the outcome favours;"
         " entirely within plus or minus it is no important difference; anything else, or no"
         " interval, is inconclusive. A statistically significant difference can still be too small"
         " to matter.")


def _judged(b: _Builder, i: int, r: Evidence, comparator: str, right: bool) -> str:
    """Cite a row and its threshold; return the feedback that reads it with the map's rule."""
    from widgets.quiz.keys import Resolved

    b.cite(r.source_key)
    eff = b.value(f"eff{i}", _row_value(r.effect_text, r.source_key, r.confidence))
    src = b.value(f"src{i}", _row_value(r.source_key, r.source_key, r.confidence))
    why = b.value(f"why{i}", _row_value(r.basis, r.source_key, r.confidence))
    if r.threshold_source:
        b.cite(r.threshold_source)
        thr = b.value(f"thr{i}", _row_value(r.threshold, r.threshold_source, "read-directly"))
    else:
        thr = b.value(f"thr{i}", Resolved(r.threshold, None, frozenset(), frozenset({"assumption"})))
    return (f"{'Right' if right else 'Not this one'}: {{{{ {eff} }}}} ({{{{ {src} }}}}). Against the"
            f" {{{{ {thr} }}}}: {{{{ {why} }}}}. It reads {_side(r.reading, comparator)}.")


def _fit_lengths(keyed: Sequence[Evidence], others: Sequence[Evidence],
                 k: int) -> tuple[Evidence, list[Evidence]]:
    """Pick a keyed row and ``k`` distractors so the key is not the conspicuously longest option.

    The NBME length cue (checked by :mod:`widgets.quiz.lint`): the keyed option
    at most 1.5 times the distractors' mean length. Distractors keep their
    order in the file; the first keyed row that passes is used (else the first).
    """
    pool = list(others)
    for key in keyed:
        ranked = sorted(pool, key=lambda r: abs(len(r.outcome) - len(key.outcome)))[:k]
        picked = [r for r in pool if r in ranked]
        mean = sum(len(r.outcome) for r in picked) / len(picked)
        if len(key.outcome) <= 1.5 * mean:
            return key, picked
    return keyed[0], pool[:k]


def _evidence_item(run: CaseRun, target: str):
    rows = [r for r in run.evidence() if r.reading in READINGS]
    keyed = [r for r in rows if r.reading == target]
    others = [r for r in rows if r.reading != target]
    n = N_OPTIONS[run.difficulty]
    if not keyed or len(others) < 2:
        return None
    labels = {r.outcome for r in rows}
    if len(labels) != len(rows):
        return None
    cond = run.condition
    name = {"better": "evidence-mis", "no important difference": "evidence-nodiff",
            "worse": "evidence-comparator"}[target]
    b = _Builder(run, name, "analyze", 1, ("evidence", "mis-vs-open"))
    key_row, distractors = _fit_lengths(keyed, others, n - 1)
    options = []
    for i, r in enumerate([key_row, *distractors]):
        fbt = _judged(b, i, r, cond.comparator, r is key_row)
        options.append((f"o{i}", r.outcome[0].upper() + r.outcome[1:], fbt))
    question = {"better": "showed an important difference in favour of the minimally invasive operation",
                "no important difference": "showed no important difference between the two",
                "worse": f"showed an important difference in favour of the comparator ({cond.comparator})",
                }[target]
    stem = (f"{_OPENING}. For this patient the lesson cites comparisons of {cond.procedure}."
            f" Of the outcomes below, which {question}?")
    explanation = _RULE + (" These comparisons apply only indirectly: " + cond.indirect_reason + "."
                           if cond.indirect else "")
    return b.build(type="single", stem=stem, explanation=explanation, options=options, answer="o0")


#: The matching item's choices, one per reading (the comparator is filled in).
_CHOICES = (("mis", "better", "An important difference favouring the minimally invasive operation"),
            ("none", "no important difference", "No important difference"),
            ("inc", "inconclusive", "Inconclusive: an important difference neither shown nor ruled out"),
            ("comp", "worse", "An important difference favouring the comparator ({comparator})"))


def _matching_item(run: CaseRun):
    rows = [r for r in run.evidence() if r.reading in READINGS]
    present = {r.reading for r in rows}
    if len(rows) < 3 or len(present) < 2 or len({r.outcome for r in rows}) != len(rows):
        return None
    cond = run.condition
    b = _Builder(run, "matching", "analyze", 1, ("evidence", "mis-vs-open"))
    picked: list[Evidence] = []
    for reading in READINGS:  # one of each reading first, then the rest in order
        picked += [r for r in rows if r.reading == reading][:1]
    picked += [r for r in rows if r not in picked]
    picked = picked[: 4 if run.difficulty == "hard" else 3]
    code = {reading: cid for cid, reading, _ in _CHOICES}
    prompts = []
    answer = {}
    for i, r in enumerate(picked):
        b.cite(r.source_key)
        eff = b.value(f"eff{i}", _row_value(r.effect_text, r.source_key, r.confidence))
        prompts.append((f"p{i}", r.outcome[0].upper() + r.outcome[1:],
                        f"{{{{ {eff} }}}}; {r.better} is better for the patient."))
        answer[f"p{i}"] = code[r.reading]
    choices = [(cid, text.format(comparator=cond.comparator)) for cid, _, text in _CHOICES]
    stem = (f"{_OPENING}. Match each outcome of the cited comparisons of {cond.procedure} with what"
            " the evidence shows.")
    explanation = _RULE + (" These comparisons apply only indirectly: " + cond.indirect_reason + "."
                           if cond.indirect else "")
    return b.build(type="matching", stem=stem, explanation=explanation, prompts=prompts,
                   choices=choices, answer=answer)


def _numeric_item(run: CaseRun):
    rows = [r for r in run.evidence() if r.mis_value is not None and r.comparator_value is not None]
    if not rows:
        return None
    from widgets.quiz import units

    r = None
    for cand in rows:
        try:
            units.canonical(cand.unit)
        except units.UnitError:
            continue
        r = cand
        break
    if r is None:
        return None
    b = _Builder(run, "numeric", "apply", 1, ("evidence", "arithmetic"))
    b.cite(r.source_key)
    unit = units.canonical(r.unit)
    b.value("mis", _row_value(r.mis_value, r.source_key, r.confidence, unit))
    b.value("comp", _row_value(r.comparator_value, r.source_key, r.confidence, unit))
    b.value("src", _row_value(r.source_key, r.source_key, r.confidence))
    from widgets.quiz.keys import Resolved

    key = round(r.mis_value - r.comparator_value, 4)
    b.value("key", Resolved(key, unit, frozenset({r.source_key}), frozenset({r.confidence, "derived"})))
    what = r.outcome
    unit_words = "percentage points" if unit == "%" else unit
    stem = (f"{_OPENING}. In the cited comparison ({r.comparison}, {{{{ src }}}}), {what} was"
            " {{ mis:g }} with the minimally invasive operation and {{ comp:g }} with the"
            f" comparator. What is the difference, minimally invasive minus comparator, in {unit_words}?")
    explanation = ("Subtract the comparator arm from the minimally invasive arm: {{ mis:g }} minus"
                   " {{ comp:g }} gives {{ key:g }}" + (" percentage points" if unit == "%" else f" {unit}")
                   + ". A negative difference means less with the minimally invasive operation; whether"
                   " that is better depends on the outcome. A difference between the arms shows"
                   " neither that it is real nor that it matters: set its 95% CI against the smallest"
                   " difference that matters to patients.")
    feedback = {
        "correct": "Right: the arms as printed, minimally invasive minus comparator.",
        "low": "Too low: check the order of subtraction, minimally invasive minus comparator.",
        "high": "Too high: check the order of subtraction, minimally invasive minus comparator.",
    }
    return b.build(type="numeric", stem=stem, explanation=explanation, key=float(key), unit=unit,
                   tolerance={"absolute": 0.05}, feedback=feedback)


def _factor_item(run: CaseRun):
    p = run.case.patient
    rows = run.factors()
    if not rows:
        return None
    cond = run.condition
    first = rows[0]
    spec = next(s for s in cond.factors if s.label == first.outcome)
    rule = spec.when or ""
    features: list[tuple[str, str, bool]] = [
        ("age", "Age of {{ age:g }} years", False),
        ("bmi", "Body mass index of {{ bmi:g }}", rule in ("obese", "overweight")),
        ("prior", "Previous surgery at this level" if p.prior_surgery else
         "No previous spinal surgery", rule == "prior_surgery"),
        ("sex", "Sex: " + p.sex, False),
    ]
    for c in p.comorbidities:
        features.append((f"c-{c.replace(' ', '-')}", "Comorbidity: " + c, rule == f"comorbidity:{c}"))
    if rule == "low_bone_quality":
        features.append(("bone", "Bone quality: " + p.bone_quality, True))
    keyed = [f for f in features if f[2]]
    if len(keyed) != 1:
        return None
    said = first.mis_text.lower()
    mentioned = {"age": r"\bage\b", "bmi": r"\bbmi\b|obes", "prior": r"revision|previous",
                 "sex": r"\bsex\b|female|male"}
    others = [f for f in features if not f[2]
              and not re.search(mentioned.get(f[0], re.escape(f[1].split(": ")[-1].lower())), said)]
    n = N_OPTIONS[run.difficulty]
    chosen = [keyed[0], *others[: n - 1]]
    if len(chosen) < 3:
        return None
    b = _Builder(run, "factor", "analyze", 2, ("evidence-appraisal", "patient-factors"))
    b.cite(first.source_key)
    b.value("said", _row_value(first.mis_text, first.source_key, first.confidence))
    b.value("src", _row_value(first.source_key, first.source_key, first.confidence))
    options = []
    for fid, text, is_key in chosen:
        fb = ("Right: {{ src }} reports {{ said }}, which bears on this feature of the patient."
              if is_key else "This feature does not bring in a further cited row in the lesson.")
        options.append((fid, text, fb))
    stem = (f"{_OPENING}. Which feature of this patient brings in further cited evidence, beyond the"
            " comparisons for the condition as a whole?")
    explanation = ("Patient features can change which evidence applies. Here {{ src }} reports"
                   " {{ said }} for " + first.outcome + "; the lesson's table of patient factors"
                   " shows it beside the patient.")
    return b.build(type="single", stem=stem, explanation=explanation, options=options,
                   answer=keyed[0][0])


_TEMPLATES = (
    ("next-step", _next_step_item),
    ("applicability", _applicability_item),
    ("evidence-comparator", lambda run: _evidence_item(run, "worse")),
    ("evidence-mis", lambda run: _evidence_item(run, "better")),
    ("numeric", _numeric_item),
    ("evidence-nodiff", lambda run: _evidence_item(run, "no important difference")),
    ("factor", _factor_item),
    ("matching", _matching_item),
)
#: Templates each difficulty may use (harder levels add the analysis-heavy ones).
DIFFICULTY_TEMPLATES = {
    "easy": ("next-step", "applicability", "evidence-mis", "evidence-comparator", "numeric"),
    "medium": ("next-step", "applicability", "evidence-mis", "evidence-comparator", "numeric",
               "evidence-nodiff", "factor"),
    "hard": tuple(name for name, _ in _TEMPLATES),
}


def case_items(run: CaseRun) -> list:
    """Generate the quiz items of a run from its case data (deterministic, no seed).

    Which templates are used depends on the difficulty; an item is made only
    when the data support it (a next-step question needs a source for its
    rule, an evidence question three outcomes with distinct readings, and so
    on). Item ids name the case, the template and the difficulty and end with
    a digest of the content, so two runs share an id only for the same item.
    """
    allowed = DIFFICULTY_TEMPLATES[run.difficulty]
    out = []
    for name, make in _TEMPLATES:
        if name in allowed:
            item = make(run)
            if item is not None:
                out.append(item)
    return out


def static_items() -> list:
    """Return the items of the lesson's static bank ``data/questions/07-case.yaml`` (if present)."""
    from widgets.quiz.items import load_bank, questions_dir

    path = questions_dir() / f"{LESSON}.yaml"
    if not path.is_file():
        return []
    return list(_static_cached(str(path), path.stat().st_mtime_ns, load_bank))


@functools.lru_cache(maxsize=2)
def _static_cached(path: str, stamp: int, loader) -> tuple:
    return tuple(loader(path).items)


def quiz_items(run: CaseRun) -> list:
    """Return the quiz items of a run (see :func:`draw_items`), computed once per run."""
    if "_items" not in run.__dict__:
        run.__dict__["_items"] = tuple(draw_items(run))
    return list(run.__dict__["_items"])


def draw_items(run: CaseRun) -> list:
    """Return the quiz of a run: generated items first, filled with static items, seeded.

    The quiz has :data:`QUIZ_LENGTH` items for the difficulty. When the case
    generates more, the seed picks which; when it generates fewer, static
    items are added, those sharing a topic with the condition first, in a
    seeded order. The items' display order is shuffled later by the quiz
    session (same seed).
    """
    size = QUIZ_LENGTH[run.difficulty]
    generated = case_items(run)
    rng = random.Random(f"miss-case-quiz:{run.case.id}:{run.difficulty}:{run.seed}")
    if len(generated) > size:
        keep = set(rng.sample(range(len(generated)), size))
        generated = [item for i, item in enumerate(generated) if i in keep]
    need = size - len(generated)
    if need <= 0:
        return generated
    pool = static_items()
    topics = set(run.condition.topics)
    near = [i for i in pool if topics & set(i.topics)]
    far = [i for i in pool if not topics & set(i.topics)]
    rng.shuffle(near)
    rng.shuffle(far)
    return generated + (near + far)[:need]

def answer_key_strings(run: CaseRun) -> list[str]:
    """Every string that only the solution version may show, for the leak test.

    The answer key line of each quiz item, its explanation and feedback texts,
    the case's tutor notes and discussion points, and the reading and its
    basis for each cited comparison.
    """
    from widgets.quiz.types import key_lines

    out: list[str] = []
    for item in quiz_items(run):
        out += key_lines(item)
        out.append(item.explanation)
        out += [o.feedback for o in (*item.options, *item.prompts) if o.feedback]
        out += [v for v in item.feedback.values() if v]
    if run.case.tutor_notes:
        out.append(run.case.tutor_notes)
    out += list(run.case.discussion)
    out += [r.basis for r in run.evidence()]
    return list(dict.fromkeys(s for s in out if s))
