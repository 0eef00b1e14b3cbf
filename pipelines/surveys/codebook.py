"""The survey codebook (a file the user edits) and how one answer cell is read against it.

Two files describe a survey (formats in docs/surveys.md):

* ``codebook.csv`` (or ``.xlsx``): one row per item — ``item_code``, ``dimension``,
  ``text_en``, ``text_ru``, ``scale_min``, ``scale_max``, ``reverse_coded``; optional
  ``text_fi``, ``text_sv`` (more header texts to recognise) and ``label_set``.
* ``scale_labels.csv`` (or ``.xlsx``): the answer labels — ``value``, ``label_en``,
  ``label_ru``, ``label_fi``, ``label_sv``; optional ``label_set`` (default ``default``) and
  ``kind`` (``scale``, ``dont_know`` or ``not_applicable``; default ``scale``).  A label cell
  may list alternatives separated by ``|``.  The ``value`` of a ``dont_know`` /
  ``not_applicable`` row is the numeric code survey tools export for it (may be empty).

Reading one answer cell (:meth:`Codebook.parse_answer`), never coercing:

* a whole number (``4``, ``4.0``, ``"4,0"``) is the "don't know" / "not applicable" code of the
  item's label set, else a scale value if within ``scale_min``..``scale_max`` (``scale_max``
  empty: open-ended count), else ``out_of_range``;
* a number with a fraction (``3.5``) is ``not_a_scale_value``;
* text is looked up among the labels of the item's label set in all four languages,
  case-, accent- and punctuation-insensitively; ``"4 - agree"`` must agree with itself;
  anything else is ``unknown_label``.

A scored answer's score is the value, or ``scale_min + scale_max − value`` for a
reverse-coded item, so a higher score always means a better policy environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.registrations import formats
from pipelines.registrations import vocabulary as vocab
from pipelines.registrations.normalise import cell_text

LANGUAGES = ("en", "ru", "fi", "sv")

# The policy dimensions compared across the Northern Dimension Partnership on Culture countries.
POLICY_DIMENSIONS: dict[str, str] = {
    "strategy": "Strategy",
    "funding": "Funding",
    "internationalisation_export": "Internationalisation and export support",
    "incubators_clusters": "Incubators and clusters",
    "education_skills": "Education and skills",
    "intellectual_property": "Intellectual property",
    "statistics_mapping": "Statistics and mapping",
    "cross_border_cooperation": "Cross-border cooperation",
}
# What the follow-up survey measures; its codebook's `dimension` names one of these per item.
FOLLOWUP_OUTCOMES: dict[str, str] = {
    "new_contacts_abroad": "New contacts abroad (count)",
    "joint_projects_started": "Joint projects started (count)",
    "cooperation_agreements_signed": "Cooperation agreements signed (count)",
    "sales_to_partner_country": "Sales or exports to the partner country (yes/no)",
    "intention_to_continue": "Intention to continue cooperating (yes/no)",
    "satisfaction": "Satisfaction with the project (1–5)",
}
SURVEY_KINDS = {"policy": POLICY_DIMENSIONS, "followup": FOLLOWUP_OUTCOMES}

CODEBOOK_REQUIRED = ("item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max", "reverse_coded")
CODEBOOK_OPTIONAL = ("text_fi", "text_sv", "label_set")
LABELS_REQUIRED = ("value", "label_en", "label_ru", "label_fi", "label_sv")
LABELS_OPTIONAL = ("label_set", "kind")
DEFAULT_LABEL_SET = "default"
LABEL_KINDS = ("scale", "dont_know", "not_applicable")

ANSWER_STATUSES = ("scored", "dont_know", "not_applicable")
QUARANTINE_REASONS = (
    "unknown_item",  # the column names no codebook item (its answers cannot be scored)
    "unknown_label",  # text that is no label of the item's label set in any language
    "out_of_range",  # a whole number outside the item's scale that is no don't-know/not-applicable code
    "not_a_scale_value",  # a number with a fraction
    "unknown_country",  # policy survey: the respondent's country is missing or unknown
    "duplicate_response",  # an earlier row of a respondent id that appears again in the file
)

_ITEM_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_WHOLE = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_FRACTION = re.compile(r"^[+-]?\d*[.,]\d+$")
_NUMBERED_LABEL = re.compile(r"^\s*([+-]?\d+)\s*[-–—=:.)]\s*(\S.*)$")


class CodebookError(ValueError):
    """The codebook or label file cannot be used; the message names the file, row and fix."""


@dataclass(frozen=True)
class LabelSet:
    name: str
    labels: dict[int, dict[str, str]]  # scale value -> {language: label as written}
    codes: dict[str, int | None]  # dont_know / not_applicable -> numeric code (None: label only)
    special_labels: dict[str, dict[str, str]]  # dont_know / not_applicable -> {language: label}
    index: dict[str, tuple[str, int | None, str]]  # folded label -> (kind, value, language)

    def kind_of_code(self, value: int) -> str | None:
        for kind, code in self.codes.items():
            if code is not None and code == value:
                return kind
        return None


@dataclass(frozen=True)
class Item:
    item_code: str
    dimension: str
    texts: dict[str, str]  # language -> question text
    scale_min: int
    scale_max: int | None  # None: an open-ended count
    reverse_coded: bool
    label_set: str

    def score(self, value: int) -> float:
        if self.reverse_coded and self.scale_max is not None:
            return float(self.scale_min + self.scale_max - value)
        return float(value)

    def in_range(self, value: int) -> bool:
        return value >= self.scale_min and (self.scale_max is None or value <= self.scale_max)


@dataclass(frozen=True)
class ParsedAnswer:
    status: str  # scored | dont_know | not_applicable | quarantined
    value: int | None = None
    score: float | None = None
    matched_as: str | None = None  # number | code | label_en | label_ru | label_fi | label_sv
    reason_code: str | None = None
    reason_detail: str | None = None


def fold_label(text: str) -> str:
    """Case-, accent-, punctuation- and whitespace-insensitive form of a label or header."""
    return vocab.fold(text)


@dataclass
class Codebook:
    kind: str  # policy | followup
    items: dict[str, Item]
    label_sets: dict[str, LabelSet]
    source_files: tuple[str, ...] = ()
    _headers: dict[str, str] = field(default_factory=dict, repr=False)  # folded header -> item code

    def __post_init__(self) -> None:
        for item in self.items.values():
            self._headers.setdefault(fold_label(item.item_code), item.item_code)
        for item in self.items.values():
            for language, text in item.texts.items():
                key = fold_label(text)
                owner = self._headers.get(key)
                if owner is not None and owner != item.item_code:
                    raise CodebookError(
                        f"codebook: the {language} text of {item.item_code} is also the text or code of {owner}; "
                        "headers could not tell them apart")
                self._headers[key] = item.item_code

    # ------------------------------------------------------------------ headers

    def item_for_header(self, header: Any) -> str | None:
        """The item a column header names: its code or any of its texts (en, ru, fi, sv).

        Numbering ("3. …", "Q3. …") and a required-answer star are ignored; a header that
        starts with an item code ("STR1. Our region …", "[STR1] …") or ends with a
        bracketed item text (a Google Forms grid: "Please rate … [Our region …]") also counts.
        """
        if header is None:
            return None
        text = cell_text(header).rstrip("* ").strip()
        if not text:
            return None
        text = re.sub(r"^(?:q|в|k|f)?\d{1,3}\s*[.)]\s+", "", text, flags=re.IGNORECASE)
        found = self._headers.get(fold_label(text))
        if found:
            return found
        upper = text.upper().lstrip("[")
        for code in sorted(self.items, key=len, reverse=True):
            rest = upper[len(code):]
            if upper.startswith(code.upper()) and re.match(r"^\]?[\s.:)\-–]+\S", rest):
                return code
        bracket = re.search(r"\[([^\[\]]+)\]\s*$", text)
        if bracket:
            return self._headers.get(fold_label(bracket.group(1)))
        return None

    # ------------------------------------------------------------------ answers

    def parse_answer(self, item_code: str, cell: Any) -> ParsedAnswer:
        """One non-blank answer cell of an item (see the module docstring)."""
        item = self.items[item_code]
        labels = self.label_sets[item.label_set]
        if isinstance(cell, bool):
            return _quarantined("unknown_label", f"a true/false cell ({cell}) is no answer of {item_code}")
        if isinstance(cell, (int, float)):
            if isinstance(cell, float) and not cell.is_integer():
                return _quarantined("not_a_scale_value", f"{cell!r} has a fraction; {item_code} takes whole numbers")
            return self._number(item, labels, int(cell), "number")
        text = cell_text(cell)
        if _WHOLE.match(text):
            return self._number(item, labels, int(float(text.replace(",", "."))), "number")
        if _FRACTION.match(text):
            return _quarantined("not_a_scale_value", f"{text!r} has a fraction; {item_code} takes whole numbers")
        found = labels.index.get(fold_label(text))
        numbered = _NUMBERED_LABEL.match(text)
        if found is None and numbered:
            label = labels.index.get(fold_label(numbered.group(2)))
            number = int(numbered.group(1))
            if label is None:
                return _quarantined("unknown_label", f"{text!r}: {numbered.group(2)!r} is no label of set "
                                                     f"{labels.name!r} ({item_code})")
            kind, value, _language = label
            if (kind == "scale" and value != number) or (kind != "scale" and labels.codes.get(kind) not in (None, number)):
                return _quarantined("unknown_label", f"{text!r}: the number and the label disagree ({item_code})")
            found = label
        if found is None:
            return _quarantined("unknown_label", f"{text!r} is no label of set {labels.name!r} in "
                                                 f"{', '.join(LANGUAGES)} ({item_code})")
        kind, value, language = found
        if kind != "scale":
            return ParsedAnswer(kind, matched_as=f"label_{language}")
        return ParsedAnswer("scored", value=value, score=item.score(value), matched_as=f"label_{language}")

    def _number(self, item: Item, labels: LabelSet, value: int, matched_as: str) -> ParsedAnswer:
        special = labels.kind_of_code(value)
        if special:
            return ParsedAnswer(special, value=value, matched_as="code")
        if not item.in_range(value):
            upper = "" if item.scale_max is None else str(item.scale_max)
            return _quarantined("out_of_range", f"{value} is outside {item.scale_min}..{upper} of {item.item_code} "
                                                f"and no don't-know/not-applicable code")
        return ParsedAnswer("scored", value=value, score=item.score(value), matched_as=matched_as)

    # ------------------------------------------------------------------ tables

    def items_frame(self) -> pl.DataFrame:
        dimension_names = SURVEY_KINDS[self.kind]
        return pl.DataFrame(
            [
                {
                    "item_code": item.item_code,
                    "dimension": item.dimension,
                    "dimension_name": dimension_names[item.dimension],
                    **{f"text_{lang}": item.texts.get(lang) for lang in LANGUAGES},
                    "scale_min": item.scale_min,
                    "scale_max": item.scale_max,
                    "reverse_coded": item.reverse_coded,
                    "label_set": item.label_set,
                    "dont_know_code": self.label_sets[item.label_set].codes.get("dont_know"),
                    "not_applicable_code": self.label_sets[item.label_set].codes.get("not_applicable"),
                }
                for item in self.items.values()
            ],
            schema={"item_code": pl.String, "dimension": pl.String, "dimension_name": pl.String,
                    **{f"text_{lang}": pl.String for lang in LANGUAGES}, "scale_min": pl.Int64,
                    "scale_max": pl.Int64, "reverse_coded": pl.Boolean, "label_set": pl.String,
                    "dont_know_code": pl.Int64, "not_applicable_code": pl.Int64},
        )

    def labels_frame(self) -> pl.DataFrame:
        rows = []
        for labels in self.label_sets.values():
            for value, by_language in labels.labels.items():
                rows.append({"label_set": labels.name, "kind": "scale", "value": value,
                             **{f"label_{lang}": by_language.get(lang) for lang in LANGUAGES}})
            for kind, by_language in labels.special_labels.items():
                rows.append({"label_set": labels.name, "kind": kind, "value": labels.codes.get(kind),
                             **{f"label_{lang}": by_language.get(lang) for lang in LANGUAGES}})
        return pl.DataFrame(rows, schema={"label_set": pl.String, "kind": pl.String, "value": pl.Int64,
                                          **{f"label_{lang}": pl.String for lang in LANGUAGES}})


def _quarantined(reason: str, detail: str) -> ParsedAnswer:
    return ParsedAnswer("quarantined", reason_code=reason, reason_detail=detail)


# ---------------------------------------------------------------------------------- reading


def read_user_table(path: Path, known: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and data rows of a small CSV/XLSX table the user edits (any encoding, `,` or `;`)."""
    def score(cells: list[Any]) -> int:
        return sum(1 for c in cells if cell_text(c).strip().lower() in known)

    try:
        loaded = formats.load_file(path.read_bytes(), score)
    except formats.FormatError as error:
        raise CodebookError(f"{path.name}: {error}") from error
    rows = [r for table in loaded.tables[:1] for r in table.rows]
    header_index = next((i for i, r in enumerate(rows[:10]) if score(r.cells) >= 2), None)
    if header_index is None:
        raise CodebookError(f"{path.name}: no header row naming the columns {', '.join(known)}")
    header = [cell_text(c).strip().lower() for c in rows[header_index].cells]
    data = []
    for row in rows[header_index + 1:]:
        cells = {name: cell_text(value) for name, value in zip(header, row.cells) if name}
        if any(cells.values()):
            data.append((row.number, cells))
    return header, data


