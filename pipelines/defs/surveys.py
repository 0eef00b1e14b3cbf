"""Ingest of the policy survey: the codebook (a file the user edits) and the responses, unpivoted
to one row per respondent and item with the answer exactly as written (scoring comes later)."""

from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import file_sha256, ingested_now, replace_table

RESPONDENT_COLUMNS = ["respondent_id", "submitted", "country", "role", "organisation_type"]


def read_policy_survey(survey_dir: Path, raw_root: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The codebook and the long answers of every response file in the folder."""
    codebook_path = survey_dir / "codebook.csv"
    if not codebook_path.exists():
        raise FileNotFoundError(f"{codebook_path} is missing: the policy survey needs its codebook")
    codebook = pl.read_csv(codebook_path, infer_schema=False).with_columns(
        pl.lit(str(codebook_path.relative_to(raw_root))).alias("_source_file"),
        pl.lit(file_sha256(codebook_path)).alias("_file_hash"),
    )
    items = set(codebook["item_code"].to_list())
    answers = []
    for path in sorted(survey_dir.glob("*.csv")):
        if path.name in {"codebook.csv", "scale_labels.csv"}:
            continue
        frame = pl.read_csv(path, infer_schema=False).with_row_index("_source_row", offset=2)
        missing = [c for c in RESPONDENT_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{path}: missing respondent columns {missing}; found {frame.columns}")
        item_columns = [c for c in frame.columns if c in items]
        unknown = [c for c in frame.columns if c not in items and c not in RESPONDENT_COLUMNS and c != "_source_row"]
        long = frame.unpivot(
            index=["_source_row", *RESPONDENT_COLUMNS], on=item_columns + unknown,
            variable_name="item_code", value_name="answer_raw",
        ).with_columns(
            pl.lit(str(path.relative_to(raw_root))).alias("_source_file"),
            pl.lit(file_sha256(path)).alias("_file_hash"),
            pl.col("_source_row").cast(pl.Int64),
        )
        answers.append(long)
    if not answers:
        raise FileNotFoundError(f"no policy-survey response files in {survey_dir}")
    return codebook, pl.concat(answers, how="vertical")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "policy_survey_codebook"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="Policy-survey codebook (raw/surveys/policy/codebook.csv): items, dimensions, scales, reverse coding."),
        dg.AssetSpec(["raw", "policy_survey_answers"], group_name="ingest", kinds={"polars", "duckdb"},
                     description="Policy-survey answers, one row per respondent and item, as written in the export."),
    ],
    pool=WAREHOUSE_POOL,
)
def raw_policy_survey(duckdb: DuckDBResource):
    raw_root = settings.raw_dir()
    survey_dir = raw_root / "surveys" / "policy"
    if not survey_dir.is_dir():
        # A programme without a policy survey is normal: the tables exist and are empty.
        codebook = pl.DataFrame(schema={"item_code": pl.String, "dimension": pl.String})
        answers = pl.DataFrame(schema={"respondent_id": pl.String, "item_code": pl.String, "answer_raw": pl.String})
    else:
        codebook, answers = read_policy_survey(survey_dir, raw_root)
    now = ingested_now()
    with duckdb.get_connection() as con:
        replace_table(con, "raw.policy_survey_codebook", codebook.with_columns(pl.lit(now).alias("_ingested_at")))
        replace_table(con, "raw.policy_survey_answers", answers.with_columns(pl.lit(now).alias("_ingested_at")))
    yield dg.MaterializeResult(asset_key=["raw", "policy_survey_codebook"], metadata={"items": codebook.height})
    yield dg.MaterializeResult(
        asset_key=["raw", "policy_survey_answers"],
        metadata={"answers": answers.height, "respondents": answers["respondent_id"].n_unique() if answers.height else 0},
    )
