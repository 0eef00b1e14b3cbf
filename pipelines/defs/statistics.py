"""Ingest of regional statistics: every Eurostat, Rosstat or ECB file under raw/statistics/ is
read by the generic parsers into one tidy table (dataset, dimensions, region, period, value, flag),
and the ECB reference rates become annual average rates for converting currencies.

Files under `raw/statistics/fx/fallback/` are rates in the ECB layout from another publisher
(e.g. the Central Bank of Iceland for ISK, which the ECB did not publish 2009–2017); they are
used only for years in which the ECB has no rate at all (see `pipelines.statistics.ecb`).
"""


import re
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, replace_table
from pipelines.statistics import StatisticsFormatError, annual_average_rates, read_statistics_file
from pipelines.statistics.detect import ECB_EUROFXREF
from pipelines.statistics.ecb import AVERAGE_SCHEMA, DAILY_SCHEMA
from pipelines.statistics.tidy import LONG_SCHEMA

FALLBACK_RATES_DIR = Path("statistics") / "fx" / "fallback"
FALLBACK_DATASET = "fx_fallback_rates"

FILE_SCHEMA = {
    "_source_file": pl.String, "_file_hash": pl.String, "dataset": pl.String, "source_format": pl.String,
    "title": pl.String, "table_unit": pl.String,
    "status": pl.String, "error": pl.String, "rows": pl.Int64,
}
PERIOD_SCHEMA = {"period": pl.String, "period_type": pl.String, "period_start": pl.Date, "period_end": pl.Date}
RATES_SCHEMA = {**AVERAGE_SCHEMA, "year": pl.Int64, "_source_files": pl.String}


def statistics_files(raw_root: Path) -> list[Path]:
    base = raw_root / "statistics"
    if not base.is_dir():
        return []
    # statistics/geo/ holds boundary files for the dashboards' maps, not observations.
    return sorted(
        p for p in base.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() != ".md"
        and not p.relative_to(base).parts[0] == "geo"
    )


def is_fallback_rates(relative: Path | str) -> bool:
    return Path(relative).is_relative_to(FALLBACK_RATES_DIR)


# --- periods -----------------------------------------------------------------------------

