"""Ingest assets: files in data/raw/ → DuckDB `raw` tables with lineage columns.

Raw files are only read, never modified (only `cci forget --purge-raw`, run by a person,
rewrites a raw file). Every table is rebuilt from the files on each run, and a registration
row's id is derived from its file's sha256 and row number, so re-ingesting the same files
changes nothing but `_ingested_at`. Which exports are in effect (corrections, identical
copies) is decided in `pipelines.registrations.versions`; erasure tombstones are applied
by `pipelines.registrations.erasure` before any row reaches a table.
"""


import json
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import privacy, settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, read_table, replace_table, with_lineage
from pipelines.registrations import erasure, identity
from pipelines.registrations.reader import (
    STAGED_SCHEMA,
    RegistrationFileError,
    RegistrationFileResult,
    load_overrides,
)
from pipelines.registrations.parse_cache import RegistrationParseCache  # [parse cache]
from pipelines.registrations.versions import list_registration_files, load_corrections, plan_versions


def _read_text_csv(path: Path, raw_root: Path, required: list[str]) -> pl.DataFrame:
    """A registry CSV the programme maintains (UTF-8); every column kept as text for staging to type."""
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the pipeline needs it (see data/raw/README.md)")
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; found {frame.columns}")
    return with_lineage(frame, source_file=str(path.relative_to(raw_root)), file_hash=file_sha256(path))


