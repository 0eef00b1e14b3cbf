"""A tiny hand-made warehouse for the indicator tests: raw tables written straight into a temporary
DuckDB file, then `dbt build` of the participation and indicator marts against it, the way
`pipelines/cli.py` calls dbt (DbtCliResource)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines import settings

# Everything this issue owns, with what it needs upstream. Tests of other helpers' models that
# merely reference one of these (indirect selection "cautious") are left out.
INDICATOR_SELECTION = [
    "+fct_indicator_values", "+fct_indicator_achievement", "+fct_validation_results",
    "+fct_participants_cumulative", "+dim_indicators", "+dim_projects", "+dim_events",
    "+dim_persons", "+dim_organisations", "+fct_participations",
]


@dataclass
class Person:
    """One fixture person: their profile and the events they registered for."""

    key: str
    country_code: str
    target_group: str
    organisation_key: str
    organisation_type: str
    sex: str | None
    research_consent: bool = True
    city: str | None = None


@dataclass
class Registration:
    person: str
    event_id: str
    registered_on: date
    attended: bool | None = True
    sex: str | None = field(default="profile")  # "profile": the person's sex; None: not asked


@dataclass
class DbtBuild:
    success: bool
    database: Path
    results: dict[str, str]  # node name → status

    def failed(self) -> set[str]:
        return {name for name, status in self.results.items() if status in {"fail", "error"}}

    def query(self, sql: str) -> pl.DataFrame:
        con = duckdb.connect(str(self.database), read_only=True)
        try:
            return con.sql(sql).pl()
        finally:
            con.close()


def _text_table(rows: list[dict], columns: list[str], source_file: str) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{column: (None if row.get(column) is None else str(row[column])) for column in columns} for row in rows],
        schema={column: pl.String for column in columns},
    )
    return frame.with_columns(
        pl.lit(source_file).alias("_source_file"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_source_row"),
        pl.lit("0" * 64).alias("_file_hash"),
        pl.lit("2024-01-01T00:00:00").str.to_datetime().alias("_ingested_at"),
    )


def write_raw_warehouse(
    database: Path,
    *,
    projects: list[dict],
    events: list[dict],
    persons: list[Person],
    registrations: list[Registration],
    targets: list[dict] | None = None,
) -> None:
    """Write the raw tables the participation models read (shapes as in docs/architecture.md)."""
    by_key = {person.key: person for person in persons}
    registration_rows, identity_rows = [], []
    for number, registration in enumerate(registrations, start=1):
        person = by_key[registration.person]
        registration_id = f"{number:016x}:{number + 1}"
        registration_rows.append({
            "registration_id": registration_id,
            "event_id": registration.event_id,
            "_source_file": f"registrations/{registration.event_id}/list.csv",
            "source_sheet": None,
            "_source_row": number + 1,
            "_file_hash": "f" * 64,
            "first_name": f"First{person.key}",
            "last_name": f"Last{person.key}",
            "patronymic": None,
            "full_name": f"First{person.key} Last{person.key}",
            "email": f"{person.key}@example.org",
            "phone": None,
            "organisation": f"Organisation {person.organisation_key}",
            "organisation_type": person.organisation_type,
            "target_group": person.target_group,
            "country_code": person.country_code,
            "city": person.city,
            "sex": person.sex if registration.sex == "profile" else registration.sex,
            "registered_on": registration.registered_on,
            "attended": registration.attended,
            "research_consent": person.research_consent,
            "_ingested_at": None,
        })
        identity_rows.append({
            "registration_id": registration_id,
            "person_key": person.key,
            "organisation_key": person.organisation_key,
            "person_cluster": number,
            "match_rule": "email",
        })
    registrations_frame = pl.DataFrame(
        registration_rows,
        schema={
            "registration_id": pl.String, "event_id": pl.String, "_source_file": pl.String, "source_sheet": pl.String,
            "_source_row": pl.Int64, "_file_hash": pl.String, "first_name": pl.String, "last_name": pl.String,
            "patronymic": pl.String, "full_name": pl.String, "email": pl.String, "phone": pl.String,
            "organisation": pl.String, "organisation_type": pl.String, "target_group": pl.String,
            "country_code": pl.String, "city": pl.String, "sex": pl.String, "registered_on": pl.Date,
            "attended": pl.Boolean, "research_consent": pl.Boolean, "_ingested_at": pl.Datetime,
        },
    )
    identities_frame = pl.DataFrame(
        identity_rows,
        schema={"registration_id": pl.String, "person_key": pl.String, "organisation_key": pl.String,
                "person_cluster": pl.Int64, "match_rule": pl.String},
    )
    tables = {
        "projects": _text_table(projects, [
            "project_id", "project_name", "programme", "funder", "lead_organisation",
            "start_date", "end_date", "participant_target"], "programme/projects.csv"),
        "events": _text_table(events, [
            "event_id", "project_id", "title", "start_date", "end_date", "city", "country_code",
            "format", "event_kind"], "events/events.csv"),
        "indicator_targets": _text_table(targets or [], [
            "project_id", "indicator_code", "period_type", "period_id", "target", "baseline", "note"],
            "programme/indicator_targets.csv"),
        "registrations": registrations_frame,
        "person_identities": identities_frame,
    }
    database.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists raw")
        for name, frame in tables.items():
            con.register("_frame", frame.to_arrow())
            con.execute(f"create or replace table raw.{name} as select * from _frame")
            con.unregister("_frame")
    finally:
        con.close()


def write_absent_followup_survey(database: Path, scratch: Path) -> None:
    """The raw follow-up survey tables as their ingest writes them when a programme has no survey:
    empty, in the survey models' own shapes (pipelines/defs/surveys.py)."""
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from pipelines import privacy
    from pipelines.defs import surveys

    (scratch / "raw").mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.DATA_DIR_ENV, str(scratch))
        patch.setenv(settings.SECRET_FILE_ENV, str(privacy.create_secret(scratch / "secret.key")))
        resources = {"duckdb": DuckDBResource(database=str(database))}
        list(surveys.raw_followup_survey(dg.build_asset_context(resources=resources)))
        surveys.raw_followup_respondent_links(dg.build_asset_context(resources=resources))


