"""The registration reader's row stage for delimited text, vectorised over many files at once.

:mod:`pipelines.registrations.reader` finds each file's encoding, delimiter and header (the
*file stage*, a few lines per file); this module then reads the data rows of a whole batch of
text files in one pass of polars expressions (the *row stage*).  It gives exactly what the
reader's row-by-row stage (``reader._read_row``, kept as the reference and for spreadsheets,
whose cells are typed) gives for the same rows: the same staged values, the same quarantine
reason codes and details, the same ``raw_record``, row counts and value warnings.  The test
``tests/registrations/test_reader_columnar.py`` compares the two on every file of the demo
and of a generated programme.

How exactness is kept:

* text cleaning that is a fixed rule (whitespace, NFC, the full-name order) is written as
  polars expressions that implement the rule itself — Python's ``\\s`` is Rust's ``\\s`` plus
  U+001C–U+001F, spelt out below;
* every rule with vocabulary or heuristics (countries, dates, yes/no, organisation types,
  e-mail and phone normalisation, name splitting, test and footer rows) calls the same Python
  function as the reference, once per *distinct* value of the batch, and joins the result back;
* per-file facts (date order, tick-mark columns, duplicate rows) are window aggregates per file.

Rows arrive as ``_file`` (position of the file in the batch), ``_row`` (the line a person sees)
and ``_cells`` (a list of the record's cells as written; a cell the record does not have is
absent from the list, an empty field is ``""``).
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from pipelines.registrations import normalise as norm
from pipelines.registrations import vocabulary as vocab

# Python's str.isspace() (and so re's \s) is Rust's \s plus the four information separators.
_PY_WHITESPACE = r"[\s\x{1c}-\x{1f}]"
_KEY_SEPARATOR = "\x1f"  # whitespace to Python: never left inside a cleaned cell text
# The longest letters-and-digits content of a placeholder («нет данных», «ei tiedossa»): a cell
# with more letters and digits than this cannot fold to a placeholder.
_PLACEHOLDER_ALNUM = max(len(p.replace(" ", "")) for p in vocab.PLACEHOLDERS)

NAME_FIELDS = ("first_name", "last_name", "patronymic", "full_name")
WARNED_FIELDS = ("phone", "attended", "research_consent", "sex", "organisation_type", "target_group")
WARNING_EXPLANATIONS = {
    "attended": "not understood as yes/no (left null)",
    "research_consent": "not understood as yes/no (left null)",
    "sex": "not understood as female/male (left null)",
    "organisation_type": "not a known organisation type (read the organisation name, else 'other')",
    "target_group": "not a known target group (inferred from the organisation type)",
    "phone": "has too few digits for a phone number (left null)",
}
DETAILS = {
    "no_event": "the file's folder is not a known event (no event id given)",
    "repeated_header": "a repeated header row",
    "no_person_data": "no participant data (no name, email, phone or organisation)",
    "test_record": "a test entry (name or email like test/тест/asdf)",
    "missing_name": "no name and no email",
    "duplicate_in_file": "every cell equals an earlier row of this file",
}


@dataclass
class TextBody:
    """The lines of a text below its header (records are lines: see ``formats.TextBody``)."""

    text: str
    delimiter: str
    first_line: int


def body_after(body: Any, header_line: int) -> TextBody:
    """The part of a ``formats.TextBody`` below its header line."""
    text, start = body.text, 0
    for _ in range(header_line - body.first_line + 1):
        found = text.find("\n", start)
        if found < 0:
            return TextBody("", body.delimiter, header_line + 1)
        start = found + 1
    return TextBody(text[start:], body.delimiter, header_line + 1)


@dataclass
class TextTable:
    """One file's data rows below its header, and what the file stage knows about them.

    The rows come either as a :class:`TextBody` (split here, in bulk) or as records already
    parsed (``rows``: the line each starts on; ``cells``: the record's cells)."""

    source_file: str
    file_hash: str
    event_id: str | None
    id_prefix: str
    labels: list[str]  # header column labels, as in raw_record
    header_texts: list[str]  # cell texts of the header row (for repeated headers)
    mapping: dict[int, str]  # column index → field
    body: TextBody | None = None
    rows: list[int] | None = None
    cells: list[list[str]] | None = None
    sheet: str | None = None


@dataclass
class TableOutcome:
    """What the row stage found in one table."""

    rows_read: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    value_warnings: list[str] = field(default_factory=list)


@dataclass
class RowStageResult:
    staged: pl.DataFrame  # reader.STAGED_SCHEMA plus _file
    quarantined: pl.DataFrame  # reader.QUARANTINE_SCHEMA plus _file
    outcomes: list[TableOutcome]


# --------------------------------------------------------------------------------------
# Exact polars forms of the reader's text rules
# --------------------------------------------------------------------------------------


def cell_text(expr: pl.Expr) -> pl.Expr:
    """``normalise.cell_text`` of a string cell: NFC, no zero-width spaces, whitespace collapsed."""
    return (
        expr.str.normalize("NFC")
        .str.replace_all("\u200b", "", literal=True)
        .str.replace_all(_PY_WHITESPACE + "+", " ")
        .str.strip_chars(" ")
        .fill_null("")
    )


def cell_text_of_nfc(expr: pl.Expr) -> pl.Expr:
    """``cell_text`` of a cell already NFC and without zero-width spaces: whitespace collapsed."""
    return expr.str.replace_all(_PY_WHITESPACE + "+", " ").str.strip_chars(" ").fill_null("")


def visibly_blank(expr: pl.Expr) -> pl.Expr:
    """A cell that is missing or only whitespace (``str.strip()`` leaves nothing)."""
    return expr.is_null() | (expr.str.replace_all(_PY_WHITESPACE, "") == "")


def _cyrillic_letters(expr: pl.Expr) -> pl.Expr:
    return expr.str.count_matches(r"[\x{0400}-\x{04ff}]").fill_null(0)


def _latin_letters(expr: pl.Expr) -> pl.Expr:
    return expr.str.count_matches(r"[A-Za-z\x{00c0}-\x{024f}]").fill_null(0)


def compose_full_name(first: pl.Expr, last: pl.Expr, patronymic: pl.Expr) -> pl.Expr:
    """``normalise.compose_full_name``: «Last First Patronymic» when Cyrillic dominates, else
    «First Patronymic Last»."""
    cyrillic = sum((_cyrillic_letters(p) for p in (first, last, patronymic)), pl.lit(0))
    latin = sum((_latin_letters(p) for p in (first, last, patronymic)), pl.lit(0))
    russian_order = pl.concat_str([last, first, patronymic], separator=" ", ignore_nulls=True)
    other_order = pl.concat_str([first, patronymic, last], separator=" ", ignore_nulls=True)
    return pl.when(cyrillic > latin).then(russian_order).otherwise(other_order)


# Plain addresses: what ``normalise.normalise_email`` returns for them is the address lower-cased
# (every string of this shape passes its pattern: no leading, trailing or double dot, labels
# that start and end with a letter or digit, a top-level domain of letters).
_PLAIN_EMAIL = r"^[a-z0-9%+_-]+(?:\.[a-z0-9%+_-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
# International phone numbers written with digits, spaces, brackets and hyphens only: their
# normal form is «+» and the digits (``normalise.normalise_phone``'s first rule).
_PLAIN_PHONE = r"^\+[0-9 ()\-]+$"
# Letters and digits (folded the way vocabulary.fold folds) that every test token and test
# domain contains, and that every footer starts with: a value without them cannot be one.
_TEST_MARKS = ("test", "тест", "проверка", "asdf", "qwerty", "цукен", "фыва", "xxx", "ххх", "dummy", "foobar",
               "zzz", "mailinator")
_SUMMARY_STARTS = ("итог", "всего", "total", "grandtotal", "sum", "yht", "kaikki", "ialt", "kokku", "kopa", "isviso")


def _letters_and_digits(expr: pl.Expr) -> pl.Expr:
    """Decomposed, lower-cased, without marks and without anything but letters and digits."""
    return (expr.str.normalize("NFKD").str.replace_all(r"\p{M}", "").str.to_lowercase()
            .str.replace_all(r"[^\p{L}\p{N}]", ""))


def may_be_test(expr: pl.Expr) -> pl.Expr:
    """False only for values that cannot be a test entry (a necessary condition, not sufficient)."""
    return _letters_and_digits(expr).str.contains("|".join(_TEST_MARKS)).fill_null(False)


def may_be_summary(expr: pl.Expr) -> pl.Expr:
    """False only for values that cannot be a footer such as «Итого: 45»."""
    return _letters_and_digits(expr).str.contains("^(?:" + "|".join(_SUMMARY_STARTS) + ")").fill_null(False)


# --------------------------------------------------------------------------------------
# Distinct values through the reference functions
# --------------------------------------------------------------------------------------


def per_value(frame: pl.DataFrame, keys: Sequence[str], function: Callable[..., tuple],
              schema: dict[str, Any], where: pl.Expr | None = None,
              candidates: pl.Expr | None = None) -> pl.DataFrame:
    """``function(*keys)`` of each distinct combination of key columns, aligned with ``frame``'s rows.

    ``function`` returns a tuple in ``schema``'s order.  Rows outside ``where`` (an expression on
    the frame) and distinct keys outside ``candidates`` (an expression on the key columns, worked
    out once per distinct key) get nulls and are not computed."""
    keyed = frame.select(keys)
    inside = frame.select(where.fill_null(False)).to_series() if where is not None else None
    distinct = (keyed.filter(inside) if inside is not None else keyed).unique()
    if candidates is not None:
        distinct = distinct.filter(candidates.fill_null(False))
    results = [function(*values) for values in distinct.iter_rows()]
    columns = list(zip(*results)) if results else [[] for _ in schema]
    table = distinct.with_columns(
        pl.Series(name, list(values), dtype=dtype) for (name, dtype), values in zip(schema.items(), columns)
    )
    joined = keyed.join(table, on=list(keys), how="left", nulls_equal=True, maintain_order="left")
    if inside is not None:
        joined = joined.with_columns(pl.when(inside).then(pl.col(name)).alias(name) for name in schema)
    return joined.select(list(schema))


def _or_problem(parse: Callable[[Any], Any]) -> Callable[..., tuple]:
    def run(*values: Any) -> tuple:
        try:
            return parse(*values), None
        except ValueError as exc:
            return None, str(exc)
    return run


def _is_blank_text(text: str) -> bool:
    return vocab.fold(text) in vocab.PLACEHOLDERS


def _split_full(full: str) -> tuple:
    parts = norm.split_full_name(full)
    return parts.first_name, parts.last_name, parts.patronymic


def _email(value: str | None) -> tuple:
    try:
        return norm.normalise_email(value), None
    except ValueError as exc:
        return None, str(exc)


def _phone(value: str | None, country: str | None) -> tuple:
    return norm.normalise_phone(value, country), norm.is_blank(value)


def _date(value: str | None, order: str) -> tuple:
    try:
        return norm.parse_date(value, order, norm.EXCEL_EPOCH_1900), None
    except ValueError as exc:
        return None, str(exc)


def _is_date(value: str, order: str) -> tuple:
    try:
        return (norm.parse_date(value, order, norm.EXCEL_EPOCH_1900) is not None,)
    except ValueError:
        return (False,)


def _slashed(value: str) -> tuple:
    match = norm._SLASHED.match(value.strip())
    if not match:
        return False, False
    return int(match.group(1)) > 12, int(match.group(2)) > 12


def _explicit_type(value: str | None) -> tuple:
    """Whether an organisation-type cell says anything, and the type it names (else None)."""
    text = norm.clean_text(value)
    return text is not None, (vocab.organisation_type_from_text(text, explicit=True) if text else None)


def _type_from_name(organisation: str) -> tuple:
    return (vocab.organisation_type_from_text(organisation, explicit=False),)


def _name_is_test(name: str) -> tuple:
    return (norm.is_test_record([name], None),)


def _email_is_test(email: str) -> tuple:
    return (norm.is_test_record([], email),)


def _is_summary(text: str) -> tuple:
    return (vocab.is_summary_text(text),)


# --------------------------------------------------------------------------------------
# The row stage
# --------------------------------------------------------------------------------------


def _whitespace_to_clean(text: str, delimiter: str) -> bool:
    """Whether any cell of a text has whitespace that ``cell_text`` would change: a character of
    Python whitespace other than the space (and than the line break and a tab delimiter), two
    spaces in a row, or a space at either end of a cell."""
    for pair in ("  ", " \n", "\n ", " " + delimiter, delimiter + " "):
        if pair in text:
            return True
    if text.startswith(" ") or text.endswith(" ") or text.rstrip("\n").endswith(" "):
        return True
    separators = {"\n", delimiter}
    others = _ASCII_WHITESPACE if text.isascii() else _ALL_WHITESPACE
    return any(ch in text for ch in others if ch not in separators)


_ALL_WHITESPACE = tuple(chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) != " ")
_ASCII_WHITESPACE = tuple(ch for ch in _ALL_WHITESPACE if ch.isascii())


