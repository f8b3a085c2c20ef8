"""The quiz engine: cited question banks, pure graders, spaced review, durable progress.

- :mod:`widgets.quiz.items` loads and validates the banks in ``data/questions``.
- :mod:`widgets.quiz.keys` computes the numbers items use from data tables and models.
- :mod:`widgets.quiz.types` holds one module per question type (schema fragment, builder
  check, grader, controls, answer key, lint rules, analytics hooks) and the registry of them.
- :mod:`widgets.quiz.grading` grades a response: ``grade(item, response) -> Grade``.
- :mod:`widgets.quiz.lint` checks items against the NBME item-writing rules.
- :mod:`widgets.quiz.session` orders, shuffles and scores one sitting of a quiz.
- :mod:`widgets.quiz.store` records every answer per learner, atomically, under a lock.
- :mod:`widgets.quiz.scheduler` picks the items due for review (Leitner boxes).
- :mod:`widgets.quiz.review` summarises one learner: what is due, mastery per objective.
- :mod:`widgets.quiz.analytics` gives instructors item statistics and a gradebook.

The view is :mod:`widgets.quiz.view`; a lesson ends with::

    from widgets.quiz.view import lesson_quiz
    lesson_quiz("00-start-here").widget()
"""

from widgets.quiz.grading import Grade, grade
from widgets.quiz.items import Bank, BankError, Item, all_items, items_for_lesson, load_banks

__all__ = ["Bank", "BankError", "Grade", "Item", "all_items", "grade", "items_for_lesson",
           "load_banks"]
