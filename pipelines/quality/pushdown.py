"""The suite of a large mart, validated over every row without loading the mart into Python.

A mart too large to hand to Great Expectations whole (`pipelines.defs.checks` decides) keeps the
same suite: the GX expectation objects are read, and each is answered exactly, over every row,
in one of four ways. Nothing is sampled; an expectation none of them can answer exactly fails
the check with a message saying so (it is never skipped).

1. **GX on the distinct values of a text column.** The mart's profile
   (`pipelines.quality.profile`, built in one pass for the personal-data scan anyway) holds every
   distinct value of every non-key text column with the number of rows holding it. For an
   expectation whose verdict on a row depends on that row's value alone (``to_not_be_null``,
   ``to_be_in_set``, ``to_not_be_in_set``, ``to_match_regex``, ``to_not_match_regex``,
   ``to_be_between``, value lengths), without ``row_condition`` and with ``mostly`` = 1, GX
   validates a frame of those distinct values (a null row if the column has nulls): a value is
   unexpected there exactly when its rows are unexpected in the mart, so the verdict is the
   same, and the unexpected row count is the sum of the row counts of the values GX flags.
   The frame has as many rows as the column has distinct values (codes, periods, names: a few
   thousand at any scale); a column with more than ``MAX_PROFILED_VALUES`` goes to 2.

2. **Row rules, counted in SQL** (keys, numbers, booleans, column pairs, row conditions). The
   expectation holds when no row is *unexpected*, and whether a row is unexpected depends on
   that row alone. Its predicate is written in SQL with the meaning of GX's pandas engine (the
   engine the whole-mart path uses), and one scan of the mart counts the unexpected rows of
   every row rule at once. What makes each translation exact:

   * *missing* is what pandas calls null: SQL NULL, and NaN in FLOAT/DOUBLE columns (DuckDB keeps
     NaN as a value; pandas treats it as missing). Column-map expectations skip missing values
     (GX filters them out before the test), except ``expect_column_values_to_not_be_null``,
     whose unexpected rows are exactly the missing ones;
   * ``to_be_in_set`` / ``to_not_be_in_set``: ``Series.isin`` is equality with a set member,
     written ``IN (...)``; only a text column with text values, a boolean column with booleans or
     a numeric column with numbers is translated, so no implicit cast can change an answer;
   * ``to_be_between``: pandas compares with ``<``/``<=`` per ``strict_min``/``strict_max``, as
     SQL does for numeric columns and bounds (others are refused);
   * ``to_match_regex`` / ``to_not_match_regex``: ``str.contains`` is Python's ``re.search``;
     `pipelines.quality.regex.to_re2` gives the RE2 pattern DuckDB's ``regexp_matches`` finds in
     exactly the same strings (or refuses); text columns only;
   * ``column_pair_values_a_to_be_greater_than_b``: rows dropped per ``ignore_row_if`` as
     ``DataFrame.dropna`` does, then ``A >= B`` (or ``>``); a comparison with a missing side is
     false in pandas, so such a row is unexpected; both columns numeric, or both of the same
     date/time type;
   * ``row_condition`` (pandas parser): only ``column == "text"``, which ``DataFrame.query`` and
     SQL ``=`` both answer false for a null.

   When a row rule fails, up to five unexpected rows are fetched and GX validates the same
   expectation on them (``confirmed_by_gx``).

3. **Duplicates, grouped in SQL.** ``expect_column_values_to_be_unique`` and
   ``expect_compound_columns_to_be_unique`` flag every row whose (non-missing, per
   ``ignore_row_if``) value or value tuple occurs more than once (``duplicated(keep=False)``,
   where nulls equal nulls, as in SQL ``GROUP BY``). Grouping tens of millions of text keys needs
   gigabytes, so the rows are grouped by a 64-bit hash of the key (8 bytes a row): equal keys
   have equal hashes, so if there are as many distinct hashes as rows, no key repeats (the
   usual case: one ``count(distinct hash)`` pass). Otherwise only the hashes seen more than once
   are grouped by the real key, which drops hash collisions. Exact, and small. Floating-point
   keys are refused (pandas and SQL disagree on -0.0 and NaN). Failures are confirmed by GX on
   up to five duplicated keys' rows, as for row rules.

4. **Reduced frames, validated by GX.** Expectations that look at the table or at a set of
   values get a frame that gives the same GX answer as the whole mart:

   * table expectations on columns (``expect_table_columns_to_match_set`` and the like) see the
     mart with no rows: they read only the column names;
   * ``expect_column_distinct_values_to_contain_set`` sees one row per value of the expected set
     that occurs in the column: the expected set is contained in the column's values exactly
     when it is contained in their intersection with it.

A failure found in SQL that GX does not confirm still fails the check: it would mean a
translation above is wrong, and it is reported, never passed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.quality import gx_runner
from pipelines.quality.profile import Profile
from pipelines.quality.reader import Reader, quote
from pipelines.quality.regex import UntranslatableRegex, sql_string, to_re2

MAX_EXAMPLES = 5
# GX validates a text column's distinct values when there are at most this many (else SQL does).
MAX_PROFILED_VALUES = 10_000

_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_FLOAT = {"FLOAT", "DOUBLE", "REAL"}
_TEMPORAL = re.compile(r"DATE|TIMESTAMP( WITH TIME ZONE)?|TIMESTAMP_(S|MS|NS)")

# Column-map expectations whose verdict on a row depends on the row's value alone.
VALUE_EXPECTATIONS = {
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex",
    "expect_column_values_to_match_regex_list", "expect_column_values_to_not_match_regex_list",
    "expect_column_values_to_be_between", "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal",
}
# Table expectations whose answer depends on the column names (and order) only.
SCHEMA_EXPECTATIONS = {
    "expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
    "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between", "expect_column_to_exist",
}


class Untranslatable(ValueError):
    """No exact way to validate this expectation without the whole mart."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str

    @property
    def sql(self) -> str:
        return quote(self.name)

    @property
    def kind(self) -> str:
        t = self.type.upper()
        if t == "VARCHAR":
            return "text"
        if t == "BOOLEAN":
            return "bool"
        if t in _INTEGER:
            return "integer"
        if t in _FLOAT:
            return "float"
        if _TEMPORAL.fullmatch(t):
            return "temporal"
        return "other"

    def missing(self) -> str:
        """SQL for what pandas calls null in this column."""
        if self.kind == "float":
            return f"({self.sql} is null or isnan({self.sql}))"
        return f"({self.sql} is null)"


