"""A parse cache for registration exports: an unchanged file is not parsed again.

Reading an export (``pipelines.registrations.reader.read_registration_file``) is pure Python,
cell by cell, so it dominates ingest time on a large programme.  Its result depends only on

* the file's bytes (sha256),
* where the file sits (``source_file``, the path the overrides match) and its event id,
* the ``mapping.yml`` overrides that apply to the file,
* the reader's code: the source of ``reader`` and every ``pipelines.registrations`` module it
  imports (found by reading their imports), and the versions of polars and the spreadsheet
  libraries, plus :data:`CACHE_FORMAT`.

Together these form an entry's key, so a changed file, a moved file, a new override or a
changed reader misses the cache and is parsed afresh; nothing is ever invalidated by time.

Storage (``<data dir>/warehouse/cache/registrations/``): entries are packed into *segments*,
Parquet files of many entries' rows with a ``_cache_key`` column (one for staged rows, one
for quarantined rows per schema), because one file per entry would mean 200,000 small files
for a programme of 100,000 exports.  ``index.parquet`` maps each key to its segments, row
counts and the file manifest (JSON).  Segments are immutable; the index is replaced
atomically.  The cache holds personal data exactly like ``raw.registrations`` and lives
beside the warehouse database; after each warm-up it holds only the files of that warm-up:
the entries of files that changed or left ``raw/`` are removed at once and the segments that
held them rewritten without them, so data taken out of the raw files (an export replaced,
``cci forget --purge-raw``) does not linger here.

Use::

    cache = RegistrationParseCache.for_raw_root(raw_root)
    cache.warm([(path, event_id), ...], raw_root=raw_root, overrides=overrides)   # optional
    result = cache.read(path, event_id, raw_root=raw_root, overrides=overrides)

``warm`` hashes every file, loads the hits from their segments in one pass and parses the
misses — in parallel worker processes when there are many — storing them as one new segment
per worker batch.  ``read`` then returns each file's result from memory (and works without
``warm``, entry by entry).  A file that cannot be read raises the reader's
``RegistrationFileError`` from ``read``, exactly as the reader would; failures are not cached.
Entries parsed by ``read`` alone (without ``warm``) are stored one small segment each, so a
caller reading many files should ``warm`` first.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import pickle
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.registrations import reader
from pipelines.registrations.mapping import HeaderOverrides, load_overrides
from pipelines.registrations.reader import (
    RegistrationFile,
    RegistrationFileError,
    RegistrationFileResult,
    read_registration_file,
)

CACHE_FORMAT = "1"  # bump when the layout of segments or index changes
KEY_COLUMN = "_cache_key"
INDEX_FILE = "index.parquet"
SEGMENT_DIR = "segments"
# Parsing in worker processes pays off beyond this much work (spawning one costs about a second).
PARALLEL_MIN_FILES = 64
PARALLEL_MIN_BYTES = 4 << 20
BATCHES_PER_WORKER = 4
_LIBRARIES = ("polars", "openpyxl", "xlrd", "python-calamine", "fastexcel")

INDEX_SCHEMA = {
    "key": pl.String, "source_file": pl.String, "file_hash": pl.String, "staged_segment": pl.String,
    "quarantined_segment": pl.String, "staged_rows": pl.Int64, "quarantined_rows": pl.Int64,
    "manifest": pl.String, "created_at": pl.Datetime("us", "UTC"), "used_at": pl.Datetime("us", "UTC"),
}


def cache_dir_for(raw_root: Path) -> Path:
    """``<data dir>/warehouse/cache/registrations`` for ``<data dir>/raw``."""
    return Path(raw_root).resolve().parent / "warehouse" / "cache" / "registrations"


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A digest of the reader's code and the libraries it parses with."""
    digest = hashlib.sha256(f"parse-cache/{CACHE_FORMAT}".encode())
    for module in sorted(_reader_modules("pipelines.registrations.reader")):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            continue
        digest.update(module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent\0".encode())
    return digest.hexdigest()


def _reader_modules(root: str) -> set[str]:
    """``root`` and every ``pipelines.registrations`` module it imports, transitively."""
    package = "pipelines.registrations"
    found: set[str] = set()
    pending = [root]
    while pending:
        name = pending.pop()
        if name in found:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        found.add(name)
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names if alias.name.startswith(package)]
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package.split(".")[0]):
                pending.append(node.module)
                # `from pipelines.registrations import formats` names modules too
                pending += [f"{node.module}.{alias.name}" for alias in node.names
                            if importlib.util.find_spec(node.module) is not None
                            and _is_module(f"{node.module}.{alias.name}")]
    return {name for name in found if name.startswith(package)}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def entry_key(file_hash: str, source_file: str, registrations_path: str | None, event_id: str | None,
              overrides: HeaderOverrides) -> str:
    """The cache key of one file's parse: everything the reader's output depends on."""
    override = overrides.for_file(registrations_path, event_id)
    parts = {
        "reader": reader_version(),
        "file_hash": file_hash,
        "source_file": source_file,
        "registrations_path": registrations_path,
        "event_id": event_id,
        "override": repr(override),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class _Job:
    path: str
    event_id: str | None
    key: str


@dataclass
class WarmStats:
    files: int = 0
    hits: int = 0
    parsed: int = 0
    failed: int = 0
    workers: int = 0
    evicted: int = 0  # entries of files that changed or left raw/, removed from the cache


class RegistrationParseCache:
    """The parse cache of one data directory (see the module docstring)."""

    def __init__(self, directory: Path, *, workers: int | None = None) -> None:
        self.directory = Path(directory)
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._memory: dict[str, RegistrationFileResult] = {}
        self._index: pl.DataFrame | None = None
        # keys computed by `warm`, reused by `read` while the file's size and mtime are unchanged
        self._keys: dict[tuple[str, str | None, str], tuple[tuple[int, int], str]] = {}
        self.last_warm = WarmStats()

    @classmethod
    def for_raw_root(cls, raw_root: Path, **kwargs: Any) -> RegistrationParseCache:
        """The cache of the data directory that holds ``raw_root``."""
        return cls(cache_dir_for(raw_root), **kwargs)

    # ------------------------------------------------------------------ public API

    def read(self, path: Path, event_id: str | None, raw_root: Path | None = None,
             overrides: HeaderOverrides | None = None) -> RegistrationFileResult:
        """What ``read_registration_file(path, event_id, raw_root, overrides)`` returns, from the cache when it can."""
        path = Path(path)
        overrides = self._overrides(raw_root, overrides)
        key = self._key(path, event_id, raw_root, overrides)
        cached = self._memory.pop(key, None)
        if cached is not None:
            return cached
        index = self._load_index()
        hit = index.filter(pl.col("key") == key)
        if hit.height:
            return self._load(hit)[key]
        result = read_registration_file(path, event_id, raw_root=raw_root, overrides=overrides)
        self._store({key: result})
        return result

    def warm(self, files: Iterable[tuple[Path, str | None]], raw_root: Path | None = None,
             overrides: HeaderOverrides | None = None) -> WarmStats:
        """Make every file's result ready for :meth:`read`: load the hits, parse the misses."""
        overrides = self._overrides(raw_root, overrides)
        jobs = [_Job(str(path), event_id, self._key(Path(path), event_id, raw_root, overrides))
                for path, event_id in files]
        stats = WarmStats(files=len(jobs))
        index = self._load_index()
        wanted = {job.key for job in jobs}
        hits = index.filter(pl.col("key").is_in(list(wanted)))
        if hits.height:
            self._memory.update(self._load(hits))
        stats.hits = hits.height
        known = set(hits["key"].to_list())
        misses = list({job.key: job for job in jobs if job.key not in known}.values())
        if misses:
            parsed, failed, stats.workers = self._parse(misses, raw_root, overrides)
            # A file that failed is read again by `read`, in this process, so that the reader's
            # error keeps every detail (headers found, mapping snippet) that pickling would drop.
            stats.parsed, stats.failed = len(parsed), len(failed)
            self._memory.update(parsed)
        self._mark_used(wanted)
        stats.evicted = self._evict_dead(wanted)
        self.last_warm = stats
        return stats

    def clear(self) -> None:
        """Forget every entry (the directory is removed)."""
        import shutil

        shutil.rmtree(self.directory, ignore_errors=True)
        self._index = None
        self._memory.clear()

    # ------------------------------------------------------------------ keys

    @staticmethod
    def _overrides(raw_root: Path | None, overrides: HeaderOverrides | None) -> HeaderOverrides:
        if overrides is not None:
            return overrides
        return load_overrides(raw_root) if raw_root is not None else HeaderOverrides()

    def _key(self, path: Path, event_id: str | None, raw_root: Path | None, overrides: HeaderOverrides) -> str:
        stat = path.stat()
        signature = (stat.st_size, stat.st_mtime_ns)
        memo = (str(path.resolve()), event_id, repr(overrides))
        known = self._keys.get(memo)
        if known is not None and known[0] == signature:
            return known[1]
        # The reader's own notion of where the file sits (it names source_file and matches overrides).
        source_file, registrations_path, _ = reader._locate(path, raw_root)
        key = entry_key(_sha256(path), source_file, registrations_path, event_id, overrides)
        self._keys[memo] = (signature, key)
        return key

    # ------------------------------------------------------------------ parsing misses

    def _parse(self, jobs: list[_Job], raw_root: Path | None, overrides: HeaderOverrides
               ) -> tuple[dict[str, RegistrationFileResult], set[str], int]:
        size = sum(os.path.getsize(job.path) for job in jobs)
        workers = min(self.workers, len(jobs))
        segment_dir = self.directory / SEGMENT_DIR
        segment_dir.mkdir(parents=True, exist_ok=True)
        root = str(raw_root) if raw_root is not None else None
        if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES and size >= PARALLEL_MIN_BYTES:
            outcomes = _run_workers(_batches(jobs, workers * BATCHES_PER_WORKER), workers, root, overrides,
                                    segment_dir)
        else:
            workers = 1
            outcomes = [_parse_batch(jobs, root, overrides, str(segment_dir))]
        entries = pl.concat([o.index for o in outcomes if o.index.height], how="vertical") if any(
            o.index.height for o in outcomes) else pl.DataFrame(schema=INDEX_SCHEMA)
        self._append_index(entries)
        parsed = self._load(entries) if entries.height else {}
        failed = {key for o in outcomes for key in o.failed}
        return parsed, failed, workers

    # ------------------------------------------------------------------ storage

    def _store(self, results: dict[str, RegistrationFileResult]) -> None:
        segment_dir = self.directory / SEGMENT_DIR
        segment_dir.mkdir(parents=True, exist_ok=True)
        self._append_index(_write_segments(results, segment_dir))

    def _load_index(self) -> pl.DataFrame:
        if self._index is None:
            path = self.directory / INDEX_FILE
            self._index = pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=INDEX_SCHEMA)
        return self._index

    def _save_index(self, index: pl.DataFrame) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f".{INDEX_FILE}.{uuid.uuid4().hex}"
        index.write_parquet(temporary)
        os.replace(temporary, self.directory / INDEX_FILE)
        self._index = index

    def _append_index(self, entries: pl.DataFrame) -> None:
        if not entries.height:
            return
        index = self._load_index().filter(~pl.col("key").is_in(entries["key"].to_list()))
        self._save_index(pl.concat([index, entries.select(list(INDEX_SCHEMA))], how="vertical"))

    def _mark_used(self, keys: set[str]) -> None:
        index = self._load_index()
        if not index.height:
            return
        now = _now()
        self._save_index(index.with_columns(
            pl.when(pl.col("key").is_in(list(keys))).then(pl.lit(now)).otherwise(pl.col("used_at")).alias("used_at")))

    def _load(self, entries: pl.DataFrame) -> dict[str, RegistrationFileResult]:
        """The results of the given index rows, read from their segments one segment at a time
        (each read once, filtered to the wanted keys, split by key and then let go)."""
        wanted: dict[str, list[str]] = {}
        for column in ("staged_segment", "quarantined_segment"):
            for segment, keys in entries.group_by(column).agg(pl.col("key")).iter_rows():
                wanted.setdefault(segment, []).extend(keys)
        segment_dir = self.directory / SEGMENT_DIR
        by_key: dict[tuple[str, str], pl.DataFrame] = {}
        empty: dict[str, pl.DataFrame] = {}
        for segment, keys in wanted.items():
            frame = pl.scan_parquet(segment_dir / segment).filter(pl.col(KEY_COLUMN).is_in(keys)).collect()
            empty[segment] = frame.clear().drop(KEY_COLUMN)
            for (key,), part in frame.partition_by(KEY_COLUMN, as_dict=True, include_key=False).items():
                by_key[(segment, key)] = part
            del frame
        results = {}
        for entry in entries.iter_rows(named=True):
            key = entry["key"]
            staged, quarantined = (by_key.pop((entry[column], key), empty[entry[column]])
                                   for column in ("staged_segment", "quarantined_segment"))
            results[key] = RegistrationFileResult(
                staged=staged, quarantined=quarantined, file=RegistrationFile(**json.loads(entry["manifest"])))
        return results

    def _evict_dead(self, live: set[str]) -> int:
        """Remove every entry the last warm-up did not use, rewriting the segments that held them
        (with their remaining entries) so that the dead rows are gone from disk."""
        index = self._load_index()
        dead = index.filter(~pl.col("key").is_in(list(live)))
        if not dead.height:
            return 0
        affected = set(dead["staged_segment"].to_list()) | set(dead["quarantined_segment"].to_list())
        touches = pl.col("staged_segment").is_in(list(affected)) | pl.col("quarantined_segment").is_in(list(affected))
        survivors = index.filter(pl.col("key").is_in(list(live)) & touches)
        untouched = index.filter(pl.col("key").is_in(list(live)) & ~touches)
        results = {row["key"]: self._memory[row["key"]] for row in survivors.iter_rows(named=True)
                   if row["key"] in self._memory}
        missing = survivors.filter(~pl.col("key").is_in(list(results)))
        if missing.height:
            results.update(self._load(missing))
        rewritten = (_write_segments(results, self.directory / SEGMENT_DIR) if results
                     else pl.DataFrame(schema=INDEX_SCHEMA))
        rewritten = rewritten.drop("created_at").join(survivors.select("key", "created_at"), on="key", how="left")
        self._save_index(pl.concat([untouched, rewritten.select(list(INDEX_SCHEMA))], how="vertical"))
        for segment in affected:
            (self.directory / SEGMENT_DIR / segment).unlink(missing_ok=True)
        return dead.height


