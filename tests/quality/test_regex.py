"""Python regular expressions translated for DuckDB match exactly the strings Python's `re` finds
them in: the oracle is `re.search` itself, run here on the same strings."""

from __future__ import annotations

import random
import re

import duckdb
import pytest

from pipelines.quality import all_suites
from pipelines.quality.personal_data import EMAIL_PATTERN, PHONE_PATTERN
from pipelines.quality.regex import UntranslatableRegex, sql_string, to_re2

SURROGATES = range(0xD800, 0xE000)


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _duckdb_matches(con, pattern: str, strings: list[str]) -> list[bool]:
    con.execute("create or replace temp table strings (k integer, s varchar)")
    con.executemany("insert into strings values (?, ?)", list(enumerate(strings)))
    rows = con.execute(
        f"select k, regexp_matches(s, {sql_string(to_re2(pattern))}) from strings order by k"
    ).fetchall()
    return [bool(matched) for _, matched in rows]


@pytest.mark.parametrize("shorthand", [r"\d", r"\s", r"\w", r"\D", r"\S", r"\W", r"[^@\s]", r"[\d\s\-()]"])
def test_class_shorthands_match_the_same_code_points_as_python(con, shorthand):
    # Every code point but the surrogates (which a UTF-8 string cannot hold), as a one-character string.
    python = {i for i in range(0x110000) if i not in SURROGATES and re.search(shorthand, chr(i))}
    duck = {i for (i,) in con.execute(
        f"select i from range(0, 1114112) t(i) where (i < 55296 or i > 57343) "
        f"and regexp_matches(chr(i::integer), {sql_string(to_re2(shorthand))})"
    ).fetchall()}
    assert duck == python
    assert len(python) > 10  # the test compared something


def _patterns_of_the_suites() -> list[str]:
    patterns = set()
    for suite in all_suites():
        for expectation in suite.expectations():
            regex = getattr(expectation, "regex", None)
            if isinstance(regex, str):
                patterns.add(regex)
    return sorted(patterns)


EDGE_STRINGS = [
    "", "a", "anna.virtanen@example.fi", "ANNA@EXAMPLE.FI", "a@b.c", "a@b.cd", "a @b.cd", "a@b .cd",
    "a\u00a0b@c.de",  # no-break space: Python's \s, not RE2's
    "x@y\u00a0.de", "x@y\u2003.de", "x@y.d\u0435",  # Cyrillic 'е' in the top-level domain
    "мария@пример.рф", "mail@example.com\n", "mail@\nexample.com",
    "+358 40 123 4567", "+358401234567", "8 (921) 123-45-67", "123456789", "12345678", "123456789\n",
    "123456789\n\n", "\n123456789", "+7\u00a0921\u00a01234567",  # no-break spaces in a phone number
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",  # Arabic-Indic digits
    "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",  # fullwidth digits
    "123\x0b456\x0b789", "123\x1c456\x1d789", "123\u2028456789", "12345678\u0085", "0123456789abcdef",
    "0123456789abcdef\n", "0123456789ABCDEF", "0123456789abcdeg", "0123456789abcde", "0123456789abcdef0",
    "RU", "ru", "RU\n", "R", "RUS", ":", "-", "a-b:c", "a_b", "e" * 64, "e" * 64 + "\n", "\u00e9",
]


def _fuzz_strings(n: int, seed: int) -> list[str]:
    alphabet = list("aZ09@.+-() _:\n\t\x0b\x1c") + ["\u00a0", "\u2003", "\u0663", "\uff15", "\u0435", "\u00e9"]
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(n)]


@pytest.mark.parametrize("pattern", [EMAIL_PATTERN, PHONE_PATTERN, *_patterns_of_the_suites()])
def test_the_checks_patterns_match_the_same_strings_as_python(con, pattern):
    strings = EDGE_STRINGS + _fuzz_strings(3000, seed=len(pattern))
    # digits and spaces only, to reach the phone pattern's 9 characters often
    rng = random.Random(7)
    strings += ["".join(rng.choice("0123456789 -()+\u00a0\u0663\n") for _ in range(rng.randint(7, 13)))
                for _ in range(2000)]
    expected = [re.search(pattern, s) is not None for s in strings]
    assert _duckdb_matches(con, pattern, strings) == expected
    assert any(expected) or pattern not in (EMAIL_PATTERN, PHONE_PATTERN)


@pytest.mark.parametrize("pattern, strings", [
    (r"a{,3}b", ["b", "ab", "aaab", "aaaab", "a{,3}b", "c"]),
    (r"^x|y$", ["x", "ax", "y", "y\n", "ya", "y\n\n"]),
    (r"(?:ab)+$", ["ab", "abab\n", "aba", "ab\nab"]),
    (r"a.c", ["abc", "a\nc", "a\u00e9c", "ac"]),
    (r"\Aab\Z", ["ab", "ab\n", "xab"]),
    (r"[\]a-]", ["]", "a", "-", "b"]),
    (r"x{2}y{1,}z?", ["xxy", "xy", "xxyyz", "xxz"]),
    (r"\u00e9|\x41", ["\u00e9", "A", "e"]),
    (r"a{x", ["a{x", "ax"]),
])
def test_other_constructs_keep_their_python_meaning(con, pattern, strings):
    assert _duckdb_matches(con, pattern, strings) == [re.search(pattern, s) is not None for s in strings]


@pytest.mark.parametrize("pattern", [
    r"(?=a)a", r"(?!a)b", r"(?<=a)b", r"(a)\1", r"\bword\b", r"a++", r"(?i)abc", r"a$b", r"[[:alpha:]]", r"a{1001}",
])
def test_constructs_without_an_exact_re2_equivalent_are_refused(pattern):
    with pytest.raises(UntranslatableRegex):
        to_re2(pattern)
