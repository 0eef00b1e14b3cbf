"""Wide survey exports → one row per response, one row per answer, quarantine and a file manifest.

A response file is what survey tools export: CSV (any encoding, `,` `;` or tab) or XLSX, one
row per response and one column per item.  Column headers are recognised, in order, as

1. an item of the codebook: its code or its question text in English, Russian, Finnish or
   Swedish (see :meth:`Codebook.item_for_header`);
2. a respondent field: respondent id, submission date, country, role, organisation type, and
   for the follow-up survey e-mail, names, organisation, phone (the registration readers'
   header synonyms in any supported language, plus the survey-tool words below);
3. survey-tool metadata that is no answer (IP address, start time, duration, language …):
   ignored, and listed in the file manifest;
4. anything else is an item missing from the codebook: each of its non-blank cells is
   quarantined as ``unknown_item``.

Every non-blank answer cell lands in exactly one place: ``answers`` (scored, don't know, not
applicable) or ``quarantined`` (with a reason code), so for every file
``answers_read = answers_scored + answers_dont_know + answers_not_applicable + answers_quarantined``.
Blank cells are item non-response and are only counted (``answers_blank``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.registrations import formats
from pipelines.registrations import vocabulary as vocab
from pipelines.registrations.normalise import cell_text, organisation_type, parse_date
from pipelines.surveys.codebook import Codebook, fold_label

RESPONDENT_FIELDS = (
    "respondent_id", "submitted", "country", "role", "organisation_type",
    "email", "first_name", "last_name", "patronymic", "full_name", "organisation", "phone",
)
# Registration fields that mean the same for a respondent (the rest, e.g. city or sex, is ignored).
_REGISTRATION_FIELDS = {
    "registered_on": "submitted", "country": "country", "organisation_type": "organisation_type",
    "email": "email", "first_name": "first_name", "last_name": "last_name", "patronymic": "patronymic",
    "full_name": "full_name", "organisation": "organisation", "phone": "phone",
}
_SURVEY_HEADERS: dict[str, tuple[str, ...]] = {
    "respondent_id": (
        "respondent_id", "respondent id", "respondent", "respondent no", "response id", "response no",
        "response number", "id", "№", "nr", "номер ответа", "id ответа", "ответ", "респондент", "номер анкеты",
        "vastaaja", "vastaajan tunnus", "vastaus id", "vastauksen tunnus", "svarande", "svars id", "svarsnummer",
    ),
    "submitted": (
        "submitted", "submitted at", "submitted on", "completed", "completed at", "end date", "end time",
        "date submitted", "response date", "дата заполнения", "дата ответа", "время ответа", "время окончания",
        "vastattu", "vastausaika", "vastauspäivä", "lähetetty", "inskickad", "svarsdatum", "besvarad", "sluttid",
    ),
    "role": (
        "role", "your role", "position", "job title", "должность", "роль", "ваша роль", "ваша должность",
        "tehtävä", "asema", "rooli", "titteli", "roll", "befattning", "titel", "din roll",
    ),
}
_IGNORED_HEADERS = frozenset(fold_label(h) for h in (
    "ip address", "ip", "user agent", "browser", "start date", "started", "start time", "started at", "language",
    "survey language", "duration", "duration in seconds", "time taken", "status", "progress", "finished",
    "recorded date", "collector id", "collector", "source", "device", "comments", "comment",
    "время начала", "начало", "язык", "язык анкеты", "длительность", "статус", "комментарий", "ip адрес",
    "kieli", "aloitusaika", "kesto", "tila", "kommentti", "aloitettu", "språk", "starttid", "varaktighet",
    "kommentar", "påbörjad",
))
_SURVEY_INDEX = {fold_label(name): field for field, names in _SURVEY_HEADERS.items() for name in names}

RESPONSE_SCHEMA = {
    "response_id": pl.String, "respondent_id": pl.String, "source_file": pl.String, "source_sheet": pl.String,
    "source_row": pl.Int64, "file_hash": pl.String, "submitted_on": pl.Date, "submitted_raw": pl.String,
    "country_raw": pl.String, "country_code": pl.String, "role": pl.String, "organisation_type": pl.String,
    "email": pl.String, "first_name": pl.String, "last_name": pl.String, "patronymic": pl.String,
    "full_name": pl.String, "organisation": pl.String, "phone": pl.String, "response_status": pl.String,
}
ANSWER_SCHEMA = {
    "response_id": pl.String, "item_code": pl.String, "column_header": pl.String, "answer_raw": pl.String,
    "answer_status": pl.String, "answer_value": pl.Int64, "score": pl.Float64, "matched_as": pl.String,
    "source_file": pl.String, "source_row": pl.Int64, "file_hash": pl.String,
}
QUARANTINE_SCHEMA = {
    "response_id": pl.String, "item_code": pl.String, "column_header": pl.String, "answer_raw": pl.String,
    "reason_code": pl.String, "reason_detail": pl.String, "source_file": pl.String, "source_sheet": pl.String,
    "source_row": pl.Int64, "file_hash": pl.String,
}
FILE_SCHEMA = {
    "source_file": pl.String, "file_hash": pl.String, "file_format": pl.String, "encoding": pl.String,
    "source_sheet": pl.String, "status": pl.String, "error": pl.String, "responses": pl.Int64,
    "answers_read": pl.Int64, "answers_scored": pl.Int64, "answers_dont_know": pl.Int64,
    "answers_not_applicable": pl.Int64, "answers_quarantined": pl.Int64, "answers_blank": pl.Int64,
    "item_columns": pl.Int64, "unknown_columns": pl.String, "ignored_columns": pl.String,
}


class SurveyFileError(ValueError):
    """A response file that cannot be read as a survey export (the message says why)."""


@dataclass
class SurveyFileResult:
    responses: pl.DataFrame  # RESPONSE_SCHEMA, one row per response row (personal data: raw layer only)
    answers: pl.DataFrame  # ANSWER_SCHEMA, one row per accepted non-blank answer
    quarantined: pl.DataFrame  # QUARANTINE_SCHEMA, one row per rejected non-blank answer
    file: dict  # FILE_SCHEMA


@dataclass(frozen=True)
class _Column:
    index: int
    header: str
    role: str  # item | respondent | ignored | unknown
    name: str | None  # item code or respondent field


def classify_header(codebook: Codebook, header: Any) -> tuple[str, str | None]:
    """(role, name) of a column header: item, respondent field, ignored metadata or unknown."""
    text = cell_text(header)
    if not text:
        return "unknown", None  # answers under no header cannot be scored either
    item = codebook.item_for_header(text)
    if item:
        return "item", item
    key = fold_label(text)
    if key in _SURVEY_INDEX:
        return "respondent", _SURVEY_INDEX[key]
    matched = vocab.match_header(text)
    if matched and matched[1] <= vocab.RANK_SECONDARY:
        field = _REGISTRATION_FIELDS.get(matched[0])
        return ("respondent", field) if field else ("ignored", None)
    if key in _IGNORED_HEADERS:
        return "ignored", None
    return "unknown", None


def _header_score(codebook: Codebook, cells: list[Any]) -> tuple[int, int]:
    roles = [classify_header(codebook, c)[0] for c in cells if cell_text(c)]
    return roles.count("item"), roles.count("respondent")


def _find_header(codebook: Codebook, tables: list[formats.RawTable]) -> tuple[formats.RawTable, int]:
    best: tuple[tuple[int, int], formats.RawTable, int] | None = None
    for table in tables:
        for position, row in enumerate(table.rows[:10]):
            score = _header_score(codebook, row.cells)
            if score[0] and (best is None or score > best[0]):
                best = (score, table, position)
    if best is None:
        raise SurveyFileError("no column header names an item of the codebook (by item code or by question "
                              "text in English, Russian, Finnish or Swedish)")
    return best[1], best[2]


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


def _text(value: Any) -> str | None:
    return None if _is_blank(value) else cell_text(value)


def read_survey_file(path: Path, codebook: Codebook, *, raw_root: Path | None = None,
                     require_country: bool = False) -> SurveyFileResult:
    """Read one response export against a codebook (see the module docstring).

    ``require_country``: answers of a response whose country is missing or unknown are
    quarantined (``unknown_country``): the policy survey compares countries.
    """
    data = path.read_bytes()
    file_hash = hashlib.sha256(data).hexdigest()
    source_file = str(path.relative_to(raw_root)) if raw_root else path.name
    try:
        loaded = formats.load_file(data, lambda cells: sum(_header_score(codebook, cells)))
    except formats.FormatError as error:
        raise SurveyFileError(f"{source_file}: {error}") from error
    try:
        table, position = _find_header(codebook, loaded.tables)
    except SurveyFileError as error:
        raise SurveyFileError(f"{source_file}: {error}") from error
    header_row = table.rows[position]
    columns = []
    for index, cell in enumerate(header_row.cells):
        role, name = classify_header(codebook, cell)
        columns.append(_Column(index, cell_text(cell) or f"(column {index + 1} without header)", role, name))
    items_seen = [c.name for c in columns if c.role == "item"]
    doubled = sorted({c for c in items_seen if items_seen.count(c) > 1})
    if doubled:
        raise SurveyFileError(f"{source_file}: items {doubled} appear in more than one column")
    data_rows = [r for r in table.rows[position + 1:] if any(not _is_blank(c) for c in r.cells)]
    if not data_rows:
        raise SurveyFileError(f"{source_file}: no responses under the header (row {header_row.number})")
    id_prefix = file_hash[:16]

    responses, answers, quarantined = [], [], []
    counts = {"scored": 0, "dont_know": 0, "not_applicable": 0, "quarantined": 0, "blank": 0}
    respondent_ids = []
    for row in data_rows:
        values = {c.name: (row.cells[c.index] if c.index < len(row.cells) else None)
                  for c in columns if c.role == "respondent"}
        respondent_ids.append(_text(values.get("respondent_id")))
    last_row_of = {rid: i for i, rid in enumerate(respondent_ids) if rid is not None}

    for position_in_file, row in enumerate(data_rows):
        cells = row.cells
        response_id = f"{id_prefix}:{row.number}"
        fields = {c.name: (cells[c.index] if c.index < len(cells) else None) for c in columns if c.role == "respondent"}
        respondent_id = respondent_ids[position_in_file]
        country_raw = _text(fields.get("country"))
        country = vocab.country_code(country_raw) if country_raw else None
        submitted_raw = _text(fields.get("submitted"))
        try:
            submitted = parse_date(fields.get("submitted")) if submitted_raw else None
        except ValueError:
            submitted = None
        org_type_raw = _text(fields.get("organisation_type"))
        status = "accepted"
        if respondent_id is not None and last_row_of[respondent_id] != position_in_file:
            status = "duplicate_response"
        elif require_country and country is None:
            status = "unknown_country"
        responses.append({
            "response_id": response_id, "respondent_id": respondent_id, "source_file": source_file,
            "source_sheet": table.sheet, "source_row": row.number, "file_hash": file_hash,
            "submitted_on": submitted, "submitted_raw": submitted_raw, "country_raw": country_raw,
            "country_code": country, "role": _text(fields.get("role")),
            "organisation_type": organisation_type(org_type_raw, None)[0] if org_type_raw else None,
            **{name: _text(fields.get(name)) for name in
               ("email", "first_name", "last_name", "patronymic", "full_name", "organisation", "phone")},
            "response_status": status,
        })
        for column in columns:
            if column.role not in ("item", "unknown"):
                continue
            cell = cells[column.index] if column.index < len(cells) else None
            if _is_blank(cell):
                counts["blank"] += column.role == "item"
                continue
            raw = cell_text(cell)
            lineage = {"source_file": source_file, "source_row": row.number, "file_hash": file_hash}
            base = {"response_id": response_id, "item_code": column.name, "column_header": column.header,
                    "answer_raw": raw}
            if status == "duplicate_response":
                reason = ("duplicate_response", f"respondent {respondent_id!r} answers again further down the file "
                                                 f"(row {data_rows[last_row_of[respondent_id]].number}); the last response counts")
            elif status == "unknown_country":
                reason = ("unknown_country", f"country {country_raw!r} is unknown" if country_raw else "no country given")
            elif column.role == "unknown":
                reason = ("unknown_item", f"column {column.header!r} names no item of the codebook")
            else:
                parsed = codebook.parse_answer(column.name, cell)
                if parsed.status != "quarantined":
                    counts[parsed.status] += 1
                    answers.append({**base, "answer_status": parsed.status, "answer_value": parsed.value,
                                    "score": parsed.score, "matched_as": parsed.matched_as, **lineage})
                    continue
                reason = (parsed.reason_code, parsed.reason_detail)
            counts["quarantined"] += 1
            quarantined.append({**base, "reason_code": reason[0], "reason_detail": reason[1],
                                "source_sheet": table.sheet, **lineage})

    file = {
        "source_file": source_file, "file_hash": file_hash, "file_format": loaded.format,
        "encoding": loaded.encoding, "source_sheet": table.sheet, "status": "loaded", "error": None,
        "responses": len(responses),
        "answers_read": counts["scored"] + counts["dont_know"] + counts["not_applicable"] + counts["quarantined"],
        "answers_scored": counts["scored"], "answers_dont_know": counts["dont_know"],
        "answers_not_applicable": counts["not_applicable"], "answers_quarantined": counts["quarantined"],
        "answers_blank": counts["blank"], "item_columns": len(items_seen),
        "unknown_columns": "; ".join(c.header for c in columns if c.role == "unknown") or None,
        "ignored_columns": "; ".join(c.header for c in columns if c.role == "ignored" and c.header) or None,
    }
    return SurveyFileResult(
        responses=pl.DataFrame(responses, schema=RESPONSE_SCHEMA),
        answers=pl.DataFrame(answers, schema=ANSWER_SCHEMA),
        quarantined=pl.DataFrame(quarantined, schema=QUARANTINE_SCHEMA),
        file=file,
    )


def failed_file(path: Path, raw_root: Path, error: str) -> dict:
    """The manifest row of a file that could not be read (the other files still load)."""
    return {
        "source_file": str(path.relative_to(raw_root)), "file_hash": hashlib.sha256(path.read_bytes()).hexdigest()
        if path.exists() else None, "file_format": path.suffix.lower().lstrip("."), "encoding": None,
        "source_sheet": None, "status": "failed", "error": error, "responses": 0, "answers_read": 0,
        "answers_scored": 0, "answers_dont_know": 0, "answers_not_applicable": 0, "answers_quarantined": 0,
        "answers_blank": 0, "item_columns": 0, "unknown_columns": None, "ignored_columns": None,
    }


@dataclass
class SurveyResults:
    """Every response file of one survey kind, concatenated."""

    responses: pl.DataFrame
    answers: pl.DataFrame
    quarantined: pl.DataFrame
    files: pl.DataFrame


def combine(results: list[SurveyFileResult], failed: list[dict]) -> SurveyResults:
    return SurveyResults(
        responses=pl.concat([r.responses for r in results] or [pl.DataFrame(schema=RESPONSE_SCHEMA)]),
        answers=pl.concat([r.answers for r in results] or [pl.DataFrame(schema=ANSWER_SCHEMA)]),
        quarantined=pl.concat([r.quarantined for r in results] or [pl.DataFrame(schema=QUARANTINE_SCHEMA)]),
        files=pl.DataFrame([r.file for r in results] + failed, schema=FILE_SCHEMA),
    )
