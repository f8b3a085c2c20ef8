"""Numbers in quiz items, computed from the data tables and models the lessons use.

A number in an item is never typed in the YAML bank: the item names where it
comes from, and the number is resolved when the bank is loaded. A *value
spec* is a mapping with a ``from`` field:

``from: table``
    One row (or an aggregate of rows) of a table read with
    :func:`widgets.core.data.load_table`::

        {from: table, table: lumbar_morphometry, column: value,
         where: {level: L4, measure: pedicle_width_transverse, source_key: Panjabi1992},
         aggregate: mean}

    ``where`` maps column names to a value or a list of allowed values.
    ``aggregate`` is ``one`` (the default: exactly one row must match),
    ``mean``, ``median``, ``min``, ``max``, ``sum`` or ``count``. The unit
    is the rows' ``unit`` column when the table has one.
``from: function``
    The result of a model function named in the table of
    :mod:`widgets.quiz.functions` (nothing else may be called), with keyword
    ``args`` (which may themselves be value specs), then an optional ``index``
    and a dotted ``attribute``::

        {from: function, function: corridor.tubular_corridor,
         args: {tube_diameter_mm: {from: function, function: corridor.tube_diameters,
                                   index: 1, attribute: value},
                depth_mm: {from: assumption, name: skin_to_lamina_depth}},
         attribute: window_area_mm2, unit: mm2}

``from: assumption``
    A documented assumption of ``data/assumptions.yaml`` (shown as such).
``from: formula``
    Arithmetic on values defined earlier in the same item, e.g.
    ``{from: formula, formula: "open - mis", unit: mL}``. Only numbers,
    names, ``+ - * / **``, ``abs``, ``round``, ``min``, ``max``, ``sqrt`` and
    ``pi`` are allowed.
``from: value``
    Another value of the same item: ``{from: value, name: width}``.

Every spec may add ``round: N`` (decimals) and ``unit``. Each resolved value
keeps its provenance (source keys and confidence flags), so that the loader
can check an item cites every source its numbers come from and labels
secondary-source rows and assumptions.
"""

from __future__ import annotations

import ast
import math
import operator
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from widgets.quiz import functions

__all__ = ["KeySpecError", "Resolved", "resolve", "resolve_all"]

AGGREGATES = ("one", "mean", "median", "min", "max", "sum", "count")


class KeySpecError(ValueError):
    """A value spec cannot be resolved (bad table, no matching row, unknown function)."""


@dataclass(frozen=True)
class Resolved:
    """A resolved number (or label) with where it came from.

    Attributes
    ----------
    value
        The number (``float``) or, for a text column, the string.
    unit
        Its unit, when known.
    sources
        Source keys of the table rows or cited values it was computed from.
    confidences
        ``read-directly``, ``secondary-source``, ``assumption`` and/or ``derived``.
    """

    value: Any
    unit: str | None
    sources: frozenset[str] = frozenset()
    confidences: frozenset[str] = frozenset()

    def rounded(self, decimals: int | None) -> Resolved:
        """Return a copy rounded to ``decimals`` (no-op for ``None`` or text)."""
        if decimals is None or not isinstance(self.value, int | float):
            return self
        return Resolved(round(float(self.value), int(decimals)), self.unit, self.sources,
                        self.confidences)


def _merge(parts: list[Resolved]) -> tuple[frozenset[str], frozenset[str]]:
    sources: set[str] = set()
    conf: set[str] = set()
    for p in parts:
        sources |= p.sources
        conf |= p.confidences
    return frozenset(sources), frozenset(conf)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return value


def _matches(cell: Any, wanted: Any) -> bool:
    options = wanted if isinstance(wanted, list) else [wanted]
    if _missing(cell):
        return False
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return any(isinstance(w, int | float) and float(w) == float(cell) for w in options)
    return str(cell) in {str(w) for w in options}


_TABLES: dict[str, tuple[tuple[dict[str, Any], ...], list[str], list[dict[str, Any]]]] = {}


