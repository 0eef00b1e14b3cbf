"""Ingest assets: files in data/raw/ → DuckDB `raw` tables with lineage columns.

Raw files are only read, never modified (only `cci forget --purge-raw`, run by a person,
rewrites a raw file). Registry and statistics tables are rebuilt from their files on each run.
Registration exports are many: `pipelines.registrations.loading` reads only the files whose
content, place, overrides or reader changed and keeps the rows of the others, so a new export
costs its own rows, not the programme's. A registration row's id is derived from its file's
sha256 and row number, so reading the same file again gives the same rows. Which exports are
in effect (corrections, identical copies) is decided in `pipelines.registrations.versions`;
erasure tombstones are applied by `pipelines.registrations.erasure` before any row is stored.
"""


import json
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import privacy, settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, read_table, replace_table, with_lineage
from pipelines.registrations import erasure, identity, loading
from pipelines.registrations.reader import RegistrationFileError


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
    tombstones, secret = _ingest_tombstones()
    with duckdb.get_connection() as con:
        known_events = set(read_table(con, "raw.events")["event_id"].to_list())
        report = loading.load_registrations(con, raw_root, known_events, tombstones, secret)
        failed = con.sql("select error from raw.registration_files where status = 'failed'").pl()
        statuses = dict(con.execute("select status, count(*) from raw.registration_files group by 1 order by 1")
                        .fetchall())
        counts = con.execute(
            "select (select count(*) from raw.registrations), (select count(*) from raw.registrations_superseded), "
            "(select coalesce(sum(rows_erased), 0) from raw.registration_files)").fetchone()
        reasons = [{"reason_code": code, "len": n} for code, n in con.execute(
            "select reason_code, count(*) from raw.registration_quarantine group by 1 order by 1").fetchall()]
    if not statuses.get("loaded"):
        raise RegistrationFileError(
            "No registration file could be loaded: " + "; ".join(failed["error"].to_list()[:20]))
    for error in failed["error"].to_list():
        context.log.error(f"registration file not loaded: {error}")
    for note in report.notes:
        context.log.warning(note)
    staged_rows, superseded_rows, erased = counts
    load = {"files_read": report.parsed, "files_kept": report.kept, "files_removed": report.removed,
            "files_hashed": report.hashed, "rows_inserted": report.rows_inserted, "rows_deleted": report.rows_deleted,
            "workers": report.workers, "seconds": report.seconds}
    yield dg.MaterializeResult(asset_key=["raw", "registrations"],
                               metadata={"rows": staged_rows, "files": report.files,
                                         "load": dg.MetadataValue.json(load)})
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_quarantine"],
        metadata={"rows": sum(r["len"] for r in reasons), "reasons": dg.MetadataValue.json(reasons),
                  "rows_erased": int(erased), "tombstones": len(tombstones.entries)},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_files"],
        metadata={"files": report.files, "statuses": dg.MetadataValue.json(statuses),
                  "failed_files": statuses.get("failed", 0), "notes": dg.MetadataValue.json(report.notes)},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "registrations_superseded"],
        metadata={"rows": superseded_rows, "files": statuses.get("superseded", 0)},
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
    with duckdb.get_connection() as con:
        erased = con.execute("select coalesce(sum(rows_erased), 0) from raw.registration_files").fetchone()[0]
        matching = 0
        if tombstones:
            # only when tombstones are in force: every staged or would-be-staged row is matched again
            columns = "event_id, email, first_name, last_name, patronymic, full_name"
            rows = con.execute(f"select {columns} from raw.registrations union all "
                               f"select {columns} from raw.registrations_superseded where reason_code is null")
            while batch := rows.fetchmany(100_000):
                for event_id, email, first, last, patronymic, full in batch:
                    names = erasure.name_candidates(first, last, patronymic, full)
                    matching += tombstones.matches(secret, event_id, [email], names)
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
        # resolved from DuckDB and written back by joins: Python holds integer codes only
        stats = identity.resolve_warehouse(con, privacy.secret())
    return dg.MaterializeResult(
        metadata={
            "registrations": stats["rows"],
            "persons": stats["persons"],
            "links": stats["links"],
            "stats": dg.MetadataValue.json(json.loads(json.dumps(stats, default=str))),
        }
    )
