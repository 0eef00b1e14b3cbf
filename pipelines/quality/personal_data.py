"""The personal-data scan of a mart, in DuckDB: no value of any text column may look like an email
address or a phone number. Every row is scanned; nothing is sampled.

The meaning is the one the Great Expectations suite had (``expect_column_values_to_not_match_regex``
with the two patterns below, evaluated by pandas with Python's ``re``):

* the patterns are translated by `pipelines.quality.regex.to_re2`, which keeps Python's meaning
  exactly (Unicode ``\\d``/``\\s``, ``$`` before a final newline) or refuses;
* text columns are those pandas held as strings or objects: VARCHAR, and every other type that is
  not an integer, float, boolean or date/time (DECIMAL, BLOB, UUID, lists, structs; also ENUM,
  which pandas held as a category and the old scan skipped), scanned in its text form; a column
  whose name ends in ``_key`` is a hex key, which may be all digits, so only the email pattern
  applies to it (as before);
* nulls are not values (GX skipped them too), so a null never matches.

How it stays cheap on tens of millions of rows:

* a value matches or not whatever row it is in, so for ordinary text columns the two regexes run
  once per distinct value, on the mart's profile (`pipelines.quality.profile`: one pass collects
  the distinct values of every such column with their row counts);
* key columns (one distinct value per person or participation, email pattern only): a value can
  only match if it contains ``@`` (the pattern has a literal ``@`` outside any repetition), so
  one pass keeps the rows where a key contains ``@`` (a byte search) and runs the regex on those.

A match is reported like a failed GX expectation: the column, the pattern, the number of rows and
up to five example values.
"""

from __future__ import annotations

import re

from pipelines.quality.profile import Profile
from pipelines.quality.reader import Reader, quote
from pipelines.quality.regex import sql_string, to_re2

EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}"
PHONE_PATTERN = r"^\+?[\d\s\-()]{9,}$"
MAX_EXAMPLES = 5
EXPECTATION = "expect_column_values_to_not_match_regex"

# DuckDB types that pandas never held as text: numbers, booleans, dates and times.
_NOT_TEXT = re.compile(
    r"(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT"
    r"|FLOAT|DOUBLE|REAL|DATE|TIME.*|TIMESTAMP.*|INTERVAL)"
)


def text_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, SQL expression of its text) of every column the scan covers."""
    out = []
    for name, data_type in columns:
        if _NOT_TEXT.fullmatch(data_type.upper()):
            continue
        out.append((name, quote(name) if data_type.upper() == "VARCHAR" else f"cast({quote(name)} as varchar)"))
    return out


def phone_scanned(name: str) -> bool:
    return not name.endswith("_key")  # a hex key can be all digits


def _failure(column: str, pattern: str, count: int, examples: list) -> dict:
    return {"expectation": EXPECTATION, "kwargs": {"column": column, "regex": pattern},
            "unexpected_count": int(count), "examples": [str(v) for v in examples], "validated_by": "sql"}


def scan(reader: Reader, relation: str, columns: list[tuple[str, str]], profile: Profile) -> list[dict]:
    """Failures, one per column and pattern that matched. ``profile`` holds the distinct values of
    every text column that is not a key (`profile_columns`)."""
    email = sql_string(to_re2(EMAIL_PATTERN))
    phone = sql_string(to_re2(PHONE_PATTERN))
    failures: list[dict] = []

    # Key columns (email only): one pass; only values with an '@' can match, so only they see the regex.
    keys = [(name, expr) for name, expr in text_columns(columns) if not phone_scanned(name)]
    if keys:
        counted = ", ".join(f"count(*) filter (where regexp_matches({expr}, {email}))" for _, expr in keys)
        with_at = " or ".join(f"contains({expr}, '@')" for _, expr in keys)
        counts = reader.one(f"select {counted} from {relation} where {with_at}")
        for (name, expr), count in zip(keys, counts):
            if count:
                examples = reader.all(
                    f"select {expr} from {relation} where contains({expr}, '@') and regexp_matches({expr}, {email}) "
                    f"order by 1 limit {MAX_EXAMPLES}"
                )
                failures.append(_failure(name, EMAIL_PATTERN, count, [row[0] for row in examples]))

    # Other text columns (email and phone): each regex once per distinct value, weighted by its rows.
    if profile.index:
        names = {i: name for name, i in profile.index.items()}
        found = reader.all(
            f"""select i,
                       coalesce(sum(n) filter (where is_email), 0),
                       (list(v order by v) filter (where is_email))[1:{MAX_EXAMPLES}],
                       coalesce(sum(n) filter (where is_phone), 0),
                       (list(v order by v) filter (where is_phone))[1:{MAX_EXAMPLES}]
                from (select i, v, n, regexp_matches(v, {email}) as is_email, regexp_matches(v, {phone}) as is_phone
                      from {profile.table} where v is not null)
                where is_email or is_phone
                group by i order by i"""
        )
        for i, email_count, email_examples, phone_count, phone_examples in found:
            if email_count:
                failures.append(_failure(names[i], EMAIL_PATTERN, email_count, email_examples))
            if phone_count:
                failures.append(_failure(names[i], PHONE_PATTERN, phone_count, phone_examples))
    return failures


def profile_columns(columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The text columns whose distinct values the scan needs (every text column but the keys)."""
    return [(name, expr) for name, expr in text_columns(columns) if phone_scanned(name)]


def checked_patterns(columns: list[tuple[str, str]]) -> int:
    """How many (column, pattern) pairs the scan checks."""
    return sum(1 + phone_scanned(name) for name, _ in text_columns(columns))