# ---------------------------------------------------------------------- worker side
#
# Workers are separate `python -m pipelines.registrations.parse_cache BATCH` processes rather than
# a multiprocessing pool: a fork would copy polars' and DuckDB's running threads, and a spawned
# pool re-imports the caller's main script, which a Dagster code location or a test runner
# does not expect.  A batch travels as a pickle file; the worker writes its segments and
# pickles the outcome next to it.


@dataclass
class _BatchOutcome:
    index: pl.DataFrame
    failed: list[str]  # keys of files the reader could not read


def _batches(jobs: list[_Job], count: int) -> list[list[_Job]]:
    """``count`` batches of about equal bytes (largest files first, each to the lightest batch)."""
    sized = sorted(jobs, key=lambda job: os.path.getsize(job.path), reverse=True)
    batches: list[list[_Job]] = [[] for _ in range(max(1, min(count, len(jobs))))]
    weights = [0] * len(batches)
    for job in sized:
        lightest = weights.index(min(weights))
        batches[lightest].append(job)
        weights[lightest] += os.path.getsize(job.path)
    return [batch for batch in batches if batch]


def _run_workers(batches: list[list[_Job]], workers: int, raw_root: str | None, overrides: HeaderOverrides,
                 segment_dir: Path) -> list[_BatchOutcome]:
    """Parse the batches in ``workers`` worker processes at a time."""
    outcomes: list[_BatchOutcome] = []
    with tempfile.TemporaryDirectory(prefix="parse-cache-", dir=segment_dir.parent) as scratch:
        pending = []
        for number, batch in enumerate(batches):
            path = Path(scratch) / f"batch-{number}.pickle"
            path.write_bytes(pickle.dumps((batch, raw_root, overrides, str(segment_dir))))
            pending.append(path)
        running: list[tuple[Path, subprocess.Popen]] = []
        while pending or running:
            while pending and len(running) < workers:
                path = pending.pop(0)
                command = [sys.executable, "-m", "pipelines.registrations.parse_cache", str(path)]
                running.append((path, subprocess.Popen(command, stderr=subprocess.PIPE)))
            path, process = running.pop(0)
            _, stderr = process.communicate()
            if process.returncode != 0:
                for _, other in running:
                    other.kill()
                raise RuntimeError(f"registration parse worker failed ({process.returncode}): "
                                   f"{stderr.decode(errors='replace')[-2000:]}")
            outcomes.append(pickle.loads(path.with_suffix(".out").read_bytes()))
    return outcomes


