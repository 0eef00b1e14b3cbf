"""Read one registration export into staged and quarantined rows (docs/architecture.md).

Public API
----------
* :func:`read_registration_file` — the reader the ingest assets call.
* :func:`explain_file` — a JSON-able report of what the reader makes of one file (``cci check``);
  it calls :func:`read_registration_file`, so it can never disagree with the pipeline.
* :func:`load_overrides` — per-source header overrides from ``raw/registrations/mapping.yml``.
* :class:`RegistrationFileError` — the file cannot be read at all, or no column names a person.

How a file is read
------------------
1. :mod:`~pipelines.registrations.formats` turns the bytes into tables of rows (encoding,
   delimiter, xlsx/xls sheets, merged cells).
2. In each table the **header row** is the first of the first 30 non-blank rows in which at
   least two cells name *different* known fields (synonyms in
   :mod:`~pipelines.registrations.vocabulary`, or the overrides) — or one of the next two
   rows when it names more fields (a two-level header: «Участник» merged over «Фамилия |
   Имя | Отчество»); failing that, the first row naming one field.  Title rows above it
   are skipped.  ``header_row`` in mapping.yml forces it.  A table (sheet) is read only if its header names a person: a full name,
   first or last name, or an email.  Other sheets are skipped and listed in the manifest;
   hidden sheets are skipped too.
3. Columns map to fields: an override wins, then a primary synonym, then a secondary one,
   then a keyword rule; when two columns claim one field the better match (then the
   leftmost) wins and the other is kept only in ``raw_record``.
4. Every non-blank row below the header is one input row (``rows_read``): it is staged or
   quarantined, never dropped.  Fully blank rows (every cell empty or whitespace) are not
   input rows and are skipped silently.

Quarantine rules (one ``reason_code`` per row, the first that applies in this order; the
detail lists every problem found):

``no_event``          the caller gave no event id (the file's folder is not a known event).
``empty_row``         the row has content but no person data — no name, email, phone or
                      organisation (only a row number, placeholders like «-», a date or a
                      country), or it is a repeated header row or a footer such as «Итого: 45».
``test_record``       a name or email part like test/тест/testi/asdf/qwerty/йцукен/xxx, or a
                      test domain (test.com, mailinator.com …).
``missing_name``      neither a name nor an email.
``bad_email``         an email cell that is not a valid address (strict: the row is
                      quarantined even when it has a good name, so a typo is fixed at source
                      rather than silently losing the email).
``unknown_country``   country text that is not a country in the vocabulary.  A blank
                      country cell is *not* an error: ``country_code`` is then null.
``unparseable_date``  a registration-date cell that is not a date.
``duplicate_in_file`` every cell identical (after trimming) to an earlier row of the same
                      file (any sheet); the first occurrence is staged.

Values: see :mod:`~pipelines.registrations.normalise`.  Yes/no columns that hold only tick
marks (x, +, ✓, 1, да …) and blanks read blanks as ``False``; otherwise a blank is null
(the file does not say).  A non-yes/no value in an attendance column that is a date
(a check-in time) reads as ``True``.

``registration_id`` is ``<file_hash[:16]>:<source_row>``; when one workbook has more than one
sheet read, rows of every sheet get ``<file_hash[:16]>:s<k>:<source_row>`` instead (``k``:
the sheet's 1-based position in the workbook), since row numbers repeat across sheets.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import polars as pl

from pipelines.registrations import columnar, formats
from pipelines.registrations import normalise as norm
from pipelines.registrations import vocabulary as vocab
from pipelines.registrations.mapping import (
    HeaderOverrides,
    MappingFileError,
    ResolvedOverride,
    load_overrides,
    yaml_snippet,
)

__all__ = [
    "HeaderOverrides",
    "MappingFileError",
    "QUARANTINE_SCHEMA",
    "REASON_CODES",
    "RegistrationFile",
    "RegistrationFileError",
    "RegistrationFileResult",
    "STAGED_SCHEMA",
    "event_id_from_path",
    "explain_file",
    "load_overrides",
    "read_registration_file",
]

HEADER_SCAN_ROWS = 30
MAX_WARNINGS = 50

STAGED_SCHEMA: dict[str, Any] = {
    "registration_id": pl.String,
    "event_id": pl.String,
    "source_file": pl.String,
    "source_sheet": pl.String,
    "source_row": pl.Int64,
    "file_hash": pl.String,
    "first_name": pl.String,
    "last_name": pl.String,
    "patronymic": pl.String,
    "full_name": pl.String,
    "email": pl.String,
    "phone": pl.String,
    "organisation": pl.String,
    "organisation_type": pl.String,
    "target_group": pl.String,
    "country_code": pl.String,
    "city": pl.String,
    "sex": pl.String,
    "registered_on": pl.Date,
    "attended": pl.Boolean,
    "research_consent": pl.Boolean,
}
QUARANTINE_SCHEMA: dict[str, Any] = {
    "event_id": pl.String,
    "source_file": pl.String,
    "source_sheet": pl.String,
    "source_row": pl.Int64,
    "file_hash": pl.String,
    "reason_code": pl.String,
    "reason_detail": pl.String,
    "raw_record": pl.String,
}
#: In priority order: a row gets the first code that applies.
REASON_CODES: tuple[str, ...] = (
    "no_event",
    "empty_row",
    "test_record",
    "missing_name",
    "bad_email",
    "unknown_country",
    "unparseable_date",
    "duplicate_in_file",
)


class RegistrationFileError(ValueError):
    """A registration file that cannot be read at all, or in which no column names a person."""

    def __init__(
        self,
        message: str,
        *,
        source_file: str | None = None,
        headers_found: dict[str, list[str]] | None = None,
        missing_fields: list[str] | None = None,
        mapping_snippet: str | None = None,
    ) -> None:
        super().__init__(message)
        self.source_file = source_file
        self.headers_found = headers_found or {}
        self.missing_fields = missing_fields or []
        self.mapping_snippet = mapping_snippet


@dataclass
class RegistrationFile:
    """The file manifest: how a file was read and how its rows reconcile."""

    source_file: str
    file_hash: str
    event_id: str | None
    format: str
    encoding: str | None
    delimiter: str | None
    sheets: list[str]
    sheets_skipped: dict[str, str]
    header_row: int | None
    header_rows: dict[str, int]
    column_mapping: dict[str, str]
    unmapped_headers: list[str]
    rows_read: int
    rows_staged: int
    rows_quarantined: int
    quarantine_reasons: dict[str, int]
    overrides_applied: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def sheet(self) -> str | None:
        return self.sheets[0] if self.sheets else None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_frame(self) -> pl.DataFrame:
        """One row; dict/list fields as JSON text."""
        row = {
            key: (json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
            for key, value in self.to_dict().items()
        }
        return pl.DataFrame(
            [row],
            schema={
                "source_file": pl.String, "file_hash": pl.String, "event_id": pl.String, "format": pl.String,
                "encoding": pl.String, "delimiter": pl.String, "sheets": pl.String, "sheets_skipped": pl.String,
                "header_row": pl.Int64, "header_rows": pl.String, "column_mapping": pl.String,
                "unmapped_headers": pl.String, "rows_read": pl.Int64, "rows_staged": pl.Int64,
                "rows_quarantined": pl.Int64, "quarantine_reasons": pl.String, "overrides_applied": pl.String,
                "warnings": pl.String,
            },
            orient="row",
        )


@dataclass
class RegistrationFileResult:
    staged: pl.DataFrame
    quarantined: pl.DataFrame
    file: RegistrationFile


# --------------------------------------------------------------------------------------
# Header detection
# --------------------------------------------------------------------------------------


@dataclass
class _Column:
    index: int
    label: str  # header as written (or column_N)
    field: str | None
    rank: int | None


@dataclass
class _Header:
    row_position: int  # index into table.rows
    row_number: int
    columns: list[_Column]

    @property
    def mapping(self) -> dict[int, str]:
        return {c.index: c.field for c in self.columns if c.field and c.field != vocab.IGNORE}

    @property
    def fields(self) -> set[str]:
        return set(self.mapping.values())


def _match(cell: Any, override: ResolvedOverride) -> tuple[str, int] | None:
    text = norm.cell_text(cell)
    if not text:
        return None
    forced = override.field_for(text) if override.headers else None
    if forced:
        return forced, vocab.RANK_OVERRIDE
    return vocab.match_header(text)


def _row_score(cells: list[Any], override: ResolvedOverride) -> int:
    """How many distinct fields a row's cells name (``ignore`` not counted)."""
    found = set()
    for cell in cells:
        matched = _match(cell, override)
        if matched and matched[0] != vocab.IGNORE:
            found.add(matched[0])
    return len(found)


