"""Citations a student can trust.

Maintainers' notes ("verify", "from memory", "[authors not seen]") never reach a student:
citations are built from the structured CSL fields only, and every text a student reads
(citations, quiz items, table cells) is checked for those phrases. Every verified number
has its source's sentence in data/quotes.csv, and the sentence holds the number.
"""

from __future__ import annotations

import importlib
import re

import pytest

from widgets.core import citations, data, quotes
from widgets.core.citations import MAINTAINER_PHRASES, SECONDARY_SOURCE_LABEL, cite, format_reference
from widgets.core.data import references, table_names
from widgets.core.quotes import load_quotes, quote_contains_value

_PHRASES = re.compile("|".join(re.escape(p) for p in MAINTAINER_PHRASES), re.IGNORECASE)
_BRACKETED = re.compile(r"\[")

#: Modules whose lesson_references() lists the references a lesson prints.
_LESSON_REFERENCE_MODULES = (
    "widgets.anatomy.tables", "widgets.conditions.tables", "widgets.techniques.tables",
    "widgets.imaging.navigation",
    "widgets.evidence.tables",
)


def _maintainer_text(text: str, *, brackets: bool = True) -> list[str]:
    found = [m.group(0) for m in _PHRASES.finditer(text or "")]
    if brackets:
        found += [m.group(0) for m in _BRACKETED.finditer(text or "")]
    return found


def test_maintainer_phrases_are_caught():
    assert _maintainer_text("[authors not seen] Title. J 2014.") == ["not seen", "["]
    assert _maintainer_text("Arts MP. Title. PMID 1 (journal from memory, verify)")
    assert _maintainer_text("author order not confirmed") == ["order not confirmed"]
    assert _maintainer_text("randomised studies have not confirmed it") == []   # clinical prose
    assert _maintainer_text("Sun ZJ. Title. Chin Med J 2013;126(20):3962. [end page verify]")
    assert _maintainer_text("Weiss H, Garcia RM. A systematic review. Curr Rev Musculoskelet Med 2019.") == []


@pytest.mark.parametrize("key", sorted(references()))
def test_every_citation_reads_clean(key):
    text = cite(key)
    assert text.strip(), key
    assert _maintainer_text(text) == [], f"{key}: {text}"


def test_a_citation_is_built_from_the_structured_fields_not_the_note():
    item = {
        "id": "X", "type": "article-journal", "title": "A trial",
        "author": [{"family": "Doe", "given": "J"}, {"family": "Roe", "given": "R"}],
        "container-title": "Spine", "issued": {"date-parts": [[2001]]}, "volume": "26",
        "issue": "14", "page": "1511-1515", "DOI": "10.1/x", "PMID": "123",
        "note": "[authors from memory, verify] Doe J. A trial. Spine 2001. [pages verify]",
    }
    expected = "Doe J, Roe R. A trial. Spine 2001;26(14):1511-1515. doi:10.1/x. PMID 123."
    assert format_reference(item) == expected


def test_a_reference_not_yet_checked_says_so_in_one_neutral_way():
    item = {"id": "X", "type": "article-journal", "title": "A study", "issued": {"date-parts": [[2019]]},
            "note": "citation details not captured", "custom": {"verify": True}}
    assert format_reference(item) == f"A study. 2019. ({SECONDARY_SOURCE_LABEL})"
    labelled = [k for k, v in references().items() if v.get("custom", {}).get("verify")]
    for key in labelled:
        assert cite(key).endswith(f"({SECONDARY_SOURCE_LABEL})"), key


def test_long_author_lists_are_cut_to_six_and_et_al():
    people = [{"family": f"A{i}", "given": "B"} for i in range(9)]
    text = format_reference({"id": "X", "type": "article-journal", "title": "T", "author": people})
    assert text.startswith("A0 B, A1 B, A2 B, A3 B, A4 B, A5 B, et al. T.")


def test_verified_references_say_where_they_were_read():
    for key, item in references().items():
        custom = item.get("custom", {})
        assert not (custom.get("verified") and custom.get("verify")), f"{key}: both verified and flagged"
        if custom.get("verified"):
            url = str(item.get("URL", ""))
            assert url.startswith(("http://", "https://")), f"{key}: verified without URL"
            assert item.get("DOI") or item.get("PMID") or item.get("PMCID") or item.get("URL"), key


def test_the_gertzbein_robbins_grading_cites_the_paper_not_a_health_blog():
    refs = references()
    keys = {r["source_key"] for r in data.records("gertzbein_robbins_grading") if "Gertzbein" in r["scale"]}
    assert keys == {"Gertzbein1990"}
    assert refs["Gertzbein1990"]["container-title"].startswith("Spine")
    assert refs["Gertzbein1990"]["custom"]["verified"] is True
    from widgets.quiz.items import all_items

    for item in all_items():
        assert "Seekhealthz" not in item.sources, item.id


def _quiz_texts(item):
    yield "stem", item.stem
    yield "explanation", item.explanation
    for kind in ("options", "prompts", "choices"):
        for opt in getattr(item, kind):
            yield f"{kind}.{opt.id}", opt.text
            yield f"{kind}.{opt.id}.feedback", opt.feedback
    for k, v in item.feedback.items():
        yield f"feedback.{k}", v
    for i, c in enumerate(item.citations):
        yield f"citation {i + 1}", c


def test_no_quiz_item_shows_a_maintainer_note():
    from widgets.quiz.items import all_items

    bad = []
    for item in all_items():
        for where, text in _quiz_texts(item):
            found = _maintainer_text(text)
            if found:
                bad.append(f"{item.id} {where}: {found} in {text[:120]!r}")
    assert bad == []


