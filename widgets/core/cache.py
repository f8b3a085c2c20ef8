"""A content-addressed cache on disk for the expensive, deterministic model builds.

The spine's meshes and the voxel volume take about a second each to build, and they are the
same every time for the same data, parameters and code. :func:`cached` keeps a build's result
in one file named by a **key**: the sha256 of everything the result depends on (the data files
read, the parameters, the source of the modules that build it, the versions of the numerical
libraries and of this module). A change to any of them gives a new key, so a stale file is never
read; it is simply no longer asked for.

Where: ``MISS_CACHE_DIR`` if set, else the user's cache folder
(``platformdirs.user_cache_dir("miss-widgets")``). ``MISS_CACHE_DIR=off`` (or ``0``) turns the
cache off: every build runs in memory, as before.

What a file holds: numpy arrays in an ``.npz`` file, and the rest (labels, numbers, the shape of
the objects) as a small JSON text stored inside it as bytes. Nothing is pickled: the arrays are
read with ``allow_pickle=False`` and the JSON can only rebuild the classes the caller names, by
setting their fields (no constructor or other code runs), so a cache file cannot run code.

Safety: a file is written to a temporary name and moved into place with ``os.replace``, so
kernels running side by side (a class on one hub) never read half a file. A file that cannot be
read or decoded is ignored and rebuilt. A folder that cannot be written falls back to building
in memory, with one warning per folder, never an error. The folder is kept under
:data:`MAX_BYTES`: after each write the least recently used files go (a file read is marked used).
Besides the files, a process remembers only the digests of the files it has hashed (by path, size
and modification time) and which folders it has warned about.

Examples
--------
>>> from widgets.core.cache import cache_key
>>> len(cache_key("demo", params={"n": 1}))
64
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MAX_BYTES", "Codec", "cache_dir", "cache_key", "cache_path", "cached", "file_digest", "prune",
           "source_files"]

ENV = "MISS_CACHE_DIR"
_OFF = ("off", "0", "false", "no")
_META = "__meta__"
#: The most the cache folder holds; the least recently used files go first (:func:`prune`).
MAX_BYTES = 512 * 1024 * 1024
_INLINE = 64  # arrays up to this many numbers go into the JSON (exact: floats keep their repr)
#: Folders already warned about (one warning per folder and process).
_WARNED: set[str] = set()


def cache_dir() -> Path | None:
    """Return the cache folder, or None when ``MISS_CACHE_DIR`` turns the cache off."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in _OFF:
        return None
    if value:
        return Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir("miss-widgets"))


