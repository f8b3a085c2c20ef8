"""A safe YAML loader that remembers where each mapping and key stands in the file.

Banks, case files and class configs are hand-written YAML; when one is wrong, the
error must name the line. :class:`LineLoader` is PyYAML's safe loader (libyaml's
``CSafeLoader`` when available) whose mappings are :class:`LineDict`: a dict with
the 1-based line of its start (``.line``) and of each of its keys (``.key_lines``).
Duplicate keys, which plain YAML loading silently collapses, are an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

__all__ = ["LineDict", "LineLoader", "SafeLoader", "line_of"]

#: libyaml's safe loader when PyYAML was built with it, else the pure-Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict):
    """A dict that remembers the line of its start and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class LineLoader(SafeLoader):
    """A safe loader whose mappings are :class:`LineDict` (lines recorded)."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads 1e2 as a string (its floats need a point); a person means a hundred.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")
LineLoader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+0123456789"))


def line_of(doc: Any, path: Sequence[Any]) -> int | None:
    """Return the line of the deepest node on ``path`` (keys and list indices) in a loaded document.

    ``path`` is what a JSON-schema error gives as ``absolute_path``; the walk stops where
    the document does, so a missing key reports the line of its parent.
    """
    line = getattr(doc, "line", None)
    node = doc
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
        else:
            break
    return line

