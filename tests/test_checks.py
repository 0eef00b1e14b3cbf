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


# ------------------------------------------------------------------ large marts (SQL pushdown)

BIG_ROWS = 400_000  # × 14 columns: above the cells a mart may have to be validated whole in pandas


@pytest.fixture(scope="module")
def big_warehouse(tmp_path_factory):
    """fct_participations with 400,000 clean rows: hex keys, (person, event) unique."""
    path = tmp_path_factory.mktemp("big") / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        f"""create table marts.fct_participations as
            select substr(md5('participation' || i), 1, 16) as participation_key,
                   substr(md5('person' || (i // 3)), 1, 16) as person_key,
                   'E' || (i % 1000) as event_id,
                   'P' || (i % 1000 // 100) as project_id,
                   substr(md5('organisation' || (i // 30)), 1, 16) as organisation_key,
                   ['FI', 'RU', 'SE', 'NO'][i % 4 + 1] as country_code,
                   ['FI', 'RU'][i % 2 + 1] as event_country_code,
                   ['cci_business', 'support_organisation', 'education', 'other_sector', 'unknown'][i % 5 + 1]
                       as target_group,
                   ['sme', 'ngo', 'public_body'][i % 3 + 1] as organisation_type,
                   date '2016-02-01' + (i % 400)::integer as participated_on,
                   i % 4 <> i % 2 as is_cross_border,
                   ['public_event', 'joint_action'][i % 2 + 1] as event_kind,
                   false as is_nordic_participant_at_event_in_russia,
                   false as is_russian_participant_at_nordic_event
            from range({BIG_ROWS}) t(i)"""
    )
    assert checks.GX_WHOLE_FRAME_MAX_CELLS < BIG_ROWS * 14
    con.close()
    return path


@pytest.fixture
def big_copy(big_warehouse, tmp_path):
    path = tmp_path / "w.duckdb"
    path.write_bytes(big_warehouse.read_bytes())
    return path


class _Counted:
    """A DuckDB connection (or relation) that counts every row handed to Python; a fetch method it
    does not know fails the test rather than going uncounted."""

    FETCHES = {"fetchall": len, "fetchmany": len, "fetchone": lambda row: int(row is not None),
               "pl": lambda f: f.height, "df": len, "fetchdf": len, "to_df": len,
               "arrow": lambda t: t.num_rows, "fetch_arrow_table": lambda t: t.num_rows}

    def __init__(self, inner, counter: list) -> None:
        self._inner, self._counter = inner, counter

    def execute(self, *args, **kwargs):
        self._inner.execute(*args, **kwargs)
        return self

    def sql(self, *args, **kwargs):
        return _Counted(self._inner.sql(*args, **kwargs), self._counter)

    def __getattr__(self, name):
        if name in self.FETCHES:
            def fetch(*args, **kwargs):
                result = getattr(self._inner, name)(*args, **kwargs)
                self._counter[0] += self.FETCHES[name](result)
                return result
            return fetch
        if name in ("close",):
            return getattr(self._inner, name)
        raise AssertionError(f"the check used {name!r}, which this test does not count")


def _run_counted(definition, path, monkeypatch):
    from contextlib import contextmanager

    counter = [0]

    @contextmanager
    def counted_connection(self):
        con = duckdb.connect(self.database)
        try:
            yield _Counted(con, counter)
        finally:
            con.close()

    monkeypatch.setattr(DuckDBResource, "get_connection", counted_connection)
    return _run(definition, path), counter[0]


def _failures(result, expectation, column=None):
    return [f for f in result.metadata["failures"].value
            if f["expectation"] == expectation and (column is None or f["kwargs"].get("column") == column)]


def test_a_large_mart_is_validated_without_being_loaded(big_copy, monkeypatch):
    result, fetched = _run_counted(_check_named("gx_fct_participations"), big_copy, monkeypatch)
    assert result.passed, result.metadata["failures"].value
    assert result.metadata["rows"].value == BIG_ROWS
    assert result.metadata["validated"].value == "sql pushdown"
    # a few aggregate rows and the distinct values of low-cardinality columns, never the mart
    assert fetched < 100
    assert 0 < result.metadata["rows_fetched"].value <= fetched  # the check's own count, queries of settings aside


