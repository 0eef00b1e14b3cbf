"""Policy-survey statistics: item, dimension and overall scores per country and country group,
and the Nordic vs North-West Russia comparison.

Definitions
-----------
* Only *scored* answers count: "don't know" and "not applicable" are counted beside the score
  (``n_dont_know``, ``n_not_applicable``) and never enter n, mean or median.  Reverse-coded
  items are already reversed (``score = scale_min + scale_max − answer``).
* **Item score** of a cell: the scores of that item by the cell's respondents.
* **Dimension score**: each respondent's mean over the scored items of the dimension (a
  respondent with at least one), then mean, median and CI over respondents — the respondent is
  the unit, so a person answering four items of a dimension does not weigh four times.
* **Overall** (``score_level = 'overall'``, scale 0–100): each respondent's mean over their
  dimensions of the dimension score rescaled to 0–100, ``(score − min) / (max − min) × 100``.
* **95 % CI**: mean ± t(0.975, n − 1) · sd / √n with the sample standard deviation (Student's
  t, scipy); none for n < 2.
* **Comparison**: Nordic (DK, FI, IS, NO, SE, with Åland, the Faroe Islands and Greenland)
  minus North-West Russia (respondents in Russia: the survey was fielded in the North-West
  Federal District), Welch's t interval (unequal variances, Welch–Satterthwaite degrees of
  freedom) and its two-sided p-value.
* **Small cell**: n < 5 (in a comparison: either side), flagged for suppression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

CONFIDENCE = 0.95
SMALL_CELL_N = 5
NORDIC = frozenset({"DK", "FI", "IS", "NO", "SE", "AX", "FO", "GL"})
BALTIC = frozenset({"EE", "LV", "LT"})
COUNTRY_GROUPS = ("nordic", "north_west_russia", "baltic", "other")
COMPARED_GROUPS = ("nordic", "north_west_russia")

SCORE_CELL_SCHEMA = {
    "survey_wave": pl.String, "score_level": pl.String, "dimension": pl.String, "item_code": pl.String,
    "group_type": pl.String, "group_code": pl.String, "n": pl.Int64, "n_dont_know": pl.Int64,
    "n_not_applicable": pl.Int64, "mean": pl.Float64, "median": pl.Float64, "sd": pl.Float64,
    "ci_low": pl.Float64, "ci_high": pl.Float64, "scale_min": pl.Int64, "scale_max": pl.Int64,
    "is_small_cell": pl.Boolean,
}
COMPARISON_SCHEMA = {
    "survey_wave": pl.String, "score_level": pl.String, "dimension": pl.String, "item_code": pl.String,
    "nordic_n": pl.Int64, "nordic_mean": pl.Float64, "north_west_russia_n": pl.Int64,
    "north_west_russia_mean": pl.Float64, "difference": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64,
    "welch_df": pl.Float64, "p_value": pl.Float64, "is_small_cell": pl.Boolean,
}


def country_group(country_code: str | None) -> str:
    if country_code in NORDIC:
        return "nordic"
    if country_code == "RU":
        return "north_west_russia"
    if country_code in BALTIC:
        return "baltic"
    return "other"


def describe(values: Sequence[float]) -> dict:
    """n, mean, median, sample sd and the 95 % t interval of the mean (None where undefined)."""
    data = [float(v) for v in values if v is not None]
    n = len(data)
    if n == 0:
        return {"n": 0, "mean": None, "median": None, "sd": None, "ci_low": None, "ci_high": None}
    mean = sum(data) / n
    ordered = sorted(data)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    if n < 2:
        return {"n": n, "mean": mean, "median": median, "sd": None, "ci_low": None, "ci_high": None}
    sd = math.sqrt(sum((v - mean) ** 2 for v in data) / (n - 1))
    from scipy import stats  # imported when used: scipy.stats costs seconds at start-up

    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * sd / math.sqrt(n)
    return {"n": n, "mean": mean, "median": median, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def welch_difference(first: Sequence[float], second: Sequence[float]) -> dict:
    """mean(first) − mean(second) with Welch's 95 % interval, degrees of freedom and p-value."""
    a, b = describe(first), describe(second)
    result = {"difference": None, "ci_low": None, "ci_high": None, "welch_df": None, "p_value": None}
    if a["n"] == 0 or b["n"] == 0:
        return result
    result["difference"] = a["mean"] - b["mean"]
    if a["n"] < 2 or b["n"] < 2:
        return result
    va, vb = a["sd"] ** 2 / a["n"], b["sd"] ** 2 / b["n"]
    se = math.sqrt(va + vb)
    if se == 0:
        return {**result, "ci_low": result["difference"], "ci_high": result["difference"]}
    df = (va + vb) ** 2 / (va ** 2 / (a["n"] - 1) + vb ** 2 / (b["n"] - 1))
    from scipy import stats

    half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
    p_value = 2 * stats.t.sf(abs(result["difference"]) / se, df)
    return {**result, "ci_low": result["difference"] - half, "ci_high": result["difference"] + half,
            "welch_df": df, "p_value": float(p_value)}


