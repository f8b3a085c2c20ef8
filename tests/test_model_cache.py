"""The disk cache of the model builds (widgets.core.cache): a hit is the build, keys, safety."""

from __future__ import annotations

import ast
import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest

from widgets.anatomy import spine as spine_mod
from widgets.anatomy import vertebra as vertebra_mod
from widgets.anatomy.morphometry import PEDICLE_SERIES_DEFAULT as SERIES
from widgets.core import cache
from widgets.imaging import volume as volume_mod

ROOT = Path(__file__).resolve().parent.parent


def assert_same(a, b, where="value"):
    """Assert two model objects are the same: same types, equal arrays (dtype too), equal labels."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray | np.generic):
        assert a.dtype == b.dtype and np.shape(a) == np.shape(b), where
        assert np.array_equal(a, b, equal_nan=True), where
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            if f.name not in ("spine", "build_seconds"):
                assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _files(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f"{name}-*.npz"))


def test_a_spine_read_from_the_cache_is_the_fresh_build(model_cache, monkeypatch):
    fresh = spine_mod._assemble_spine(SERIES, 0.0)
    first = spine_mod.load_or_build_spine(series=SERIES, spread_sd=0.0)
    assert len(_files(model_cache, "spine")) == 1
    monkeypatch.setattr(spine_mod, "_assemble_spine", lambda *a: pytest.fail("built again"))
    again = spine_mod.load_or_build_spine(series=SERIES, spread_sd=0.0)
    assert again is not first
    assert_same(again, fresh, "spine")
    assert again.parts[0].label == fresh.parts[0].label
    assert not list(model_cache.glob("*.tmp")), "a temporary file was left behind"


def test_a_vertebra_read_from_the_cache_is_the_fresh_build(model_cache, monkeypatch):
    fresh = vertebra_mod._assemble_vertebra("L4", SERIES, 0.0)
    vertebra_mod._build_vertebra.__wrapped__("L4", SERIES, 0.0)
    monkeypatch.setattr(vertebra_mod, "_assemble_vertebra", lambda *a: pytest.fail("built again"))
    assert_same(vertebra_mod._build_vertebra.__wrapped__("L4", SERIES, 0.0), fresh, "L4")


def test_a_volume_read_from_the_cache_is_the_fresh_voxelisation(model_cache, monkeypatch):
    spine = spine_mod.build_spine()
    fresh = volume_mod.voxelise(spine, spine.parts, 2.0)
    volume_mod.load_or_voxelise(series=SERIES, spread_sd=0.0, spacing=2.0)
    monkeypatch.setattr(volume_mod, "voxelise", lambda *a: pytest.fail("voxelised again"))
    hit = volume_mod.load_or_voxelise(series=SERIES, spread_sd=0.0, spacing=2.0)
    assert_same(hit, fresh, "volume")
    assert hit.spine is spine and all(p is q for p, q in zip(hit.parts, spine.parts, strict=True))
    assert hit.outer is not None and all(any(p is q for q in spine.parts) for p in hit.outer.parts)


def test_the_key_changes_with_a_data_file_a_parameter_or_the_code(data_copy, tmp_path):
    params = {"series": SERIES, "spread_sd": 0.0}
    base = vertebra_mod.model_cache_key("spine", params)
    assert vertebra_mod.model_cache_key("spine", params) == base
    assert vertebra_mod.model_cache_key("spine", {**params, "spread_sd": 0.5}) != base
    assert vertebra_mod.model_cache_key("volume", params) != base
    path = data_copy / "assumptions.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = vertebra_mod.model_cache_key("spine", params)
    assert changed != base
    table = sorted((data_copy / "tables").glob("*.csv"))[0]
    table.write_bytes(table.read_bytes() + b"\n")
    assert vertebra_mod.model_cache_key("spine", params) != changed
    src = tmp_path / "builder.py"
    src.write_text("x = 1\n")
    one = cache.cache_key("m", params=params, sources=[src])
    src.write_text("x = 2\n")
    assert cache.cache_key("m", params=params, sources=[src]) != one


def test_the_key_covers_the_anatomy_source():
    names = {p.name for p in cache.source_files("widgets.anatomy", "widgets.core")}
    assert {"spine.py", "vertebra.py", "implicit.py", "morphometry.py", "data.py", "cache.py"} <= names


def test_a_corrupt_file_is_ignored_and_rebuilt(model_cache):
    key = vertebra_mod.model_cache_key("vertebra", {"level": "L2", "series": SERIES, "spread_sd": 0.0})
    path = cache.cache_path("vertebra", key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04 not really a zip file")
    got = vertebra_mod._build_vertebra.__wrapped__("L2", SERIES, 0.0)
    assert_same(got, vertebra_mod._assemble_vertebra("L2", SERIES, 0.0), "L2")
    meta, arrays = cache._read(path, key)  # rewritten, readable
    assert meta and arrays
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # cut short
    assert_same(vertebra_mod._build_vertebra.__wrapped__("L2", SERIES, 0.0), got, "L2")


@pytest.mark.parametrize("value", ["off", "0", "OFF"])
def test_the_cache_is_off_when_the_environment_says_so(value, monkeypatch, tmp_path):
    monkeypatch.setenv("MISS_CACHE_DIR", value)
    monkeypatch.chdir(tmp_path)
    assert cache.cache_dir() is None and cache.cache_path("spine", "k") is None
    calls = []
    codec = cache.Codec([])
    for _ in range(2):
        got = cache.cached("demo", "k", lambda: calls.append(1) or np.arange(3),
                           encode=codec.encode, decode=codec.decode)
        assert np.array_equal(got, np.arange(3))
    assert len(calls) == 2
    assert not list(tmp_path.rglob("*.npz"))


def test_the_default_folder_is_the_users_cache_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("MISS_CACHE_DIR", raising=False)
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("miss-widgets"))


def test_an_unwritable_folder_warns_once_and_builds_in_memory(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MISS_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    monkeypatch.setattr(cache, "_WARNED", set())
    codec = cache.Codec([])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(3):
            got = cache.cached("demo", f"k{n}", lambda: np.arange(4), encode=codec.encode,
                               decode=codec.decode)
            assert np.array_equal(got, np.arange(4))
        vert = vertebra_mod._build_vertebra.__wrapped__("L3", SERIES, 0.0)
    assert vert.level == "L3"
    assert len(caught) == 1, [str(w.message) for w in caught]
    assert "cannot be written" in str(caught[0].message) and "MISS_CACHE_DIR" in str(caught[0].message)


def test_no_pickle_a_pickled_array_in_a_cache_file_is_not_loaded(model_cache):
    key = "f" * 64
    path = cache.cache_path("demo", key)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = b'{"$":"nd","b":"a0","o":0,"s":[1]}'
    meta = np.frombuffer(b'{"key":"' + key.encode() + b'","value":' + value + b'}', np.uint8)
    np.savez(path, __meta__=meta, a0=np.array([{"evil": 1}], dtype=object))  # needs pickle to read
    codec = cache.Codec([])
    got = cache.cached("demo", key, lambda: np.zeros(2), encode=codec.encode, decode=codec.decode)
    assert np.array_equal(got, np.zeros(2))  # the pickled file was refused and rebuilt
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def test_no_pickle_only_named_classes_are_rebuilt_and_objects_refused():
    codec = cache.Codec([])
    with pytest.raises(TypeError, match="cannot cache"):
        codec.encode(np.array([object()], dtype=object))
    with pytest.raises(TypeError, match="cannot cache"):
        codec.encode({"x": object()})
    with pytest.raises(ValueError, match="not allowed"):
        codec.decode({"$": "dc", "c": "Popen", "v": {}}, {})
    tree = ast.parse((ROOT / "widgets/core/cache.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                for a in n.names} | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & {"pickle", "cPickle", "dill", "joblib", "shelve", "marshal"}


def test_the_codec_round_trips_numbers_exactly():
    codec = cache.Codec([])
    value = {"f": 0.1 + 0.2, "neg0": -0.0, "i": 3, "t": (1, [2.5, None]), "s": "é",
             "small": np.array([1e-300, np.pi], dtype=np.float64), "f32": np.float32(1.1),
             "big": np.arange(1000, dtype=np.int16).reshape(10, 100), 2: True}
    meta, arrays = codec.encode(value)
    assert_same(codec.decode(meta, arrays), value)
    assert str(codec.decode(meta, arrays)["neg0"]) == "-0.0"


def test_a_bad_series_still_fails_at_once_with_a_warm_cache(model_cache):
    with pytest.raises(ValueError, match="series must be one of"):
        spine_mod.build_spine("NoSuchSeries")
    with pytest.raises(ValueError, match="spread_sd must be between"):
        spine_mod.build_spine(SERIES, 4.0)
    with pytest.raises(ValueError, match="level must be one of"):
        vertebra_mod.build_vertebra("L9")


def test_the_folder_is_pruned_least_recently_used_first(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("MISS_CACHE_DIR", str(tmp_path))
    codec = cache.Codec([])
    for n in range(4):  # four files of 80 kB, written (and used) one after the other
        cache.cached("demo", f"k{n}", lambda: np.zeros(10_000), encode=codec.encode,
                     decode=codec.decode)
        os.utime(cache.cache_path("demo", f"k{n}"), (1000.0 + n, 1000.0 + n))
    cache.cached("demo", "k0", lambda: pytest.fail("k0 is in the cache"), encode=codec.encode,
                 decode=codec.decode)  # a hit: k0 is now the most recently used
    stale = tmp_path / ".demo-stale.tmp"
    stale.write_bytes(b"cut short")
    os.utime(stale, (1.0, 1.0))
    removed = cache.prune(tmp_path, max_bytes=200_000)
    assert {p.name for p in removed} == {".demo-stale.tmp", cache.cache_path("demo", "k1").name,
                                         cache.cache_path("demo", "k2").name}
    assert cache.cache_path("demo", "k0").exists() and cache.cache_path("demo", "k3").exists()


def test_a_file_appears_whole_or_not_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("MISS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_WARNED", set())
    final = cache.cache_path("demo", "k")
    real_replace, moves = cache.os.replace, []

    def replace(src, dst):
        assert Path(dst) == final and not final.exists()  # nothing at the final name meanwhile
        assert Path(src).parent == tmp_path and Path(src).name.endswith(".tmp")
        with np.load(src, allow_pickle=False) as npz:  # the temporary file is already complete
            assert "__meta__" in npz.files
        moves.append(src)
        real_replace(src, dst)

    monkeypatch.setattr(cache.os, "replace", replace)
    codec = cache.Codec([])
    cache.cached("demo", "k", lambda: np.arange(100.0), encode=codec.encode, decode=codec.decode)
    assert len(moves) == 1 and final.exists() and not list(tmp_path.glob("*.tmp"))

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", fail)
    with pytest.warns(RuntimeWarning, match="disk full"):
        got = cache.cached("demo", "k2", lambda: np.arange(3.0), encode=codec.encode,
                           decode=codec.decode)
    assert np.array_equal(got, np.arange(3.0))
    assert not cache.cache_path("demo", "k2").exists() and not list(tmp_path.glob("*.tmp"))
