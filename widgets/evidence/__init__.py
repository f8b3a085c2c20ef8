"""Reading the evidence (lesson 05).

- :mod:`widgets.evidence.model`: the evidence map, pooling and the verdict rule.
- :mod:`widgets.evidence.meta`: fixed and random-effects meta-analysis.
- :mod:`widgets.evidence.certainty`: certainty of evidence and clinical importance (MCIDs).
- :mod:`widgets.evidence.learning_curve`: learning curves as published.
- :mod:`widgets.evidence.view`: the lesson's widgets.
"""
