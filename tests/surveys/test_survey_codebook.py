"""The codebook: reading and validating it, recognising headers, and reading one answer cell."""

from __future__ import annotations

import pytest

from pipelines.surveys.codebook import CodebookError, read_codebook
from tests.surveys.conftest import csv_bytes, write_policy_codebook


@pytest.mark.parametrize("cell, value", [
    (4, 4), (4.0, 4), ("4", 4), (" 4,0 ", 4), ("1", 1), ("5", 5),
    ("agree", 4), ("Strongly Agree", 5), ("скорее согласен", 4), ("Полностью не согласен", 1),
    ("jokseenkin samaa mieltä", 4), ("Täysin eri mieltä", 1), ("delvis av samma åsikt", 4),
    ("helt av annan åsikt", 1), ("4 - agree", 4), ("3 – neither agree nor disagree", 3),
])
def test_numbers_and_labels_in_four_languages_are_scored(policy_codebook, cell, value):
    answer = policy_codebook.parse_answer("FUN1", cell)
    assert (answer.status, answer.value, answer.score) == ("scored", value, float(value))


@pytest.mark.parametrize("cell, status", [
    (8, "dont_know"), ("8", "dont_know"), ("don't know", "dont_know"), ("DK", "dont_know"),
    ("затрудняюсь ответить", "dont_know"), ("en osaa sanoa", "dont_know"), ("Vet inte", "dont_know"),
    (9, "not_applicable"), ("not applicable", "not_applicable"), ("не применимо", "not_applicable"),
    ("ei koske minua", "not_applicable"), ("ej tillämpligt", "not_applicable"),
])
def test_dont_know_and_not_applicable_by_code_or_label_carry_no_score(policy_codebook, cell, status):
    answer = policy_codebook.parse_answer("STR1", cell)
    assert answer.status == status
    assert answer.score is None


@pytest.mark.parametrize("cell, reason", [
    ("6", "out_of_range"), (0, "out_of_range"), ("-1", "out_of_range"), ("10", "out_of_range"),
    ("3.5", "not_a_scale_value"), (2.5, "not_a_scale_value"), ("1,5", "not_a_scale_value"),
    ("somewhat agree", "unknown_label"), ("скорее да", "unknown_label"), ("kyllä", "unknown_label"),
    ("2 - agree", "unknown_label"), ("x", "unknown_label"), (True, "unknown_label"),
])
def test_values_that_are_no_answer_of_the_item_are_quarantined_never_coerced(policy_codebook, cell, reason):
    answer = policy_codebook.parse_answer("FUN1", cell)
    assert answer.status == "quarantined"
    assert answer.reason_code == reason
    assert answer.value is None and answer.score is None
    assert answer.reason_detail


def test_reverse_coded_item_scores_min_plus_max_minus_answer(policy_codebook):
    # FUN2 is reverse coded on 1..5: score = 1 + 5 - answer
    assert policy_codebook.parse_answer("FUN2", 1).score == 5.0
    assert policy_codebook.parse_answer("FUN2", "agree").score == 2.0
    assert policy_codebook.parse_answer("FUN2", "ни согласен, ни не согласен").score == 3.0
    assert policy_codebook.parse_answer("FUN2", "agree").value == 4  # the answer itself is kept as written
    assert policy_codebook.parse_answer("FUN1", "agree").score == 4.0


@pytest.mark.parametrize("header, item", [
    ("FUN1", "FUN1"), ("fun1", "FUN1"), ("FUN2. Co-financing requirements keep small firms out of projects.", "FUN2"),
    ("[STR1] Our region has an adopted strategy for the creative industries.", "STR1"),
    ("3. Creative businesses can find public funding for international projects. *", "FUN1"),
    ("Требования софинансирования не позволяют малым фирмам участвовать в проектах.", "FUN2"),
    ("Alueellamme on hyväksytty luovien alojen strategia.", "STR1"),
    ("Kreativa företag hittar offentlig finansiering för internationella projekt.", "FUN1"),
    ("How far do you agree? [Our region has an adopted strategy for the creative industries.]", "STR1"),
    ("Our region has a cultural strategy.", None), ("Country", None), ("FUN", None),
])
def test_headers_are_item_codes_or_question_texts_in_any_language(policy_codebook, header, item):
    assert policy_codebook.item_for_header(header) == item


def test_codebook_tables_hold_scale_reverse_coding_and_codes(policy_codebook):
    items = {row["item_code"]: row for row in policy_codebook.items_frame().iter_rows(named=True)}
    assert set(items) == {"FUN1", "FUN2", "STR1"}
    assert items["FUN2"]["reverse_coded"] and not items["FUN1"]["reverse_coded"]
    assert (items["STR1"]["scale_min"], items["STR1"]["scale_max"]) == (1, 5)
    assert (items["FUN1"]["dont_know_code"], items["FUN1"]["not_applicable_code"]) == (8, 9)
    assert items["FUN1"]["dimension_name"] == "Funding"
    labels = policy_codebook.labels_frame()
    assert labels.height == 7
    assert labels.filter(labels["kind"] == "dont_know")["label_sv"].to_list() == ["vet inte"]


