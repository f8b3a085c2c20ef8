"""Reading the evidence (lesson 05).

- :mod:`widgets.evidence.studies`: the outcomes a student can pool, their study rows with the
  data-quality check, and the published pooled estimates.
- :mod:`widgets.evidence.analysis`: pooling the chosen studies, and the rows of the forest and funnel plots.
- :mod:`widgets.evidence.effects`: effect sizes (each study's effect and its variance), and their scales.
- :mod:`widgets.evidence.pooling`: fixed- and random-effects pooling, tau², heterogeneity.
- :mod:`widgets.evidence.distributions`: the normal, chi-square and t quantiles and tails they need.
- :mod:`widgets.evidence.readers`: the rows of the evidence tables read into oriented evidence.
- :mod:`widgets.evidence.verdicts`: the evidence map and its verdict rule.
- :mod:`widgets.evidence.certainty`: the verdict rule (importance against cited MCIDs, certainty),
  shared with lesson 06's findings table.
- :mod:`widgets.evidence.learning_curve`: a simulated case series from published figures, read with CUSUM.
- :mod:`widgets.evidence.tables`: every table the lesson shows (display frames) and its references.
- :mod:`widgets.evidence.cells`: reading and writing table cells, shared by the modules above.
- :mod:`widgets.evidence.view`: the lesson's widgets.
"""