@dataclass
class ProfileRule:
    expectation: Any
    column: str


@dataclass
class RowRule:
    expectation: Any
    unexpected: str  # SQL: the row is unexpected (domain filters included)
    example: str  # SQL: what to show of an unexpected row


@dataclass
class DuplicateRule:
    expectation: Any
    columns: list[Column]
    domain: str


@dataclass
class FrameRule:
    expectation: Any
    sql: str  # the reduced frame GX validates


@dataclass
class Outcome:
    success: bool
    failures: list[dict] = field(default_factory=list)


def expectation_type(expectation: Any) -> str:
    return expectation.expectation_type


def expectation_kwargs(expectation: Any) -> dict:
    return {k: v for k, v in expectation.configuration.kwargs.items() if k != "batch_id"}


def _column(columns: dict[str, Column], name: Any) -> Column:
    if not isinstance(name, str) or name not in columns:
        raise Untranslatable(f"column {name!r} is not in the mart")
    return columns[name]


def _literal(value: Any, column: Column) -> str:
    """A SQL literal equal to ``value`` exactly as pandas would compare it with the column."""
    kind = column.kind
    if kind == "text" and isinstance(value, str):
        return sql_string(value)
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("integer", "float") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and value != value:
            raise Untranslatable("NaN in a value set")
        if isinstance(value, int):
            return repr(value)
        return f"'{value!r}'::double"  # 'inf' and '-inf' read back as infinities
    raise Untranslatable(f"{value!r} compared with the {column.type} column {column.name}")


