"""Quiz items: the model, and loading question banks from ``data/questions/*.yaml``.

A bank is a YAML file validated against ``data/questions/schema.json``. The
loader keeps the line number of every mapping and key, so that a broken bank
fails with one message naming the file, the item id and the line::

    data/questions/01-spinal-anatomy.yaml line 57, item 'anat-l4-width':
    'feedback' is a required property (at items[3].options[1])

Numbers are resolved while loading (:mod:`widgets.quiz.keys`): an item's
``values`` and numeric ``key`` are value specs, and its texts refer to the
values as ``{{ name }}`` or ``{{ name:.1f }}``. After loading, every source
key of an item must resolve in ``data/references.json`` and every number the
item shows must come from a source the item cites.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from widgets.core import documents
from widgets.core.citations import cite
from widgets.core.data import DataError, data_dir, references
from widgets.core.documents import relative_name
from widgets.core.yamllines import LineDict, SafeLoader
from widgets.quiz import types
from widgets.quiz.keys import KeySpecError, Resolved, resolve_all
from widgets.quiz.types.base import ItemCheck

__all__ = [
    "BLOOM_LEVELS",
    "Bank",
    "BankError",
    "ITEM_TYPES",
    "Item",
    "ItemInfo",
    "Option",
    "all_items",
    "get_item",
    "item_index",
    "items_by_id",
    "items_for_lesson",
    "load_bank",
    "load_banks",
    "questions_dir",
    "render",
]

ITEM_TYPES = types.NAMES
BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?::\s*([^}]*?))?\s*\}\}")


class BankError(DataError):
    """A question bank is invalid.

    Attributes
    ----------
    file, item_id, line
        Where the (first) problem is: the bank file relative to the
        repository, the id of the item (``None`` for bank-level problems) and
        the 1-based line number.
    """

    def __init__(self, message: str, file: str, item_id: str | None = None,
                 line: int | None = None):
        where = file + (f" line {line}" if line else "") + (f", item {item_id!r}" if item_id else "")
        super().__init__(f"{where}: {message}")
        self.file, self.item_id, self.line = file, item_id, line


@dataclass(frozen=True)
class Option:
    """One option of an item (or one prompt or choice of a matching item)."""

    id: str
    text: str
    feedback: str = ""


@dataclass(frozen=True, eq=False)
class Item:
    """One question, with its numbers resolved and its texts rendered.

    ``answer`` is an option id (``single``), a tuple of option ids
    (``multiple``; ``ordering``, in the right order), a mapping from prompt
    id to choice id (``matching``), or ``None`` (``numeric``, whose answer is
    ``key`` in ``unit``, accepted within ``tolerance``).
    """

    id: str
    type: str
    stem: str
    explanation: str
    objective: str
    bloom: str
    difficulty: str
    topics: tuple[str, ...]
    lesson: str
    sources: tuple[str, ...]
    options: tuple[Option, ...] = ()
    answer: Any = None
    prompts: tuple[Option, ...] = ()
    choices: tuple[Option, ...] = ()
    key: float | None = None
    unit: str | None = None
    tolerance_abs: float | None = None
    tolerance_rel: float | None = None
    feedback: Mapping[str, str] = field(default_factory=dict)
    citations: tuple[str, ...] = ()
    values: Mapping[str, Resolved] = field(default_factory=dict)
    shuffle: bool = True
    vignette: bool = False
    bank: str = ""
    file: str = ""
    line: int = 0
    templates: Mapping[str, str] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        """All citations of the item in one line."""
        return "; ".join(self.citations)

    @property
    def confidences(self) -> frozenset[str]:
        """Confidence flags of every number the item uses."""
        out: set[str] = set()
        for v in self.values.values():
            out |= v.confidences
        return frozenset(out)

    def option(self, option_id: str) -> Option:
        """Return the option (or choice) with id ``option_id``."""
        for opt in (*self.options, *self.choices):
            if opt.id == option_id:
                return opt
        raise KeyError(f"item {self.id!r} has no option {option_id!r}")


@dataclass(frozen=True)
class Bank:
    """One bank file: its name, title, file and items."""

    name: str
    title: str
    file: str
    items: tuple[Item, ...]


# --------------------------------------------------------------------------- YAML with lines


def questions_dir() -> Path:
    """Return the folder of the banks, ``data/questions``."""
    return data_dir() / "questions"


def _item_at(doc: Any, path: Sequence[Any]) -> str | None:
    """Return the id of the item that ``path`` (a schema error's path) lies in, if any."""
    if len(path) > 1 and path[0] == "items" and isinstance(doc, Mapping):
        items = doc.get("items")
        if isinstance(items, list) and isinstance(path[1], int) and path[1] < len(items):
            item = items[path[1]]
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                return item["id"]
    return None


def _bank_error(exc: documents.DocumentError) -> BankError:
    """Word a reading, YAML or schema problem of a bank, naming the item where it can."""
    if exc.kind == "read":
        return BankError(f"cannot read the bank ({exc.__cause__})", exc.file)
    if exc.kind == "yaml":
        return BankError(exc.detail, exc.file, _id_near(exc.text, exc.line) if exc.line else None, exc.line)
    doc = exc.document
    first, others = exc.problems[0], exc.problems[1:6]
    where = _path_text(list(first.path))
    more = ""
    if others:
        more = " | also " + " | ".join(
            f"line {p.line}" + (f" item {iid!r}" if (iid := _item_at(doc, p.path)) else "") + f": {p.message}"
            for p in others)
    return BankError(first.message + (f" (at {where})" if where else "") + more,
                     exc.file, _item_at(doc, first.path), first.line)


def _path_text(path: list[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _id_near(text: str, line: int) -> str | None:
    """Guess the item id around a YAML syntax error.

    Items are the least indented ``- id:`` entries of a bank (options and
    prompts are nested deeper), so the last such line above the error names it.
    """
    pattern = re.compile(r"^(\s*)-\s+id:\s*['\"]?([a-z0-9][a-z0-9-]*)")
    found = [(len(m.group(1)), n, m.group(2)) for n, raw in enumerate(text.splitlines())
             if (m := pattern.match(raw))]
    if not found:
        return None
    indent = min(f[0] for f in found)
    above = [name for ind, n, name in found if ind == indent and n < line]
    return above[-1] if above else None


# --------------------------------------------------------------------------- rendering


def _fmt(value: Any, spec: str | None) -> str:
    if spec:
        return format(value, spec)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render(template: str, values: Mapping[str, Resolved]) -> str:
    """Replace ``{{ name }}`` / ``{{ name:.1f }}`` in ``template`` with resolved values.

    Raises
    ------
    KeySpecError
        If a placeholder names no value or its format does not fit the value.
    """

    def sub(match: re.Match) -> str:
        name, spec = match.group(1), match.group(2)
        if name not in values:
            raise KeySpecError(f"placeholder {{{{ {name} }}}} names no value of the item")
        try:
            return _fmt(values[name].value, spec)
        except (ValueError, TypeError) as exc:
            raise KeySpecError(f"placeholder {{{{ {name}:{spec} }}}}: {exc}") from exc

    return _PLACEHOLDER.sub(sub, template)


# --------------------------------------------------------------------------- building items


def _build_item(raw: LineDict, bank: str, file: str) -> Item:
    """Resolve the numbers of one item read by :func:`_read_bank` and render its texts."""
    item_id = raw["id"]

    def fail(message: str, key: str | None = None) -> BankError:
        line = raw.key_lines.get(key, raw.line) if key else raw.line
        return BankError(message, file, item_id, line)

    try:
        values = resolve_all(raw.get("values") or {})
    except KeySpecError as exc:
        raise fail(str(exc), "values") from exc
    qtype = types.of(raw["type"])
    try:
        fields, values = qtype.resolve(raw, values)
    except ItemCheck as exc:
        raise fail(str(exc), exc.key) from exc
    cited = set(raw["sources"])
    for name, res in values.items():
        missing = sorted(res.sources - cited)
        if missing:
            raise fail(f"value {name!r} comes from {', '.join(missing)}, which the item does not"
                       " list in 'sources'", "sources")

    templates: dict[str, str] = {}

    def text(field_name: str, template: str, key: str) -> str:
        templates[field_name] = template
        try:
            return render(template, values)
        except KeySpecError as exc:
            raise fail(f"{field_name}: {exc}", key) from exc

    def options(kind: str) -> tuple[Option, ...]:
        out = []
        seen = set()
        for opt in raw.get(kind) or ():
            if opt["id"] in seen:
                raise BankError(f"duplicate {kind[:-1]} id {opt['id']!r}", file, item_id, opt.line)
            seen.add(opt["id"])
            out.append(Option(
                opt["id"],
                text(f"{kind}.{opt['id']}.text", opt["text"], kind),
                text(f"{kind}.{opt['id']}.feedback", opt["feedback"], kind)
                if opt.get("feedback") else "",
            ))
        return tuple(out)

    opts, prompts, choices = options("options"), options("prompts"), options("choices")
    try:
        answer = qtype.check(raw.get("answer"), options=opts, prompts=prompts, choices=choices)
    except ItemCheck as exc:
        raise fail(str(exc), exc.key) from exc
    tol = raw.get("tolerance") or {}
    feedback = {}
    for k, v in (raw.get("feedback") or {}).items():
        feedback[k] = text(f"feedback.{k}", v, "feedback")
    return Item(
        id=item_id,
        type=qtype.NAME,
        stem=text("stem", raw["stem"], "stem"),
        explanation=text("explanation", raw["explanation"], "explanation"),
        objective=raw["objective"],
        bloom=raw["bloom"],
        difficulty=raw["difficulty"],
        topics=tuple(raw["topics"]),
        lesson=raw["lesson"],
        sources=tuple(raw["sources"]),
        options=opts,
        answer=answer,
        prompts=prompts,
        choices=choices,
        key=fields.get("key"),
        unit=fields.get("unit"),
        tolerance_abs=tol.get("absolute"),
        tolerance_rel=tol.get("relative"),
        feedback=feedback,
        citations=tuple(cite(k) for k in raw["sources"]),
        values=values,
        shuffle=bool(raw.get("shuffle", True)),
        vignette=bool(raw.get("vignette", False)),
        bank=bank,
        file=file,
        line=raw.line,
        templates=templates,
    )


def _read_bank(path: Path) -> tuple[LineDict, str]:
    """Read one bank and check its YAML, schema, name, item ids, lessons and source keys.

    Returns the document and its file name; resolving the numbers is :func:`_build_item`'s.
    """
    file = relative_name(path)
    try:
        doc = documents.load(path, questions_dir() / "schema.json", file)
    except documents.DocumentError as exc:
        raise _bank_error(exc) from exc
    if path.stem != doc["bank"]:
        raise BankError(f"bank {doc['bank']!r} must live in {doc['bank']}.yaml", file, None,
                        doc.key_lines.get("bank"))
    seen: dict[str, int] = {}
    for raw in doc["items"]:
        if raw["id"] in seen:
            raise BankError(f"duplicate item id (first at line {seen[raw['id']]})", file,
                            raw["id"], raw.line)
        seen[raw["id"]] = raw.line
    lessons, refs = _lessons(), references()
    for raw in doc["items"]:
        if raw["lesson"] not in lessons:
            raise BankError(f"lesson {raw['lesson']!r} is not in the lesson map; known: "
                            f"{', '.join(sorted(lessons))}", file, raw["id"],
                            raw.key_lines.get("lesson", raw.line))
        for key in raw["sources"]:
            if key not in refs:
                raise BankError(f"source key {key!r} does not resolve in data/references.json", file,
                                raw["id"], raw.key_lines.get("sources", raw.line))
    return doc, file


def _lessons() -> set[str]:
    from widgets.core.catalog import LESSONS

    return {lesson.stem for lesson in LESSONS}


def load_bank(path: str | Path) -> Bank:
    """Read, validate and resolve one bank file.

    Raises
    ------
    BankError
        Naming the file, the item id and the line of the first problem: YAML
        syntax, schema violations (all of them, sorted by line, in the
        message), unknown lessons or source keys, numbers that cannot be
        resolved, and answers that name no option.
    """
    return _build_bank(*_read_bank(Path(path)))


def _build_bank(doc: LineDict, file: str) -> Bank:
    items = tuple(_build_item(raw, doc["bank"], file) for raw in doc["items"])
    return Bank(doc["bank"], doc["title"], file, items)


def _bank_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _load_bank_cached(path: str, mtime_ns: int, size: int) -> Bank:
    return _build_bank(*_read_bank_cached(path, mtime_ns, size))


@functools.lru_cache(maxsize=64)
def _read_bank_cached(path: str, mtime_ns: int, size: int) -> tuple[LineDict, str]:
    return _read_bank(Path(path))


@functools.lru_cache(maxsize=1024)
def _item_cached(path: str, mtime_ns: int, size: int, item_id: str) -> Item:
    doc, file = _read_bank_cached(path, mtime_ns, size)
    raw = next(r for r in doc["items"] if r["id"] == item_id)
    return _build_item(raw, doc["bank"], file)


@functools.lru_cache(maxsize=64)
def _scan_bank(path: str, mtime_ns: int, size: int) -> tuple[frozenset[str], tuple[tuple[str, int], ...]]:
    """Return the lessons a bank serves and its item ids with their lines, without validating it.

    Reading the YAML alone is cheap; validating and resolving a bank is not, so a
    lesson's quiz builds only the banks that hold its items. libyaml composes every
    bank in about 30 ms of CPU, once per kernel (loading them takes 70-90 ms). A
    hand-written scan of the text did it in 4 ms, but that saved a lesson's quiz cell
    only 0.02-0.06 s of CPU (lesson 00, cold) in lessons of 2-4 s, so the YAML parser
    does it. A bank that cannot be scanned is returned as serving every lesson, so
    that the full load reports its error.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=SafeLoader)  # noqa: S506
        items_node = next(v for k, v in root.value if k.value == "items")
        lessons_found, id_lines = set(), []
        for node in items_node.value:
            fields = {k.value: v for k, v in node.value if isinstance(v, yaml.ScalarNode)}
            lessons_found.add(fields["lesson"].value if "lesson" in fields else "")
            if "id" in fields:
                id_lines.append((fields["id"].value, fields["id"].start_mark.line + 1))
        lessons, ids = frozenset(lessons_found), tuple(id_lines)
    except Exception:  # noqa: BLE001  (the full load names the problem)
        return frozenset({"*"}), ()
    return lessons, ids


def _check_unique_ids(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Item ids must be unique across banks: the progress store keys answers by id.

    Returns the files' stamps (checked once per set of file versions).
    """
    stamps = tuple(_stamp(p) for p in files)
    _check_unique_ids_cached(stamps)
    return stamps


@functools.lru_cache(maxsize=8)
def _check_unique_ids_cached(stamps: tuple[tuple[str, int, int], ...]) -> None:
    seen: dict[str, str] = {}
    for stamp in stamps:
        file = relative_name(Path(stamp[0]))
        for item_id, line in _scan_bank(*stamp)[1]:
            if item_id in seen and seen[item_id] != file:
                raise BankError(f"item id also used in {seen[item_id]}", file, item_id, line)
            seen.setdefault(item_id, file)


def load_banks(directory: str | Path | None = None) -> tuple[Bank, ...]:
    """Load every bank in ``data/questions`` (each cached until its file changes).

    Item ids must be unique across banks: the progress store keys answers by id.
    """
    folder = Path(directory) if directory else questions_dir()
    stamps = _check_unique_ids(_bank_files(folder))
    return tuple(_load_bank_cached(*stamp) for stamp in stamps)


def all_items(directory: str | Path | None = None) -> list[Item]:
    """Return every item of every bank, in bank then file order."""
    return [item for bank in load_banks(directory) for item in bank.items]


def items_for_lesson(lesson: str, directory: str | Path | None = None) -> list[Item]:
    """Return the items of one lesson (across banks), in file order.

    Only the banks that hold items of ``lesson`` are validated and resolved (each
    once per version of its file); ids are still checked across every bank.
    """
    folder = Path(directory) if directory else questions_dir()
    found = []
    for stamp in _check_unique_ids(_bank_files(folder)):
        lessons = _scan_bank(*stamp)[0]
        if lesson in lessons or "*" in lessons:
            found.extend(i for i in _load_bank_cached(*stamp).items if i.lesson == lesson)
    if not found:
        raise KeyError(f"no quiz items for lesson {lesson!r}")
    return found


@dataclass(frozen=True)
class ItemInfo:
    """What the review needs of an item before it is shown: no numbers resolved, no text rendered.

    The due table, mastery per objective and the reference list read only these
    fields; :func:`items_by_id` builds the full :class:`Item` of the few a
    review quiz shows.
    """

    id: str
    lesson: str
    objective: str
    sources: tuple[str, ...]
    bank: str
    file: str
    line: int


@functools.lru_cache(maxsize=64)
def _index_bank_cached(path: str, mtime_ns: int, size: int) -> tuple[ItemInfo, ...]:
    """Index one bank: read and checked (YAML, schema, ids, lessons, source keys), not resolved."""
    doc, file = _read_bank_cached(path, mtime_ns, size)
    return tuple(ItemInfo(raw["id"], raw["lesson"], raw["objective"], tuple(raw["sources"]),
                          doc["bank"], file, raw.line) for raw in doc["items"])


def item_index(directory: str | Path | None = None) -> list[ItemInfo]:
    """Return every item of every bank as an :class:`ItemInfo`, in bank then file order.

    Each bank is read and checked against the schema (ids unique across banks,
    lessons and source keys known) but its numbers are not resolved: about a
    fifth of the cost of :func:`all_items`.
    """
    folder = Path(directory) if directory else questions_dir()
    return [info for stamp in _check_unique_ids(_bank_files(folder))
            for info in _index_bank_cached(*stamp)]


def items_by_id(ids: Sequence[str], directory: str | Path | None = None) -> list[Item]:
    """Return the full items with ``ids``, in that order, resolving only those items."""
    folder = Path(directory) if directory else questions_dir()
    wanted = list(ids)
    found: dict[str, Item] = {}
    for stamp in _check_unique_ids(_bank_files(folder)):
        lessons, id_lines = _scan_bank(*stamp)
        if "*" in lessons:
            _read_bank_cached(*stamp)  # raises the BankError that says what is wrong
        ids_here = {i for i, _ in id_lines}
        for item_id in wanted:
            if item_id in ids_here and item_id not in found:
                found[item_id] = _item_cached(*stamp, item_id)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise KeyError(f"no quiz items {missing}")
    return [found[i] for i in wanted]


def get_item(item_id: str, directory: str | Path | None = None) -> Item:
    """Return the item with id ``item_id``."""
    for item in all_items(directory):
        if item.id == item_id:
            return item
    raise KeyError(f"no quiz item {item_id!r}")