def _memoised_score(override: ResolvedOverride) -> Callable[[list[Any]], int]:
    """``_row_score`` remembering rows already scored in this file (sniffing and the header
    search look at the same first rows)."""
    scores: dict[tuple, int] = {}

    def score(cells: list[Any]) -> int:
        key = tuple(cells)
        if key not in scores:
            scores[key] = _row_score(cells, override)
        return scores[key]

    return score


def _visibly_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _build_header(table: formats.RawTable, position: int, override: ResolvedOverride) -> _Header:
    row = table.rows[position]
    claims: dict[str, tuple[int, int]] = {}
    matches: dict[int, tuple[str, int]] = {}
    for index, cell in enumerate(row.cells):
        matched = _match(cell, override)
        if not matched:
            continue
        matches[index] = matched
        field_name, rank = matched
        if field_name == vocab.IGNORE:
            continue
        if field_name not in claims or (rank, index) < claims[field_name]:
            claims[field_name] = (rank, index)
    winners = {index: name for name, (_, index) in claims.items()}
    columns = []
    seen: Counter[str] = Counter()
    for index, cell in enumerate(row.cells):
        label = norm.cell_text(cell) or f"column_{index + 1}"
        seen[label] += 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        matched = matches.get(index)
        if matched and matched[0] == vocab.IGNORE:
            columns.append(_Column(index, label, vocab.IGNORE, matched[1]))
        elif index in winners:
            columns.append(_Column(index, label, winners[index], matched[1] if matched else None))
        else:
            columns.append(_Column(index, label, None, None))
    return _Header(position, row.number, columns)


