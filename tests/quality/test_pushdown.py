"""A large mart's suite, validated without loading the mart, gives the verdict and the unexpected row
count that Great Expectations gives on the whole mart in pandas. The oracle is GX itself, run here
on the whole table; the table is built to hit the edges (nulls, NaN, infinities, duplicates, keys
that are not hex, nulls on one side of a pair)."""

from __future__ import annotations

import random

import duckdb
import pytest

from pipelines.quality import E, gx_runner, personal_data, profile, pushdown
from pipelines.quality.participation import KEY_PATTERN
from pipelines.quality.reader import Reader

N = 240


def _rows(seed: int = 3) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for i in range(N):
        key = f"{rng.getrandbits(64):016x}"
        if i % 37 == 0:
            key = "not-a-key"
        if i % 53 == 0:
            key = None
        if i % 61 == 0:
            key = rows[i - 1][0] if i else key  # a repeated key
        code = rng.choice(["a", "b", "c", None])
        n = rng.choice([1, 2, 3, 7, None])
        x = rng.choice([0.0, 1.5, -2.0, 12.0, float("nan"), float("inf"), None])
        flag = rng.choice([True, False, None])
        a = rng.choice([1.0, 2.0, 3.0, None, float("nan")])
        b = rng.choice([1.0, 2.0, None])
        d1 = rng.choice(["2016-01-01", "2016-06-01", None])
        d2 = rng.choice(["2016-03-01", None])
        group = rng.choice(["g1", "g2", None])
        rows.append((key, code, n, x, flag, a, b, d1, d2, group))
    return rows


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute("create schema marts")
    connection.execute(
        """create table marts.t (item_key varchar, code varchar, n bigint, x double, flag boolean,
           a double, b double, d1 date, d2 date, grp varchar)"""
    )
    connection.executemany("insert into marts.t values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows())
    yield connection
    connection.close()


EXPECTATIONS = [
    lambda: E.ExpectColumnValuesToNotBeNull(column="code"),
    lambda: E.ExpectColumnValuesToNotBeNull(column="x"),  # NaN is missing to pandas
    lambda: E.ExpectColumnValuesToNotBeNull(column="item_key"),
    lambda: E.ExpectColumnValuesToNotBeNull(column="flag"),
    lambda: E.ExpectColumnValuesToNotBeNull(column="d1"),
    lambda: E.ExpectColumnValuesToBeInSet(column="code", value_set=["a", "b"]),
    lambda: E.ExpectColumnValuesToBeInSet(column="code", value_set=["a", "b", "c", "d"]),
    lambda: E.ExpectColumnValuesToBeInSet(column="code", value_set=[]),
    lambda: E.ExpectColumnValuesToBeInSet(column="flag", value_set=[True]),
    lambda: E.ExpectColumnValuesToBeInSet(column="n", value_set=[1, 2, 3]),
    lambda: E.ExpectColumnValuesToNotBeInSet(column="code", value_set=["z"]),
    lambda: E.ExpectColumnValuesToNotBeInSet(column="code", value_set=["a"]),
    lambda: E.ExpectColumnValuesToBeBetween(column="n", min_value=0),
    lambda: E.ExpectColumnValuesToBeBetween(column="n", min_value=2, max_value=5),
    lambda: E.ExpectColumnValuesToBeBetween(column="x", min_value=-5, max_value=100),  # inf is out
    lambda: E.ExpectColumnValuesToBeBetween(column="x", min_value=0, strict_min=True),
    lambda: E.ExpectColumnValuesToBeBetween(column="x", max_value=12, strict_max=True),
    lambda: E.ExpectColumnValuesToMatchRegex(column="item_key", regex=KEY_PATTERN),
    lambda: E.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[a-c]$"),
    lambda: E.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[ab]$"),
    lambda: E.ExpectColumnValuesToNotMatchRegex(column="code", regex=r"b"),
    lambda: E.ExpectColumnValuesToBeUnique(column="item_key"),
    lambda: E.ExpectColumnValuesToBeUnique(column="code"),
    lambda: E.ExpectColumnValuesToBeUnique(column="n"),
    lambda: E.ExpectCompoundColumnsToBeUnique(column_list=["item_key", "code"]),
    lambda: E.ExpectCompoundColumnsToBeUnique(column_list=["code", "n", "flag"]),
    lambda: E.ExpectCompoundColumnsToBeUnique(column_list=["code", "n"], ignore_row_if="any_value_is_missing"),
    lambda: E.ExpectCompoundColumnsToBeUnique(column_list=["code", "n"], ignore_row_if="never"),
    lambda: E.ExpectCompoundColumnsToBeUnique(column_list=["item_key", "grp", "d1"]),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b"),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b", or_equal=True),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="a", column_B="b", or_equal=True, ignore_row_if="either_value_is_missing"),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="a", column_B="b", ignore_row_if="neither"),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(column_A="d1", column_B="d2", or_equal=True),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="a", column_B="b", or_equal=True, row_condition='grp=="g1"', condition_parser="pandas"),
    lambda: E.ExpectColumnValuesToNotBeNull(column="code", row_condition="grp=='g2'", condition_parser="pandas"),
    lambda: E.ExpectTableColumnsToMatchSet(
        column_set=["item_key", "code", "n", "x", "flag", "a", "b", "d1", "d2", "grp"], exact_match=True),
    lambda: E.ExpectTableColumnsToMatchSet(column_set=["item_key", "code"], exact_match=True),
    lambda: E.ExpectTableColumnsToMatchSet(column_set=["item_key", "code"], exact_match=False),
    lambda: E.ExpectColumnDistinctValuesToContainSet(column="code", value_set=["a", "b"]),
    lambda: E.ExpectColumnDistinctValuesToContainSet(column="code", value_set=["a", "q"]),
]


