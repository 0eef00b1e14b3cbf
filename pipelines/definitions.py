"""The Dagster code location: every module of `pipelines.defs`, with resources and an in-process executor.

The in-process executor runs steps one after another in one process (about 20 ms a step rather
than 2 s), which also keeps DuckDB to a single writer.
"""

from __future__ import annotations

import importlib
import pkgutil

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from pipelines import settings

settings.export_environment()

# The environment must be set before the dbt project and resources are built.
import pipelines.defs  # noqa: E402
from pipelines.defs.resources import warehouse_resources  # noqa: E402


def _defs_modules() -> list:
    return [
        importlib.import_module(f"pipelines.defs.{module.name}")
        for module in sorted(pkgutil.iter_modules(pipelines.defs.__path__), key=lambda m: m.name)
    ]


def _module_objects(modules: list, kind: type) -> list:
    return [value for module in modules for value in vars(module).values() if isinstance(value, kind)]


_modules = _defs_modules()

defs = dg.Definitions(
    assets=dg.load_assets_from_modules(_modules),
    asset_checks=dg.load_asset_checks_from_modules(_modules),
    jobs=_module_objects(_modules, UnresolvedAssetJobDefinition),
    schedules=_module_objects(_modules, dg.ScheduleDefinition),
    sensors=_module_objects(_modules, dg.SensorDefinition),
    resources=warehouse_resources(),
    executor=dg.in_process_executor,
)
