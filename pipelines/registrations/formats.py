"""Sniffing and decoding registration exports into rows of cells.

This module knows about bytes, encodings, delimiters and spreadsheet containers; it does not
know what a header or a person is.  It turns a file into :class:`RawTable` objects (one per
CSV file or per worksheet), each a list of :class:`RawRow` carrying the row number a person
sees in the file.

Detection rules
---------------
* **Container** by magic bytes, not by extension: ``PK\\x03\\x04`` with ``xl/workbook.xml`` →
  xlsx; the OLE2 signature ``D0 CF 11 E0`` → xls; ``<html``/``<table`` → an HTML table saved
  as ``.xls`` (some web tools do this); anything else is delimited text.  An OpenDocument
  file is refused with a clear message.
* **Encoding** (text files): a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); else UTF-16
  without BOM when every other byte is NUL; else strict UTF-8; else the better-scoring of
  cp1251 and cp1252 — each word of the decoded text scores +len when it is plausible (all
  Cyrillic, or Latin with at most half its letters accented) and −len when it mixes Cyrillic
  with Latin letters or is mostly accented Latin letters (Russian text read as cp1252:
  «Ôàìèëèÿ»; Finnish read as cp1251: «Sдhkцposti»).  Ties go to cp1251.
* **Delimiter**: an Excel ``sep=;`` first line decides; else each of tab, ``;``, ``,`` and
  ``|`` splits the first records (quote-aware, with :mod:`csv`), and the candidate wins
  whose best row names the most known header fields (a callback from the reader), then the
  one whose records most consistently have the same number (> 1) of fields, then the one
  with more fields.  ``csv.Sniffer`` is not used.
* **Row numbers**: for text, the physical line on which a record starts (a quoted field with
  line breaks spans several lines); for spreadsheets, the sheet's row number.
* **Spreadsheets**: xlsx is streamed in read-only mode (openpyxl's worksheet parser, which
  also yields the merged ranges); should that private API change, the workbook is loaded in
  normal mode instead.  xls is read with xlrd (``formatting_info=True`` for merged ranges,
  falling back without).  Merged ranges are filled with their top-left value.  Date cells
  become ``datetime``; other numbers stay numbers (the reader decides what a number in a
  date column means).  Hidden sheets are reported as such.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pipelines.registrations.normalise import EXCEL_EPOCH_1900, EXCEL_EPOCH_1904

DELIMITER_CANDIDATES: tuple[str, ...] = ("\t", ";", ",", "|")
SNIFF_RECORDS = 40
SNIFF_BYTES = 256 * 1024
XLSX_READ_ONLY = True


class FormatError(ValueError):
    """The bytes cannot be turned into rows (corrupt, encrypted, unsupported container)."""


@dataclass
class RawRow:
    number: int
    cells: list[Any]


@dataclass
class RawTable:
    sheet: str | None
    rows: list[RawRow]
    hidden: bool = False
    date_epoch: dt.date = EXCEL_EPOCH_1900


@dataclass
class TextBody:
    """A delimited text whose records are exactly its lines, kept whole for reading in bulk.

    Only a text without any double quote and without a carriage return that does not end a
    line qualifies: there, a record is a line and a cell is what lies between delimiters, just
    as :mod:`csv` reads it.  ``text`` has ``\r\n`` turned into ``\n``; its first line is
    ``first_line``.
    """

    text: str
    delimiter: str
    first_line: int


@dataclass
class LoadedFile:
    format: str  # csv | tsv | xlsx | xls | html
    encoding: str | None
    delimiter: str | None
    tables: list[RawTable]
    notes: list[str] = field(default_factory=list)
    #: Set when the text was read only as far as ``head_rows`` asked: the table then holds the
    #: first records, and the whole text is here (see :func:`load_text`).
    body: TextBody | None = None


# --------------------------------------------------------------------------------------
# Container
# --------------------------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_container(data: bytes) -> str:
    """``xlsx``, ``xls``, ``html``, ``ods`` or ``text`` from the first bytes."""
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise FormatError(f"looks like a zip/xlsx file but the archive is damaged ({exc})") from exc
        if "xl/workbook.xml" in names or any(n.endswith("workbook.xml") for n in names):
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise FormatError("a zip archive that is not an Excel workbook")
    if data.startswith(OLE2_MAGIC):
        return "xls"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
        head.startswith(b"<") and b"<table" in data[:65536].lower()
    ):
        return "html"
    return "text"


# --------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_CYR = re.compile(r"[\u0400-\u04ff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def plausibility(text: str) -> int:
    """How much a decoded text looks like real words (see the module docstring)."""
    score = 0
    # words repeat (countries, organisation types, cities): judge each distinct word once
    for word, count in Counter(_WORD.findall(text)).items():
        if word.isascii():
            continue  # Latin letters only: neither plausible nor implausible
        score += count * _word_plausibility(word)
    return score


def _word_plausibility(word: str) -> int:
    cyrillic = len(_CYR.findall(word))
    ascii_letters = len(_ASCII_LETTER.findall(word))
    other = len(word) - cyrillic - ascii_letters
    if cyrillic:
        return -len(word) if ascii_letters or other else len(word)
    if other:
        return len(word) if other * 2 <= len(word) else -len(word)
    return 0


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text export; returns the text (without BOM) and the encoding's name."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise FormatError(f"cannot decode as {encoding} (from mapping.yml): {exc}") from exc
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    )
    for bom, name in boms:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name.removesuffix("-sig")), name
            except UnicodeDecodeError:
                if name != "utf-8-sig":
                    raise FormatError(f"has a {name} byte-order mark but does not decode as {name}") from None
                data = data[len(bom):]  # a UTF-8 BOM over cp1251 bytes: fall through to the guess
                break
    sample = data[:4096]
    if len(sample) >= 4:
        # UTF-16 without BOM: the high bytes are NUL (Latin) or 0x04 (Cyrillic)
        def high_share(high: bytes) -> float:
            return (high.count(0) + high.count(4)) / max(1, len(high))

        odd, even = sample[1::2], sample[0::2]
        candidates = ((odd.count(0) / max(1, len(odd)), high_share(odd), "utf-16-le"),
                      (even.count(0) / max(1, len(even)), high_share(even), "utf-16-be"))
        for nul_share, high, name in candidates:
            if nul_share > 0.3 or (nul_share > 0 and high > 0.9):
                try:
                    return data.decode(name).lstrip("\ufeff"), name
                except UnicodeDecodeError:
                    pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    for name in ("cp1251", "cp1252"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:200_000])
        if best is None or score > best[0]:
            best = (score, name, text)
    if best is None:
        return data.decode("cp1251", errors="replace"), "cp1251"
    return best[2], best[1]


# --------------------------------------------------------------------------------------
# Delimited text
# --------------------------------------------------------------------------------------

_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


def parse_delimited(text: str, delimiter: str, first_line: int = 1) -> list[RawRow]:
    """Records with the line on which each starts (quote-aware; multi-line fields allowed)."""
    text = text.replace("\x00", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[RawRow] = []
    previous = 0
    try:
        for record in reader:
            rows.append(RawRow(first_line + previous, [cell for cell in record]))
            previous = reader.line_num
    except csv.Error as exc:
        raise FormatError(f"malformed delimited text near line {first_line + previous}: {exc}") from exc
    return rows


def detect_delimiter(text: str, score_row: Callable[[list[Any]], int], max_score: int | None = None) -> str | None:
    """The delimiter (see the module docstring); None for a one-column file.

    Each candidate is judged by (best header score among its first 30 records, records of the
    modal width, modal width).  ``score_row`` must count at most one per cell (and at most
    ``max_score`` in all); a candidate whose bound is below the best score found cannot win and
    is not scored, which spares scoring whole rows of the wrong split."""
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    sample = sample.replace("\x00", "")
    judged: list[tuple[int, int, int, str, list[list[str]]]] = []  # bound, consistent, width, delimiter, records
    for delimiter in DELIMITER_CANDIDATES:
        records = _sniff_records(sample, delimiter)
        if records is None:
            continue
        widths = Counter(len(r) for r in records if len(r) > 1)
        if not widths:
            continue
        mode_width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
        consistent = sum(1 for r in records if len(r) == mode_width)
        bound = max((min(len(r), max_score or len(r)) for r in records[:30]), default=0)
        judged.append((bound, consistent, mode_width, delimiter, records))
    if len(judged) == 1:
        return judged[0][3]  # a single way to split: no need to look for the header
    best: tuple[tuple[int, int, int], str] | None = None
    # the likeliest winners first, so that the bound rules the others out
    ordered = sorted(judged, key=lambda j: (-j[0], -j[1], -j[2]))
    for position, (bound, consistent, mode_width, delimiter, records) in enumerate(ordered):
        if best is not None and bound < best[0][0]:
            continue
        others = max((j[0] for j in ordered[position + 1:]), default=-1)
        header_score = 0
        for record in records[:30]:
            header_score = max(header_score, score_row(record))
            if best is None and header_score > others:
                return delimiter  # no later candidate can reach this score
        key = (header_score, consistent, mode_width)
        if best is None or key > best[0] or (key == best[0] and _earlier(delimiter, best[1])):
            best = (key, delimiter)
    return best[1] if best else None


def _earlier(delimiter: str, other: str) -> bool:
    """Ties go to the candidate listed first (as a scan in DELIMITER_CANDIDATES order would)."""
    return DELIMITER_CANDIDATES.index(delimiter) < DELIMITER_CANDIDATES.index(other)


def _lines(text: str) -> Iterator[str]:
    """The lines of a text, split lazily (only the first records are wanted)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _sniff_records(sample: str, delimiter: str) -> list[list[str]] | None:
    """The first non-blank records of the sample split on a delimiter; None when csv cannot split it.

    A text without double quotes and without a carriage return inside a line splits exactly like
    csv would, line by line, and only as far as needed; anything else goes through csv."""
    lines = sample.replace("\r\n", "\n")
    if '"' not in lines and "\r" not in lines and len(lines) < csv.field_size_limit():
        if delimiter not in lines:
            return []  # every record would be one cell: nothing to judge
        records = []
        for line in _lines(lines):
            if line.replace(delimiter, "").strip():  # some cell is not blank
                records.append(line.split(delimiter))
                if len(records) == SNIFF_RECORDS:
                    break
        return records
    try:
        return [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                if any(c.strip() for c in r)][:SNIFF_RECORDS]
    except csv.Error:
        return None