def _body_parts(bodies: list[tuple[int, TextBody]]) -> list[pl.DataFrame]:
    """Records of texts whose records are lines: cells as written, and their cell texts.

    The cell texts come from the whole text made NFC and rid of zero-width spaces (in Python:
    neither changes a line break or a delimiter, so the cells still line up); whitespace is
    collapsed only in files that have some to collapse."""
    groups: dict[tuple[bool, bool], list[tuple[int, str, str, str, int]]] = {}
    zwsp_files = []
    for index, body in bodies:
        clean = body.text
        if not unicodedata.is_normalized("NFC", clean):
            clean = unicodedata.normalize("NFC", clean)
        if "\u200b" in clean:
            clean = clean.replace("\u200b", "")
            zwsp_files.append(index)
        rewritten = clean is not body.text
        ws = _whitespace_to_clean(clean, body.delimiter)
        groups.setdefault((rewritten, ws), []).append((index, body.text, clean, body.delimiter, body.first_line))
    parts = []
    for (rewritten, ws), members in groups.items():
        frame = pl.DataFrame(
            {"_file": pl.Series([m[0] for m in members], dtype=pl.UInt32),
             "_first": pl.Series([m[4] for m in members], dtype=pl.Int64),
             "_line": [m[1] for m in members], "_delimiter": [m[3] for m in members],
             **({"_clean": [m[2] for m in members]} if rewritten else {})}
        ).with_columns(pl.col("^_line|_clean$").str.split("\n")).explode("^_line|_clean$")
        part = frame.select(
            "_file",
            (pl.col("_first") + pl.int_range(pl.len()).over("_file")).alias("_row"),
            pl.col("_line").str.split(pl.col("_delimiter")).alias("_cells"),
            *([pl.col("_clean").str.split(pl.col("_delimiter")).alias("_texts")] if rewritten else []),
            pl.col("_file").is_in(zwsp_files).alias("_zwsp"),
        )
        texts = pl.col("_texts") if rewritten else pl.col("_cells")  # unchanged text: the cells are their texts
        if ws:
            texts = texts.list.eval(cell_text_of_nfc(pl.element()))
        parts.append(part.with_columns(texts.alias("_texts")).select("_file", "_row", "_cells", "_texts", "_zwsp"))
    return parts


