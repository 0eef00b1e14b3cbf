"""Ingest of the surveys: the policy survey (raw/surveys/policy/) and the participant follow-up
survey (raw/surveys/followup/), read against their codebooks; the policy statistics; the
linkage of follow-up respondents to participants; and the blocking reconciliation of answers.

Formats and definitions: docs/surveys.md.
"""

from pathlib import Path

import dagster as dg
import polars as pl
from dagster_duckdb import DuckDBResource

from pipelines import privacy, settings
from pipelines.defs.resources import WAREHOUSE_POOL
from pipelines.lib.warehouse_io import ingested_now, read_table, replace_table
from pipelines.surveys import followup, scoring
from pipelines.surveys.codebook import Codebook, find_table, read_codebook
from pipelines.surveys.responses import (
    SurveyFileError,
    SurveyResults,
    combine,
    failed_file,
    read_survey_file,
)

RESPONSE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls"}
CODEBOOK_STEMS = ("codebook", "scale_labels")
_LINEAGE = {"source_file": "_source_file", "source_row": "_source_row", "file_hash": "_file_hash"}


def response_files(folder: Path) -> list[Path]:
    """Response exports in a survey folder: everything tabular but the codebook, labels and registry."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in RESPONSE_SUFFIXES and not p.name.startswith((".", "~$"))
        and p.stem.lower() not in CODEBOOK_STEMS and p.name != followup.REGISTRY_FILE
    )


def _lineage(frame: pl.DataFrame, now) -> pl.DataFrame:
    return frame.rename({k: v for k, v in _LINEAGE.items() if k in frame.columns}).with_columns(
        pl.lit(now).alias("_ingested_at"))


# ---------------------------------------------------------------------------------- policy


def read_policy_survey(survey_dir: Path, raw_root: Path) -> tuple[Codebook, SurveyResults, pl.DataFrame]:
    """Codebook, every response file read against it, and each response's survey wave."""
    codebook = read_codebook(find_table(survey_dir, "codebook"), find_table(survey_dir, "scale_labels"), "policy")
    results, failed, waves = [], [], []
    for path in response_files(survey_dir):
        try:
            result = read_survey_file(path, codebook, raw_root=raw_root, require_country=True)
        except SurveyFileError as error:
            failed.append(failed_file(path, raw_root, str(error)))
            continue
        results.append(result)
        wave = followup.survey_year(path.name) or _modal_year(result.responses)
        waves.append(result.responses.select("response_id", pl.lit(wave).alias("survey_wave")))
    combined = combine(results, failed)
    wave_frame = pl.concat(waves) if waves else pl.DataFrame(schema={"response_id": pl.String, "survey_wave": pl.String})
    return codebook, combined, wave_frame


def _modal_year(responses: pl.DataFrame) -> str:
    years = responses["submitted_on"].drop_nulls().dt.year()
    return str(years.mode().sort()[0]) if years.len() else "undated"


def policy_scoring_input(codebook: Codebook, results: SurveyResults, waves: pl.DataFrame) -> pl.DataFrame:
    """Accepted answers with what scoring needs: wave, country, dimension and scale."""
    items = codebook.items_frame().select("item_code", "dimension", "scale_min", "scale_max")
    return (
        results.answers.join(results.responses.select("response_id", "country_code"), on="response_id")
        .join(waves, on="response_id")
        .join(items, on="item_code")
        .select("survey_wave", "response_id", "country_code", "item_code", "dimension", "answer_status", "score",
                "scale_min", "scale_max")
    )