def _find_header(table: formats.RawTable, override: ResolvedOverride,
                 score_row: Callable[[list[Any]], int] | None = None) -> _Header | None:
    if override.header_row is not None:
        for position, row in enumerate(table.rows):
            if row.number == override.header_row:
                return _build_header(table, position, override)
        return None
    best: tuple[int, int] | None = None
    candidates = [(p, r) for p, r in enumerate(table.rows) if not _visibly_blank(r.cells)][:HEADER_SCAN_ROWS]
    for index, (position, row) in enumerate(candidates):
        score = score_row(row.cells) if score_row else _row_score(row.cells, override)
        if score >= 2:
            # a two-level header («Участник» over «Фамилия | Имя | Отчество»): the row below
            # naming more fields is the real header
            for next_position, next_row in candidates[index + 1: index + 3]:
                next_score = score_row(next_row.cells) if score_row else _row_score(next_row.cells, override)
                if next_score > score:
                    position, score = next_position, next_score
            return _build_header(table, position, override)
        if score == 1 and best is None:
            best = (position, score)
    return _build_header(table, best[0], override) if best else None


def _candidate_headers(table: formats.RawTable, override: ResolvedOverride) -> list[str]:
    """The row that most looks like a header (for error messages)."""
    header = _find_header(table, override)
    if header is not None:
        return [c.label for c in header.columns if not c.label.startswith("column_")]
    for row in table.rows[:HEADER_SCAN_ROWS]:
        texts = [norm.cell_text(c) for c in row.cells]
        if sum(1 for t in texts if t) >= 2:
            return [t for t in texts if t]
    for row in table.rows[:1]:
        return [t for t in (norm.cell_text(c) for c in row.cells) if t]
    return []


# --------------------------------------------------------------------------------------
# Suggestions for unknown headers (error messages only)
# --------------------------------------------------------------------------------------

_NAME_LIKE = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[ \-][^\W\d_][^\W\d_'’.\-]*){1,3}$")
_PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]{7,}$")


def _suggest_field(header: str, values: list[Any]) -> str | None:
    """Guess a field from a column's values, then from its header's likeness to a synonym."""
    texts = [norm.cell_text(v) for v in values if not norm.is_blank(v)][:20]
    if texts:
        share = lambda test: sum(1 for t in texts if test(t)) / len(texts)  # noqa: E731

        def ok(parser: Any) -> Any:
            def test(text: str) -> bool:
                try:
                    return parser(text) is not None
                except ValueError:
                    return False
            return test

        if share(lambda t: "@" in t) >= 0.5:
            return "email"
        if share(ok(norm.parse_date)) >= 0.6:
            return "registered_on"
        if share(lambda t: vocab.country_code(t) is not None) >= 0.6:
            return "country"
        if share(lambda t: bool(_PHONE_LIKE.match(t))) >= 0.6:
            return "phone"
        if share(lambda t: vocab.yes_no(t) is not None) >= 0.8:
            return "attended"
        if share(lambda t: bool(_NAME_LIKE.match(t)) and t[:1].isupper()) >= 0.6:
            return "full_name"
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover - rapidfuzz is a dependency
        return None
    choices = {vocab.header_key(s): f for f, names in vocab.header_synonyms().items() for s in names}
    best = process.extractOne(vocab.header_key(header), list(choices), scorer=fuzz.ratio)
    if best and best[1] >= 80:
        return choices[best[0]]
    return None


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def event_id_from_path(path: Path) -> str | None:
    """The event folder of ``…/registrations/<event_id>/<file>``, else None."""
    path = Path(path)
    for parent in path.parents:
        if parent.parent.name == "registrations":
            return parent.name
    return None


def _locate(path: Path, raw_root: Path | None) -> tuple[str, str | None, Path | None]:
    """(source_file relative to raw/, path relative to registrations/, raw_root used)."""
    resolved = path.resolve()
    if raw_root is None:
        for parent in resolved.parents:
            if parent.name == "registrations":
                raw_root = parent.parent
                break
    if raw_root is not None:
        root = Path(raw_root).resolve()
        try:
            relative = resolved.relative_to(root)
        except ValueError:
            return path.as_posix(), path.name, raw_root
        parts = relative.parts
        in_registrations = parts[1:] if parts and parts[0] == "registrations" else None
        return relative.as_posix(), ("/".join(in_registrations) if in_registrations else relative.as_posix()), raw_root
    return path.as_posix(), path.name, None


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return norm.cell_text(value)


@dataclass
class _ColumnFacts:
    date_order: str = "dmy"
    tick_columns: set[str] = field(default_factory=set)


def _column_facts(rows: list[formats.RawRow], header: _Header, header_texts: list[str]) -> _ColumnFacts:
    facts = _ColumnFacts()
    rows = [r for r in rows if [norm.cell_text(c) for c in r.cells][: len(header_texts)] != header_texts[: len(r.cells)]]
    by_field: dict[str, list[Any]] = {}
    for index, name in header.mapping.items():
        by_field[name] = [row.cells[index] if index < len(row.cells) else None for row in rows]
    if "registered_on" in by_field:
        facts.date_order = norm.infer_date_order(by_field["registered_on"])
    for name in ("attended", "research_consent"):
        present = [v for v in by_field.get(name, []) if not (v is None or (isinstance(v, str) and not v.strip()))]
        if present and all(vocab.is_tick_mark(v) for v in present):
            facts.tick_columns.add(name)
    return facts


