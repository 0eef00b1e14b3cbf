"""The registration reader on delimited text exports (CSV / TSV / "Unicode text").

Every fixture is written here, byte for byte, in the encoding and layout a real tool or a
hand-kept list produces; expected values were worked out by hand from the cells.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from pipelines.registrations.mapping import MappingFileError, load_overrides
from pipelines.registrations.reader import (
    QUARANTINE_SCHEMA,
    STAGED_SCHEMA,
    RegistrationFileError,
    event_id_from_path,
    explain_file,
    read_registration_file,
)


def _write(raw: Path, relative: str, data: bytes) -> Path:
    path = raw / "registrations" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _by_row(frame: pl.DataFrame) -> dict[int, dict]:
    return {row["source_row"]: row for row in frame.iter_rows(named=True)}


def _assert_contract(result) -> None:
    assert result.staged.schema == pl.Schema(STAGED_SCHEMA)
    assert result.quarantined.schema == pl.Schema(QUARANTINE_SCHEMA)
    manifest = result.file
    assert manifest.rows_read == result.staged.height + result.quarantined.height
    assert manifest.rows_staged == result.staged.height
    assert manifest.rows_quarantined == result.quarantined.height
    assert result.staged["registration_id"].n_unique() == result.staged.height
    assert result.staged["target_group"].null_count() == 0


# --------------------------------------------------------------------------------------
# cp1251, semicolon, Russian headers, title rows, ФИО with patronymics, every reason code
# --------------------------------------------------------------------------------------

RUSSIAN_LINES = [
    "Список участников семинара «Креативная экономика Севера»;;;;;;;;;",  # 1 title
    "Мурманск, 14.04.2016;;;;;;;;;",  # 2 title
    "",  # 3 blank line
    "№;ФИО;Организация;Тип организации;Электронная почта;Телефон;Страна;Дата регистрации;Присутствовал(а);"
    "Согласие на обработку персональных данных",  # 4 header
    "1;Иванов Иван Иванович;ООО «Северный свет»;;Ivanov@Mail.RU ;8 (921) 123-45-67;Россия;14.04.2016;да;да",
    "2;Петрова Анна Сергеевна;Мурманский арктический университет;;anna.petrova@mauniver.ru;+7 921 765 43 21;"
    "РФ;15.04.2016;нет;да",
    "3;Тест Тестович;;;test@test.ru;;Россия;15.04.2016;;",  # 7 test_record
    "4;Смирнов Олег;ИП Смирнов;;smirnov@mail,ru;;Россия;16.04.2016;да;нет",  # 8 bad_email
    "5;Кузнецова Мария Петровна;Музей «Северное сияние»;;kuz@museum.ru;;Нарния;16.04.2016;да;да",  # 9 unknown_country
    "6;Волков Пётр;АНО «Арт-Мост»;;volkov@artmost.org;;Финляндия;вчера;да;да",  # 10 unparseable_date
    "7;;ООО «Без имени»;;;;;;;",  # 11 missing_name
    "8;;;;;;;;;",  # 12 empty_row: only the row number
    "1;Иванов Иван Иванович;ООО «Северный свет»;;Ivanov@Mail.RU ;8 (921) 123-45-67;Россия;14.04.2016;да;да",  # 13 dup
    ";;;;;;;;;",  # 14 fully blank: not an input row
    "9;Сидорова Елена;;НКО;;+358 40 123 4567;Suomi;;;",  # 15 staged without email
    "Итого: 9;;;;;;;;;",  # 16 footer
]


@pytest.fixture
def russian_csv(tmp_path: Path) -> Path:
    data = "\r\n".join(RUSSIAN_LINES).encode("cp1251") + b"\r\n"
    return _write(tmp_path / "raw", "EV-MUR-2016/uchastniki.csv", data)


def test_cp1251_semicolon_russian_list(russian_csv: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    result = read_registration_file(russian_csv, "EV-MUR-2016", raw_root=raw)
    _assert_contract(result)
    manifest = result.file
    assert (manifest.format, manifest.encoding, manifest.delimiter) == ("csv", "cp1251", ";")
    assert manifest.header_row == 4
    assert manifest.source_file == "registrations/EV-MUR-2016/uchastniki.csv"
    file_hash = hashlib.sha256(russian_csv.read_bytes()).hexdigest()
    assert manifest.file_hash == file_hash
    assert manifest.column_mapping == {
        "ФИО": "full_name",
        "Организация": "organisation",
        "Тип организации": "organisation_type",
        "Электронная почта": "email",
        "Телефон": "phone",
        "Страна": "country",
        "Дата регистрации": "registered_on",
        "Присутствовал(а)": "attended",
        "Согласие на обработку персональных данных": "research_consent",
    }
    assert manifest.unmapped_headers == ["№"]
    # rows 5–13, 15 and 16 are input rows; 14 is blank
    assert manifest.rows_read == 11
    assert (manifest.rows_staged, manifest.rows_quarantined) == (3, 8)

    staged = _by_row(result.staged)
    assert sorted(staged) == [5, 6, 15]
    ivanov = staged[5]
    assert ivanov["registration_id"] == f"{file_hash[:16]}:5"
    assert ivanov["event_id"] == "EV-MUR-2016"
    assert ivanov["source_sheet"] is None
    assert (ivanov["last_name"], ivanov["first_name"], ivanov["patronymic"]) == ("Иванов", "Иван", "Иванович")
    assert ivanov["full_name"] == "Иванов Иван Иванович"
    assert ivanov["email"] == "ivanov@mail.ru"
    assert ivanov["phone"] == "+79211234567"  # 8 (921) … with country RU
    assert ivanov["organisation"] == "ООО «Северный свет»"
    assert ivanov["organisation_type"] == "sme"
    assert ivanov["target_group"] == "cci_business"  # inferred from the organisation type
    assert ivanov["country_code"] == "RU"
    assert ivanov["registered_on"] == dt.date(2016, 4, 14)
    assert ivanov["attended"] is True and ivanov["research_consent"] is True

    petrova = staged[6]
    assert (petrova["last_name"], petrova["first_name"], petrova["patronymic"]) == ("Петрова", "Анна", "Сергеевна")
    assert petrova["phone"] == "+79217654321"
    assert petrova["country_code"] == "RU"  # «РФ»
    assert (petrova["organisation_type"], petrova["target_group"]) == ("education", "education")
    assert petrova["attended"] is False

    sidorova = staged[15]
    assert (sidorova["last_name"], sidorova["first_name"]) == ("Сидорова", "Елена")
    assert sidorova["email"] is None
    assert sidorova["phone"] == "+358401234567"
    assert sidorova["country_code"] == "FI"  # «Suomi»
    assert (sidorova["organisation_type"], sidorova["target_group"]) == ("ngo", "support_organisation")
    assert sidorova["registered_on"] is None
    assert sidorova["attended"] is None  # the column says да/нет, so a blank is "not said"

    quarantined = {row["source_row"]: row for row in result.quarantined.iter_rows(named=True)}
    assert {row: q["reason_code"] for row, q in quarantined.items()} == {
        7: "test_record",
        8: "bad_email",
        9: "unknown_country",
        10: "unparseable_date",
        11: "missing_name",
        12: "empty_row",
        13: "duplicate_in_file",
        16: "empty_row",
    }
    assert "smirnov@mail,ru" in quarantined[8]["reason_detail"]
    assert "Нарния" in quarantined[9]["reason_detail"]
    assert "вчера" in quarantined[10]["reason_detail"]
    assert "Итого" in quarantined[16]["reason_detail"]
    record = json.loads(quarantined[9]["raw_record"])
    assert record["ФИО"] == "Кузнецова Мария Петровна" and record["Страна"] == "Нарния"
    assert all(q["event_id"] == "EV-MUR-2016" for q in quarantined.values())
    assert all(q["source_file"] == "registrations/EV-MUR-2016/uchastniki.csv" for q in quarantined.values())
    assert manifest.quarantine_reasons == {
        "bad_email": 1, "duplicate_in_file": 1, "empty_row": 2, "missing_name": 1, "test_record": 1,
        "unknown_country": 1, "unparseable_date": 1,
    }


def test_no_event_quarantines_every_row(russian_csv: Path, tmp_path: Path) -> None:
    result = read_registration_file(russian_csv, None, raw_root=tmp_path / "raw")
    _assert_contract(result)
    assert result.staged.height == 0
    assert result.file.rows_read == 11
    assert set(result.quarantined["reason_code"]) == {"no_event"}
    assert result.quarantined["event_id"].null_count() == 11
    # the other problems are still named in the detail
    detail = result.quarantined.filter(pl.col("source_row") == 8)["reason_detail"].item()
    assert "bad_email" in detail


def test_source_file_inferred_from_registrations_folder(russian_csv: Path) -> None:
    result = read_registration_file(russian_csv, "EV-MUR-2016")
    assert result.file.source_file == "registrations/EV-MUR-2016/uchastniki.csv"
    assert event_id_from_path(russian_csv) == "EV-MUR-2016"


def test_explain_file_reports_what_the_reader_does(russian_csv: Path, tmp_path: Path) -> None:
    report = explain_file(russian_csv, "EV-MUR-2016", raw_root=tmp_path / "raw")
    json.dumps(report)  # JSON-able
    result = read_registration_file(russian_csv, "EV-MUR-2016", raw_root=tmp_path / "raw")
    assert report["ok"] is True
    assert report["file"] == result.file.to_dict()
    assert report["file"]["encoding"] == "cp1251"
    assert [(q["source_row"], q["reason_code"]) for q in report["quarantined"]] == [
        (7, "test_record"), (8, "bad_email"), (9, "unknown_country"), (10, "unparseable_date"),
        (11, "missing_name"), (12, "empty_row"), (13, "duplicate_in_file"), (16, "empty_row"),
    ]
    assert report["quarantined"][2]["raw_record"]["Страна"] == "Нарния"
    assert report["values"]["country_code"] == {"RU": 2, "FI": 1}
    assert report["registered_on"] == {"min": "2016-04-14", "max": "2016-04-15"}


# --------------------------------------------------------------------------------------
# Excel "Unicode text": UTF-16 with BOM, tab-delimited
# --------------------------------------------------------------------------------------

UNICODE_TEXT = (
    "First name\tLast name\tE-post\tOrganisation\tLand\tMålgrupp\tAnmäld\tDeltog\r\n"
    "Karin\tLindqvist\tkarin.lindqvist@konstfack.se\tKonstfack\tSverige\tutbildning\t2016-05-02\tja\r\n"
    "Erik\tNilsson\tErik@Nilsson-Design.se\tNilsson Design AB\tSE\tkreativt företag\t3/5/16\tnej\r\n"
    "Olga\tIvanova\tolga.ivanova@yandex.ru\tFreelance illustrator\tRussian Federation\t1\t2016-05-04\tja\r\n"
)


@pytest.mark.parametrize(("codec", "bom", "label"), [("utf-16-le", b"\xff\xfe", "utf-16-le"),
                                                      ("utf-16-be", b"\xfe\xff", "utf-16-be")])
def test_utf16_tab_unicode_text(tmp_path: Path, codec: str, bom: bytes, label: str) -> None:
    path = _write(tmp_path / "raw", "EV-STO/deltagare.txt", bom + UNICODE_TEXT.encode(codec))
    result = read_registration_file(path, "EV-STO", raw_root=tmp_path / "raw")
    _assert_contract(result)
    assert (result.file.format, result.file.encoding, result.file.delimiter) == ("tsv", label, "\t")
    assert result.file.rows_read == 3 and result.quarantined.height == 0
    rows = _by_row(result.staged)
    karin, erik, olga = rows[2], rows[3], rows[4]
    assert (karin["first_name"], karin["last_name"], karin["full_name"]) == ("Karin", "Lindqvist", "Karin Lindqvist")
    assert karin["country_code"] == "SE"
    assert karin["target_group"] == "education"  # explicit column wins
    assert karin["organisation_type"] == "unknown"  # «Konstfack» carries no keyword
    assert karin["registered_on"] == dt.date(2016, 5, 2)
    assert erik["email"] == "erik@nilsson-design.se"
    assert (erik["organisation_type"], erik["target_group"]) == ("sme", "cci_business")
    assert erik["registered_on"] == dt.date(2016, 5, 3)  # D/M/YY
    assert erik["attended"] is False
    assert olga["country_code"] == "RU"
    assert (olga["organisation_type"], olga["target_group"]) == ("self_employed", "cci_business")
    assert olga["attended"] is True


# --------------------------------------------------------------------------------------
# UTF-8 with BOM, Finnish headers, a quoted field with line breaks
# --------------------------------------------------------------------------------------

FINNISH_CSV = (
    "Sukunimi,Etunimi,Sähköposti,Organisaatio,Maa,Kaupunki,Puhelin,Kohderyhmä,Ilmoittautumispäivä,Osallistui,"
    "Lisätietoja\r\n"
    "Virtanen,Anna,anna.virtanen@luovaala.fi,Luova Ala Oy,Suomi,Rovaniemi,040 123 4567,luovan alan yritys,"
    "1.3.2017,kyllä,\r\n"
    'Korhonen,Mikko,mikko.korhonen@ulapland.fi,Lapin yliopisto,Suomi,Rovaniemi,,,2.3.2017,ei,"Saapuu junalla.\r\n'
    'Tarvitsee laskun, kiitos."\r\n'
    'Nieminen,Liisa,liisa.nieminen@kaamos.no,"Kulttuuriyhdistys Kaamos ry",Norja,Kirkenes,+47 912 34 567,,'
    '03.03.2017,kyllä,"Kasvisruoka"\r\n'
)


def test_bom_finnish_csv_with_multiline_field(tmp_path: Path) -> None:
    path = _write(tmp_path / "raw", "NB-ROV/osallistujat.csv", b"\xef\xbb\xbf" + FINNISH_CSV.encode("utf-8"))
    result = read_registration_file(path, "NB-ROV", raw_root=tmp_path / "raw")
    _assert_contract(result)
    assert (result.file.format, result.file.encoding, result.file.delimiter) == ("csv", "utf-8-sig", ",")
    assert result.file.header_row == 1
    assert result.file.unmapped_headers == ["Lisätietoja"]
    rows = _by_row(result.staged)
    assert sorted(rows) == [2, 3, 5]  # the third record starts on line 5 (line 3–4 is one record)
    virtanen, korhonen, nieminen = rows[2], rows[3], rows[5]
    assert virtanen["phone"] == "+358401234567"
    assert virtanen["city"] == "Rovaniemi"
    assert (virtanen["organisation_type"], virtanen["target_group"]) == ("sme", "cci_business")
    assert virtanen["registered_on"] == dt.date(2017, 3, 1)
    assert virtanen["attended"] is True
    assert (korhonen["organisation_type"], korhonen["target_group"]) == ("education", "education")
    assert korhonen["attended"] is False
    assert korhonen["phone"] is None
    assert (nieminen["country_code"], nieminen["phone"]) == ("NO", "+4791234567")
    assert (nieminen["organisation_type"], nieminen["target_group"]) == ("ngo", "support_organisation")
    assert nieminen["registered_on"] == dt.date(2017, 3, 3)


def test_multiline_record_row_number_in_quarantine(tmp_path: Path) -> None:
    text = FINNISH_CSV.replace("mikko.korhonen@ulapland.fi", "mikko.korhonen@", 1)
    path = _write(tmp_path / "raw", "NB-ROV/osallistujat.csv", text.encode("utf-8"))
    result = read_registration_file(path, "NB-ROV", raw_root=tmp_path / "raw")
    assert result.quarantined.select("source_row", "reason_code").rows() == [(3, "bad_email")]
    record = json.loads(result.quarantined["raw_record"].item())
    assert record["Lisätietoja"] == "Saapuu junalla.\r\nTarvitsee laskun, kiitos."
    assert sorted(_by_row(result.staged)) == [2, 5]


def test_cp1252_finnish_is_not_read_as_cp1251(tmp_path: Path) -> None:
    text = "Sukunimi;Etunimi;Sähköposti;Kaupunki\r\nMäkinen;Päivi;paivi.makinen@yle.fi;Jyväskylä\r\n"
    path = _write(tmp_path / "raw", "EV-JKL/lista.csv", text.encode("cp1252"))
    result = read_registration_file(path, "EV-JKL", raw_root=tmp_path / "raw")
    assert result.file.encoding == "cp1252"
    row = result.staged.row(0, named=True)
    assert (row["last_name"], row["first_name"], row["city"]) == ("Mäkinen", "Päivi", "Jyväskylä")


def test_excel_serial_dates_and_one_name_column(tmp_path: Path) -> None:
    text = "Name,Email,Registered,Country\nAnna Virtanen,anna@luovaala.fi,42475,FIN\nJan van der Berg,jan@vdb.nl,42476.5,NL\n"
    path = _write(tmp_path / "raw", "EV-X/export.csv", text.encode("utf-8"))
    result = read_registration_file(path, "EV-X", raw_root=tmp_path / "raw")
    rows = _by_row(result.staged)
    assert rows[2]["registered_on"] == dt.date(2016, 4, 15)
    assert (rows[2]["first_name"], rows[2]["last_name"], rows[2]["country_code"]) == ("Anna", "Virtanen", "FI")
    assert rows[3]["registered_on"] == dt.date(2016, 4, 16)
    assert (rows[3]["first_name"], rows[3]["last_name"], rows[3]["country_code"]) == ("Jan", "van der Berg", "NL")


def test_excel_sep_line_and_month_first_dates(tmp_path: Path) -> None:
    text = "sep=;\nName;Email;Date\nAnna Virtanen;anna@x.fi;4/14/2016\nErik Berg;erik@x.se;4/5/2016\n"
    path = _write(tmp_path / "raw", "EV-X/google.csv", text.encode("utf-8"))
    result = read_registration_file(path, "EV-X", raw_root=tmp_path / "raw")
    assert result.file.delimiter == ";" and result.file.header_row == 2
    rows = _by_row(result.staged)
    # 4/14/2016 can only be month-first, so the whole column is read month-first
    assert rows[3]["registered_on"] == dt.date(2016, 4, 14)
    assert rows[4]["registered_on"] == dt.date(2016, 4, 5)


def test_comma_file_with_semicolons_inside_quoted_fields(tmp_path: Path) -> None:
    text = (
        "First name,Last name,Email,Organisation\n"
        'Anna,Virtanen,anna@x.fi,"Luova Ala Oy; Rovaniemi; Lapland"\n'
        'Erik,Berg,erik@x.se,"Berg AB; Umeå"\n'
    )
    path = _write(tmp_path / "raw", "EV-X/form.csv", text.encode("utf-8"))
    result = read_registration_file(path, "EV-X", raw_root=tmp_path / "raw")
    assert result.file.delimiter == ","
    assert result.staged["organisation"].to_list() == ["Luova Ala Oy; Rovaniemi; Lapland", "Berg AB; Umeå"]


# --------------------------------------------------------------------------------------
# Unknown headers: the error, and the mapping.yml override that fixes it
# --------------------------------------------------------------------------------------

UNKNOWN_HEADERS_CSV = (
    "Henkilö;Yhteys;Firma;Valtio\n"
    "Anna Virtanen;anna.virtanen@luovaala.fi;Luova Ala Oy;Suomi\n"
    "Mikko Korhonen;mikko@korhonen.fi;Korhonen Tmi;Suomi\n"
)


def test_unknown_headers_error_names_file_headers_and_mapping(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = _write(raw, "EV-X/export.csv", UNKNOWN_HEADERS_CSV.encode("utf-8"))
    with pytest.raises(RegistrationFileError) as caught:
        read_registration_file(path, "EV-X", raw_root=raw)
    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError)
    assert "registrations/EV-X/export.csv" in message
    for header in ("'Henkilö'", "'Yhteys'", "'Firma'", "'Valtio'"):
        assert header in message
    assert "Missing" in message and "full_name" in message and "email" in message
    assert "'Firma' → organisation" in message  # what was recognised
    expected_snippet = (
        "sources:\n"
        '  - match: "EV-X/export.csv"\n'
        "    headers:\n"
        '      "Henkilö": full_name\n'
        '      "Yhteys": email'
    )
    assert error.mapping_snippet == expected_snippet
    assert expected_snippet in message
    assert error.headers_found == {"(text)": ["Henkilö", "Yhteys", "Firma", "Valtio"]}

    # the snippet, pasted into mapping.yml, makes the file loadable
    (raw / "registrations" / "mapping.yml").write_text(error.mapping_snippet + "\n", encoding="utf-8")
    result = read_registration_file(path, "EV-X", raw_root=raw)
    _assert_contract(result)
    assert result.file.overrides_applied == ["match='EV-X/export.csv'"]
    assert result.file.column_mapping == {
        "Henkilö": "full_name", "Yhteys": "email", "Firma": "organisation", "Valtio": "country",
    }
    rows = _by_row(result.staged)
    assert (rows[2]["first_name"], rows[2]["last_name"], rows[2]["email"]) == ("Anna", "Virtanen",
                                                                               "anna.virtanen@luovaala.fi")
    assert rows[3]["organisation_type"] == "self_employed"  # «Tmi»
    assert rows[3]["country_code"] == "FI"


def test_override_by_glob_and_event_and_explain_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = _write(raw, "JC-2016-05-TAL/export.csv", UNKNOWN_HEADERS_CSV.encode("utf-8"))
    report = explain_file(path, "JC-2016-05-TAL", raw_root=raw)
    assert report["ok"] is False
    assert report["headers_found"] == {"(text)": ["Henkilö", "Yhteys", "Firma", "Valtio"]}
    assert '"Henkilö": full_name' in report["mapping_snippet"]
    json.dumps(report)

    (raw / "registrations" / "mapping.yml").write_text(
        "sources:\n"
        '  - match: "JC-2016-05-*/*.csv"\n'
        "    headers:\n"
        '      "henkilö": full_name\n'  # keys are case-insensitive
        "  - event: JC-2016-05-TAL\n"
        "    headers:\n"
        "      YHTEYS: email\n"
        "      Firma: ignore\n",
        encoding="utf-8",
    )
    overrides = load_overrides(raw)
    result = read_registration_file(path, "JC-2016-05-TAL", raw_root=raw, overrides=overrides)
    assert result.file.column_mapping == {"Henkilö": "full_name", "Yhteys": "email", "Valtio": "country"}
    assert result.staged["organisation"].to_list() == [None, None]
    assert explain_file(path, "JC-2016-05-TAL", raw_root=raw)["ok"] is True
    # another event's file matches the glob entry but not the event entry
    other = _write(raw, "JC-2016-05-HEL/export.csv", UNKNOWN_HEADERS_CSV.encode("utf-8"))
    result = read_registration_file(other, "JC-2016-05-HEL", raw_root=raw, overrides=overrides)
    assert result.file.column_mapping == {"Henkilö": "full_name", "Firma": "organisation", "Valtio": "country"}
    assert result.staged["email"].to_list() == [None, None]
    # and a file outside the glob is not matched at all
    elsewhere = _write(raw, "EV-2017-HEL/export.csv", UNKNOWN_HEADERS_CSV.encode("utf-8"))
    with pytest.raises(RegistrationFileError):
        read_registration_file(elsewhere, "EV-2017-HEL", raw_root=raw, overrides=overrides)


def test_mapping_file_with_unknown_field_is_refused(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "registrations").mkdir(parents=True)
    (raw / "registrations" / "mapping.yml").write_text(
        'sources:\n  - match: "*.csv"\n    headers:\n      "Henkilö": FIELD\n', encoding="utf-8"
    )
    with pytest.raises(MappingFileError, match="'Henkilö' maps to 'FIELD'"):
        load_overrides(raw)


def test_unreadable_files(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    empty = _write(raw, "EV-X/empty.csv", b"")
    with pytest.raises(RegistrationFileError, match="registrations/EV-X/empty.csv: the file is empty"):
        read_registration_file(empty, "EV-X", raw_root=raw)
    broken = _write(raw, "EV-X/broken.xlsx", b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(RegistrationFileError, match="registrations/EV-X/broken.xlsx"):
        read_registration_file(broken, "EV-X", raw_root=raw)
    with pytest.raises(RegistrationFileError, match="missing.csv"):
        read_registration_file(raw / "registrations" / "EV-X" / "missing.csv", "EV-X", raw_root=raw)


def test_repeated_header_and_tick_column(tmp_path: Path) -> None:
    text = (
        "Name,Email,Attended\n"
        "Anna Virtanen,anna@x.fi,x\n"
        "Erik Berg,erik@x.se,\n"
        "Name,Email,Attended\n"  # a second list pasted below the first
        "Olga Ivanova,olga@x.ru,X\n"
    )
    path = _write(tmp_path / "raw", "EV-X/pasted.csv", text.encode("utf-8"))
    result = read_registration_file(path, "EV-X", raw_root=tmp_path / "raw")
    _assert_contract(result)
    assert result.quarantined.select("source_row", "reason_code").rows() == [(4, "empty_row")]
    assert "repeated header" in result.quarantined["reason_detail"].item()
    assert dict(zip(result.staged["source_row"], result.staged["attended"])) == {2: True, 3: False, 5: True}


def test_mapping_forces_header_row_encoding_and_delimiter(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    # a one-column «list» whose header names nothing we know, in KOI8-R
    text = "Участники\nИванова Мария\nПетров Олег\n"
    path = _write(raw, "EV-K/list.txt", text.encode("koi8-r"))
    (raw / "registrations" / "mapping.yml").write_text(
        "sources:\n"
        "  - match: EV-K/list.txt\n"
        "    encoding: koi8-r\n"
        '    delimiter: "\\t"\n'
        "    header_row: 1\n"
        "    headers:\n"
        "      Участники: full_name\n",
        encoding="utf-8",
    )
    result = read_registration_file(path, "EV-K", raw_root=raw)
    assert (result.file.encoding, result.file.delimiter, result.file.header_row) == ("koi8-r", "\t", 1)
    assert result.staged.select("last_name", "first_name").rows() == [("Иванова", "Мария"), ("Петров", "Олег")]


def test_file_without_header_row_says_so(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    path = _write(raw, "EV-X/noheader.csv", "Anna Virtanen;anna@x.fi;Suomi\nErik Berg;erik@x.se;Sverige\n".encode())
    with pytest.raises(RegistrationFileError) as caught:
        read_registration_file(path, "EV-X", raw_root=raw)
    message = str(caught.value)
    assert "registrations/EV-X/noheader.csv" in message
    assert "no header row" in message and "'anna@x.fi'" in message
    assert caught.value.mapping_snippet is None