POLICY_TABLES = {
    "policy_survey_codebook": "Policy-survey codebook (raw/surveys/policy/codebook): items, NDPC policy dimension, texts, scale, reverse coding.",
    "policy_survey_answer_labels": "Policy-survey answer labels (scale_labels) in English, Russian, Finnish and Swedish, with don't-know / not-applicable codes.",
    "policy_survey_responses": "One row per policy-survey response: respondent id, country, role, organisation type, status.",
    "policy_survey_answers": "Accepted policy-survey answers (scored, don't know, not applicable), one row per response and item, with the score after reverse coding.",
    "policy_survey_quarantine": "Policy-survey answers that could not be scored, each with a reason code (unknown item or label, out of range, …).",
    "policy_survey_files": "One row per policy-survey response file: answers read, scored, don't know, not applicable, quarantined.",
    "policy_survey_score_cells": "Policy scores per item, dimension and overall, by country, country group and all: n, mean, median, 95 % t interval.",
    "policy_survey_comparisons": "Nordic minus North-West Russia policy scores with Welch's 95 % interval.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", name], group_name="ingest", kinds={"polars", "duckdb"}, description=description)
           for name, description in POLICY_TABLES.items()],
    pool=WAREHOUSE_POOL,
)
def raw_policy_survey(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    raw_root = settings.raw_dir()
    survey_dir = raw_root / "surveys" / "policy"
    now = ingested_now()
    if response_files(survey_dir) or find_table(survey_dir, "codebook").exists():
        codebook, results, waves = read_policy_survey(survey_dir, raw_root)
        scoring_input = policy_scoring_input(codebook, results, waves)
        tables = {
            "policy_survey_codebook": codebook.items_frame(),
            "policy_survey_answer_labels": codebook.labels_frame(),
            "policy_survey_responses": results.responses.join(waves, on="response_id", how="left").drop(
                "email", "first_name", "last_name", "patronymic", "full_name", "phone"),
            "policy_survey_answers": results.answers,
            "policy_survey_quarantine": results.quarantined,
            "policy_survey_files": results.files,
            "policy_survey_score_cells": scoring.policy_score_cells(scoring_input),
            "policy_survey_comparisons": scoring.policy_comparisons(scoring_input),
        }
    else:
        # A programme without a policy survey is normal: the tables exist and are empty.
        empty = combine([], [])
        tables = {
            "policy_survey_codebook": pl.DataFrame(schema=_empty_codebook_schema()),
            "policy_survey_answer_labels": pl.DataFrame(schema=_empty_labels_schema()),
            "policy_survey_responses": empty.responses.drop(
                "email", "first_name", "last_name", "patronymic", "full_name", "phone").with_columns(
                pl.lit(None, pl.String).alias("survey_wave")),
            "policy_survey_answers": empty.answers,
            "policy_survey_quarantine": empty.quarantined,
            "policy_survey_files": empty.files,
            "policy_survey_score_cells": pl.DataFrame(schema=scoring.SCORE_CELL_SCHEMA),
            "policy_survey_comparisons": pl.DataFrame(schema=scoring.COMPARISON_SCHEMA),
        }
    for row in tables["policy_survey_files"].filter(pl.col("status") == "failed").iter_rows(named=True):
        context.log.error(f"policy-survey file not loaded: {row['error']}")
    with duckdb.get_connection() as con:
        for name, frame in tables.items():
            replace_table(con, f"raw.{name}", _lineage(frame, now))
    for name, frame in tables.items():
        metadata = {"rows": frame.height}
        if name == "policy_survey_quarantine" and frame.height:
            metadata["reasons"] = dg.MetadataValue.json(dict(frame.group_by("reason_code").len().sort("reason_code").iter_rows()))
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)


def _empty_codebook_schema() -> dict:
    return {"item_code": pl.String, "dimension": pl.String, "dimension_name": pl.String, "text_en": pl.String,
            "text_ru": pl.String, "text_fi": pl.String, "text_sv": pl.String, "scale_min": pl.Int64,
            "scale_max": pl.Int64, "reverse_coded": pl.Boolean, "label_set": pl.String,
            "dont_know_code": pl.Int64, "not_applicable_code": pl.Int64}


def _empty_labels_schema() -> dict:
    return {"label_set": pl.String, "kind": pl.String, "value": pl.Int64, "label_en": pl.String,
            "label_ru": pl.String, "label_fi": pl.String, "label_sv": pl.String}


# ---------------------------------------------------------------------------------- follow-up


