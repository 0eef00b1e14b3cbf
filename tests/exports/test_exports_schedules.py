"""The delivery schedule's run times and run requests, and the export asset run as a backfill."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import cron_string_iterator
from export_fixtures import indicator_frame, marts_for

from pipelines import settings

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def published(tmp_path, monkeypatch):
    """A data directory whose published marts are the hand-made fixture (projects TP and XX)."""
    data = tmp_path / "data"
    release = data / "marts" / "releases" / "20160701T060000-aaaaaaaa"
    release.mkdir(parents=True)
    for name, frame in marts_for(indicator_frame()).items():
        frame.write_parquet(release / f"{name}.parquet")
    (data / "marts" / "current").symlink_to(release.relative_to(data / "marts"), target_is_directory=True)
    (data / "raw").mkdir()
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(data))
    return data


def test_schedule_ticks_on_the_first_morning_of_each_month():
    from pipelines.defs.schedules import monthly_indicator_export

    assert monthly_indicator_export.job_name == "warehouse_refresh"
    start = dt.datetime(2016, 2, 15, tzinfo=HELSINKI).timestamp()
    ticks = cron_string_iterator(start, monthly_indicator_export.cron_schedule,
                                 monthly_indicator_export.execution_timezone)
    got = [next(ticks) for _ in range(15)]
    assert [(t.year, t.month, t.day, t.hour, t.minute) for t in got[:3]] == [
        (2016, 3, 1, 6, 0), (2016, 4, 1, 6, 0), (2016, 5, 1, 6, 0)]
    assert got[-1].date() == dt.date(2017, 5, 1)
    assert {t.utcoffset() for t in got} == {dt.timedelta(hours=2), dt.timedelta(hours=3)}  # Helsinki, DST


def _evaluate(when: dt.datetime) -> dg.RunRequest:
    from pipelines.defs.schedules import monthly_indicator_export

    context = dg.build_schedule_context(scheduled_execution_time=when)
    result = monthly_indicator_export.evaluate_tick(context)
    assert len(result.run_requests) == 1
    return result.run_requests[0]


def test_each_tick_requests_the_deliveries_falling_due(published):
    april = _evaluate(dt.datetime(2016, 4, 1, 6, 0, tzinfo=HELSINKI))
    assert april.run_config == {"ops": {"indicator_exports": {"config": {"as_of": "2016-04-01"}}}}
    assert april.run_key == "deliveries-2016-04-01"
    # TP runs Feb–Jun 2016, XX all of 2016: both close 2016Q1 in March.
    assert april.tags["cci/deliveries_due"] == "TP 2016-03, TP 2016Q1, XX 2016-03, XX 2016Q1"
    may = _evaluate(dt.datetime(2016, 5, 1, 6, 0, tzinfo=HELSINKI))
    assert may.tags["cci/deliveries_due"] == "TP 2016-04, XX 2016-04"
    # TP ends in June: its last month, last quarter and final report fall due on 1 July.
    july = _evaluate(dt.datetime(2016, 7, 1, 6, 0, tzinfo=HELSINKI))
    assert july.tags["cci/deliveries_due"] == "TP 2016-06, TP 2016Q2, TP final, XX 2016-06, XX 2016Q2"
    # the tick's Helsinki date counts, not UTC's (04:00 UTC on 1 January is 06:00 in Helsinki)
    january = _evaluate(dt.datetime(2017, 1, 1, 4, 0, tzinfo=dt.timezone.utc))
    assert january.run_config["ops"]["indicator_exports"]["config"]["as_of"] == "2017-01-01"
    assert january.tags["cci/deliveries_due"] == "XX 2016-12, XX 2016Q4, XX final"


def test_tick_without_published_marts_still_runs_the_refresh(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "empty"))
    request = _evaluate(dt.datetime(2016, 4, 1, 6, 0, tzinfo=HELSINKI))
    assert request.run_config["ops"]["indicator_exports"]["config"]["as_of"] == "2016-04-01"
    assert "cci/deliveries_due" not in request.tags


def test_backfill_job_selects_only_the_deliveries():
    from pipelines.definitions import defs

    job = defs.resolve_job_def("funder_deliveries")
    assert {node.name for node in job.graph.node_defs} == {"indicator_exports"}


def _digests(directory) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_asset_backfills_one_period_and_reproduces_it_byte_for_byte(published):
    from pipelines.defs.exports import indicator_exports

    config = {"ops": {"indicator_exports": {"config": {"project": "TP", "period": "2016Q1", "as_of": "2016-07-01"}}}}
    result = dg.materialize([indicator_exports], run_config=config, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    exports = published / "exports"
    assert sorted(str(p.relative_to(exports)) for p in exports.rglob("*") if p.is_file()) == [
        "TP/2016Q1/v1/iati-activity_TP_2016Q1.xml", "TP/2016Q1/v1/indicators_TP_2016Q1.csv",
        "TP/2016Q1/v1/indicators_TP_2016Q1.xlsx", "TP/2016Q1/v1/manifest.json"]
    first = _digests(exports)
    # The same period again, from scratch: the same bytes.
    moved = published / "first_exports"
    exports.rename(moved)
    assert dg.materialize([indicator_exports], run_config=config, instance=dg.DagsterInstance.ephemeral()).success
    assert _digests(exports) == first == _digests(moved)


def test_asset_writes_everything_due_by_its_date(published):
    from pipelines.defs.exports import indicator_exports

    config = {"ops": {"indicator_exports": {"config": {"as_of": "2016-04-01"}}}}
    result = dg.materialize([indicator_exports], run_config=config, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    written = sorted(f"{p.parent.parent.name} {p.parent.name}" for p in (published / "exports").glob("*/*/v1"))
    assert written == ["TP 2016-02", "TP 2016-03", "TP 2016Q1", "XX 2016-01", "XX 2016-02", "XX 2016-03", "XX 2016Q1"]
    metadata = result.asset_materializations_for_node("indicator_exports")[0].metadata
    assert metadata["deliveries_created"].value == 7
