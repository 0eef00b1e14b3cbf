"""Blocking quality checks: Great Expectations on every mart, and the per-file reconciliation.

A failing blocking check stops the run before publishing, so researchers keep the last good marts.

Each mart check answers two questions over every row of the mart:

* **No personal data** (no value of any text column shaped like an email address or a phone
  number): always scanned in DuckDB, exhaustively, by `pipelines.quality.personal_data` (a regex
  per text column, with Python's exact meaning; counts and up to five examples).
* **The mart's GX suite** (`pipelines.quality`):

  - a *small* mart (at most ``GX_WHOLE_FRAME_MAX_CELLS`` rows × columns) is loaded whole and
    validated by Great Expectations, as it always was;
  - a *large* mart is never loaded: `pipelines.quality.pushdown` answers each expectation over
    every row, exactly. GX validates frames that give the same verdict as the whole mart: the
    distinct values (with row counts) of a text column for value tests (sets, patterns, nulls),
    the column names for table tests. Key, numeric and cross-column tests are predicates counted
    in one SQL scan; uniqueness is grouped by hash, then by key. Failures found in SQL are
    re-validated by GX on the unexpected rows (``confirmed_by_gx``). An expectation with no exact
    translation fails the check; nothing is sampled. That module's docstring says why each
    answer is exact.

Great Expectations is imported only when a check runs (importing it takes seconds, and the
Dagster definitions load this module at start-up). While a mart check runs, DuckDB is held to
``DUCKDB_MEMORY_LIMIT`` (it spills to disk beyond), so checking a mart of tens of millions of
rows stays within a fixed memory budget; its default limit is restored afterwards (a limit
configured on the connection is left alone).

Metadata of a mart check: ``rows``, ``expectations``, ``validated`` (``gx whole mart`` or
``sql pushdown``), ``rows_fetched`` (rows brought from DuckDB into Python), ``failures``.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines import quality
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.dbt_manifest import mart_names
from pipelines.lib.warehouse_io import duckdb_setting, has_default_setting
from pipelines.quality import MartSuite, all_suites, gx_runner, personal_data, profile, pushdown
from pipelines.quality.personal_data import EMAIL_PATTERN, PHONE_PATTERN  # noqa: F401 - part of this module's interface
from pipelines.quality.reader import Reader, quote

logging.getLogger("great_expectations").setLevel(logging.ERROR)

# A mart with at most this many cells (rows × columns) is validated whole by GX in pandas
# (about 100 MB of frame); a larger one through `pipelines.quality.pushdown`.
GX_WHOLE_FRAME_MAX_CELLS = 2_000_000
# What DuckDB may hold in memory while a mart is checked (hash tables spill to disk beyond it).
DUCKDB_MEMORY_LIMIT = "512MB"


def no_personal_data_expectations(frame) -> list:
    """The personal-data scan as GX expectations on a pandas frame (for frames outside the warehouse;
    the mart checks run the same scan in DuckDB, see `pipelines.quality.personal_data`)."""
    E = quality.E
    expectations = []
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype).startswith(("string", "str")):
            expectations.append(E.ExpectColumnValuesToNotMatchRegex(column=column, regex=EMAIL_PATTERN))
            if personal_data.phone_scanned(column):
                expectations.append(E.ExpectColumnValuesToNotMatchRegex(column=column, regex=PHONE_PATTERN))
    return expectations


def validate_frame(name: str, frame, expectations: list) -> tuple[bool, list[dict]]:
    """Validate a pandas frame with an ephemeral GX context; return success and the failed expectations."""
    return gx_runner.validate_frame(name, frame, expectations)


def check_mart(con, mart: str, suites: list[MartSuite]) -> dict:
    """Validate one mart (see the module docstring); return passed, failures and what was done."""
    reader = Reader(con)
    relation = f"marts.{quote(mart)}"
    columns = reader.columns("marts", mart)
    rows = reader.one(f"select count(*) from {relation}")[0]
    # held to DUCKDB_MEMORY_LIMIT only when DuckDB runs with its default (most of the machine's
    # memory): a limit someone configured is left as it is
    capped = has_default_setting(con, "memory_limit")
    with duckdb_setting(con, "memory_limit", DUCKDB_MEMORY_LIMIT) if capped else nullcontext():
        values = profile.build(reader, relation, personal_data.profile_columns(columns))
        try:
            failures = personal_data.scan(reader, relation, columns, values)
            expectations = [e for suite in suites for e in suite.expectations()]
            if not expectations:
                success, suite_failures, validated = True, [], "no suite"
            elif rows * max(len(columns), 1) <= GX_WHOLE_FRAME_MAX_CELLS:
                frame = reader.frame(f"select * from {relation}")
                success, suite_failures = validate_frame(mart, frame, expectations)
                validated = "gx whole mart"
                del frame
            else:
                outcome = pushdown.validate(reader, relation, mart, expectations, columns, values)
                success, suite_failures, validated = outcome.success, outcome.failures, "sql pushdown"
        finally:
            values.drop(reader)
    return {
        "passed": success and not failures,
        "rows": rows,
        "expectations": len(expectations) + personal_data.checked_patterns(columns),
        "validated": validated,
        "rows_fetched": reader.rows_fetched,
        "failures": suite_failures + failures,
    }


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
            result = check_mart(con, mart, suites)
        return dg.AssetCheckResult(
            passed=result["passed"],
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows": result["rows"],
                "expectations": result["expectations"],
                "validated": result["validated"],
                "rows_fetched": result["rows_fetched"],
                "failures": dg.MetadataValue.json(result["failures"]),
            },
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
