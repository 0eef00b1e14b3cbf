"""Blocking quality checks: Great Expectations on every mart, and the per-file reconciliation.

A failing blocking check stops the run before publishing, so researchers keep the last good marts.
"""

import logging
import os

import dagster as dg
import great_expectations as gx
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.dbt_manifest import mart_names
from pipelines.quality import MartSuite, all_suites

logging.getLogger("great_expectations").setLevel(logging.ERROR)
os.environ.setdefault("TQDM_DISABLE", "1")  # GX draws a progress bar per validation

# Personal data must never reach a mart: no string value may look like an email or a phone number.
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}"
PHONE_PATTERN = r"^\+?[\d\s\-()]{9,}$"


def no_personal_data_expectations(frame: pd.DataFrame) -> list:
    """Every text column of a mart is scanned for values shaped like emails or phone numbers."""
    E = gx.expectations
    expectations = []
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype).startswith(("string", "str")):
            expectations.append(E.ExpectColumnValuesToNotMatchRegex(column=column, regex=EMAIL_PATTERN))
            if not column.endswith("_key"):  # a hex key can be all digits
                expectations.append(E.ExpectColumnValuesToNotMatchRegex(column=column, regex=PHONE_PATTERN))
    return expectations


def validate_frame(name: str, frame: pd.DataFrame, expectations: list) -> tuple[bool, list[dict]]:
    """Validate a pandas frame with an ephemeral GX context; return success and the failed expectations."""
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas(f"{name}_source")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe(f"{name}_batch")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = context.suites.add(gx.ExpectationSuite(name=f"{name}_suite", expectations=expectations))
    result = batch.validate(suite)
    failures = [
        {
            "expectation": r.expectation_config.type,
            "kwargs": {k: v for k, v in r.expectation_config.kwargs.items() if k != "batch_id"},
            "unexpected_count": r.result.get("unexpected_count"),
            "examples": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:5]],
        }
        for r in result.results
        if not r.success
    ]
    return result.success, failures


def _make_mart_check(mart: str, suites: list[MartSuite]) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name=f"gx_{mart}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite on {mart}, plus a scan for personal data in every text column.",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(f"select * from marts.{mart}").pl().to_pandas()
        expectations = [e for suite in suites for e in suite.expectations()]
        expectations += no_personal_data_expectations(frame)
        success, failures = validate_frame(mart, frame, expectations)
        return dg.AssetCheckResult(
            passed=success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows": len(frame), "expectations": len(expectations), "failures": dg.MetadataValue.json(failures)},
        )

    return _check


_suites = all_suites()
mart_checks = [
    _make_mart_check(mart, [suite for suite in _suites if suite.mart == mart]) for mart in mart_names()
]


@dg.asset_check(
    asset=dg.AssetKey(["raw", "registration_files"]),
    name="rows_reconcile_per_file",
    blocking=True,
    pool=WAREHOUSE_POOL,
    description="Every input row lands in exactly one place: per file, rows read = rows staged + rows quarantined.",
)
def rows_reconcile_per_file(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        mismatched = con.sql(
            """
            with staged as (select _source_file, count(*) as n from raw.registrations group by 1),
                 quarantined as (select _source_file, count(*) as n from raw.registration_quarantine group by 1)
            select f._source_file, f.rows_read, coalesce(s.n, 0) as staged, coalesce(q.n, 0) as quarantined
            from raw.registration_files f
            left join staged s using (_source_file)
            left join quarantined q using (_source_file)
            where f.status = 'loaded' and f.rows_read <> coalesce(s.n, 0) + coalesce(q.n, 0)
            """
        ).pl()
    return dg.AssetCheckResult(
        passed=mismatched.height == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"files_not_reconciled": dg.MetadataValue.json(mismatched.to_dicts())},
    )


@dg.asset_check(
    asset=dg.AssetKey(["raw", "registration_files"]),
    name="every_file_loaded",
    description="Each registration file could be read; a failed file is reported here (the other files still load).",
)
def every_file_loaded(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        failed = con.sql(
            "select _source_file, error from raw.registration_files where status = 'failed'"
        ).pl()
    return dg.AssetCheckResult(
        passed=failed.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"failed_files": dg.MetadataValue.json(failed.to_dicts())},
    )
