"""Policy scores computed by hand on small files in four languages: n, mean, median, the t
interval, reverse coding, "don't know" excluded, small cells flagged, the Nordic–Russia contrast."""

from __future__ import annotations

import math

import openpyxl
import polars as pl
import pytest

from pipelines.defs.surveys import policy_scoring_input, read_policy_survey
from pipelines.surveys import scoring
from tests.surveys.conftest import csv_bytes

T_975_DF4 = 2.7764451  # Student's t, 97.5 % quantile, 4 degrees of freedom (printed t tables)
T_975_DF2 = 4.3026527


def _write_fixture_files(folder):
    """Five Finnish respondents (Finnish, Swedish, English labels and numbers), two Russian ones.

    FUN1 answers (score = answer):        FI 2, 4, 4, 5, 3   RU 1, don't know
    FUN2 answers (reverse: 6 - answer):   FI 1, dk, 2, n/a, 5 -> scores 5, 4, 1   RU 4, 3 -> scores 2, 3
    STR1 answers:                         FI dk, 3, 4, 5, 2   RU 1, 2
    """
    (folder / "policy_survey_2017_fi.csv").write_bytes(csv_bytes([
        ["Vastaaja", "Maa", "FUN1", "FUN2", "STR1"],
        ["F1", "Suomi", "jokseenkin eri mieltä", "täysin eri mieltä", "en osaa sanoa"],
        ["F2", "Suomi", "delvis av samma åsikt", "vet inte", "varken av samma eller annan åsikt"],
        ["F3", "Finland", "agree", "disagree", "4"],
    ], delimiter=";", encoding="utf-8-sig"))
    workbook = openpyxl.Workbook()
    workbook.active.append(["Respondent ID", "Country", "FUN1", "FUN2", "STR1"])
    workbook.active.append(["F4", "FI", 5, 9, "strongly agree"])
    workbook.active.append(["F5", "FI", "3 - neither agree nor disagree", "helt av samma åsikt", 2])
    workbook.save(folder / "policy_survey_2017_nordic.xlsx")
    (folder / "policy_survey_2017_ru.csv").write_bytes(csv_bytes([
        ["№", "Страна", "FUN1", "FUN2", "STR1"],
        ["R1", "Россия", "полностью не согласен", "скорее согласен", "1"],
        ["R2", "Россия", "затрудняюсь ответить", "3", "скорее не согласен"],
    ]))


@pytest.fixture
def cells(policy_dir):
    _write_fixture_files(policy_dir)
    codebook, results, waves = read_policy_survey(policy_dir, policy_dir.parent.parent)
    assert results.files["status"].to_list() == ["loaded"] * 3
    scoring_input = policy_scoring_input(codebook, results, waves)
    return scoring.policy_score_cells(scoring_input), scoring.policy_comparisons(scoring_input)


def _cell(frame, level, code, group_type, group_code):
    column = "item_code" if level == "item" else "dimension"
    rows = frame.filter((pl.col("score_level") == level) & (pl.col(column) == code)
                        & (pl.col("group_type") == group_type) & (pl.col("group_code") == group_code))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_five_answer_item_cell_mean_median_and_t_interval(cells):
    scores, _ = cells
    fun1 = _cell(scores, "item", "FUN1", "country", "FI")
    # 2, 4, 4, 5, 3: mean 3.6, median 4, sd = sqrt(5.2 / 4) = sqrt(1.3)
    assert fun1["n"] == 5 and fun1["survey_wave"] == "2017"
    assert fun1["mean"] == pytest.approx(3.6)
    assert fun1["median"] == 4.0
    assert fun1["sd"] == pytest.approx(math.sqrt(1.3))
    half = T_975_DF4 * math.sqrt(1.3) / math.sqrt(5)  # 1.41572
    assert fun1["ci_low"] == pytest.approx(3.6 - half, abs=1e-6)  # 2.18428
    assert fun1["ci_high"] == pytest.approx(3.6 + half, abs=1e-6)  # 5.01572
    assert fun1["is_small_cell"] is False
    assert fun1["n_dont_know"] == 0


def test_reverse_coded_item_is_reversed_and_dont_know_not_counted(cells):
    scores, _ = cells
    fun2 = _cell(scores, "item", "FUN2", "country", "FI")
    # answers 1, 2, 5 (reverse coded) -> scores 5, 4, 1; one "vet inte" and one code 9 beside
    assert fun2["n"] == 3
    assert fun2["mean"] == pytest.approx(10 / 3)
    assert fun2["median"] == 4.0
    assert (fun2["n_dont_know"], fun2["n_not_applicable"]) == (1, 1)
    assert fun2["is_small_cell"] is True
    half = T_975_DF2 * math.sqrt(((5 - 10 / 3) ** 2 + (4 - 10 / 3) ** 2 + (1 - 10 / 3) ** 2) / 2) / math.sqrt(3)
    assert fun2["ci_high"] == pytest.approx(10 / 3 + half, abs=1e-6)


