"""Ingest assets: files in data/raw/ → DuckDB `raw` tables with lineage columns.

Raw files are only read, never modified. Every table is rebuilt from the files on each run,
so re-ingesting the same files changes nothing.
"""


import json
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import privacy, settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, read_table, replace_table, with_lineage
from pipelines.registrations import identity
from pipelines.registrations.reader import (
    RegistrationFileError,
    load_overrides,
    read_registration_file,
)

REGISTRATION_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls"}


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


def registration_files(raw_root: Path) -> list[tuple[Path, str]]:
    """Every registration export with the event folder it was filed under."""
    base = raw_root / "registrations"
    if not base.is_dir():
        return []
    found = []
    for event_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        for path in sorted(event_dir.rglob("*")):
            if path.is_file() and path.suffix.lower() in REGISTRATION_SUFFIXES and not path.name.startswith((".", "~$")):
                found.append((path, event_dir.name))
    return found


def read_all_registrations(raw_root: Path, known_events: set[str]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Read every registration file; a file that cannot be read fails alone and is reported."""
    overrides = load_overrides(raw_root)
    staged, quarantined, files = [], [], []
    found = registration_files(raw_root)
    if not found:
        raise FileNotFoundError(
            f"No registration exports under {raw_root / 'registrations'}: file each export as "
            "registrations/<event_id>/<file> (see data/raw/README.md)."
        )
    for path, folder_event in found:
        event_id = folder_event if folder_event in known_events else None
        relative = str(path.relative_to(raw_root))
        try:
            result = read_registration_file(path, event_id, raw_root=raw_root, overrides=overrides)
        except RegistrationFileError as error:
            files.append(
                {"_source_file": relative, "_file_hash": file_sha256(path), "event_id": folder_event,
                 "file_format": path.suffix.lower().lstrip("."), "encoding": None, "status": "failed",
                 "error": str(error), "rows_read": 0, "rows_staged": 0, "rows_quarantined": 0}
            )
            continue
        staged.append(result.staged)
        quarantined.append(result.quarantined)
        manifest = result.file
        files.append(
            {"_source_file": relative, "_file_hash": manifest.file_hash, "event_id": folder_event,
             "file_format": manifest.format, "encoding": manifest.encoding, "status": "loaded", "error": None,
             "rows_read": manifest.rows_read, "rows_staged": result.staged.height,
             "rows_quarantined": result.quarantined.height}
        )
    now = ingested_now()
    lineage = {"source_file": "_source_file", "source_row": "_source_row", "file_hash": "_file_hash"}
    if not staged:
        raise RegistrationFileError("No registration file could be read: " + "; ".join(f["error"] for f in files))
    staged_frame = _concat(staged).rename(lineage).with_columns(pl.lit(now).alias("_ingested_at"))
    quarantine_frame = _concat(quarantined).rename(lineage).with_columns(pl.lit(now).alias("_ingested_at"))
    files_frame = pl.DataFrame(
        files,
        schema={"_source_file": pl.String, "_file_hash": pl.String, "event_id": pl.String, "file_format": pl.String,
                "encoding": pl.String, "status": pl.String, "error": pl.String, "rows_read": pl.Int64,
                "rows_staged": pl.Int64, "rows_quarantined": pl.Int64},
    ).with_columns(pl.lit(now).alias("_ingested_at"))
    return staged_frame, quarantine_frame, files_frame


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, how="diagonal_relaxed")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "registrations"], group_name="ingest", kinds={"polars", "duckdb"},
                     deps=[["raw", "events"]],
                     description="Registration rows accepted from every export in raw/registrations/<event_id>/ (personal data; raw layer only)."),
        dg.AssetSpec(["raw", "registration_quarantine"], group_name="ingest", kinds={"duckdb"},
                     deps=[["raw", "events"]],
                     description="Registration rows rejected by the reader, each with a reason code and its original cells."),
        dg.AssetSpec(["raw", "registration_files"], group_name="ingest", kinds={"duckdb"},
                     deps=[["raw", "events"]],
                     description="One row per registration file: format, encoding, status, rows read, staged and quarantined."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_registrations(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    raw_root = settings.raw_dir()
    with duckdb.get_connection() as con:
        known_events = set(read_table(con, "raw.events")["event_id"].to_list())
    staged, quarantined, files = read_all_registrations(raw_root, known_events)
    failed = files.filter(pl.col("status") == "failed")
    for row in failed.iter_rows(named=True):
        context.log.error(f"registration file not loaded: {row['error']}")
    with duckdb.get_connection() as con:
        replace_table(con, "raw.registrations", staged)
        replace_table(con, "raw.registration_quarantine", quarantined)
        replace_table(con, "raw.registration_files", files)
    quarantine_reasons = (
        quarantined.group_by("reason_code").len().sort("reason_code").to_dicts() if quarantined.height else []
    )
    yield dg.MaterializeResult(asset_key=["raw", "registrations"], metadata={"rows": staged.height, "files": files.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_quarantine"],
        metadata={"rows": quarantined.height, "reasons": dg.MetadataValue.json(quarantine_reasons)},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "registration_files"],
        metadata={"files": files.height, "failed_files": failed.height},
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
