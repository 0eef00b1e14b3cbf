"""The participant follow-up survey: its registry of response files, and the linkage of
respondents to the participants' pseudonymous person keys.

Registry (``raw/surveys/followup/surveys.csv``): one row per response file —
``survey_id, project_id, file, fielded_from, fielded_to``.  Several files (language versions of
one questionnaire) may share a survey_id; a file in the folder that the registry does not list
fails alone with a message saying so.

Linkage (:func:`link_respondents`): respondents are identified the way registrations are.
Their rows (e-mail, names, organisation, phone, country) are put next to every staged
registration row and :func:`pipelines.registrations.identity.resolve_persons` clusters them all
with the same rules (e-mail after normalisation — case, spaces, Gmail/Yandex aliases —, then
name + organisation, name + phone, fuzzy name + organisation / phone).  A respondent whose
cluster holds registration rows takes *their* person key from ``raw.person_identities`` — the
very key the participation marts carry — so respondents and participants meet on one keyed
hash, and no plain identifier leaves the raw layer.  A cluster whose registration rows carry
two different person keys (the respondent would merge two persons) is ``ambiguous`` and not
linked; a cluster without registration rows is ``not_linked`` (a stranger, or a participant
who wrote neither a known e-mail nor their registered name and organisation).

Scope (:data:`SURVEYED_PERSONS_REGISTRATIONS_SQL`): a follow-up survey asks one project's
participants, so respondents are put next to the registrations of the persons who took part in a
surveyed project — every registration of those persons, in any project, so that a respondent who
writes the e-mail they used at another project's event still meets them — not next to the whole
programme's registrations. Linkage then costs the surveyed projects' participants, not a second
identity resolution of millions of rows; a respondent who matches only persons who never took
part in the surveyed project stays ``not_linked``, as a stranger would.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.registrations import identity
from pipelines.registrations.normalise import parse_date
from pipelines.surveys.codebook import CodebookError, read_user_table

REGISTRY_FILE = "surveys.csv"
# Every registration of every person (raw.person_identities) who registered for an event of a
# project with a follow-up response: the columns identity resolution reads, and the person key.
SURVEYED_PERSONS_REGISTRATIONS_SQL = f"""
    with surveyed_projects as (
        select distinct s.project_id
        from raw.followup_surveys as s
        where s.survey_id in (select survey_id from raw.followup_survey_responses)
    ),
    surveyed_persons as (
        select distinct i.person_key
        from raw.person_identities as i
        join raw.registrations as r using (registration_id)
        join raw.events as e on e.event_id = r.event_id
        where e.project_id in (select project_id from surveyed_projects)
    )
    select {", ".join(f"r.{c}" for c in identity.INPUT_COLUMNS)}, i.person_key
    from raw.registrations as r
    join raw.person_identities as i using (registration_id)
    where i.person_key in (select person_key from surveyed_persons)
    order by r.registration_id
