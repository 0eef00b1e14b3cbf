"""ECB reference rates: daily rows, averages and the gap rule.

Expected averages were computed with awk over the unzipped CSV, e.g.
``unzip -p eurofxref-hist.zip | awk -F, '$1 ~ /^2016-/ && $17!="N/A" {s+=$17; n++} END {print s/n, n}'``
(column 17 is SEK, 21 ISK, 24 RUB).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.statistics import (
    annual_average_rates,
    average_rates,
    monthly_average_rates,
    read_ecb_rates,
    read_statistics_file,
)


@pytest.fixture(scope="module")
def daily(reference_data: Path) -> pl.DataFrame:
    return read_ecb_rates(reference_data / "fx" / "eurofxref-hist.zip")


def _rate(frame: pl.DataFrame, **key: object) -> tuple:
    match = frame.filter(*[pl.col(k) == v for k, v in key.items()])
    assert match.height == 1, key
    return tuple(match.drop(list(key)).row(0))


@pytest.mark.reference_data
def test_daily_rates_from_the_zip(reference_data: Path, daily: pl.DataFrame, cell) -> None:
    # unzip -p eurofxref-hist.zip | grep ^2016-06-24 -> USD 1.1066, SEK 9.461, ISK N/A, RUB 72.6282
    day = dt.date(2016, 6, 24)
    assert _rate(daily, date=day, currency="USD") == (1.1066,)
    assert _rate(daily, date=day, currency="SEK") == (9.461,)
    assert _rate(daily, date=day, currency="RUB") == (72.6282,)
    assert daily.filter((pl.col("date") == day) & (pl.col("currency") == "ISK")).height == 0
    assert "" not in daily.get_column("currency").unique().to_list()  # trailing empty column
    # ... | grep -E '^2022-03-0[1-4]' | cut -d, -f1,24 -> RUB 117.201 on 03-01, then N/A
    assert daily.filter(pl.col("currency") == "RUB").get_column("date").max() == dt.date(2022, 3, 1)
    table = read_statistics_file(reference_data / "fx" / "eurofxref-hist.zip")
    assert (table.dataset, table.source_format, table.dimensions) == ("ecb_eurofxref", "ecb_eurofxref", ["currency"])
    assert cell(table.rows, currency="USD", period="2016-06-24") == (1.1066, None)
    assert table.rows.get_column("region").null_count() == table.rows.height
    assert table.long_rows().item(0, "unit") == "units of currency per 1 EUR"


@pytest.mark.reference_data
def test_annual_and_monthly_averages(daily: pl.DataFrame) -> None:
    annual = annual_average_rates(daily, currencies=["SEK", "ISK", "RUB"])
    rate, days, source = _rate(annual, period="2016", currency="SEK")
    assert rate == pytest.approx(9.4689007782, abs=1e-9) and (days, source) == (257, "ecb")
    monthly = monthly_average_rates(daily, currencies=["RUB", "ISK"])
    rate, days, source = _rate(monthly, period="2016-03", currency="RUB")
    assert rate == pytest.approx(77.9394285714, abs=1e-9) and (days, source) == (21, "ecb")
    # ISK: 290 on the seven days up to 2008-12-09, then N/A until 2018
    assert _rate(monthly, period="2008-12", currency="ISK") == (290.0, 7, "ecb")
    for year in ("2009", "2012", "2017"):
        assert _rate(annual, period=year, currency="ISK") == (None, 0, "missing")
    assert _rate(annual, period="2023", currency="RUB") == (None, 0, "missing")


@pytest.mark.reference_data
def test_fallback_fills_only_what_the_ecb_lacks(tmp_path: Path, daily: pl.DataFrame) -> None:
    user_rates = tmp_path / "isk-central-bank.csv"
    user_rates.write_text(
        "Date,ISK,\n2012-01-02,160.0,\n2012-06-01,N/A,\n2012-12-31,170.0,\n2008-12-30,999.0,\n",
        encoding="utf-8",
    )
    annual = annual_average_rates(daily, currencies=["ISK"], fallback=user_rates)
    assert _rate(annual, period="2012", currency="ISK") == (165.0, 2, "fallback")
    assert _rate(annual, period="2011", currency="ISK") == (None, 0, "missing")
    rate, _, source = _rate(annual, period="2008", currency="ISK")
    assert source == "ecb" and rate < 999.0  # ECB data win where they exist


def test_small_ecb_file_and_bad_frequency(tmp_path: Path) -> None:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(
        "Date,USD,NOK,\n2016-02-01,1.10,N/A,\n2016-01-29,1.0,9.5,\n2016-01-28,1.2,9.7,\n",
        encoding="utf-8",
    )
    daily = read_ecb_rates(path)
    assert daily.rows() == [
        (dt.date(2016, 1, 28), "NOK", 9.7),
        (dt.date(2016, 1, 29), "NOK", 9.5),
        (dt.date(2016, 1, 28), "USD", 1.2),
        (dt.date(2016, 1, 29), "USD", 1.0),
        (dt.date(2016, 2, 1), "USD", 1.1),
    ]
    monthly = monthly_average_rates(daily)
    assert _rate(monthly, period="2016-01", currency="USD") == (pytest.approx(1.1), 2, "ecb")
    assert _rate(monthly, period="2016-02", currency="NOK") == (None, 0, "missing")
    with pytest.raises(ValueError, match="frequency"):
        average_rates(daily, "week")  # type: ignore[arg-type]
