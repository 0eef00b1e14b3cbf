"""ECB euro foreign exchange reference rates (``eurofxref-hist.zip`` / ``.csv``).

The ECB file is wide: ``Date`` (newest first) then one column per currency, units of the
currency per 1 EUR, ``N/A`` where no rate was published, and a trailing empty column
because every line ends with a comma. :func:`read_ecb_rates` returns tidy daily rows and
:func:`average_rates` (or :func:`annual_average_rates`, :func:`monthly_average_rates`)
the mean of the *available* daily rates per currency and period.

Gaps and the fallback rule
--------------------------
Some currencies have no ECB rate for whole periods: the ECB did not publish ISK between
December 2008 and 2018, RUB ends on 2022-03-01, the old euro-area currencies stop at
their changeover. No number is ever invented for such a period (no interpolation, no
carrying the last rate forward). For each (period, currency):

1. ``source = "ecb"``: the mean of the ECB daily rates in the period (``days`` says how
   many; a partially covered period, e.g. ISK in December 2008, averages what exists);
2. else ``source = "fallback"``: the same mean over a user-supplied rates file in the
   ECB layout (``Date,ISK,…``, e.g. from the Central Bank of Iceland), used only where
   the ECB has no rate at all in that period;
3. else ``source = "missing"`` with a null ``rate`` and ``days = 0``, so a conversion
   that needs it fails visibly downstream instead of silently using a made-up rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Sequence

import polars as pl

from pipelines.statistics.detect import ECB_EUROFXREF, detect_format, unknown_format
from pipelines.statistics.sources import Source, open_source
from pipelines.statistics.tidy import StatisticsFormatError, StatisticsTable, finalise

ECB_DATASET = "ecb_eurofxref"
ECB_UNIT = "units of currency per 1 EUR"
DAILY_SCHEMA = {"date": pl.Date(), "currency": pl.String(), "rate": pl.Float64()}
AVERAGE_SCHEMA = {
    "period": pl.String(),
    "currency": pl.String(),
    "rate": pl.Float64(),
    "days": pl.Int64(),
    "source": pl.String(),
}
_PERIOD_FORMATS = {"year": "%Y", "month": "%Y-%m"}


def read_ecb_rates(path: Path | str | Source) -> pl.DataFrame:
    """Tidy daily reference rates ``date, currency, rate`` (``N/A`` cells left out)."""
    source = path if isinstance(path, Source) else open_source(path)
    if detect_format(source) != ECB_EUROFXREF:
        raise unknown_format(source, "an ECB eurofxref file starts with 'Date,USD,…'")
    wide = pl.read_csv(source.read_bytes(), infer_schema=False, null_values=["N/A", ""])
    wide = wide.select([name for name in wide.columns if name.strip()])  # trailing comma column
    currencies = [name for name in wide.columns if name != "Date"]
    long = wide.unpivot(index="Date", on=currencies, variable_name="currency", value_name="text")
    long = long.filter(pl.col("text").is_not_null()).with_columns(
        pl.col("Date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False).alias("date"),
        pl.col("text").str.strip_chars().cast(pl.Float64, strict=False).alias("rate"),
    )
    bad = long.filter(pl.col("date").is_null() | pl.col("rate").is_null())
    if bad.height:
        example = bad.row(0, named=True)
        raise StatisticsFormatError(
            f"{source.path}: {bad.height} cells are not a date and a rate, e.g. "
            f"{example['Date']!r} {example['currency']!r} {example['text']!r}"
        )
    return long.select("date", "currency", "rate").sort("currency", "date").cast(DAILY_SCHEMA)


def read_ecb_table(path: Path | str | Source) -> StatisticsTable:
    """The ECB file in the tidy statistics shape (``currency`` dimension, daily periods).

    ``region`` is null: reference rates have no geography.
    """
    source = path if isinstance(path, Source) else open_source(path)
    daily = read_ecb_rates(source)
    rows = daily.select(
        pl.col("currency"),
        pl.lit(None, dtype=pl.String).alias("region"),
        pl.col("date").dt.strftime("%Y-%m-%d").alias("period"),
        pl.col("rate").alias("value"),
        pl.lit(None, dtype=pl.String).alias("flag"),
    )
    return finalise(
        rows,
        dataset=ECB_DATASET,
        source_format=ECB_EUROFXREF,
        dimensions=["currency"],
        source_path=source.path,
        title="ECB euro foreign exchange reference rates",
        unit=ECB_UNIT,
    )


def average_rates(
    daily: pl.DataFrame,
    frequency: Literal["year", "month"],
    *,
    currencies: Sequence[str] | None = None,
    fallback: pl.DataFrame | Path | str | None = None,
) -> pl.DataFrame:
    """Mean daily rate per period and currency with the gap rule of the module docstring.

    ``daily`` is :func:`read_ecb_rates` output; ``fallback`` is a frame of the same shape
    or a path to a rates file in the ECB layout. The result has one row for every period
    covered by ``daily`` and every requested currency (all of ``daily``'s by default):
    ``period, currency, rate, days, source``.
    """
    if frequency not in _PERIOD_FORMATS:
        raise ValueError(f"frequency must be 'year' or 'month', not {frequency!r}")
    period = pl.col("date").dt.strftime(_PERIOD_FORMATS[frequency]).alias("period")
    if currencies is None:
        currencies = daily.get_column("currency").unique().sort().to_list()
    wanted = pl.DataFrame({"currency": list(currencies)}, schema={"currency": pl.String})
    grid = daily.select(period).unique().join(wanted, how="cross")

    def means(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.group_by(period, "currency").agg(
            pl.col("rate").mean().alias(f"rate{suffix}"),
            pl.len().cast(pl.Int64).alias(f"days{suffix}"),
        )

    key = ["period", "currency"]
    out = grid.join(means(daily, "_ecb"), on=key, how="left")
    if fallback is not None:
        if not isinstance(fallback, pl.DataFrame):
            fallback = read_ecb_rates(fallback)
        out = out.join(means(fallback.cast(DAILY_SCHEMA), "_fallback"), on=key, how="left")
    else:
        out = out.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("rate_fallback"),
            pl.lit(None, dtype=pl.Int64).alias("days_fallback"),
        )
    has_ecb = pl.col("rate_ecb").is_not_null()
    has_fallback = pl.col("rate_fallback").is_not_null()
    return (
        out.select(
            pl.col("period"),
            pl.col("currency"),
            pl.coalesce("rate_ecb", "rate_fallback").alias("rate"),
            pl.when(has_ecb)
            .then(pl.col("days_ecb"))
            .when(has_fallback)
            .then(pl.col("days_fallback"))
            .otherwise(0)
            .alias("days"),
            pl.when(has_ecb)
            .then(pl.lit("ecb"))
            .when(has_fallback)
            .then(pl.lit("fallback"))
            .otherwise(pl.lit("missing"))
            .alias("source"),
        )
        .sort("currency", "period")
        .cast(AVERAGE_SCHEMA)
    )


def annual_average_rates(
    daily: pl.DataFrame,
    *,
    currencies: Sequence[str] | None = None,
    fallback: pl.DataFrame | Path | str | None = None,
) -> pl.DataFrame:
    """:func:`average_rates` per calendar year (``period`` ``2016``)."""
    return average_rates(daily, "year", currencies=currencies, fallback=fallback)


def monthly_average_rates(
    daily: pl.DataFrame,
    *,
    currencies: Sequence[str] | None = None,
    fallback: pl.DataFrame | Path | str | None = None,
) -> pl.DataFrame:
    """:func:`average_rates` per calendar month (``period`` ``2016-03``)."""
    return average_rates(daily, "month", currencies=currencies, fallback=fallback)
