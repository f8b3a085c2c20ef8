"""MISS lessons: models, views, quizzes and lesson tooling for the teaching notebooks.

The package is split so that every model is a pure function or small class
that tests call directly, and every view (ipywidgets, plotly) is a thin layer
over it:

- :mod:`widgets.data` loads the cited tables in ``data/`` and checks them.
- :mod:`widgets.params` validates lesson parameters (papermill runs).
- :mod:`widgets.corridor` models the tissue corridor of open vs tubular access.
- :mod:`widgets.lessons` executes, checks and runs the lesson notebooks.

Importing the package is cheap: heavy libraries load only in the modules that
need them.
"""

from widgets._importcost import defer_rfc3987_grammar as _defer

__version__ = "0.1.0"

_defer()


def _student_tables() -> None:
    """Show every DataFrame a lesson returns in full, left-aligned (see :mod:`widgets.views.tables`)."""
    from widgets.views.tables import install

    install()


_student_tables()

DISCLAIMER = "This lesson is educational material, not medical advice."