def _value_list(values: Any, column: Column) -> list[str]:
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise Untranslatable(f"value set {values!r} is not a list")
    return [_literal(v, column) for v in values]


_EQUALITY = re.compile(r"""\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*""")


def _row_condition(expectation: Any, columns: dict[str, Column]) -> str:
    condition = getattr(expectation, "row_condition", None)
    if condition is None:
        return "true"
    text = getattr(condition, "pass_through_filter", condition)
    if not isinstance(text, str) or getattr(expectation, "condition_parser", None) != "pandas":
        raise Untranslatable(f"row_condition {condition!r}")
    match = _EQUALITY.fullmatch(text)
    if not match:
        raise Untranslatable(f"row_condition {text!r} (only column == \"text\" is translated)")
    column = _column(columns, match.group(1))
    value = match.group(2) if match.group(2) is not None else match.group(3)
    return f"({column.sql} = {_literal(value, column)})"


def plan(expectation: Any, columns: dict[str, Column], relation: str,
         profile: Profile | None = None) -> ProfileRule | RowRule | DuplicateRule | FrameRule:
    """How to validate one expectation exactly on a large mart (see the module docstring)."""
    kind = expectation_type(expectation)
    if kind in SCHEMA_EXPECTATIONS:
        return FrameRule(expectation, f"select * from {relation} limit 0")
    mostly = getattr(expectation, "mostly", None)
    if mostly not in (None, 1, 1.0):
        raise Untranslatable(f"mostly={mostly}")
    column_name = getattr(expectation, "column", None)
    if (kind in VALUE_EXPECTATIONS and getattr(expectation, "row_condition", None) is None
            and profile is not None and isinstance(column_name, str) and profile.has(column_name)
            and profile.distinct.get(column_name, 0) <= MAX_PROFILED_VALUES
            and column_name in columns and columns[column_name].kind == "text"):
        return ProfileRule(expectation, column_name)
    where = _row_condition(expectation, columns)

    if kind == "expect_column_distinct_values_to_contain_set":
        column = _column(columns, expectation.column)
        values = expectation.value_set
        if values is None or len(values) == 0:
            return FrameRule(expectation, f"select * from {relation} limit 0")
        listed = ", ".join(_value_list(values, column))
        return FrameRule(
            expectation,
            f"select * from {relation} where {where} and {column.sql} in ({listed}) "
            f"qualify row_number() over (partition by {column.sql}) = 1",
        )

    if kind in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        if kind == "expect_column_values_to_be_unique":
            keyed = [_column(columns, expectation.column)]
            domain = f"not {keyed[0].missing()}"
        else:
            keyed = [_column(columns, name) for name in expectation.column_list]
            ignore = expectation.ignore_row_if
            if ignore == "all_values_are_missing":
                domain = "not (" + " and ".join(c.missing() for c in keyed) + ")"
            elif ignore == "any_value_is_missing":
                domain = "not (" + " or ".join(c.missing() for c in keyed) + ")"
            elif ignore == "never":
                domain = "true"
            else:
                raise Untranslatable(f"ignore_row_if={ignore!r}")
        for c in keyed:
            if c.kind not in ("text", "bool", "integer", "temporal"):
                raise Untranslatable(f"uniqueness of the {c.type} column {c.name}")
        return DuplicateRule(expectation, keyed, f"{where} and {domain}")

    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = _column(columns, expectation.column_A), _column(columns, expectation.column_B)
        numeric = {"integer", "float"}
        if not ((a.kind in numeric and b.kind in numeric) or (a.kind == b.kind == "temporal" and a.type == b.type)):
            raise Untranslatable(f"{a.name} ({a.type}) compared with {b.name} ({b.type})")
        ignore = expectation.ignore_row_if
        if ignore == "both_values_are_missing":
            keep = f"not ({a.missing()} and {b.missing()})"
        elif ignore == "either_value_is_missing":
            keep = f"not ({a.missing()} or {b.missing()})"
        elif ignore == "neither":
            keep = "true"
        else:
            raise Untranslatable(f"ignore_row_if={ignore!r}")
        op = ">=" if expectation.or_equal else ">"
        unexpected = f"({a.missing()} or {b.missing()} or not ({a.sql} {op} {b.sql}))"
        return RowRule(expectation, f"{where} and {keep} and {unexpected}", f"[{a.sql}::varchar, {b.sql}::varchar]")

    column = _column(columns, getattr(expectation, "column", None))
    present = f"not {column.missing()}"
    if kind == "expect_column_values_to_not_be_null":
        return RowRule(expectation, f"{where} and {column.missing()}", column.sql)
    if kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = expectation.value_set
        if values is None:
            return RowRule(expectation, "false", column.sql)  # GX: vacuously true
        listed = _value_list(values, column)
        member = f"{column.sql} in ({', '.join(listed)})" if listed else "false"
        test = f"not ({member})" if kind == "expect_column_values_to_be_in_set" else f"({member})"
        return RowRule(expectation, f"{where} and {present} and {test}", column.sql)
    if kind == "expect_column_values_to_be_between":
        if column.kind not in ("integer", "float"):
            raise Untranslatable(f"between on the {column.type} column {column.name}")
        low, high = expectation.min_value, expectation.max_value
        if low is None and high is None:
            raise Untranslatable("between without bounds")
        if low is not None and high is not None and low > high:
            raise Untranslatable("between with min_value > max_value")
        tests = []
        if low is not None:
            tests.append(f"{_literal(low, column)} {'<' if expectation.strict_min else '<='} {column.sql}")
        if high is not None:
            tests.append(f"{column.sql} {'<' if expectation.strict_max else '<='} {_literal(high, column)}")
        return RowRule(expectation, f"{where} and {present} and not ({' and '.join(tests)})", column.sql)
    if kind in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        if column.kind != "text" or not isinstance(expectation.regex, str):
            raise Untranslatable(f"regex on the {column.type} column {column.name}")
        try:
            pattern = sql_string(to_re2(expectation.regex))
        except UntranslatableRegex as error:
            raise Untranslatable(str(error)) from error
        found = f"regexp_matches({column.sql}, {pattern})"
        test = f"not {found}" if kind == "expect_column_values_to_match_regex" else found
        return RowRule(expectation, f"{where} and {present} and {test}", column.sql)
    raise Untranslatable(f"{kind} has no exact SQL translation")


