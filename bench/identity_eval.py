"""Benchmark identity resolution on labelled synthetic evaluation sets.

    /work/main/.venv/bin/python bench/identity_eval.py                 # 500, 5 000, 50 000 persons
    /work/main/.venv/bin/python bench/identity_eval.py --persons 2000  # one size (repeatable)
    /work/main/.venv/bin/python bench/identity_eval.py --big           # adds 500 000 persons
    /work/main/.venv/bin/python bench/identity_eval.py --persons 5000 --explain 10

Prints pairwise precision, recall and F1 (a pair of registrations is positive when both
rows belong to the same true person; predicted positive when both are in the same
predicted cluster), the comparisons the resolver made against the naive n(n-1)/2, and
wall times.  Goals on the realistic set: precision ≥ 0.99, recall ≥ 0.95.  Figures only:
nothing here asserts timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl  # noqa: E402

from pipelines.demo.identity_eval import make_evaluation_set  # noqa: E402
from pipelines.registrations.identity import (  # noqa: E402
    ROLE_MAILBOXES,
    normalise_email,
    normalise_phone,
    resolve_organisations,
    resolve_persons,
)

SECRET = b"bench-only-secret-not-for-real-data-0123456789"
GOAL_PRECISION = 0.99
GOAL_RECALL = 0.95


def pairwise_scores(assignments: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision/recall/F1 from cluster-size contingency counts (no pair lists)."""
    joined = assignments.select("registration_id", "person_cluster").join(truth, on="registration_id")
    if joined.height != truth.height:
        raise ValueError("assignments and truth do not cover the same registrations")

    def pairs(*keys: str) -> int:
        sizes = joined.group_by(*keys).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())

    true_pairs = pairs("true_person_id")
    predicted_pairs = pairs("person_cluster")
    both = pairs("true_person_id", "person_cluster")
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "true_positive_pairs": both,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def recall_ceiling(rows: pl.DataFrame, truth: pl.DataFrame) -> float:
    """Recall if every two rows of one true person that share a personal email, an
    organisation or a phone were linked (transitively): what identifier-based rules can
    reach at best; the rest of the true pairs have nothing in common but the name."""
    orgs = resolve_organisations(rows.select("organisation", "country_code"), secret=SECRET)
    frame = (
        rows.select(
            "registration_id",
            pl.col("email").map_elements(normalise_email, return_dtype=pl.String).alias("email"),
            pl.Series("phone", [normalise_phone(p, c) for p, c in rows.select("phone", "country_code").iter_rows()]),
            orgs["organisation_key"].alias("organisation"),
        )
        .with_columns(
            pl.when(pl.col("email").str.split("@").list.first().is_in(list(ROLE_MAILBOXES)))
            .then(None)
            .otherwise(pl.col("email"))
            .alias("email")
        )
        .join(truth, on="registration_id")
        .with_row_index("_i")
        .with_columns(pl.col("_i").cast(pl.Int64))
    )
    links = [
        frame.filter(pl.col(col).is_not_null())
        .with_columns(pl.col("_i").min().over("true_person_id", col).alias("_root"))
        .select("_root", "_i")
        for col in ("email", "phone", "organisation")
    ]
    parent = list(range(frame.height))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for root, i in pl.concat(links).iter_rows():
        parent[find(i)] = find(root)
    reach = frame.select("registration_id", pl.Series("person_cluster", [find(i) for i in range(frame.height)]))
    return pairwise_scores(reach, truth)["recall"]


