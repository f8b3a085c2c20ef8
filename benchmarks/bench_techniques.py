"""Lesson 03 (techniques) callback latency, in-process, for every interactive control.

Each figure is the time from a control's change to its view being updated, as a
browser change would trigger it: the drill's Shuffle slider (a new deal: the
list, the prompt, the figure cleared), the Move up and Move down buttons (the
list re-labelled), the Check order button (grader, feedback table, figure), and
the comparison's Techniques selection (figure and comparison table). The data
tables are loaded once before timing, as after the lesson's first cells.
Budget: p95 <= 50 ms.
"""

from __future__ import annotations

from benchmarks import latency, shown

BUDGET_P95_MS = 50


def run() -> dict:
    """Return p50/p95/max latency (ms) of each control's callback."""
    from widgets.techniques.model import TECHNIQUES
    from widgets.techniques.view import StepDrill, TechniqueComparison

    drill = shown(StepDrill("mis-tlif", seed=0))  # the longest drill (10 steps)
    comparison = shown(TechniqueComparison())
    state = {"i": 0}

    def shuffle():
        state["i"] += 1
        drill.shuffle.value = state["i"] % 50

    def move(button):
        def go():
            drill.order.value = drill.answer[4]
            button.click()
        return go

    def select():
        state["i"] += 1
        comparison.pick.value = TECHNIQUES[: 1 + state["i"] % len(TECHNIQUES)]

    return {
        "03-techniques: drill Shuffle slider": latency(shuffle),
        "03-techniques: drill Move up button": latency(move(drill.up)),
        "03-techniques: drill Move down button": latency(move(drill.down)),
        "03-techniques: drill Check order button": latency(drill.check.click),
        "03-techniques: comparison Techniques selection": latency(select),
        "budget_p95_ms": BUDGET_P95_MS,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
