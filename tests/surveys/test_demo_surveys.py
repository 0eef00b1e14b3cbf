"""The demo generator's surveys read back by the survey readers give the generator's truth."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.defs.surveys import policy_scoring_input, read_followup_surveys, read_policy_survey
from pipelines.surveys import scoring
from pipelines.surveys.codebook import POLICY_DIMENSIONS


@pytest.fixture(scope="module")
def policy(demo_data):
    raw, truth = demo_data
    codebook, results, waves = read_policy_survey(raw / "surveys" / "policy", raw)
    cells = scoring.policy_score_cells(policy_scoring_input(codebook, results, waves))
    return codebook, results, cells, truth["surveys"]["policy"]


def test_demo_codebook_covers_the_eight_policy_dimensions_in_four_languages(policy):
    codebook, _, _, truth = policy
    assert {item.dimension for item in codebook.items.values()} == set(POLICY_DIMENSIONS)
    assert sorted(c for c, item in codebook.items.items() if item.reverse_coded) == sorted(truth["reverse_coded_items"])
    labels = codebook.labels_frame()
    assert labels.filter(pl.col("kind") == "scale").height == 5
    for language in ("en", "ru", "fi", "sv"):
        assert labels[f"label_{language}"].null_count() == 0


def test_demo_policy_answers_reconcile_with_the_truth(policy):
    _, results, _, truth = policy
    file = results.files.row(0, named=True)
    assert file["answers_read"] == truth["answers_read"]
    assert (file["answers_scored"], file["answers_dont_know"], file["answers_not_applicable"], file["answers_blank"]) == (
        truth["answers_scored"], truth["answers_dont_know"], truth["answers_not_applicable"], truth["answers_blank"])
    reasons = dict(results.quarantined.group_by("reason_code").len().iter_rows())
    assert reasons == {reason: n for reason, n in truth["quarantined_by_reason"].items() if n}
    assert file["answers_read"] == results.answers.height + results.quarantined.height


def test_demo_policy_item_and_dimension_scores_match_the_truth(policy):
    _, _, cells, truth = policy
    country = cells.filter(pl.col("group_type") == "country")
    items = {(r["item_code"], r["group_code"]): r for r in country.filter(pl.col("score_level") == "item").iter_rows(named=True)}
    checked = 0
    for item, by_country in truth["item_scores_by_country"].items():
        for code, expected in by_country.items():
            cell = items[(item, code)]
            assert cell["n"] == expected["n"], (item, code)
            assert cell["mean"] == pytest.approx(expected["mean"], abs=1e-6)
            assert cell["median"] == expected["median"]
            assert cell["is_small_cell"] == (expected["n"] < 5)
            checked += 1
    assert checked >= 150
    dimensions = {(r["dimension"], r["group_code"]): r
                  for r in country.filter(pl.col("score_level") == "dimension").iter_rows(named=True)}
    for dimension, by_country in truth["dimension_scores_by_country"].items():
        for code, expected in by_country.items():
            assert dimensions[(dimension, code)]["n"] == expected["n"]
            assert dimensions[(dimension, code)]["mean"] == pytest.approx(expected["mean"], abs=1e-6)
    for item, dont_know in truth["dont_know_by_item"].items():
        total = cells.filter((pl.col("score_level") == "item") & (pl.col("item_code") == item) & (pl.col("group_type") == "all"))
        assert total["n_dont_know"].item() == dont_know


def test_demo_followup_files_reconcile_with_the_truth(demo_data):
    raw, truth = demo_data
    _codebook, surveys, results = read_followup_surveys(raw / "surveys" / "followup", raw)
    expected = truth["surveys"]["followup"]
    assert {s.survey_id for s in surveys} == {expected["survey_id"]}
    assert results.responses.height == expected["responses"]
    assert set(results.responses["survey_id"]) == {expected["survey_id"]}
    for row in results.files.iter_rows(named=True):
        file_truth = expected["files"][row["source_file"]]
        assert row["status"] == "loaded"
        assert row["responses"] == file_truth["responses"]
        for key in ("answers_read", "answers_scored", "answers_dont_know", "answers_blank"):
            assert row[key] == file_truth[key], (row["source_file"], key)
        reasons = dict(results.quarantined.filter(pl.col("source_file") == row["source_file"])
                       .group_by("reason_code").len().iter_rows())
        assert reasons == file_truth["quarantined_by_reason"]
    languages = set(results.answers["matched_as"])
    assert {"label_en", "label_ru", "label_fi", "label_sv", "number"} <= languages
