"""Instructor analytics from a folder of exported progress files.

Each learner exports one file (:meth:`widgets.quiz.store.ProgressStore.export`);
the instructor puts the files in one folder and calls :func:`load_cohort`.
Classical test theory, on each learner's *first* attempt at an item (later
attempts are practice, not measurement) unless ``attempt="last"``:

difficulty (p-value)
    The share of learners who answered the item fully correctly.
discrimination
    ``point_biserial``: the Pearson correlation between the item (1 right,
    0 wrong) and the learner's *rest score* (the total score on the other
    items), so the item is not correlated with itself. ``upper_lower``: the
    p-value among the top 27 % of learners by total score minus that among
    the bottom 27 % (Kelley, 1939); the group size is
    ``max(1, round(0.27 * N))`` and ties in the total are broken by learner id.
distractor choice rates
    For items whose options are answers (single best answer, multiple
    select: their type's ``choice_counts``): the share of learners who chose
    each option.
mastery per objective
    Per learner: the mean of the latest scores on the objective's items
    (an item not answered counts 0); *mastered* at 0.8 or more.
gradebook
    One row per learner: ``learner_id``, the percentage score per lesson (the
    latest score on each of the lesson's items, unanswered counting 0) and
    ``total``, written as a CSV file an LMS can import.

The plotly figures are thin wrappers over these tables.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from widgets.core.view import plot_template
from widgets.quiz import types
from widgets.quiz.store import has_verdict, parse_time, read_export

__all__ = [
    "MASTERY_THRESHOLD",
    "UPPER_LOWER_FRACTION",
    "attempts",
    "difficulty_figure",
    "distractor_figure",
    "distractor_rates",
    "gradebook",
    "item_statistics",
    "load_cohort",
    "mastery",
    "mastery_figure",
    "mastery_summary",
    "responses_frame",
    "simulated_cohort",
    "write_gradebook",
]

MASTERY_THRESHOLD = 0.8
UPPER_LOWER_FRACTION = 0.27
_COLUMNS = ["learner", "item", "lesson", "objective", "mode", "correct", "score", "response", "t",
            "id"]


def responses_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return records as a table (one row per answer), oldest first per learner.

    Records with no verdict (exam drafts and hand-ins, which the instructor's
    ``collect`` grades) are left out: they are not self-graded answers.
    """
    rows = []
    for order, rec in enumerate(records):
        if not has_verdict(rec):
            continue
        rows.append({
            "learner": str(rec.get("learner", "")),
            "item": str(rec["item"]),
            "lesson": rec.get("lesson", ""),
            "objective": rec.get("objective", ""),
            "mode": rec.get("mode", ""),
            "correct": bool(rec.get("correct", False)),
            "score": float(rec.get("score", 0.0)),
            "response": rec.get("response"),
            "t": parse_time(rec["t"]),
            "id": rec.get("id", ""),
            "_order": order,
        })
    frame = pd.DataFrame(rows, columns=[*_COLUMNS, "_order"])
    if frame.empty:
        return frame.drop(columns="_order")
    frame = frame.sort_values(["learner", "t", "_order"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def load_cohort(folder: str | Path, mode: str | None = None) -> pd.DataFrame:
    """Read every exported progress file (``*.jsonl``) in ``folder`` into one table.

    Records keep the learner id of their file's header; a record id seen
    twice (the same export copied twice) counts once. ``mode`` keeps only
    ``"practice"`` or ``"exam"`` answers. Only answers that carry their own
    verdict are read: exam hand-ins from the suite's quiz carry none, and
    ``python -m widgets.lessons collect`` grades them from their responses.
    """
    records, seen = [], set()
    for path in sorted(Path(folder).glob("*.jsonl")):
        header, recs = read_export(path)
        for rec in recs:
            if rec["id"] in seen:
                continue
            seen.add(rec["id"])
            records.append({**rec, "learner": header["learner"]})
    frame = responses_frame(records)
    if mode is not None:
        frame = frame[frame["mode"] == mode].reset_index(drop=True)
    return frame


def attempts(frame: pd.DataFrame, attempt: str = "first") -> pd.DataFrame:
    """Keep one answer per learner and item: the ``"first"`` or the ``"last"``."""
    if attempt not in ("first", "last"):
        raise ValueError(f"attempt must be 'first' or 'last', got {attempt!r}")
    return frame.drop_duplicates(["learner", "item"], keep=attempt).reset_index(drop=True)


def _pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    if n < 2:
        return math.nan
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return math.nan
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    return sxy / math.sqrt(sxx * syy)


def item_statistics(frame: pd.DataFrame, attempt: str = "first") -> pd.DataFrame:
    """Return difficulty and discrimination per item (see the module docstring).

    Columns: ``item``, ``lesson``, ``n`` (learners who answered), ``p_value``,
    ``point_biserial``, ``upper_lower``.
    """
    data = attempts(frame, attempt)
    if data.empty:
        return pd.DataFrame(columns=["item", "lesson", "n", "p_value", "point_biserial",
                                     "upper_lower"])
    totals = data.groupby("learner")["score"].sum()
    ranked = sorted(totals.index, key=lambda learner: (-totals[learner], learner))
    k = max(1, round(UPPER_LOWER_FRACTION * len(ranked)))
    upper, lower = set(ranked[:k]), set(ranked[-k:])
    rows = []
    for item_id, group in data.groupby("item", sort=True):
        right = group["correct"].astype(float).tolist()
        rest = [totals[lr] - s for lr, s in zip(group["learner"], group["score"], strict=True)]
        up = group[group["learner"].isin(upper)]["correct"]
        low = group[group["learner"].isin(lower)]["correct"]
        d = (up.mean() - low.mean()) if len(up) and len(low) else math.nan
        rows.append({
            "item": item_id,
            "lesson": group["lesson"].iloc[0],
            "n": len(group),
            "p_value": round(sum(right) / len(right), 4),
            "point_biserial": round(_pearson(right, rest), 4),
            "upper_lower": round(float(d), 4),
        })
    return pd.DataFrame(rows)


def distractor_rates(frame: pd.DataFrame, items: Iterable[Any],
                     attempt: str = "first") -> pd.DataFrame:
    """Return the share of learners choosing each option of each choice item.

    Columns: ``item``, ``option``, ``text``, ``keyed``, ``chosen`` (count),
    ``n`` (learners who answered), ``rate``.
    """
    data = attempts(frame, attempt)
    rows = []
    for item in items:
        answers = data[data["item"] == item.id]["response"].tolist()
        if answers:
            rows += types.of(item.type).choice_counts(item, answers)
    return pd.DataFrame(rows, columns=["item", "option", "text", "keyed", "chosen", "n", "rate"])


def mastery(frame: pd.DataFrame, items: Iterable[Any], threshold: float = MASTERY_THRESHOLD,
            learners: Sequence[str] | None = None) -> pd.DataFrame:
    """Return mastery per learner and objective (latest score; unanswered items count 0).

    Columns: ``learner``, ``lesson``, ``objective``, ``items``, ``answered``,
    ``mastery`` (0 to 1), ``mastered``. ``learners`` lists the learners to
    report (default: everyone in ``frame``; a learner with no answers gets 0).
    """
    items = list(items)
    latest = attempts(frame, "last")
    learners = sorted(set(latest["learner"])) if learners is None else list(learners)
    by_objective: dict[tuple[str, str], list[str]] = {}
    for item in items:
        by_objective.setdefault((item.lesson, item.objective), []).append(item.id)
    rows = []
    for learner in learners:
        mine = latest[latest["learner"] == learner].set_index("item")["score"]
        for (lesson, objective), ids in by_objective.items():
            answered = [i for i in ids if i in mine.index]
            value = sum(float(mine[i]) for i in answered) / len(ids)
            rows.append({"learner": learner, "lesson": lesson, "objective": objective,
                         "items": len(ids), "answered": len(answered),
                         "mastery": round(value, 4), "mastered": value >= threshold})
    return pd.DataFrame(rows, columns=["learner", "lesson", "objective", "items", "answered",
                                       "mastery", "mastered"])


def mastery_summary(per_learner: pd.DataFrame) -> pd.DataFrame:
    """Summarise :func:`mastery` over learners: mean mastery and share who mastered it."""
    if per_learner.empty:
        return pd.DataFrame(columns=["lesson", "objective", "learners", "mean_mastery",
                                     "share_mastered"])
    grouped = per_learner.groupby(["lesson", "objective"], sort=False)
    out = grouped.agg(learners=("learner", "nunique"), mean_mastery=("mastery", "mean"),
                      share_mastered=("mastered", "mean")).reset_index()
    out["mean_mastery"] = out["mean_mastery"].round(4)
    out["share_mastered"] = out["share_mastered"].astype(float).round(4)
    return out


def gradebook(frame: pd.DataFrame, items: Iterable[Any], lessons: Sequence[str] | None = None,
              attempt: str = "last") -> pd.DataFrame:
    """Return one row per learner: ``learner_id``, score (%) per lesson and ``total`` (%).

    A lesson's score is the sum of the learner's scores on its items divided
    by its number of items (unanswered items count 0), times 100, to 1
    decimal. ``total`` does the same over every item of the listed lessons.
    """
    items = list(items)
    lessons = list(lessons) if lessons is not None else list(dict.fromkeys(i.lesson for i in items))
    per_lesson = {lesson: [i.id for i in items if i.lesson == lesson] for lesson in lessons}
    data = attempts(frame, attempt)
    rows = []
    for learner in sorted(set(data["learner"])):
        scores = data[data["learner"] == learner].set_index("item")["score"]
        row: dict[str, Any] = {"learner_id": learner}
        got_all, n_all = 0.0, 0
        for lesson, ids in per_lesson.items():
            got = sum(float(scores[i]) for i in ids if i in scores.index)
            row[lesson] = round(100.0 * got / len(ids), 1) if ids else 0.0
            got_all += got
            n_all += len(ids)
        row["total"] = round(100.0 * got_all / n_all, 1) if n_all else 0.0
        rows.append(row)
    return pd.DataFrame(rows, columns=["learner_id", *lessons, "total"])


def write_gradebook(book: pd.DataFrame, path: str | Path) -> Path:
    """Write the gradebook as UTF-8 CSV (comma separated, header row, no index)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.to_csv(path, index=False, lineterminator="\n", float_format="%.1f")
    return path


# ---------------------------------------------------------------------- a simulated cohort

#: Item locations of the simulation, by the difficulty an item is tagged with (illustrative).
SIMULATED_LOCATION = {"easy": -1.0, "medium": 0.0, "hard": 1.0}


def simulated_cohort(items: Sequence[Any], n_learners: int = 30, seed: int = 0) -> pd.DataFrame:
    """Return the first-attempt answers of a *simulated* class, to demonstrate the analytics.

    Not data about anyone: each simulated learner has an ability drawn from a
    standard normal distribution, and answers an item right with the
    probability of a one-parameter logistic model, ``1 / (1 + exp(-(ability -
    location)))``, where the location is :data:`SIMULATED_LOCATION` of the
    item's difficulty tag. A wrong answer to a choice item picks a distractor at
    random. Everything is drawn from ``random.Random(seed)``, so the same seed
    gives the same class.
    """
    from widgets.quiz.grading import grade

    rng = random.Random(f"miss-simulated-cohort:{seed}")
    records = []
    for n in range(n_learners):
        learner = f"sim{n + 1:03d}"
        ability = rng.gauss(0.0, 1.0)
        for k, item in enumerate(items):
            p = 1.0 / (1.0 + math.exp(-(ability - SIMULATED_LOCATION.get(item.difficulty, 0.0))))
            right = rng.random() < p
            response = _simulated_response(item, right, rng)
            result = grade(item, response)
            records.append({"id": f"{learner}-{item.id}", "learner": learner, "item": item.id,
                            "lesson": item.lesson, "objective": item.objective, "mode": "exam",
                            "response": result.response, "correct": result.correct,
                            "score": result.score, "t": f"2000-01-01T00:{k // 60:02d}:{k % 60:02d}"})
    return responses_frame(records)


def _simulated_response(item: Any, right: bool, rng: random.Random) -> Any:
    qtype = types.of(item.type)
    return qtype.correct_response(item) if right else qtype.wrong_response(item, rng)


# ---------------------------------------------------------------------- figures (thin)


def difficulty_figure(stats: pd.DataFrame):
    """Scatter of difficulty (p-value) against discrimination, one marker per item."""
    import plotly.graph_objects as go

    from widgets.core.figures import Figure
    from widgets.core.view import OKABE_ITO

    fig = Figure(go.Scatter(
        x=stats["p_value"], y=stats["point_biserial"], mode="markers+text",
        text=stats["item"], textposition="top center", name="items",
        marker={"color": OKABE_ITO["blue"], "symbol": "circle", "size": 10},
        hovertemplate="%{text}<br>p-value %{x:.2f}<br>point-biserial %{y:.2f}<extra></extra>",
    ))
    fig.add_hline(y=0.2, line={"color": OKABE_ITO["vermillion"], "dash": "dash"},
                  annotation_text="discrimination 0.2 (a common review threshold)")
    fig.update_layout(title="Item difficulty and discrimination",
                      xaxis={"title": "difficulty: share correct (p-value)", "range": [-0.05, 1.05]},
                      yaxis={"title": "discrimination: point-biserial (rest score)"},
                      template=plot_template(), height=420)
    return fig


def distractor_figure(rates: pd.DataFrame, item_id: str):
    """Horizontal bars: the share of learners choosing each option of one item."""
    import plotly.graph_objects as go

    from widgets.core.figures import Figure
    from widgets.core.view import OKABE_ITO

    rows = rates[rates["item"] == item_id]
    if rows.empty:
        raise KeyError(f"no choice rates for item {item_id!r}")
    fig = Figure()
    for keyed, colour, pattern, name in ((True, OKABE_ITO["bluish green"], "", "keyed answer"),
                                         (False, OKABE_ITO["orange"], "/", "distractor")):
        sub = rows[rows["keyed"] == keyed]
        fig.add_trace(go.Bar(x=sub["rate"], y=sub["option"] + ": " + sub["text"].str.slice(0, 40),
                             orientation="h", name=name,
                             marker={"color": colour, "pattern": {"shape": pattern}}))
    fig.update_layout(title=f"Option choice rates, item {item_id}", template=plot_template(),
                      xaxis={"title": "share of learners", "range": [0, 1]}, height=320,
                      yaxis={"autorange": "reversed"})
    return fig


def mastery_figure(summary: pd.DataFrame):
    """Bars of mean mastery per objective, with the mastery threshold as a line."""
    import plotly.graph_objects as go

    from widgets.core.figures import Figure
    from widgets.core.view import OKABE_ITO

    labels = summary["lesson"] + ": " + summary["objective"].str.slice(0, 50)
    fig = Figure(go.Bar(x=summary["mean_mastery"], y=labels, orientation="h",
                           name="mean mastery", marker={"color": OKABE_ITO["sky blue"]}))
    fig.add_vline(x=MASTERY_THRESHOLD, line={"color": OKABE_ITO["black"], "dash": "dot"},
                  annotation_text="mastery threshold")
    fig.update_layout(title="Mastery per learning objective", template=plot_template(),
                      xaxis={"title": "mean mastery (0 to 1)", "range": [0, 1]},
                      yaxis={"autorange": "reversed"}, height=120 + 40 * len(summary))
    return fig
