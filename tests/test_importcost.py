"""What a lesson kernel imports: never jsonschema (nor nbformat, which imports it).

Importing jsonschema builds the ``rfc3987_syntax`` grammar (lark, Earley) that its
format checker tries to load: 1.3-1.7 s on the reference 2-core machine, as much
as a whole lesson. The lessons never pay it because their YAML is checked by
fastjsonschema (:mod:`widgets.core.schemacheck`) and their figures are drawn without
plotly's renderers (:mod:`widgets.core.figures`). This test keeps it so: it loads,
in a fresh process, what every lesson loads (every quiz, the review index, every
case file, a figure's display bundle) and fails if jsonschema came with it.
"""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import plotly.graph_objects as go
import widgets
from widgets.case.conditions import conditions
from widgets.case.patients import case_ids, load_case
from widgets.core.catalog import LESSONS
from widgets.core.figures import Figure
from widgets.quiz.items import item_index, items_for_lesson
from widgets.quiz.view import lesson_quiz

for lesson in LESSONS:
    try:
        items_for_lesson(lesson.stem)
    except KeyError:  # a lesson without a quiz of its own
        pass
item_index()
conditions()
for case in case_ids():
    load_case(case)
lesson_quiz("00-start-here")._repr_mimebundle_()
Figure(go.Scatter(x=[0, 1], y=[0, 1])).mimebundle()
print(sorted(m for m in ("jsonschema", "nbformat", "rfc3987_syntax") if m in sys.modules))
"""


def test_a_lesson_kernel_does_not_import_jsonschema():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[-2] == "[]", proc.stdout
