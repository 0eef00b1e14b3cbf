"""Erasure (GDPR Art. 17): tombstones that keep a person out of every build, and purging raw files.

Tombstones
----------
``<data dir>/erasure/tombstones.csv`` is an append-only log outside ``raw/`` (so it is not an
input file and is never rewritten). Each erasure adds one ``tombstone`` line holding a keyed
hash, never the plain value:

* ``email``: :func:`pipelines.privacy.email_key` of the address (normalised like the reader
  does: trimmed, lower-cased, ``mailto:``/``<…>`` removed);
* ``name_event``: HMAC of the event id and the name's words, sorted, case-folded and with
  diacritics removed (``"Anna Mäkinen"`` = ``"MAKINEN anna"``), so the order of first and
  last name and cp1251's lost umlauts do not matter. A patronymic or middle name in the row
  may be left out of the request (``"Иван Петров"`` also matches «Петров Иван Сергеевич»).
  Names are matched as written (no transliteration), so a request for a Cyrillic entry uses
  the Cyrillic spelling; ``cci forget`` reports how many rows matched.

The keys depend on the HMAC secret: rotating the secret invalidates every tombstone (keep
the secret, or re-enter the requests). ``purge_raw`` lines record the files rewritten by
``--purge-raw`` with their old and new sha256.

At ingest every row matching a tombstone (staged or quarantined, in any file, superseded or
not) is quarantined with reason ``erased``: only its file, sheet and row number are kept,
no cell values, so the per-file reconciliation still adds up.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from pipelines import privacy, settings
from pipelines.registrations import normalise as norm
from pipelines.registrations.reader import (
    QUARANTINE_SCHEMA,
    RegistrationFileError,
    RegistrationFileResult,
    load_overrides,
    read_registration_file,
)
from pipelines.registrations.versions import list_registration_files

ERASED_REASON = "erased"
KIND_EMAIL = "email"
KIND_NAME_EVENT = "name_event"
ACTION_TOMBSTONE = "tombstone"
ACTION_PURGE = "purge_raw"
LOG_FIELDS = (
    "recorded_at", "action", "key_kind", "key", "event_id", "reason",
    "source_file", "old_sha256", "new_sha256", "rows_removed",
)
NAME_FIELDS = ("first_name", "last_name", "patronymic", "full_name")
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)  # as pipelines.registrations.formats


def tombstones_file() -> Path:
    return settings.data_dir() / "erasure" / "tombstones.csv"


# --------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------


def email_tombstone_key(email: str, secret: bytes) -> str:
    """Key of an address as the reader normalises it; ValueError when it is not an address."""
    normalised = norm.normalise_email(email)
    if normalised is None:
        raise ValueError("an empty email address")
    return privacy.email_key(normalised, secret)


def name_words(name: str | None) -> list[str]:
    """Words of a name, case-folded, diacritics removed, sorted."""
    if not name:
        return []
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return sorted(re.findall(r"[^\W\d_]+", plain))


def name_event_key(name: str, event_id: str, secret: bytes) -> str:
    words = name_words(name)
    if len(words) < 2:
        raise ValueError("a name needs at least two words (first and last name)")
    return privacy.keyed_hash(KIND_NAME_EVENT, f"{event_id}|{' '.join(words)}", secret)


def name_candidates(first: str | None, last: str | None, patronymic: str | None, full: str | None) -> list[str]:
    """The spellings of a row's name a request may use: first + last, with patronymic, the full name."""
    joined = [" ".join(p for p in parts if p) for parts in ((first, last), (first, last, patronymic), (full,))]
    return list(dict.fromkeys(text for text in joined if len(name_words(text)) >= 2))


# --------------------------------------------------------------------------------------
# The log
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tombstone:
    kind: str
    key: str
    event_id: str | None
    recorded_at: str
    reason: str


