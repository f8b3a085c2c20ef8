"""Reading the evidence (lesson 05).

- :mod:`widgets.evidence.model`: the evidence on MISS against open surgery: analyses and summaries.
- :mod:`widgets.evidence.meta`: effect sizes, fixed- and random-effects pooling, heterogeneity.
- :mod:`widgets.evidence.certainty`: the verdict rule (importance against cited MCIDs, certainty),
  shared with lesson 06's findings table.
- :mod:`widgets.evidence.learning_curve`: a simulated case series from published figures, read with CUSUM.
- :mod:`widgets.evidence.view`: the lesson's widgets.
"""
