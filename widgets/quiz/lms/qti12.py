"""QTI 1.2 (IMS Question and Test Interoperability 1.2.1), as Canvas classic quizzes and Blackboard import it.

:func:`write` makes one ``<assessment>``: a pool of one item is an item of the
root section; a pool of variants is a section that selects ``pick`` of its
items (``selection_ordering``: Canvas imports it as a question group). The
question types and the metadata are those Canvas writes and reads
(``question_type``: ``multiple_choice_question``, ``multiple_answers_question``,
``numerical_question``, ``matching_question``; ``points_possible``); each option's
feedback is an ``itemfeedback`` shown when the option is chosen, and the
explanation with the sources is ``general_fb``.

:func:`package` wraps it in an IMS content package (``imsmanifest.xml`` plus the
assessment) for Canvas's "QTI .zip file" import. :func:`validate` checks the
assessment against IMS's published DTD for QTI ASI 1.2.1 (vendored in
``schemas/``; the DTD predates XML namespaces, so the check runs on a copy
without the namespace). :func:`read` parses an export back into neutral
records for the round-trip tests.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Sequence
from importlib import resources
from typing import Any

from widgets.quiz.lms import ExportError, Pool, feedback_text, ident, stem_text

__all__ = ["NAMESPACE", "QUESTION_TYPES", "package", "read", "validate", "write"]

NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
_SCHEMA_LOCATION = f"{NAMESPACE} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: The Canvas question type of each LMS form (``choice`` by single or multiple answer).
QUESTION_TYPES = {("choice", False): "multiple_choice_question",
                  ("choice", True): "multiple_answers_question",
                  ("numerical", False): "numerical_question",
                  ("match", False): "matching_question"}


def _etree():
    from lxml import etree

    return etree


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def _sub(parent, tag: str, text: str | None = None, **attrib: str):
    el = _etree().SubElement(parent, tag, {k: v for k, v in attrib.items()})
    if text is not None:
        el.text = text
    return el


def _material(parent, text: str, *, rich: bool = True) -> None:
    mat = _sub(parent, "material")
    _sub(mat, "mattext", _html(text) if rich else text, texttype="text/html" if rich else "text/plain")


def _field(meta, label: str, entry: str) -> None:
    f = _sub(meta, "qtimetadatafield")
    _sub(f, "fieldlabel", label)
    _sub(f, "fieldentry", entry)


def _feedback(item_el, fid: str, text: str) -> None:
    fb = _sub(item_el, "itemfeedback", ident=fid)
    flow = _sub(fb, "flow_mat")
    _material(flow, text)


def _condition(rp, *, cont: bool, tests: Sequence[tuple[str, str, str]] = (),
               score: tuple[str, str] | None = None, feedback: str | None = None) -> None:
    cond = _sub(rp, "respcondition", **{"continue": "Yes" if cont else "No"})
    var = _sub(cond, "conditionvar")
    if not tests:
        _sub(var, "other")
    parent = _sub(var, "and") if len(tests) > 1 else var
    for tag, respident, value in tests:
        _sub(parent, tag, value, respident=respident)
    if score is not None:
        _sub(cond, "setvar", score[1], action=score[0], varname="SCORE")
    if feedback is not None:
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=feedback)


def _number(x: float) -> str:
    return f"{x:.10g}"


def _item(parent, item: Any) -> None:
    from widgets.quiz.types import of

    form = of(item.type).lms_form(item)
    qtype = QUESTION_TYPES[(form.kind, form.multiple)]
    el = _sub(parent, "item", ident=ident(item.id), title=item.id)
    meta = _sub(_sub(el, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", qtype)
    _field(meta, "points_possible", "1")
    _field(meta, "original_answer_ids", ",".join(
        o[0] for o in form.options) if form.kind == "choice" else "")
    _field(meta, "assessment_question_identifierref", ident(item.id))
    pres = _sub(el, "presentation")
    _material(pres, stem_text(item, form))
    rp = None
    if form.kind == "choice":
        lid = _sub(pres, "response_lid", ident="response1",
                   rcardinality="Multiple" if form.multiple else "Single")
        rc = _sub(lid, "render_choice")
        for oid, text, _, _ in form.options:
            _material(_sub(rc, "response_label", ident=ident(oid)), text, rich=False)
        rp = _sub(el, "resprocessing")
        _sub(_sub(rp, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
             vartype="Decimal")
        _condition(rp, cont=True, feedback="general_fb")
        for oid, _, fb, _ in form.options:
            if fb:
                _condition(rp, cont=True, tests=[("varequal", "response1", ident(oid))],
                           feedback=f"{ident(oid)}_fb")
        keyed = [ident(o[0]) for o in form.options if o[3]]
        if form.multiple:
            cond = _sub(rp, "respcondition", **{"continue": "No"})
            var = _sub(_sub(cond, "conditionvar"), "and")
            for oid, _, _, is_key in form.options:
                target = var if is_key else _sub(var, "not")
                _sub(target, "varequal", ident(oid), respident="response1")
            _sub(cond, "setvar", "100", action="Set", varname="SCORE")
        else:
            _condition(rp, cont=False, tests=[("varequal", "response1", keyed[0])],
                       score=("Set", "100"))
    elif form.kind == "numerical":
        rs = _sub(pres, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(rs, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        rp = _sub(el, "resprocessing")
        _sub(_sub(rp, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
             vartype="Decimal")
        _condition(rp, cont=True, feedback="general_fb")
        lo, hi = form.key - form.tolerance, form.key + form.tolerance
        _condition(rp, cont=False, tests=[("vargte", "response1", _number(lo)),
                                          ("varlte", "response1", _number(hi))],
                   score=("Set", "100"), feedback="correct_fb" if "correct" in form.feedback else None)
        if "low" in form.feedback:
            _condition(rp, cont=False, tests=[("varlt", "response1", _number(lo))], feedback="low_fb")
        if "high" in form.feedback:
            _condition(rp, cont=False, tests=[("vargt", "response1", _number(hi))], feedback="high_fb")
    else:  # matching
        for pid, text in form.prompts:
            lid = _sub(pres, "response_lid", ident=f"response_{ident(pid)}", rcardinality="Single")
            _material(lid, text, rich=False)
            rc = _sub(lid, "render_choice")
            for cid, ctext in form.choices:
                _material(_sub(rc, "response_label", ident=ident(cid)), ctext, rich=False)
        rp = _sub(el, "resprocessing")
        _sub(_sub(rp, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE",
             vartype="Decimal")
        _condition(rp, cont=True, feedback="general_fb")
        share = _number(100.0 / len(form.prompts))
        for pid, _ in form.prompts:
            _condition(rp, cont=True, tests=[("varequal", f"response_{ident(pid)}",
                                              ident(form.pairs[pid]))], score=("Add", share))
    _feedback(el, "general_fb", feedback_text(item))
    if form.kind == "choice":
        for oid, _, fb, _ in form.options:
            if fb:
                _feedback(el, f"{ident(oid)}_fb", fb)
    elif form.kind == "numerical":
        for name in ("correct", "low", "high"):
            if name in form.feedback:
                _feedback(el, f"{name}_fb", form.feedback[name])


def write(pools: Sequence[Pool], *, title: str, assessment_id: str) -> bytes:
    """Return one QTI 1.2 assessment (UTF-8 XML) holding ``pools``."""
    etree = _etree()
    if not pools:
        raise ExportError(f"{title!r}: nothing to export (no items)")
    root = etree.Element(f"{{{NAMESPACE}}}questestinterop", nsmap={None: NAMESPACE, "xsi": _XSI})
    root.set(f"{{{_XSI}}}schemaLocation", _SCHEMA_LOCATION)
    # children are created without a namespace prefix, then moved into the default namespace
    assessment = _sub(root, "assessment", ident=ident(assessment_id), title=title)
    meta = _sub(assessment, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    top = _sub(assessment, "section", ident="root_section")
    for pool in pools:
        if pool.pick is None and len(pool.items) == 1:
            _item(top, pool.items[0])
            continue
        sec = _sub(top, "section", ident=ident(pool.id), title=pool.title)
        if pool.pick is not None:
            sel = _sub(_sub(sec, "selection_ordering"), "selection")
            _sub(sel, "selection_number", str(pool.pick))
        for item in pool.items:
            _item(sec, item)
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{NAMESPACE}}}{el.tag}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{mid}" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <metadata><schema>IMS Content</schema><schemaversion>1.1.3</schemaversion></metadata>
  <organizations/>
  <resources>
    <resource identifier="{rid}" type="imsqti_xmlv1p2" href="{href}">
      <file href="{href}"/>
    </resource>
  </resources>
</manifest>
"""