def _gx_on_the_whole_table(con, expectation) -> tuple[bool, int | None]:
    frame = con.sql("select * from marts.t").pl().to_pandas()
    success, results = gx_runner.run("whole", frame, [expectation])
    return success, results[0].result.get("unexpected_count")


def _pushdown(con, expectation, with_profile: bool):
    reader = Reader(con)
    columns = reader.columns("marts", "t")
    values = profile.build(reader, "marts.t", personal_data.profile_columns(columns)) if with_profile else None
    try:
        outcome = pushdown.validate(reader, "marts.t", "t", [expectation], columns, values)
    finally:
        if values is not None:
            values.drop(reader)
    return outcome


def _id(make) -> str:
    e = make()
    kwargs = {k: v for k, v in e.configuration.kwargs.items() if k not in ("column_set",)}
    return f"{e.expectation_type.removeprefix('expect_')}:{kwargs}"[:100]


@pytest.mark.parametrize("with_profile", [True, False], ids=["text-columns-profiled", "all-in-sql"])
@pytest.mark.parametrize("make", EXPECTATIONS, ids=_id)
def test_pushdown_gives_gx_verdict_and_unexpected_rows(con, make, with_profile):
    expected_success, expected_unexpected = _gx_on_the_whole_table(con, make())
    outcome = _pushdown(con, make(), with_profile)
    assert outcome.success == expected_success, outcome.failures
    if expected_success:
        assert outcome.failures == []
        return
    (failure,) = outcome.failures
    assert "error" not in failure, failure
    if expected_unexpected is not None:
        assert failure["unexpected_count"] == expected_unexpected
    if failure["validated_by"] == "sql":
        assert failure["confirmed_by_gx"] is True


def test_the_edge_table_makes_most_expectations_fail():
    # The comparison above is only worth something if the table breaks most expectations.
    connection = duckdb.connect()
    connection.execute("create schema marts")
    connection.execute(
        """create table marts.t (item_key varchar, code varchar, n bigint, x double, flag boolean,
           a double, b double, d1 date, d2 date, grp varchar)""")
    connection.executemany("insert into marts.t values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows())
    failing = sum(not _gx_on_the_whole_table(connection, make())[0] for make in EXPECTATIONS)
    assert failing >= len(EXPECTATIONS) * 2 // 3


def test_each_path_is_used(con):
    reader = Reader(con)
    columns = {n: pushdown.Column(n, t) for n, t in reader.columns("marts", "t")}
    values = profile.build(reader, "marts.t", personal_data.profile_columns([(c.name, c.type) for c in columns.values()]))
    try:
        kinds = {type(pushdown.plan(make(), columns, "marts.t", values)).__name__ for make in EXPECTATIONS}
    finally:
        values.drop(reader)
    assert kinds == {"ProfileRule", "RowRule", "DuplicateRule", "FrameRule"}


@pytest.mark.parametrize("make", [
    lambda: E.ExpectColumnValuesToNotBeNull(column="code", mostly=0.5),
    lambda: E.ExpectColumnValuesToBeUnique(column="x"),  # floating-point keys
    lambda: E.ExpectColumnValuesToBeBetween(column="d1", min_value="2016-01-01"),
    lambda: E.ExpectColumnValuesToMatchRegex(column="item_key", regex=r"(?=a)"),
    lambda: E.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="a", column_B="b", row_condition='grp=="g1" and n > 2', condition_parser="pandas"),
    lambda: E.ExpectColumnValuesToBeIncreasing(column="n"),
    lambda: E.ExpectColumnValuesToBeInSet(column="n", value_set=["1"]),  # a text value against numbers
])
def test_an_expectation_without_exact_translation_fails_and_says_so(con, make):
    outcome = _pushdown(con, make(), with_profile=False)
    assert not outcome.success
    (failure,) = outcome.failures
    assert failure["validated_by"] == "none" and failure["error"].startswith("not validated")