def file_digest(path: Path) -> str:
    """Return the sha256 of a file's bytes (remembered per path, size and modification time)."""
    st = os.stat(path)
    return _digest(str(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def source_files(*packages: str, modules: Iterable[str] = ()) -> list[Path]:
    """Return the ``.py`` files of whole packages and of single modules (dotted names), sorted."""
    import importlib.util

    out: set[Path] = set()
    for name in packages:
        spec = importlib.util.find_spec(name)
        for folder in spec.submodule_search_locations or ():
            out.update(Path(folder).glob("*.py"))
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            out.add(Path(spec.origin))
    return sorted(out)


@functools.cache
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def cache_key(name: str, *, params: Mapping[str, Any] | None = None, files: Iterable[Path] = (),
              sources: Iterable[Path] = (), libraries: Iterable[str] = ("numpy",)) -> str:
    """Return the sha256 (hex) of what a build of ``name`` depends on.

    ``params`` (JSON-able) are the arguments; ``files`` the data files it reads (by name and
    content); ``sources`` the source files of the code that builds it (by name and content);
    ``libraries`` the distributions whose version counts. This module's own source always counts.
    """
    h = hashlib.sha256()
    h.update(f"name={name}\n".encode())
    h.update(json.dumps(dict(params or {}), sort_keys=True, default=str).encode() + b"\n")
    for kind, paths in (("file", files), ("source", [*sources, Path(__file__)])):
        for p in sorted({os.fspath(p) for p in paths}, key=lambda p: (os.path.basename(p), p)):
            h.update(f"{kind}:{os.path.basename(p)}:{file_digest(p)}\n".encode())
    for dist in sorted(set(libraries)):
        h.update(f"lib:{dist}={_version(dist)}\n".encode())
    return h.hexdigest()


def cache_path(name: str, key: str) -> Path | None:
    """Return the file that holds ``name`` under ``key`` (None when the cache is off)."""
    folder = cache_dir()
    return None if folder is None else folder / f"{name}-{key}.npz"


# --------------------------------------------------------------------------- encoding


class Codec:
    """Turn a tree of objects into (JSON-able meta, named arrays) and back, without pickle.

    Handles None, bool, int, float, str, numpy arrays and scalars, lists, tuples, dicts (any
    encodable keys, order kept) and instances of the dataclasses and dict subclasses named in
    ``classes``. Anything else raises ``TypeError`` when encoding. Decoding builds only those
    classes, by setting their fields; an array used twice is stored once and shared again.
    """

    def __init__(self, classes: Iterable[type]):
        self.classes = {c.__qualname__: c for c in classes}

    def encode(self, obj: Any) -> tuple[Any, dict[str, np.ndarray]]:
        """Return the meta tree and the arrays of ``obj``.

        Arrays are packed into one flat buffer per dtype (a file of a few buffers reads in
        milliseconds, one of hundreds of small arrays does not); the meta gives each array's
        buffer, offset and shape.
        """
        chunks: dict[str, list[np.ndarray]] = {}
        sizes: dict[str, int] = {}
        seen: dict[int, dict] = {}
        keep: list[Any] = []  # holds what ``seen`` refers to, so no id is reused meanwhile

        def enc(x: Any) -> Any:
            if x is None or isinstance(x, bool | str):
                return x
            if isinstance(x, np.ndarray | np.generic):
                tag = "nd" if isinstance(x, np.ndarray) else "np"
                a = np.asarray(x)
                if a.dtype.hasobject or a.dtype.kind not in "biufc":
                    raise TypeError(f"cannot cache an array of dtype {a.dtype} (Python objects)")
                if a.size <= _INLINE and a.dtype.kind in "biuf":  # small: inline, exactly
                    return {"$": tag, "d": a.dtype.str, "s": list(a.shape), "v": a.ravel().tolist()}
                if id(x) not in seen:
                    keep.append(x)
                    buf = "buf" + a.dtype.str.replace("<", "le").replace(">", "be").replace("|", "")
                    chunks.setdefault(buf, []).append(a.ravel())
                    seen[id(x)] = {"b": buf, "o": sizes.get(buf, 0), "s": list(a.shape)}
                    sizes[buf] = sizes.get(buf, 0) + a.size
                return {"$": tag, **seen[id(x)]}
            if isinstance(x, int | float):
                return x
            if isinstance(x, tuple | list):
                return {"$": "t" if isinstance(x, tuple) else "l", "v": [enc(v) for v in x]}
            cls = type(x)
            if cls.__qualname__ in self.classes and self.classes[cls.__qualname__] is cls:
                if dataclasses.is_dataclass(x):
                    return {"$": "dc", "c": cls.__qualname__,
                            "v": {f.name: enc(getattr(x, f.name)) for f in dataclasses.fields(x)}}
                if isinstance(x, dict):
                    return {"$": "dict", "c": cls.__qualname__,
                            "v": [[enc(k), enc(v)] for k, v in x.items()]}
            if cls is dict:
                return {"$": "dict", "v": [[enc(k), enc(v)] for k, v in x.items()]}
            raise TypeError(f"cannot cache an object of type {cls.__qualname__}")

        meta = enc(obj)
        return meta, {buf: np.concatenate(parts) for buf, parts in chunks.items()}

    def decode(self, meta: Any, arrays: Mapping[str, np.ndarray]) -> Any:
        """Rebuild the object that :meth:`encode` gave ``meta`` and ``arrays`` for."""
        loaded: dict[tuple, np.ndarray] = {}

        def array(buf: str, offset: int, shape: list[int]) -> np.ndarray:
            key = (buf, offset, tuple(shape))
            if key not in loaded:
                size = math.prod(shape)
                flat = arrays[buf]
                if offset < 0 or offset + size > flat.size:
                    raise ValueError("a cache file's array lies outside its buffer")
                loaded[key] = flat[offset:offset + size].reshape(shape)
            return loaded[key]

        def dec(x: Any) -> Any:
            if not isinstance(x, dict):
                return x
            tag = x["$"]
            if tag in ("nd", "np"):
                if "b" in x:
                    a = array(x["b"], int(x["o"]), x["s"])
                else:
                    a = np.array(x["v"], dtype=np.dtype(x["d"])).reshape(x["s"])
                return a if tag == "nd" else a[()]
            if tag in ("t", "l"):
                items = [dec(v) for v in x["v"]]
                return tuple(items) if tag == "t" else items
            if tag == "dict":
                items = [(dec(k), dec(v)) for k, v in x["v"]]
                if "c" not in x:
                    return dict(items)
                return self._cls(x["c"])(items)
            if tag == "dc":
                cls = self._cls(x["c"])
                obj = object.__new__(cls)
                for name, value in x["v"].items():
                    object.__setattr__(obj, name, dec(value))
                return obj
            raise ValueError(f"unknown tag {tag!r} in a cache file")

        return dec(meta)

    def _cls(self, name: str) -> type:
        if name not in self.classes:
            raise ValueError(f"a cache file names a class that is not allowed: {name!r}")
        return self.classes[name]


# --------------------------------------------------------------------------- files


def _read(path: Path, key: str) -> tuple[Any, dict[str, np.ndarray]]:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
    if meta.get("key") != key:
        raise ValueError("the file's key does not match its name")
    return meta["value"], arrays


def _write(path: Path, key: str, meta: Any, arrays: Mapping[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"key": key, "value": meta}, separators=(",", ":")).encode("utf-8")
    buf = io.BytesIO()
    np.savez(buf, **{_META: np.frombuffer(text, dtype=np.uint8)}, **arrays)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:40]}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getbuffer())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a shared cache is read by every account
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _warn_once(folder: Path, error: Exception) -> None:
    if str(folder) in _WARNED:
        return
    _WARNED.add(str(folder))
    warnings.warn(f"the model cache folder {folder} cannot be written ({error.__class__.__name__}:"
                  f" {error}); models are built in memory instead (set {ENV}=off to silence this)",
                  RuntimeWarning, stacklevel=3)