def package(xml: bytes, *, assessment_id: str) -> bytes:
    """Return a zip (IMS content package) holding the assessment and its ``imsmanifest.xml``."""
    href = f"{ident(assessment_id)}.xml"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("imsmanifest.xml", _MANIFEST.format(mid=f"m_{ident(assessment_id)}",
                                                         rid=f"r_{ident(assessment_id)}", href=href))
        z.writestr(href, xml)
    return buf.getvalue()


def validate(xml: bytes) -> list[str]:
    """Return the DTD errors of a QTI 1.2 export (none: valid), checked without its namespace."""
    etree = _etree()
    doc = etree.fromstring(xml)
    bare = _strip_namespace(doc)
    dtd_text = resources.files("widgets.quiz.lms").joinpath("schemas", "ims_qtiasiv1p2p1.dtd")
    with dtd_text.open("rb") as fh:
        dtd = etree.DTD(fh)
    if dtd.validate(bare):
        return []
    return [f"line {e.line}: {e.message}" for e in dtd.error_log.filter_from_errors()]


def _strip_namespace(doc):
    etree = _etree()
    copy = etree.fromstring(etree.tostring(doc))
    for el in copy.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
        for name in [a for a in el.attrib if a.startswith("{")]:
            del el.attrib[name]
    etree.cleanup_namespaces(copy)
    return copy