@dataclass
class Tombstones:
    """The tombstones in force, and a cache of the keys computed for row values."""

    entries: list[Tombstone] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.email_keys = {t.key for t in self.entries if t.kind == KIND_EMAIL}
        self.name_keys = {t.key for t in self.entries if t.kind == KIND_NAME_EVENT}
        self._cache: dict[tuple[str, str], str | None] = {}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def _key(self, kind: str, value: str, secret: bytes, event_id: str | None = None) -> str | None:
        cache_key = (kind, f"{event_id}|{value}")
        if cache_key not in self._cache:
            try:
                self._cache[cache_key] = (
                    email_tombstone_key(value, secret) if kind == KIND_EMAIL
                    else name_event_key(value, event_id or "", secret)
                )
            except ValueError:
                self._cache[cache_key] = None
        return self._cache[cache_key]

    def matches(self, secret: bytes, event_id: str | None, emails: list[str], names: list[str]) -> bool:
        if any(self._key(KIND_EMAIL, e, secret) in self.email_keys for e in emails if e):
            return True
        if event_id and self.name_keys:
            return any(self._key(KIND_NAME_EVENT, n, secret, event_id) in self.name_keys for n in names)
        return False


def read_log(path: Path | None = None) -> list[dict[str, str]]:
    path = path or tombstones_file()
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_tombstones(path: Path | None = None) -> Tombstones:
    """The tombstones in ``<data dir>/erasure/tombstones.csv`` (none when the file is absent)."""
    entries = [
        Tombstone(row["key_kind"], row["key"], row.get("event_id") or None, row["recorded_at"], row.get("reason", ""))
        for row in read_log(path)
        if row.get("action") == ACTION_TOMBSTONE and row.get("key")
    ]
    return Tombstones(entries)


def append_log(rows: list[dict[str, Any]], path: Path | None = None) -> Path:
    """Append lines to the log (created with its header when absent), flushed to disk."""
    path = path or tombstones_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=LOG_FIELDS)
        if new:
            writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in LOG_FIELDS})
        handle.flush()
        os.fsync(handle.fileno())
    return path


def now_text() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# --------------------------------------------------------------------------------------
# Applying tombstones to what the reader made of a file
# --------------------------------------------------------------------------------------


def _quarantined_identity(row: dict[str, Any], column_mapping: dict[str, str]) -> tuple[list[str], list[str]]:
    """Emails and name spellings in a quarantined row's original cells."""
    cells = json.loads(row["raw_record"]) if row.get("raw_record") else {}
    emails = [norm.cell_text(v) for v in cells.values() if v is not None and "@" in norm.cell_text(v)]
    parts = {name: None for name in NAME_FIELDS}
    for label, value in cells.items():
        field_name = column_mapping.get(label)
        if field_name in parts and value is not None:
            parts[field_name] = norm.clean_text(value)
    return emails, name_candidates(parts["first_name"], parts["last_name"], parts["patronymic"], parts["full_name"])


def matching_rows(
    result: RegistrationFileResult, event_id: str | None, tombstones: Tombstones, secret: bytes
) -> list[tuple[str | None, int]]:
    """(sheet, row number) of every row of the file, staged or quarantined, that a tombstone matches."""
    found = []
    for row in result.staged.iter_rows(named=True):
        names = name_candidates(row["first_name"], row["last_name"], row["patronymic"], row["full_name"])
        if tombstones.matches(secret, row["event_id"] or event_id, [row["email"]], names):
            found.append((row["source_sheet"], row["source_row"]))
    for row in result.quarantined.iter_rows(named=True):
        if row["reason_code"] == ERASED_REASON:
            continue
        emails, names = _quarantined_identity(row, result.file.column_mapping)
        if tombstones.matches(secret, row["event_id"] or event_id, emails, names):
            found.append((row["source_sheet"], row["source_row"]))
    return found


@dataclass
class ErasedFile:
    staged: pl.DataFrame
    quarantined: pl.DataFrame
    rows_erased: int


