"""The survey ingest assets on a small data directory, and the blocking reconciliation check:
it passes on what the assets write and fails when an answer goes missing."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs import surveys
from tests.surveys.conftest import csv_bytes, write_policy_codebook


def _followup_folder(folder):
    folder.mkdir(parents=True)
    (folder / "surveys.csv").write_bytes(csv_bytes([
        ["survey_id", "project_id", "file", "fielded_from", "fielded_to"],
        ["JC-FU-2017", "JC", "followup_en.csv", "2017-09-04", "2017-10-13"],
    ]))
    (folder / "codebook.csv").write_bytes(csv_bytes([
        ["item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max", "reverse_coded", "label_set"],
        ["FU1", "new_contacts_abroad", "How many new contacts abroad did you make?", "Сколько новых контактов?", 0, "",
         "false", "count"],
        ["FU6", "satisfaction", "How satisfied are you?", "Насколько вы удовлетворены?", 1, 5, "false", "satisfaction"],
    ]))
    (folder / "scale_labels.csv").write_bytes(csv_bytes([
        ["label_set", "value", "kind", "label_en", "label_ru", "label_fi", "label_sv"],
        ["count", 0, "scale", "none", "ни одного", "ei yhtään", "inga"],
        ["satisfaction", 1, "scale", "very dissatisfied", "очень недоволен", "erittäin tyytymätön", "mycket missnöjd"],
        ["satisfaction", 5, "scale", "very satisfied", "очень доволен", "erittäin tyytyväinen", "mycket nöjd"],
    ]))
    (folder / "followup_en.csv").write_bytes(csv_bytes([
        ["Email", "First name", "Last name", "Organisation", "Country",
         "How many new contacts abroad did you make?", "How satisfied are you?"],
        ["anna@luova.fi", "Anna", "Virtanen", "Luova Oy", "Finland", "3", "very satisfied"],
        ["ivan@sever.ru", "Ivan", "Petrov", "Sever", "Russia", "several", "7"],
    ]))
    (folder / "late_export.csv").write_bytes(csv_bytes([["Email", "How satisfied are you?"], ["x@y.fi", "5"]]))


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    write_policy_codebook(raw / "surveys" / "policy")
    (raw / "surveys" / "policy" / "policy_survey_2017.csv").write_bytes(csv_bytes([
        ["respondent_id", "country", "FUN1", "FUN2", "STR1", "OLD9"],
        ["R1", "FI", "4", "agree", "8", "2"],
        ["R2", "RU", "6", "скорее согласен", "", ""],
    ]))
    _followup_folder(raw / "surveys" / "followup")
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "data"))
    database = tmp_path / "w.duckdb"
    result = dg.materialize([surveys.raw_policy_survey, surveys.raw_followup_survey],
                            resources={"duckdb": DuckDBResource(database=str(database))})
    assert result.success
    return database


def _check(definition, database):
    return definition(dg.build_asset_check_context(resources={"duckdb": DuckDBResource(database=str(database))}))


def test_ingest_writes_answers_quarantine_and_scores(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = con.sql("select answers_read, answers_scored, answers_dont_know, answers_quarantined "
                        "from raw.policy_survey_files").fetchall()
        reasons = con.sql("select reason_code, count(*) from raw.policy_survey_quarantine group by 1 order by 1").fetchall()
        cell = con.sql("select n, mean from raw.policy_survey_score_cells where score_level = 'item' "
                       "and item_code = 'FUN2' and group_type = 'all'").fetchall()
        waves = con.sql("select distinct survey_wave from raw.policy_survey_responses").fetchall()
        columns = {c[0] for c in con.sql("describe raw.policy_survey_responses").fetchall()}
        followup_files = con.sql(
            "select _source_file, status, error from raw.followup_survey_files order by 1").fetchall()
        followup_reasons = con.sql("select reason_code from raw.followup_survey_quarantine order by 1").fetchall()
    finally:
        con.close()
    # R1: 4 scored, agree scored, 8 don't know, OLD9 unknown item; R2: 6 out of range, label scored
    assert files == [(6, 3, 1, 2)]
    assert reasons == [("out_of_range", 1), ("unknown_item", 1)]
    assert cell == [(2, 2.0)]  # FUN2 reverse coded: agree (4) -> 2 twice
    assert waves == [("2017",)]
    assert "email" not in columns
    assert followup_files[0][1:] == ("loaded", None)
    assert followup_files[1][0].endswith("late_export.csv") and followup_files[1][1] == "failed"
    assert "not listed in surveys.csv" in followup_files[1][2]
    assert followup_reasons == [("out_of_range",), ("unknown_label",)]


def test_reconciliation_passes_on_the_ingest_and_blocks_when_an_answer_goes_missing(warehouse):
    assert _check(surveys.policy_answers_reconcile, warehouse).passed
    assert _check(surveys.followup_answers_reconcile, warehouse).passed
    con = duckdb.connect(str(warehouse))
    con.execute("delete from raw.policy_survey_quarantine where reason_code = 'out_of_range'")
    con.close()
    result = _check(surveys.policy_answers_reconcile, warehouse)
    assert not result.passed
    assert result.metadata["files_not_reconciled"].value[0]["quarantine_rows"] == 1
    assert all(spec.blocking for spec in surveys.policy_answers_reconcile.check_specs)


def test_reconciliation_fails_when_counts_do_not_add_up(warehouse):
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.followup_survey_files set answers_read = answers_read + 1 where status = 'loaded'")
    con.close()
    assert not _check(surveys.followup_answers_reconcile, warehouse).passed


def test_an_unregistered_followup_file_is_reported_not_read(warehouse):
    result = _check(surveys.followup_files_loaded, warehouse)
    assert not result.passed
    assert result.metadata["failed_files"].value[0]["_source_file"].endswith("late_export.csv")


def test_no_survey_folders_give_empty_tables(tmp_path, monkeypatch):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "data"))
    database = tmp_path / "empty.duckdb"
    result = dg.materialize([surveys.raw_policy_survey, surveys.raw_followup_survey],
                            resources={"duckdb": DuckDBResource(database=str(database))})
    assert result.success
    assert _check(surveys.policy_answers_reconcile, database).passed
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute("select count(*) from raw.policy_survey_score_cells").fetchone() == (0,)
        assert con.execute("select count(*) from raw.followup_survey_responses").fetchone() == (0,)
    finally:
        con.close()