# ------------------------------------------------------------------------------ policy cells

def _groupings(frame: pl.DataFrame) -> list[tuple[str, pl.Expr]]:
    return [
        ("country", pl.col("country_code")),
        ("country_group", pl.col("country_group")),
        ("all", pl.lit("all")),
    ]


def _cells(frame: pl.DataFrame, keys: list[str], value: str, extra: dict[str, pl.Expr]) -> list[dict]:
    """describe() of ``value`` per keys × group for every grouping; ``extra`` aggregates kept beside."""
    rows = []
    for group_type, expression in _groupings(frame):
        grouped = (
            frame.with_columns(expression.alias("group_code"))
            .group_by([*keys, "group_code"], maintain_order=True)
            .agg(pl.col(value).drop_nulls().alias("_values"), *[e.alias(k) for k, e in extra.items()])
        )
        for row in grouped.iter_rows(named=True):
            summary = describe(row.pop("_values"))
            rows.append({**row, "group_type": group_type, **summary,
                         "is_small_cell": summary["n"] < SMALL_CELL_N})
    return rows


def policy_score_cells(answers: pl.DataFrame) -> pl.DataFrame:
    """Item, dimension and overall score cells (see the module docstring).

    ``answers``: one row per accepted answer with response_id, survey_wave, country_code,
    item_code, dimension, answer_status, score, scale_min, scale_max.
    """
    if answers.height == 0:
        return pl.DataFrame(schema=SCORE_CELL_SCHEMA)
    answers = answers.with_columns(
        pl.col("country_code").map_elements(country_group, return_dtype=pl.String).alias("country_group"),
        (pl.col("answer_status") == "dont_know").alias("_dk"),
        (pl.col("answer_status") == "not_applicable").alias("_na"),
    )
    scored = answers.filter(pl.col("answer_status") == "scored")
    status_counts = {"n_dont_know": pl.col("_dk").sum(), "n_not_applicable": pl.col("_na").sum(),
                     "scale_min": pl.col("scale_min").first(), "scale_max": pl.col("scale_max").first()}
    item_rows = _cells(answers.with_columns(
        pl.when(pl.col("answer_status") == "scored").then(pl.col("score")).alias("score")),
        ["survey_wave", "dimension", "item_code"], "score", status_counts)
    for row in item_rows:
        row["score_level"] = "item"

    respondent_dimensions = (
        scored.group_by("survey_wave", "response_id", "country_code", "country_group", "dimension", maintain_order=True)
        .agg(pl.col("score").mean().alias("score"), pl.col("scale_min").first(), pl.col("scale_max").first())
    )
    dimension_status = (
        answers.group_by("survey_wave", "response_id", "country_code", "country_group", "dimension", maintain_order=True)
        .agg(pl.col("_dk").sum().alias("_dk"), pl.col("_na").sum().alias("_na"),
             pl.col("scale_min").first(), pl.col("scale_max").first())
        .join(respondent_dimensions.select("survey_wave", "response_id", "dimension", "score"),
              on=["survey_wave", "response_id", "dimension"], how="left")
    )
    dimension_rows = _cells(dimension_status, ["survey_wave", "dimension"], "score", status_counts)
    for row in dimension_rows:
        row["score_level"] = "dimension"
        row["item_code"] = None

    overall = (
        respondent_dimensions.with_columns(
            ((pl.col("score") - pl.col("scale_min")) / (pl.col("scale_max") - pl.col("scale_min")) * 100).alias("index"))
        .group_by("survey_wave", "response_id", "country_code", "country_group", maintain_order=True)
        .agg(pl.col("index").mean().alias("score"))
        .with_columns(pl.lit(False).alias("_dk"), pl.lit(False).alias("_na"), pl.lit(0).alias("scale_min"),
                      pl.lit(100).alias("scale_max"), pl.lit("overall").alias("dimension"))
    )
    overall_rows = _cells(overall, ["survey_wave", "dimension"], "score", status_counts)
    for row in overall_rows:
        row["score_level"] = "overall"
        row["item_code"] = None
        row["n_dont_know"] = None
        row["n_not_applicable"] = None
    return pl.DataFrame(item_rows + dimension_rows + overall_rows, schema=SCORE_CELL_SCHEMA).sort(
        "survey_wave", "score_level", "dimension", "item_code", "group_type", "group_code", nulls_last=True)