def load_text(
    data: bytes,
    score_row: Callable[[list[Any]], int],
    encoding: str | None = None,
    delimiter: str | None = None,
    head_rows: int | None = None,
    max_score: int | None = None,
) -> LoadedFile:
    """Rows of a delimited text.  With ``head_rows``, a text whose lines are its records
    (:class:`TextBody`) is parsed only as far as its first ``head_rows`` non-blank lines and
    handed back whole in ``body`` for the caller to split in bulk; any other text is parsed whole."""
    text, used_encoding = decode_text(data, encoding)
    notes = []
    first_line = 1
    lines = text.split("\n", 1)
    sep = _SEP_LINE.match(lines[0].rstrip("\r"))
    if sep:
        delimiter = delimiter or sep.group(1)
        text = lines[1] if len(lines) > 1 else ""
        first_line = 2
        notes.append(f"Excel 'sep={sep.group(1)}' line honoured")
    if delimiter is None:
        delimiter = detect_delimiter(text, score_row, max_score) or ","
    body = _line_records(text, delimiter, first_line) if head_rows is not None else None
    if body is not None:
        rows = _head(body, head_rows)
    else:
        rows = parse_delimited(text, delimiter, first_line)
    return LoadedFile(
        format="tsv" if delimiter == "\t" else "csv",
        encoding=used_encoding,
        delimiter=delimiter,
        tables=[RawTable(sheet=None, rows=rows)],
        notes=notes,
        body=body,
    )


