"""Quality checks called directly on small hand-made warehouses: they pass on good data and
fail on the defects they exist to catch."""

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines.defs import checks


def _check_named(name: str):
    for definition in checks.mart_checks:
        if any(key.name == name for key in definition.check_keys):
            return definition
    raise KeyError(name)


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """create table marts.dim_organisations as select * from (values
           ('0123456789abcdef', 'sme', 'RU', true, 3::bigint),
           ('fedcba9876543210', 'ngo', 'FI', false, 1::bigint)) t(organisation_key, organisation_type, country_code, is_sme, persons)"""
    )
    con.close()
    return path


def _run(definition, path):
    context = dg.build_asset_check_context(resources={"duckdb": DuckDBResource(database=str(path))})
    return definition(context)


def test_mart_check_passes_on_clean_mart(warehouse):
    result = _run(_check_named("gx_dim_organisations"), warehouse)
    assert result.passed


def test_mart_check_fails_when_a_key_is_not_a_keyed_hash(warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.dim_organisations values ('not-a-key', 'sme', 'RU', true, 1)")
    con.close()
    result = _run(_check_named("gx_dim_organisations"), warehouse)
    assert not result.passed
    failed = {f["expectation"] for f in result.metadata["failures"].value}
    assert "expect_column_values_to_match_regex" in failed


def test_mart_check_finds_an_email_that_leaked_into_any_text_column(warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("insert into marts.dim_organisations values ('aaaaaaaaaaaaaaaa', 'anna.virtanen@example.fi', 'FI', false, 1)")
    con.close()
    result = _run(_check_named("gx_dim_organisations"), warehouse)
    assert not result.passed
    failures = result.metadata["failures"].value
    assert any(f["expectation"] == "expect_column_values_to_not_match_regex" and "anna.virtanen@example.fi" in f["examples"]
               for f in failures)


def test_reconciliation_check_fails_when_a_row_is_lost(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    con.execute("create table raw.registration_files as select 'a.csv' as _source_file, 'loaded' as status, 5 as rows_read")
    # 3 staged + 1 quarantined = 4, but 5 rows were read: one row vanished.
    con.execute("create table raw.registrations as select 'a.csv' as _source_file from range(3)")
    con.execute("create table raw.registration_quarantine as select 'a.csv' as _source_file from range(1)")
    con.close()
    context = dg.build_asset_check_context(resources={"duckdb": DuckDBResource(database=str(path))})
    result = checks.rows_reconcile_per_file(context)
    assert not result.passed
    assert result.metadata["files_not_reconciled"].value == [
        {"_source_file": "a.csv", "rows_read": 5, "staged": 3, "quarantined": 1}
    ]
