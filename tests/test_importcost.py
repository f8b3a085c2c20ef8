"""The deferred rfc3987 grammar: not built at import, still correct when used."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys, widgets, jsonschema
assert "rfc3987_syntax.syntax_helpers" not in sys.modules, "grammar built at import"
from jsonschema import Draft7Validator, FormatChecker
v = Draft7Validator({"format": "iri"}, format_checker=FormatChecker())
print(v.is_valid("http://example.org/a"), v.is_valid("http://[bad"))
assert "rfc3987_syntax.syntax_helpers" in sys.modules
"""


def test_grammar_is_deferred_until_an_iri_is_checked():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False"]
