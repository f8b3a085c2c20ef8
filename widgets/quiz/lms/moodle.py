"""Moodle XML: the question-bank format of Moodle's "Import questions" page.

:func:`write` puts every pool in a category of its own under
``$course$/<bank>/`` (``<category>`` questions), so a quiz can take one random
question from a category of variants, or add a category's items one by one.
Choice items are ``multichoice`` (``single`` true or false; a multiple-answer
item gives each keyed option ``100/k`` % and each other option ``-100/k`` %,
which Moodle floors at 0, as the suite grades), numeric items ``numerical``
(key and absolute tolerance), matching and ordering items ``matching`` (an
unused choice becomes a distractor, a subquestion without text). Each option's
feedback, the explanation with the sources (``generalfeedback``) and the item id
(``idnumber``) are kept. Moodle publishes no schema for the format; :func:`read`
parses an export back for the round-trip tests.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from widgets.quiz.lms import ExportError, Pool, feedback_text, stem_text

__all__ = ["FRACTIONS", "read", "write"]

#: The grade fractions Moodle's multichoice accepts (positive; the negatives likewise).
FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0,
             25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)


def _etree():
    from lxml import etree

    return etree


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _sub(parent, tag: str, text: str | None = None, **attrib: str):
    el = _etree().SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _text(parent, tag: str, text: str, *, rich: bool = True):
    el = _sub(parent, tag, format="html") if rich else _sub(parent, tag)
    _sub(el, "text", _html(text) if rich else text)
    return el


def _fraction(share: float) -> str:
    """Return ``share`` (a percentage) as the nearest fraction Moodle accepts, as it writes them."""
    best = min(FRACTIONS, key=lambda f: abs(f - abs(share)))
    if abs(best - abs(share)) > 1e-3:
        raise ExportError(f"a grade of {share:.4g} % is not one Moodle accepts")
    return f"{'-' if share < 0 else ''}{best:g}"


def _question(quiz, item: Any) -> None:
    from widgets.quiz.types import of

    form = of(item.type).lms_form(item)
    kind = {"choice": "multichoice", "numerical": "numerical", "match": "matching"}[form.kind]
    q = _sub(quiz, "question", type=kind)
    _text(q, "name", item.id, rich=False)
    _text(q, "questiontext", stem_text(item, form))
    _text(q, "generalfeedback", feedback_text(item))
    _sub(q, "defaultgrade", "1")
    _sub(q, "penalty", "0")
    _sub(q, "hidden", "0")
    _sub(q, "idnumber", item.id)
    if form.kind == "choice":
        keyed = sum(1 for o in form.options if o[3])
        _sub(q, "single", "false" if form.multiple else "true")
        _sub(q, "shuffleanswers", "true")
        _sub(q, "answernumbering", "abc")
        for _, text, fb, is_key in form.options:
            share = (100.0 / keyed if is_key else (-100.0 / keyed if form.multiple else 0.0))
            a = _sub(q, "answer", fraction=_fraction(share), format="html")
            _sub(a, "text", _html(text))
            _text(a, "feedback", fb or "")
    elif form.kind == "numerical":
        a = _sub(q, "answer", fraction="100", format="moodle_auto_format")
        _sub(a, "text", f"{form.key:.10g}")
        _sub(a, "tolerance", f"{form.tolerance:.10g}")
        _text(a, "feedback", form.feedback.get("correct", ""))
        wrong = " ".join(form.feedback[k] for k in ("low", "high") if k in form.feedback)
        if wrong:
            other = _sub(q, "answer", fraction="0", format="moodle_auto_format")
            _sub(other, "text", "*")
            _sub(other, "tolerance", "0")
            _text(other, "feedback", wrong)
    else:
        _sub(q, "shuffleanswers", "true")
        texts = dict(form.choices)
        for pid, ptext in form.prompts:
            s = _sub(q, "subquestion", format="html")
            _sub(s, "text", _html(ptext))
            _sub(_sub(s, "answer"), "text", texts[form.pairs[pid]])
        for cid, ctext in form.choices:
            if cid not in form.pairs.values():
                s = _sub(q, "subquestion", format="html")
                _sub(s, "text", "")
                _sub(_sub(s, "answer"), "text", ctext)


def write(pools: Sequence[Pool], *, bank: str) -> bytes:
    """Return a Moodle XML file: a category per pool under ``$course$/<bank>``, then its items."""
    etree = _etree()
    if not pools:
        raise ExportError(f"{bank!r}: nothing to export (no items)")
    quiz = etree.Element("quiz")
    for pool in pools:
        cat = _sub(quiz, "question", type="category")
        _text(cat, "category", f"$course$/top/{bank}/{pool.id}", rich=False)
        _text(cat, "info", pool.title if pool.pick is None
              else f"{pool.title}: {len(pool.items)} variants; a quiz asks {pool.pick} at random")
        for item in pool.items:
            _question(quiz, item)
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _plain(el) -> str:
    if el is None:
        return ""
    raw = el.findtext("text") or ""
    if not raw.startswith("<p>"):
        return raw
    frag = _etree().fromstring(f"<div>{raw}</div>")
    return "\n\n".join("".join(p.itertext()) for p in frag)


def read(xml: bytes) -> list[dict[str, Any]]:
    """Parse an export back: one record per question, with its category, texts, key and feedback."""
    quiz = _etree().fromstring(xml)
    if quiz.tag != "quiz":
        raise ExportError(f"not a Moodle XML file: its root is <{quiz.tag}>, not <quiz>")
    out, category = [], ""
    for q in quiz.findall("question"):
        kind = q.get("type")
        if kind == "category":
            category = q.findtext("category/text")
            continue
        rec: dict[str, Any] = {"id": q.findtext("idnumber"), "category": category, "type": kind,
                               "name": q.findtext("name/text"), "stem": _plain(q.find("questiontext")),
                               "general": _plain(q.find("generalfeedback"))}
        if kind == "multichoice":
            rec["single"] = q.findtext("single") == "true"
            rec["options"] = [(_plain(a), float(a.get("fraction")), _plain(a.find("feedback")))
                              for a in q.findall("answer")]
        elif kind == "numerical":
            a = q.find("answer")
            rec["key"] = float(a.findtext("text"))
            rec["tolerance"] = float(a.findtext("tolerance"))
            rec["feedback"] = [_plain(x.find("feedback")) for x in q.findall("answer")]
        else:
            rec["pairs"] = [(_plain(s), s.findtext("answer/text")) for s in q.findall("subquestion")]
        out.append(rec)
    return out