def test_dont_know_is_never_a_score_and_single_answers_have_no_interval(cells):
    scores, _ = cells
    russia = _cell(scores, "item", "FUN1", "country", "RU")
    assert russia["n"] == 1 and russia["mean"] == 1.0 and russia["n_dont_know"] == 1
    assert russia["sd"] is None and russia["ci_low"] is None and russia["ci_high"] is None
    assert russia["is_small_cell"] is True
    str1 = _cell(scores, "item", "STR1", "country", "FI")
    assert (str1["n"], str1["mean"], str1["median"]) == (4, 3.5, 3.5)  # 3, 4, 5, 2; F1 said "en osaa sanoa"


def test_dimension_score_averages_each_respondent_first(cells):
    scores, _ = cells
    funding = _cell(scores, "dimension", "funding", "country", "FI")
    # per respondent: F1 (2 + 5)/2 = 3.5, F2 4, F3 (4 + 4)/2 = 4, F4 5, F5 (3 + 1)/2 = 2
    assert funding["n"] == 5
    assert funding["mean"] == pytest.approx(3.7)
    assert funding["median"] == 4.0
    assert (funding["n_dont_know"], funding["n_not_applicable"]) == (1, 1)
    overall = _cell(scores, "overall", "overall", "country", "FI")
    # 0-100 per dimension, then per respondent: F1 62.5, F2 (75 + 50)/2, F3 75, F4 100, F5 25
    assert overall["mean"] == pytest.approx(65.0)
    assert (overall["scale_min"], overall["scale_max"]) == (0, 100)


def test_country_group_and_all_cells(cells):
    scores, _ = cells
    nordic = _cell(scores, "item", "FUN1", "country_group", "nordic")
    assert nordic["n"] == 5 and nordic["mean"] == pytest.approx(3.6)
    everyone = _cell(scores, "item", "FUN1", "all", "all")
    assert everyone["n"] == 6 and everyone["mean"] == pytest.approx(19 / 6)
    assert everyone["n_dont_know"] == 1


def test_nordic_minus_north_west_russia_with_welch_interval(cells):
    _, comparisons = cells
    row = comparisons.filter((pl.col("score_level") == "dimension") & (pl.col("dimension") == "funding")).row(0, named=True)
    nordic, russia = [3.5, 4, 4, 5, 2], [1.5, 3.0]  # R1 (1 + 2)/2, R2 FUN2 only: 3
    mean_n, mean_r = sum(nordic) / 5, sum(russia) / 2
    var_n = sum((x - mean_n) ** 2 for x in nordic) / 4
    var_r = sum((x - mean_r) ** 2 for x in russia) / 1
    se = math.sqrt(var_n / 5 + var_r / 2)
    df = (var_n / 5 + var_r / 2) ** 2 / ((var_n / 5) ** 2 / 4 + (var_r / 2) ** 2 / 1)
    assert (row["nordic_n"], row["north_west_russia_n"]) == (5, 2)
    assert row["difference"] == pytest.approx(mean_n - mean_r)  # 3.7 - 2.25
    assert row["welch_df"] == pytest.approx(df)
    from scipy import stats

    half = stats.t.ppf(0.975, df) * se
    assert row["ci_low"] == pytest.approx(mean_n - mean_r - half)
    assert row["ci_high"] == pytest.approx(mean_n - mean_r + half)
    assert row["is_small_cell"] is True  # Russia has 2 respondents


def test_describe_and_welch_on_plain_numbers():
    summary = scoring.describe([2, 4, 4, 5, 3])
    assert summary["n"] == 5 and summary["median"] == 4
    assert summary["ci_low"] == pytest.approx(3.6 - T_975_DF4 * math.sqrt(1.3 / 5), abs=1e-6)
    assert scoring.describe([])["mean"] is None
    equal = scoring.welch_difference([3, 3, 3], [3, 3])
    assert equal["difference"] == 0 and equal["ci_low"] == 0 and equal["ci_high"] == 0
    one_sided = scoring.welch_difference([4], [2, 3])
    assert one_sided["difference"] == 1.5 and one_sided["ci_low"] is None
    assert scoring.country_group("IS") == "nordic" and scoring.country_group("RU") == "north_west_russia"
    assert scoring.country_group("EE") == "baltic" and scoring.country_group("DE") == "other"