@dg.asset(
    key=["raw", "projects"],
    group_name="ingest",
    kinds={"polars", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Project registry (raw/programme/projects.csv): projects of the programme with dates, funder and targets.",
)
def raw_projects(duckdb: DuckDBResource) -> dg.MaterializeResult:
    raw_root = settings.raw_dir()
    frame = _read_text_csv(
        raw_root / "programme" / "projects.csv",
        raw_root,
        ["project_id", "project_name", "start_date", "end_date", "participant_target"],
    )
    with duckdb.get_connection() as con:
        replace_table(con, "raw.projects", frame)
    return dg.MaterializeResult(metadata={"rows": frame.height})


@dg.asset(
    key=["raw", "events"],
    group_name="ingest",
    kinds={"polars", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="Event registry (raw/events/events.csv): every registration file is tied to one of these events.",
)
def raw_events(duckdb: DuckDBResource) -> dg.MaterializeResult:
    raw_root = settings.raw_dir()
    frame = _read_text_csv(
        raw_root / "events" / "events.csv",
        raw_root,
        ["event_id", "project_id", "title", "start_date", "city", "country_code", "format", "event_kind"],
    )
    with duckdb.get_connection() as con:
        replace_table(con, "raw.events", frame)
    return dg.MaterializeResult(metadata={"rows": frame.height})


FILES_SCHEMA = {
    "_source_file": pl.String, "_file_hash": pl.String, "event_id": pl.String, "file_format": pl.String,
    "encoding": pl.String, "status": pl.String, "error": pl.String, "superseded_by": pl.String,
    "status_detail": pl.String, "rows_read": pl.Int64, "rows_staged": pl.Int64, "rows_quarantined": pl.Int64,
    "rows_erased": pl.Int64,
}
SUPERSEDED_EXTRA = {"reason_code": pl.String, "reason_detail": pl.String, "raw_record": pl.String,
                    "superseded_by": pl.String}
LINEAGE = {"source_file": "_source_file", "source_row": "_source_row", "file_hash": "_file_hash"}


@dataclass
class RegistrationIngest:
    """What the ingest makes of every registration file (the four raw tables, before `_ingested_at`)."""

    staged: pl.DataFrame  # raw.registrations
    quarantined: pl.DataFrame  # raw.registration_quarantine
    superseded: pl.DataFrame  # raw.registrations_superseded: every row of superseded files
    files: pl.DataFrame  # raw.registration_files
    notes: list[str] = field(default_factory=list)


def read_all_registrations(
    raw_root: Path,
    known_events: set[str],
    tombstones: erasure.Tombstones | None = None,
    secret: bytes | None = None,
) -> RegistrationIngest:
    """Read every registration file, apply erasure tombstones, and route each file's rows by its status.

    ``loaded`` files feed raw.registrations / raw.registration_quarantine; ``superseded`` files
    (docs/registrations.md, section 4) feed raw.registrations_superseded only; a file that
    cannot be read, or an ambiguous correction, is ``failed`` alone; an identical copy of
    another file of its folder is a ``duplicate`` and is not loaded again.
    """
    tombstones = tombstones or erasure.Tombstones()
    overrides = load_overrides(raw_root)
    corrections = load_corrections(raw_root)
    found = list_registration_files(raw_root)
    if not found:
        raise FileNotFoundError(
            f"No registration exports under {raw_root / 'registrations'}: file each export as "
            "registrations/<event_id>/<file> (see docs/registrations.md)."
        )
    registrations_dir = raw_root / "registrations"
    read: dict[str, tuple[RegistrationFileResult, erasure.ErasedFile]] = {}
    errors: dict[str, str] = {}
    # [parse cache] pipelines/registrations/parse_cache.py: an unchanged export is not parsed again
    # (results kept in <data dir>/warehouse/cache/registrations/); the others are parsed in parallel.
    parse_cache = RegistrationParseCache.for_raw_root(raw_root)
    parse_cache.warm([(path, event if event in known_events else None) for path, event in found],
                     raw_root=raw_root, overrides=overrides)
    # [/parse cache]
    for path, folder_event in found:
        key = path.relative_to(registrations_dir).as_posix()
        event_id = folder_event if folder_event in known_events else None
        try:
            result = parse_cache.read(path, event_id, raw_root=raw_root, overrides=overrides)  # [parse cache]
        except RegistrationFileError as error:
            errors[key] = str(error)
            continue
        read[key] = (result, erasure.apply_tombstones(result, folder_event, tombstones, secret))

    plan = plan_versions({key: result.file.file_hash for key, (result, _) in read.items()}, corrections,
                         present={path.relative_to(registrations_dir).as_posix() for path, _ in found})
    staged, quarantined, superseded, files = [], [], [], []
    for path, folder_event in found:
        key = path.relative_to(registrations_dir).as_posix()
        relative = path.relative_to(raw_root).as_posix()
        entry = {"_source_file": relative, "event_id": folder_event, "superseded_by": None, "status_detail": None,
                 "error": None, "rows_read": 0, "rows_staged": 0, "rows_quarantined": 0, "rows_erased": 0}
        if key in errors:
            files.append({**entry, "_file_hash": file_sha256(path), "file_format": path.suffix.lower().lstrip("."),
                          "encoding": None, "status": "failed", "error": errors[key]})
            continue
        result, erased = read[key]
        manifest = result.file
        status = plan.status(key)
        entry |= {"_file_hash": manifest.file_hash, "file_format": manifest.format, "encoding": manifest.encoding,
                  "status": status}
        counts = {"rows_read": manifest.rows_read, "rows_staged": erased.staged.height,
                  "rows_quarantined": erased.quarantined.height, "rows_erased": erased.rows_erased}
        if status == "failed":
            files.append({**entry, "error": plan.conflicts[key]})
        elif status == "duplicate":
            files.append({**entry, "superseded_by": f"registrations/{plan.duplicate_of[key]}",
                          "status_detail": f"identical to registrations/{plan.duplicate_of[key]} (same sha256); "
                                           "not loaded again"})
        elif status == "superseded":
            successor = f"registrations/{plan.superseded_by[key]}"
            files.append({**entry, **counts, "superseded_by": successor,
                          "status_detail": f"corrected by {successor} (rule: {plan.rule[key]})"})
            superseded.append(_superseded_rows(erased, successor))
        else:
            files.append({**entry, **counts})
            staged.append(erased.staged)
            quarantined.append(erased.quarantined)
    if not staged:
        raise RegistrationFileError(
            "No registration file could be loaded: "
            + "; ".join(f"{f['_source_file']}: {f['error'] or f['status_detail']}" for f in files)
        )
    superseded_schema = {**{LINEAGE.get(k, k): v for k, v in STAGED_SCHEMA.items()}, **SUPERSEDED_EXTRA}
    return RegistrationIngest(
        staged=_concat(staged).rename(LINEAGE),
        quarantined=_concat(quarantined).rename(LINEAGE),
        superseded=(_concat(superseded).rename(LINEAGE).select(list(superseded_schema)) if superseded
                    else pl.DataFrame(schema=superseded_schema)),
        files=pl.DataFrame(files, schema=FILES_SCHEMA).select(list(FILES_SCHEMA)),
        notes=plan.notes,
    )


def _superseded_rows(erased: erasure.ErasedFile, successor: str) -> pl.DataFrame:
    """Every row of a superseded file: would-be-staged rows (reason_code null) and would-be-quarantined ones."""
    return pl.concat(
        [
            erased.staged.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in ("reason_code", "reason_detail",
                                                                                            "raw_record")),
            erased.quarantined,
        ],
        how="diagonal_relaxed",
    ).with_columns(pl.lit(successor).alias("superseded_by"))


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, how="diagonal_relaxed")


