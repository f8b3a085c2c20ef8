"""The citation a student reads for a source key of ``data/references.json``.

Built from the CSL-JSON item's structured fields only (:func:`format_reference`);
the maintainers' free-text notes never reach a student, and a reference still
to be checked carries one neutral label (:data:`SECONDARY_SOURCE_LABEL`).

Examples
--------
>>> from widgets.core.citations import cite
>>> cite("some-key")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from widgets.core.data import DataError, references

__all__ = [
    "MAINTAINER_PHRASES",
    "SECONDARY_SOURCE_LABEL",
    "cite",
    "format_reference",
    "is_verified",
    "references_table",
]

SECONDARY_SOURCE_LABEL = "secondary source"
"""The one label students see on a reference whose details could not be checked."""

#: Phrases that belong to the data's maintainers and never reach a student.
MAINTAINER_PHRASES = (
    "verify", "from memory", "not seen", "order not confirmed", "(not confirmed", "not captured",
    "recalled",
    "unconfirmed", "to check", "not identified",
)


def _author(person: dict[str, Any]) -> str:
    if "literal" in person:
        return str(person["literal"])
    return " ".join(p for p in (person.get("family", ""), person.get("given", "")) if p)


def _authors(item: dict[str, Any]) -> str:
    people = [_author(a) for a in item.get("author", ()) if _author(a)]
    if not people:
        return ""
    incomplete = bool(item.get("custom", {}).get("authors_incomplete"))
    if len(people) > 6:
        people, incomplete = people[:6], True
    return ", ".join(people) + (", et al" if incomplete else "")


def _year(item: dict[str, Any]) -> str:
    parts = item.get("issued", {}).get("date-parts") or [[]]
    return str(parts[0][0]) if parts and parts[0] else ""


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def _pages(item: dict[str, Any]) -> str:
    """Return the page range as printed; an open range ("229-", end page unknown) gives its first page."""
    return str(item.get("page") or "").strip().rstrip("-–").strip()


def format_reference(item: dict[str, Any]) -> str:
    """Return the citation of one CSL-JSON ``item``, built from its structured fields only.

    Vancouver-like: authors, title, container, year;volume(issue):pages, then DOI,
    PMID or PMCID, or the address read for a web page. The free-text ``note`` is for
    maintainers and is never used. A reference still flagged ``custom.verify`` ends
    with the neutral label ``(secondary source)``.
    """
    parts = []
    authors = _authors(item)
    if authors:
        parts.append(_sentence(authors))
    custom = item.get("custom", {})
    title = "" if custom.get("title_is_citation") else str(item.get("title", "")).strip()
    if title:
        parts.append(_sentence(title))
    container = str(item.get("container-title", "")).strip()
    year = _year(item)
    kind = item.get("type", "")
    if kind == "chapter" and container:
        container = f"In: {container}"
    place = ": ".join(str(item[k]) for k in ("publisher-place", "publisher") if item.get(k))
    if kind in ("chapter", "report", "book") and place:
        container = f"{container}. {place}" if container else place
    where = ""
    if year and year in container and not item.get("volume"):
        year = ""
    if year:
        where = year
        if item.get("volume"):
            where += f";{item['volume']}"
            if item.get("issue"):
                where += f"({item['issue']})"
        if _pages(item):
            where += f":{_pages(item)}"
    elif _pages(item):
        where = _pages(item)
    sep = "; " if kind in ("chapter", "report", "book") and place else " "
    venue = sep.join(x for x in (container, where) if x)
    if venue:
        parts.append(_sentence(venue))
    ids = []
    if item.get("DOI"):
        ids.append(f"doi:{item['DOI']}")
    if item.get("PMID"):
        ids.append(f"PMID {item['PMID']}")
    if item.get("PMCID"):
        ids.append(str(item["PMCID"]))
    if not ids and item.get("URL"):
        ids.append(str(item["URL"]))
    if ids:
        parts.append(_sentence(". ".join(ids)))
    text = " ".join(parts) or str(item.get("id", ""))
    if custom.get("verify"):
        text += f" ({SECONDARY_SOURCE_LABEL})"
    return text


def cite(key: str) -> str:
    """Return the citation a student reads for ``key`` (see :func:`format_reference`)."""
    refs = references()
    if key not in refs:
        raise DataError(f"source key {key!r} does not resolve in data/references.json")
    return format_reference(refs[key])


def is_verified(key: str) -> bool:
    """Return True when reference ``key`` records that it was checked at its ``URL``."""
    item = references()[key]
    return bool(item.get("custom", {}).get("verified")) and bool(item.get("URL"))


def references_table(keys):
    """Return the full citations of ``keys`` as a table (for a lesson's References)."""
    import pandas as pd

    refs = references()
    rows = []
    for key in keys:
        if key not in refs:
            raise DataError(f"source key {key!r} does not resolve in data/references.json")
        item = refs[key]
        doi = item.get("DOI")
        rows.append({"key": key, "citation": cite(key), "DOI": f"https://doi.org/{doi}" if doi else ""})
    return pd.DataFrame(rows).set_index("key")