def _parse_batch(jobs: list[_Job], raw_root: str | None, overrides: HeaderOverrides,
                 segment_dir: str) -> _BatchOutcome:
    """Parse files and write their rows as segments (runs in a worker process or inline)."""
    root = Path(raw_root) if raw_root is not None else None
    results: dict[str, RegistrationFileResult] = {}
    failed: list[str] = []
    for job in jobs:
        try:
            results[job.key] = read_registration_file(Path(job.path), job.event_id, raw_root=root,
                                                      overrides=overrides)
        except RegistrationFileError:
            failed.append(job.key)
    index = _write_segments(results, Path(segment_dir)) if results else pl.DataFrame(schema=INDEX_SCHEMA)
    return _BatchOutcome(index, failed)


def _write_segments(results: dict[str, RegistrationFileResult], segment_dir: Path) -> pl.DataFrame:
    """One staged and one quarantined segment per distinct frame schema; returns the index rows."""
    segment_dir.mkdir(parents=True, exist_ok=True)
    now = _now()
    names: dict[tuple[str, tuple], str] = {}
    grouped: dict[tuple[str, tuple], list[pl.DataFrame]] = {}
    placed: dict[str, dict[str, str]] = {}
    for key, result in results.items():
        placed[key] = {}
        for kind, frame in (("staged", result.staged), ("quarantined", result.quarantined)):
            signature = (kind, tuple((name, str(dtype)) for name, dtype in frame.schema.items()))
            if signature not in names:
                names[signature] = f"{kind}-{uuid.uuid4().hex}.parquet"
                grouped[signature] = []
            grouped[signature].append(frame.with_columns(pl.lit(key).alias(KEY_COLUMN)))
            placed[key][kind] = names[signature]
    for signature, frames in grouped.items():
        segment = pl.concat(frames, how="vertical").sort(KEY_COLUMN, maintain_order=True)
        temporary = segment_dir / f".{names[signature]}.tmp"
        segment.write_parquet(temporary, statistics=True, row_group_size=64_000)
        os.replace(temporary, segment_dir / names[signature])
    return pl.DataFrame(
        {
            "key": list(results),
            "source_file": [r.file.source_file for r in results.values()],
            "file_hash": [r.file.file_hash for r in results.values()],
            "staged_segment": [placed[k]["staged"] for k in results],
            "quarantined_segment": [placed[k]["quarantined"] for k in results],
            "staged_rows": [r.staged.height for r in results.values()],
            "quarantined_rows": [r.quarantined.height for r in results.values()],
            "manifest": [json.dumps(r.file.to_dict(), ensure_ascii=False) for r in results.values()],
            "created_at": [now] * len(results),
            "used_at": [now] * len(results),
        },
        schema=INDEX_SCHEMA,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _worker_main(batch_file: str) -> None:
    jobs, raw_root, overrides, segment_dir = pickle.loads(Path(batch_file).read_bytes())
    outcome = _parse_batch(jobs, raw_root, overrides, segment_dir)
    Path(batch_file).with_suffix(".out").write_bytes(pickle.dumps(outcome))


if __name__ == "__main__":
    # Run through the module's importable name, so the outcome pickles as
    # pipelines.registrations.parse_cache._BatchOutcome rather than __main__._BatchOutcome.
    from pipelines.registrations import parse_cache

    parse_cache._worker_main(sys.argv[1])
