"""Catalog entries of the clinical and coverage lessons, 08 to 12 (see :mod:`widgets.core.catalog`).

Kept apart from the first lessons only to keep each module short; :data:`widgets.core.catalog.LESSONS`
lists them in order with the others.
"""

from __future__ import annotations

from widgets.core.lesson_spec import Lesson, Objective
from widgets.core.levels import DISCS
from widgets.core.params import Param

__all__ = ["CLINICAL_LESSONS"]

CLINICAL_LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "08-from-symptoms-to-decision",
        "From symptoms to the decision to operate: history, examination, timing, imaging and consent",
        75,
        (
            Objective("Tell radicular pain, claudication and myelopathy apart, and act on red flags",
                      "tell mechanical back pain, radicular pain, neurogenic and vascular claudication and"
                      " myelopathy apart from the history, and say what each red flag demands today"),
            Objective("Examine for a root or cord lesion and weigh what each test's accuracy allows",
                      "examine for a root or cord lesion (straight leg raise, femoral stretch test, power,"
                      " sensation, reflexes, upper motor neuron signs) and say what a positive test"
                      " changes, from its cited accuracy"),
            Objective("Localise the root and the disc level from the findings",
                      "name the root and the disc level from the findings, telling an L5 root from a"
                      " common peroneal palsy and a paramedian from a foraminal L4-L5 herniation"),
            Objective("Explain what early surgery changes and what it does not, from the trials",
                      "explain from the randomised trials what early surgery for sciatica changes (the"
                      " speed of relief) and what it does not (the outcome at one and two years)"),
            Objective("Decide when to image and read a finding against the clinical picture",
                      "decide when imaging would change treatment, and read a scan finding against how"
                      " often it is seen in people without pain"),
            Objective("Judge one patient's change in ODI or NDI against the MCID",
                      "score one patient's Oswestry or Neck Disability Index and judge the change"
                      " against the cited minimal clinically important difference"),
            Objective("Give the benefit and risks of an operation per 100 patients, with certainty",
                      "tell a patient the benefit and the risks of an operation per 100 patients, with"
                      " their source and how certain they are"),
        ),
        params=(
            Param("seed", int, 0, "the first simulated patient of the examination simulator",
                  minimum=0, maximum=9999),
            # widgets.reasoning.consent.OPERATIONS (a test keeps them equal)
            Param("operation", str, "tubular microdiscectomy", "operation the consent card opens on",
                  choices=("tubular microdiscectomy", "MIS-TLIF")),
            # widgets.reasoning.scores.INSTRUMENTS (a test keeps them equal)
            Param("instrument", str, "ODI", "disability questionnaire the outcome scorer opens on",
                  choices=("ODI", "NDI")),
        ),
    ),
    Lesson(
        "09-cervical-spine",
        "The cervical spine: radiculopathy and myelopathy, and the anterior and posterior routes",
        45,
        (
            Objective("Tell cervical radiculopathy from myelopathy and name the root a disc level compresses",
                      "tell cervical radiculopathy from myelopathy, and name the root a cervical disc level"
                      " compresses"),
            Objective("Choose between ACDF, posterior foraminotomy and disc arthroplasty for a pathology",
                      "choose between anterior discectomy and fusion, posterior foraminotomy and disc"
                      " arthroplasty for a pathology, from the corridor each uses and what it reaches"),
            Objective("Name what each cervical corridor spares and risks",
                      "name what each corridor spares and risks: dysphagia, the recurrent laryngeal nerve,"
                      " adjacent segments and C5 palsy"),
            Objective("Read the randomised cervical evidence against the MCID",
                      "read the randomised evidence comparing the operations, telling statistically"
                      " significant from clinically important"),
        ),
        params=(
            # widgets.cervical.comparator.LEVELS and PATHOLOGIES (a test keeps them equal)
            Param("level", str, "C5-C6", "disc level of the approach comparator",
                  choices=("C3-C4", "C4-C5", "C5-C6", "C6-C7", "C7-T1")),
            Param("pathology", str, "soft foraminal disc", "pathology the comparator opens on",
                  choices=("soft foraminal disc", "foraminal osteophyte", "central disc with myelopathy",
                           "multilevel spondylosis")),
        ),
    ),
    Lesson(
        "10-complications",
        "When things go wrong: recognising and managing the complications of spine surgery",
        45,
        (
            Objective("Say how common each complication is, with MIS and open figures where known",
                      "say how common each complication is, with MIS and open figures where a source"
                      " gives both"),
            Objective("Recognise a complication from its signs at an hour, a day or a week",
                      "recognise a complication from the signs an hour, a day or a week after surgery"),
            Objective("Choose the first action for a complication, and know which are emergencies",
                      "choose the first action for a complication, and know which ones are emergencies"),
            Objective("Explain how wrong-level surgery and other complications are prevented",
                      "explain how wrong-level surgery, clots and other complications are prevented"),
        ),
        params=(
            # widgets.complications.scenarios.scenario_ids() (a test keeps them equal)
            Param("scenario", str, "haematoma-recovery", "scenario the recogniser opens on",
                  choices=("haematoma-recovery", "csf-leak-day", "screw-root-day", "wound-week",
                           "clot-week", "cement-hour", "wrong-level-hour")),
        ),
    ),
    Lesson(
        "11-fusion-disc-replacement-and-corridors",
        "Fusion, disc replacement and the interbody corridors",
        60,
        (
            Objective("Say what degenerative disc disease means on imaging, and what it does not",
                      "say what \"degenerative disc disease\" means on imaging, and what it does not mean"),
            Objective("Read the trials of fusion and disc replacement against the MCID",
                      "read the randomised trials of fusion and of disc replacement for back pain against"
                      " the smallest difference that matters"),
            Objective("Compare ALIF, OLIF, lateral transpsoas and TLIF: what each reaches and endangers",
                      "compare ALIF, OLIF, lateral transpsoas and TLIF: what each reaches, what each"
                      " endangers and how each decompresses"),
            Objective("Choose an interbody corridor for a level and a pathology from the anatomy",
                      "choose an interbody corridor for a level and a pathology from where the iliac"
                      " crest, the great vessels and the lumbar plexus lie"),
        ),
        params=(
            # widgets.interbody.chooser.PATHOLOGIES and widgets.interbody.landmarks.CREST_PLACEMENTS
            # (tests keep them equal)
            Param("level", str, "L4-L5", "disc level of the corridor chooser", choices=DISCS),
            Param("pathology", str, "foraminal stenosis from disc collapse", "what compresses the nerves",
                  choices=("foraminal stenosis from disc collapse",
                           "central stenosis from thick ligament and facets",
                           "disc degeneration with back pain only")),
            Param("crest", str, "at the L4-L5 disc", "where the top of the iliac crest lies",
                  choices=("above the L4-L5 disc", "at the L4-L5 disc", "below the L4-L5 disc")),
        ),
    ),
    Lesson(
        "12-fluoroscopy-drills",
        "Fluoroscopy drills: place a percutaneous screw guide and count to the right level",
        40,
        (
            Objective("Place a percutaneous screw guide from fluoroscopy",
                      "place a Jamshidi needle and a guidewire in a chosen pedicle using only AP, lateral"
                      " and oblique fluoroscopy shots, and read the score of each attempt"),
            Objective("Read a personal learning curve against cited figures",
                      "read your own learning curve (CUSUM) against cited accuracy and learning-curve"
                      " figures"),
            Objective("Count to the target level when two counts disagree",
                      "count to the target level on fluoroscopy when a transitional vertebra or short"
                      " ribs make the counts from the ribs and from the sacrum disagree"),
            Objective("Explain how often wrong-level surgery happens and what follows it",
                      "explain how often wrong-level surgery happens and what follows it, from surveys"
                      " and claims"),
        ),
        # the cases of widgets.imaging.counting.CASES (a test keeps them equal)
        params=(
            Param("level", str, "L4", "lumbar vertebra the screw trainer opens on",
                  choices=("L1", "L2", "L3", "L4", "L5")),
            Param("side", str, "left", "pedicle the trainer opens on", choices=("left", "right")),
            Param("case", str, "sacralised", "counting case the drill opens on",
                  choices=("typical", "sacralised", "lumbarised", "short-ribs", "sacralised-mri-sacrum")),
            Param("learner", str, "student", "learner id; it names your progress and attempt files"),
            Param("seed", int, 0, "seeds where each trainer attempt starts and the quiz's order",
                  minimum=0),
        ),
    ),
)
