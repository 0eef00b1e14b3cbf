"""The Dagster code location loads, and every asset is documented and grouped."""

from __future__ import annotations

import dagster as dg
import pytest


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    from pipelines.definitions import defs

    return defs


def test_every_asset_has_a_group_and_a_description(definitions):
    graph = definitions.resolve_asset_graph()
    keys = list(graph.get_all_asset_keys())
    assert len(keys) > 15
    for key in keys:
        node = graph.get(key)
        if node.is_external:
            continue
        assert node.group_name and node.group_name != "default", f"{key} has no group"
        assert (node.description or "").strip(), f"{key} has no description"


def test_graph_runs_from_raw_files_to_published_outputs(definitions):
    graph = definitions.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for expected in ("raw/registrations", "raw/person_identities", "marts/fct_indicator_values",
                     "published_marts", "dashboard_snapshots", "indicator_exports"):
        assert expected in keys
    # Publishing waits for every mart; dashboards and exports read only the published copy.
    upstream_of_publish = {k.to_user_string() for k in graph.get(dg.AssetKey("published_marts")).parent_keys}
    assert {"marts/fct_participations", "marts/fct_indicator_values", "marts/dim_persons"} <= upstream_of_publish
    assert {k.to_user_string() for k in graph.get(dg.AssetKey("dashboard_snapshots")).parent_keys} == {"published_marts"}


def test_marts_have_blocking_quality_checks(definitions):
    graph = definitions.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    gx_checks = {k.asset_key.to_user_string() for k in check_keys if k.name.startswith("gx_")}
    assert {"marts/fct_participations", "marts/fct_indicator_values", "marts/dim_persons", "marts/dim_events"} <= gx_checks
    # dbt tests surface as asset checks too
    assert any(k.asset_key == dg.AssetKey(["staging", "stg_registrations__files"]) for k in check_keys)
    blocking = {k.name for k in check_keys if graph.get_check_spec(k).blocking}
    assert "gx_fct_indicator_values" in blocking and "rows_reconcile_per_file" in blocking


def test_monthly_export_schedule_runs_on_the_first_of_each_month(definitions):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dagster._utils.schedules import cron_string_iterator

    schedule = definitions.resolve_schedule_def("monthly_indicator_export")
    assert schedule.job_name == "warehouse_refresh"
    start = datetime(2016, 2, 15, tzinfo=ZoneInfo("Europe/Helsinki")).timestamp()
    ticks = cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone)
    first_three = [next(ticks) for _ in range(3)]
    assert [(t.month, t.day, t.hour) for t in first_three] == [(3, 1, 6), (4, 1, 6), (5, 1, 6)]


def test_the_code_location_uses_one_writer(definitions):
    executor = definitions.resolve_job_def("warehouse_refresh").executor_def
    assert executor.name == "in_process"


def test_loading_the_definitions_leaves_heavy_libraries_for_the_steps_that_use_them():
    """Start-up counts in every build: the definitions load without the libraries only a step needs."""
    import subprocess
    import sys

    heavy = ("plotly", "great_expectations", "scipy", "openpyxl", "xlrd", "dash")
    probe = ("import sys; import pipelines.definitions; "
             f"print(' '.join(m for m in {heavy!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


def test_the_snapshot_asset_default_matches_the_snapshot_writer():
    from dashboards.snapshots import MAX_PROJECT_PAGES
    from pipelines.defs import dashboards

    assert dashboards.MAX_PROJECT_PAGES == MAX_PROJECT_PAGES
