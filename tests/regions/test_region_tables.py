"""The raw tables written by the region and statistics ingest: hierarchy, aliases, periods, rates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.defs.regions import region_ancestors, region_code_aliases
from pipelines.defs.statistics import annual_exchange_rates, period_bounds, read_all_statistics
from pipelines.statistics import region_dimension


@pytest.fixture(scope="module")
def ancestors() -> pl.DataFrame:
    return region_ancestors(region_dimension())


def _containing(ancestors: pl.DataFrame, code: str) -> dict[str, str]:
    rows = ancestors.filter(pl.col("region_code") == code)
    return dict(rows.select("ancestor_code", "relation").iter_rows())


def test_nuts_regions_roll_up_to_their_country(ancestors) -> None:
    assert _containing(ancestors, "FI1B1") == {"FI1B1": "self", "FI1B": "parent", "FI1": "parent", "FI": "parent"}
    assert _containing(ancestors, "IS00") == {"IS00": "self", "IS0": "parent", "IS": "parent"}


def test_arkhangelsk_and_the_nenets_okrug_lie_in_the_aggregate_but_not_in_each_other(ancestors) -> None:
    arkhangelsk = _containing(ancestors, "RU-ARK")
    nenets = _containing(ancestors, "RU-NEN")
    assert arkhangelsk == {"RU-ARK": "self", "RU-NWFD": "parent", "RU": "parent", "RU-ARK+NEN": "aggregate"}
    assert nenets == {"RU-NEN": "self", "RU-NWFD": "parent", "RU": "parent", "RU-ARK+NEN": "aggregate"}
    assert _containing(ancestors, "RU-KHM")["RU-TYU+KHM+YAN"] == "aggregate"
    # the aggregate itself is not inside its members
    assert set(_containing(ancestors, "RU-ARK+NEN")) == {"RU-ARK+NEN", "RU-NWFD", "RU"}


def test_every_region_appears_once_as_itself(ancestors) -> None:
    selves = ancestors.filter(pl.col("relation") == "self")
    assert selves.height == region_dimension().height == selves["region_code"].n_unique()
    assert ancestors.select("region_code", "ancestor_code").is_duplicated().sum() == 0


def test_aliases_name_the_eurostat_and_non_standard_codes() -> None:
    aliases = dict(region_code_aliases().select("alias_code", "region_code").iter_rows())
    assert aliases["EL"] == "GR" and aliases["UK"] == "GB" and aliases["RU-SPB"] == "RU-SPE"


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2016", ("year", date(2016, 1, 1), date(2016, 12, 31))),
        ("2016S2", ("half_year", date(2016, 7, 1), date(2016, 12, 31))),
        ("2016Q1", ("quarter", date(2016, 1, 1), date(2016, 3, 31))),
        ("2016-02", ("month", date(2016, 2, 1), date(2016, 2, 29))),
        ("2016-12", ("month", date(2016, 12, 1), date(2016, 12, 31))),
        ("2019-10-01", ("day", date(2019, 10, 1), date(2019, 10, 1))),
        ("2016W01", ("week", date(2016, 1, 4), date(2016, 1, 10))),
        ("2015-01/2015-09", ("months", date(2015, 1, 1), date(2015, 9, 30))),
        ("2016-13", ("unknown", None, None)),
        ("last year", ("unknown", None, None)),
        (None, ("unknown", None, None)),
    ],
)
def test_period_bounds(period, expected) -> None:
    assert period_bounds(period) == expected


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_annual_rates_average_the_ecb_days_and_fall_back_only_where_the_ecb_has_none(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _write(raw / "statistics" / "fx" / "eurofxref-hist.csv",
           "Date,RUB,ISK,\n2017-06-01,64.0,120.0,\n2016-06-01,70.0,N/A,\n2016-01-04,80.0,N/A,\n")
    _write(raw / "statistics" / "fx" / "fallback" / "isk.csv",
           "Date,ISK,\n2017-01-02,999.0,\n2016-03-01,130.0,\n2016-02-01,140.0,\n2016-01-04,150.0,\n")
    observations, files = read_all_statistics(raw)
    rates = annual_exchange_rates(observations, files)
    by_key = {(row["currency"], row["year"]): row for row in rates.iter_rows(named=True)}
    assert by_key[("RUB", 2016)]["rate"] == pytest.approx(75.0) and by_key[("RUB", 2016)]["days"] == 2
    assert by_key[("ISK", 2016)]["rate"] == pytest.approx(140.0) and by_key[("ISK", 2016)]["source"] == "fallback"
    assert by_key[("ISK", 2017)]["rate"] == pytest.approx(120.0) and by_key[("ISK", 2017)]["source"] == "ecb"
    assert files.filter(pl.col("_source_file").str.contains("fallback"))["dataset"].to_list() == ["fx_fallback_rates"]


def test_without_an_ecb_file_there_are_no_rates(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _write(raw / "statistics" / "eurostat" / "x.tsv", "unit,geo\\time\t2016 \nNR,FI1B\t1000 \n")
    observations, files = read_all_statistics(raw)
    assert annual_exchange_rates(observations, files).height == 0
    assert observations.select("period_type", "period_start").row(0) == ("year", date(2016, 1, 1))


def test_an_unreadable_statistics_file_fails_alone_with_its_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _write(raw / "statistics" / "eurostat" / "x.tsv", "unit,geo\\time\t2016 \nNR,FI1B\t1000 \n")
    _write(raw / "statistics" / "rosstat" / "notes.txt", "just some notes\n")
    observations, files = read_all_statistics(raw)
    failed = files.filter(pl.col("status") == "failed").row(0, named=True)
    assert failed["_source_file"] == "statistics/rosstat/notes.txt"
    assert "not a statistics file" in failed["error"]
    assert observations.height == 1