def write_registration_city_regions(database: Path) -> None:
    """raw.registration_city_regions as its ingest writes it: each registration city located in the
    region dimension with the gazetteer (pipelines/defs/regions.py)."""
    import dagster as dg
    from dagster_duckdb import DuckDBResource

    from pipelines.defs import regions

    regions.raw_registration_city_regions(
        dg.build_asset_context(resources={"duckdb": DuckDBResource(database=str(database))}))


def copy_dbt_project(destination: Path) -> Path:
    """A private copy of the dbt project (without build artefacts), to change a model in a test."""
    shutil.copytree(
        settings.DBT_PROJECT_DIR, destination,
        ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"),
    )
    return destination


def dbt_build(database: Path, target_path: Path, *, project_dir: Path | None = None,
              select: list[str] | None = None) -> DbtBuild:
    """`dbt build` of the selection against ``database``; never raises on a failed node."""
    from dagster_dbt import DbtCliResource

    settings.export_environment()  # dbt runs as a subprocess: put this environment's `dbt` on PATH
    project_dir = project_dir or settings.DBT_PROJECT_DIR
    args = ["build", "--select", " ".join(select or INDICATOR_SELECTION), "--indirect-selection", "cautious"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(settings.WAREHOUSE_DB_ENV, str(database))
        invocation = DbtCliResource(project_dir=str(project_dir), profiles_dir=str(project_dir)).cli(
            args, raise_on_error=False, target_path=target_path,
        ).wait()
    run_results = json.loads((target_path / "run_results.json").read_text())
    # test.cci_warehouse.<name>[.<hash>], unit_test.cci_warehouse.<model>.<name>, model.cci_warehouse.<name>
    results = {".".join(result["unique_id"].split(".")[2:]): result["status"] for result in run_results["results"]}
    return DbtBuild(success=invocation.is_successful(), database=database, results=results)

