"""Ingest of regional statistics: every Eurostat, Rosstat or ECB file under raw/statistics/ is
read by the generic parsers into one tidy table (dataset, dimensions, region, period, value, flag)."""


from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, replace_table
from pipelines.statistics import StatisticsFormatError, read_statistics_file
from pipelines.statistics.tidy import LONG_SCHEMA

FILE_SCHEMA = {
    "_source_file": pl.String, "_file_hash": pl.String, "dataset": pl.String, "source_format": pl.String,
    "status": pl.String, "error": pl.String, "rows": pl.Int64,
}


def statistics_files(raw_root: Path) -> list[Path]:
    base = raw_root / "statistics"
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() != ".md")


def read_all_statistics(raw_root: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read every statistics file; a file of an unknown shape fails alone and is reported."""
    observations, files = [], []
    for path in statistics_files(raw_root):
        relative, digest = str(path.relative_to(raw_root)), file_sha256(path)
        try:
            table = read_statistics_file(path)
        except StatisticsFormatError as error:
            files.append({"_source_file": relative, "_file_hash": digest, "dataset": None, "source_format": None,
                          "status": "failed", "error": str(error), "rows": 0})
            continue
        rows = table.long_rows().with_columns(
            pl.lit(relative).alias("_source_file"), pl.lit(digest).alias("_file_hash")
        )
        observations.append(rows)
        files.append({"_source_file": relative, "_file_hash": digest, "dataset": table.dataset,
                      "source_format": table.source_format, "status": "loaded", "error": None, "rows": rows.height})
    now = ingested_now()
    schema = {**LONG_SCHEMA, "_source_file": pl.String(), "_file_hash": pl.String()}
    frame = pl.concat(observations, how="vertical") if observations else pl.DataFrame(schema=schema)
    return (
        frame.with_columns(pl.lit(now).alias("_ingested_at")),
        pl.DataFrame(files, schema=FILE_SCHEMA).with_columns(pl.lit(now).alias("_ingested_at")),
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "regional_statistics"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="Observations from every file in raw/statistics/ (Eurostat TSV, SDMX-CSV, JSON-stat; Rosstat xls/xlsx/fedstat CSV; ECB rates) in one tidy shape."),
        dg.AssetSpec(["raw", "statistics_files"], group_name="ingest", kinds={"duckdb"},
                     description="One row per statistics file: dataset, format, status, rows (a file of an unknown shape is reported here)."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_regional_statistics(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    observations, files = read_all_statistics(settings.raw_dir())
    for row in files.filter(pl.col("status") == "failed").iter_rows(named=True):
        context.log.error(f"statistics file not loaded: {row['error']}")
    with duckdb.get_connection() as con:
        replace_table(con, "raw.regional_statistics", observations)
        replace_table(con, "raw.statistics_files", files)
    yield dg.MaterializeResult(asset_key=["raw", "regional_statistics"], metadata={"rows": observations.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "statistics_files"],
        metadata={"files": files.height, "failed_files": int((files["status"] == "failed").sum())},
    )
