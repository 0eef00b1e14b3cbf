"""The registration reader on spreadsheets: XLSX (title rows, merged cells, several sheets,
date cells and serials) and legacy XLS.

xlwt is not installed, so the XLS fixture is a real BIFF8 workbook in an OLE2 compound file,
assembled below from the record layouts of [MS-XLS] and [MS-CFB]; xlrd reads it exactly as
it reads an Excel 97-2003 file (date-formatted cells, merged ranges, a hidden sheet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.registrations import formats
from pipelines.registrations.reader import QUARANTINE_SCHEMA, STAGED_SCHEMA, read_registration_file


def _by_row(frame: pl.DataFrame) -> dict[int, dict]:
    return {row["source_row"]: row for row in frame.iter_rows(named=True)}


def _assert_contract(result) -> None:
    assert result.staged.schema == pl.Schema(STAGED_SCHEMA)
    assert result.quarantined.schema == pl.Schema(QUARANTINE_SCHEMA)
    assert result.file.rows_read == result.staged.height + result.quarantined.height
    assert result.staged["registration_id"].n_unique() == result.staged.height


# --------------------------------------------------------------------------------------
# Swedish XLSX: title rows, merged title and merged data cells, dates, tick column
# --------------------------------------------------------------------------------------


@pytest.fixture
def swedish_xlsx(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Deltagare"
    sheet["A1"] = "Studieresa Stockholm 11–12 augusti 2016 – deltagarlista"
    sheet.merge_cells("A1:J1")
    # row 2 left empty
    sheet.append([])
    header = ["Efternamn", "Förnamn", "E-post", "Telefon", "Organisation", "Land", "Kön", "Anmäld", "Deltog",
              "Samtycke till forskning"]
    for column, text in enumerate(header, start=1):
        sheet.cell(row=3, column=column, value=text)
    rows = [
        ["Lindqvist", "Karin", "karin.lindqvist@konstfack.se", 46701112233, "Konstfack", "Sverige", "kvinna",
         dt.datetime(2016, 8, 11, 9, 30), "x", "ja"],
        ["Berg", "Johan", "johan.berg@konstfack.se", "070-123 45 67", None, "Sverige", "man", 42475, None, "nej"],
        ["Andersson", "Eva", "eva@andersson-design.se", None, "Andersson Design AB", "Finland", "kvinna",
         "2016-08-12", "x", None],
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=4 + offset, column=column, value=value)
    sheet.cell(row=4, column=8).number_format = "yyyy-mm-dd hh:mm"
    sheet.merge_cells("E4:E5")  # one organisation for two people
    path = tmp_path / "raw" / "registrations" / "JC-E07" / "deltagare.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    return path


def test_swedish_xlsx_title_rows_and_merged_cells(swedish_xlsx: Path, tmp_path: Path) -> None:
    result = read_registration_file(swedish_xlsx, "JC-E07", raw_root=tmp_path / "raw")
    _assert_contract(result)
    manifest = result.file
    assert (manifest.format, manifest.encoding, manifest.delimiter) == ("xlsx", None, None)
    assert manifest.sheets == ["Deltagare"] and manifest.sheet == "Deltagare"
    assert manifest.header_row == 3
    assert manifest.rows_read == 3 and result.quarantined.height == 0
    file_hash = hashlib.sha256(swedish_xlsx.read_bytes()).hexdigest()
    rows = _by_row(result.staged)
    karin, johan, eva = rows[4], rows[5], rows[6]
    assert karin["registration_id"] == f"{file_hash[:16]}:4"
    assert karin["source_sheet"] == "Deltagare"
    assert karin["phone"] == "+46701112233"  # a number cell, country SE
    assert karin["registered_on"] == dt.date(2016, 8, 11)  # a datetime cell
    assert karin["sex"] == "female"
    assert (karin["attended"], karin["research_consent"]) == (True, True)
    assert johan["organisation"] == "Konstfack"  # merged E4:E5 → the top-left value
    assert johan["phone"] == "+46701234567"  # 070-… with trunk 0
    assert johan["registered_on"] == dt.date(2016, 4, 15)  # serial 42475 in a number cell
    assert johan["sex"] == "male"
    assert johan["attended"] is False  # a tick column: blank means not ticked
    assert johan["research_consent"] is False
    assert eva["country_code"] == "FI"
    assert (eva["organisation_type"], eva["target_group"]) == ("sme", "cci_business")
    assert eva["registered_on"] == dt.date(2016, 8, 12)
    assert eva["attended"] is True
    assert eva["research_consent"] is None  # ja/nej column: blank is "not said"


def test_streaming_and_full_xlsx_loaders_agree(swedish_xlsx: Path, tmp_path: Path, monkeypatch) -> None:
    streamed = read_registration_file(swedish_xlsx, "JC-E07", raw_root=tmp_path / "raw")
    monkeypatch.setattr(formats, "XLSX_READ_ONLY", False)
    loaded = read_registration_file(swedish_xlsx, "JC-E07", raw_root=tmp_path / "raw")
    assert streamed.staged.equals(loaded.staged)
    assert streamed.file.header_row == loaded.file.header_row


# --------------------------------------------------------------------------------------
# Several sheets: read those with a person header, skip the rest
# --------------------------------------------------------------------------------------


@pytest.fixture
def multi_sheet_xlsx(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    info = workbook.active
    info.title = "Info"
    info.append(["Nordic–Russian design forum"])
    info.append(["Petrozavodsk, 16–17 February 2017"])
    day1 = workbook.create_sheet("Day 1")
    day1.append(["Full name", "Email", "Country", "Organisation type"])
    day1.append(["Anna Virtanen", "anna.virtanen@luovaala.fi", "Finland", "NGO"])
    day1.append(["Ivan Petrov", "ivan.petrov@karelia-design.ru", "Russia", "self-employed"])
    day1.append(["Anna Virtanen", "anna.virtanen@luovaala.fi", "Finland", "NGO"])  # duplicate of row 2
    day2 = workbook.create_sheet("Day 2")
    day2.append(["Регистрация, второй день"])
    day2.append(["ФИО", "E-mail", "Страна", "Целевая группа"])
    day2.append(["Петров Иван Сергеевич", "Ivan.Petrov@karelia-design.ru", "Россия", "образование"])
    day2.append(["Qwerty Asdf", "qwerty@mail.ru", "Россия", None])
    stats = workbook.create_sheet("Stats")
    stats.append(["Country", "Count"])
    stats.append(["Finland", 1])
    hidden = workbook.create_sheet("Old list")
    hidden.append(["Name", "Email"])
    hidden.append(["Someone Else", "someone@else.fi"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "raw" / "registrations" / "JC-E11" / "forum.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    return path


def test_multi_sheet_xlsx(multi_sheet_xlsx: Path, tmp_path: Path) -> None:
    result = read_registration_file(multi_sheet_xlsx, "JC-E11", raw_root=tmp_path / "raw")
    _assert_contract(result)
    manifest = result.file
    assert manifest.sheets == ["Day 1", "Day 2"]
    assert manifest.header_rows == {"Day 1": 1, "Day 2": 2}
    assert set(manifest.sheets_skipped) == {"Info", "Stats", "Old list"}
    assert manifest.sheets_skipped["Old list"] == "hidden sheet"
    assert "names no person" in manifest.sheets_skipped["Stats"]
    assert manifest.rows_read == 5
    prefix = hashlib.sha256(multi_sheet_xlsx.read_bytes()).hexdigest()[:16]
    staged = {(r["source_sheet"], r["source_row"]): r for r in result.staged.iter_rows(named=True)}
    assert sorted(staged) == [("Day 1", 2), ("Day 1", 3), ("Day 2", 3)]
    # row numbers repeat across sheets, so the sheet's position is part of the id
    assert staged[("Day 1", 2)]["registration_id"] == f"{prefix}:s2:2"
    assert staged[("Day 2", 3)]["registration_id"] == f"{prefix}:s3:3"
    anna = staged[("Day 1", 2)]
    assert (anna["first_name"], anna["last_name"], anna["country_code"]) == ("Anna", "Virtanen", "FI")
    assert (anna["organisation_type"], anna["target_group"]) == ("ngo", "support_organisation")
    ivan = staged[("Day 1", 3)]
    assert (ivan["organisation_type"], ivan["target_group"]) == ("self_employed", "cci_business")
    petrov = staged[("Day 2", 3)]
    assert (petrov["last_name"], petrov["first_name"], petrov["patronymic"]) == ("Петров", "Иван", "Сергеевич")
    assert petrov["email"] == "ivan.petrov@karelia-design.ru"
    assert petrov["target_group"] == "education"  # explicit target group
    assert petrov["organisation_type"] == "unknown"
    reasons = {(r["source_sheet"], r["source_row"]): r["reason_code"] for r in result.quarantined.iter_rows(named=True)}
    assert reasons == {("Day 1", 4): "duplicate_in_file", ("Day 2", 4): "test_record"}


# --------------------------------------------------------------------------------------
# Legacy XLS (BIFF8), hand-assembled
# --------------------------------------------------------------------------------------


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _short_string(text: str) -> bytes:
    return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


def _string(text: str) -> bytes:
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def biff8_workbook(sheets: list[tuple[str, dict, list]], hidden: tuple[str, ...] = ()) -> bytes:
    """A BIFF8 workbook stream. Cells {(row, col): value} (0-based): str → LABEL, number →
    NUMBER (general format), date → NUMBER with the built-in date format 14; merges as
    (first_row, last_row, first_col, last_col)."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    font = _record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _short_string("Arial"))

    def xf(number_format: int, style: bool) -> bytes:
        return _record(0x00E0, struct.pack("<HHHBBBBIiH", 0, number_format, 0xFFF4 if style else 0, 0x20, 0, 0, 0,
                                           0, 0, 0x20C0))

    globals_body = _record(0x0042, struct.pack("<H", 1200)) + _record(0x0022, struct.pack("<H", 0)) + font * 5
    globals_body += xf(0, True) + xf(0, False) + xf(14, False)
    substreams = []
    for _, cells, merges in sheets:
        body = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6))
        body += _record(0x0200, struct.pack("<IIHHH", 0, max(r for r, _ in cells) + 1, 0,
                                            max(c for _, c in cells) + 1, 0))
        for (row, col), value in sorted(cells.items()):
            if isinstance(value, str):
                body += _record(0x0204, struct.pack("<HHH", row, col, 1) + _string(value))
            elif isinstance(value, dt.date):
                serial = float((value - dt.date(1899, 12, 30)).days)
                body += _record(0x0203, struct.pack("<HHHd", row, col, 2, serial))
            else:
                body += _record(0x0203, struct.pack("<HHHd", row, col, 1, float(value)))
        if merges:
            body += _record(0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m) for m in merges))
        substreams.append(body + _record(0x000A))
    offset = 4 + len(bof) + len(globals_body) + sum(4 + 8 + 2 * len(name) for name, _, _ in sheets) + 4
    boundsheets = b""
    for (name, _, _), body in zip(sheets, substreams):
        boundsheets += _record(0x0085, struct.pack("<IBB", offset, 1 if name in hidden else 0, 0) + _short_string(name))
        offset += len(body)
    return _record(0x0809, bof) + globals_body + boundsheets + _record(0x000A) + b"".join(substreams)


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding one stream."""
    sector = 512
    stream = stream.ljust(4096, b"\x00")  # at least the mini-stream cutoff: lives in normal sectors
    padded = stream + b"\x00" * (-len(stream) % sector)
    count = len(padded) // sector
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fat_sector, end] + [3 + i for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = formats.OLE2_MAGIC + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))

    def entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = entry_name.encode("utf-16-le") + b"\x00\x00" if entry_name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", no_stream, no_stream, child) + b"\x00" * 20 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, no_stream, 2, len(stream))
    directory += entry("", 0, no_stream, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + padded


def test_xls_biff8_workbook(tmp_path: Path) -> None:
    cells = {
        (0, 0): "Osallistujalista – Joensuu 14.4.2016",
        (2, 0): "Sukunimi", (2, 1): "Etunimi", (2, 2): "Päivämäärä", (2, 3): "Puhelin", (2, 4): "Maa",
        (3, 0): "Virtanen", (3, 1): "Anna", (3, 2): dt.date(2016, 4, 14), (3, 3): 358401234567, (3, 4): "Suomi",
        (4, 0): "Korhonen", (4, 1): "Matti", (4, 2): 42475, (4, 3): "050 765 4321",
        (5, 0): "Testi", (5, 1): "Testaaja", (5, 2): dt.date(2016, 4, 14),
    }
    merges = [(0, 0, 0, 4), (3, 4, 4, 4)]  # the title; «Maa» for both people
    data = compound_file(biff8_workbook(
        [("Osallistujat", cells, merges), ("Piilotettu", {(0, 0): "Nimi", (0, 1): "Email", (1, 0): "X Y"}, [])],
        hidden=("Piilotettu",),
    ))
    path = tmp_path / "raw" / "registrations" / "EV-JNS" / "osallistujat.xls"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)

    result = read_registration_file(path, "EV-JNS", raw_root=tmp_path / "raw")
    _assert_contract(result)
    manifest = result.file
    assert manifest.format == "xls"
    assert manifest.sheets == ["Osallistujat"]
    assert manifest.sheets_skipped == {"Piilotettu": "hidden sheet"}
    assert manifest.header_row == 3
    assert manifest.rows_read == 3
    rows = _by_row(result.staged)
    anna, matti = rows[4], rows[5]
    assert (anna["last_name"], anna["first_name"]) == ("Virtanen", "Anna")
    assert anna["registered_on"] == dt.date(2016, 4, 14)  # a date-formatted cell
    assert anna["phone"] == "+358401234567"  # a number cell
    assert anna["country_code"] == "FI"
    assert matti["registered_on"] == dt.date(2016, 4, 15)  # serial in a general-format cell
    assert matti["country_code"] == "FI"  # merged E4:E5
    assert matti["phone"] == "+358507654321"
    assert result.quarantined.select("source_row", "reason_code").rows() == [(6, "test_record")]


def test_two_level_header_with_merged_group_cells(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Лист1"
    sheet.append(["№", "Участник", None, None, "Контакты", None, "Организация"])
    sheet.append([None, "Фамилия", "Имя", "Отчество", "Телефон", "E-mail", None])
    sheet.append([1, "Соловьёв", "Сергей", "Александрович", "+7 921 000-11-22", "s.solovyov@mail.ru",
                  "ПАО «Беломорская энергетика»"])
    sheet.merge_cells("B1:D1")
    sheet.merge_cells("E1:F1")
    sheet.merge_cells("G1:G2")
    sheet.merge_cells("A1:A2")
    path = tmp_path / "raw" / "registrations" / "EV-ARH" / "spisok.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    result = read_registration_file(path, "EV-ARH", raw_root=tmp_path / "raw")
    assert result.file.header_row == 2
    row = result.staged.row(0, named=True)
    assert row["source_row"] == 3
    assert (row["last_name"], row["first_name"], row["patronymic"]) == ("Соловьёв", "Сергей", "Александрович")
    assert row["full_name"] == "Соловьёв Сергей Александрович"  # composed, surname first
    assert row["organisation"] == "ПАО «Беломорская энергетика»"  # merged G1:G2 gives row 2 its header
    assert (row["organisation_type"], row["target_group"]) == ("large_company", "cci_business")
    assert row["phone"] == "+79210001122"


def test_html_table_saved_as_xls(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="windows-1251"></head><body><table>'
        '<tr><td colspan="3">Список участников</td></tr>'
        "<tr><th>ФИО</th><th>Email</th><th>Страна</th></tr>"
        "<tr><td>Иванова Мария Петровна</td><td>maria@ivanova.ru</td><td>Россия</td></tr>"
        "</table></body></html>"
    )
    path = tmp_path / "raw" / "registrations" / "EV-WEB" / "export.xls"
    path.parent.mkdir(parents=True)
    path.write_bytes(html.encode("cp1251"))
    result = read_registration_file(path, "EV-WEB", raw_root=tmp_path / "raw")
    assert result.file.format == "html"
    assert result.file.header_row == 2
    row = result.staged.row(0, named=True)
    assert (row["last_name"], row["first_name"], row["patronymic"]) == ("Иванова", "Мария", "Петровна")
    assert row["country_code"] == "RU"
    assert any("named .xls but its content is html" in w for w in result.file.warnings)
