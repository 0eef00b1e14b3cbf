"""The registration parse cache: a cached read is exactly a fresh read, and anything the parse
depends on (the file's bytes, the reader's code, the overrides, the event) misses the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipelines.demo.scale import generate_programme
from pipelines.registrations import parse_cache
from pipelines.registrations.parse_cache import RegistrationParseCache, _reader_modules
from pipelines.registrations.reader import RegistrationFileError, read_registration_file


@pytest.fixture(scope="module")
def source_raw(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("programme")
    generate_programme(data_dir, 1_500, seed=11, progress=False, include_reference_files=False)
    return data_dir / "raw"


@pytest.fixture
def raw(source_raw, tmp_path) -> Path:
    """A private copy of the raw files (tests change them)."""
    copy = tmp_path / "raw"
    shutil.copytree(source_raw, copy)
    return copy


def _files(raw: Path) -> list[tuple[Path, str]]:
    return [(path, path.parent.name) for path in sorted((raw / "registrations").rglob("*.*"))]


def _assert_same(cached, fresh) -> None:
    assert_frame_equal(cached.staged, fresh.staged)
    assert_frame_equal(cached.quarantined, fresh.quarantined)
    assert cached.file == fresh.file


def test_the_fixture_has_every_kind_of_export(raw):
    suffixes = {path.suffix for path, _ in _files(raw)}
    assert suffixes == {".csv", ".xlsx"}
    assert any(not _utf8(path) for path, _ in _files(raw) if path.suffix == ".csv")  # cp1251


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_a_cached_read_equals_a_fresh_read(raw, tmp_path):
    files = _files(raw)
    cache = RegistrationParseCache(tmp_path / "cache", workers=1)
    first = cache.warm(files, raw_root=raw)
    assert (first.hits, first.parsed) == (0, len(files))
    from_parse = {path: cache.read(path, event, raw_root=raw) for path, event in files}

    reopened = RegistrationParseCache(tmp_path / "cache", workers=1)  # from disk only
    second = reopened.warm(files, raw_root=raw)
    assert (second.hits, second.parsed) == (len(files), 0)
    for path, event in files:
        fresh = read_registration_file(path, event, raw_root=raw)
        _assert_same(from_parse[path], fresh)
        _assert_same(reopened.read(path, event, raw_root=raw), fresh)


def test_read_without_warming_stores_and_then_hits(raw, tmp_path):
    path, event = _files(raw)[0]
    cache = RegistrationParseCache(tmp_path / "cache", workers=1)
    first = cache.read(path, event, raw_root=raw)
    index = pl.read_parquet(tmp_path / "cache" / parse_cache.INDEX_FILE)
    assert index.height == 1 and index["source_file"][0] == first.file.source_file
    again = RegistrationParseCache(tmp_path / "cache", workers=1).read(path, event, raw_root=raw)
    _assert_same(again, read_registration_file(path, event, raw_root=raw))


def test_changed_bytes_miss_the_cache(raw, tmp_path):
    files = _files(raw)
    cache_dir = tmp_path / "cache"
    RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    path, event = next((p, e) for p, e in files if p.suffix == ".csv" and _utf8(p))
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the last row removed
    cache = RegistrationParseCache(cache_dir, workers=1)
    stats = cache.warm(files, raw_root=raw)
    assert (stats.hits, stats.parsed) == (len(files) - 1, 1)
    result = cache.read(path, event, raw_root=raw)
    fresh = read_registration_file(path, event, raw_root=raw)
    _assert_same(result, fresh)
    assert result.file.rows_read == len([line for line in lines[1:-1] if line.strip()])


def test_a_changed_reader_misses_the_cache(raw, tmp_path, monkeypatch):
    files = _files(raw)
    cache_dir = tmp_path / "cache"
    RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    monkeypatch.setattr(parse_cache, "reader_version", lambda: "another reader")
    stats = RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    assert (stats.hits, stats.parsed) == (0, len(files))


def test_the_reader_version_covers_the_modules_the_reader_imports():
    modules = _reader_modules("pipelines.registrations.reader")
    # reader.py imports formats, normalise, vocabulary and mapping (and formats imports normalise)
    assert {"pipelines.registrations.reader", "pipelines.registrations.formats",
            "pipelines.registrations.normalise", "pipelines.registrations.vocabulary",
            "pipelines.registrations.mapping"} <= modules
    assert "pipelines.registrations.identity" not in modules


def test_a_new_override_or_another_event_misses_the_cache(raw, tmp_path):
    files = _files(raw)
    cache_dir = tmp_path / "cache"
    RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    path, event = files[0]
    (raw / "registrations" / "mapping.yml").write_text(
        f'sources:\n  - event: "{event}"\n    headers:\n      "Comments": ignore\n', encoding="utf-8")
    stats = RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    event_files = [p for p, e in files if e == event]
    assert (stats.hits, stats.parsed) == (len(files) - len(event_files), len(event_files))
    cache = RegistrationParseCache(cache_dir, workers=1)
    moved = cache.read(path, None, raw_root=raw)  # the folder is no longer a known event
    assert moved.staged.height == 0 and set(moved.quarantined["reason_code"]) == {"no_event"}


def test_an_unreadable_file_fails_as_the_reader_does_and_is_not_cached(raw, tmp_path):
    bad = raw / "registrations" / _files(raw)[0][1] / "notes.csv"
    bad.write_text("Kommentti;Päivä\nhyvä;1.1.2016\n", encoding="utf-8")
    cache = RegistrationParseCache(tmp_path / "cache", workers=1)
    stats = cache.warm([(bad, bad.parent.name)], raw_root=raw)
    assert (stats.parsed, stats.failed) == (0, 1)
    with pytest.raises(RegistrationFileError) as cached_error:
        cache.read(bad, bad.parent.name, raw_root=raw)
    with pytest.raises(RegistrationFileError) as fresh_error:
        read_registration_file(bad, bad.parent.name, raw_root=raw)
    assert str(cached_error.value) == str(fresh_error.value)
    assert cached_error.value.mapping_snippet == fresh_error.value.mapping_snippet
    assert not (tmp_path / "cache" / parse_cache.INDEX_FILE).exists()


def test_parallel_workers_give_the_same_results(raw, tmp_path, monkeypatch):
    monkeypatch.setattr(parse_cache, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(parse_cache, "PARALLEL_MIN_BYTES", 1)
    files = _files(raw)
    cache = RegistrationParseCache(tmp_path / "cache", workers=2)
    stats = cache.warm(files, raw_root=raw)
    assert stats.workers == 2 and stats.parsed == len(files)
    for path, event in files:
        _assert_same(cache.read(path, event, raw_root=raw), read_registration_file(path, event, raw_root=raw))


def _segment_keys(cache_dir: Path) -> set[str]:
    return set(pl.concat([pl.read_parquet(p).select(parse_cache.KEY_COLUMN)
                          for p in (cache_dir / parse_cache.SEGMENT_DIR).glob("*.parquet")])[parse_cache.KEY_COLUMN])


def test_files_that_left_raw_are_evicted_with_their_rows(raw, tmp_path):
    files = _files(raw)
    cache_dir = tmp_path / "cache"
    RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    before = pl.read_parquet(cache_dir / parse_cache.INDEX_FILE)
    kept = files[:3]
    cache = RegistrationParseCache(cache_dir, workers=1)
    stats = cache.warm(kept, raw_root=raw)
    assert stats.evicted == len(files) - 3 and stats.hits == 3
    index = pl.read_parquet(cache_dir / parse_cache.INDEX_FILE)
    assert index.height == 3
    segments = {p.name for p in (cache_dir / parse_cache.SEGMENT_DIR).iterdir()}
    assert segments == set(index["staged_segment"]) | set(index["quarantined_segment"])
    # no row of an evicted file is left on disk
    assert _segment_keys(cache_dir) <= set(index["key"])
    assert not _segment_keys(cache_dir) & (set(before["key"]) - set(index["key"]))
    for path, event in kept:
        again = RegistrationParseCache(cache_dir, workers=1).read(path, event, raw_root=raw)
        _assert_same(again, read_registration_file(path, event, raw_root=raw))


def test_the_old_version_of_a_changed_file_is_removed(raw, tmp_path):
    files = _files(raw)
    cache_dir = tmp_path / "cache"
    RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    old_keys = set(pl.read_parquet(cache_dir / parse_cache.INDEX_FILE)["key"])
    path = next(p for p, _ in files if p.suffix == ".csv" and _utf8(p))
    path.write_bytes(path.read_bytes() + b"\n")  # a trailing blank line: the same rows, new bytes
    stats = RegistrationParseCache(cache_dir, workers=1).warm(files, raw_root=raw)
    assert (stats.parsed, stats.evicted) == (1, 1)
    index = pl.read_parquet(cache_dir / parse_cache.INDEX_FILE)
    assert index.height == len(files) and index["source_file"].n_unique() == len(files)
    gone = old_keys - set(index["key"])
    assert len(gone) == 1 and not gone & _segment_keys(cache_dir)
