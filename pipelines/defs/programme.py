"""Ingest of the programme's indicator targets: raw/programme/indicator_targets.csv (optional).

The project registry (projects.csv) carries one target per project, the participant target.
Every other target (another indicator, a year, a quarter, a milestone month) is a row of this
file; a row for unique participants over the whole project overrides the registry's target.
Without the file the table is empty and the registry's targets apply alone.

    project_id,indicator_code,period_type,period_id,target,baseline,note
    JC,unique_participants,project_to_date,PTD,200,,funding decision
    JC,participations,year,2016,300,,
    JC,unique_participants,cumulative,2016-09,100,,mid-term milestone

Which projects, indicators and periods exist is checked by dbt tests on the staging model;
this module checks what can be checked in the file alone and names the row when it fails.
"""

import re
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, replace_table, with_lineage

TARGETS_FILE = Path("programme") / "indicator_targets.csv"
REQUIRED_COLUMNS = ["project_id", "indicator_code", "period_type", "period_id", "target"]
OPTIONAL_COLUMNS = ["baseline", "note"]
LINEAGE_SCHEMA = {"_source_file": pl.String, "_source_row": pl.Int64, "_file_hash": pl.String}

PERIOD_ID_PATTERNS = {
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "cumulative": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^\d{4}[Qq][1-4]$"),
    "year": re.compile(r"^\d{4}$"),
    "project_to_date": re.compile(r"^(PTD|ptd)?$"),
}


class IndicatorTargetsError(ValueError):
    """The targets file cannot be used as written; the message names the file, row and fix."""


def _is_number(text: str | None) -> bool:
    try:
        float(str(text).strip())
    except (TypeError, ValueError):
        return False
    return True


def check_targets(frame: pl.DataFrame, source: str) -> None:
    """Raise IndicatorTargetsError for the first row whose target, baseline or period is malformed."""
    for row in frame.iter_rows(named=True):
        where = f"{source} row {row['_source_row']}"
        period_type = (row["period_type"] or "").strip().lower()
        if period_type not in PERIOD_ID_PATTERNS:
            raise IndicatorTargetsError(
                f"{where}: period_type {row['period_type']!r} is not one of {sorted(PERIOD_ID_PATTERNS)}"
            )
        period_id = (row["period_id"] or "").strip()
        if not PERIOD_ID_PATTERNS[period_type].match(period_id):
            raise IndicatorTargetsError(
                f"{where}: period_id {row['period_id']!r} does not fit period_type {period_type} "
                "(month/cumulative 2016-03, quarter 2016Q1, year 2016, project_to_date PTD or empty)"
            )
        if not _is_number(row["target"]):
            raise IndicatorTargetsError(f"{where}: target {row['target']!r} is not a number")
        baseline = row.get("baseline")
        if baseline is not None and baseline.strip() and not _is_number(baseline):
            raise IndicatorTargetsError(f"{where}: baseline {baseline!r} is not a number")
        for column in ("project_id", "indicator_code"):
            if not (row[column] or "").strip():
                raise IndicatorTargetsError(f"{where}: {column} is empty")


def read_indicator_targets(raw_root: Path) -> pl.DataFrame:
    """The targets file as text columns with lineage; an empty table when the file is absent."""
    path = raw_root / TARGETS_FILE
    columns = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    if not path.exists():
        empty = pl.DataFrame(schema={column: pl.String for column in columns} | LINEAGE_SCHEMA)
        return empty.with_columns(pl.lit(ingested_now()).alias("_ingested_at"))
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    frame = frame.rename({column: column.strip().lower() for column in frame.columns})
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise IndicatorTargetsError(
            f"{path}: missing columns {missing}; found {frame.columns} (expected {columns})"
        )
    frame = frame.with_columns(
        [pl.lit(None, dtype=pl.String).alias(column) for column in OPTIONAL_COLUMNS if column not in frame.columns]
    ).select(columns)
    frame = with_lineage(frame, source_file=str(path.relative_to(raw_root)), file_hash=file_sha256(path))
    check_targets(frame, str(path.relative_to(raw_root)))
    return frame


@dg.asset(
    key=["raw", "indicator_targets"],
    group_name="ingest",
    kinds={"polars", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Indicator targets per project and period (raw/programme/indicator_targets.csv, optional): "
        "every target besides the registry's participant target. Empty when the file is absent."
    ),
)
def raw_indicator_targets(duckdb: DuckDBResource) -> dg.MaterializeResult:
    frame = read_indicator_targets(settings.raw_dir())
    with duckdb.get_connection() as con:
        replace_table(con, "raw.indicator_targets", frame)
    return dg.MaterializeResult(metadata={"rows": frame.height})
