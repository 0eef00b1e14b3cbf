"""Rosstat .xls/.xlsx tables and fedstat CSV exports.

Expected values were read by hand from the raw files (openpyxl/xlrd dumps of every row,
grep on the CSV); each test says where they come from.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.statistics import StatisticsFormatError, read_statistics_file
from pipelines.statistics.rosstat import parse_rosstat_period, parse_year

MISSING = "no row"
XLS_806 = "365-367 численность работников на предприятиях малого и среднего бизнеса.xls"


# --- periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "label", "period"),
    [
        (2015, None, "2015"),
        (2015, "январь-декабрь 2", "2015"),  # footnote digit dropped
        (2015, "I квартал ", "2015Q1"),
        (2015, "январь-март", "2015Q1"),  # the same span, the same period
        (2015, "III квартал", "2015Q3"),
        (2015, "январь-июнь", "2015S1"),
        (2015, "I полугодие", "2015S1"),
        (2015, "январь–сентябрь 6", "2015-01/2015-09"),
        (2015, "9 месяцев", "2015-01/2015-09"),
        (2015, "январь - май", "2015-01/2015-05"),
        (2015, "март", "2015-03"),
        (2017, "на 1 октября", "2017-10-01"),
        (2017, "на 1 января", "2017-01-01"),
        (2017, "на конец года", "2017-12-31"),
        (2015, "Отчёт о работе", None),
    ],
)
def test_rosstat_period_labels(year: int, label: str | None, period: str | None) -> None:
    assert parse_rosstat_period(year, label) == period


@pytest.mark.parametrize(
    ("text", "year"),
    [("1998г.", 1998), ("2010 год ", 2010), ("2014", 2014), ("2012.0", 2012), ("2015 г.", 2015),
     ("I квартал", None), ("в 1998-2014гг.", None), (None, None)],
)  # fmt: skip
def test_header_years(text: str | None, year: int | None) -> None:
    assert parse_year(text) == year


# --- real files ------------------------------------------------------------------------


@pytest.mark.reference_data
def test_vrp98_14_xlsx(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "rosstat" / "vrp98-14.xlsx")
    assert (table.dataset, table.source_format) == ("vrp98-14", "rosstat_xlsx")
    assert table.title == "Валовой региональный продукт по субъектам Российской Федерации в 1998-2014гг."
    assert table.unit == "в текущих  ценах;миллионов рублей"
    assert table.notes == ["Обновлено 16.05.2016"]
    assert table.dimensions == []
    rows = table.rows
    # openpyxl dump (data_only=True), row 'Мурманская область': 22675.9 (1998) ... 320275.7 (2014)
    assert cell(rows, region="RU-MUR", period="1998") == (22675.9, None)
    assert cell(rows, region="RU-MUR", period="2014") == (320275.7, None)
    # row '  в т.ч. Ненецкий авт. округ': '…', '…', 11924 (2000), ..., 183699.8 (2014)
    assert cell(rows, region="RU-NEN", period="1998") == MISSING
    assert cell(rows, region="RU-NEN", period="2000") == (11924.0, None)
    # row '  Архангельская область без Ненецкого авт.округа': 2014 is 356433.80000000005
    assert cell(rows, region="RU-ARK", period="2014") == (356433.8, None)
    assert cell(rows, region="RU-ARK", period="2010") == MISSING  # '…'
    # row 'Архангельская область' (with the okrug): 22435.5 (1998), 540133.6 (2014)
    assert cell(rows, region="RU-ARK+NEN", period="1998") == (22435.5, None)
    assert cell(rows, region="RU-ARK+NEN", period="2014") == (540133.6, None)
    # the RF row is labelled with the title wording and holds formulas: cached 2251977.5
    assert cell(rows, region="RU", period="1998") == (2251977.5, None)
    # 'Северо-Западный федеральный округ' = SUM(...)-NAO, cached 240785 for 1998
    assert cell(rows, region="RU-NWFD", period="1998") == (240785.0, None)
    # 'Ханты-Мансийский …' 2000 = 403822.2; 'Тюменская область (без …)' 2011 = 706053
    assert cell(rows, region="RU-KHM", period="2000") == (403822.2, None)
    assert cell(rows, region="RU-TYU", period="2011") == (706053.0, None)
    assert cell(rows, region="RU-TYU+KHM+YAN", period="1998") == (188611.3, None)
    # 'Республика Крым' only for 2014: 137924.8; 'г.Севастополь' 17694.7
    assert cell(rows, region="UA-43", period="2014") == (137924.8, None)
    assert cell(rows, region="UA-40", period="2014") == (17694.7, None)
    assert cell(rows, region="UA-43", period="2013") == MISSING  # empty cell
    # 'Краснодарский край' 2013 is 1662969.0999999999 in the file
    assert cell(rows, region="RU-KDA", period="2013") == (1662969.1, None)
    assert rows.get_column("period").unique().sort().to_list() == [str(y) for y in range(1998, 2015)]


@pytest.mark.reference_data
def test_nenets_is_not_double_counted_in_vrp(reference_data: Path) -> None:
    rows = read_statistics_file(reference_data / "rosstat" / "vrp98-14.xlsx").rows
    by_region = dict(rows.filter(pl.col("period") == "2014").select("region", "value").rows())
    # 540133.6 (with okrug) = 356433.8 (without) + 183699.8 (okrug), as in the file
    assert by_region["RU-ARK+NEN"] == pytest.approx(by_region["RU-ARK"] + by_region["RU-NEN"])
    # the eleven NW subjects sum to the district (the file's own formula subtracts the okrug)
    nw_subjects = ["RU-KR", "RU-KO", "RU-ARK", "RU-NEN", "RU-VLG", "RU-KGD", "RU-LEN", "RU-MUR",
                   "RU-NGR", "RU-PSK", "RU-SPE"]  # fmt: skip
    assert sum(by_region[code] for code in nw_subjects) == pytest.approx(by_region["RU-NWFD"])


@pytest.mark.reference_data
def test_806_xls_with_year_blocks_and_period_labels(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "rosstat" / XLS_806)
    assert table.source_format == "rosstat_xls"
    assert table.dataset == "365-367_chislennost_rabotnikov_na_predpriyatiyakh_malogo_i_srednego_biznesa"
    assert table.title == "Среднесписочная численность работников на предприятиях малого и среднего бизнеса (оценка)"
    assert table.unit == "Тыс.человек"
    rows = table.rows
    # xlrd dump, header rows 2-3: '2010 год ', '2011 год', then '2012 год' over
    # 'I квартал ', 'январь-июнь', 'январь-сентябрь', 'январь-декабрь 2', the same for
    # 2013 and 2014, and 2015 with three columns ending 'январь-сентябрь 6'.
    expected_periods = {"2010", "2011"} | {
        f"{year}{suffix}" for year in (2012, 2013, 2014) for suffix in ("Q1", "S1", "-01/%d-09" % year, "")
    } | {"2015Q1", "2015S1", "2015-01/2015-09"}
    assert set(rows.get_column("period").unique()) == expected_periods
    # row 4 'Российская Федерация 3': 12216.9 (2010) ... 12212.2 (2015 Jan-Sep)
    assert cell(rows, region="RU", period="2010") == (12216.9, None)
    assert cell(rows, region="RU", period="2015-01/2015-09") == (12212.2, None)
    # row 33 'Мурманская область': 69.8, 61.2, 50.3 (2012 Q1), 53.1, 55.2, 55.9 (2012) ... 49.6
    assert cell(rows, region="RU-MUR", period="2010") == (69.8, None)
    assert cell(rows, region="RU-MUR", period="2012Q1") == (50.3, None)
    assert cell(rows, region="RU-MUR", period="2012") == (55.9, None)
    assert cell(rows, region="RU-MUR", period="2015-01/2015-09") == (49.6, None)
    # row 28 'в том числе … Ненецкий авт.округ': 2014 Q1 is 3.4; row 29 'Архангельская
    # область без авт.округа 5': empty until 2013 (74.1), then 71.93 (2014 Q1)
    assert cell(rows, region="RU-NEN", period="2014Q1") == (3.4, None)
    assert cell(rows, region="RU-ARK", period="2013") == (74.1, None)
    assert cell(rows, region="RU-ARK", period="2014Q1") == (71.93, None)
    assert cell(rows, region="RU-ARK", period="2012") == MISSING
    assert cell(rows, region="RU-ARK+NEN", period="2013") == (77.6, None)
    # rows 71-73: KhMAO 123.0, YaNAO 38.1 (2010); 'Тюменская область без авт.округов 5' 137.3 (2013)
    assert cell(rows, region="RU-KHM", period="2010") == (123.0, None)
    assert cell(rows, region="RU-YAN", period="2010") == (38.1, None)
    assert cell(rows, region="RU-TYU", period="2013") == (137.3, None)
    # rows 98-100: Crimea '…' until 2014 (44.9 for the district in 2014)
    assert cell(rows, region="RU-KRFD", period="2014") == (44.9, None)
    assert cell(rows, region="UA-43", period="2014Q1") == MISSING
    assert cell(rows, region="UA-40", period="2015-01/2015-09") == (19.665, None)
    # free-text footnotes at the bottom (rows 102-118) leave no trace
    assert rows.get_column("region").n_unique() == 97


@pytest.mark.reference_data
def test_fedstat_csv(reference_data: Path, cell) -> None:
    table = read_statistics_file(reference_data / "rosstat" / "rosstat-org-stats.csv")
    assert (table.dataset, table.source_format) == ("rosstat-org-stats", "fedstat_csv")
    assert table.dimensions == ["ownership", "activity", "activity_level", "activity_parent"]
    assert table.unit == "единица"
    rows = table.rows
    assert rows.get_column("region").n_unique() == 85
    assert rows.get_column("period").unique().sort().to_list() == [f"{y}-10-01" for y in range(2017, 2023)]
    total = "ВСЕГО (по всем формам собственности)"
    # grep 'Мурманская область,    Деятельность издательская' -> ,,,51,43,38,38
    publishing = rows.filter(pl.col("activity") == "Деятельность издательская")
    assert cell(publishing, ownership=total, region="RU-MUR", period="2019-10-01") == (51.0, None)
    assert cell(publishing, ownership=total, region="RU-MUR", period="2022-10-01") == (38.0, None)
    assert cell(publishing, ownership=total, region="RU-MUR", period="2017-10-01") == MISSING
    assert publishing.select("activity_level", "activity_parent").unique().rows() == [
        ("2", "ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ ИНФОРМАЦИИ И СВЯЗИ")
    ]
    # grep 'Мурманская область,"ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ КУЛЬТУРЫ' -> ,,,369,379,402,409
    culture = rows.filter(pl.col("activity").str.starts_with("ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ КУЛЬТУРЫ"))
    assert cell(culture, region="RU-MUR", period="2022-10-01") == (409.0, None)
    assert culture.select("activity_level", "activity_parent").unique().rows() == [("1", None)]
    # grep 'Санкт-Петербург.*Деятельность информационных агентств' (12 spaces) -> 188 (2019)
    agencies = rows.filter(pl.col("activity") == "Деятельность информационных агентств")
    assert cell(agencies, region="RU-SPE", period="2019-10-01") == (188.0, None)
    assert agencies.get_column("activity_level").unique().to_list() == ["4"]
    totals = rows.filter(pl.col("activity").str.starts_with("Всего по обследуемым"))
    assert cell(totals, region="RU-MUR", period="2017-10-01") == (18376.0, None)
    assert totals.get_column("activity_level").unique().to_list() == ["0"]


@pytest.mark.reference_data
def test_fedstat_nenets_split_adds_up(reference_data: Path, cell) -> None:
    rows = read_statistics_file(reference_data / "rosstat" / "rosstat-org-stats.csv").rows
    totals = rows.filter(pl.col("activity").str.starts_with("Всего по обследуемым"))
    # grep -E '(Архангельская область|Ненецкий …|… (кроме …)),Всего' -> 23397, 1056, 22341 (2017)
    assert cell(totals, region="RU-ARK+NEN", period="2017-10-01") == (23397.0, None)
    assert cell(totals, region="RU-NEN", period="2017-10-01") == (1056.0, None)
    assert cell(totals, region="RU-ARK", period="2017-10-01") == (22341.0, None)
    assert 22341.0 + 1056.0 == 23397.0


# --- own fixtures ----------------------------------------------------------------------


def _rosstat_workbook(path: Path) -> Path:
    """A small Rosstat-shaped table: title rows, footnotes, «…», «в том числе» rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Лист1"
    sheet["A1"] = "Обновлено 01.06.2017"
    sheet["B2"] = "Число музеев по субъектам Российской Федерации 1"
    sheet.merge_cells("B2:E2")
    sheet["B3"] = "(единиц)"
    sheet.append([])
    sheet.append([None, "2014г.", "2015г.", "2016г."])  # row 5: the header
    sheet.append([])
    rows = [
        ["Российская Федерация 2", 2700, 2731, "2742"],
        ["Северо-Западный федеральный округ", 420, 425.00000000000006, 431],
        ["Архангельская область", 31, 32, 33],
        ["  в том числе   Ненецкий   авт. округ", 2, "…", 3],
        ["  Архангельская область без авт. округа 3", 29, "...", 30],
        ["г. Санкт-Петербург", 84, "-", "1 234,5"],
        ["Республика   Карелия", None, 18, "x"],
        [None, None, None, None],
        ["1 Без учета филиалов.", None, None, None],
        ["2 Включая Республику Крым и г. Севастополь.", None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_rosstat_shaped_xlsx(tmp_path: Path, cell) -> None:
    table = read_statistics_file(_rosstat_workbook(tmp_path / "Музеи 2014-2016.xlsx"))
    assert table.dataset == "muzei_2014-2016"
    assert table.title == "Число музеев по субъектам Российской Федерации"
    assert table.unit == "единиц"
    rows = table.rows
    assert cell(rows, region="RU", period="2016") == (2742.0, None)
    assert cell(rows, region="RU-NWFD", period="2015") == (425.0, None)  # float noise rounded
    assert cell(rows, region="RU-ARK+NEN", period="2014") == (31.0, None)
    assert cell(rows, region="RU-NEN", period="2014") == (2.0, None)
    assert cell(rows, region="RU-NEN", period="2015") == MISSING  # «…»
    assert cell(rows, region="RU-ARK", period="2015") == MISSING  # «...»
    assert cell(rows, region="RU-ARK", period="2016") == (30.0, None)
    assert cell(rows, region="RU-SPE", period="2015") == (None, "-")  # no phenomenon, not 0
    assert cell(rows, region="RU-SPE", period="2016") == (1234.5, None)
    assert cell(rows, region="RU-KR", period="2014") == MISSING  # empty cell
    assert cell(rows, region="RU-KR", period="2016") == (None, "c")  # «x»: confidential
    assert rows.height == 7 * 3 - 3  # seven region rows, three years, three cells without data
    kept = read_statistics_file(tmp_path / "Музеи 2014-2016.xlsx", keep_missing=True).rows
    assert cell(kept, region="RU-NEN", period="2015") == (None, None)


def test_rosstat_xlsx_with_year_blocks(tmp_path: Path, cell) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Оборот организаций культуры"])
    sheet.append(["млн рублей"])
    sheet.append([None, "2016 год", None, None, None, "2017 год", None])
    sheet.append([None, "I квартал", "январь-июнь", "январь-сентябрь", "январь-декабрь", "январь-март", "январь-июнь 1"])
    sheet.append(["Мурманская область", 1.5, 3.25, 5, 7, 1.75, 3.5])
    path = tmp_path / "oborot.xlsx"
    book.save(path)
    rows = read_statistics_file(path).rows
    assert rows.select("period", "value").rows() == [
        ("2016", 7.0),
        ("2016-01/2016-09", 5.0),
        ("2016Q1", 1.5),
        ("2016S1", 3.25),
        ("2017Q1", 1.75),
        ("2017S1", 3.5),
    ]


def test_unknown_region_label_is_an_error_naming_it(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Таблица"])
    sheet.append([None, "2015"])
    sheet.append(["Мурманская область", 1])
    sheet.append(["Атлантида 4", 2])
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(StatisticsFormatError, match=r"t\.xlsx.*not Russian regions.*'Атлантида'"):
        read_statistics_file(tmp_path / "t.xlsx")


def test_xlsx_formulas_without_saved_values_are_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([None, "2015"])
    sheet.append(["Мурманская область", 1])
    sheet.append(["Псковская область", 2])
    sheet.append(["Северо-Западный федеральный округ", "=B2+B3"])  # openpyxl saves no result
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(StatisticsFormatError, match="formulas without saved results"):
        read_statistics_file(tmp_path / "f.xlsx")


def test_sheet_without_a_year_header_is_not_a_table(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Имя", "Фамилия"])
    book.save(tmp_path / "people.xlsx")
    with pytest.raises(StatisticsFormatError, match=r"people\.xlsx.*header row of years"):
        read_statistics_file(tmp_path / "people.xlsx")


def test_fedstat_csv_in_cp1251_with_indented_activities(tmp_path: Path, cell) -> None:
    text = (
        "Численность работников (человек)\n"
        ",,,\n"
        ",,,2020,2021\n"
        "Всего,    Республика Карелия,ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА,10,11\n"
        "Всего,    Республика Карелия,        Деятельность полиграфическая,2,\n"
        "Всего,    Республика Карелия,Всего по видам деятельности,40,42\n"
        "Всего,        Ненецкий автономный округ (Архангельская область),ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА,1,1\n"
    )
    path = tmp_path / "fedstat.csv"
    path.write_bytes(text.encode("cp1251"))
    table = read_statistics_file(path)
    assert table.source_format == "fedstat_csv"
    assert table.unit == "человек"
    assert table.dimensions == ["dimension_1", "activity", "activity_level", "activity_parent"]
    rows = table.rows
    printing = rows.filter(pl.col("activity") == "Деятельность полиграфическая")
    assert cell(printing, region="RU-KR", period="2020") == (2.0, None)
    assert cell(printing, region="RU-KR", period="2021") == MISSING
    assert printing.select("activity_level", "activity_parent").row(0) == ("2", "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА")
    assert cell(rows.filter(pl.col("activity_level") == "0"), region="RU-KR", period="2021") == (42.0, None)
    assert cell(rows, dimension_1="Всего", activity="ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА", region="RU-NEN", period="2021") == (1.0, None)


def test_numbers_with_glued_footnotes_or_unknown_period_labels_fail(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append([None, "2015"])
    book.active.append(["Мурманская область", "12.5 1"])
    book.save(tmp_path / "n.xlsx")
    with pytest.raises(StatisticsFormatError, match=r"n\.xlsx.*'12\.5 1'.*row 2"):
        read_statistics_file(tmp_path / "n.xlsx")
    book = openpyxl.Workbook()
    book.active.append([None, "2015 год", None])
    book.active.append([None, "январь-март", "за неделю"])
    book.active.append(["Мурманская область", 1, 2])
    book.save(tmp_path / "p.xlsx")
    with pytest.raises(StatisticsFormatError, match=r"p\.xlsx.*unknown period label 'за неделю'"):
        read_statistics_file(tmp_path / "p.xlsx")