def _rewrite(folder, name, rows, delimiter=","):
    (folder / name).write_bytes(csv_bytes(rows, delimiter=delimiter))


def _codebook_rows(folder):
    import csv

    text = (folder / "codebook.csv").read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(text.splitlines(), delimiter=";")]


def test_unknown_dimension_stops_the_ingest_with_the_row(policy_dir):
    rows = _codebook_rows(policy_dir)
    rows[2][1] = "networks"
    _rewrite(policy_dir, "codebook.csv", rows)
    with pytest.raises(CodebookError, match=r"row 3: dimension 'networks'"):
        read_codebook(policy_dir / "codebook.csv", policy_dir / "scale_labels.csv", "policy")


def test_dont_know_code_inside_the_scale_is_refused(tmp_path):
    write_policy_codebook(tmp_path)
    labels = [["value", "kind", "label_en", "label_ru", "label_fi", "label_sv"]]
    labels += [[v, "scale", f"level {v}", "", "", ""] for v in range(1, 6)]
    labels += [[3, "dont_know", "don't know", "", "", ""]]
    _rewrite(tmp_path, "scale_labels.csv", labels)
    with pytest.raises(CodebookError, match="inside the scale"):
        read_codebook(tmp_path / "codebook.csv", tmp_path / "scale_labels.csv", "policy")


def test_one_label_for_two_values_is_refused(tmp_path):
    write_policy_codebook(tmp_path)
    labels = [["value", "label_en", "label_ru", "label_fi", "label_sv"],
              [1, "no", "нет", "ei", "nej"], [2, "yes", "да", "kyllä", "ja"], [3, "No", "", "", ""]]
    _rewrite(tmp_path, "scale_labels.csv", labels)
    with pytest.raises(CodebookError, match="ambiguous"):
        read_codebook(tmp_path / "codebook.csv", tmp_path / "scale_labels.csv", "policy")


def test_items_of_one_policy_dimension_must_share_a_scale(policy_dir):
    rows = _codebook_rows(policy_dir)
    rows[2][7] = "7"  # FUN2 on 1..7 next to FUN1 on 1..5
    _rewrite(policy_dir, "codebook.csv", rows)
    with pytest.raises(CodebookError, match="share one scale"):
        read_codebook(policy_dir / "codebook.csv", policy_dir / "scale_labels.csv", "policy")


def test_missing_codebook_column_names_what_was_found(policy_dir):
    rows = [[c for i, c in enumerate(row) if i != 6] for row in _codebook_rows(policy_dir)]  # without scale_min
    _rewrite(policy_dir, "codebook.csv", rows)
    with pytest.raises(CodebookError, match=r"missing columns \['scale_min'\]"):
        read_codebook(policy_dir / "codebook.csv", policy_dir / "scale_labels.csv", "policy")


def test_followup_counts_are_open_ended_and_labels_live_in_named_sets(tmp_path):
    _rewrite(tmp_path, "codebook.csv", [
        ["item_code", "dimension", "text_en", "text_ru", "scale_min", "scale_max", "reverse_coded", "label_set"],
        ["FU1", "new_contacts_abroad", "How many new contacts abroad?", "Сколько новых контактов?", 0, "", "false", "count"],
        ["FU4", "sales_to_partner_country", "Sales to the partner country?", "Продажи в страну-партнёра?", 0, 1, "false",
         "yes_no"],
    ])
    _rewrite(tmp_path, "scale_labels.csv", [
        ["label_set", "value", "kind", "label_en", "label_ru", "label_fi", "label_sv"],
        ["count", 0, "scale", "none", "ни одного", "ei yhtään", "inga"],
        ["count", "", "dont_know", "don't know", "не знаю", "en osaa sanoa", "vet inte"],
        ["yes_no", 0, "scale", "no", "нет", "ei", "nej"],
        ["yes_no", 1, "scale", "yes", "да", "kyllä", "ja"],
    ])
    codebook = read_codebook(tmp_path / "codebook.csv", tmp_path / "scale_labels.csv", "followup")
    assert codebook.parse_answer("FU1", "12").score == 12.0
    assert codebook.parse_answer("FU1", "ei yhtään").value == 0
    assert codebook.parse_answer("FU1", "не знаю").status == "dont_know"
    assert codebook.parse_answer("FU1", "-1").reason_code == "out_of_range"
    assert codebook.parse_answer("FU1", "several").reason_code == "unknown_label"
    assert codebook.parse_answer("FU4", "Да").value == 1
    assert codebook.parse_answer("FU4", "nej").value == 0
    assert codebook.parse_answer("FU4", "2").reason_code == "out_of_range"
    with pytest.raises(CodebookError, match="not one of"):
        read_codebook(tmp_path / "codebook.csv", tmp_path / "scale_labels.csv", "policy")
