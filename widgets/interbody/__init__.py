"""Interbody corridors and disc replacement (lesson 11): models, tables and the chooser view.

- :mod:`widgets.interbody.landmarks`: cited positions of the great vessels and the iliac crest,
  and the width of the oblique corridor, by level.
- :mod:`widgets.interbody.chooser`: which corridor (ALIF, OLIF, lateral transpsoas, TLIF) reaches
  a disc for a pathology, computed from the spine model's geometry and those positions.
- :mod:`widgets.interbody.evidence`: the randomised trials of fusion and disc replacement for back
  pain with degenerated discs, read against the MCID.
- :mod:`widgets.interbody.tables`: the tables a student reads.
- :mod:`widgets.interbody.view`: the chooser drawn on a lateral view of the spine model.
"""

__all__ = ["lesson_sources"]


def lesson_sources() -> list[str]:
    """Every source key behind a number or a quiz item of lesson 11, without repeats."""
    from widgets.anatomy.transpsoas import cage_sizes, plexus_levels
    from widgets.core.data import load_table
    from widgets.interbody.chooser import _spine
    from widgets.quiz.items import items_for_lesson

    keys: list[str] = []
    for name in ("imaging_degeneration_asymptomatic", "disc_surgery_trials", "interbody_landmarks"):
        keys += list(load_table(name)["source_key"])
    keys += list(load_table("mcid")["source_key"])
    for zone in plexus_levels(_spine()):
        keys += [zone.source_key, zone.anterior_source]
    keys += [c[1] for c in cage_sizes()]
    keys += ["Jacobs2012Cochrane", "Blumenthal2005Spine"]
    for item in items_for_lesson("11-fusion-disc-replacement-and-corridors"):
        keys += list(item.sources)
    return [k for k in dict.fromkeys(keys) if k]