def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def period_bounds(period: str | None) -> tuple[str, date | None, date | None]:
    """``(period_type, first day, last day)`` of a tidy period string (see `pipelines.statistics.tidy`).

    ``2016`` year, ``2016S1`` half_year, ``2016Q2`` quarter, ``2016-03`` month, ``2016-03-01``
    day, ``2016W05`` week (ISO), ``2016-01/2016-09`` months; anything else ``unknown``.
    """
    text = (period or "").strip()
    if m := re.fullmatch(r"(\d{4})", text):
        year = int(m[1])
        return "year", date(year, 1, 1), date(year, 12, 31)
    if m := re.fullmatch(r"(\d{4})S([12])", text):
        year, half = int(m[1]), int(m[2])
        return "half_year", date(year, 6 * half - 5, 1), _month_end(year, 6 * half)
    if m := re.fullmatch(r"(\d{4})Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        return "quarter", date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return "month", date(year, month, 1), _month_end(year, month)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return "unknown", None, None
        return "day", day, day
    if m := re.fullmatch(r"(\d{4})W(\d{2})", text):
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return "unknown", None, None
        return "week", start, start + timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", text):
        first, last = (int(m[1]), int(m[2])), (int(m[3]), int(m[4]))
        if 1 <= first[1] <= 12 and 1 <= last[1] <= 12 and first <= last:
            return "months", date(first[0], first[1], 1), _month_end(*last)
    return "unknown", None, None


def with_period_bounds(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``period_type``, ``period_start``, ``period_end`` (computed once per distinct period)."""
    periods = frame.get_column("period").unique().to_list()
    bounds = pl.DataFrame([(p, *period_bounds(p)) for p in periods], schema=PERIOD_SCHEMA, orient="row")
    return frame.join(bounds, on="period", how="left", nulls_equal=True)


# --- reading -----------------------------------------------------------------------------

def read_all_statistics(raw_root: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read every statistics file; a file of an unknown shape fails alone and is reported."""
    observations, files = [], []
    for path in statistics_files(raw_root):
        relative, digest = str(path.relative_to(raw_root)), file_sha256(path)
        try:
            table = read_statistics_file(path)
        except StatisticsFormatError as error:
            files.append({"_source_file": relative, "_file_hash": digest, "dataset": None, "source_format": None,
                          "title": None, "table_unit": None, "status": "failed", "error": str(error), "rows": 0})
            continue
        dataset = FALLBACK_DATASET if is_fallback_rates(relative) else table.dataset
        rows = table.long_rows().with_columns(
            pl.lit(dataset).alias("dataset"), pl.lit(relative).alias("_source_file"), pl.lit(digest).alias("_file_hash")
        )
        observations.append(rows)
        files.append({"_source_file": relative, "_file_hash": digest, "dataset": dataset,
                      "source_format": table.source_format, "title": table.title, "table_unit": table.unit,
                      "status": "loaded", "error": None, "rows": rows.height})
    now = ingested_now()
    schema = {**LONG_SCHEMA, "_source_file": pl.String(), "_file_hash": pl.String()}
    frame = pl.concat(observations, how="vertical") if observations else pl.DataFrame(schema=schema)
    return (
        with_period_bounds(frame).with_columns(pl.lit(now).alias("_ingested_at")),
        pl.DataFrame(files, schema=FILE_SCHEMA).with_columns(pl.lit(now).alias("_ingested_at")),
    )


def annual_exchange_rates(observations: pl.DataFrame, files: pl.DataFrame) -> pl.DataFrame:
    """Annual average rates (units of currency per 1 EUR) from the ECB files among ``observations``.

    The ECB's daily rates are averaged per calendar year; a year without any ECB rate for a
    currency takes the fallback files' average, else its rate is null (``source = missing``).
    No ECB file at all gives an empty table: nothing can be converted, and nothing is invented.
    """
    ecb_files = files.filter((pl.col("source_format") == ECB_EUROFXREF) & (pl.col("status") == "loaded"))
    primary_names = [f for f in ecb_files["_source_file"].to_list() if not is_fallback_rates(f)]
    fallback_names = [f for f in ecb_files["_source_file"].to_list() if is_fallback_rates(f)]
    if not primary_names:
        return pl.DataFrame(schema=RATES_SCHEMA)

    def daily(names: list[str]) -> pl.DataFrame:
        # The newest name first, so that where two files hold the same day the later download wins.
        rows = observations.filter(pl.col("_source_file").is_in(names)).with_columns(
            pl.col("_source_file").replace_strict({n: i for i, n in enumerate(sorted(names, reverse=True))}).alias("_order")
        )
        return (
            rows.sort("_order")
            .select(
                pl.col("period").str.to_date("%Y-%m-%d").alias("date"),
                pl.col("dimensions").str.replace("^currency=", "").alias("currency"),
                pl.col("value").alias("rate"),
            )
            .unique(["date", "currency"], keep="first", maintain_order=True)
            .cast(DAILY_SCHEMA)
        )

    primary = daily(primary_names)
    fallback = daily(fallback_names) if fallback_names else None
    # A currency the ECB file lists without any rate (ISK 2009–2017) still gets its years.
    currencies = set(primary["currency"]) | (set(fallback["currency"]) if fallback is not None else set())
    rates = annual_average_rates(primary, currencies=sorted(currencies), fallback=fallback)
    return rates.with_columns(
        pl.col("period").cast(pl.Int64).alias("year"),
        pl.lit(", ".join(primary_names + fallback_names)).alias("_source_files"),
    ).cast(RATES_SCHEMA)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "regional_statistics"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="Observations from every file in raw/statistics/ (Eurostat TSV, SDMX-CSV, JSON-stat; Rosstat xls/xlsx/fedstat CSV; ECB rates) in one tidy shape, with each period's first and last day."),
        dg.AssetSpec(["raw", "statistics_files"], group_name="ingest", kinds={"duckdb"},
                     description="One row per statistics file: dataset, format, title, unit, status, rows (a file of an unknown shape is reported here)."),
        dg.AssetSpec(["raw", "exchange_rates"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="Annual average ECB reference rates (units of currency per 1 EUR), with fallback rates only where the ECB has none; empty without an ECB file."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_regional_statistics(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    observations, files = read_all_statistics(settings.raw_dir())
    for row in files.filter(pl.col("status") == "failed").iter_rows(named=True):
        context.log.error(f"statistics file not loaded: {row['error']}")
    rates = annual_exchange_rates(observations, files).with_columns(pl.lit(ingested_now()).alias("_ingested_at"))
    with duckdb.get_connection() as con:
        replace_table(con, "raw.regional_statistics", observations)
        replace_table(con, "raw.statistics_files", files)
        replace_table(con, "raw.exchange_rates", rates)
    yield dg.MaterializeResult(asset_key=["raw", "regional_statistics"], metadata={"rows": observations.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "statistics_files"],
        metadata={"files": files.height, "failed_files": int((files["status"] == "failed").sum())},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "exchange_rates"],
        metadata={"rows": rates.height, "currencies": rates["currency"].n_unique() if rates.height else 0},
    )