class _Warnings:
    def __init__(self) -> None:
        self.values: dict[str, Counter[str]] = {}
        self.messages: list[str] = []

    def value(self, field_name: str, value: Any) -> None:
        self.values.setdefault(field_name, Counter())[norm.cell_text(value)] += 1

    def note(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def render(self) -> list[str]:
        out = list(self.messages)
        explanations = columnar.WARNING_EXPLANATIONS
        for field_name, counter in self.values.items():
            shown = ", ".join(f"{v!r} ×{n}" for v, n in counter.most_common(8))
            more = "" if len(counter) <= 8 else f" and {len(counter) - 8} more"
            out.append(f"{field_name}: {sum(counter.values())} cell(s) {explanations.get(field_name, '')}: {shown}{more}")
        return out[:MAX_WARNINGS]


def read_registration_file(
    path: Path,
    event_id: str | None,
    raw_root: Path | None = None,
    overrides: HeaderOverrides | None = None,
) -> RegistrationFileResult:
    """Read one registration export (CSV/TSV/TXT/XLSX/XLS) into staged and quarantined rows.

    ``event_id`` comes from the file's folder (``registrations/<event_id>/``); None
    quarantines every row as ``no_event``.  ``source_file`` is relative to ``raw_root`` when
    given (else to the parent of the nearest ``registrations`` folder, else as given).
    ``overrides`` default to ``<raw_root>/registrations/mapping.yml`` when a raw root is
    known.  Raises :class:`RegistrationFileError` when the file cannot be read at all or no
    column names a person; the message names the file, the headers found, what is missing,
    and the ``mapping.yml`` entry to add.
    """
    batch = read_registration_files([(Path(path), event_id)], raw_root=raw_root, overrides=overrides)
    outcome = batch.files[0]
    if isinstance(outcome, RegistrationFileError):
        raise outcome
    return RegistrationFileResult(staged=batch.staged.drop("_file"), quarantined=batch.quarantined.drop("_file"),
                                  file=outcome)


@dataclass
class RegistrationBatch:
    """Many files read at once: their rows together (``_file`` = position in the batch) and
    each file's manifest, or the error that kept it from being read."""

    staged: pl.DataFrame  # STAGED_SCHEMA + _file
    quarantined: pl.DataFrame  # QUARANTINE_SCHEMA + _file
    files: list[RegistrationFile | RegistrationFileError]


def read_registration_files(
    jobs: list[tuple[Path, str | None]],
    raw_root: Path | None = None,
    overrides: HeaderOverrides | None = None,
    *,
    vectorised: bool = True,
) -> RegistrationBatch:
    """Read several exports (``(path, event_id)`` each, as for :func:`read_registration_file`).

    Each file's encoding, delimiter and header are found file by file (the *file stage*);
    the data rows of every delimited text are then read together, vectorised
    (:mod:`pipelines.registrations.columnar`); spreadsheet rows, whose cells are typed, row
    by row (:func:`_read_row`).  Both give the same result for the same rows; ``vectorised=False``
    reads text rows one by one too (the reference the tests compare the vectorised stage with)."""
    stages: list[_FileStage | RegistrationFileError] = []
    for path, event_id in jobs:
        try:
            stages.append(_file_stage(Path(path), event_id, raw_root, overrides, head_only=vectorised))
        except RegistrationFileError as error:
            stages.append(error)

    text_tables: list[columnar.TextTable] = []
    text_owner: list[int] = []
    by_row: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]], int]] = {}
    for position, stage in enumerate(stages):
        if isinstance(stage, RegistrationFileError):
            continue
        table = _text_table(stage) if vectorised else None
        if table is not None:
            text_tables.append(table)
            text_owner.append(position)
        else:
            by_row[position] = _read_rows_one_by_one(stage)

    rows = columnar.read_rows(text_tables)
    outcome_of = dict(zip(text_owner, rows.outcomes))
    staged_parts = [rows.staged.with_columns(pl.Series("_file", text_owner, dtype=pl.UInt32)
                                             .gather(rows.staged["_file"]))]
    quarantined_parts = [rows.quarantined.with_columns(pl.Series("_file", text_owner, dtype=pl.UInt32)
                                                       .gather(rows.quarantined["_file"]))]
    files: list[RegistrationFile | RegistrationFileError] = []
    for position, stage in enumerate(stages):
        if isinstance(stage, RegistrationFileError):
            files.append(stage)
            continue
        if position in by_row:
            staged_rows, quarantined_rows, rows_read = by_row[position]
            staged = (pl.DataFrame(staged_rows, schema=STAGED_SCHEMA, orient="row") if staged_rows
                      else pl.DataFrame(schema=STAGED_SCHEMA))
            quarantined = (pl.DataFrame(quarantined_rows, schema=QUARANTINE_SCHEMA, orient="row") if quarantined_rows
                           else pl.DataFrame(schema=QUARANTINE_SCHEMA))
            file_column = pl.lit(position, dtype=pl.UInt32).alias("_file")
            staged_parts.append(staged.select(file_column, *STAGED_SCHEMA))
            quarantined_parts.append(quarantined.select(file_column, *QUARANTINE_SCHEMA))
            reasons = dict(sorted(Counter(r["reason_code"] for r in quarantined_rows).items()))
            counts = (rows_read, staged.height, quarantined.height, reasons)
            value_warnings = stage.warnings.render()[len(stage.warnings.messages):]
        else:
            outcome = outcome_of[position]
            staged_count = outcome.rows_read - sum(outcome.quarantine_reasons.values())
            counts = (outcome.rows_read, staged_count, sum(outcome.quarantine_reasons.values()),
                      outcome.quarantine_reasons)
            value_warnings = outcome.value_warnings
        files.append(_manifest(stage, *counts, value_warnings))
    return RegistrationBatch(
        staged=pl.concat(staged_parts, how="vertical") if staged_parts else pl.DataFrame(),
        quarantined=pl.concat(quarantined_parts, how="vertical") if quarantined_parts else pl.DataFrame(),
        files=files,
    )