def test_emails_and_phones_planted_in_a_large_mart_are_all_counted(big_copy, monkeypatch):
    con = duckdb.connect(str(big_copy))
    # 3 rows with an email in an ordinary text column, 2 with a phone number, 1 with an email as a key
    con.execute("update marts.fct_participations set organisation_type = 'anna.virtanen@example.fi' "
                "where participation_key in (select participation_key from marts.fct_participations "
                "order by participation_key limit 3)")
    con.execute("update marts.fct_participations set country_code = '+358 40 123 4567' "
                "where participation_key in (select participation_key from marts.fct_participations "
                "order by participation_key desc limit 2)")
    con.execute("update marts.fct_participations set participation_key = 'x.y@example.org' "
                "where participation_key = (select min(participation_key) from marts.fct_participations)")
    con.close()
    result, fetched = _run_counted(_check_named("gx_fct_participations"), big_copy, monkeypatch)
    assert not result.passed
    email = r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}"
    phone = r"^\+?[\d\s\-()]{9,}$"
    in_type = _failures(result, "expect_column_values_to_not_match_regex", "organisation_type")
    assert [(f["kwargs"]["regex"], f["unexpected_count"], f["examples"]) for f in in_type] == [
        (email, 3, ["anna.virtanen@example.fi"])]
    in_country = _failures(result, "expect_column_values_to_not_match_regex", "country_code")
    assert [(f["kwargs"]["regex"], f["unexpected_count"], f["examples"]) for f in in_country] == [
        (phone, 2, ["+358 40 123 4567"])]
    in_key = _failures(result, "expect_column_values_to_not_match_regex", "participation_key")
    assert [(f["kwargs"]["regex"], f["unexpected_count"], f["examples"]) for f in in_key] == [
        (email, 1, ["x.y@example.org"])]
    assert fetched < 100


def test_a_null_and_a_duplicate_planted_in_a_large_mart_are_caught(big_copy, monkeypatch):
    con = duckdb.connect(str(big_copy))
    con.execute("update marts.fct_participations set person_key = null "
                "where participation_key in (select participation_key from marts.fct_participations "
                "order by participation_key limit 2)")
    # the same person at the same event twice
    con.execute("insert into marts.fct_participations select * replace ('f' || substr(participation_key, 2) "
                "as participation_key) from marts.fct_participations where person_key is not null "
                "order by participation_key limit 1")
    con.execute("update marts.fct_participations set target_group = 'artists' "
                "where participation_key in (select participation_key from marts.fct_participations "
                "order by participation_key desc limit 4)")
    con.close()
    result, fetched = _run_counted(_check_named("gx_fct_participations"), big_copy, monkeypatch)
    assert not result.passed
    nulls = _failures(result, "expect_column_values_to_not_be_null", "person_key")
    assert [f["unexpected_count"] for f in nulls] == [2]
    (duplicates,) = _failures(result, "expect_compound_columns_to_be_unique")
    assert duplicates["unexpected_count"] == 2 and duplicates["duplicated_values"] == 1
    assert duplicates["confirmed_by_gx"] is True
    (groups,) = _failures(result, "expect_column_values_to_be_in_set", "target_group")
    assert groups["unexpected_count"] == 4 and groups["examples"] == ["artists"]
    assert groups["validated_by"] == "gx on the column's distinct values"
    assert fetched < 100


@pytest.mark.parametrize("configured", [None, "3GB"])
def test_a_mart_check_restores_the_duckdb_memory_limit_and_leaves_no_tables(warehouse, configured):
    con = duckdb.connect(str(warehouse))
    if configured:
        con.execute(f"set memory_limit = '{configured}'")
    before = con.execute("select current_setting('memory_limit')").fetchone()[0]
    result = checks.check_mart(con, "dim_organisations", [s for s in checks._suites if s.mart == "dim_organisations"])
    assert result["passed"]
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == before
    assert con.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0
    con.close()


def test_loading_the_checks_does_not_import_great_expectations():
    import subprocess
    import sys

    code = ("import sys; import pipelines.defs.checks as c; "
            "assert c.mart_checks; print(sorted(m for m in sys.modules if m.startswith('great_expectations')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
