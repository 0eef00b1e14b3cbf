"""Dagster definitions, one module per concern; `pipelines.definitions` loads them all."""
