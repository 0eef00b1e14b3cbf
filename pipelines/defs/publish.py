"""The publish step: after every blocking check has passed, copy the marts for readers."""


import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import publish, settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.dbt_manifest import mart_names

# Publishing waits for every mart (and so for every blocking check on them).
MART_KEYS = [dg.AssetKey(["marts", name]) for name in mart_names()]


@dg.asset(
    key="published_marts",
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb", "parquet"},
    pool=WAREHOUSE_POOL,
    description=(
        "The marts published for readers in data/marts/current/: marts.duckdb (DuckDB 1.2+ readable) "
        "and one Parquet file per mart, with build metadata and source-file hashes. Swapped atomically."
    ),
)
def published_marts(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    # Sortable by time, unique by run.
    started = context.instance.get_run_record_by_id(context.run_id).create_timestamp
    build_id = f"{started:%Y%m%dT%H%M%S}-{context.run_id[:8]}"
    with duckdb.get_connection() as con:
        release = publish.publish_marts(con, build_id, settings.marts_dir(), settings.raw_dir())
    return dg.MaterializeResult(
        metadata={"release": str(release.path), "tables": release.tables, "build_id": build_id}
    )