def _table(name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the columns and rows (plain Python values) of table ``name``.

    Built once per version of the table: :func:`widgets.core.data.records` is cached
    per process and renewed by :func:`widgets.core.data.clear_cache`, and the copy
    here is rebuilt whenever that tuple is a new one.
    """
    from widgets.core.data import load_schema, records

    shared = records(name)
    hit = _TABLES.get(name)
    if hit is None or hit[0] is not shared:
        columns = [c.name for c in load_schema(name).columns]
        rows = [{k: _plain(v) for k, v in row.items()} for row in shared]
        _TABLES[name] = hit = (shared, columns, rows)
    return hit[1], hit[2]


def _from_table(spec: Mapping[str, Any]) -> Resolved:
    name = spec.get("table")
    if not isinstance(name, str):
        raise KeySpecError("a table value needs 'table: <name>'")
    columns, all_rows = _table(name)
    column = spec.get("column", "value")
    if column not in columns:
        raise KeySpecError(f"table {name!r} has no column {column!r}")
    where = spec.get("where") or {}
    if not isinstance(where, Mapping):
        raise KeySpecError("'where' must map column names to values")
    for col in where:
        if col not in columns:
            raise KeySpecError(f"table {name!r} has no column {col!r} (in 'where')")
    rows = [r for r in all_rows if all(_matches(r[c], w) for c, w in where.items())]
    aggregate = spec.get("aggregate", "one")
    if aggregate not in AGGREGATES:
        raise KeySpecError(f"aggregate {aggregate!r} is not one of {', '.join(AGGREGATES)}")
    described = ", ".join(f"{k}={v}" for k, v in where.items())
    if not rows:
        raise KeySpecError(f"no row of table {name!r} matches {described or 'the empty filter'}")
    if aggregate == "one" and len(rows) != 1:
        raise KeySpecError(
            f"{len(rows)} rows of table {name!r} match {described}; narrow 'where' or set"
            " 'aggregate'"
        )
    values = [r[column] for r in rows if not _missing(r[column])]
    if not values:
        raise KeySpecError(f"column {column!r} is empty in the rows of {name!r} matching {described}")
    if aggregate == "one":
        value = values[0]
    elif aggregate == "count":
        value = float(len(values))
    else:
        try:
            numbers = [float(v) for v in values]
        except (TypeError, ValueError):
            raise KeySpecError(f"column {column!r} of {name!r} is not numeric; cannot"
                               f" take its {aggregate}") from None
        value = {
            "mean": lambda xs: sum(xs) / len(xs),
            "median": statistics.median,
            "min": min,
            "max": max,
            "sum": sum,
        }[aggregate](numbers)
    unit = spec.get("unit")
    if unit is None and "unit" in columns and aggregate != "count":
        found = sorted({str(r["unit"]) for r in rows if not _missing(r["unit"])})
        if len(found) > 1:
            raise KeySpecError(f"rows of {name!r} matching {described} mix units {found}")
        unit = found[0] if found else None
    sources = frozenset(str(r["source_key"]) for r in rows if not _missing(r["source_key"]))
    confs = frozenset(str(r["confidence"]) for r in rows if not _missing(r["confidence"]))
    return Resolved(value, unit, sources, confs)


def _provenance_of(obj: Any) -> tuple[set[str], set[str]]:
    key = getattr(obj, "source_key", None)
    conf = getattr(obj, "confidence", None)
    return ({str(key)} if key else set()), ({str(conf)} if conf else set())


def _from_function(spec: Mapping[str, Any], env: Mapping[str, Resolved]) -> Resolved:
    try:
        func = functions.lookup(spec.get("function"))
    except functions.UnknownFunction as exc:
        raise KeySpecError(str(exc)) from None
    args = spec.get("args") or {}
    if not isinstance(args, Mapping):
        raise KeySpecError("'args' must be a mapping of keyword arguments")
    parts: list[Resolved] = []
    kwargs = {}
    for name, arg in args.items():
        if isinstance(arg, Mapping):
            resolved = resolve(arg, env)
            parts.append(resolved)
            kwargs[name] = resolved.value
        else:
            kwargs[name] = arg
    try:
        result = func(**kwargs)
    except Exception as exc:
        raise KeySpecError(f"{spec.get('function')}({kwargs}) raised {type(exc).__name__}: {exc}") from exc
    sources, confs = _merge(parts)
    sources, confs = set(sources), set(confs)
    if "index" in spec:
        try:
            result = result[spec["index"]]
        except (IndexError, KeyError, TypeError) as exc:
            raise KeySpecError(f"cannot take item {spec['index']!r} of the result ({exc})") from exc
    s, c = _provenance_of(result)
    sources |= s
    confs |= c
    unit = spec.get("unit")
    attribute = spec.get("attribute")
    if attribute is None and hasattr(result, "value"):
        attribute = "value"
        unit = unit or getattr(result, "unit", None)
    if attribute:
        for attr in str(attribute).split("."):
            if attr.startswith("_") or not hasattr(result, attr):
                raise KeySpecError(f"the result of {spec.get('function')} has no attribute {attr!r}")
            result = getattr(result, attr)
    if not confs:
        confs.add("derived")
    if isinstance(result, bool) or not isinstance(result, int | float | str):
        raise KeySpecError(
            f"{spec.get('function')} gave a {type(result).__name__}; pick a number with"
            " 'index' and 'attribute'"
        )
    value = float(result) if isinstance(result, int | float) else result
    return Resolved(value, unit, frozenset(sources), frozenset(confs))


def _from_assumption(spec: Mapping[str, Any]) -> Resolved:
    from widgets.core.assumptions import assumption

    try:
        a = assumption(str(spec.get("name")))
    except Exception as exc:
        raise KeySpecError(str(exc)) from exc
    return Resolved(a.value, spec.get("unit", a.unit), frozenset(), frozenset({"assumption"}))


_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCS = {"abs": abs, "round": round, "min": min, "max": max, "sqrt": math.sqrt}


def _eval_formula(text: str, env: Mapping[str, Resolved]) -> tuple[float, list[Resolved]]:
    used: list[Resolved] = []
    try:
        tree = ast.parse(str(text), mode="eval")
    except SyntaxError as exc:
        raise KeySpecError(f"formula {text!r} is not valid ({exc.msg})") from exc

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Name):
            if node.id == "pi":
                return math.pi
            if node.id not in env:
                raise KeySpecError(f"formula {text!r} uses {node.id!r}, not defined before it")
            used.append(env[node.id])
            return float(env[node.id].value)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](ev(node.operand))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in _FUNCS and not node.keywords):
            return _FUNCS[node.func.id](*[ev(a) for a in node.args])
        raise KeySpecError(f"formula {text!r}: {ast.dump(node)[:40]}... is not allowed")

    try:
        return float(ev(tree)), used
    except ZeroDivisionError as exc:
        raise KeySpecError(f"formula {text!r} divides by zero") from exc


def resolve(spec: Mapping[str, Any], env: Mapping[str, Resolved] | None = None) -> Resolved:
    """Resolve one value spec (see the module docstring) to a :class:`Resolved`.

    Parameters
    ----------
    spec
        The mapping written in the bank.
    env
        Values already resolved for the same item, by name (for ``formula``,
        ``value`` and nested arguments).

    Raises
    ------
    KeySpecError
        With a message saying what could not be found.
    """
    env = env or {}
    if not isinstance(spec, Mapping) or "from" not in spec:
        raise KeySpecError(f"a value spec is a mapping with a 'from' field, got {spec!r}")
    kind = spec["from"]
    if kind == "table":
        out = _from_table(spec)
    elif kind == "function":
        out = _from_function(spec, env)
    elif kind == "assumption":
        out = _from_assumption(spec)
    elif kind == "formula":
        value, used = _eval_formula(spec.get("formula", ""), env)
        sources, confs = _merge(used)
        out = Resolved(value, spec.get("unit"), sources, confs | {"derived"})
    elif kind == "value":
        name = spec.get("name")
        if name not in env:
            raise KeySpecError(f"value {name!r} is not defined before it is used")
        out = env[name]
    else:
        raise KeySpecError(f"'from: {kind}' is not one of table, function, assumption, formula, value")
    if "unit" in spec and kind in ("table", "value"):
        out = Resolved(out.value, spec["unit"], out.sources, out.confidences)
    return out.rounded(spec.get("round"))


def resolve_all(specs: Mapping[str, Mapping[str, Any]]) -> dict[str, Resolved]:
    """Resolve an item's named values in order; later ones may use earlier ones."""
    env: dict[str, Resolved] = {}
    for name, spec in specs.items():
        try:
            env[name] = resolve(spec, env)
        except KeySpecError as exc:
            raise KeySpecError(f"value {name!r}: {exc}") from exc
    return env
