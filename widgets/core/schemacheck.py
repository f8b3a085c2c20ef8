"""JSON Schema checks of the suite's YAML files: fast when a file is valid, thorough when not.

Every lesson reads a question bank, and a case lesson a case file, and checks
it against its schema. jsonschema lists every error of a document, which is
what an author needs, but a lesson kernel that imports it waits 1.3-1.7 s for
its first bank: the import builds the grammar of ``rfc3987_syntax`` (lark) for
the format checker, then each bank takes 9-20 ms to walk. fastjsonschema
compiles the schema to Python and checks the first bank in 16-35 ms, each
further one in about 1 ms, and stops at the first error. (Measured on the
reference 2-core machine, three runs, loading the lesson banks' YAML and
checking it both ways; lesson 00 runs in about 2 s, so jsonschema alone would
nearly double it. ``tests/test_importcost.py`` checks that no lesson imports
jsonschema.)

So :func:`errors` checks with fastjsonschema first and, only for a document it
rejects, asks jsonschema for the full list. fastjsonschema reads a schema as
draft 7; the suite's schemas are draft 2020-12 but use only keywords that mean
the same in both (``dependentRequired`` is respelt as draft 7's ``dependencies``)
and no ``$ref`` with siblings. A schema that strays from that is checked by
jsonschema alone. ``tests/test_schemacheck.py`` checks that every schema takes the
fast path and that both validators reject the same broken files.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

__all__ = ["DRAFT_7_SAFE_KEYWORDS", "errors", "full_validator", "keywords_used"]

#: Keywords that mean the same in draft 7 (fastjsonschema) and in draft 2020-12.
DRAFT_7_SAFE_KEYWORDS = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
    "type", "properties", "required", "additionalProperties", "patternProperties", "items", "enum",
    "const", "pattern", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
})


@functools.lru_cache(maxsize=16)
def _schema(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _as_draft_7(node: Any) -> Any:
    """Return ``node`` with 2020-12's ``dependentRequired`` spelt as draft 7's ``dependencies``.

    The array form of ``dependencies`` in draft 7 means exactly what
    ``dependentRequired`` means in 2020-12 ("if this key is present, so are those").
    ``const: x`` becomes ``enum: [x]``, which means the same in every draft: with
    terse errors fastjsonschema cannot word a failed ``const``.
    """
    if isinstance(node, list):
        return [_as_draft_7(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _as_draft_7(v) for k, v in node.items()}
    if "dependentRequired" in out and "dependencies" not in out:
        out["dependencies"] = out.pop("dependentRequired")
    if "const" in out and "enum" not in out:  # the same rule; fastjsonschema's terse errors need it
        out["enum"] = [out.pop("const")]
    return out


@functools.lru_cache(maxsize=16)
def _fast(path: str):
    """Compile the fast check; ``None`` when the schema uses a keyword draft 7 reads otherwise."""
    import fastjsonschema

    schema = _schema(path)
    keywords, ref_siblings = keywords_used(schema)
    if ref_siblings or not keywords <= DRAFT_7_SAFE_KEYWORDS | {"dependentRequired"}:
        return None
    # terse errors: the fast check only says valid or not (jsonschema words the errors), and
    # writing each rule into its error message took two thirds of the compile time
    return fastjsonschema.compile(_as_draft_7(schema), detailed_exceptions=False)


@functools.lru_cache(maxsize=16)
def full_validator(path: str):
    """Return a jsonschema draft 2020-12 validator for the schema file at ``path``.

    The schema itself is checked against the draft's meta-schema by the test
    suite, not here: that check costs ~0.3 s in every kernel.
    """
    import jsonschema

    return jsonschema.Draft202012Validator(_schema(path))


def errors(path: str, doc: Any) -> list:
    """Return every jsonschema error of ``doc`` against the schema file at ``path`` (none: valid)."""
    import fastjsonschema

    check = _fast(path)
    if check is None:
        return list(full_validator(path).iter_errors(doc))
    try:
        check(doc)
    except fastjsonschema.JsonSchemaValueException:
        return list(full_validator(path).iter_errors(doc))
    return []


def keywords_used(schema: Any) -> tuple[set[str], list[list[str]]]:
    """Return the keywords a schema uses and the keyword sets of any ``$ref`` that has siblings."""
    found: set[str] = set()
    ref_siblings: list[list[str]] = []

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        found.update(node)
        if "$ref" in node and set(node) - {"$ref", "title", "description", "$comment"}:
            ref_siblings.append(sorted(node))
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties"):
                for sub in value.values():
                    walk(sub)
            elif key in ("items", "additionalProperties", "if", "then", "else", "not"):
                walk(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                for sub in value:
                    walk(sub)

    walk(schema)
    return found, ref_siblings