def _require_columns(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise CodebookError(f"{path.name}: missing columns {missing}; found {[h for h in header if h]}")


def _integer(path: Path, row: int, column: str, text: str, *, allow_empty: bool = False) -> int | None:
    if not text.strip():
        if allow_empty:
            return None
        raise CodebookError(f"{path.name} row {row}: {column} is empty")
    if not _WHOLE.match(text.strip()):
        raise CodebookError(f"{path.name} row {row}: {column} {text!r} is not a whole number")
    return int(float(text.strip().replace(",", ".")))


def read_label_sets(path: Path) -> dict[str, LabelSet]:
    header, rows = read_user_table(path, LABELS_REQUIRED + LABELS_OPTIONAL)
    _require_columns(path, header, LABELS_REQUIRED)
    drafts: dict[str, dict] = {}
    for number, cells in rows:
        name = cells.get("label_set", "").strip() or DEFAULT_LABEL_SET
        kind = (cells.get("kind", "").strip().lower() or "scale").replace(" ", "_").replace("'", "")
        kind = {"dk": "dont_know", "na": "not_applicable", "n_a": "not_applicable"}.get(kind, kind)
        if kind not in LABEL_KINDS:
            raise CodebookError(f"{path.name} row {number}: kind {cells.get('kind')!r} is not one of {LABEL_KINDS}")
        value = _integer(path, number, "value", cells.get("value", ""), allow_empty=kind != "scale")
        draft = drafts.setdefault(name, {"labels": {}, "codes": {}, "special": {}, "index": {}})
        by_language = {lang: cells.get(f"label_{lang}", "").strip() for lang in LANGUAGES}
        by_language = {lang: text for lang, text in by_language.items() if text}
        if not by_language:
            raise CodebookError(f"{path.name} row {number}: no label in any language")
        if kind == "scale":
            if value in draft["labels"]:
                raise CodebookError(f"{path.name} row {number}: value {value} of set {name!r} is labelled twice")
            draft["labels"][value] = by_language
        else:
            if kind in draft["codes"]:
                raise CodebookError(f"{path.name} row {number}: set {name!r} has two {kind} rows")
            draft["codes"][kind] = value
            draft["special"][kind] = by_language
        for language, text in by_language.items():
            for alternative in (t.strip() for t in text.split("|")):
                key = fold_label(alternative)
                if not key:
                    continue
                previous = draft["index"].get(key)
                if previous is not None and previous[:2] != (kind, value):
                    raise CodebookError(
                        f"{path.name} row {number}: label {alternative!r} of set {name!r} already means "
                        f"{previous[0]} {previous[1]}; answers written with it would be ambiguous")
                draft["index"].setdefault(key, (kind, value if kind == "scale" else None, language))
    sets = {}
    for name, draft in drafts.items():
        codes = {kind: draft["codes"].get(kind) for kind in ("dont_know", "not_applicable") if kind in draft["codes"]}
        if len({c for c in codes.values() if c is not None}) < len([c for c in codes.values() if c is not None]):
            raise CodebookError(f"{path.name}: set {name!r} uses one code for don't know and not applicable")
        sets[name] = LabelSet(name, draft["labels"], codes, draft["special"], draft["index"])
    if not sets:
        raise CodebookError(f"{path.name}: no labels")
    return sets


def read_codebook(codebook_path: Path, labels_path: Path, kind: str) -> Codebook:
    """Read and validate a survey's codebook and answer labels; :class:`CodebookError` says what to fix."""
    if kind not in SURVEY_KINDS:
        raise ValueError(f"survey kind must be one of {sorted(SURVEY_KINDS)}")
    for path in (codebook_path, labels_path):
        if not path.exists():
            raise CodebookError(f"{path} is missing: a {kind} survey needs its codebook and answer labels "
                                "(see docs/surveys.md)")
    label_sets = read_label_sets(labels_path)
    header, rows = read_user_table(codebook_path, CODEBOOK_REQUIRED + CODEBOOK_OPTIONAL)
    _require_columns(codebook_path, header, CODEBOOK_REQUIRED)
    dimensions = SURVEY_KINDS[kind]
    name = codebook_path.name
    items: dict[str, Item] = {}
    for number, cells in rows:
        code = cells.get("item_code", "").strip()
        if not _ITEM_CODE.match(code):
            raise CodebookError(f"{name} row {number}: item_code {code!r} must start with a letter and hold "
                                "letters, digits, '_', '.' or '-'")
        if code.upper() in {c.upper() for c in items}:
            raise CodebookError(f"{name} row {number}: item_code {code!r} appears twice")
        dimension = cells.get("dimension", "").strip().lower()
        if dimension not in dimensions:
            raise CodebookError(f"{name} row {number}: dimension {cells.get('dimension')!r} of {code} is not one of "
                                f"{list(dimensions)}")
        scale_min = _integer(codebook_path, number, "scale_min", cells.get("scale_min", ""))
        scale_max = _integer(codebook_path, number, "scale_max", cells.get("scale_max", ""), allow_empty=True)
        if scale_max is not None and scale_max <= scale_min:
            raise CodebookError(f"{name} row {number}: scale_max {scale_max} of {code} is not above scale_min {scale_min}")
        reverse_text = cells.get("reverse_coded", "").strip()
        reverse = vocab.yes_no(reverse_text) if reverse_text else False
        if reverse is None:
            raise CodebookError(f"{name} row {number}: reverse_coded {reverse_text!r} of {code} is not true/false")
        if reverse and scale_max is None:
            raise CodebookError(f"{name} row {number}: {code} is reverse coded but has no scale_max")
        label_set = cells.get("label_set", "").strip() or (
            DEFAULT_LABEL_SET if DEFAULT_LABEL_SET in label_sets or len(label_sets) != 1 else next(iter(label_sets)))
        if label_set not in label_sets:
            raise CodebookError(f"{name} row {number}: label_set {label_set!r} of {code} is not in "
                                f"{labels_path.name} (sets: {sorted(label_sets)})")
        labels = label_sets[label_set]
        for value in labels.labels:
            if value < scale_min or (scale_max is not None and value > scale_max):
                raise CodebookError(f"{labels_path.name}: set {label_set!r} labels value {value}, outside the scale "
                                    f"{scale_min}..{scale_max if scale_max is not None else ''} of {code}")
        for special, code_value in labels.codes.items():
            if code_value is not None and code_value >= scale_min and (scale_max is None or code_value <= scale_max):
                raise CodebookError(f"{labels_path.name}: the {special} code {code_value} of set {label_set!r} lies "
                                    f"inside the scale of {code}; a number could not be told from a score")
        texts = {lang: cells.get(f"text_{lang}", "").strip() for lang in LANGUAGES}
        if not texts["en"]:
            raise CodebookError(f"{name} row {number}: {code} has no text_en")
        items[code] = Item(code, dimension, {k: v for k, v in texts.items() if v}, scale_min, scale_max,
                           bool(reverse), label_set)
    if not items:
        raise CodebookError(f"{name}: no items")
    if kind == "policy":
        scales: dict[str, set] = {}
        for item in items.values():
            scales.setdefault(item.dimension, set()).add((item.scale_min, item.scale_max))
        mixed = {d: s for d, s in scales.items() if len(s) > 1}
        if mixed:
            raise CodebookError(f"{name}: the items of a dimension must share one scale (their scores are averaged); "
                                f"mixed: {mixed}")
    else:
        per_outcome: dict[str, list[str]] = {}
        for item in items.values():
            per_outcome.setdefault(item.dimension, []).append(item.item_code)
        doubled = {d: codes for d, codes in per_outcome.items() if len(codes) > 1}
        if doubled:
            raise CodebookError(f"{name}: each outcome is measured by one item; several: {doubled}")
    return Codebook(kind, items, label_sets, (codebook_path.name, labels_path.name))


def find_table(folder: Path, stem: str) -> Path:
    """``<stem>.csv`` or ``<stem>.xlsx`` in a survey folder (the CSV when both exist)."""
    for suffix in (".csv", ".xlsx"):
        if (folder / f"{stem}{suffix}").exists():
            return folder / f"{stem}{suffix}"
    return folder / f"{stem}.csv"