# The file stage reads this many non-blank lines of a text to find its header (header scan and
# two-level headers); the rest is read in bulk.  A file without a usable header is read whole
# for the error message (its suggestions look at the column values below the header).
HEAD_ROWS = HEADER_SCAN_ROWS + 3


@dataclass
class _FileStage:
    """What the file stage found in one file: everything but the values of its data rows."""

    source_file: str
    file_hash: str
    event_id: str | None
    loaded: formats.LoadedFile
    plans: list[tuple[int, formats.RawTable, _Header]]
    sheets_skipped: dict[str, str]
    header_rows: dict[str, int]
    column_mapping: dict[str, str]
    unmapped: list[str]
    override: ResolvedOverride
    warnings: _Warnings


def _file_stage(path: Path, event_id: str | None, raw_root: Path | None,
                overrides: HeaderOverrides | None, head_only: bool = True) -> _FileStage:
    """Bytes → encoding, delimiter, tables, header of each table, column mapping, file notes."""
    source_file, registrations_path, raw_root = _locate(path, raw_root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistrationFileError(f"{source_file}: cannot open the file ({exc})", source_file=source_file) from exc
    if not data.strip():
        raise RegistrationFileError(f"{source_file}: the file is empty", source_file=source_file)
    file_hash = hashlib.sha256(data).hexdigest()
    if overrides is None:
        overrides = load_overrides(raw_root) if raw_root is not None else HeaderOverrides()
    override = overrides.for_file(registrations_path, event_id)

    head_rows = HEAD_ROWS + (override.header_row or 0) if head_only else None
    score = _memoised_score(override)
    try:
        loaded = formats.load_file(
            data, score, encoding=override.encoding, delimiter=override.delimiter, head_rows=head_rows,
            max_score=len(vocab.FIELDS),
        )
    except formats.FormatError as exc:
        raise RegistrationFileError(f"{source_file}: {exc}", source_file=source_file) from exc

    warnings = _Warnings()
    for note in loaded.notes:
        warnings.note(note)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xls") and loaded.format != suffix or suffix in ("csv", "tsv", "txt") and loaded.format in (
        "xlsx", "xls"
    ):
        warnings.note(f"the file is named .{suffix} but its content is {loaded.format}")

    plans: list[tuple[int, formats.RawTable, _Header]] = []
    sheets_skipped: dict[str, str] = {}
    headers_found: dict[str, list[str]] = {}
    for position, table in enumerate(loaded.tables, start=1):
        label = table.sheet or "(text)"
        if not any(not _visibly_blank(r.cells) for r in table.rows):
            sheets_skipped[label] = "empty"
            continue
        if table.hidden:
            sheets_skipped[label] = "hidden sheet"
            continue
        header = _find_header(table, override, score)
        if header is None or not (header.fields & vocab.IDENTITY_FIELDS):
            headers_found[label] = _candidate_headers(table, override)
            reason = "no recognisable header row" if header is None else (
                f"header row {header.row_number} names no person (no name or email column)"
            )
            sheets_skipped[label] = reason
            continue
        plans.append((position, table, header))

    if not plans:
        if loaded.body is not None:
            return _file_stage(path, event_id, raw_root, overrides, head_only=False)  # raises, with every row
        raise _unreadable_error(source_file, registrations_path, loaded, headers_found, sheets_skipped, override)

    column_mapping: dict[str, str] = {}
    unmapped: list[str] = []
    header_rows: dict[str, int] = {}
    for _, table, header in plans:
        header_rows[table.sheet or "(text)"] = header.row_number
        for column in header.columns:
            if column.field and column.field != vocab.IGNORE:
                column_mapping.setdefault(column.label, column.field)
            elif not column.label.startswith("column_") and column.label not in unmapped:
                unmapped.append(column.label)
            if column.field is None and column.label != f"column_{column.index + 1}":
                matched = vocab.match_header(column.label)
                if matched and matched[0] != vocab.IGNORE:
                    warnings.note(
                        f"column {column.label!r} also looks like {matched[0]}; another column was used for it"
                    )
    return _FileStage(source_file, file_hash, event_id, loaded, plans, sheets_skipped, header_rows, column_mapping,
                      unmapped, override, warnings)