def _tables_frame(tables: Sequence[TextTable]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per record of every table (``_file``, ``_row``, ``_cells``, their ``_texts``, and
    whether the file has zero-width spaces), and one row per table."""
    schema = {"_file": pl.UInt32, "_row": pl.Int64, "_cells": pl.List(pl.String), "_texts": pl.List(pl.String),
              "_zwsp": pl.Boolean}
    parts = _body_parts([(i, t.body) for i, t in enumerate(tables) if t.body is not None])
    parsed = [(i, t) for i, t in enumerate(tables) if t.body is None and t.rows]
    if parsed:
        parts.append(pl.DataFrame(
            {"_file": pl.Series([i for i, t in parsed for _ in t.rows], dtype=pl.UInt32),
             "_row": pl.Series([n for _, t in parsed for n in t.rows], dtype=pl.Int64),
             "_cells": pl.Series([c for _, t in parsed for c in t.cells], dtype=pl.List(pl.String)),
             "_texts": pl.Series([[norm.cell_text(v) for v in c] for _, t in parsed for c in t.cells],
                                 dtype=pl.List(pl.String)),
             "_zwsp": pl.Series([any("\u200b" in v for v in c) for _, t in parsed for c in t.cells],
                                dtype=pl.Boolean)}
        ))
    rows = pl.concat(parts, how="vertical").sort("_file", "_row") if parts else pl.DataFrame(schema=schema)
    files = pl.DataFrame(
        {
            "_file": pl.Series(range(len(tables)), dtype=pl.UInt32),
            "_event_id": pl.Series([t.event_id for t in tables], dtype=pl.String),
            "_source_file": pl.Series([t.source_file for t in tables], dtype=pl.String),
            "_file_hash": pl.Series([t.file_hash for t in tables], dtype=pl.String),
            "_id_prefix": pl.Series([t.id_prefix for t in tables], dtype=pl.String),
            "_sheet": pl.Series([t.sheet for t in tables], dtype=pl.String),
            "_header_first": pl.Series([t.header_texts[0] if t.header_texts else None for t in tables],
                                       dtype=pl.String),
            **{f"_idx_{name}": pl.Series([_index_of(t, name) for t in tables], dtype=pl.Int64)
               for name in vocab.FIELDS},
        }
    )
    return rows.select(list(schema)), files


def _index_of(table: TextTable, name: str) -> int | None:
    return next((index for index, mapped in table.mapping.items() if mapped == name), None)


def read_rows(tables: Sequence[TextTable]) -> RowStageResult:
    """Staged and quarantined rows of every table, with per-table counts and warnings."""
    from pipelines.registrations.reader import QUARANTINE_SCHEMA, STAGED_SCHEMA

    rows, files = _tables_frame(tables)
    rows = rows.with_columns(
        pl.col("_texts").list.join(_KEY_SEPARATOR).str.strip_chars_end(_KEY_SEPARATOR).alias("_key"))
    # Fully blank records are not input rows: every cell text is empty, and (where a file has
    # zero-width spaces, which cell_text drops but str.strip() keeps) every cell is whitespace.
    blank = pl.col("_key") == ""
    maybe_zwsp = rows.filter(blank & pl.col("_zwsp"))
    if maybe_zwsp.height:
        kept = maybe_zwsp.filter(~pl.col("_cells").list.eval(visibly_blank(pl.element())).list.all())
        rows = pl.concat([rows.filter(~blank), kept]).sort("_file", "_row")
    else:
        rows = rows.filter(~blank)
    df = rows.join(files, on="_file", how="left", maintain_order="left")
    df = df.with_columns(
        [pl.col("_cells").list.get(pl.col(f"_idx_{name}"), null_on_oob=True).alias(f"v_{name}")
         for name in vocab.FIELDS]
        + [pl.col("_texts").list.get(pl.col(f"_idx_{name}"), null_on_oob=True).fill_null("").alias(f"t_{name}")
           for name in vocab.FIELDS]
        + [pl.col("_key").str.strip_chars_start(_KEY_SEPARATOR).str.extract(r"^([^\x{1f}]*)").fill_null("")
           .alias("_first_text")]
    ).drop([f"_idx_{name}" for name in vocab.FIELDS])
    df = df.with_columns(_repeated_header(df, tables).alias("_repeated_header"))

    # ---- per-file facts (rows that repeat the header do not count)
    facts_rows = ~pl.col("_repeated_header")
    df = df.with_columns(per_value(df, ["v_registered_on"], _slashed,
                                   {"_day_first": pl.Boolean, "_month_first": pl.Boolean},
                                   where=pl.col("v_registered_on").is_not_null()))
    df = df.with_columns(
        pl.when((pl.col("_month_first") & facts_rows).any().over("_file")
                & ~(pl.col("_day_first") & facts_rows).any().over("_file"))
        .then(pl.lit("mdy")).otherwise(pl.lit("dmy")).alias("_date_order")
    ).drop("_day_first", "_month_first")
    for name in ("attended", "research_consent"):
        value = pl.col(f"v_{name}")
        df = df.with_columns(per_value(df, [f"v_{name}"], lambda v: (vocab.is_tick_mark(v),), {"_tick": pl.Boolean},
                                       where=value.is_not_null()))
        # not blank to str.strip(): some cell text, or a zero-width space (cell_text drops it)
        present = (value.is_not_null() & ((pl.col(f"t_{name}") != "") | value.str.contains("\u200b", literal=True))
                   & facts_rows)
        df = df.with_columns(
            (present.any().over("_file") & (~present | pl.col("_tick").fill_null(False)).all().over("_file"))
            .alias(f"_tick_{name}")
        ).drop("_tick")

    # ---- blanks and cleaned text
    blank_checked = ("first_name", "last_name", "patronymic", "full_name", "organisation", "city")
    for name in blank_checked:
        text = pl.col(f"t_{name}")
        short = text.str.replace_all(r"[^\p{L}\p{N}]", "").str.len_chars() <= 2 * _PLACEHOLDER_ALNUM
        df = df.with_columns(per_value(df, [f"t_{name}"], lambda t: (_is_blank_text(t),), {"_ph": pl.Boolean},
                                       candidates=(text != "") & short))
        df = df.with_columns(
            pl.when((text == "") | pl.col("_ph").fill_null(False)).then(None).otherwise(text).alias(f"c_{name}")
        ).drop("_ph")

    # ---- names: split a lone full name, compose a missing one
    parts_missing = pl.col("c_first_name").is_null() & pl.col("c_last_name").is_null() & pl.col("c_patronymic").is_null()
    split = per_value(df, ["c_full_name"], _split_full,
                      {"_s_first": pl.String, "_s_last": pl.String, "_s_patronymic": pl.String},
                      where=pl.col("c_full_name").is_not_null() & parts_missing)
    to_split = pl.col("c_full_name").is_not_null() & parts_missing
    df = df.with_columns(split).with_columns(
        pl.when(to_split).then(pl.col("_s_first")).otherwise(pl.col("c_first_name")).alias("first_name"),
        pl.when(to_split).then(pl.col("_s_last")).otherwise(pl.col("c_last_name")).alias("last_name"),
        pl.when(to_split).then(pl.col("_s_patronymic")).otherwise(pl.col("c_patronymic")).alias("patronymic"),
    ).drop("_s_first", "_s_last", "_s_patronymic")
    df = df.with_columns(
        pl.when(pl.col("c_full_name").is_null() & ~parts_missing)
        .then(compose_full_name(pl.col("first_name"), pl.col("last_name"), pl.col("patronymic")))
        .otherwise(pl.col("c_full_name")).alias("full_name"),
        pl.col("c_organisation").alias("organisation"),
        pl.col("c_city").alias("city"),
    )

    # ---- values through the reference parsers, once per distinct value
    plain_email = pl.col("t_email").str.to_lowercase().str.contains(_PLAIN_EMAIL).fill_null(False)
    df = df.with_columns(per_value(df, ["v_email"], _email, {"email": pl.String, "_email_problem": pl.String},
                                   where=~plain_email))
    df = df.with_columns(pl.when(plain_email).then(pl.col("t_email").str.to_lowercase())
                         .otherwise(pl.col("email")).alias("email"))
    df = df.with_columns(per_value(df, ["v_country"], _or_problem(norm.parse_country),
                                   {"country_code": pl.String, "_country_problem": pl.String}))
    plain_phone = pl.col("t_phone").str.contains(_PLAIN_PHONE).fill_null(False)
    plain_digits = pl.col("t_phone").str.replace_all(r"[^0-9]", "")
    df = df.with_columns(per_value(df, ["v_phone", "country_code"], _phone,
                                   {"phone": pl.String, "_phone_blank": pl.Boolean}, where=~plain_phone))
    df = df.with_columns(
        pl.when(plain_phone).then(pl.when(plain_digits.str.len_chars() >= 5).then(pl.lit("+") + plain_digits))
        .otherwise(pl.col("phone")).alias("phone"),
        pl.when(plain_phone).then(pl.lit(False)).otherwise(pl.col("_phone_blank")).alias("_phone_blank"),
    )
    # ISO and dotted dates, the common forms: read in bulk where they are plain calendar dates
    # of the plausible years (what normalise.parse_date makes of them); the rest one by one
    text = pl.col("t_registered_on")
    plain = (pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(text.str.to_date("%Y-%m-%d", strict=False))
             .when(text.str.contains(r"^\d{2}\.\d{2}\.\d{4}$")).then(text.str.to_date("%d.%m.%Y", strict=False)))
    df = df.with_columns(plain.alias("_plain_date"))
    plain_ok = pl.col("_plain_date").dt.year().is_between(norm.MIN_YEAR, norm.MAX_YEAR).fill_null(False)
    df = df.with_columns(per_value(df, ["v_registered_on", "_date_order"], _date,
                                   {"registered_on": pl.Date, "_date_problem": pl.String}, where=~plain_ok))
    df = df.with_columns(pl.when(plain_ok).then(pl.col("_plain_date")).otherwise(pl.col("registered_on"))
                         .alias("registered_on")).drop("_plain_date")
    df = df.with_columns(per_value(df, ["v_sex"], lambda v: (norm.parse_sex(v), norm.is_blank(v)),
                                   {"sex": pl.String, "_sex_blank": pl.Boolean}))
    # normalise.organisation_type, in two lookups: the type column's value, then (where it names
    # no known type) the organisation's name
    df = df.with_columns(per_value(df, ["v_organisation_type"], _explicit_type,
                                   {"_explicit_given": pl.Boolean, "_explicit_type": pl.String}))
    df = df.with_columns(per_value(df, ["organisation"], _type_from_name, {"_named_type": pl.String},
                                   where=pl.col("_explicit_type").is_null(),
                                   candidates=pl.col("organisation").is_not_null()))
    given = pl.col("_explicit_given")
    df = df.with_columns(
        pl.coalesce("_explicit_type", "_named_type",
                    pl.when(given).then(pl.lit("other")).otherwise(pl.lit("unknown"))).alias("organisation_type"),
        (pl.col("_explicit_type").is_not_null() | ~given).alias("_type_ok"),
    ).drop("_explicit_given", "_explicit_type", "_named_type")
    df = df.with_columns(per_value(df, ["v_target_group", "organisation_type"], norm.target_group,
                                   {"target_group": pl.String, "_group_ok": pl.Boolean}))
    for name in ("attended", "research_consent"):
        value = pl.col(f"v_{name}")
        df = df.with_columns(per_value(df, [f"v_{name}"], lambda v: (norm.parse_bool(v),), {"_parsed": pl.Boolean}))
        parsed = pl.col("_parsed")
        blank = value.is_null() | (pl.col(f"t_{name}") == "")
        if name == "attended":
            df = df.with_columns(per_value(
                df, ["v_attended", "_date_order"], _is_date, {"_dated": pl.Boolean},
                where=parsed.is_null() & value.is_not_null() & (pl.col("t_attended") != "")))
        else:
            df = df.with_columns(pl.lit(None, dtype=pl.Boolean).alias("_dated"))
        dated = pl.col("_dated").fill_null(False)
        result = (pl.when(parsed.is_not_null()).then(parsed)
                  .when(blank).then(pl.when(pl.col(f"_tick_{name}")).then(pl.lit(False)))
                  .when(dated).then(pl.lit(True)))
        df = df.with_columns(result.otherwise(None).alias(name),
                             (parsed.is_null() & ~blank & ~dated).alias(f"_warn_{name}")).drop("_parsed", "_dated")

    # ---- quarantine decisions (reader.REASON_CODES order)
    names = [pl.col(n) for n in NAME_FIELDS]
    has_name = pl.any_horizontal([n.is_not_null() for n in names])
    email_blank = pl.col("email").is_null() & pl.col("_email_problem").is_null()
    person_data = has_name | ~email_blank | ~pl.col("_phone_blank") | pl.col("organisation").is_not_null()
    df = df.with_columns(has_name.alias("_has_name"), person_data.alias("_person_data"),
                         email_blank.alias("_email_blank"))
    # test entries: any name, or the e-mail (as written when malformed)
    df = df.with_columns(
        pl.when(pl.col("email").is_not_null()).then(pl.col("email"))
        .when(pl.col("_email_problem").is_not_null()).then(pl.col("t_email")).alias("_test_email")
    )
    tests = [(name, _name_is_test) for name in NAME_FIELDS] + [("_test_email", _email_is_test)]
    for position, (name, function) in enumerate(tests):
        df = df.with_columns(per_value(df, [name], function, {f"_test_{position}": pl.Boolean},
                                       candidates=pl.col(name).is_not_null() & may_be_test(pl.col(name))))
    df = df.with_columns(pl.any_horizontal([pl.col(f"_test_{i}").fill_null(False) for i in range(len(tests))])
                         .alias("_is_test")).drop([f"_test_{i}" for i in range(len(tests))])
    # footers («Итого: 45») are looked for only where there is no e-mail
    no_email = pl.col("email").is_null()
    summaries = ["_first_text", *NAME_FIELDS]
    for position, name in enumerate(summaries):
        df = df.with_columns(per_value(df, [name], _is_summary, {f"_sum_{position}": pl.Boolean}, where=no_email,
                                       candidates=pl.col(name).is_not_null() & may_be_summary(pl.col(name))))
    df = df.with_columns(pl.any_horizontal([pl.col(f"_sum_{i}").fill_null(False) for i in range(len(summaries))])
                         .alias("_is_summary")).drop([f"_sum_{i}" for i in range(len(summaries))])
    df = df.with_columns(per_value(df, ["_first_text"],
                                   lambda t: (f"a footer/summary row ({t!r}), not a participant",),
                                   {"_footer": pl.String}, where=pl.col("_is_summary") & no_email))
    footer_detail = pl.col("_footer")
    repeated = pl.col("_repeated_header") & (pl.col("_first_text") != "")
    issue = {
        "no_event": pl.when(pl.col("_event_id").is_null()).then(pl.lit(DETAILS["no_event"])),
        "empty_row": pl.when(repeated).then(pl.lit(DETAILS["repeated_header"]))
        .when(no_email & pl.col("_is_summary")).then(footer_detail)
        .when(~pl.col("_person_data")).then(pl.lit(DETAILS["no_person_data"])),
        "test_record": pl.when(pl.col("_is_test")).then(pl.lit(DETAILS["test_record"])),
        "missing_name": pl.when(pl.col("_person_data") & ~pl.col("_has_name") & pl.col("_email_blank"))
        .then(pl.lit(DETAILS["missing_name"])),
        "bad_email": pl.col("_email_problem"),
        "unknown_country": pl.col("_country_problem"),
        "unparseable_date": pl.col("_date_problem"),
    }
    df = df.with_columns(**{f"_d_{code}": expr.cast(pl.String) for code, expr in issue.items()})
    any_issue = pl.any_horizontal([pl.col(f"_d_{code}").is_not_null() for code in issue])
    seen_before = pl.int_range(pl.len()).over(["_file", "_key"]) > 0
    df = df.with_columns(
        pl.when(~any_issue & seen_before).then(pl.lit(DETAILS["duplicate_in_file"])).alias("_d_duplicate_in_file")
    )
    from pipelines.registrations.reader import REASON_CODES

    codes = [pl.when(pl.col(f"_d_{code}").is_not_null()).then(pl.lit(code)) for code in REASON_CODES]
    df = df.with_columns(pl.coalesce(codes).alias("reason_code"))
    others = pl.concat_str(
        [pl.when(pl.col(f"_d_{code}").is_not_null() & (pl.col("reason_code") != code))
         .then(pl.lit(f"{code}: ") + pl.col(f"_d_{code}")) for code in REASON_CODES],
        separator="; ", ignore_nulls=True,
    )
    df = df.with_columns(
        pl.when(others.fill_null("") != "")
        .then(pl.coalesce([pl.col(f"_d_{code}") for code in REASON_CODES]) + pl.lit("; also ") + others)
        .otherwise(pl.coalesce([pl.col(f"_d_{code}") for code in REASON_CODES]))
        .alias("reason_detail")
    )

    outcomes = _outcomes(df, tables)
    common = [pl.col("_event_id").alias("event_id"), pl.col("_source_file").alias("source_file"),
              pl.col("_sheet").alias("source_sheet"), pl.col("_row").alias("source_row"),
              pl.col("_file_hash").alias("file_hash")]
    staged = df.filter(pl.col("reason_code").is_null()).select(
        "_file",
        (pl.col("_id_prefix") + pl.col("_row").cast(pl.String)).alias("registration_id"),
        *common,
        *[name for name in STAGED_SCHEMA if name not in ("registration_id", "event_id", "source_file", "source_sheet",
                                                         "source_row", "file_hash")],
    ).cast({name: dtype for name, dtype in STAGED_SCHEMA.items()})
    quarantined_rows = df.filter(pl.col("reason_code").is_not_null())
    raw_records = _raw_records(quarantined_rows, tables)
    quarantined = quarantined_rows.select(
        "_file", *common, "reason_code", "reason_detail",
    ).with_columns(pl.Series("raw_record", raw_records, dtype=pl.String)).cast(
        {name: dtype for name, dtype in QUARANTINE_SCHEMA.items()})
    return RowStageResult(staged=staged, quarantined=quarantined, outcomes=outcomes)


def _repeated_header(df: pl.DataFrame, tables: Sequence[TextTable]) -> pl.Series:
    """Rows whose cell texts repeat the header row (as far as both go): a pasted header."""
    candidate = (pl.col("_texts").list.first() == pl.col("_header_first")).fill_null(False)
    found = df.select(candidate.alias("c")).to_series()
    if not found.any():
        return found
    positions = found.arg_true()
    subset = df.select("_file", "_texts")[positions]
    hits = []
    for file_index, texts in subset.iter_rows():
        header_texts = tables[file_index].header_texts
        hits.append(texts[: len(header_texts)] == header_texts[: len(texts)])
    return found.scatter(positions, hits)


def _raw_records(quarantined: pl.DataFrame, tables: Sequence[TextTable]) -> list[str]:
    """``raw_record`` of each quarantined row: its cells under their header labels, as JSON."""
    out = []
    for file_index, cells in quarantined.select("_file", "_cells").iter_rows():
        labels = tables[file_index].labels
        record: dict[str, Any] = {}
        for index in range(max(len(labels), len(cells))):
            value = cells[index] if index < len(cells) else None
            if index < len(labels):
                record[labels[index]] = value
            elif value is not None and norm.cell_text(value):
                record[f"column_{index + 1}"] = value
        out.append(json.dumps(record, ensure_ascii=False))
    return out


def _outcomes(df: pl.DataFrame, tables: Sequence[TextTable]) -> list[TableOutcome]:
    """Rows read, quarantine reasons and value warnings per table (warnings as the reader words them)."""
    outcomes = [TableOutcome() for _ in tables]
    for file_index, count in df.group_by("_file").len().iter_rows():
        outcomes[file_index].rows_read = count
    reasons = df.filter(pl.col("reason_code").is_not_null()).group_by("_file", "reason_code").len()
    for file_index, code, count in reasons.iter_rows():
        outcomes[file_index].quarantine_reasons[code] = count
    for outcome in outcomes:
        outcome.quarantine_reasons = dict(sorted(outcome.quarantine_reasons.items()))

    warned = {
        "phone": pl.col("phone").is_null() & ~pl.col("_phone_blank"),
        "attended": pl.col("_warn_attended"),
        "research_consent": pl.col("_warn_research_consent"),
        "sex": pl.col("sex").is_null() & ~pl.col("_sex_blank"),
        "organisation_type": ~pl.col("_type_ok"),
        "target_group": ~pl.col("_group_ok"),
    }
    with_order = df.with_row_index("_order")
    long = pl.concat([
        with_order.filter(condition).select(
            "_file", "_order", pl.lit(position).alias("_field_order"), pl.lit(name).alias("_field"),
            pl.col(f"t_{name}").alias("_value"))
        for position, (name, condition) in enumerate(warned.items())
    ])
    if long.height:
        counted = (long.group_by("_file", "_field", "_value")
                   .agg(pl.len().alias("n"), pl.col("_order").min().alias("first"),
                        pl.col("_field_order").first().alias("field_order"))
                   .sort("_file", "first", "field_order"))
        for (file_index,), per_file in counted.partition_by("_file", as_dict=True, maintain_order=True).items():
            lines = []
            # fields in the order they were first warned about (a row warns phone … target_group)
            field_first = (per_file.group_by("_field").agg(pl.col("first").min(), pl.col("field_order").first())
                           .sort("first", "field_order"))
            for (field_name,) in field_first.select("_field").iter_rows():
                values = per_file.filter(pl.col("_field") == field_name).sort(["n", "first"], descending=[True, False])
                counter = Counter(dict(values.select("_value", "n").iter_rows()))
                shown = ", ".join(f"{v!r} ×{n}" for v, n in values.select("_value", "n").head(8).iter_rows())
                more = "" if len(counter) <= 8 else f" and {len(counter) - 8} more"
                lines.append(f"{field_name}: {sum(counter.values())} cell(s) {WARNING_EXPLANATIONS[field_name]}: "
                             f"{shown}{more}")
            outcomes[file_index].value_warnings = lines
    return outcomes
