"""Defer one expensive third-party import that every lesson kernel would otherwise pay.

plotly imports nbformat, nbformat imports jsonschema, and jsonschema's format
checker imports ``rfc3987_syntax``, which compiles a lark Earley grammar at
import time: about 2.7 s on the reference 2-core machine, more than a whole
lesson's own work. The grammar is only needed to validate an "iri" format,
which a lesson kernel never does. :func:`defer_rfc3987_grammar` puts a small
stand-in module in its place whose ``is_valid_syntax`` loads the real module on
first use, so behaviour is unchanged and only the cost moves to where it is
needed. It does nothing when jsonschema is already imported or the module is
not installed. Measured by ``benchmarks/bench_lessons.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_NAME = "rfc3987_syntax"


def defer_rfc3987_grammar() -> bool:
    """Install the deferring stand-in; return True if it was installed."""
    if _NAME in sys.modules or "jsonschema" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(_NAME)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False

    stub = types.ModuleType(_NAME, "Deferred stand-in for rfc3987_syntax (see widgets.core.importcost).")
    stub.__spec__ = spec

    def _real():
        if sys.modules.get(_NAME) is stub:
            del sys.modules[_NAME]
        module = importlib.import_module(_NAME)
        return module

    def is_valid_syntax(term: str, value: str) -> bool:
        return _real().is_valid_syntax(term, value)

    def parse(term: str, value: str):
        return _real().parse(term, value)

    stub.is_valid_syntax = is_valid_syntax
    stub.parse = parse
    def __getattr__(attr: str):
        if attr.startswith("__"):  # the import system probes __path__ etc.: not the grammar
            raise AttributeError(attr)
        return getattr(_real(), attr)

    stub.__getattr__ = __getattr__
    sys.modules[_NAME] = stub
    return True