def apply_tombstones(
    result: RegistrationFileResult, event_id: str | None, tombstones: Tombstones, secret: bytes | None
) -> ErasedFile:
    """Move every row a tombstone matches to the quarantine as ``erased``, without its values."""
    if not tombstones:
        return ErasedFile(result.staged, result.quarantined, 0)
    if secret is None:
        raise ValueError("erasure tombstones are in force but no HMAC secret was given to match them")
    erased = set(matching_rows(result, event_id, tombstones, secret))
    if not erased:
        return ErasedFile(result.staged, result.quarantined, 0)

    def is_erased(frame: pl.DataFrame) -> pl.Series:
        return pl.Series(
            [(sheet, row) in erased for sheet, row in zip(frame["source_sheet"], frame["source_row"])], dtype=pl.Boolean
        )

    staged_hit = is_erased(result.staged)
    quarantined_hit = is_erased(result.quarantined)
    tombstoned = pl.concat(
        [
            result.staged.filter(staged_hit).select(
                "event_id", "source_file", "source_sheet", "source_row", "file_hash",
                pl.lit("would be staged").alias("was"),
            ),
            result.quarantined.filter(quarantined_hit).select(
                "event_id", "source_file", "source_sheet", "source_row", "file_hash",
                ("was quarantined as " + pl.col("reason_code")).alias("was"),
            ),
        ]
    )
    erased_rows = tombstoned.select(
        "event_id", "source_file", "source_sheet", "source_row", "file_hash",
        pl.lit(ERASED_REASON).alias("reason_code"),
        ("matches an erasure tombstone (" + pl.col("was") + "); its values are not kept").alias("reason_detail"),
        pl.lit(None, dtype=pl.String).alias("raw_record"),
    ).cast(QUARANTINE_SCHEMA)
    quarantined = pl.concat([result.quarantined.filter(~quarantined_hit), erased_rows])
    return ErasedFile(result.staged.filter(~staged_hit), quarantined, len(erased))


# --------------------------------------------------------------------------------------
# Purging raw files
# --------------------------------------------------------------------------------------


class PurgeRefused(Exception):
    """A file cannot be rewritten safely; the message says why and what to do."""


@dataclass(frozen=True)
class PurgedFile:
    source_file: str
    old_sha256: str
    new_sha256: str
    rows_removed: int


def purge_text(data: bytes, encoding: str, delimiter: str, rows: set[int]) -> bytes:
    """The bytes of a delimited text file without the records starting on ``rows``.

    The file is decoded with the encoding the reader used; every kept line is re-encoded to
    exactly its original bytes (checked: the whole file must round-trip first), and the BOM,
    line endings, quoting and an Excel ``sep=`` line stay as they were.
    """
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise PurgeRefused(f"cannot decode it as {encoding} ({exc})") from exc
    if text.encode(encoding) != data:
        raise PurgeRefused(f"its bytes do not round-trip through {encoding}; remove the rows by hand")
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = io.StringIO(text[len(bom):], newline="").readlines()
    head: list[str] = []
    first_line = 1
    if lines and _SEP_LINE.match(lines[0].rstrip("\r\n")):
        head, lines, first_line = lines[:1], lines[1:], 2
    reader = csv.reader(
        io.StringIO("".join(lines).replace("\x00", ""), newline=""), delimiter=delimiter, quotechar='"', doublequote=True
    )
    spans: dict[int, tuple[int, int]] = {}
    previous = 0
    try:
        for _record in reader:
            spans[first_line + previous] = (previous, reader.line_num)
            previous = reader.line_num
    except csv.Error as exc:
        raise PurgeRefused(f"cannot split it into records ({exc})") from exc
    dropped: set[int] = set()
    for row in rows:
        if row not in spans:
            raise PurgeRefused(f"row {row} is not the start of a record")
        start, end = spans[row]
        dropped.update(range(start, end))
    kept = [line for index, line in enumerate(lines) if index not in dropped]
    return (bom + "".join(head + kept)).encode(encoding)