def _ingest_tombstones() -> tuple[erasure.Tombstones, bytes | None]:
    tombstones = erasure.load_tombstones()
    return tombstones, (privacy.secret() if tombstones else None)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "registrations"], group_name="ingest", kinds={"polars", "duckdb"},
                     deps=[["raw", "events"]],
                     description="Registration rows accepted from every export in effect in raw/registrations/<event_id>/ "
                                 "(personal data; raw layer only). Rows of erased persons are not here."),
        dg.AssetSpec(["raw", "registration_quarantine"], group_name="ingest", kinds={"duckdb"},
                     deps=[["raw", "events"]],
                     description="Registration rows rejected by the reader, each with a reason code and its original "
                                 "cells; rows of erased persons as reason 'erased', without their cells."),
        dg.AssetSpec(["raw", "registration_files"], group_name="ingest", kinds={"duckdb"},
                     deps=[["raw", "events"]],
                     description="One row per registration file: format, encoding, status (loaded, superseded, "
                                 "duplicate, failed), superseded_by, rows read, staged, quarantined and erased."),
        dg.AssetSpec(["raw", "registrations_superseded"], group_name="ingest", kinds={"duckdb"},
                     deps=[["raw", "events"]],
                     description="Every row of the exports superseded by a corrected re-export (reason_code null: "
                                 "would have been staged); kept for traceability, never staged (personal data)."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_registrations(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    raw_root = settings.raw_dir()
    with duckdb.get_connection() as con:
        known_events = set(read_table(con, "raw.events")["event_id"].to_list())
    tombstones, secret = _ingest_tombstones()
    ingest = read_all_registrations(raw_root, known_events, tombstones, secret)
    now = ingested_now()
    tables = {
        name: frame.with_columns(pl.lit(now).alias("_ingested_at"))
        for name, frame in (("registrations", ingest.staged), ("registration_quarantine", ingest.quarantined),
                            ("registration_files", ingest.files), ("registrations_superseded", ingest.superseded))
    }
    files = ingest.files
    for row in files.filter(pl.col("status") == "failed").iter_rows(named=True):
        context.log.error(f"registration file not loaded: {row['error']}")
    for note in ingest.notes:
        context.log.warning(note)
    with duckdb.get_connection() as con:
        for name, frame in tables.items():
            replace_table(con, f"raw.{name}", frame)
    quarantined = ingest.quarantined
    quarantine_reasons = (
        quarantined.group_by("reason_code").len().sort("reason_code").to_dicts() if quarantined.height else []
    )
    statuses = dict(files.group_by("status").len().sort("status").iter_rows())
    yield dg.MaterializeResult(asset_key=["raw", "registrations"],
                               metadata={"rows": ingest.staged.height, "files": files.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_quarantine"],
        metadata={"rows": quarantined.height, "reasons": dg.MetadataValue.json(quarantine_reasons),
                  "rows_erased": int(files["rows_erased"].sum()), "tombstones": len(tombstones.entries)},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_files"],
        metadata={"files": files.height, "statuses": dg.MetadataValue.json(statuses),
                  "failed_files": statuses.get("failed", 0), "notes": dg.MetadataValue.json(ingest.notes)},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "registrations_superseded"],
        metadata={"rows": ingest.superseded.height, "files": statuses.get("superseded", 0)},
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "registration_files"]),
    name="superseded_files_reconcile",
    blocking=True,
    pool=WAREHOUSE_POOL,
    description=(
        "A superseded export stays traceable and is not staged: per superseded file, rows read = its rows in "
        "raw.registrations_superseded (rows staged = those without a reason code), and none of its rows "
        "is in raw.registrations."
    ),
)
def superseded_files_reconcile(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        mismatched = con.sql(
            """
            with kept as (
                select _source_file, count(*) as n, count(*) filter (where reason_code is null) as would_stage
                from raw.registrations_superseded group by 1
            ),
            staged as (select _source_file, count(*) as n from raw.registrations group by 1)
            select f._source_file, f.rows_read, f.rows_staged, coalesce(k.n, 0) as rows_kept,
                   coalesce(k.would_stage, 0) as rows_kept_stageable, coalesce(s.n, 0) as rows_staged_anyway
            from raw.registration_files f
            left join kept k using (_source_file)
            left join staged s using (_source_file)
            where f.status = 'superseded'
              and (f.rows_read <> coalesce(k.n, 0) or f.rows_staged <> coalesce(k.would_stage, 0)
                   or coalesce(s.n, 0) > 0)
            """
        ).pl()
        superseded = con.execute("select count(*) from raw.registration_files where status = 'superseded'").fetchone()[0]
    return dg.AssetCheckResult(
        passed=mismatched.height == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"superseded_files": superseded, "files_not_reconciled": dg.MetadataValue.json(mismatched.to_dicts())},
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "registrations"]),
    name="erased_persons_absent",
    blocking=True,
    pool=WAREHOUSE_POOL,
    description=(
        "No staged or superseded registration row matches an erasure tombstone (data/erasure/tombstones.csv); "
        "the rows erased are counted in raw.registration_files.rows_erased."
    ),
)
def erased_persons_absent(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    tombstones, secret = _ingest_tombstones()
    columns = "event_id, email, first_name, last_name, patronymic, full_name"
    with duckdb.get_connection() as con:
        rows = con.sql(f"select {columns} from raw.registrations union all "
                       f"select {columns} from raw.registrations_superseded where reason_code is null").pl()
        erased = con.execute("select coalesce(sum(rows_erased), 0) from raw.registration_files").fetchone()[0]
    matching = 0
    if tombstones:
        for row in rows.iter_rows(named=True):
            names = erasure.name_candidates(row["first_name"], row["last_name"], row["patronymic"], row["full_name"])
            matching += tombstones.matches(secret, row["event_id"], [row["email"]], names)
    return dg.AssetCheckResult(
        passed=matching == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"tombstones": len(tombstones.entries), "rows_erased": int(erased), "rows_matching": matching},
    )


@dg.asset(
    key=["raw", "person_identities"],
    deps=[["raw", "registrations"]],
    group_name="identity",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Identity resolution: persons and organisations matched across events and alphabets "
        "(email, transliterated names, organisation), as keyed hashes; one row per registration row."
    ),
)
def raw_person_identities(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        registrations = read_table(con, "raw.registrations")
    result = identity.resolve_persons(registrations, privacy.secret())
    assignments = result.assignments.select(
        "registration_id", "person_key", "organisation_key", "person_cluster", "match_rule"
    )
    with duckdb.get_connection() as con:
        replace_table(con, "raw.person_identities", assignments)
        replace_table(con, "raw.person_match_evidence", result.evidence)
    return dg.MaterializeResult(
        metadata={
            "registrations": assignments.height,
            "persons": assignments["person_key"].n_unique(),
            "links": result.evidence.height,
            "stats": dg.MetadataValue.json(json.loads(json.dumps(getattr(result, "stats", {}), default=str))),
        }
    )