def _text_table(stage: _FileStage) -> columnar.TextTable | None:
    """The data rows of a delimited text, for the vectorised row stage; None for a spreadsheet."""
    loaded = stage.loaded
    if loaded.format not in ("csv", "tsv"):
        return None
    (_, table, header), = stage.plans
    header_texts = [norm.cell_text(c) for c in table.rows[header.row_position].cells]
    common = dict(source_file=stage.source_file, file_hash=stage.file_hash, event_id=stage.event_id,
                  id_prefix=f"{stage.file_hash[:16]}:", labels=[c.label for c in header.columns],
                  header_texts=header_texts, mapping=header.mapping)
    if loaded.body is not None:
        return columnar.TextTable(**common, body=columnar.body_after(loaded.body, header.row_number))
    data = table.rows[header.row_position + 1:]
    return columnar.TextTable(**common, rows=[r.number for r in data], cells=[r.cells for r in data])


def _read_rows_one_by_one(stage: _FileStage) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """Staged and quarantined rows of a spreadsheet (typed cells), row by row."""
    several = len(stage.plans) > 1
    staged_rows: list[dict[str, Any]] = []
    quarantined_rows: list[dict[str, Any]] = []
    seen_rows: set[tuple[tuple[str, str], ...]] = set()
    rows_read = 0
    for position, table, header in stage.plans:
        header_texts = [norm.cell_text(c) for c in table.rows[header.row_position].cells]
        data_rows = [r for r in table.rows[header.row_position + 1:] if not _visibly_blank(r.cells)]
        rows_read += len(data_rows)
        facts = _column_facts(data_rows, header, header_texts)
        id_prefix = f"{stage.file_hash[:16]}:s{position}:" if several else f"{stage.file_hash[:16]}:"
        for row in data_rows:
            _read_row(
                row, table, header, facts, header_texts, stage.event_id, stage.source_file, stage.file_hash,
                id_prefix, seen_rows, staged_rows, quarantined_rows, stage.warnings,
            )
    return staged_rows, quarantined_rows, rows_read


def _manifest(stage: _FileStage, rows_read: int, rows_staged: int, rows_quarantined: int,
              reasons: dict[str, int], value_warnings: list[str]) -> RegistrationFile:
    if rows_read != rows_staged + rows_quarantined:  # pragma: no cover - a bug
        raise RuntimeError(f"{stage.source_file}: {rows_read} rows read but {rows_staged} staged + "
                           f"{rows_quarantined} quarantined")
    first_sheet = stage.plans[0][1].sheet or "(text)"
    loaded = stage.loaded
    return RegistrationFile(
        source_file=stage.source_file,
        file_hash=stage.file_hash,
        event_id=stage.event_id,
        format=loaded.format,
        encoding=loaded.encoding,
        delimiter=loaded.delimiter,
        sheets=[table.sheet for _, table, _ in stage.plans if table.sheet is not None],
        sheets_skipped=stage.sheets_skipped,
        header_row=stage.header_rows[first_sheet],
        header_rows=stage.header_rows,
        column_mapping=stage.column_mapping,
        unmapped_headers=stage.unmapped,
        rows_read=rows_read,
        rows_staged=rows_staged,
        rows_quarantined=rows_quarantined,
        quarantine_reasons=reasons,
        overrides_applied=list(stage.override.matched),
        warnings=(list(stage.warnings.messages) + value_warnings)[:MAX_WARNINGS],
    )