def purge_xlsx(data: bytes, rows: set[tuple[str | None, int]]) -> bytes:
    """The workbook without the given (sheet, row) rows; rows below move up, merged ranges with them."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise PurgeRefused(f"openpyxl cannot open the workbook ({type(exc).__name__}: {exc})") from exc
    by_sheet: dict[str | None, list[int]] = {}
    for sheet, row in rows:
        by_sheet.setdefault(sheet, []).append(row)
    for sheet, numbers in by_sheet.items():
        if sheet not in workbook.sheetnames:
            raise PurgeRefused(f"sheet {sheet!r} not found")
        worksheet = workbook[sheet]
        for number in sorted(set(numbers), reverse=True):
            ranges = list(worksheet.merged_cells.ranges)
            if any(r.min_row <= number <= r.max_row for r in ranges):
                raise PurgeRefused(f"row {number} of sheet {sheet!r} is part of merged cells; remove it by hand")
            worksheet.delete_rows(number)
            for merged in ranges:
                if merged.min_row > number:
                    merged.shift(row_shift=-1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _content(result: RegistrationFileResult, exclude: set[tuple[str | None, int]]) -> tuple[Counter, Counter]:
    """What a file holds, independent of row positions and file hash: for the after-purge check."""
    ignored = {"registration_id", "source_row", "file_hash", "source_file"}
    staged = Counter(
        tuple((k, str(v)) for k, v in row.items() if k not in ignored)
        for row in result.staged.iter_rows(named=True)
        if (row["source_sheet"], row["source_row"]) not in exclude
    )
    quarantined = Counter(
        (row["source_sheet"], row["reason_code"], row["raw_record"])
        for row in result.quarantined.iter_rows(named=True)
        if (row["source_sheet"], row["source_row"]) not in exclude
    )
    return staged, quarantined


def purge_file(
    path: Path,
    result: RegistrationFileResult,
    rows: set[tuple[str | None, int]],
    event_id: str | None,
    raw_root: Path,
    overrides: Any = None,
) -> PurgedFile:
    """Rewrite one raw file without ``rows``, then re-read it: it must hold exactly the other rows.

    On any doubt the original bytes are put back and :class:`PurgeRefused` is raised.
    """
    manifest = result.file
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest.file_hash:
        raise PurgeRefused("the file changed while it was being read; run the command again")
    if manifest.format in ("csv", "tsv"):
        if manifest.encoding is None or manifest.delimiter is None:
            raise PurgeRefused("its encoding or delimiter is unknown")
        new = purge_text(data, manifest.encoding, manifest.delimiter, {row for _, row in rows})
    elif manifest.format == "xlsx":
        new = purge_xlsx(data, rows)
    else:
        raise PurgeRefused(
            f"a {manifest.format} file cannot be rewritten by the pipeline; open it, delete rows "
            f"{', '.join(str(r) for _, r in sorted(rows, key=lambda x: (x[0] or '', x[1])))} and save it "
            "(or save it as xlsx and run the command again)"
        )
    _write_atomically(path, new)
    try:
        after = read_registration_file(path, event_id, raw_root=raw_root, overrides=overrides)
        expected = _content(result, rows)
        if after.file.rows_read != manifest.rows_read - len(rows) or _content(after, set()) != expected:
            raise PurgeRefused("after rewriting, the other rows did not read back unchanged; the file was restored")
    except PurgeRefused:
        _write_atomically(path, data)
        raise
    except Exception as exc:
        _write_atomically(path, data)
        raise PurgeRefused(f"the rewritten file could not be read back ({exc}); the file was restored") from exc
    return PurgedFile(manifest.source_file, manifest.file_hash, hashlib.sha256(new).hexdigest(), len(rows))


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.erasure-tmp")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


# --------------------------------------------------------------------------------------
# Scanning the raw files for the rows of one request
# --------------------------------------------------------------------------------------


@dataclass
class FileMatch:
    path: Path
    event_id: str
    result: RegistrationFileResult
    rows: list[tuple[str | None, int]]

    @property
    def source_file(self) -> str:
        return self.result.file.source_file


def scan_raw(
    raw_root: Path, tombstones: Tombstones, secret: bytes, event_id: str | None = None
) -> tuple[list[FileMatch], list[str]]:
    """Every registration file (of one event folder when given) with the rows the tombstones match.

    Returns the files with at least one matching row, and the files that could not be read.
    """
    overrides = load_overrides(raw_root)
    matches, unreadable = [], []
    for path, folder in list_registration_files(raw_root):
        if event_id is not None and folder != event_id:
            continue
        try:
            result = read_registration_file(path, folder, raw_root=raw_root, overrides=overrides)
        except RegistrationFileError as error:
            unreadable.append(f"{path.relative_to(raw_root)}: {str(error).splitlines()[0]}")
            continue
        rows = matching_rows(result, folder, tombstones, secret)
        if rows:
            matches.append(FileMatch(path, folder, result, rows))
    return matches, unreadable
