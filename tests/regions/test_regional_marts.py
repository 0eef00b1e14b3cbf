"""The regional marts built by dbt on the hand-made raw data of conftest.py.

The ingest assets (registrations, statistics, regions) run for real on the files, the person
keys are written directly (one person per e-mail, so the identity rules do not matter here), and
`dbt build` runs the regional models with everything upstream of them. Every expected number
below is worked out by hand from the files in conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from dagster_duckdb import DuckDBResource

from pipelines import settings

pytestmark = pytest.mark.xdist_group("regions")

MODELS = "+fct_regional_context +fct_regional_statistics +dim_regions"


def _ingest(database: Path) -> None:
    from pipelines.defs.ingest import raw_events, raw_projects, raw_registrations
    from pipelines.defs.regions import raw_region_reference, raw_registration_city_regions
    from pipelines.defs.statistics import raw_regional_statistics

    result = dg.materialize(
        [raw_projects, raw_events, raw_registrations, raw_regional_statistics, raw_region_reference,
         raw_registration_city_regions],
        resources={"duckdb": DuckDBResource(database=str(database))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    with duckdb.connect(str(database)) as con:
        con.execute(
            """
            create or replace table raw.person_identities as
            select registration_id,
                   left(sha256(lower(email)), 16) as person_key,
                   cast(null as varchar)          as organisation_key,
                   lower(email)                   as person_cluster,
                   'email'                        as match_rule
            from raw.registrations
            """
        )


def _dbt_build(target: Path) -> subprocess.CompletedProcess:
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), "build", "--select", *MODELS.split(), "--indirect-selection", "cautious",
         "--target-path", str(target / "target"), "--log-path", str(target / "logs")],
        cwd=settings.DBT_PROJECT_DIR, env=os.environ.copy(), capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def marts(raw_dir: Path, tmp_path_factory) -> dict[str, pl.DataFrame]:
    data_dir = raw_dir.parent
    database = data_dir / "warehouse" / "warehouse.duckdb"
    database.parent.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.DATA_DIR_ENV, str(data_dir))
        patch.setenv(settings.WAREHOUSE_DB_ENV, str(database))
        patch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        _ingest(database)
        built = _dbt_build(tmp_path_factory.mktemp("dbt"))
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-2000:]
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            name: con.sql(f"select * from marts.{name}").pl()
            for name in ("dim_regions", "fct_regional_statistics", "fct_regional_context")
        } | {"persons_located": con.sql("select * from intermediate.int_regional_persons_located").pl()}


def _row(frame: pl.DataFrame, **key) -> dict:
    match = frame.filter(*[pl.col(name) == value for name, value in key.items()])
    assert match.height == 1, f"{match.height} rows for {key}"
    return match.row(0, named=True)


# --- participants per 100,000 ---------------------------------------------------------------

def test_participants_per_100k_from_population_and_unique_persons(marts) -> None:
    context = marts["fct_regional_context"]
    helsinki = _row(context, region_code="FI1B", year=2016, project_id="P1")
    # 25 persons of Helsinki, Espoo and Helsingfors (one came twice, one no-show not counted)
    assert helsinki["population"] == 1_000_000
    assert helsinki["participants"] == 25
    assert helsinki["participants_per_100k"] == pytest.approx(2.5)
    assert helsinki["participants_per_100k_flag"] is None
    tampere = _row(context, region_code="FI19", year=2016, project_id="P1")
    assert tampere["participants"] == 2
    assert tampere["participants_per_100k"] == pytest.approx(0.25)
    assert tampere["participants_per_100k_flag"] == "p"  # the population's flag carries over


def test_a_person_whose_city_is_unknown_counts_in_the_country_only(marts) -> None:
    context = marts["fct_regional_context"]
    finland = _row(context, region_code="FI", year=2016, project_id="P1")
    assert finland["participants"] == 28  # 25 + 2 + the participant from Utsjoki
    assert finland["participants_without_region"] == 1
    assert finland["participants_per_100k"] == pytest.approx(28 * 100_000 / 5_000_000)
    mainland = _row(context, region_code="FI1", year=2016, project_id="P1")
    assert mainland["participants"] == 27
    assert mainland["population"] is None
    assert mainland["participants_per_100k"] is None
    assert mainland["participants_per_100k_flag"] == ":"


def test_nenets_participants_are_never_counted_twice(marts) -> None:
    context = marts["fct_regional_context"].filter(pl.col("year") == 2016, pl.col("project_id") == "P1")
    by_region = dict(context.select("region_code", "participants").iter_rows())
    assert by_region["RU-KR"] == 4 and by_region["RU-ARK"] == 3 and by_region["RU-NEN"] == 2
    assert by_region["RU-ARK+NEN"] == 5
    assert by_region["RU-NWFD"] == 9 and by_region["RU"] == 9
    subjects = marts["dim_regions"].filter(pl.col("level") == "federal_subject")["region_code"]
    assert context.filter(pl.col("region_code").is_in(subjects.implode()))["participants"].sum() == 9
    nenets = _row(context, region_code="RU-NEN")
    assert nenets["participants_per_100k"] == pytest.approx(2 * 100_000 / 44_000)
    arkhangelsk = _row(context, region_code="RU-ARK")  # population without the okrug
    assert arkhangelsk["participants_per_100k"] == pytest.approx(3 * 100_000 / 1_106_000)


def test_missing_population_gives_null_with_a_flag_never_zero(marts) -> None:
    context = marts["fct_regional_context"]
    nenets = _row(context, region_code="RU-NEN", year=2017, project_id="P2")  # «…» in 2017
    assert nenets["participants"] == 1
    assert nenets["population"] is None
    assert nenets["participants_per_100k"] is None
    assert nenets["participants_per_100k_flag"] == ":"
    murmansk = _row(context, region_code="RU-MUR", year=2017, project_id="P2")
    assert murmansk["participants"] == 2
    assert murmansk["participants_per_100k"] == pytest.approx(2 * 100_000 / 755_000)


def test_projects_are_counted_apart_and_together(marts) -> None:
    context = marts["fct_regional_context"]
    assert _row(context, region_code="RU-NEN", year=2016, project_id="ALL")["participants"] == 2
    assert _row(context, region_code="RU-NEN", year=2017, project_id="ALL")["participants"] == 1
    assert _row(context, region_code="FI1B", year=2017, project_id="P2")["participants"] == 0
    assert context.filter(pl.col("project_id") == "P2", pl.col("year") == 2016).height == 0
    before = _row(context, region_code="FI1B", year=2015, project_id="ALL")  # no project ran
    assert before["population"] == 990_000
    assert before["participants"] is None and before["participants_per_100k"] is None


def test_participants_are_not_shown_below_the_level_they_are_located_at(marts) -> None:
    context = marts["fct_regional_context"]
    assert set(context["project_id"]) == {"ALL", "P1", "P2"}
    greece = context.filter(pl.col("region_code") == "GR", pl.col("project_id") == "P1")
    assert greece["participants"].to_list() == [0]  # a country: nobody from Greece came
    assert context.filter(pl.col("region_level") == "nuts3")["participants"].null_count() == (
        context.filter(pl.col("region_level") == "nuts3").height
    )


# --- GDP and exchange rates -------------------------------------------------------------------

def test_grp_in_roubles_is_converted_with_the_years_average_ecb_rate(marts) -> None:
    context = marts["fct_regional_context"]
    karelia = _row(context, region_code="RU-KR", year=2016, project_id="ALL")
    # 200,000 million RUB / 630,000 persons / mean(70, 75, 80) RUB per EUR
    assert karelia["gdp_per_capita_eur"] == pytest.approx(200_000e6 / 630_000 / 75.0)
    assert karelia["exchange_rate_per_eur"] == pytest.approx(75.0)
    assert karelia["exchange_rate_source"] == "ecb"
    assert karelia["exchange_rate_days"] == 3
    assert karelia["gdp_currency"] == "RUB"
    assert karelia["gdp_per_capita_method"] == "total_converted_per_population"
    assert karelia["gdp_per_capita_flag"] is None
    murmansk = _row(context, region_code="RU-MUR", year=2016, project_id="ALL")
    assert murmansk["gdp_per_capita_eur"] == pytest.approx(380_000e6 / 760_000 / 75.0)


def test_grp_without_an_exchange_rate_is_null_with_a_flag(marts) -> None:
    murmansk = _row(marts["fct_regional_context"], region_code="RU-MUR", year=2017, project_id="ALL")
    assert murmansk["gdp_per_capita_eur"] is None
    assert murmansk["gdp_per_capita_flag"] == ":"
    assert murmansk["exchange_rate_source"] == "missing"
    assert murmansk["exchange_rate_days"] == 0


def test_eurostat_gdp_per_inhabitant_totals_and_the_isk_fallback(marts) -> None:
    context = marts["fct_regional_context"]
    helsinki = _row(context, region_code="FI1B", year=2016, project_id="ALL")
    assert helsinki["gdp_per_capita_eur"] == 50_000
    assert helsinki["gdp_per_capita_flag"] == "e"
    assert helsinki["gdp_per_capita_method"] == "eurostat_eur_per_inhabitant"
    assert helsinki["exchange_rate_source"] is None
    tampere = _row(context, region_code="FI19", year=2016, project_id="ALL")
    assert tampere["gdp_per_capita_eur"] == pytest.approx(30_000e6 / 800_000)
    assert tampere["gdp_per_capita_flag"] == "p"  # from the population it was divided by
    iceland = _row(context, region_code="IS00", year=2016, project_id="ALL")
    assert iceland["gdp_per_capita_eur"] == pytest.approx(2_900e6 / 340_000 / 145.0)
    assert iceland["exchange_rate_source"] == "fallback"
    assert iceland["gdp_currency"] == "ISK"


# --- employment and organisations --------------------------------------------------------------

def test_employment_share_of_sections_j_and_r_to_u(marts) -> None:
    context = marts["fct_regional_context"]
    helsinki = _row(context, region_code="FI1B", year=2016, project_id="ALL")
    assert helsinki["employment_j_r_u_pct"] == pytest.approx(100 * (60 + 40) / 800)
    assert helsinki["employment_j_thousands"] == 60  # age 15+, not the 15–64 row
    assert helsinki["employment_flag"] == "b"
    tampere = _row(context, region_code="FI19", year=2016, project_id="ALL")
    assert tampere["employment_j_r_u_pct"] is None  # J is ': u'
    assert tampere["employment_flag"] == ":u"


def test_creative_organisations_sum_the_creative_activities_only(marts) -> None:
    context = marts["fct_regional_context"]
    complete = _row(context, region_code="RU-MUR", year=2019, project_id="ALL")
    assert complete["creative_organisations"] == 51 + 40 + 369  # publishing, printing, section R
    assert complete["creative_activities"] == "C18,J58,R"
    assert complete["creative_organisations_flag"] is None
    incomplete = _row(context, region_code="RU-MUR", year=2020, project_id="ALL")  # printing missing
    assert incomplete["creative_organisations"] is None
    assert incomplete["creative_organisations_flag"] == ":"
    assert incomplete["participants"] is None  # no project ran in 2020


# --- the tidy fact and the dimension ------------------------------------------------------------

def test_region_codes_are_normalised_and_aggregates_marked(marts) -> None:
    facts = marts["fct_regional_statistics"]
    assert not facts.filter(pl.col("region_code").is_in(["EL", "UK"])).height
    greece = _row(facts, source_region_code="EL", year=2016)
    assert greece["region_code"] == "GR" and greece["country_code"] == "GR"
    assert greece["indicator_key"] == "demo_r_pjanaggr3|age=TOTAL|sex=T|unit=NR"
    aggregate = _row(facts, region_code="RU-ARK+NEN", year=2016)
    assert aggregate["is_aggregate_region"] and aggregate["value"] == 1_150_000
    population_2016 = facts.filter(
        pl.col("dataset") == "chislennost_naseleniya", pl.col("year") == 2016,
        pl.col("region_level") == "federal_subject",
    )
    assert population_2016["value"].sum() == 630_000 + 1_106_000 + 44_000 + 760_000


def test_nuts_version_periods_flags_and_lineage(marts) -> None:
    facts = marts["fct_regional_statistics"]
    helsinki = _row(facts, region_code="FI1B", year=2016, dimensions="age=TOTAL|sex=T|unit=NR")
    # FI1B is valid in 2013, 2016 and 2021; LT01 (2016, 2021) and NO01 (2013, 2016) in the same
    # file leave only 2016
    assert helsinki["nuts_version"] == 2016
    assert str(helsinki["period_start"]) == "2016-01-01" and str(helsinki["period_end"]) == "2016-12-31"
    assert helsinki["source_file"] == "statistics/eurostat/demo_r_pjanaggr3.tsv"
    assert len(helsinki["source_file_hash"]) == 64
    assert _row(facts, region_code="FI19", year=2016, dimensions="age=TOTAL|sex=T|unit=NR")["flag"] == "p"
    organisations = _row(facts, region_code="RU-MUR", year=2019, component="J58")
    assert organisations["period_type"] == "day" and str(organisations["period_start"]) == "2019-10-01"
    assert not facts.filter(pl.col("dataset").is_in(["ecb_eurofxref", "fx_fallback_rates"])).height


def test_dimension_covers_the_programme_area(marts) -> None:
    regions = marts["dim_regions"]
    arkhangelsk = _row(regions, region_code="RU-ARK")
    assert arkhangelsk["parent_code"] == "RU-NWFD" and arkhangelsk["is_nw_russia"]
    assert _row(regions, region_code="RU-ARK+NEN")["is_aggregate"]
    assert _row(regions, region_code="FI1B")["in_nuts_2016"] and _row(regions, region_code="FI1B")["is_nordic"]
    assert _row(regions, region_code="LT01")["is_baltic"] and not _row(regions, region_code="LT01")["in_nuts_2013"]
    assert _row(regions, region_code="GR")["note"] == "Eurostat writes EL"


def test_person_regions_hold_keys_and_codes_only(marts) -> None:
    located = marts["persons_located"]
    assert set(located.columns) == {"person_key", "country_code", "region_code", "located_by", "match_method"}
    assert located.height == 29 + 11  # every person with a registration, the no-show included
    assert located.filter(pl.col("located_by") == "country").height == 1  # Utsjoki


def test_the_blocking_expectations_pass_on_the_marts(marts) -> None:
    from pipelines.defs.checks import no_personal_data_expectations, validate_frame
    from pipelines.quality.regions import SUITES

    for suite in SUITES:
        frame = marts[suite.mart].to_pandas()
        success, failures = validate_frame(suite.mart, frame, suite.expectations() + no_personal_data_expectations(frame))
        assert success, (suite.mart, failures)


def test_the_blocking_expectations_catch_broken_marts(marts) -> None:
    from pipelines.defs.checks import validate_frame
    from pipelines.quality.regions import SUITES

    suites = {suite.mart: suite for suite in SUITES}
    broken = {
        # the Nenets okrug missing from the dimension
        "dim_regions": marts["dim_regions"].filter(pl.col("region_code") != "RU-NEN"),
        # a Eurostat country code that was not normalised
        "fct_regional_statistics": marts["fct_regional_statistics"].with_columns(
            pl.when(pl.col("region_code") == "GR").then(pl.lit("EL")).otherwise(pl.col("region_code")).alias("region_code")
        ),
        # a region-year counted twice
        "fct_regional_context": pl.concat([marts["fct_regional_context"], marts["fct_regional_context"].head(1)]),
    }
    for mart, frame in broken.items():
        success, failures = validate_frame(f"{mart}_broken", frame.to_pandas(), suites[mart].expectations())
        assert not success, mart
        assert failures, mart