def _read_row(
    row: formats.RawRow,
    table: formats.RawTable,
    header: _Header,
    facts: _ColumnFacts,
    header_texts: list[str],
    event_id: str | None,
    source_file: str,
    file_hash: str,
    id_prefix: str,
    seen_rows: set[tuple[tuple[str, str], ...]],
    staged_rows: list[dict[str, Any]],
    quarantined_rows: list[dict[str, Any]],
    warnings: _Warnings,
) -> None:
    cells = row.cells
    width = max(len(header.columns), len(cells))
    raw_record: dict[str, Any] = {}
    for index in range(width):
        value = cells[index] if index < len(cells) else None
        if index < len(header.columns):
            raw_record[header.columns[index].label] = _json_value(value)
        elif value is not None and norm.cell_text(value):
            raw_record[f"column_{index + 1}"] = _json_value(value)
    cell_of = {name: (cells[index] if index < len(cells) else None) for index, name in header.mapping.items()}

    issues: list[tuple[str, str]] = []

    def issue(code: str, detail: str) -> None:
        issues.append((code, detail))

    if event_id is None:
        issue("no_event", "the file's folder is not a known event (no event id given)")

    first = norm.clean_text(cell_of.get("first_name"))
    last = norm.clean_text(cell_of.get("last_name"))
    patronymic = norm.clean_text(cell_of.get("patronymic"))
    full = norm.clean_text(cell_of.get("full_name"))
    if full and not (first or last or patronymic):
        parts = norm.split_full_name(full)
        first, last, patronymic = parts.first_name, parts.last_name, parts.patronymic
    elif not full and (first or last or patronymic):
        full = norm.compose_full_name(first, last, patronymic)
    organisation = norm.clean_text(cell_of.get("organisation"))
    city = norm.clean_text(cell_of.get("city"))

    raw_email = cell_of.get("email")
    email = None
    email_problem = None
    try:
        email = norm.normalise_email(raw_email)
    except ValueError as exc:
        email_problem = str(exc)

    country = None
    country_problem = None
    try:
        country = norm.parse_country(cell_of.get("country"))
    except ValueError as exc:
        country_problem = str(exc)

    phone = norm.normalise_phone(cell_of.get("phone"), country)
    if phone is None and not norm.is_blank(cell_of.get("phone")):
        warnings.value("phone", cell_of.get("phone"))

    registered_on = None
    date_problem = None
    try:
        registered_on = norm.parse_date(cell_of.get("registered_on"), facts.date_order, table.date_epoch)
    except ValueError as exc:
        date_problem = str(exc)

    yes_no: dict[str, bool | None] = {}
    for name in ("attended", "research_consent"):
        value = cell_of.get(name)
        parsed = norm.parse_bool(value)
        if parsed is None:
            if value is None or not norm.cell_text(value):
                parsed = False if name in facts.tick_columns else None
            elif name == "attended" and _is_date(value, facts, table):
                parsed = True
            elif name in header.fields:
                warnings.value(name, value)
        yes_no[name] = parsed

    sex = norm.parse_sex(cell_of.get("sex"))
    if sex is None and not norm.is_blank(cell_of.get("sex")):
        warnings.value("sex", cell_of.get("sex"))

    organisation_type, type_ok = norm.organisation_type(cell_of.get("organisation_type"), organisation)
    if not type_ok:
        warnings.value("organisation_type", cell_of.get("organisation_type"))
    target_group, group_ok = norm.target_group(cell_of.get("target_group"), organisation_type)
    if not group_ok:
        warnings.value("target_group", cell_of.get("target_group"))

    # ---- quarantine decisions, in REASON_CODES order
    names = [first, last, patronymic, full]
    has_name = any(names)
    person_data = has_name or not norm.is_blank(raw_email) or not norm.is_blank(cell_of.get("phone")) or organisation
    texts = [norm.cell_text(c) for c in cells]
    first_text = next((t for t in texts if t), "")
    if texts[: len(header_texts)] == header_texts[: len(texts)] and first_text:
        issue("empty_row", "a repeated header row")
    elif email is None and (vocab.is_summary_text(first_text) or any(n and vocab.is_summary_text(n) for n in names)):
        issue("empty_row", f"a footer/summary row ({first_text!r}), not a participant")
    elif not person_data:
        issue("empty_row", "no participant data (no name, email, phone or organisation)")
    if norm.is_test_record(names, email or (norm.cell_text(raw_email) if email_problem else None)):
        issue("test_record", "a test entry (name or email like test/тест/asdf)")
    if person_data and not has_name and norm.is_blank(raw_email):
        issue("missing_name", "no name and no email")
    if email_problem:
        issue("bad_email", email_problem)
    if country_problem:
        issue("unknown_country", country_problem)
    if date_problem:
        issue("unparseable_date", date_problem)
    dedupe_key = tuple(sorted((label, norm.cell_text(v)) for label, v in raw_record.items() if norm.cell_text(v)))
    if not issues:
        if dedupe_key in seen_rows:
            issue("duplicate_in_file", "every cell equals an earlier row of this file")
    seen_rows.add(dedupe_key)

    common = {
        "event_id": event_id,
        "source_file": source_file,
        "source_sheet": table.sheet,
        "source_row": row.number,
        "file_hash": file_hash,
    }
    if issues:
        issues.sort(key=lambda item: REASON_CODES.index(item[0]))
        code, detail = issues[0]
        others = [f"{c}: {d}" for c, d in issues[1:]]
        quarantined_rows.append(
            {
                **common,
                "reason_code": code,
                "reason_detail": detail + ("; also " + "; ".join(others) if others else ""),
                "raw_record": json.dumps(raw_record, ensure_ascii=False),
            }
        )
        return
    staged_rows.append(
        {
            "registration_id": f"{id_prefix}{row.number}",
            **common,
            "first_name": first,
            "last_name": last,
            "patronymic": patronymic,
            "full_name": full,
            "email": email,
            "phone": phone,
            "organisation": organisation,
            "organisation_type": organisation_type,
            "target_group": target_group,
            "country_code": country,
            "city": city,
            "sex": sex,
            "registered_on": registered_on,
            "attended": yes_no["attended"],
            "research_consent": yes_no["research_consent"],
        }
    )


def _is_date(value: Any, facts: _ColumnFacts, table: formats.RawTable) -> bool:
    if isinstance(value, (int, float)):
        return False
    try:
        return norm.parse_date(value, facts.date_order, table.date_epoch) is not None
    except ValueError:
        return False


