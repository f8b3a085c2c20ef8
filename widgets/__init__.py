"""MISS lessons: models, views, quizzes and lesson tooling for the teaching notebooks.

The package is split so that every model is a pure function or small class
that tests call directly, and every view (ipywidgets, plotly) is a thin layer
over it:

- :mod:`widgets.core` is what every topic builds on (data, assumptions, levels,
  parameters, the figure layer); it imports nothing else of the package.
- one package per topic: :mod:`widgets.anatomy`, :mod:`widgets.access`,
  :mod:`widgets.conditions`, :mod:`widgets.techniques`, :mod:`widgets.imaging`,
  :mod:`widgets.evidence`, :mod:`widgets.perioperative`, :mod:`widgets.case`; each
  holds pure models and a ``view.py`` (ipywidgets, plotly) over them.
- :mod:`widgets.quiz` is the quiz engine and its view.
- :mod:`widgets.lessons` executes, checks and runs the lesson notebooks.

Importing the package is cheap: heavy libraries load only in the modules that
need them.
"""

__version__ = "0.1.0"


def _student_tables() -> None:
    """Show every DataFrame a lesson returns in full, left-aligned (see :mod:`widgets.core.tables`)."""
    from widgets.core.tables import install

    install()


_student_tables()

DISCLAIMER = "This lesson is educational material, not medical advice."