def policy_comparisons(answers: pl.DataFrame) -> pl.DataFrame:
    """Nordic minus North-West Russia for every item, dimension and the overall score."""
    if answers.height == 0:
        return pl.DataFrame(schema=COMPARISON_SCHEMA)
    scored = answers.filter(pl.col("answer_status") == "scored").with_columns(
        pl.col("country_code").map_elements(country_group, return_dtype=pl.String).alias("country_group"))
    respondent_dimensions = (
        scored.group_by("survey_wave", "response_id", "country_group", "dimension", maintain_order=True)
        .agg(pl.col("score").mean(), pl.col("scale_min").first(), pl.col("scale_max").first())
    )
    overall = (
        respondent_dimensions.with_columns(
            ((pl.col("score") - pl.col("scale_min")) / (pl.col("scale_max") - pl.col("scale_min")) * 100).alias("score"))
        .group_by("survey_wave", "response_id", "country_group", maintain_order=True)
        .agg(pl.col("score").mean())
        .with_columns(pl.lit("overall").alias("dimension"))
    )
    levels = [
        ("item", scored, ["survey_wave", "dimension", "item_code"]),
        ("dimension", respondent_dimensions, ["survey_wave", "dimension"]),
        ("overall", overall, ["survey_wave", "dimension"]),
    ]
    rows = []
    for level, frame, keys in levels:
        grouped = frame.group_by(keys, maintain_order=True).agg(
            *[pl.col("score").filter(pl.col("country_group") == g).alias(g) for g in COMPARED_GROUPS])
        for row in grouped.iter_rows(named=True):
            nordic, russia = row.pop("nordic"), row.pop("north_west_russia")
            rows.append({
                **row, "score_level": level, "item_code": row.get("item_code"),
                "nordic_n": len(nordic), "nordic_mean": describe(nordic)["mean"],
                "north_west_russia_n": len(russia), "north_west_russia_mean": describe(russia)["mean"],
                **welch_difference(nordic, russia),
                "is_small_cell": min(len(nordic), len(russia)) < SMALL_CELL_N,
            })
    return pl.DataFrame(rows, schema=COMPARISON_SCHEMA).sort(
        "survey_wave", "score_level", "dimension", "item_code", nulls_last=True)
