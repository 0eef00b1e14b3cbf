"""dbt models (staging → intermediate → marts) as Dagster assets; dbt tests surface as asset checks."""


import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.dbt_project import cci_dbt_project
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.dbt_translator import CciDbtTranslator

BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


@dbt_assets(
    manifest=cci_dbt_project.manifest_path,
    project=cci_dbt_project,
    dagster_dbt_translator=CciDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def cci_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # `build` runs models, seeds and data tests in dependency order; a failing test stops its
    # dependants. Unit tests check the models' SQL, not the data: they run with the test suite
    # (tests/dbt/test_dbt_unit_tests.py, `make test`), not in every production build.
    yield from dbt.cli(BUILD_ARGS, context=context).stream()
