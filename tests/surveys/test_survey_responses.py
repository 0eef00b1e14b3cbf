"""Reading wide response exports (CSV and XLSX, item codes or question texts as headers, answers
in four languages) into answers and quarantine, with the reconciliation counts."""

from __future__ import annotations

import datetime as dt

import openpyxl
import polars as pl
import pytest

from pipelines.surveys.responses import SurveyFileError, read_survey_file
from tests.surveys.conftest import POLICY_ITEMS, csv_bytes

TEXT = {lang: {code: texts[i] for code, _dim, *texts, _rev in POLICY_ITEMS}
        for i, lang in enumerate(("en", "ru", "fi", "sv"))}


def _reconciles(file: dict) -> bool:
    return file["answers_read"] == (file["answers_scored"] + file["answers_dont_know"]
                                    + file["answers_not_applicable"] + file["answers_quarantined"])


def _statuses(result) -> dict[tuple[int, str], str]:
    answers = {(r["source_row"], r["item_code"]): r["answer_status"] for r in result.answers.iter_rows(named=True)}
    for r in result.quarantined.iter_rows(named=True):
        answers[(r["source_row"], r["item_code"] or r["column_header"])] = r["reason_code"]
    return answers


def test_english_csv_with_item_codes(policy_dir, policy_codebook):
    path = policy_dir / "policy_survey_2019_en.csv"
    path.write_bytes(csv_bytes([
        ["Respondent ID", "IP Address", "End Date", "Country", "Role", "Organisation type", "FUN1", "FUN2", "STR1",
         "EXP9"],
        ["1001", "10.0.0.1", "2019-03-04", "Finland", "policy maker", "public body", "agree", "1", "don't know", "3"],
        ["1002", "10.0.0.2", "2019-03-05", "Norway", "entrepreneur", "SME", "5", "strongly disagree", "", "2"],
        ["1003", "10.0.0.3", "2019-03-05", "Atlantis", "lecturer", "university", "4", "4", "4", ""],
        ["1004", "10.0.0.4", "2019-03-06", "Sweden", "manager", "SME", "6", "3.5", "somewhat", ""],
    ]))
    result = read_survey_file(path, policy_codebook, raw_root=policy_dir.parent.parent, require_country=True)
    statuses = _statuses(result)
    assert statuses[(2, "FUN1")] == "scored" and statuses[(2, "FUN2")] == "scored"
    assert statuses[(2, "STR1")] == "dont_know"
    assert statuses[(2, "EXP9")] == "unknown_item" and statuses[(3, "EXP9")] == "unknown_item"
    assert (3, "STR1") not in statuses  # blank: item non-response, no answer
    assert [statuses[(4, c)] for c in ("FUN1", "FUN2", "STR1")] == ["unknown_country"] * 3
    assert [statuses[(5, c)] for c in ("FUN1", "FUN2", "STR1")] == ["out_of_range", "not_a_scale_value", "unknown_label"]
    scores = {(r["source_row"], r["item_code"]): r["score"] for r in result.answers.iter_rows(named=True)}
    assert scores[(2, "FUN1")] == 4.0 and scores[(2, "FUN2")] == 5.0  # FUN2 reverse coded: 1 -> 5
    assert scores[(3, "FUN1")] == 5.0 and scores[(3, "FUN2")] == 5.0  # "strongly disagree" = 1 -> 5
    file = result.file
    assert (file["answers_read"], file["answers_scored"], file["answers_dont_know"], file["answers_quarantined"],
            file["answers_blank"]) == (13, 4, 1, 8, 1)
    assert _reconciles(file)
    assert result.answers.height + result.quarantined.height == file["answers_read"]
    assert file["unknown_columns"] == "EXP9" and file["ignored_columns"] == "IP Address"
    responses = {r["respondent_id"]: r for r in result.responses.iter_rows(named=True)}
    assert responses["1001"]["country_code"] == "FI" and responses["1001"]["submitted_on"] == dt.date(2019, 3, 4)
    assert responses["1001"]["organisation_type"] == "public_body"
    assert responses["1003"]["response_status"] == "unknown_country" and responses["1003"]["country_code"] is None


