"""Rosstat regional tables (.xls, .xlsx) and fedstat (EMISS) CSV exports.

Rosstat tables are made for people: title and unit rows, a header row of years
(«1998г.», «2010 год»), sometimes a year written once per block with the period labels
in the next row («I квартал», «январь-июнь», «январь-сентябрь», «январь-декабрь»),
region names in the first column with footnote digits glued on («Российская Федерация
2»), nested «в том числе» rows, «…» for missing, float noise from Excel
(``356433.80000000005``) and free-text footnotes at the bottom. fedstat CSV exports have
title rows, a row of years, a row of dates («на 1 октября»), left-padded region names and
an activity column whose hierarchy is written as leading-space indentation.

Decisions (the tidy shape is described in :mod:`pipelines.statistics.tidy`):

* **Regions** are mapped with :func:`pipelines.statistics.regions.match_russian_region`;
  nested okrug rows get distinct codes (``RU-ARK+NEN``, ``RU-ARK``, ``RU-NEN``), so no
  sum over ``level == "federal_subject"`` counts an okrug twice. A row label that maps to
  no region is an error that names the label (better than loading it under a wrong code).
* **Periods** are the span of time a value covers, in the shortest tidy notation:
  «январь-декабрь» or a bare year → ``2015``; «I квартал» = «январь-март» → ``2015Q1``;
  «январь-июнь» → ``2015S1``; «январь-сентябрь» → ``2015-01/2015-09`` (ISO 8601 interval);
  a month → ``2015-03``; a stock date «на 1 октября» → ``2015-10-01``. So the year-to-date
  columns of one year read ``2015Q1, 2015S1, 2015-01/2015-09, 2015``.
* **Values**: numbers are rounded to 10 significant digits (Excel float noise); «…», «...»
  and empty cells are "no data" and give no row (``keep_missing=True`` keeps them as
  null); «-» (Rosstat: "no such phenomenon") is kept as null with flag ``-`` rather than
  invented as 0; «x» (confidential) is null with flag ``c``.
* Footnote digits on labels and free-text footnote rows are dropped.
* fedstat **activity** hierarchy: ``activity`` holds the name without indentation,
  ``activity_level`` is 1 for the top level (OKVED sections), one more per indentation
  step, and 0 for «Всего…» totals; ``activity_parent`` is the nearest row above with a
  lower level in the same block. The same applies to any indented dimension column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import polars as pl

from pipelines.statistics.detect import FEDSTAT_CSV, ROSSTAT_XLS, ROSSTAT_XLSX, unknown_format
from pipelines.statistics.regions import clean_region_label, match_russian_region
from pipelines.statistics.sources import Source, open_source
from pipelines.statistics.tidy import (
    StatisticsFormatError,
    StatisticsTable,
    dataset_code_from_path,
    finalise,
    span_period,
)

SIGNIFICANT_DIGITS = 10
HEADER_SEARCH_ROWS = 30

Grid = list[list[str | None]]

# --- periods ---------------------------------------------------------------------------

_YEAR = re.compile(r"^((?:19|20)\d{2})(?:\s*(?:г\.?|гг\.?|год[а-я]*))?(?:\s+\d{1,2}\)?)?$")
_YEAR_ANYWHERE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:г\.?|гг\.?|год[а-я]*)?")
_MONTH_STEMS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
_MONTH = (
    r"(январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?"
    r"|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья])"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_LABEL_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(iv|i{1,3}|[1-4])\s*-?\s*(?:й\s+)?квартал$"), "quarter"),
    (re.compile(r"^(ii|i|[12])\s*-?\s*(?:е\s+)?полугодие$"), "half"),
    (re.compile(r"^(\d{1,2})\s+месяц[а-я]*$"), "months"),
    (re.compile(rf"^{_MONTH}\s*-\s*{_MONTH}$"), "span"),
    (re.compile(rf"^{_MONTH}$"), "month"),
    (re.compile(rf"^на\s+(\d{{1,2}})\s+{_MONTH}$"), "date"),
    (re.compile(r"^на\s+начало\s+года$"), "year_start"),
    (re.compile(r"^на\s+конец\s+года$"), "year_end"),
    (re.compile(r"^(?:за\s+)?год$"), "year"),
)


def _month(word: str) -> int:
    return _MONTH_STEMS[word[:3]]


def _normal_text(text: str) -> str:
    text = text.replace("\u00a0", " ").lower().replace("ё", "е")
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    text = re.sub(r"(?:\s+\d{1,2}\)?|\s*\*+\)?)$", "", re.sub(r"\s+", " ", text).strip())
    return text.strip(" .:")


def parse_year(text: str | None) -> int | None:
    """The year of a header cell such as «1998г.», «2010 год », ``2010`` or ``2010.0``."""
    if text is None:
        return None
    match = _YEAR.match(_normal_text(text).removesuffix(".0"))
    return int(match.group(1)) if match else None


def parse_rosstat_period(year: int, label: str | None) -> str | None:
    """The tidy period of a Rosstat column: ``year`` with a period label (or none).

    ``None`` when the label is not a period label this parser knows.
    """
    if label is None or not _normal_text(label):
        return f"{year}"
    text = _normal_text(label)
    for pattern, kind in _LABEL_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        if kind == "quarter":
            quarter = _ROMAN[match.group(1)]
            return span_period(year, 3 * quarter - 2, 3 * quarter)
        if kind == "half":
            half = _ROMAN[match.group(1)]
            return span_period(year, 6 * half - 5, 6 * half)
        if kind == "months":
            return span_period(year, 1, int(match.group(1)))
        if kind == "span":
            return span_period(year, _month(match.group(1)), _month(match.group(2)))
        if kind == "month":
            return span_period(year, _month(match.group(1)), _month(match.group(1)))
        if kind == "date":
            return f"{year}-{_month(match.group(2)):02d}-{int(match.group(1)):02d}"
        if kind == "year_start":
            return f"{year}-01-01"
        if kind == "year_end":
            return f"{year}-12-31"
        return f"{year}"
    return None


def _header_period(year_text: str | None, label: str | None) -> tuple[int | None, str | None]:
    """(year, label) from header cells; a label may carry its own year («январь-март 2015г.»)."""
    year = parse_year(year_text)
    if label is not None and year is None:
        match = _YEAR_ANYWHERE.search(label)
        if match:
            year = int(match.group(1))
            label = (label[: match.start()] + label[match.end() :]).strip() or None
    return year, label


# --- values ----------------------------------------------------------------------------

_NOT_AVAILABLE = ("", "…", "...", "..", ".")
_NO_PHENOMENON = ("-", "–", "—", "−")
_CONFIDENTIAL = ("x", "х", "X", "Х")  # Latin and Cyrillic


def _parse_cells(cell: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(value, flag, unparsed) expressions for Rosstat cell text."""
    text = cell.fill_null("").str.replace_all(r"[\u00a0\u2009\u202f]", " ").str.strip_chars()
    # "1 234,5": spaces only between groups of three digits, so "12.5 1" (a footnote) fails
    grouped = text.str.contains(r"^-?\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
    number_text = pl.when(grouped).then(text.str.replace_all(" ", "", literal=True)).otherwise(text)
    number = number_text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    is_missing = text.is_in(_NOT_AVAILABLE)
    flag = (
        pl.when(text.is_in(_NO_PHENOMENON))
        .then(pl.lit("-"))
        .when(text.is_in(_CONFIDENTIAL))
        .then(pl.lit("c"))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    unparsed = number.is_null() & flag.is_null() & ~is_missing
    return number.round_sig_figs(SIGNIFICANT_DIGITS), flag, unparsed


def _tidy_cells(long: pl.DataFrame, source: Source, keep_missing: bool) -> pl.DataFrame:
    """``cell`` (text) → ``value``/``flag``; raise on text that is no number or marker."""
    value, flag, unparsed = _parse_cells(pl.col("cell"))
    long = long.with_columns(value.alias("value"), flag.alias("flag"), unparsed.alias("_bad"))
    bad = long.filter(pl.col("_bad"))
    if bad.height:
        example = bad.row(0, named=True)
        raise StatisticsFormatError(
            f"{source.path}: {bad.height} cells are neither numbers nor Rosstat markers "
            f"(…, -, x), e.g. {example['cell']!r} in the row {example.get('label')!r}"
            + (f" (row {example['row']})" if "row" in example else "")
        )
    long = long.drop("_bad", "cell")
    if not keep_missing:
        long = long.filter(pl.col("value").is_not_null() | pl.col("flag").is_not_null())
    return long


def _map_regions(labels: pl.Series, source: Source) -> pl.DataFrame:
    """``label → region`` for the unique labels; raise naming labels that match nothing."""
    unique = labels.unique(maintain_order=True).to_list()
    codes = [match_russian_region(label) for label in unique]
    unknown = [clean_region_label(label) for label, code in zip(unique, codes) if code is None]
    if unknown:
        raise StatisticsFormatError(
            f"{source.path}: {len(unknown)} row labels are not Russian regions known to "
            f"pipelines.statistics.regions: {unknown[:8]}"
        )
    schema = {"label": pl.String, "region": pl.String}
    return pl.DataFrame({"label": unique, "region": codes}, schema=schema)


# --- spreadsheets ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    header_row: int
    first_data_row: int
    periods: dict[int, str]  # column → tidy period
    title: str | None
    unit: str | None
    notes: list[str]


_UNIT_TEXT = re.compile(
    r"^\(.*\)$"
    r"|^(?:в\s+)?(?:тыс|млн|млрд|трлн|единиц|человек|процент|рубл|долл|тонн|%|штук|кв\.?\s*м)",
    re.IGNORECASE,
)


def read_rosstat_table(
    path: Path | str | Source,
    *,
    dataset: str | None = None,
    sheet: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read a Rosstat regional table from ``.xls`` (BIFF8) or ``.xlsx``.

    Uses ``sheet`` if given, else the only sheet laid out as a regional table (title rows,
    a header row of years, region names in the first column). ``dataset`` defaults to a
    transliterated slug of the file name.
    """
    source = path if isinstance(path, Source) else open_source(path)
    if source.container == "xls":
        sheets, source_format = _xls_grids(source), ROSSTAT_XLS
    elif source.container == "xlsx":
        sheets, source_format = _xlsx_grids(source), ROSSTAT_XLSX
    else:
        raise unknown_format(source, "a Rosstat table must be an .xls or .xlsx workbook")
    if sheet is not None:
        if sheet not in sheets:
            raise StatisticsFormatError(f"{source.path}: no sheet {sheet!r} among {list(sheets)}")
        sheets = {sheet: sheets[sheet]}
    layouts = {
        name: _layout(grid, where=f"{source.path}, sheet {name!r}") for name, grid in sheets.items()
    }
    tables = {name: layout for name, layout in layouts.items() if layout is not None}
    if not tables:
        raise unknown_format(
            source, "no sheet has a header row of years (e.g. «2010», «1998г.», «2015 год»)"
        )
    if len(tables) > 1:
        raise StatisticsFormatError(
            f"{source.path}: several sheets look like tables {list(tables)}; pass sheet= to choose"
        )
    (sheet_name, layout), = tables.items()
    grid = sheets[sheet_name]

    first = layout.first_data_row
    records = [
        (row_number, row[0], layout.periods[column], row[column])
        for row_number, row in enumerate(grid[first:], start=first + 1)
        if row and row[0] and row[0].strip()
        for column in layout.periods
        if column < len(row) and row[column] is not None and row[column].strip()
    ]
    long = pl.DataFrame(
        records,
        schema={"row": pl.Int64, "label": pl.String, "period": pl.String, "cell": pl.String},
        orient="row",
    )
    long = _tidy_cells(long, source, keep_missing=True)
    regions = _map_regions(long.get_column("label"), source)
    long = long.join(regions, on="label", how="left")
    if not keep_missing:
        long = long.filter(pl.col("value").is_not_null() | pl.col("flag").is_not_null())
    return finalise(
        long.select("region", "period", "value", "flag"),
        dataset=dataset or dataset_code_from_path(source.path),
        source_format=source_format,
        dimensions=[],
        source_path=source.path,
        title=layout.title,
        unit=layout.unit,
        notes=layout.notes,
    )


def _layout(grid: Grid, where: str) -> _Layout | None:
    """Where the header, periods and data of a regional table are; ``None`` if it is not one."""
    for header_row, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        years = {c: parse_year(cell) for c, cell in enumerate(row) if c >= 1}
        if not any(year is not None for year in years.values()):
            continue
        label_row = grid[header_row + 1] if header_row + 1 < len(grid) else []
        has_labels = any(
            c >= 1 and cell and cell.strip() and parse_year(cell) is None
            and parse_rosstat_period(2000, cell) is not None
            for c, cell in enumerate(label_row)
        )  # fmt: skip
        periods: dict[int, str] = {}
        year_in_block: int | None = None
        for column in range(1, max(len(row), len(label_row))):
            year_cell = row[column] if column < len(row) else None
            label = label_row[column] if has_labels and column < len(label_row) else None
            label = label if label and label.strip() else None
            year, label = _header_period(year_cell, label)
            if year is not None:
                year_in_block = year
            elif has_labels and label is not None:
                year = year_in_block  # the year is written once per block
            if year is None:
                continue
            period = parse_rosstat_period(year, label)
            if period is None:
                raise StatisticsFormatError(
                    f"{where}: unknown period label {label!r} in column {column + 1} (year {year})"
                )
            periods[column] = period
        texts = [
            cell.strip() for line in grid[:header_row] for cell in line if cell and cell.strip()
        ]
        notes = [text for text in texts if text.lower().startswith("обновлено")]
        rest = [text for text in texts if text not in notes]
        unit = next((text for text in rest if _UNIT_TEXT.match(text)), None)
        title = next((text for text in rest if text != unit), None)
        return _Layout(
            header_row=header_row,
            first_data_row=header_row + (2 if has_labels else 1),
            periods=periods,
            title=clean_region_label(title) if title else None,
            unit=unit.strip("() ") if unit else None,
            notes=notes,
        )
    return None


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def _xls_grids(source: Source) -> dict[str, Grid]:
    import xlrd  # spreadsheet libraries load when a spreadsheet is read, not at start-up

    try:
        book = xlrd.open_workbook(file_contents=source.read_bytes(), on_demand=True)
    except xlrd.XLRDError as error:
        raise unknown_format(source, f"xlrd cannot open it ({error})") from error
    grids: dict[str, Grid] = {}
    for sheet in book.sheets():
        grids[sheet.name] = [
            [
                _cell_text(sheet.cell_value(r, c))
                if sheet.cell_type(r, c) in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER)
                else None
                for c in range(sheet.ncols)
            ]
            for r in range(sheet.nrows)
        ]
    return grids


def _xlsx_grids(source: Source) -> dict[str, Grid]:
    content = source.read_bytes()
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(content), data_only=False, read_only=True)
    grids: dict[str, Grid] = {}
    for name in values.sheetnames:
        value_rows = list(values[name].iter_rows(values_only=True))
        formula_rows = list(formulas[name].iter_rows(values_only=True))
        uncached = [
            (r + 1, c + 1)
            for r, (value_row, formula_row) in enumerate(zip(value_rows, formula_rows))
            for c, (value, formula) in enumerate(zip(value_row, formula_row))
            if value is None and isinstance(formula, str) and formula.startswith("=")
        ]
        if uncached:
            raise StatisticsFormatError(
                f"{source.path}: sheet {name!r} has formulas without saved results "
                f"(row, column) {uncached[:5]}; open and save it in a spreadsheet program"
            )
        grids[name] = [[_cell_text(value) for value in row] for row in value_rows]
    values.close()
    formulas.close()
    return grids


# --- fedstat CSV -----------------------------------------------------------------------

_DIMENSION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("ownership", r"собственност"),
    ("activity", r"деятельност|производств|торговл|хозяйств|окв[эе]д"),
    ("sex", r"^\s*(?:мужчины|женщины|оба пола)\s*$"),
    ("age", r"\bлет\b|возраст"),
)
_TOTAL_LABEL = re.compile(r"^\s*(?:всего|итого)\b", re.IGNORECASE)


def read_fedstat_csv(
    path: Path | str | Source,
    *,
    dataset: str | None = None,
    keep_missing: bool = False,
) -> StatisticsTable:
    """Read a fedstat (EMISS) CSV export: title rows, a row of years, optional date row.

    The columns before the years are dimensions; the one holding region names becomes
    ``region``, the others are named from their content (``ownership``, ``activity``,
    ``sex``, ``age``, else ``dimension_<n>``). An indented column also gets ``<name>_level``
    and ``<name>_parent`` (see the module docstring).
    """
    source = path if isinstance(path, Source) else open_source(path)
    text = source.read_text()
    # The title row may be a single field; size the table by its widest leading row.
    width = max(len(row) for row in csv.reader(text.splitlines()[: HEADER_SEARCH_ROWS + 20]))
    raw = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        has_header=False,
        schema={f"column_{i + 1}": pl.String for i in range(width)},
        missing_columns="insert",
        truncate_ragged_lines=True,
    )
    head = raw.head(HEADER_SEARCH_ROWS).rows()
    year_row, lead = _fedstat_year_row(head)
    if year_row is None:
        raise unknown_format(source, "no fedstat row of years after the title rows")
    below = head[year_row + 1] if year_row + 1 < len(head) else ()
    has_labels = any(
        cell and parse_year(cell) is None and parse_rosstat_period(2000, cell) is not None
        for cell in below[lead:]
    )
    periods: dict[str, str] = {}
    for column in range(lead, raw.width):
        year = parse_year(head[year_row][column])
        if year is None:
            continue
        label = below[column] if has_labels else None
        period = parse_rosstat_period(year, label)
        if period is None:
            raise StatisticsFormatError(f"{source.path}: unknown period label {label!r}")
        periods[raw.columns[column]] = period
    data = raw.slice(year_row + (2 if has_labels else 1)).with_row_index("_row")
    lead_columns = raw.columns[:lead]
    data = data.filter(pl.any_horizontal(pl.col(lead_columns).str.strip_chars() != ""))

    region_column = _region_column(data, lead_columns, source)
    names = _dimension_names(data, [c for c in lead_columns if c != region_column])
    data = data.rename(names)
    dimensions: list[str] = []
    for name in names.values():
        dimensions.append(name)
        if _is_indented(data.get_column(name)):
            block = [n for n in names.values() if n != name] + [region_column]
            data = _add_hierarchy(data, name, block)
            dimensions += [f"{name}_level", f"{name}_parent"]
    data = data.with_columns(pl.col(list(names.values())).str.strip_chars())

    long = data.unpivot(
        index=["_row", region_column, *dimensions],
        on=list(periods),
        variable_name="period",
        value_name="cell",
    ).with_columns(pl.col("period").replace_strict(periods))
    long = _tidy_cells(long.rename({region_column: "label"}), source, keep_missing)
    regions = _map_regions(long.get_column("label"), source)
    long = long.join(regions, on="label", how="left")

    title = next((cell for cell in head[0] if cell and cell.strip()), None) if head else None
    unit_match = re.search(r"\(([^,()]+)[^()]*\)\s*$", title or "")
    return finalise(
        long.select(*dimensions, "region", "period", "value", "flag"),
        dataset=dataset or dataset_code_from_path(source.path),
        source_format=FEDSTAT_CSV,
        dimensions=dimensions,
        source_path=source.path,
        title=title,
        unit=unit_match.group(1).strip() if unit_match else None,
    )


def _fedstat_year_row(head: Sequence[Sequence[str | None]]) -> tuple[int | None, int]:
    for index, row in enumerate(head):
        filled = [(c, cell) for c, cell in enumerate(row) if cell and cell.strip()]
        if filled and all(parse_year(cell) is not None for _, cell in filled) and filled[0][0] >= 1:
            return index, filled[0][0]
    return None, 0


def _region_column(data: pl.DataFrame, columns: list[str], source: Source) -> str:
    """The lead column whose values are (mostly) Russian regions."""
    best, best_share = None, 0.0
    for column in columns:
        values = data.get_column(column).drop_nulls().unique().to_list()
        if not values:
            continue
        share = sum(match_russian_region(v) is not None for v in values) / len(values)
        if share > best_share:
            best, best_share = column, share
    if best is None or best_share < 0.5:
        raise unknown_format(source, "no column of the fedstat export holds Russian region names")
    return best


def _dimension_names(data: pl.DataFrame, columns: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for number, column in enumerate(columns, start=1):
        values = data.get_column(column).drop_nulls().unique()
        name = next(
            (dim for dim, pattern in _DIMENSION_KEYWORDS
             if values.str.contains(f"(?i){pattern}").any() and dim not in names.values()),
            f"dimension_{number}",
        )  # fmt: skip
        names[column] = name
    return names


def _indent(column: str) -> pl.Expr:
    text = pl.col(column)
    return text.str.len_chars() - text.str.strip_chars_start(" ").str.len_chars()


def _is_indented(values: pl.Series) -> bool:
    frame = values.to_frame("v").select(_indent("v").alias("indent"))
    return frame.get_column("indent").n_unique() > 1


def _add_hierarchy(data: pl.DataFrame, name: str, block: list[str]) -> pl.DataFrame:
    """``<name>_level`` and ``<name>_parent`` from indentation, without a loop over rows."""
    indent = data.select(_indent(name).alias("i")).get_column("i")
    step = int(indent.filter(indent > 0).min() or 1)
    level = (
        pl.when(pl.col(name).str.contains("(?i)" + _TOTAL_LABEL.pattern))
        .then(0)
        .otherwise(_indent(name) // step + 1)
    )
    data = data.with_columns(level.cast(pl.Int64).alias("_level"))
    top = int(data.get_column("_level").max() or 0)
    last_seen = [
        pl.when(pl.col("_level") == lvl)
        .then(pl.col("_row"))
        .forward_fill()
        .over(block)
        .alias(f"_last{lvl}")
        for lvl in range(top + 1)
    ]
    data = data.with_columns(last_seen)
    parent_row = pl.max_horizontal(
        [pl.when(pl.col("_level") > lvl).then(pl.col(f"_last{lvl}")) for lvl in range(top + 1)]
    )
    data = data.with_columns(parent_row.alias("_parent_row"))
    names = data.select(
        pl.col("_row").alias("_parent_row"),
        pl.col(name).str.strip_chars().alias(f"{name}_parent"),
    )
    data = data.join(names, on="_parent_row", how="left", maintain_order="left")
    return data.with_columns(pl.col("_level").cast(pl.String).alias(f"{name}_level")).drop(
        "_level", "_parent_row", *[f"_last{lvl}" for lvl in range(top + 1)]
    )