def _line_records(text: str, delimiter: str, first_line: int) -> TextBody | None:
    """The text as a :class:`TextBody` when its records are its lines, else None."""
    if '"' in text:
        return None
    text = text.replace("\x00", "")  # as parse_delimited does
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None  # old Mac line ends: csv counts them as lines; leave it to csv
    return TextBody(text=text, delimiter=delimiter, first_line=first_line)


def _head(body: TextBody, non_blank: int) -> list[RawRow]:
    """The records on the first lines of a body, up to ``non_blank`` non-blank ones."""
    rows: list[RawRow] = []
    found = 0
    start = 0
    text = body.text
    number = body.first_line
    while found < non_blank and start < len(text):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        cells = line.split(body.delimiter) if line else []
        rows.append(RawRow(number, cells))
        if any(cell.strip() for cell in cells):
            found += 1
        if end < 0:
            break
        start = end + 1
        number += 1
    return rows


# --------------------------------------------------------------------------------------
# Spreadsheets
# --------------------------------------------------------------------------------------


def _fill_merged(rows: dict[int, list[Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Fill merged ranges (1-based inclusive min_row, min_col, max_row, max_col) with the top-left value."""
    for min_row, min_col, max_row, max_col in ranges:
        top = rows.get(min_row, [])
        value = top[min_col - 1] if len(top) >= min_col else None
        if value is None:
            continue
        for r in range(min_row, max_row + 1):
            cells = rows.setdefault(r, [])
            if len(cells) < max_col:
                cells.extend([None] * (max_col - len(cells)))
            for c in range(min_col, max_col + 1):
                if cells[c - 1] is None:
                    cells[c - 1] = value


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def read_xlsx(data: bytes) -> tuple[list[RawTable], list[str]]:
    import openpyxl

    notes: list[str] = []
    try:
        if XLSX_READ_ONLY:
            try:
                return _read_xlsx_streaming(data), notes
            except (AttributeError, ImportError, TypeError) as exc:  # openpyxl internals moved
                notes.append(f"streaming xlsx reader unavailable ({exc}); loaded the workbook in full")
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except FormatError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise FormatError(f"cannot open the xlsx workbook ({type(exc).__name__}: {exc})") from exc
    tables = []
    for sheet in workbook.worksheets:
        rows: dict[int, list[Any]] = {}
        for row in sheet.iter_rows():
            cells = [_plain(cell.value) for cell in row]
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows[row[0].row] = cells
        ranges = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges]
        _fill_merged(rows, ranges)
        tables.append(
            RawTable(sheet=sheet.title, rows=[RawRow(n, rows[n]) for n in sorted(rows)],
                     hidden=sheet.sheet_state != "visible",
                     date_epoch=EXCEL_EPOCH_1904 if workbook.epoch.year == 1904 else EXCEL_EPOCH_1900)
        )
    return tables, notes


def _read_xlsx_streaming(data: bytes) -> list[RawTable]:
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FormatError(f"cannot open the xlsx workbook ({type(exc).__name__}: {exc})") from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows: dict[int, list[Any]] = {}
            source = sheet._get_source()
            try:
                parser = WorkSheetParser(
                    source,
                    sheet._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                for number, parsed in parser.parse():
                    if not parsed:
                        continue
                    present = [cell["column"] for cell in parsed if cell["value"] is not None]
                    if not present:
                        continue
                    width = max(present)
                    cells: list[Any] = [None] * width
                    for cell in parsed:
                        if cell["column"] <= width:
                            cells[cell["column"] - 1] = _plain(cell["value"])
                    if any(v is not None for v in cells):
                        rows[number] = cells
                ranges = []
                if parser.merged_cells is not None:
                    from openpyxl.worksheet.cell_range import CellRange

                    for merged in parser.merged_cells.mergeCell:
                        cell_range = CellRange(merged.ref)
                        ranges.append((cell_range.min_row, cell_range.min_col, cell_range.max_row, cell_range.max_col))
            finally:
                source.close()
            _fill_merged(rows, ranges)
            tables.append(
                RawTable(sheet=sheet.title, rows=[RawRow(n, rows[n]) for n in sorted(rows)],
                         hidden=getattr(sheet, "sheet_state", "visible") != "visible",
                         date_epoch=EXCEL_EPOCH_1904 if workbook.epoch.year == 1904 else EXCEL_EPOCH_1900)
            )
    finally:
        workbook.close()
    return tables


def read_xls(data: bytes) -> tuple[list[RawTable], list[str]]:
    import xlrd

    notes: list[str] = []
    try:
        try:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True)
        except NotImplementedError:
            book = xlrd.open_workbook(file_contents=data)
            notes.append("merged cells not read (xlrd could not read formatting)")
    except FormatError:
        raise
    except Exception as exc:  # xlrd.XLRDError, struct errors, CompDocError …
        raise FormatError(f"cannot open the xls workbook ({type(exc).__name__}: {exc})") from exc
    return _xls_tables(book, xlrd), notes


def _xls_tables(book: Any, xlrd: Any) -> list[RawTable]:
    tables = []
    epoch = EXCEL_EPOCH_1904 if getattr(book, "datemode", 0) == 1 else EXCEL_EPOCH_1900
    for sheet in book.sheets():
        rows: dict[int, list[Any]] = {}
        for r in range(sheet.nrows):
            cells: list[Any] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                cells.append(_xls_value(cell, book.datemode, xlrd))
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                rows[r + 1] = cells
        ranges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", [])]
        _fill_merged(rows, ranges)
        tables.append(
            RawTable(sheet=sheet.name, rows=[RawRow(n, rows[n]) for n in sorted(rows)],
                     hidden=getattr(sheet, "visibility", 0) != 0, date_epoch=epoch)
        )
    return tables


def _xls_value(cell: Any, datemode: int, xlrd: Any) -> Any:
    ctype = cell.ctype
    if ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except Exception:
            return cell.value
    if ctype == xlrd.XL_CELL_NUMBER:
        return cell.value
    if ctype == xlrd.XL_CELL_TEXT:
        return cell.value if cell.value != "" else None
    if ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return None


def read_html(data: bytes) -> tuple[list[RawTable], str]:
    """Tables of an HTML page saved with an .xls name; colspans are filled like merged cells."""
    import lxml.html

    text, encoding = decode_text(data)
    charset = re.search(r"charset=[\"']?([\w-]+)", text[:4096], re.IGNORECASE)
    if charset and encoding in ("cp1251", "cp1252", "utf-8") and charset.group(1).lower() not in (encoding, "utf8"):
        try:
            text, encoding = data.decode(charset.group(1)), charset.group(1).lower()
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        document = lxml.html.fromstring(text)
    except Exception as exc:
        raise FormatError(f"cannot parse the HTML table ({exc})") from exc
    tables = []
    for index, table in enumerate(document.iter("table"), start=1):
        rows = []
        for number, tr in enumerate(table.iter("tr"), start=1):
            cells: list[Any] = []
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                value = " ".join(td.text_content().split()) or None
                span = int(td.get("colspan", "1") or 1) if str(td.get("colspan", "1")).isdigit() else 1
                cells.extend([value] * max(1, span))
            rows.append(RawRow(number, cells))
        tables.append(RawTable(sheet=f"table {index}", rows=rows))
    return tables, encoding


def load_file(
    data: bytes,
    score_row: Callable[[list[Any]], int],
    encoding: str | None = None,
    delimiter: str | None = None,
    head_rows: int | None = None,
    max_score: int | None = None,
) -> LoadedFile:
    """Rows of every table in a registration export (see the module docstring); ``head_rows``
    and ``max_score``: see :func:`load_text` and :func:`detect_delimiter`."""
    container = sniff_container(data)
    if container == "xlsx":
        tables, notes = read_xlsx(data)
        return LoadedFile("xlsx", None, None, tables, notes)
    if container == "xls":
        tables, notes = read_xls(data)
        return LoadedFile("xls", None, None, tables, notes)
    if container == "html":
        tables, used = read_html(data)
        return LoadedFile("html", used, None, tables, ["an HTML table (saved with a spreadsheet name)"])
    if container == "ods":
        raise FormatError("an OpenDocument spreadsheet (.ods): save it as .xlsx or .csv")
    return load_text(data, score_row, encoding, delimiter, head_rows, max_score)
