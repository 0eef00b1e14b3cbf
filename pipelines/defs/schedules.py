"""Jobs and schedules. Every run refreshes the whole graph: it is small, and a partial refresh
could publish marts from inputs of different dates."""

from __future__ import annotations

import dagster as dg

warehouse_refresh = dg.define_asset_job(
    "warehouse_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every raw file, build the dbt models, check, publish, and write dashboards and exports.",
)

# Funders receive the indicator export monthly: refresh on the first morning of each month.
monthly_indicator_export = dg.ScheduleDefinition(
    name="monthly_indicator_export",
    job=warehouse_refresh,
    cron_schedule="0 6 1 * *",
    execution_timezone="Europe/Helsinki",
    description="Monthly refresh that writes the indicator exports for the month just finished.",
)
