"""The verdict of one printed comparison of MISS with open surgery (lesson 06).

:func:`classify` applies the rule of lesson 05's evidence map
(:mod:`widgets.evidence.certainty`) to one printed figure: the 95% confidence
interval of MIS minus open is set against the smallest difference that matters
(a ratio is first turned into an absolute difference per 100 patients from the
open arm's risk). Entirely beyond it: *MISS better* or *MISS worse*; entirely
within plus or minus it: *no important difference*; otherwise, or with no
interval printed: *inconclusive*, with the significance the source reports
(:func:`reported_significance`) given in the reason. A figure with no open
comparator (a learning curve) is a *MISS-only cost*.
"""

from __future__ import annotations

import re

from widgets.evidence.certainty import Threshold, absolute_per_100, read_importance

__all__ = ["VERDICTS", "classify", "reported_p", "reported_significance"]

VERDICTS = ("MISS better", "no important difference", "inconclusive", "MISS worse", "MISS-only cost")


_P = re.compile(r"\bp\s*(<|=|>|≤)\s*(\d*\.\d+|\d+)", re.IGNORECASE)


def reported_p(text: str) -> tuple[str, float] | None:
    """Return the first P value printed in ``text`` as ``(operator, value)``, or ``None``.

    >>> reported_p("P=.22")
    ('=', 0.22)
    >>> reported_p("higher with MIS (P<0.05; estimate not in abstract)")
    ('<', 0.05)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    m = _P.search(text)
    if m is None:
        return None
    op = "<" if m.group(1) == "≤" else m.group(1)
    return op, float(m.group(2))


def reported_significance(text: str) -> bool | None:
    """Return whether ``text`` reports a significant difference (P below 0.05).

    A printed P value decides; without one, "not significant" / "no significant"
    / "NS" mean no, "significantly" means yes; otherwise ``None`` (not reported).
    """
    p = reported_p(text)
    if p is not None:
        op, value = p
        return (op == "<" and value <= 0.05) or (op == "=" and value < 0.05)
    lowered = text.lower()
    if re.search(r"\bnot significant|\bno significant|\bNS\b", text) or "not significant" in lowered:
        return False
    if "significantly" in lowered:
        return True
    return None


def _said_significance(text: str) -> str:
    significant = reported_significance(text) if text else None
    p = reported_p(text) if text else None
    said = f"P{p[0]}{p[1]:g}" if p else "in words"
    if significant is True:
        return f"reported as significant ({said})"
    if significant is False:
        return f"reported as not significant ({said})"
    return "no significance reported"


def classify(
    mis_better_when: str | None,
    *,
    estimate: float | None = None,
    ci: tuple[float, float] | None = None,
    null: float = 0.0,
    arms: tuple[float, float] | None = None,
    text: str = "",
    stated: tuple[str, str] | None = None,
    threshold: Threshold | None = None,
    measure: str = "RR",
) -> tuple[str, str]:
    """Return ``(verdict, why)`` for one printed comparison of MISS with open surgery.

    Parameters
    ----------
    mis_better_when
        ``"lower"`` or ``"higher"``: the direction of the figure that favours
        MISS; ``None`` for a figure about MISS alone.
    estimate
        Point estimate (MIS minus open, or MIS relative to open), if printed.
    ci
        95% confidence interval ``(low, high)``, if printed.
    null
        The value of no difference: 0 for a difference, 1 for a ratio.
    arms
        ``(MIS value, open value)``, if both are printed (for a ratio, the open
        arm's risk in % turns the interval into events per 100 patients).
    text
        The row's words, searched for a reported P value or significance (given
        in the reason when there is no interval).
    stated
        ``(words, "higher" | "lower")`` giving the direction in words; the words
        must occur in ``text``.
    threshold
        The smallest difference that matters (:class:`widgets.evidence.certainty.Threshold`),
        in the unit of the difference (events per 100 patients for a ratio);
        ``None`` when the suite has none for the outcome.
    measure
        ``RR`` or ``OR`` for a ratio (``""`` when the ratio's kind is not printed).

    Returns
    -------
    tuple of str
        ``MISS better`` / ``MISS worse`` (the CI lies entirely beyond the
        threshold), ``no important difference`` (entirely within plus or minus
        it), ``inconclusive`` (anything else, or no CI), or ``MISS-only cost``;
        and the reason in words.

    Raises
    ------
    ValueError
        If the direction is not ``"lower"``/``"higher"``/``None``, the interval is
        reversed, or a stated direction is not in the row's text.
    """
    if mis_better_when not in ("lower", "higher", None):
        raise ValueError(f"mis_better_when must be 'lower', 'higher' or None; got {mis_better_when!r}")
    if mis_better_when is None:
        return "MISS-only cost", "a figure about MISS alone: no open comparator"
    if ci is not None and ci[0] > ci[1]:
        raise ValueError(f"confidence interval must be (low, high); got {ci!r}")
    if stated is not None:
        words, direction = stated
        if words.lower() not in text.lower():
            raise ValueError(f"the stated direction {words!r} is not in the row's text")
        if direction not in ("lower", "higher"):
            raise ValueError(f"stated direction must be 'lower' or 'higher'; got {direction!r}")
    if ci is None:
        said = _said_significance(text)
        return "inconclusive", f"no 95% CI printed, so importance cannot be judged ({said})"
    low, high = ci
    if threshold is None:
        return "inconclusive", (f"95% CI {low:g} to {high:g}, but the suite has no MCID or assumption for"
                                " this outcome, so importance is not judged")
    lead = ""
    if null == 1.0:
        if measure not in ("RR", "OR"):
            return "inconclusive", "the ratio is not labelled as a risk or an odds ratio"
        if arms is None:
            return "inconclusive", ("the open arm's risk is not printed, so the ratio cannot be turned into"
                                    " events per 100 patients")
        low, high = (absolute_per_100(ratio=x, control_risk_pct=arms[1], measure=measure) for x in ci)
        lead = "as events per 100 patients, "
    reading, why = read_importance(low=low, high=high, threshold=threshold.value)
    if reading.startswith("important"):
        higher = reading == "important benefit"  # the interval lies above +threshold
        verdict = "MISS better" if (mis_better_when == "higher") == higher else "MISS worse"
    else:
        verdict = reading
    return verdict, f"{lead}{why} ({threshold.describe()})"
