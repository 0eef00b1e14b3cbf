"""The Dagster code location: every module of `pipelines.defs`, with resources and an in-process executor.

The in-process executor runs steps one after another in one process (about 20 ms a step rather
than 2 s), which also keeps DuckDB to a single writer.
"""

from __future__ import annotations

import dagster as dg

from pipelines import settings

settings.export_environment()

import pipelines.defs as defs_package  # noqa: E402  (the environment must be set first)
from pipelines.defs.resources import warehouse_resources  # noqa: E402

defs = dg.load_definitions_from_package_module(
    defs_package,
    resources=warehouse_resources(),
    executor=dg.in_process_executor,
)