def test_russian_xlsx_with_question_texts_title_row_and_a_repeated_respondent(policy_dir, policy_codebook):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Ответы"
    sheet.append(["Опрос о политике в сфере креативных индустрий, 2017"])
    sheet.append(["№", "Отметка времени", "Страна", "Должность", "Тип организации",
                  TEXT["ru"]["FUN1"], TEXT["ru"]["FUN2"], TEXT["ru"]["STR1"]])
    sheet.append([1, dt.datetime(2017, 3, 2, 10, 5), "Россия", "специалист", "НКО", "скорее согласен",
                  "полностью согласен", "затрудняюсь ответить"])
    sheet.append([2, dt.datetime(2017, 3, 2, 11, 0), "Россия", "предприниматель", "ООО", 1, 1, 1])
    sheet.append([2, dt.datetime(2017, 3, 3, 9, 30), "Россия", "предприниматель", "ООО", 3, 9, 2])
    path = policy_dir / "opros_2017.xlsx"
    workbook.save(path)
    result = read_survey_file(path, policy_codebook, require_country=True)
    statuses = _statuses(result)
    assert [statuses[(3, c)] for c in ("FUN1", "FUN2", "STR1")] == ["scored", "scored", "dont_know"]
    assert [statuses[(4, c)] for c in ("FUN1", "FUN2", "STR1")] == ["duplicate_response"] * 3
    assert [statuses[(5, c)] for c in ("FUN1", "FUN2", "STR1")] == ["scored", "not_applicable", "scored"]
    scores = {(r["source_row"], r["item_code"]): r["score"] for r in result.answers.iter_rows(named=True)}
    assert scores[(3, "FUN1")] == 4.0 and scores[(3, "FUN2")] == 1.0 and scores[(5, "STR1")] == 2.0
    assert result.file["source_sheet"] == "Ответы"
    assert (result.file["answers_read"], result.file["answers_scored"], result.file["answers_dont_know"],
            result.file["answers_not_applicable"], result.file["answers_quarantined"]) == (9, 4, 1, 1, 3)
    assert _reconciles(result.file)
    matched = set(result.answers["matched_as"])
    assert {"label_ru", "number", "code"} <= matched


def test_finnish_webropol_csv_with_semicolons_and_bom(policy_dir, policy_codebook):
    path = policy_dir / "kysely_2017.csv"
    path.write_bytes(csv_bytes([
        ["Vastaaja", "Aikaleima", "Kieli", "Maa", TEXT["fi"]["FUN1"], TEXT["fi"]["FUN2"], TEXT["fi"]["STR1"]],
        ["1", "14.3.2017 12:01", "suomi", "Suomi", "jokseenkin samaa mieltä", "täysin eri mieltä", "en osaa sanoa"],
        ["2", "15.3.2017 08:40", "svenska", "Finland", "Täysin samaa mieltä", "ei koske minua", "kyllä"],
    ], delimiter=";", encoding="utf-8-sig"))
    result = read_survey_file(path, policy_codebook, require_country=True)
    statuses = _statuses(result)
    assert [statuses[(2, c)] for c in ("FUN1", "FUN2", "STR1")] == ["scored", "scored", "dont_know"]
    assert [statuses[(3, c)] for c in ("FUN1", "FUN2", "STR1")] == ["scored", "not_applicable", "unknown_label"]
    scores = {(r["source_row"], r["item_code"]): r["score"] for r in result.answers.iter_rows(named=True)}
    assert scores[(2, "FUN1")] == 4.0 and scores[(2, "FUN2")] == 5.0 and scores[(3, "FUN1")] == 5.0
    assert set(result.responses["country_code"]) == {"FI"}
    assert result.responses["submitted_on"].to_list() == [dt.date(2017, 3, 14), dt.date(2017, 3, 15)]
    assert result.file["ignored_columns"] == "Kieli"
    assert _reconciles(result.file)


def test_swedish_xlsx_with_swedish_question_texts(policy_dir, policy_codebook):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Svars-ID", "Land", "Roll", TEXT["sv"]["FUN1"], TEXT["sv"]["FUN2"], TEXT["sv"]["STR1"]])
    sheet.append(["S1", "Sverige", "tjänsteman", "delvis av samma åsikt", "helt av annan åsikt", "vet inte"])
    sheet.append(["S2", "Sverige", "företagare", "helt av samma åsikt", 2, "ej tillämpligt"])
    path = policy_dir / "enkat_2017.xlsx"
    workbook.save(path)
    result = read_survey_file(path, policy_codebook, require_country=True)
    answers = {(r["source_row"], r["item_code"]): (r["answer_status"], r["score"])
               for r in result.answers.iter_rows(named=True)}
    assert answers == {
        (2, "FUN1"): ("scored", 4.0), (2, "FUN2"): ("scored", 5.0), (2, "STR1"): ("dont_know", None),
        (3, "FUN1"): ("scored", 5.0), (3, "FUN2"): ("scored", 4.0), (3, "STR1"): ("not_applicable", None),
    }
    assert result.quarantined.height == 0 and _reconciles(result.file)
    assert result.responses["role"].to_list() == ["tjänsteman", "företagare"]


def test_a_file_whose_headers_name_no_item_fails_with_the_reason(policy_dir, policy_codebook):
    path = policy_dir / "participants.csv"
    path.write_bytes(csv_bytes([["Name", "Email"], ["Anna", "anna@example.fi"]]))
    with pytest.raises(SurveyFileError, match="no column header names an item"):
        read_survey_file(path, policy_codebook)


def test_answers_under_a_column_without_header_are_quarantined_not_dropped(policy_dir, policy_codebook):
    path = policy_dir / "export.csv"
    path.write_bytes(csv_bytes([["Country", "FUN1", ""], ["FI", "4", "5"]]))
    result = read_survey_file(path, policy_codebook, require_country=True)
    assert result.quarantined["reason_code"].to_list() == ["unknown_item"]
    assert result.file["answers_read"] == 2 and _reconciles(result.file)
    assert isinstance(result.answers, pl.DataFrame) and result.answers.height == 1
