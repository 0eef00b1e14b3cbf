"""The Dagster code location: the modules of `pipelines.defs`, with resources and an in-process executor.

The in-process executor runs steps one after another in one process (about 20 ms a step rather
than 2 s), which also keeps DuckDB to a single writer.
"""

from __future__ import annotations

import dagster as dg

from pipelines import settings

settings.export_environment()

# The environment must be set before the dbt project and resources are built.
from pipelines.defs import checks, ingest, publish, reporting, schedules, statistics, surveys, transform  # noqa: E402
from pipelines.defs.resources import warehouse_resources  # noqa: E402

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([ingest, statistics, surveys, transform, publish, reporting]),
    asset_checks=dg.load_asset_checks_from_modules([checks]),
    jobs=[schedules.warehouse_refresh],
    schedules=[schedules.monthly_indicator_export],
    resources=warehouse_resources(),
    executor=dg.in_process_executor,
)
