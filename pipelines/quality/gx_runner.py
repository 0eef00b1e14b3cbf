"""Running Great Expectations on a pandas frame (imported on first use: GX takes seconds to import)."""

from __future__ import annotations

import copy
import logging
from typing import Any

MAX_EXAMPLES = 5


def run(name: str, frame, expectations: list, result_format: str | None = None) -> tuple[bool, list]:
    """Validate ``frame`` with an ephemeral GX context; success and the GX result of each expectation.
    The expectations are copied (GX lets an expectation object belong to one suite only)."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(f"{name}_batch")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = context.suites.add(gx.ExpectationSuite(
        name=f"{name}_suite", expectations=[copy.copy(e) for e in expectations]))
    result = batch.validate(suite, result_format={"result_format": result_format}) if result_format \
        else batch.validate(suite)
    return result.success, list(result.results)


def failure(result: Any) -> dict:
    """A failed GX expectation result as check metadata."""
    record = {
        "expectation": result.expectation_config.type,
        "kwargs": {k: v for k, v in result.expectation_config.kwargs.items() if k != "batch_id"},
        "unexpected_count": result.result.get("unexpected_count"),
        "examples": [str(v) for v in (result.result.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]],
    }
    if result.exception_info and result.exception_info.get("raised_exception"):
        record["error"] = str(result.exception_info.get("exception_message"))[:500]
    return record


def validate_frame(name: str, frame, expectations: list) -> tuple[bool, list[dict]]:
    """Validate a pandas frame; return success and the failed expectations."""
    success, results = run(name, frame, expectations)
    return success, [failure(r) for r in results if not r.success]