def _text(el) -> str:
    """Return a material's text as the learner reads it (paragraphs joined by blank lines)."""
    mt = el.find(".//mattext")
    if mt is None:
        return ""
    if mt.get("texttype") == "text/html":
        etree = _etree()
        frag = etree.fromstring(f"<div>{mt.text or ''}</div>")
        return "\n\n".join("".join(p.itertext()) for p in frag)
    return mt.text or ""


def read(xml: bytes) -> list[dict[str, Any]]:
    """Parse an export back: one record per item, with its pool, type, texts, key and feedback."""
    doc = _strip_namespace(_etree().fromstring(xml))
    out = []
    for item in doc.iter("item"):
        sec = item.getparent()
        pick = sec.findtext("selection_ordering/selection/selection_number")
        meta = {f.findtext("fieldlabel"): f.findtext("fieldentry")
                for f in item.iter("qtimetadatafield")}
        fb = {f.get("ident"): _text(f) for f in item.findall("itemfeedback")}
        pres = item.find("presentation")
        rec: dict[str, Any] = {
            "id": item.get("title"), "pool": sec.get("ident"),
            "pick": int(pick) if pick else None, "type": meta["question_type"],
            "stem": _text(pres), "general": fb.get("general_fb", ""),
        }
        conds = item.findall("resprocessing/respcondition")
        if rec["type"] in ("multiple_choice_question", "multiple_answers_question"):
            rec["options"] = [(lab.get("ident"), _text(lab), fb.get(f"{lab.get('ident')}_fb", ""))
                              for lab in pres.iter("response_label")]
            scoring = [c for c in conds if c.find("setvar") is not None][0]
            rec["keyed"] = sorted(v.text for v in scoring.iter("varequal")
                                  if v.getparent().tag != "not")
        elif rec["type"] == "numerical_question":
            scoring = [c for c in conds if c.find("setvar") is not None][0]
            rec["low"] = float(scoring.findtext(".//vargte"))
            rec["high"] = float(scoring.findtext(".//varlte"))
            rec["feedback"] = {k[:-3]: v for k, v in fb.items() if k != "general_fb"}
        else:
            lids = pres.findall("response_lid")
            rec["prompts"] = [_text(lid) for lid in lids]
            rec["choices"] = [_text(lab) for lab in lids[0].iter("response_label")]
            pairs = {}
            for c in conds:
                v = c.find(".//varequal")
                if v is not None:
                    pairs[v.get("respident")] = v.text
            rec["pairs"] = pairs
            rec["prompt_ids"] = [lid.get("ident") for lid in lids]
            rec["choice_ids"] = [lab.get("ident") for lab in lids[0].iter("response_label")]
        out.append(rec)
    return out