def _failure(expectation: Any, unexpected_count: int | None, examples: list, **extra: Any) -> dict:
    return {
        "expectation": expectation_type(expectation),
        "kwargs": expectation_kwargs(expectation),
        "unexpected_count": unexpected_count,
        "examples": [str(v) for v in examples][:MAX_EXAMPLES],
        **extra,
    }


def validate(reader: Reader, relation: str, name: str, expectations: list, columns: list[tuple[str, str]],
             profile: Profile | None = None) -> Outcome:
    """Validate ``expectations`` on ``relation`` (a large mart) exactly, as the module docstring says.
    ``profile`` holds the distinct values of the mart's non-key text columns."""
    by_name = {n: Column(n, t) for n, t in columns}
    outcome = Outcome(success=True)
    profiled: dict[str, list[ProfileRule]] = {}
    rows: list[RowRule] = []
    duplicates: list[DuplicateRule] = []
    frames: list[FrameRule] = []
    for expectation in expectations:
        try:
            rule = plan(expectation, by_name, relation, profile)
        except Untranslatable as error:
            outcome.success = False
            outcome.failures.append(_failure(
                expectation, None, [], validated_by="none",
                error=f"not validated: {error}; a large mart is never loaded whole or sampled "
                      "(add an exact translation in pipelines/quality/pushdown.py)"))
            continue
        if isinstance(rule, ProfileRule):
            profiled.setdefault(rule.column, []).append(rule)
        else:
            {RowRule: rows, DuplicateRule: duplicates, FrameRule: frames}[type(rule)].append(rule)

    for column, rules in profiled.items():
        frame = profile.frame(reader, column, rows_column="__rows")
        _, results = gx_runner.run(f"{name}_{column}_values", frame, [r.expectation for r in rules], "COMPLETE")
        for result in results:
            if result.success:
                continue
            record = gx_runner.failure(result)
            flagged = result.result.get("unexpected_index_list")
            record["distinct_values"] = len(frame)
            if flagged is not None:
                record["unexpected_values"] = record["unexpected_count"]
                record["unexpected_count"] = int(frame.loc[list(flagged), "__rows"].sum())
            record["validated_by"] = "gx on the column's distinct values"
            outcome.success = False
            outcome.failures.append(record)

    def confirm(expectation: Any, sql: str) -> bool:
        success, _ = gx_runner.run(f"{name}_unexpected", reader.frame(sql), [expectation])
        return not success

    if rows:
        counts = reader.one(
            "select " + ", ".join(f"count(*) filter (where {r.unexpected})" for r in rows) + f" from {relation}"
        )
        for rule, count in zip(rows, counts):
            if not count:
                continue
            examples = reader.all(f"select {rule.example} from {relation} where {rule.unexpected} limit {MAX_EXAMPLES}")
            confirmed = confirm(rule.expectation, f"select * from {relation} where {rule.unexpected} limit {MAX_EXAMPLES}")
            outcome.success = False
            outcome.failures.append(_failure(rule.expectation, int(count), [e[0] for e in examples],
                                             validated_by="sql", confirmed_by_gx=confirmed))

    for number, rule in enumerate(duplicates):
        keys = ", ".join(c.sql for c in rule.columns)
        hashed = f"hash({keys})"
        table = f"_cci_duplicates_{number}"
        rows_in_domain, distinct_hashes = reader.one(
            f"select count(*), count(distinct {hashed}) from {relation} where {rule.domain}")
        if rows_in_domain == distinct_hashes:
            continue  # as many hashes as rows: no two rows share a key
        # Every duplicated key: grouped by hash first (small), then by the key within colliding hashes.
        reader.con.execute(
            f"""create or replace temp table {table} as
                with colliding as (
                    select h from (select {hashed} as h from {relation} where {rule.domain})
                    group by h having count(*) > 1)
                select {keys}, count(*) as _n from {relation}
                where {rule.domain} and {hashed} in (select h from colliding)
                group by all having count(*) > 1"""
        )
        try:
            count, groups = reader.one(f"select coalesce(sum(_n), 0), count(*) from {table}")
            if not count:
                continue
            shown = reader.all(
                f"select {', '.join(f'{c.sql}::varchar' for c in rule.columns)} from {table} "
                f"order by _n desc, {keys} limit {MAX_EXAMPLES}"
            )
            same = " and ".join(f"t.{c.sql} is not distinct from d.{c.sql}" for c in rule.columns)
            confirmed = confirm(
                rule.expectation,
                f"""select t.* from (select * from {relation} where {rule.domain}) t
                    semi join (select * from {table} order by _n desc, {keys} limit {MAX_EXAMPLES}) d on {same}
                    qualify row_number() over (partition by {', '.join('t.' + c.sql for c in rule.columns)}) <= 2""",
            )
        finally:
            reader.con.execute(f"drop table if exists {table}")
        outcome.success = False
        outcome.failures.append(_failure(
            rule.expectation, int(count), [row[0] if len(row) == 1 else list(row) for row in shown],
            validated_by="sql", duplicated_values=int(groups), confirmed_by_gx=confirmed))

    for rule in frames:
        success, failures = gx_runner.validate_frame(f"{name}_reduced", reader.frame(rule.sql), [rule.expectation])
        if not success:
            outcome.success = False
            outcome.failures += [{**f, "validated_by": "gx on a reduced frame"} for f in failures]
    return outcome