def explain(rows: pl.DataFrame, truth: pl.DataFrame, assignments: pl.DataFrame, evidence: pl.DataFrame, k: int) -> None:
    """Print up to k wrongly merged clusters and k wrongly split persons (synthetic data)."""
    frame = rows.join(truth, on="registration_id").join(
        assignments.select("registration_id", "person_cluster", "match_rule"), on="registration_id"
    )
    cols = ["registration_id", "first_name", "last_name", "patronymic", "full_name", "email", "phone", "organisation", "true_person_id", "match_rule"]
    merged = frame.group_by("person_cluster").agg(pl.col("true_person_id").n_unique().alias("n")).filter(pl.col("n") > 1)
    print(f"  wrongly merged clusters: {merged.height}")
    with pl.Config(tbl_rows=200, tbl_width_chars=250, fmt_str_lengths=40, tbl_cols=20):
        for cluster in merged["person_cluster"].head(k).to_list():
            part = frame.filter(pl.col("person_cluster") == cluster)
            print(part.select(cols))
            ids = part["registration_id"]
            ids = ids.implode()
            print(evidence.filter(pl.col("left_registration_id").is_in(ids) | pl.col("right_registration_id").is_in(ids)))
        split = frame.group_by("true_person_id").agg(pl.col("person_cluster").n_unique().alias("n")).filter(pl.col("n") > 1)
        print(f"  wrongly split persons: {split.height}")
        for person in split["true_person_id"].head(k).to_list():
            print(frame.filter(pl.col("true_person_id") == person).select(cols + ["person_cluster"]))


def run(n_persons: int, seed: int, explain_k: int = 0) -> dict[str, float]:
    started = time.perf_counter()
    rows, truth = make_evaluation_set(n_persons, seed)
    generated = time.perf_counter()
    result = resolve_persons(rows, SECRET)
    resolved = time.perf_counter()
    scores = pairwise_scores(result.assignments, truth)
    ceiling = recall_ceiling(rows, truth)
    stats = result.stats
    ok = scores["precision"] >= GOAL_PRECISION and scores["recall"] >= GOAL_RECALL
    print(
        f"persons={n_persons:>7,}  rows={rows.height:>8,}  clusters={stats['clusters']:>7,} "
        f"(true {truth['true_person_id'].n_unique():,})\n"
        f"  precision={scores['precision']:.4f}  recall={scores['recall']:.4f}  f1={scores['f1']:.4f}  "
        f"goal(P≥{GOAL_PRECISION}, R≥{GOAL_RECALL}): {'met' if ok else 'NOT met'}\n"
        f"  recall ceiling (same person's rows sharing an email, organisation or phone): "
        f"{ceiling:.4f}\n"
        f"  pairs: true={scores['true_pairs']:,} predicted={scores['predicted_pairs']:,} "
        f"correct={scores['true_positive_pairs']:,}\n"
        f"  comparisons={stats['comparisons']:,} (email {stats['email_comparisons']:,}, fuzzy "
        f"{stats['fuzzy_comparisons']:,}; organisations {stats['organisation_comparisons']:,}) "
        f"vs naive {stats['naive_pairs']:,}; largest fuzzy block {stats['largest_fuzzy_block']}\n"
        f"  links: " + ", ".join(f"{k[6:]}={v:,}" for k, v in stats.items() if k.startswith("links_")) + "; "
        f"rejected: shared mailbox {stats['email_pairs_rejected_shared_mailbox']:,}, "
        f"fuzzy with other email {stats['fuzzy_pairs_rejected_different_email']:,}, "
        f"patronymic conflict {stats['patronymic_conflict_links_dropped']:,}\n"
        f"  time: generate {generated - started:.2f}s, resolve {resolved - generated:.2f}s "
        f"({rows.height / max(resolved - generated, 1e-9):,.0f} rows/s)"
    )
    if explain_k:
        explain(rows, truth, result.assignments, result.evidence, explain_k)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, action="append", help="persons in the set (repeatable)")
    parser.add_argument("--big", action="store_true", help="also run 500 000 persons")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--explain", type=int, default=0, metavar="K", help="print K error examples")
    args = parser.parse_args(argv)
    sizes = args.persons or [500, 5_000, 50_000]
    if args.big:
        sizes.append(500_000)
    for n in sizes:
        run(n, args.seed, args.explain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
