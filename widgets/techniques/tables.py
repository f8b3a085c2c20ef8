"""The tables a student reads in lesson 03: each a :class:`pandas.DataFrame` with its sources.

The steps, profiles and cited figures come from :mod:`widgets.techniques.model`
and the tables in ``data/``; these functions only lay them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from widgets.core.data import load_table, rows_by
from widgets.techniques.model import (
    _SECONDARY,
    TECHNIQUES,
    _by_value,
    _check_technique,
    _numbers,
    _text,
    comparison_rows,
    corridor_sizes,
    grade_order,
    steps,
    technique_name,
)

__all__ = [
    "comparison_table",
    "complication_table",
    "evidence_table",
    "grading_examples",
    "guidance_accuracy_table",
    "instrument_table",
    "lesson_references",
    "steps_table",
]

#: The instruments the technology section shows, in this order.
_INSTRUMENT_ITEMS = (
    "tubular retractor", "tubular retractor (METRx)", "full-endoscope (Ruetten)", "transforaminal cannula",
    "OLLIF access portal", "guidewire through Jamshidi needle", "lateral (DLIF) cage", "XLIF/ELIF cage",
    "MIS paramedian entry", "TESSYS transforaminal endoscopy",
)

#: The randomised trials behind the techniques of this lesson.
_TRIALS = ("Arts2009JAMA", "Ruetten2008Spine", "Gadjradj2022BMJ", "Serban2017BiomedResInt",
           "Zhao2019ExpTherMed", "Buchbinder2009", "Kallmes2009", "Firanescu2018", "VAPOUR", "Wardlaw2009")

#: The sources of the complication figures.
_COMPLICATIONS = ("Dasenbrock2012JNeurosurgSpine", "Arts2011", "Lee2006Spine", "Klingler2015",
                  "CurrRevMusculoskeletMed2019", "Lee2014JSpinalDisordTech")


def _label(confidence: str) -> str:
    """Name a confidence flag the way students read it."""
    return "secondary: the suite's summary" if confidence == _SECONDARY else "read directly"


def steps_table(technique: str | None = None):
    """Return the steps (one technique, or all with ``None`` or ``"all"``) with views, pitfalls, sources."""
    import pandas as pd

    names = TECHNIQUES if technique in (None, "all") else (_check_technique(technique),)
    rows = []
    for name in names:
        for s in steps(name):
            rows.append({"technique": technique_name(name), "step": s.number, "what is done": s.text,
                         "instrument": s.instrument, "expected fluoroscopic view": s.view_text,
                         "what can go wrong": s.pitfall,
                         "source": f"{s.source_key} ({_label(s.confidence)})"})
    return pd.DataFrame(rows).set_index(["technique", "step"])


def comparison_table(techniques: Sequence[str] | None = None):
    """Return :func:`~widgets.techniques.model.comparison_rows` as a DataFrame indexed by technique."""
    import pandas as pd

    return pd.DataFrame(comparison_rows(techniques)).set_index("technique")


def instrument_table():
    """Return the instrument figures of the technology section, each with its source and confidence."""
    import pandas as pd

    by_item = rows_by("instruments", "item")
    rows = []
    for item in _INSTRUMENT_ITEMS:
        for r in _by_value(by_item.get(item, ())):
            _, printed = _numbers(r)
            rows.append({"instrument": item, "what": r["parameter"], "size as printed": printed,
                         "unit": _text(r["unit"]), "context": _text(r["context"]),
                         "source": r["source_key"], "confidence": r["confidence"]})
    return pd.DataFrame(rows)


def guidance_accuracy_table():
    """Return pooled pedicle-screw accuracy by guidance method (single-technique studies) and ranges.

    These pool different studies for each method; they are not head-to-head
    comparisons. Lesson 04 takes them further.
    """
    import pandas as pd

    t = load_table("screw_accuracy")
    rows = []
    for r in t.to_dict("records"):
        pooled = r["source_key"] == "PerdomoPantoja2019WorldNeurosurg"
        if pooled and r["accuracy_pct"] == r["accuracy_pct"]:
            value = f"{r['accuracy_pct']:g}"
        elif r["source_key"] == "Gelalis2012EurSpineJ":
            value = f"{r['accuracy_pct_low']:g}-{r['accuracy_pct_high']:g}"
        else:
            continue
        rows.append({"guidance": r["technique"], "measure": r["metric"], "accuracy (%)": value,
                     "source": r["source_key"], "confidence": r["confidence"]})
    return pd.DataFrame(rows)


def evidence_table():
    """Return the randomised trials behind the techniques of this lesson, as the trials table prints them."""
    import pandas as pd

    by_key = rows_by("trials", "source_key")
    rows = []
    for key in _TRIALS:
        for r in by_key.get(key, ()):
            n = r["n_randomised"]
            rows.append({"trial": r["trial"], "year": r["year"], "comparison": r["topic"],
                         "randomised": f"{n:g}" if n == n else _text(r["n_randomised_text"]),
                         "what it found": r["conclusion_short"], "source": key,
                         "confidence": r["confidence"]})
    return pd.DataFrame(rows).set_index("trial")


def complication_table():
    """Return the cited complication figures for the techniques: durotomy, repeat surgery, failure."""
    import pandas as pd

    by_key = rows_by("complications_durotomy_conversion", "source_key")
    rows = []
    for key in _COMPLICATIONS:
        for r in by_key.get(key, ()):
            mis = f"{r['mis_value']:g}" if r["mis_value"] == r["mis_value"] else _text(r["mis_value_text"])
            opn = (f"{r['open_value']:g}" if r["open_value"] == r["open_value"]
                   else _text(r["open_value_text"]))
            rows.append({"complication": r["complication"], "procedure": r["procedure"],
                         "minimally invasive": mis, "open": opn or "-", "unit": r["unit"],
                         "source": key, "confidence": r["confidence"]})
    return pd.DataFrame(rows)


def lesson_references() -> list[str]:
    """Return every source key lesson 03 shows, sorted."""
    keys: set[str] = set()
    keys |= set(load_table("procedure_steps")["source_key"])
    keys |= set(load_table("technique_profiles")["source_key"])
    keys |= set(instrument_table()["source"])
    keys |= set(guidance_accuracy_table()["source"])
    keys |= set(evidence_table()["source"]) | set(complication_table()["source"])
    for name in TECHNIQUES:
        keys |= {s.source_key for s in corridor_sizes(name)}
    return sorted(keys)


def grading_examples():
    """Return hand-checkable gradings of three orders of the vertebroplasty steps.

    The steps are written 1..6 in their correct order; each example lists a
    student's order, the pairs it puts the wrong way round, the steps it keeps
    in relative order (a longest increasing subsequence) and those to move.
    """
    import pandas as pd

    ids = [s.id for s in steps("vertebroplasty")]
    examples = (("two neighbours swapped", [2, 1, 3, 4, 5, 6]),
                ("one step moved from first to last", [2, 3, 4, 5, 6, 1]),
                ("fully reversed", [6, 5, 4, 3, 2, 1]))
    rows = []
    for label, order in examples:
        result = grade_order(ids, [ids[k - 1] for k in order])
        number = {sid: i + 1 for i, sid in enumerate(ids)}
        rows.append({"example": label, "student's order": " ".join(map(str, order)),
                     "pairs the wrong way round": f"{result.discordant_pairs} of {result.max_pairs}",
                     "kept in order": " ".join(str(number[k]) for k in result.kept),
                     "to move": " ".join(str(number[k]) for k in result.misplaced),
                     "score": f"{result.score:.0%}"})
    return pd.DataFrame(rows).set_index("example")
