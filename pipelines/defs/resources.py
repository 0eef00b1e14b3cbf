"""Resources. The DuckDB path comes from one env var (CCI_WAREHOUSE_DB) that dbt's profiles.yml reads too."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.dbt_project import cci_dbt_project

# DuckDB allows one writing process: every asset that writes the warehouse runs in this pool.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_resources() -> dict[str, object]:
    return {
        "duckdb": DuckDBResource(database=dg.EnvVar(settings.WAREHOUSE_DB_ENV),
                                 connection_config={"memory_limit": settings.ingest_duckdb_memory_limit()}),
        "dbt": DbtCliResource(project_dir=cci_dbt_project),
    }