"""
REGISTRY_COLUMNS = ("survey_id", "project_id", "file", "fielded_from", "fielded_to")
LINK_STATUSES = ("linked", "not_linked", "ambiguous")
RESPONDENT_PREFIX = "followup:"
LINK_SCHEMA = {"response_id": pl.String, "survey_id": pl.String, "person_key": pl.String,
               "link_status": pl.String, "match_rule": pl.String}


@dataclass(frozen=True)
class FollowupSurvey:
    survey_id: str
    project_id: str
    file: str  # relative to the follow-up folder
    fielded_from: dt.date | None
    fielded_to: dt.date | None


def read_registry(folder: Path) -> list[FollowupSurvey]:
    """The follow-up survey registry; :class:`CodebookError` names the row to fix."""
    path = folder / REGISTRY_FILE
    if not path.exists():
        raise CodebookError(f"{path} is missing: list each follow-up response file with its survey_id and "
                            "project_id (see docs/surveys.md)")
    header, rows = read_user_table(path, REGISTRY_COLUMNS)
    missing = [c for c in REGISTRY_COLUMNS if c not in header]
    if missing:
        raise CodebookError(f"{path.name}: missing columns {missing}; found {[h for h in header if h]}")
    surveys = []
    for number, cells in rows:
        survey_id, project_id, file = (cells.get(c, "").strip() for c in ("survey_id", "project_id", "file"))
        if not (survey_id and project_id and file):
            raise CodebookError(f"{path.name} row {number}: survey_id, project_id and file are required")
        dates = []
        for column in ("fielded_from", "fielded_to"):
            try:
                dates.append(parse_date(cells.get(column) or None, "dmy"))
            except ValueError as error:
                raise CodebookError(f"{path.name} row {number}: {column}: {error}") from error
        surveys.append(FollowupSurvey(survey_id, project_id, file, dates[0], dates[1]))
    files = [s.file for s in surveys]
    doubled = sorted({f for f in files if files.count(f) > 1})
    if doubled:
        raise CodebookError(f"{path.name}: files listed twice: {doubled}")
    return surveys


def registry_frame(surveys: list[FollowupSurvey]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"survey_id": s.survey_id, "project_id": s.project_id, "file": s.file,
          "fielded_from": s.fielded_from, "fielded_to": s.fielded_to} for s in surveys],
        schema={"survey_id": pl.String, "project_id": pl.String, "file": pl.String,
                "fielded_from": pl.Date, "fielded_to": pl.Date},
    )


def survey_year(name: str) -> str | None:
    """The four-digit year in a file name (policy_survey_2017_responses.csv → 2017)."""
    found = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", name)
    return found.group(0) if found else None


def _identity_rows(frame: pl.DataFrame) -> list[pl.Expr]:
    return [(pl.col(c) if c in frame.columns else pl.lit(None)).cast(pl.String).alias(c) for c in identity.IDENTITY_COLUMNS]


def link_respondents(registrations: pl.DataFrame, identities: pl.DataFrame, responses: pl.DataFrame,
                     secret: bytes) -> tuple[pl.DataFrame, dict]:
    """One row per follow-up response (``response_id``, ``survey_id``): the participant's person
    key when linked, the link status and the identity rule that linked it (see the module docstring).

    ``registrations``: staged registration rows (raw.registrations, or the surveyed persons'
    rows: :data:`SURVEYED_PERSONS_REGISTRATIONS_SQL`); ``identities``:
    raw.person_identities (registration_id → person_key); ``responses``: follow-up responses
    with response_id, survey_id and the identity columns.
    """
    if responses.height == 0:
        return pl.DataFrame(schema=LINK_SCHEMA), {"responses": 0}
    registration_rows = registrations.select(
        pl.col("registration_id").cast(pl.String), pl.col("event_id").cast(pl.String), *_identity_rows(registrations))
    respondent_rows = responses.select(
        (pl.lit(RESPONDENT_PREFIX) + pl.col("response_id")).alias("registration_id"),
        (pl.lit(RESPONDENT_PREFIX) + pl.col("survey_id")).alias("event_id"),
        *_identity_rows(responses),
    )
    result = identity.resolve_persons(pl.concat([registration_rows, respondent_rows]), secret)
    assignments = result.assignments.select("registration_id", "person_cluster", "match_rule")
    cluster_keys = (
        assignments.join(identities.select("registration_id", "person_key"), on="registration_id", how="inner")
        .group_by("person_cluster")
        .agg(pl.col("person_key").unique().sort().alias("_keys"))
    )
    links = (
        assignments.filter(pl.col("registration_id").str.starts_with(RESPONDENT_PREFIX))
        .join(cluster_keys, on="person_cluster", how="left")
        .with_columns(
            pl.col("registration_id").str.strip_prefix(RESPONDENT_PREFIX).alias("response_id"),
            pl.col("_keys").list.len().fill_null(0).alias("_n"),
        )
        .with_columns(
            pl.when(pl.col("_n") == 1).then(pl.lit("linked"))
            .when(pl.col("_n") > 1).then(pl.lit("ambiguous"))
            .otherwise(pl.lit("not_linked")).alias("link_status"),
        )
        .with_columns(
            pl.when(pl.col("link_status") == "linked").then(pl.col("_keys").list.first()).alias("person_key"),
            pl.when(pl.col("link_status") == "linked").then(pl.col("match_rule")).alias("match_rule"),
        )
        .join(responses.select("response_id", "survey_id"), on="response_id", how="left")
        .select(list(LINK_SCHEMA))
        .sort("response_id")
    )
    summary = {
        "responses": links.height,
        **{status: int((links["link_status"] == status).sum()) for status in LINK_STATUSES},
        "by_rule": dict(links.filter(pl.col("link_status") == "linked").group_by("match_rule").len().sort("match_rule").iter_rows()),
    }
    return links.cast(LINK_SCHEMA), summary