def cached(name: str, key: str, build: Callable[[], Any], *,
           encode: Callable[[Any], tuple[Any, Mapping[str, np.ndarray]]],
           decode: Callable[[Any, Mapping[str, np.ndarray]], Any]) -> Any:
    """Return ``decode`` of the file for (``name``, ``key``), or ``build()`` and store it.

    ``encode(value)`` gives (JSON-able meta, arrays); ``decode(meta, arrays)`` rebuilds the value.
    A missing, unreadable or undecodable file means a build; a failed write means a warning.
    """
    path = cache_path(name, key)
    if path is None:
        return build()
    try:
        meta, arrays = _read(path, key)
        value = decode(meta, arrays)
    except Exception:  # noqa: BLE001 - missing or damaged: build it again
        pass
    else:
        _touch(path)
        return value
    value = build()
    meta, arrays = encode(value)
    try:
        _write(path, key, meta, arrays)
    except OSError as error:
        _warn_once(path.parent, error)
    else:
        prune(path.parent)
    return value


def _touch(path: Path) -> None:
    """Mark a file as just used (its modification time), so that pruning keeps it."""
    try:
        os.utime(path)
    except OSError:
        pass  # another account's file, or a read-only folder: it is still read


def prune(folder: Path, max_bytes: int | None = None) -> list[Path]:
    """Delete the least recently used cache files until the folder holds at most ``max_bytes``.

    Files of code and data that changed are never asked for again; this keeps them from piling
    up (``MAX_BYTES`` by default). Temporary files left by a write that was cut short go after an
    hour. Returns the files deleted; a file that cannot be deleted is left.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    now = time.time()
    removed = []
    entries = []
    for p in folder.glob("*"):
        try:
            st = p.stat()
        except OSError:
            continue
        if p.name.startswith(".") and p.suffix == ".tmp":
            if now - st.st_mtime > 3600:
                entries.append((0.0, 0, p))  # first to go
            continue
        if p.suffix == ".npz":
            entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    for _, size, p in sorted(entries, key=lambda e: e[0]):
        if total <= limit and size:
            break
        try:
            p.unlink()
        except OSError:
            continue
        total -= size
        removed.append(p)
    return removed