def read_followup_surveys(folder: Path, raw_root: Path) -> tuple[Codebook, list[followup.FollowupSurvey], SurveyResults]:
    """Registry, codebook and every registered response file; an unregistered file fails alone."""
    surveys = followup.read_registry(folder)
    codebook = read_codebook(find_table(folder, "codebook"), find_table(folder, "scale_labels"), "followup")
    by_file = {s.file: s for s in surveys}
    results, failed, survey_of = [], [], []
    for path in response_files(folder):
        survey = by_file.get(path.name)
        if survey is None:
            failed.append(failed_file(path, raw_root, f"{path.name} is not listed in {followup.REGISTRY_FILE}: add a "
                                                      "row with its survey_id and project_id"))
            continue
        try:
            result = read_survey_file(path, codebook, raw_root=raw_root)
        except SurveyFileError as error:
            failed.append(failed_file(path, raw_root, str(error)))
            continue
        results.append(result)
        survey_of.append(result.responses.select("response_id", pl.lit(survey.survey_id).alias("survey_id")))
    for survey in surveys:
        if not (folder / survey.file).exists():
            failed.append({**failed_file(folder / survey.file, raw_root, f"{survey.file} is listed in "
                                         f"{followup.REGISTRY_FILE} but missing")})
    combined = combine(results, failed)
    if survey_of:
        combined.responses = combined.responses.join(pl.concat(survey_of), on="response_id", how="left")
    else:
        combined.responses = combined.responses.with_columns(pl.lit(None, pl.String).alias("survey_id"))
    return codebook, surveys, combined


