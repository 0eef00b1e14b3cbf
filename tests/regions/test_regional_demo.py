"""The regional marts of one whole build of the synthetic demo, checked against the generator's
ground truth (which the pipeline never reads)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import privacy, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("regions")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("regional_demo")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    database = data_dir / "warehouse" / "warehouse.duckdb"
    database.parent.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.DATA_DIR_ENV, str(data_dir))
        patch.setenv(settings.WAREHOUSE_DB_ENV, str(database))
        patch.setenv(settings.SECRET_FILE_ENV, str(secret))
        from pipelines.definitions import defs

        job = defs.resolve_job_def("warehouse_refresh")
        job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    # The regional marts are read from the build database: a failure elsewhere in the graph
    # (checked by tests/test_end_to_end.py) must not hide what these tests look at.
    with duckdb.connect(str(database), read_only=True) as con:
        context = con.sql("select * from marts.fct_regional_context").pl()
        statistics = con.sql("select * from marts.fct_regional_statistics").pl()
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    return {"context": context, "statistics": statistics, "truth": truth}


def _expected_participants_by_country(truth: dict) -> dict[tuple[str, int, str], int]:
    """(project or ALL, year, country) → unique persons, from the ground truth's persons and the
    generator's event dates."""
    from pipelines.demo.programme import EVENTS_BY_ID

    persons: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    for person in truth["persons"]:
        for event_id in person["events"]:
            event = EVENTS_BY_ID[event_id]
            for scope in (event.project_id, "ALL"):
                persons[(scope, event.start_date.year, person["country_code"])].add(person["person_id"])
    return {key: len(ids) for key, ids in persons.items()}


def test_participants_per_country_match_the_ground_truth(demo) -> None:
    context = demo["context"].filter(pl.col("region_level") == "country", pl.col("participants") > 0)
    found = {(row["project_id"], row["year"], row["region_code"]): row["participants"]
             for row in context.iter_rows(named=True)}
    assert found == _expected_participants_by_country(demo["truth"])


def test_every_demo_participant_is_placed_in_a_region(demo) -> None:
    context = demo["context"].filter(pl.col("participants").is_not_null())
    assert context["participants_without_region"].max() == 0
    # a region's participants add up over its subjects/NUTS 2 regions (no okrug counted twice)
    for scope in context.select("project_id", "year").unique().iter_rows():
        rows = context.filter(pl.col("project_id") == scope[0], pl.col("year") == scope[1])
        by_region = dict(rows.select("region_code", "participants").iter_rows())
        subjects = rows.filter(pl.col("region_level") == "federal_subject", pl.col("region_code").str.starts_with("RU-"))
        assert subjects["participants"].sum() == by_region.get("RU", 0), scope
        assert by_region.get("RU-ARK", 0) + by_region.get("RU-NEN", 0) == by_region.get("RU-ARK+NEN", 0), scope


def test_population_matches_the_generated_files(demo) -> None:
    truth = demo["truth"]["statistics"]
    context = demo["context"].filter(pl.col("year") == 2017, pl.col("project_id") == "ALL")
    population = dict(context.select("region_code", "population").iter_rows())
    for country, total in truth["eurostat"]["population_total_2017"].items():
        assert population[country] == total, country
    rosstat = truth["rosstat"]["population_2017"]
    assert population["RU-KR"] == rosstat["karelia"]
    assert population["RU-ARK"] == rosstat["arkhangelsk_without_nao"]
    assert population["RU-NEN"] == rosstat["nao"]
    assert population["RU-ARK+NEN"] == rosstat["arkhangelsk_total"]
    assert population["RU-SPE"] == rosstat["spb"]


def test_the_demo_has_no_exchange_rates_so_nothing_is_converted(demo) -> None:
    context = demo["context"]
    assert context["gdp_per_capita_eur"].null_count() == context.height
    statistics = demo["statistics"]
    assert statistics.filter(pl.col("is_aggregate_region"))["region_code"].unique().to_list() == ["RU-ARK+NEN"]
    assert set(statistics.filter(pl.col("region_code").str.len_chars() == 4)["nuts_version"]) == {2016}