def _unreadable_error(
    source_file: str,
    registrations_path: str | None,
    loaded: formats.LoadedFile,
    headers_found: dict[str, list[str]],
    sheets_skipped: dict[str, str],
    override: ResolvedOverride,
) -> RegistrationFileError:
    lines = [f"{source_file}: no column for a person's name or email, so no registration can be read."]
    described = f"format {loaded.format}"
    if loaded.encoding:
        described += f", encoding {loaded.encoding}"
    if loaded.delimiter:
        described += f", delimiter {loaded.delimiter!r}"
    lines.append(f"Read as {described}.")
    suggestions: dict[str, str] = {}
    headerless = False
    if not headers_found and sheets_skipped:
        lines.append("Sheets: " + "; ".join(f"{s}: {r}" for s, r in sheets_skipped.items()))
    for sheet, headers in headers_found.items():
        where = "" if sheet == "(text)" else f" on sheet {sheet!r}"
        lines.append(f"Headers found{where}: " + (", ".join(repr(h) for h in headers) if headers else "(none)"))
        recognised = {h: m[0] for h in headers if (m := _match(h, override)) and m[0] != vocab.IGNORE}
        if recognised:
            lines.append("  recognised: " + ", ".join(f"{h!r} → {f}" for h, f in recognised.items()))
        elif any("@" in h for h in headers):
            lines.append("  these look like data, not headers: the file seems to have no header row")
            headerless = True
            continue
        table = next((t for t in loaded.tables if (t.sheet or "(text)") == sheet), None)
        for header in headers:
            if header in recognised or header in suggestions:
                continue
            values = _column_values(table, header) if table is not None else []
            suggestion = _suggest_field(header, values)
            suggestions[header] = suggestion or "FIELD"
    missing = ["full_name (or first_name and last_name)", "email"]
    lines.append("Missing: a column for " + " or ".join(missing) + " (at least one is required).")
    match = registrations_path or Path(source_file).name
    # put the likely identity columns first
    ordered = dict(sorted(suggestions.items(), key=lambda item: item[1] not in vocab.IDENTITY_FIELDS))
    snippet = None
    if ordered or not headerless:
        snippet = yaml_snippet(match, ordered or {"<header as written>": "full_name"})
        lines.append(
            "Add an entry to raw/registrations/mapping.yml mapping each header to one of "
            f"{', '.join(vocab.MAPPABLE)} (replace FIELD; guesses are from the column's values):"
        )
        lines.append(snippet)
    else:
        lines.append("Add a header row (e.g. «Name;Email;Country») above the first person; a mapping cannot "
                     "name columns that have no header.")
    return RegistrationFileError(
        "\n".join(lines),
        source_file=source_file,
        headers_found=headers_found,
        missing_fields=["full_name", "first_name", "last_name", "email"],
        mapping_snippet=snippet,
    )


def _column_values(table: formats.RawTable, header: str) -> list[Any]:
    for position, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
        texts = [norm.cell_text(c) for c in row.cells]
        if header in texts:
            index = texts.index(header)
            return [r.cells[index] if index < len(r.cells) else None for r in table.rows[position + 1: position + 21]]
    return []


# --------------------------------------------------------------------------------------
# explain_file
# --------------------------------------------------------------------------------------


def explain_file(
    path: Path,
    event_id: str | None,
    raw_root: Path | None = None,
    overrides: HeaderOverrides | None = None,
) -> dict[str, Any]:
    """What the pipeline makes of one file, as JSON-able data (for ``cci check FILE``).

    Runs :func:`read_registration_file` itself.  On success: ``ok``, the manifest
    (``file``), per-field fill counts and value counts of the categorical fields (no
    personal data), and every quarantined row with its reason and original cells.  When the
    file cannot be read: ``ok`` False, the error message, the headers found, the missing
    fields and the mapping.yml snippet.
    """
    try:
        result = read_registration_file(Path(path), event_id, raw_root=raw_root, overrides=overrides)
    except MappingFileError as error:
        return {"ok": False, "source_file": str(path), "error": str(error), "headers_found": {},
                "missing_fields": [], "mapping_snippet": None}
    except RegistrationFileError as error:
        return {
            "ok": False,
            "source_file": error.source_file or str(path),
            "error": str(error),
            "headers_found": error.headers_found,
            "missing_fields": error.missing_fields,
            "mapping_snippet": error.mapping_snippet,
        }
    staged = result.staged
    categorical = ("organisation_type", "target_group", "country_code", "sex", "attended", "research_consent")
    values = {
        name: {str(value): count for value, count in Counter(staged[name].to_list()).most_common()}
        for name in categorical
    }
    filled = {name: int(staged[name].is_not_null().sum()) for name in staged.columns}
    dates = staged["registered_on"].drop_nulls()
    return {
        "ok": True,
        "file": result.file.to_dict(),
        "filled": filled,
        "values": values,
        "registered_on": {
            "min": dates.min().isoformat() if dates.len() else None,
            "max": dates.max().isoformat() if dates.len() else None,
        },
        "quarantined": [
            {
                "source_sheet": row["source_sheet"],
                "source_row": row["source_row"],
                "reason_code": row["reason_code"],
                "reason_detail": row["reason_detail"],
                "raw_record": json.loads(row["raw_record"]),
            }
            for row in result.quarantined.iter_rows(named=True)
        ],
    }
