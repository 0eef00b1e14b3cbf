"""One build of a small generated programme, then a rebuild after a new event's export is added:
the published figures match the generator's ground truth both times, the rebuild reads only
the new file (the others' rows are kept in the warehouse), and it publishes the same marts as a
build from scratch on the same raw files."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines import privacy, settings
from pipelines.demo.scale import add_event_export, generate_programme, read_ground_truth

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("scale")]


def _build(data_dir: Path, secret: Path) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.DATA_DIR_ENV, str(data_dir))
        patch.setenv(settings.WAREHOUSE_DB_ENV, str(data_dir / "warehouse" / "warehouse.duckdb"))
        patch.setenv(settings.SECRET_FILE_ENV, str(secret))
        (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
        result = defs.resolve_job_def("warehouse_refresh").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    return result


def _published(data_dir: Path, indicator: str) -> dict[str, float]:
    values = pl.read_parquet(data_dir / "marts" / "current" / "fct_indicator_values.parquet").filter(
        (pl.col("indicator_code") == indicator) & (pl.col("period_type") == "project_to_date")
        & (pl.col("disaggregation") == "total"))
    return dict(values.select("project_id", "value").iter_rows())


def _parses(data_dir: Path) -> pl.DataFrame:
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        return con.sql("select _source_file as source_file, parse_key as key, parsed_at "
                       "from raw.registration_parses").pl()
    finally:
        con.close()


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("programme")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_programme(data_dir, 1_000, seed=21, progress=False)
    _build(data_dir, secret)
    first = {"truth": read_ground_truth(data_dir), "unique": _published(data_dir, "unique_participants"),
             "participations": _published(data_dir, "participations"), "index": _parses(data_dir)}
    added = add_event_export(data_dir, rows=150)
    _build(data_dir, secret)
    second = {"truth": read_ground_truth(data_dir), "unique": _published(data_dir, "unique_participants"),
              "participations": _published(data_dir, "participations"), "index": _parses(data_dir)}
    # the same raw files built from scratch, with the same secret (so the same pseudonymous keys)
    fresh = tmp_path_factory.mktemp("programme_from_scratch")
    shutil.copytree(data_dir / "raw", fresh / "raw")
    _build(fresh, secret)
    return {"first": first, "second": second, "added": added, "rebuilt": data_dir, "fresh": fresh}


@pytest.mark.parametrize("build", ["first", "second"])
def test_published_figures_match_the_ground_truth(builds, build):
    state = builds[build]
    for project_id, truth in state["truth"]["projects"].items():
        assert state["unique"][project_id] == truth["unique_participants"], project_id
        assert state["participations"][project_id] == truth["participations"], project_id


def test_the_rebuild_adds_only_the_new_events_figures(builds):
    added = builds["added"]
    first, second = builds["first"]["truth"]["projects"], builds["second"]["truth"]["projects"]
    assert second[added.project_id]["participations"] == first[added.project_id]["participations"] + added.participations
    assert builds["second"]["participations"][added.project_id] > builds["first"]["participations"][added.project_id]


def test_the_rebuild_parsed_only_the_new_file(builds):
    before, after = builds["first"]["index"], builds["second"]["index"]
    assert set(before["key"]) <= set(after["key"])  # every earlier read was kept, none redone
    new = after.filter(~pl.col("key").is_in(before["key"].to_list()))
    assert new["source_file"].to_list() == [builds["added"].source_file]
    kept = after.filter(pl.col("key").is_in(before["key"].to_list())).sort("key")
    assert kept["parsed_at"].to_list() == before.sort("key")["parsed_at"].to_list()


# When the warehouse read a source: an incremental build keeps the first reading's time.
READ_TIME_COLUMNS = ("ingested_at",)


def test_the_rebuild_publishes_what_a_build_from_scratch_publishes(builds):
    rebuilt = builds["rebuilt"] / "marts" / "current"
    fresh = builds["fresh"] / "marts" / "current"
    marts = sorted(p.name for p in fresh.glob("*.parquet") if not p.name.startswith("build_"))
    assert marts == sorted(p.name for p in rebuilt.glob("*.parquet") if not p.name.startswith("build_"))
    assert "fct_indicator_values.parquet" in marts
    for name in marts:
        expected, found = (pl.read_parquet(release / name).drop(READ_TIME_COLUMNS, strict=False)
                           for release in (fresh, rebuilt))
        assert found.columns == expected.columns, name
        expected, found = (frame.sort(frame.columns, nulls_last=True) for frame in (expected, found))
        assert found.equals(expected), name
