"""Which statistics format a file is in, decided from its content.

Kept apart from the parsers so that :func:`pipelines.statistics.eurostat.fetch_eurostat`
can check a download before it replaces anything, without importing every parser.
"""

from __future__ import annotations

import csv
import re

from pipelines.statistics.sources import Source
from pipelines.statistics.tidy import StatisticsFormatError

EUROSTAT_TSV = "eurostat_tsv"
EUROSTAT_SDMX_CSV = "eurostat_sdmx_csv"
JSON_STAT = "jsonstat"
ROSSTAT_XLS = "rosstat_xls"
ROSSTAT_XLSX = "rosstat_xlsx"
FEDSTAT_CSV = "fedstat_csv"
ECB_EUROFXREF = "ecb_eurofxref"

EXPECTED_FORMATS = (
    "Eurostat bulk TSV (first header cell like 'unit,geo\\time' or 'freq,unit,geo\\TIME_PERIOD'), "
    "Eurostat SDMX-CSV (header starting 'DATAFLOW,' or 'STRUCTURE,'), "
    "JSON-stat 1.x/2.0 (a JSON object with dimension and value), "
    "a Rosstat .xls/.xlsx table (a header row of years, region names in the first column), "
    "a fedstat CSV export (title rows, then a row of years), "
    "or the ECB eurofxref CSV/zip (header 'Date,USD,JPY,...')"
)

_YEAR_CELL = re.compile(r"^(19|20)\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def detect_format(source: Source) -> str:
    """The format name of ``source`` (one of the constants above).

    Raises :class:`StatisticsFormatError` naming the file and the formats expected.
    """
    if source.container == "xls":
        return ROSSTAT_XLS
    if source.container == "xlsx":
        return ROSSTAT_XLSX
    if source.container == "zip" and source.member is None:
        raise unknown_format(source, "a zip archive that does not hold exactly one file")
    if not source.head.strip():
        raise unknown_format(source, "no text could be read from it")
    head = source.head.lstrip()
    if head.startswith("{"):
        return JSON_STAT
    first = source.first_line()
    first_cell = first.split("\t", 1)[0]
    if "\t" in first and "\\" in first_cell:
        return EUROSTAT_TSV
    if first.startswith(("DATAFLOW,", "STRUCTURE,", '"DATAFLOW",', '"STRUCTURE",')):
        return EUROSTAT_SDMX_CSV
    header = [cell.strip() for cell in first.split(",")]
    if header[0] == "Date" and len(header) > 1 and all(
        _CURRENCY.match(cell) for cell in header[1:] if cell
    ):
        return ECB_EUROFXREF
    if _looks_like_fedstat(source.head):
        return FEDSTAT_CSV
    raise unknown_format(source, f"its first line is {first[:160]!r}")


def _looks_like_fedstat(head: str) -> bool:
    """Title rows, then a row whose only filled cells are years, after empty lead cells."""
    lines = head.splitlines()[:12]
    for row in csv.reader(lines):
        filled = [(i, cell.strip()) for i, cell in enumerate(row) if cell.strip()]
        if len(filled) >= 1 and all(_YEAR_CELL.match(cell) for _, cell in filled):
            return filled[0][0] >= 1
    return False


def unknown_format(source: Source, why: str) -> StatisticsFormatError:
    return StatisticsFormatError(
        f"{source.path}: not a statistics file this package can read ({why}); "
        f"expected {EXPECTED_FORMATS}"
    )