FOLLOWUP_TABLES = {
    "followup_surveys": "Follow-up survey registry (raw/surveys/followup/surveys.csv): survey, project, file, fielding dates.",
    "followup_survey_codebook": "Follow-up survey codebook: one item per outcome (contacts, joint projects, agreements, sales, intention, satisfaction).",
    "followup_survey_answer_labels": "Follow-up survey answer labels in English, Russian, Finnish and Swedish.",
    "followup_survey_responses": "One row per follow-up response with the respondent's identity as written (personal data; raw layer only).",
    "followup_survey_answers": "Accepted follow-up answers (scored, don't know, not applicable), one row per response and item.",
    "followup_survey_quarantine": "Follow-up answers that could not be read, each with a reason code.",
    "followup_survey_files": "One row per follow-up response file: answers read, scored, don't know, not applicable, quarantined.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(["raw", name], group_name="ingest", kinds={"polars", "duckdb"}, description=description)
           for name, description in FOLLOWUP_TABLES.items()],
    pool=WAREHOUSE_POOL,
)
def raw_followup_survey(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    raw_root = settings.raw_dir()
    folder = raw_root / "surveys" / "followup"
    now = ingested_now()
    if folder.is_dir():
        codebook, surveys, results = read_followup_surveys(folder, raw_root)
        tables = {
            "followup_surveys": followup.registry_frame(surveys),
            "followup_survey_codebook": codebook.items_frame(),
            "followup_survey_answer_labels": codebook.labels_frame(),
        }
    else:
        results = combine([], [])
        results.responses = results.responses.with_columns(pl.lit(None, pl.String).alias("survey_id"))
        tables = {
            "followup_surveys": followup.registry_frame([]),
            "followup_survey_codebook": pl.DataFrame(schema=_empty_codebook_schema()),
            "followup_survey_answer_labels": pl.DataFrame(schema=_empty_labels_schema()),
        }
    tables |= {
        "followup_survey_responses": results.responses,
        "followup_survey_answers": results.answers,
        "followup_survey_quarantine": results.quarantined,
        "followup_survey_files": results.files,
    }
    for row in results.files.filter(pl.col("status") == "failed").iter_rows(named=True):
        context.log.error(f"follow-up survey file not loaded: {row['error']}")
    with duckdb.get_connection() as con:
        for name, frame in tables.items():
            replace_table(con, f"raw.{name}", _lineage(frame, now))
    for name, frame in tables.items():
        yield dg.MaterializeResult(asset_key=["raw", name], metadata={"rows": frame.height})


@dg.asset(
    key=["raw", "followup_respondent_links"],
    deps=[["raw", "registrations"], ["raw", "person_identities"], ["raw", "followup_survey_responses"]],
    group_name="identity",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "Follow-up respondents linked to participants: identity resolution over respondents and the registrations "
        "of the surveyed projects' persons together; a linked respondent carries the person key of its "
        "registrations (keyed hash)."
    ),
)
def raw_followup_respondent_links(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with duckdb.get_connection() as con:
        responses = read_table(con, "raw.followup_survey_responses")
        # only the surveyed projects' persons: linkage costs their rows, not the whole programme's
        registrations = con.sql(followup.SURVEYED_PERSONS_REGISTRATIONS_SQL).pl()
    identities = registrations.select("registration_id", "person_key")
    links, summary = followup.link_respondents(registrations, identities, responses, privacy.secret())
    summary["registrations_compared"] = registrations.height
    with duckdb.get_connection() as con:
        replace_table(con, "raw.followup_respondent_links", links.with_columns(pl.lit(ingested_now()).alias("_ingested_at")))
    return dg.MaterializeResult(metadata={"responses": links.height, "summary": dg.MetadataValue.json(summary)})


# ---------------------------------------------------------------------------------- checks

_RECONCILIATION_SQL = """
    with answers as (select _source_file, count(*) as n from raw.{answers} group by 1),
         quarantined as (select _source_file, count(*) as n from raw.{quarantine} group by 1)
    select f._source_file, f.answers_read, f.answers_scored, f.answers_dont_know, f.answers_not_applicable,
           f.answers_quarantined, coalesce(a.n, 0) as answer_rows, coalesce(q.n, 0) as quarantine_rows
    from raw.{files} f
    left join answers a using (_source_file)
    left join quarantined q using (_source_file)
    where f.status = 'loaded'
      and (f.answers_read <> f.answers_scored + f.answers_dont_know + f.answers_not_applicable + f.answers_quarantined
           or f.answers_scored + f.answers_dont_know + f.answers_not_applicable <> coalesce(a.n, 0)
           or f.answers_quarantined <> coalesce(q.n, 0))
"""


def unreconciled_files(con, answers: str, quarantine: str, files: str) -> pl.DataFrame:
    """Files where answers read ≠ scored + don't know + not applicable + quarantined, or where the
    counts differ from the rows actually written."""
    return con.sql(_RECONCILIATION_SQL.format(answers=answers, quarantine=quarantine, files=files)).pl()


def _reconciliation_check(prefix: str, label: str):
    @dg.asset_check(
        asset=dg.AssetKey(["raw", f"{prefix}_files"]),
        name="answers_reconcile_per_file",
        blocking=True,
        pool=WAREHOUSE_POOL,
        description=f"Every {label} answer lands in exactly one place: per file, answers read = scored + "
                    "don't know + not applicable + quarantined, and the answer and quarantine tables hold them.",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            mismatched = unreconciled_files(con, f"{prefix}_answers", f"{prefix}_quarantine", f"{prefix}_files")
            totals = con.execute(f"select coalesce(sum(answers_read), 0), coalesce(sum(answers_quarantined), 0) "
                                 f"from raw.{prefix}_files").fetchone()
        return dg.AssetCheckResult(
            passed=mismatched.height == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"answers_read": int(totals[0]), "answers_quarantined": int(totals[1]),
                      "files_not_reconciled": dg.MetadataValue.json(mismatched.to_dicts())},
        )

    return _check


def _files_loaded_check(prefix: str, label: str):
    @dg.asset_check(
        asset=dg.AssetKey(["raw", f"{prefix}_files"]),
        name="every_survey_file_loaded",
        description=f"Each {label} response file could be read; a failed file is reported here (the others still load).",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with duckdb.get_connection() as con:
            failed = con.sql(f"select _source_file, error from raw.{prefix}_files where status = 'failed'").pl()
        return dg.AssetCheckResult(passed=failed.height == 0, severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"failed_files": dg.MetadataValue.json(failed.to_dicts())})

    return _check


policy_answers_reconcile = _reconciliation_check("policy_survey", "policy-survey")
followup_answers_reconcile = _reconciliation_check("followup_survey", "follow-up survey")
policy_files_loaded = _files_loaded_check("policy_survey", "policy-survey")
followup_files_loaded = _files_loaded_check("followup_survey", "follow-up survey")
