"""The labelled evaluation set, and the resolver's precision/recall on it.

The pairwise scores are computed here from explicit pair sets, independently of
``bench/identity_eval.py``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import polars as pl
import pytest

from pipelines.demo.identity_eval import make_evaluation_set
from pipelines.registrations.identity import parse_person_name, resolve_persons
from pipelines.registrations.transliteration import has_cyrillic

SECRET = b"test-secret-test-secret-test-secret-0123"
GOAL_PRECISION = 0.99
GOAL_RECALL = 0.95


def same_group_pairs(ids: list[str], groups: list[object]) -> set[tuple[str, str]]:
    """Every unordered pair of ids that share a group value."""
    members: dict[object, list[str]] = defaultdict(list)
    for rid, group in zip(ids, groups):
        members[group].append(rid)
    return {
        tuple(sorted(pair)) for group in members.values() for pair in itertools.combinations(group, 2)
    }


def pairwise_precision_recall(predicted: pl.DataFrame, truth: pl.DataFrame) -> tuple[float, float]:
    joined = truth.join(predicted.select("registration_id", "person_cluster"), on="registration_id")
    assert joined.height == truth.height
    ids = joined["registration_id"].to_list()
    true_pairs = same_group_pairs(ids, joined["true_person_id"].to_list())
    predicted_pairs = same_group_pairs(ids, joined["person_cluster"].to_list())
    correct = true_pairs & predicted_pairs
    return len(correct) / len(predicted_pairs), len(correct) / len(true_pairs)


def test_pairwise_function_on_a_tiny_example():
    truth = pl.DataFrame({"registration_id": list("abcd"), "true_person_id": ["p", "p", "p", "q"]})
    predicted = pl.DataFrame({"registration_id": list("abcd"), "person_cluster": [1, 1, 2, 2]})
    # predicted pairs ab, cd; true pairs ab, ac, bc
    assert pairwise_precision_recall(predicted, truth) == (0.5, 1 / 3)


@pytest.fixture(scope="module")
def evaluation_set():
    return make_evaluation_set(3000, seed=20240601)


def test_deterministic():
    rows_a, truth_a = make_evaluation_set(300, seed=5)
    rows_b, truth_b = make_evaluation_set(300, seed=5)
    rows_c, _ = make_evaluation_set(300, seed=6)
    assert rows_a.equals(rows_b) and truth_a.equals(truth_b)
    assert not rows_a.equals(rows_c)


def test_shape(evaluation_set):
    rows, truth = evaluation_set
    assert rows.columns == [
        "registration_id", "event_id", "first_name", "last_name", "patronymic", "full_name",
        "email", "phone", "organisation", "country_code",
    ]
    assert truth.columns == ["registration_id", "true_person_id"]
    assert rows["registration_id"].is_unique().all()
    assert rows["registration_id"].to_list() == truth["registration_id"].to_list()
    assert truth["true_person_id"].n_unique() == 3000
    assert rows.height > 2 * 3000  # most people register more than once
    assert rows["registration_id"].str.contains(r"^[0-9a-f]{16}:\d+$").all()
    assert rows["country_code"].null_count() == 0


def test_realistic_variants_are_present(evaluation_set):
    rows, truth = evaluation_set
    frame = rows.join(truth, on="registration_id")
    written = (
        frame.with_columns(pl.coalesce("last_name", "full_name").alias("_written"))
        .filter(pl.col("country_code") == "RU")
        .with_columns(pl.col("_written").map_elements(has_cyrillic, return_dtype=pl.Boolean).alias("_cyr"))
    )
    # Russians written both in Cyrillic and in Latin, some the same person in both.
    both = written.group_by("true_person_id").agg(pl.col("_cyr").n_unique().alias("n")).filter(pl.col("n") == 2)
    assert both.height > 100
    # Work and private emails of one person; e-mail case noise.
    emails = frame.filter(pl.col("email").is_not_null()).with_columns(pl.col("email").str.strip_chars().str.to_lowercase())
    two_emails = emails.group_by("true_person_id").agg(pl.col("email").n_unique().alias("n")).filter(pl.col("n") >= 2)
    assert two_emails.height > 100
    assert rows.filter(pl.col("email") != pl.col("email").str.to_lowercase()).height > 50
    # A shared office mailbox used by several people.
    info = frame.filter(pl.col("email").str.to_lowercase().str.contains("info@"))
    shared = info.group_by(pl.col("email").str.to_lowercase()).agg(pl.col("true_person_id").n_unique().alias("n"))
    assert (shared["n"] >= 2).any()
    # Patronymics given, missing or inside full_name; swapped columns; organisations with
    # and without legal forms.
    assert rows["patronymic"].drop_nulls().len() > 100
    assert rows.filter(pl.col("full_name").str.count_matches(" ") == 2).height > 50
    assert rows.filter(pl.col("organisation").str.contains("«")).height > 50
    assert rows.filter(pl.col("organisation").str.contains(r"\b(Oy|AB|AS|ApS|OÜ|SIA|UAB|LLC|OOO)\b")).height > 50
    # Duplicates within one event.
    dup = frame.group_by("true_person_id", "event_id").len().filter(pl.col("len") > 1)
    assert dup.height > 20


def test_hard_negatives_are_present(evaluation_set):
    rows, truth = evaluation_set
    frame = rows.join(truth, on="registration_id")
    names = [
        " ".join(parse_person_name(f, l, p, n)[0])
        for f, l, p, n in frame.select("first_name", "last_name", "patronymic", "full_name").iter_rows()
    ]
    frame = frame.with_columns(pl.Series("_name", names))
    namesakes = frame.group_by("_name").agg(pl.col("true_person_id").n_unique().alias("n")).filter(pl.col("n") >= 2)
    assert namesakes.height > 50  # e.g. two different «Иванова Елена»
    assert "elena ivanova" in namesakes["_name"].to_list()


def test_precision_and_recall_meet_the_goals(evaluation_set):
    rows, truth = evaluation_set
    result = resolve_persons(rows, SECRET)
    precision, recall = pairwise_precision_recall(result.assignments, truth)
    assert precision >= GOAL_PRECISION, precision
    assert recall >= GOAL_RECALL, recall
    # Every link is explained and the comparisons stay far below all pairs.
    assert result.evidence.height == result.stats["links"]
    assert result.stats["comparisons"] < rows.height * 5
    assert result.stats["comparisons"] < result.stats["naive_pairs"] / 1000


def test_precision_and_recall_on_another_seed():
    rows, truth = make_evaluation_set(3000, seed=1)
    precision, recall = pairwise_precision_recall(resolve_persons(rows, SECRET).assignments, truth)
    assert precision >= GOAL_PRECISION, precision
    assert recall >= GOAL_RECALL, recall
