"""Red flags, and the next step a simulated patient needs (lesson 08).

:data:`RED_FLAGS` lists what each red flag suggests and what it demands today; it is teaching
text, with no numbers. :func:`next_step` applies the lesson's rule to a simulated patient:

1. cauda equina syndrome: an emergency MRI and spinal surgical review the same day;
2. a motor deficit that is getting worse, or a cervical myelopathy: an urgent MRI and spinal
   surgical referral within days;
3. a radiculopathy that has lasted at least the conservative-care period without a red flag:
   an MRI, then a talk about surgery with the patient;
4. otherwise: conservative care and review, with no imaging yet.

The conservative-care period is the suite's teaching assumption ``conservative_care_weeks``
(``data/assumptions.yaml``), not a cited figure: guidelines ask that care has not helped, not
that a number of weeks has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets.core.assumptions import assumption
from widgets.reasoning.exam import Patient

__all__ = ["HISTORY_PATTERNS", "NEXT_STEPS", "RED_FLAGS", "StepVerdict", "grade_next_step", "next_step"]

EMERGENCY = "Emergency: MRI and spinal surgical review today"
URGENT = "Urgent: MRI and spinal surgical referral within days"
IMAGE = "MRI, then talk with the patient about surgery"
CONSERVATIVE = "Conservative care and review; no imaging yet"
#: The next steps the student chooses from, most urgent first.
NEXT_STEPS = (EMERGENCY, URGENT, IMAGE, CONSERVATIVE)

#: Red flags: (flag, what the patient tells or shows, what it suggests, what it demands today).
RED_FLAGS: tuple[tuple[str, str, str, str], ...] = (
    ("cauda equina syndrome",
     "numbness between the legs (saddle area), new difficulty passing urine or controlling the bowel,"
     " sciatica in both legs, sexual dysfunction",
     "compression of the sacral roots by a large central disc herniation or another mass",
     "an emergency MRI the same day and decompression without delay if it is confirmed"),
    ("progressive neurological deficit",
     "weakness that spreads or deepens over days, a foot drop that is getting worse",
     "an ongoing compression that is injuring the root or the cord",
     "an urgent MRI and spinal surgical review, not a wait-and-see trial of conservative care"),
    ("infection",
     "fever, night sweats, recent infection or injecting drugs, immunosuppression, constant pain"
     " that is worse at night",
     "discitis, vertebral osteomyelitis or an epidural abscess",
     "blood tests (inflammatory markers, blood cultures) and an urgent MRI, the same day with a"
     " deficit or sepsis; an epidural abscess with a deficit needs surgery"),
    ("tumour",
     "a history of cancer, unexplained weight loss, new pain at an older age, pain at rest and at"
     " night",
     "a spinal metastasis or a primary tumour, possibly with cord compression",
     "an urgent MRI of the whole spine; with any neurological deficit, the same day (metastatic cord"
     " compression pathway)"),
    ("fracture",
     "significant trauma, or minor trauma with osteoporosis or long-term steroids; sudden pain in an"
     " older person",
     "a vertebral fracture, stable or unstable",
     "imaging (radiographs or CT) before anyone moves the spine freely; an unstable fracture or a"
     " deficit is a surgical emergency"),
)


def next_step(patient: Patient) -> tuple[str, str]:
    """Return (the right next step, why) for ``patient`` by the module's rule."""
    weeks = assumption("conservative_care_weeks")
    period = f"{weeks.value:g} {weeks.unit}"
    told = f"{patient.weeks} week{'s' if patient.weeks != 1 else ''}"
    if patient.kind == "cauda equina syndrome":
        return EMERGENCY, ("Saddle numbness and retention of urine mean cauda equina compression: every"
                           " hour before decompression counts.")
    if patient.progressive:
        return URGENT, ("A deficit that is getting worse is a red flag: image now and let a spinal surgeon"
                        " decide, rather than wait for conservative care to work.")
    if patient.kind == "cervical myelopathy":
        return URGENT, ("Myelopathy is a compressed spinal cord: its course is often a slow, stepwise"
                        " decline, and it is assessed for decompression rather than treated like a"
                        " root pain.")
    if patient.weeks >= weeks.value:
        return IMAGE, (f"Radicular pain for {told} without a red flag has outlasted the"
                       f" lesson's conservative-care period ({period}, an assumption): an MRI now would"
                       " change treatment, because surgery is an option to discuss.")
    return CONSERVATIVE, (f"Radicular pain for {told} without a red flag: most sciatica"
                          " improves without surgery, and an MRI now would not change treatment. Review"
                          f" after the lesson's conservative-care period ({period}, an assumption), and"
                          " tell the patient which warning signs mean coming back at once.")


@dataclass(frozen=True)
class StepVerdict:
    """The verdict on a chosen next step."""

    right: bool
    expected: str
    text: str


def grade_next_step(patient: Patient, *, step: str) -> StepVerdict:
    """Judge the student's next step; a one-line ValueError names the allowed steps."""
    if step not in NEXT_STEPS:
        raise ValueError(f"unknown next step {step!r}; use one of: {'; '.join(NEXT_STEPS)}")
    expected, why = next_step(patient)
    if step == expected:
        return StepVerdict(True, expected, f"Right: {why}")
    more = NEXT_STEPS.index(step) < NEXT_STEPS.index(expected)
    return StepVerdict(False, expected, f"Not the best step ({'more' if more else 'less'} urgent than"
                                        f" needed). The best step is '{expected}'. {why}")


#: How the pain is told: (pattern, where it is and what provokes or eases it, what it points to).
HISTORY_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("mechanical back pain",
     "back and buttock; worse with bending, lifting and sitting long, eased by rest and changing"
     " position; no pain below the knee",
     "the disc, facet joints or muscles; no nerve root involved; no imaging without a red flag"),
    ("radicular pain (sciatica, brachialgia)",
     "leg or arm pain worse than the back or neck pain, shooting in a narrow band below the knee or"
     " elbow into one root's territory, with pins and needles; worse with coughing",
     "one compressed or inflamed root: examine power, sensation and reflexes to name it"),
    ("neurogenic claudication",
     "heavy, aching or numb legs on standing and walking, eased by sitting or bending forward"
     " (leaning on a shopping trolley); walking uphill is easier than downhill",
     "lumbar spinal stenosis: the canal narrows further in extension"),
    ("vascular claudication",
     "calf cramp after a set walking distance, eased within minutes by standing still; uphill is"
     " worse; weak or absent foot pulses",
     "peripheral arterial disease: examine the pulses and measure the ankle-brachial pressure index"),
    ("myelopathy",
     "clumsy hands (dropping things, buttons, handwriting), unsteady walking, diffuse numbness of"
     " the hands; neck pain may be slight or absent",
     "a compressed cervical spinal cord: look for upper motor neuron signs"),
)
