"""Blocking quality checks: Great Expectations suites on the marts, and the per-file reconciliation.

A failing blocking check stops the run before publishing, so researchers keep the last good marts.
"""


import logging
import os
from dataclasses import dataclass, field

import dagster as dg
import great_expectations as gx
import pandas as pd
from dagster_duckdb import DuckDBResource

from pipelines.defs.resources import WAREHOUSE_POOL

logging.getLogger("great_expectations").setLevel(logging.ERROR)
os.environ.setdefault("TQDM_DISABLE", "1")  # GX draws a progress bar per validation

KEY_PATTERN = r"^[0-9a-f]{16}$"
# Personal data must never reach a mart: no string value may look like an email or a phone number.
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}"
PHONE_PATTERN = r"^\+?[\d\s\-()]{9,}$"
TARGET_GROUPS = ["cci_business", "support_organisation", "education", "other_sector", "unknown"]
PERIOD_TYPES = ["month", "quarter", "year", "cumulative", "project_to_date"]


@dataclass(frozen=True)
class MartSuite:
    mart: str
    expectations: list = field(default_factory=list)


def mart_suites() -> list[MartSuite]:
    E = gx.expectations
    return [
        MartSuite("dim_projects", [
            E.ExpectColumnValuesToNotBeNull(column="project_id"),
            E.ExpectColumnValuesToBeUnique(column="project_id"),
            E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end_date", column_B="start_date", or_equal=True),
        ]),
        MartSuite("dim_events", [
            E.ExpectColumnValuesToBeUnique(column="event_id"),
            E.ExpectColumnValuesToMatchRegex(column="country_code", regex=r"^[A-Z]{2}$"),
            E.ExpectColumnValuesToBeInSet(column="event_kind", value_set=["public_event", "joint_action"]),
            E.ExpectColumnValuesToBeBetween(column="participations", min_value=0),
        ]),
        MartSuite("dim_persons", [
            E.ExpectColumnValuesToBeUnique(column="person_key"),
            E.ExpectColumnValuesToMatchRegex(column="person_key", regex=KEY_PATTERN),
            E.ExpectColumnValuesToBeInSet(column="target_group", value_set=TARGET_GROUPS),
            E.ExpectColumnValuesToBeBetween(column="events_attended", min_value=1),
        ]),
        MartSuite("dim_organisations", [
            E.ExpectColumnValuesToBeUnique(column="organisation_key"),
            E.ExpectColumnValuesToMatchRegex(column="organisation_key", regex=KEY_PATTERN),
        ]),
        MartSuite("fct_participations", [
            E.ExpectColumnValuesToNotBeNull(column="person_key"),
            E.ExpectColumnValuesToMatchRegex(column="person_key", regex=KEY_PATTERN),
            E.ExpectCompoundColumnsToBeUnique(column_list=["person_key", "event_id"]),
            E.ExpectColumnValuesToBeInSet(column="target_group", value_set=TARGET_GROUPS),
            E.ExpectColumnValuesToNotBeNull(column="is_cross_border"),
        ]),
        MartSuite("fct_indicator_values", [
            E.ExpectColumnValuesToBeBetween(column="value", min_value=0),
            E.ExpectColumnValuesToBeInSet(column="period_type", value_set=PERIOD_TYPES),
            E.ExpectCompoundColumnsToBeUnique(column_list=[
                "project_id", "indicator_code", "period_type", "period_id", "disaggregation", "disaggregation_value"]),
        ]),
        MartSuite("fct_participants_cumulative", [
            E.ExpectColumnValuesToBeBetween(column="cumulative_unique_participants", min_value=0),
            E.ExpectCompoundColumnsToBeUnique(column_list=["project_id", "month_end"]),
        ]),
    ]


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


def _make_mart_check(suite: MartSuite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", suite.mart]),
        name=f"gx_{suite.mart}",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite on {suite.mart}, plus a scan for personal data in every text column.",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            frame = con.sql(f"select * from marts.{suite.mart}").pl().to_pandas()
        expectations = list(suite.expectations) + no_personal_data_expectations(frame)
        success, failures = validate_frame(suite.mart, frame, expectations)
        return dg.AssetCheckResult(
            passed=success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows": len(frame), "expectations": len(expectations), "failures": dg.MetadataValue.json(failures)},
        )

    return _check


mart_checks = [_make_mart_check(suite) for suite in mart_suites()]


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
