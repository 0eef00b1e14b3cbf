"""dbt models (staging → intermediate → marts) as Dagster assets; dbt tests surface as asset checks."""


import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipelines.dbt_project import cci_dbt_project
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.dbt_translator import CciDbtTranslator


@dbt_assets(
    manifest=cci_dbt_project.manifest_path,
    project=cci_dbt_project,
    dagster_dbt_translator=CciDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def cci_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    # `build` runs models, seeds and tests in dependency order; a failing test stops its dependants.
    yield from dbt.cli(["build"], context=context).stream()