@pytest.mark.parametrize("module", _LESSON_REFERENCE_MODULES)
def test_lesson_reference_lists_read_clean(module):
    keys = importlib.import_module(module).lesson_references()
    frame = citations.references_table(keys)
    for key, text in frame["citation"].items():
        assert _maintainer_text(text) == [], f"{module} {key}: {text}"


@pytest.mark.parametrize("name", table_names())
def test_no_table_cell_holds_a_maintainer_note(name):
    frame = data.load_table(name)
    bad = []
    for col in frame.columns:
        for i, value in frame[col].items():
            if isinstance(value, str) and _maintainer_text(value, brackets=False):
                bad.append(f"{col} row {i}: {value[:100]!r}")
    assert bad == [], f"{name}: {bad}"


# ----------------------------------------------------------------------------- quotes

@pytest.mark.parametrize(("quote", "value"), [
    ("rates were 5.67% and 2.90%", "5.67"), ("rates were 5.67% and 2.90%", "2.9"),
    ("a total of 1,234 screws", "1234"), ("(−0.35 minute, 95% CI: −20.82 to 20.13)", "-20.82"),
    ("95% CI, -0.3-1.6", "1.6"), ("MD = −13.56", "-13.56"), ("95 % CI −3.33 to −0.50", "-0.5"),
])
def test_a_quote_holds_its_value_in_its_usual_written_forms(quote, value):
    assert quote_contains_value(quote, value)


@pytest.mark.parametrize(("quote", "value"), [
    ("rates were 5.67% and 2.90%", "5.6"), ("MD = −13.56", "13.56"), ("95% CI, -0.3-1.6", "-1.6"),
    ("a total of 1,234 screws", "234"), ("12.5 mm", "2.5"),
])
def test_a_quote_without_its_value_is_caught(quote, value):
    assert not quote_contains_value(quote, value)


def test_quotes_file_has_the_shared_header():
    with (data.data_dir() / "quotes.csv").open(encoding="utf-8") as fh:
        assert fh.readline().strip() == "table,source_key,value,quote"


def test_every_quote_holds_its_value_and_is_short():
    quotes = load_quotes()
    assert len(quotes) >= 50
    for q in quotes:
        assert quote_contains_value(q["quote"], q["value"]), f"line {q['line']}: {q['value']} not in quote"
        assert len(q["quote"].split()) <= 40, f"line {q['line']}: quote over 40 words"


def test_every_quote_cites_a_verified_source_of_its_table():
    for q in load_quotes():
        assert citations.is_verified(q["source_key"]), f"line {q['line']}: {q['source_key']} is not verified"
        keys = {r["source_key"] for r in data.records(q["table"])}
        assert q["source_key"] in keys, f"line {q['line']}: {q['source_key']} is not a source of {q['table']}"


def test_every_quote_matches_a_number_of_its_table():
    for q in load_quotes():
        cells = " ".join(
            repr(v) if isinstance(v, float) else str(v)
            for r in data.records(q["table"]) if r["source_key"] == q["source_key"] for v in r.values()
        )
        where = f"line {q['line']}: {q['value']} is not in {q['table']}"
        assert quote_contains_value(cells, q["value"]), where


def test_a_bad_quotes_row_is_named(data_copy):
    path = data_copy / "quotes.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + 'radiation,Nobody1999,1,"one"\n', encoding="utf-8")
    with pytest.raises(data.DataError, match=r"quotes\.csv line 2: column 'source_key' is 'Nobody1999'"):
        load_quotes()
    path.write_text(lines[0] + "radiation,Funao2014,1," + " ".join(["w"] * 41) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"line 2: column 'quote' has 41 words"):
        load_quotes()
    path.write_text("table,key,value,quote\n", encoding="utf-8")
    with pytest.raises(data.DataError, match=r"line 1: header must be table,source_key,value,quote"):
        load_quotes()


def test_coverage_of_the_evidence_tables_is_reported():
    tables = ["outcomes_mis_vs_open", "trials", "complications_durotomy_conversion", "radiation",
              "screw_accuracy", "recovery_milestones"]
    covered, shown = quotes.quote_coverage(tables)
    assert 0 < covered <= shown


def test_data_readme_lists_every_reference_still_flagged():
    text = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    section = text.split("## References not yet verified", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- `([^`]+)`:", section, re.MULTILINE))
    flagged = {k for k, v in references().items() if v.get("custom", {}).get("verify")}
    assert listed == flagged


def test_an_open_page_range_shows_its_first_page_only():
    item = {"id": "x", "type": "article-journal", "title": "T", "container-title": "J",
            "issued": {"date-parts": [[1974]]}, "volume": "41", "issue": "2", "page": "229-"}
    assert "1974;41(2):229." in format_reference(item)


@pytest.mark.parametrize(("quote", "value", "found"), [
    ("5\u00b72 points, 2\u00b79\u20137\u00b74", "5.2", True),     # the Lancet's decimal middle dot
    ("5\u00b72 points, 2\u00b79\u20137\u00b74", "7.4", True),     # a range dash is not a minus
    ("(163.7 +/- 49.6 mL)", "49.6", True),                        # plus-or-minus, not a minus
    ("(163.7 +/- 49.6 mL)", "-49.6", False),
    ("(95% CI \u2011254.33,\u2011157.86)", "-157.86", True),      # a non-breaking hyphen as minus
    ("2.07,6.12", "6.12", True),                                  # a list without spaces
    ("1,234 patients", "234", False),                             # a thousands separator
])
def test_printed_forms_of_a_number_are_read_as_that_number(quote, value, found):
    assert quote_contains_value(quote, value) is found
