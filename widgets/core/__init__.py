"""The core every topic builds on; it imports nothing else of the package.

- :mod:`widgets.core.data`: the cited tables of ``data/``, checked against their schemas, and the references.
- :mod:`widgets.core.citations`, :mod:`widgets.core.quotes`: the citation a student reads; the quotes
  behind the numbers.
- :mod:`widgets.core.assumptions`: the suite-wide assumptions of ``data/assumptions.yaml``.
- :mod:`widgets.core.levels`: the one list of spinal levels and disc segments.
- :mod:`widgets.core.yamllines`, :mod:`widgets.core.schemacheck`: YAML with line numbers; fast schema checks.
- :mod:`widgets.core.params`: typed, range-checked lesson parameters.
- :mod:`widgets.core.numbers`: numbers as people write them.
- :mod:`widgets.core.catalog`: the lesson catalog (ids, titles, minutes, objectives, parameters), pure data.
- :mod:`widgets.core.view`, :mod:`widgets.core.figures`, :mod:`widgets.core.tables`: palette,
  plot template, the views' base class (guarded callbacks), the figure layer and how tables display.
"""
