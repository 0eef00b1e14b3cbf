"""Loading registration exports into the warehouse, reading only the files that changed.

A programme of 100,000 events has 100,000 exports; one new export must not mean reading all
of them again.  The warehouse itself remembers what each file gave:

``raw.registration_parses``
    one row per file read: where it is, its size, modification time and sha256, the *parse
    key* (everything the reader's output depends on), the reader's manifest (JSON) or the
    error that kept it from being read, and its rows read, staged, quarantined and erased
    (erasure moves a row from staged to the quarantine as ``erased``);
``raw.registration_rows``
    every row those reads gave, staged (``reason_code`` null) or quarantined, with lineage;
``raw.registration_files``
    this build's verdict per file (loaded, superseded, duplicate, failed; docs/registrations.md),
    rewritten on every build from the parses and the correction rules;
``raw.registrations``, ``raw.registration_quarantine``, ``raw.registrations_superseded``
    views: the rows of loaded files, staged and quarantined, and every row of superseded files.

A file is read again only when its parse key changes: its bytes (sha256, recomputed only when
its size or modification time changed), its place (path, event folder, whether the event is
known), the ``mapping.yml`` overrides that apply to it, the reader's code and libraries, or the
erasure tombstones in force.  Rows of files that changed or left ``raw/`` are deleted, rows of
new reads inserted, all in one transaction: a failed build leaves the previous state.

Many files are read in worker processes (``spawn``: the parent's DuckDB and polars threads must
not be forked), in batches whose rows go to the warehouse as they arrive, so memory holds a few
batches, never the programme.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl

from pipelines.registrations import erasure
from pipelines.registrations.mapping import HeaderOverrides, load_overrides
from pipelines.registrations.reader import (
    QUARANTINE_SCHEMA,
    STAGED_SCHEMA,
    RegistrationFile,
    RegistrationFileError,
    RegistrationFileResult,
    read_registration_files,
)
from pipelines.registrations.versions import (
    Correction,
    folder_of,
    list_registration_files,
    load_corrections,
    missing_notes,
    plan_versions,
)

PARSES = "raw.registration_parses"
ROWS = "raw.registration_rows"
FILES = "raw.registration_files"
LOADER_FORMAT = "2"  # bump when the stored layout or the parse key's recipe changes

# Reading in worker processes pays off beyond this much work (starting one costs about a second).
PARALLEL_MIN_FILES = 200
BATCH_FILES = 1_000
_LIBRARIES = ("polars", "openpyxl", "xlrd", "lxml")

ROW_SCHEMA: dict[str, pl.DataType] = {
    **{name: dtype for name, dtype in STAGED_SCHEMA.items() if name not in ("source_file", "source_row", "file_hash")},
    "_source_file": pl.String, "_source_row": pl.Int64, "_file_hash": pl.String,
    "reason_code": pl.String, "reason_detail": pl.String, "raw_record": pl.String,
    "_ingested_at": pl.Datetime("us", "UTC"),
}
PARSE_SCHEMA: dict[str, pl.DataType] = {
    "_source_file": pl.String, "registrations_path": pl.String, "folder_event": pl.String,
    "file_size": pl.Int64, "file_mtime_ns": pl.Int64, "_file_hash": pl.String, "parse_key": pl.String,
    "file_format": pl.String, "encoding": pl.String, "manifest": pl.String, "error": pl.String,
    "rows_read": pl.Int64, "rows_staged": pl.Int64,
    "rows_quarantined": pl.Int64, "rows_erased": pl.Int64, "parsed_at": pl.Datetime("us", "UTC"),
}
FILES_SCHEMA: dict[str, pl.DataType] = {
    "_source_file": pl.String, "_file_hash": pl.String, "event_id": pl.String, "file_format": pl.String,
    "encoding": pl.String, "status": pl.String, "error": pl.String, "superseded_by": pl.String,
    "status_detail": pl.String, "rows_read": pl.Int64, "rows_staged": pl.Int64, "rows_quarantined": pl.Int64,
    "rows_erased": pl.Int64, "_ingested_at": pl.Datetime("us", "UTC"),
    "folder": pl.String, "registrations_path": pl.String, "parse_key": pl.String,
}
_STAGED_COLUMNS = ["registration_id", "event_id", "_source_file", "source_sheet", "_source_row", "_file_hash",
                   *[c for c in STAGED_SCHEMA if c not in ("registration_id", "event_id", "source_file",
                                                         "source_sheet", "source_row", "file_hash")],
                   "_ingested_at"]
_QUARANTINE_COLUMNS = ["event_id", "_source_file", "source_sheet", "_source_row", "_file_hash", "reason_code",
                       "reason_detail", "raw_record", "_ingested_at"]


# --------------------------------------------------------------------------------------
# What a parse depends on
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A digest of the reader's code (every ``pipelines.registrations`` module it imports) and
    of the libraries it parses with."""
    digest = hashlib.sha256(f"registration-loader/{LOADER_FORMAT}".encode())
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
        for node in ast.walk(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                pending += [alias.name for alias in node.names if alias.name.startswith(package)]
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(package):
                pending.append(node.module)
                pending += [f"{node.module}.{alias.name}" for alias in node.names
                            if importlib.util.find_spec(f"{node.module}.{alias.name}".rsplit(".", 1)[0]) is not None
                            and _is_module(f"{node.module}.{alias.name}")]
    return {name for name in found if name.startswith(package)}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def parse_key(file_hash: str, source_file: str, registrations_path: str, event_id: str | None,
              override: str, tombstones_digest: str) -> str:
    """Everything one file's reading depends on, as a digest (``override``: the repr of the
    overrides that apply to the file)."""
    return _parse_key(_key_prefix(reader_version(), override, tombstones_digest), file_hash, source_file,
                      registrations_path, event_id)


@lru_cache(maxsize=1024)
def _key_prefix(reader: str, override: str, tombstones_digest: str) -> bytes:
    return "\x1f".join((reader, override, tombstones_digest, "")).encode()


def _parse_key(prefix: bytes, file_hash: str, source_file: str, registrations_path: str, event_id: str | None) -> str:
    parts = "\x1f".join((file_hash, source_file, registrations_path, event_id or "\x00"))
    return hashlib.sha256(prefix + parts.encode()).hexdigest()


def tombstones_digest(tombstones: erasure.Tombstones) -> str:
    keys = sorted(f"{t.kind}|{t.key}|{t.event_id}" for t in tombstones.entries)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest() if keys else ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


@dataclass
class FoundFile:
    path: Path
    source_file: str  # relative to raw/
    registrations_path: str  # relative to registrations/
    folder_event: str
    file_size: int
    file_mtime_ns: int
    file_hash: str = ""
    key: str = ""


@dataclass
class LoadReport:
    """What a load did, for the asset's metadata and the benchmark."""

    files: int = 0
    hashed: int = 0
    parsed: int = 0
    kept: int = 0
    removed: int = 0
    failed: int = 0
    rows_inserted: int = 0
    rows_deleted: int = 0
    workers: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def load_registrations(
    con: duckdb.DuckDBPyConnection,
    raw_root: Path,
    known_events: set[str],
    tombstones: erasure.Tombstones | None = None,
    secret: bytes | None = None,
    *,
    workers: int | None = None,
) -> LoadReport:
    """Bring the registration tables up to date with the exports in ``raw_root`` (see the module
    docstring).  Raises FileNotFoundError when there is no export at all, and
    RegistrationFileError when no export could be loaded."""
    report = LoadReport()
    clock = time.perf_counter()
    tombstones = tombstones or erasure.Tombstones()
    overrides = load_overrides(raw_root)
    found = _find(raw_root)
    if not found:
        raise FileNotFoundError(
            f"No registration exports under {raw_root / 'registrations'}: file each export as "
            "registrations/<event_id>/<file> (see docs/registrations.md)."
        )
    report.files = len(found)
    _create_tables(con)
    previous = con.sql(f"select _source_file, file_size, file_mtime_ns, _file_hash, parse_key from {PARSES}").pl()
    report.hashed = _hash(found, previous)
    digest = tombstones_digest(tombstones)
    reader = reader_version()
    no_overrides = _key_prefix(reader, repr(overrides.for_file(None, None)), digest) if not overrides.sources else None
    for item in found:
        event_id = item.folder_event if item.folder_event in known_events else None
        prefix = no_overrides or _key_prefix(reader, repr(overrides.for_file(item.registrations_path, event_id)),
                                             digest)
        item.key = _parse_key(prefix, item.file_hash, item.source_file, item.registrations_path, event_id)
    report.seconds["find_and_hash"] = round(time.perf_counter() - clock, 3)

    kept_keys = set(previous["parse_key"].to_list())
    to_parse = [item for item in found if item.key not in kept_keys]
    live = {item.key for item in found}
    stale = previous.filter(~pl.col("parse_key").is_in(list(live)))
    report.kept = len(found) - len(to_parse)
    report.removed = stale.height

    now = datetime.now(timezone.utc).replace(microsecond=0)
    # Rows of a read are stored batch by batch as they arrive (memory stays bounded) but stay out
    # of sight until their read is recorded in raw.registration_parses and the files verdict
    # points at it, in one last transaction; rows of a load that died half-way are orphans
    # (no recorded read) and are removed here.
    _remove_orphans(con)
    clock = time.perf_counter()
    new_parses = []
    try:
        for parses, rows in _read(to_parse, raw_root, known_events, overrides, tombstones, secret, now, report):
            new_parses.append(parses)
            if rows.height:
                _append(con, ROWS, rows, {**ROW_SCHEMA, "_parse_key": pl.String})
                report.rows_inserted += rows.height
    except BaseException:
        _remove_orphans(con)
        raise
    report.seconds["read"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    con.execute("begin transaction")
    try:
        for parses in new_parses:
            _append(con, PARSES, parses, PARSE_SCHEMA)
        if stale.height:
            con.register("_stale_parses", stale.select("_source_file", "parse_key").to_arrow())
            report.rows_deleted = con.execute(
                f"delete from {ROWS} where _parse_key in (select parse_key from _stale_parses)").fetchall()[0][0]
            con.execute(f"delete from {PARSES} where parse_key in (select parse_key from _stale_parses)")
            con.unregister("_stale_parses")
        report.failed = _write_files(con, found, raw_root, report)
        _create_views(con)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        _remove_orphans(con)
        raise
    report.seconds["files_and_views"] = round(time.perf_counter() - clock, 3)
    return report


def _remove_orphans(con: duckdb.DuckDBPyConnection) -> None:
    """Delete stored rows whose read is not recorded (a load that stopped half-way)."""
    con.execute(f"delete from {ROWS} where _parse_key not in (select parse_key from {PARSES})")


def _find(raw_root: Path) -> list[FoundFile]:
    root = str(Path(raw_root)) + os.sep
    base = len(root) + len("registrations") + 1
    found = []
    for path, folder_event in list_registration_files(raw_root):
        text = str(path)
        stat = os.stat(text)
        found.append(FoundFile(path, text[len(root):].replace(os.sep, "/"), text[base:].replace(os.sep, "/"),
                               folder_event, stat.st_size, stat.st_mtime_ns))
    return found


def _hash(found: list[FoundFile], previous: pl.DataFrame) -> int:
    """sha256 of each file, reusing the stored one while size and modification time are unchanged."""
    known = {(r[0], r[1], r[2]): r[3] for r in previous.select(
        "_source_file", "file_size", "file_mtime_ns", "_file_hash").iter_rows()}
    hashed = 0
    for item in found:
        stored = known.get((item.source_file, item.file_size, item.file_mtime_ns))
        if stored:
            item.file_hash = stored
        else:
            item.file_hash = _sha256(item.path)
            hashed += 1
    return hashed


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    stored = {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'raw' and database_name = current_database()"
    ).fetchall()}
    for table, schema in ((PARSES, PARSE_SCHEMA), (ROWS, {**ROW_SCHEMA, "_parse_key": pl.String})):
        if table.split(".")[1] in stored and _layout(con, table) == list(schema):
            continue
        # a table from an older layout (or none): start afresh; every file is read again
        con.execute(f"drop table if exists {table}")
        empty = pl.DataFrame(schema=schema).to_arrow()
        con.register("_empty", empty)
        con.execute(f"create table {table} as select * from _empty")
        con.unregister("_empty")
        if table == ROWS:
            con.execute(f"delete from {PARSES}")


def _layout(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    return [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall()]


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, schema: dict) -> None:
    con.register("_incoming", frame.select(list(schema)).to_arrow())
    con.execute(f"insert into {table} select * from _incoming")
    con.unregister("_incoming")


# --------------------------------------------------------------------------------------
# Reading files (in worker processes when there are many)
# --------------------------------------------------------------------------------------


def _read(to_parse: list[FoundFile], raw_root: Path, known_events: set[str], overrides: HeaderOverrides,
          tombstones: erasure.Tombstones, secret: bytes | None, now: datetime,
          report: LoadReport) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """(parses, rows) per batch of files, as the batches are read."""
    jobs = [(str(item.path), item.folder_event if item.folder_event in known_events else None) for item in to_parse]
    batches = [list(range(start, min(start + BATCH_FILES, len(jobs)))) for start in range(0, len(jobs), BATCH_FILES)]
    count = workers_for(len(jobs))
    report.workers = count
    report.parsed = len(jobs)
    if count <= 1:
        results = (_read_batch([jobs[i] for i in batch], str(raw_root), overrides) for batch in batches)
        for batch, result in zip(batches, results):
            yield _stored(batch, result, to_parse, tombstones, secret, now)
        return
    context = multiprocessing.get_context("spawn")
    # one polars thread per worker: the workers already fill the cores
    with _environment(POLARS_MAX_THREADS="1"), ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        # a few batches ahead of the one being stored: workers stay busy, memory stays bounded
        pending: list[tuple[list[int], object]] = []
        queue = iter(batches)
        for batch in queue:
            pending.append((batch, pool.submit(_read_batch, [jobs[i] for i in batch], str(raw_root), overrides)))
            if len(pending) >= 2 * count:
                break
        while pending:
            batch, future = pending.pop(0)
            result = future.result()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.submit(_read_batch, [jobs[i] for i in following], str(raw_root),
                                                       overrides)))
            yield _stored(batch, result, to_parse, tombstones, secret, now)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Environment variables for the processes started inside (the parent's libraries already read theirs)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def workers_for(files: int) -> int:
    """Worker processes for reading this many files (``CCI_INGEST_WORKERS`` overrides)."""
    configured = os.environ.get("CCI_INGEST_WORKERS")
    if configured:
        return max(1, int(configured))
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, (files + BATCH_FILES - 1) // BATCH_FILES))


def _read_batch(jobs: list[tuple[str, str | None]], raw_root: str, overrides: HeaderOverrides) -> dict:
    """Read a batch of files (runs in a worker); errors travel as text."""
    batch = read_registration_files([(Path(p), e) for p, e in jobs], raw_root=Path(raw_root), overrides=overrides)
    files = [outcome if isinstance(outcome, RegistrationFile) else str(outcome) for outcome in batch.files]
    return {"staged": batch.staged, "quarantined": batch.quarantined, "files": files}


def _stored(batch: list[int], result: dict, to_parse: list[FoundFile], tombstones: erasure.Tombstones,
            secret: bytes | None, now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The parse records and rows of one batch, with erasure applied, as stored."""
    staged, quarantined = result["staged"], result["quarantined"]
    items = [to_parse[i] for i in batch]
    erased_counts = [0] * len(items)
    if tombstones:
        staged, quarantined, erased_counts = _erase(staged, quarantined, items, result["files"], tombstones, secret)
    staged_counts = _counts(staged, len(items))
    quarantined_counts = _counts(quarantined, len(items))
    keys = pl.Series("_parse_key", [item.key for item in items], dtype=pl.String)
    parses = pl.DataFrame({
        "_source_file": [item.source_file for item in items],
        "registrations_path": [item.registrations_path for item in items],
        "folder_event": [item.folder_event for item in items],
        "file_size": [item.file_size for item in items],
        "file_mtime_ns": [item.file_mtime_ns for item in items],
        "_file_hash": [item.file_hash for item in items],
        "parse_key": keys,
        "file_format": [f.format if isinstance(f, RegistrationFile) else item.path.suffix.lower().lstrip(".")
                        for f, item in zip(result["files"], items)],
        "encoding": [f.encoding if isinstance(f, RegistrationFile) else None for f in result["files"]],
        "manifest": [json.dumps(f.to_dict(), ensure_ascii=False, default=str) if isinstance(f, RegistrationFile)
                     else None for f in result["files"]],
        "error": [f if isinstance(f, str) else None for f in result["files"]],
        "rows_read": [f.rows_read if isinstance(f, RegistrationFile) else 0 for f in result["files"]],
        "rows_staged": staged_counts,
        "rows_quarantined": quarantined_counts,
        "rows_erased": erased_counts,
        "parsed_at": [now] * len(items),
    }, schema=PARSE_SCHEMA)
    lineage = {"source_file": "_source_file", "source_row": "_source_row", "file_hash": "_file_hash"}
    rows = pl.concat([
        staged.rename(lineage).with_columns(*(pl.lit(None, dtype=pl.String).alias(c)
                                              for c in ("reason_code", "reason_detail", "raw_record"))),
        quarantined.rename(lineage),
    ], how="diagonal_relaxed").with_columns(
        pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias("_ingested_at"),
        keys.gather(pl.concat([staged["_file"], quarantined["_file"]]).cast(pl.Int64)).alias("_parse_key")
        if staged.height + quarantined.height else pl.lit(None, dtype=pl.String).alias("_parse_key"),
    )
    return parses, rows.select(*ROW_SCHEMA, "_parse_key").cast({**ROW_SCHEMA, "_parse_key": pl.String})


def _counts(rows: pl.DataFrame, files: int) -> list[int]:
    counts = [0] * files
    for position, count in rows.group_by("_file").len().iter_rows():
        counts[position] = count
    return counts


def _erase(staged: pl.DataFrame, quarantined: pl.DataFrame, items: list[FoundFile], files: list,
           tombstones: erasure.Tombstones, secret: bytes | None) -> tuple[pl.DataFrame, pl.DataFrame, list[int]]:
    """Erasure tombstones file by file (erasure works on one file's result)."""
    staged_parts, quarantined_parts, counts = [], [], []
    for position, (item, manifest) in enumerate(zip(items, files)):
        mine_staged = staged.filter(pl.col("_file") == position).drop("_file")
        mine_quarantined = quarantined.filter(pl.col("_file") == position).drop("_file")
        if not isinstance(manifest, RegistrationFile):
            counts.append(0)
            continue
        erased = erasure.apply_tombstones(RegistrationFileResult(mine_staged, mine_quarantined, manifest),
                                          item.folder_event, tombstones, secret)
        file_column = pl.lit(position, dtype=pl.UInt32).alias("_file")
        staged_parts.append(erased.staged.select(file_column, *STAGED_SCHEMA))
        quarantined_parts.append(erased.quarantined.select(file_column, *QUARANTINE_SCHEMA))
        counts.append(erased.rows_erased)
    empty_staged = pl.DataFrame(schema={"_file": pl.UInt32, **STAGED_SCHEMA})
    empty_quarantined = pl.DataFrame(schema={"_file": pl.UInt32, **QUARANTINE_SCHEMA})
    return (pl.concat(staged_parts) if staged_parts else empty_staged,
            pl.concat(quarantined_parts) if quarantined_parts else empty_quarantined, counts)


# --------------------------------------------------------------------------------------
# This build's verdict per file, and the views
# --------------------------------------------------------------------------------------


FOLDERS = "raw.registration_folders"


def _write_files(con: duckdb.DuckDBPyConnection, found: list[FoundFile], raw_root: Path, report: LoadReport) -> int:
    """raw.registration_files from the stored parses and the correction rules; the number failed.

    The rules work within one event folder, so only the folders whose files, contents or
    declared corrections changed are planned again; the others keep their rows."""
    parses = con.sql(f"select parse_key, error, file_format, encoding, rows_read, rows_staged, rows_quarantined, "
                     f"rows_erased, parsed_at from {PARSES}").pl()
    current = pl.DataFrame({
        "_source_file": [item.source_file for item in found],
        "registrations_path": [item.registrations_path for item in found],
        "folder": [item.folder_event for item in found],
        "_file_hash": [item.file_hash for item in found],
        "parse_key": [item.key for item in found],
    }).join(parses, on="parse_key", how="left")
    corrections = load_corrections(raw_root)
    by_folder: dict[str, list[Correction]] = {}
    for correction in corrections:
        by_folder.setdefault(folder_of(correction.file), []).append(correction)
    signatures = current.group_by("folder").agg(
        # a file's read (parse key: content, place, overrides, reader, tombstones) decides its counts
        pl.concat_str("registrations_path", "parse_key", separator="|")
        .sort().str.join("\n").alias("_files")
    ).with_columns(
        pl.col("folder").map_elements(lambda f: repr(sorted(by_folder.get(f, []), key=repr)), return_dtype=pl.String)
        .alias("_corrections")
    ).select("folder", (pl.col("_files") + "\n" + pl.col("_corrections")).alias("signature"))
    previous = con.sql(f"select folder, signature from {FOLDERS}").pl() if _exists(con, FOLDERS) else None
    kept_folders: set[str] = set()
    if previous is not None and _exists(con, FILES) and "parse_key" in _layout(con, FILES):
        kept_folders = set(signatures.join(previous, on=["folder", "signature"], how="semi")["folder"].to_list())
    report.notes = missing_notes(corrections, set(current["registrations_path"].to_list()))

    replan = current.filter(~pl.col("folder").is_in(list(kept_folders)))
    planned = _plan(replan, by_folder)
    kept = (con.sql(f"select * from {FILES}").pl().filter(pl.col("folder").is_in(list(kept_folders)))
            if kept_folders else pl.DataFrame(schema=FILES_SCHEMA))
    frame = pl.concat([kept.select(list(FILES_SCHEMA)).cast(FILES_SCHEMA), planned.select(list(FILES_SCHEMA))],
                      how="vertical")
    frame = frame.sort("_source_file")
    con.register("_files", frame.to_arrow())
    con.execute(f"create or replace table {FILES} as select * from _files")
    con.unregister("_files")
    con.register("_folders", signatures.to_arrow())
    con.execute(f"create or replace table {FOLDERS} as select * from _folders")
    con.unregister("_folders")
    return int((frame["status"] == "failed").sum())


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(con.execute("select count(*) from duckdb_tables() where schema_name = ? and table_name = ? "
                            "and database_name = current_database()", [schema, name]).fetchall()[0][0])


def _plan(files: pl.DataFrame, corrections: dict[str, list[Correction]]) -> pl.DataFrame:
    """Status and counts of the files of some event folders (their own corrections apply)."""
    if files.height == 0:
        return pl.DataFrame(schema=FILES_SCHEMA)
    readable = dict(files.filter(pl.col("error").is_null()).select("registrations_path", "_file_hash").iter_rows())
    folders = set(files["folder"].to_list())
    plan = plan_versions(readable, [c for f in folders for c in corrections.get(f, [])],
                         present=set(files["registrations_path"].to_list()))
    rows = []
    for parse in files.iter_rows(named=True):
        path = parse["registrations_path"]
        entry = {"_source_file": parse["_source_file"], "_file_hash": parse["_file_hash"],
                 "event_id": parse["folder"], "folder": parse["folder"], "registrations_path": path,
                 "parse_key": parse["parse_key"],
                 "superseded_by": None, "status_detail": None, "error": None, "rows_read": 0, "rows_staged": 0,
                 "rows_quarantined": 0, "rows_erased": 0, "_ingested_at": parse["parsed_at"],
                 "file_format": parse["file_format"], "encoding": parse["encoding"]}
        if parse["error"] is not None:
            rows.append({**entry, "status": "failed", "error": parse["error"], "encoding": None})
            continue
        status = plan.status(path)
        counts = {name: parse[name] for name in ("rows_read", "rows_staged", "rows_quarantined", "rows_erased")}
        entry["status"] = status
        if status == "failed":
            rows.append({**entry, "error": plan.conflicts[path]})
        elif status == "duplicate":
            original = plan.duplicate_of[path]
            rows.append({**entry, "superseded_by": f"registrations/{original}",
                         "status_detail": f"identical to registrations/{original} (same sha256); not loaded again"})
        elif status == "superseded":
            successor = f"registrations/{plan.superseded_by[path]}"
            rows.append({**entry, **counts, "superseded_by": successor,
                         "status_detail": f"corrected by {successor} (rule: {plan.rule[path]})"})
        else:
            rows.append({**entry, **counts})
    return pl.DataFrame(rows, schema=FILES_SCHEMA)


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    staged = ", ".join(f"r.{c}" for c in _STAGED_COLUMNS)
    quarantined = ", ".join(f"r.{c}" for c in _QUARANTINE_COLUMNS)
    superseded = ", ".join(f"r.{c}" for c in _STAGED_COLUMNS if c != "_ingested_at")
    for name in ("registrations", "registration_quarantine", "registrations_superseded"):
        if con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = ? "
                       "and database_name = current_database()", [name]).fetchall()[0][0]:
            con.execute(f"drop table raw.{name}")  # a table of the loader before this one
    con.execute(f"""
        create or replace view raw.registrations as
        select {staged} from {ROWS} as r join {FILES} as f on r._parse_key = f.parse_key
        where f.status = 'loaded' and r.reason_code is null""")
    con.execute(f"""
        create or replace view raw.registration_quarantine as
        select {quarantined} from {ROWS} as r join {FILES} as f on r._parse_key = f.parse_key
        where f.status = 'loaded' and r.reason_code is not null""")
    con.execute(f"""
        create or replace view raw.registrations_superseded as
        select {superseded}, r.reason_code, r.reason_detail, r.raw_record, f.superseded_by, r._ingested_at
        from {ROWS} as r join {FILES} as f on r._parse_key = f.parse_key
        where f.status = 'superseded'""")
