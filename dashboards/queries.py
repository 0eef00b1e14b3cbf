"""The questions the pages ask of the marts, as SQL that DuckDB answers over the published files.

Only the columns a chart reads are selected, filters (project, period, countries, target groups)
are ``WHERE`` clauses and programme-wide figures are ``GROUP BY`` s, so what comes back is an
aggregate or one project's rows, never a whole large mart. Every answer is cached by the
:class:`~dashboards.data.Dataset` (per release), so asking again is free.

Two kinds of functions:

* ``project_*``: one project's rows, shaped like the marts, which the figure functions and the
  narrowing helpers of :mod:`dashboards.data` take as they are (a project holds thousands of
  rows, not millions);
* ``programme_*``: aggregates over every project, for the programme pages.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards.data import Dataset, Filters

#: The columns of fct_participations the pages read.
PARTICIPATION_COLUMNS = ("project_id", "person_key", "event_id", "organisation_key", "country_code",
                         "event_country_code", "target_group", "organisation_type", "participated_on",
                         "is_cross_border")
#: Disaggregations of fct_indicator_values the pages draw.
DRAWN_DISAGGREGATIONS = ("total", "target_group", "country")
#: Rows of a long list (files, events) shown at most; the rest is counted in a note.
LIST_LIMIT = 200


def _select(dataset: Dataset, mart: str, wanted: tuple[str, ...]) -> str:
    have = dataset.columns(mart)
    return ", ".join(f'"{c}"' for c in wanted if c in have)


def _in(values: tuple | list) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


def people_where(filters: Filters, bounds: tuple[dt.date | None, dt.date | None] | None = None,
                 *, project: bool = True) -> tuple[str, list]:
    """``WHERE`` clause (and its parameters) on fct_participations for the filter's project
    (unless ``project`` is False or none is chosen), countries, target groups and dates."""
    clauses, params = ["true"], []
    if project and filters.project_id is not None:
        clauses.append("project_id = ?")
        params.append(filters.project_id)
    if filters.countries:
        clauses.append(f"country_code in {_in(filters.countries)}")
        params += list(filters.countries)
    if filters.target_groups:
        clauses.append(f"target_group in {_in(filters.target_groups)}")
        params += list(filters.target_groups)
    if bounds is not None:
        first, last = bounds
        if first is not None:
            clauses.append("participated_on >= ?")
            params.append(first)
        if last is not None:
            clauses.append("participated_on <= ?")
            params.append(last)
    return " and ".join(clauses), params


# --- one project --------------------------------------------------------------------------------


# Each project query names its order, so that the rows are the same however DuckDB's threads
# read the file, and whether they are read alone or with other projects' (prefetch_projects).
_PARTICIPATIONS_ORDER = "participated_on, event_id, person_key"
_INDICATORS_ORDER = "indicator_code, period_type, period_id, disaggregation, disaggregation_value"
_QUALITY_ORDER = "source, source_file, quarantine_reason"


def _participations_sql(dataset: Dataset, where: str) -> str:
    columns = _select(dataset, "fct_participations", PARTICIPATION_COLUMNS)
    return f"select {columns} from fct_participations where {where} order by {_PARTICIPATIONS_ORDER}"


def _indicators_sql(where: str) -> str:
    return (f"select * from fct_indicator_values where {where} and disaggregation in {_in(DRAWN_DISAGGREGATIONS)} "
            f"and (period_type = 'project_to_date' or (period_type = ? and period_id = ?)) order by {_INDICATORS_ORDER}")


def _events_sql(where: str) -> str:
    return f"select * from dim_events where {where} order by start_date, event_id"


def _quality_sql(where: str) -> str:
    return f"select * from fct_data_quality where source <> 'registrations' or {where} order by {_QUALITY_ORDER}"


def project_participations(dataset: Dataset, project_id: str) -> pl.DataFrame | None:
    """The project's rows of fct_participations (the columns the pages read)."""
    if not dataset.has("fct_participations"):
        return None
    return dataset.query(_participations_sql(dataset, "project_id = ?"), (project_id,))


def project_events(dataset: Dataset, project_id: str | None) -> pl.DataFrame | None:
    """The project's rows of dim_events."""
    if not dataset.has("dim_events"):
        return None
    return dataset.query(_events_sql("project_id = ?"), (project_id,))


def _period_params(period_type: str | None, period_id: str | None) -> tuple[str, str]:
    """The other period of :func:`project_indicators` (none for the whole project)."""
    if period_type in (None, "project_to_date") or period_id in (None, "PTD"):
        return "", ""
    return period_type, period_id


def project_indicators(dataset: Dataset, project_id: str, period_type: str | None = None,
                       period_id: str | None = None) -> pl.DataFrame | None:
    """The project's fct_indicator_values rows of the drawn disaggregations, for the whole
    project (``project_to_date``) and, when given, one other period."""
    if not dataset.has("fct_indicator_values"):
        return None
    return dataset.query(_indicators_sql("project_id = ?"),
                         (project_id, *DRAWN_DISAGGREGATIONS, *_period_params(period_type, period_id)))


def prefetch_projects(dataset: Dataset, project_ids: list[str]) -> None:
    """Read the whole-project rows of several projects in one scan of each large mart and cache
    them as each project's answer (the snapshots draw many projects: one scan instead of one
    per project; the marts are not ordered by project, so every scan reads the whole file)."""
    ids = list(dict.fromkeys(project_ids))
    if not ids:
        return
    where = f"project_id in {_in(ids)}"

    def split(frame: pl.DataFrame, sql: str, extra: tuple = ()) -> None:
        parts = {key[0]: part for key, part in frame.partition_by("project_id", as_dict=True).items()} if frame.height else {}
        for pid in ids:
            dataset.prime(sql, (pid, *extra), parts.get(pid, frame.clear()))

    if dataset.has("fct_participations"):
        rows = dataset.query_uncached(_participations_sql(dataset, where).replace(" order by ", " order by project_id, "), ids)
        split(rows, _participations_sql(dataset, "project_id = ?"))
    if dataset.has("fct_indicator_values"):
        extra = (*DRAWN_DISAGGREGATIONS, "", "")
        rows = dataset.query_uncached(_indicators_sql(where).replace(" order by ", " order by project_id, "), (*ids, *extra))
        split(rows, _indicators_sql("project_id = ?"), extra)
    if dataset.has("dim_events"):
        rows = dataset.query_uncached(_events_sql(where).replace(" order by ", " order by project_id, "), ids)
        split(rows, _events_sql("project_id = ?"))


def project_cumulative(dataset: Dataset, project_id: str) -> pl.DataFrame | None:
    if not dataset.has("fct_participants_cumulative"):
        return None
    return dataset.query("select * from fct_participants_cumulative where project_id = ? order by month_end", (project_id,))


def project_period_ids(dataset: Dataset, project_id: str) -> pl.DataFrame:
    """Distinct (period_type, period_id) of the project's years, quarters and months."""
    if not dataset.has("fct_indicator_values"):
        return pl.DataFrame(schema={"period_type": pl.String, "period_id": pl.String})
    return dataset.query("select distinct period_type, period_id from fct_indicator_values "
                         "where project_id = ? and period_type in ('year', 'quarter', 'month') order by 1, 2", (project_id,))


def participant_countries(dataset: Dataset, project_id: str | None) -> list[str]:
    """Participant countries (of the project, or of the programme), sorted by code."""
    if not dataset.has("fct_participations"):
        return []
    if project_id is None:
        rows = dataset.query("select distinct country_code from fct_participations where country_code is not null order by 1")
    else:
        rows = dataset.query("select distinct country_code from fct_participations "
                             "where project_id = ? and country_code is not null order by 1", (project_id,))
    return rows["country_code"].to_list()


def regional_context(dataset: Dataset, project_id: str, levels: tuple[str, ...]) -> pl.DataFrame:
    """fct_regional_context rows of a project (``ALL``: the programme) at the given levels."""
    return dataset.query(f"select * from fct_regional_context where project_id = ? and region_level in {_in(levels)} "
                         "order by region_code, year", (project_id, *levels))


def regional_statistics(dataset: Dataset, region_codes: list[str]) -> pl.DataFrame:
    """The statistics alone (project ``ALL``) of the given regions."""
    if not region_codes:
        return dataset.query("select * from fct_regional_context where false")
    return dataset.query(f"select * from fct_regional_context where project_id = 'ALL' and region_code in {_in(region_codes)} "
                         "order by region_code, year", tuple(sorted(region_codes)))


def followup(dataset: Dataset, project_id: str) -> pl.DataFrame:
    return dataset.query("select * from fct_followup_outcomes where project_id = ?", (project_id,))


def quality_rows(dataset: Dataset, project_id: str) -> pl.DataFrame:
    """fct_data_quality rows of the project's registration exports, and every other source's."""
    return dataset.query(_quality_sql("project_id = ?"), (project_id,))


def validation_rules(dataset: Dataset, project_id: str | None) -> pl.DataFrame:
    """fct_validation_results per rule, for the project or summed over every project."""
    where, params = ("project_id = ?", (project_id,)) if project_id is not None else ("true", ())
    return dataset.query(
        "select rule_code, any_value(rule_name) as rule_name, sum(comparisons) as comparisons, "
        f"sum(violations) as violations, bool_and(passed) as passed from fct_validation_results where {where} "
        "group by rule_code order by rule_code", params)


# --- the programme -----------------------------------------------------------------------------


def programme_totals(dataset: Dataset, month: str | None) -> pl.DataFrame:
    """Per project: unique participants, participations and events held (official totals of
    fct_indicator_values) for the whole project, or from its start to ``month`` (a project that
    ended before ``month`` gives its whole-project values; one that had not started, none).
    Columns: project_id, indicator_code, value, is_small_cell."""
    codes = ("unique_participants", "participations", "events_held")
    if not dataset.has("fct_indicator_values"):
        return pl.DataFrame(schema={"project_id": pl.String, "indicator_code": pl.String,
                                    "value": pl.Float64, "is_small_cell": pl.Boolean})
    base = (f"select project_id, indicator_code, period_type, value, is_small_cell from fct_indicator_values "
            f"where disaggregation = 'total' and indicator_code in {_in(codes)} ")
    if month is None:
        return dataset.query(base + "and period_type = 'project_to_date' order by 1, 2", codes).drop("period_type")
    rows = dataset.query(base + "and (period_type = 'project_to_date' or (period_type = 'cumulative' and period_id = ?))",
                         (*codes, month))
    projects = dataset.projects().select("project_id", "end_date")
    at_month = rows.filter(pl.col("period_type") == "cumulative")
    year, mon = (int(p) for p in month.split("-"))
    ended = projects.filter(pl.col("end_date") < dt.date(year, mon, 1))["project_id"]
    whole = rows.filter((pl.col("period_type") == "project_to_date") & pl.col("project_id").is_in(ended.implode())
                        & ~pl.col("project_id").is_in(at_month["project_id"].unique().implode()))
    return pl.concat([at_month, whole]).drop("period_type").sort("project_id", "indicator_code")


def programme_flows(dataset: Dataset, filters: Filters, bounds) -> pl.DataFrame:
    """Participations per (participant country, event country) over every project:
    country_code, event_country_code, n."""
    where, params = people_where(filters, bounds, project=False)
    return dataset.query(f"select country_code, event_country_code, count(*) as n from fct_participations "
                         f"where {where} group by all order by 1, 2", params)


def programme_events_by_month(dataset: Dataset, filters: Filters, bounds) -> pl.DataFrame:
    """Per month and event kind: events that started in it, and their participations (official
    counts of dim_events; with a people filter, the filtered fct_participations rows of those
    events). Columns: month (date, first day), event_kind, events, participations."""
    first, last = bounds
    clauses, params = ["true"], []
    if first is not None:
        clauses.append("e.start_date >= ?")
        params.append(first)
    if last is not None:
        clauses.append("e.start_date <= ?")
        params.append(last)
    where = " and ".join(clauses)
    if not filters.filters_people:
        return dataset.query(f"select date_trunc('month', e.start_date)::date as month, e.event_kind, count(*) as events, "
                             f"sum(e.participations) as participations from dim_events as e where {where} "
                             "group by all order by 1, 2", params)
    people, people_params = people_where(filters, project=False)
    return dataset.query(
        f"with counted as (select event_id, count(*) as n from fct_participations where {people} group by 1) "
        f"select date_trunc('month', e.start_date)::date as month, e.event_kind, count(*) as events, "
        f"coalesce(sum(c.n), 0) as participations from dim_events as e join counted as c using (event_id) "
        f"where {where} group by all order by 1, 2", people_params + params)


def programme_top_events(dataset: Dataset, filters: Filters, bounds, limit: int = 25) -> tuple[pl.DataFrame, int]:
    """The ``limit`` events with the most participations in the period (dim_events rows, the
    participations recounted from filtered fct_participations with a people filter), and how
    many events the period holds."""
    first, last = bounds
    clauses, params = ["true"], []
    if first is not None:
        clauses.append("e.start_date >= ?")
        params.append(first)
    if last is not None:
        clauses.append("e.start_date <= ?")
        params.append(last)
    where = " and ".join(clauses)
    if not filters.filters_people:
        top = dataset.query(f"select e.* from dim_events as e where {where} "
                            f"order by e.participations desc, e.event_id limit {int(limit)}", params)
        count = dataset.query(f"select count(*) as n from dim_events as e where {where}", params)["n"][0]
        return top, int(count)
    people, people_params = people_where(filters, project=False)
    counted = f"with counted as (select event_id, count(*) as n from fct_participations where {people} group by 1) "
    top = dataset.query(counted + f"select e.* replace (c.n as participations) from dim_events as e join counted as c "
                        f"using (event_id) where {where} order by c.n desc, e.event_id limit {int(limit)}",
                        people_params + params)
    count = dataset.query(counted + f"select count(*) as n from dim_events as e join counted as c using (event_id) "
                          f"where {where}", people_params + params)["n"][0]
    return top, int(count)


def programme_indicator_sums(dataset: Dataset, period_type: str, period_id: str | None) -> pl.DataFrame:
    """fct_indicator_values of unique participants by target group and by country, summed over
    the projects, shaped like the mart (project_id ``ALL``): a person in two projects counts in
    both. Only the projects' cells of 5 or more are summed (a suppressed cell of one project is
    left out, so that it cannot be worked out by subtracting the others from the sum)."""
    if not dataset.has("fct_indicator_values"):
        return pl.DataFrame()
    if period_type == "project_to_date" or period_id is None:
        where, params = "period_type = 'project_to_date'", ()
    else:
        where, params = "period_type = ? and period_id = ?", (period_type, period_id)
    return dataset.query(
        "select 'ALL' as project_id, indicator_code, any_value(unit) as unit, "
        "?::varchar as period_type, ?::varchar as period_id, "
        "max(period_end) as period_end, disaggregation, disaggregation_value, sum(value) as value, "
        "false as is_small_cell from fct_indicator_values where indicator_code = 'unique_participants' "
        f"and disaggregation in ('target_group', 'country') and {where} "
        "and value >= 5 and not coalesce(is_small_cell, false) group by all",
        (period_type, period_id) + params).with_columns(pl.col("period_end").max())  # one snapshot: the latest


def programme_people_by(dataset: Dataset, column: str, filters: Filters, bounds) -> pl.DataFrame:
    """Distinct consented persons by ``column`` (target_group, country_code or organisation_type)
    over every project: value, n. Without a period or people filter, dim_persons (one row per
    consented person) answers by the person's organisation type, country or target group,
    without counting distinct keys over every participation."""
    whole = bounds == (None, None) or bounds is None
    if whole and not filters.filters_people and column in dataset.columns("dim_persons"):
        return dataset.query(f"select coalesce({column}, 'unknown') as value, count(*) as n from dim_persons "
                             "group by 1 order by 1")
    where, params = people_where(filters, bounds, project=False)
    return dataset.query(f"select coalesce({column}, 'unknown') as value, count(distinct person_key) as n "
                         f"from fct_participations where {where} group by 1 order by 1", params)


def programme_people_totals(dataset: Dataset, filters: Filters, bounds) -> dict:
    """Consented persons, participations and events with participations, over every project."""
    where, params = people_where(filters, bounds, project=False)
    row = dataset.query(f"select count(distinct person_key) as persons, count(*) as participations, "
                        f"count(distinct event_id) as events, count(*) filter (where is_cross_border) as cross_border "
                        f"from fct_participations where {where}", params).row(0, named=True)
    return row


# --- data quality over the programme --------------------------------------------------------------


def quality_summary(dataset: Dataset) -> dict:
    """Registration rows read and quarantined, files and failed files, over the whole build."""
    row = dataset.query(
        "with files as (select source_file, any_value(source) as source, any_value(file_status) as file_status, "
        "any_value(rows_read) as rows_read from fct_data_quality group by 1) "
        "select (select coalesce(sum(rows_read), 0) from files where source = 'registrations') as read, "
        "(select coalesce(sum(quarantined_rows), 0) from fct_data_quality where source = 'registrations') as quarantined, "
        "(select count(*) from files) as files, "
        "(select count(*) from files where file_status = 'failed') as failed").row(0, named=True)
    return {k: int(v or 0) for k, v in row.items()}


def quality_checks_by_source(dataset: Dataset) -> pl.DataFrame:
    """Per source: files, files that do not reconcile, failed files (one row per file counted)."""
    return dataset.query(
        "with files as (select source_file, any_value(source) as source, any_value(file_status) as file_status, "
        "bool_and(coalesce(is_reconciled, false)) as reconciled from fct_data_quality group by 1) "
        "select source, count(*) as files, count(*) filter (where not reconciled) as unreconciled, "
        "count(*) filter (where file_status = 'failed') as failed from files group by 1 order by 1")


def quality_freshness(dataset: Dataset) -> pl.DataFrame:
    """Per source: files, failed files, last ingestion, first and last data date."""
    return dataset.query(
        "with files as (select source_file, any_value(source) as source, any_value(file_status) as file_status, "
        "max(ingested_at) as ingested_at, min(data_from) as data_from, max(data_to) as data_to "
        "from fct_data_quality group by 1) "
        "select source, count(*) as files, count(*) filter (where file_status = 'failed') as failed, "
        "max(ingested_at) as ingested_at, min(data_from) as data_from, max(data_to) as data_to "
        "from files group by 1 order by 1")


def quality_top_quarantine(dataset: Dataset, limit: int = 30) -> tuple[pl.DataFrame, int, int]:
    """fct_data_quality rows (source_file, quarantine_reason, quarantined_rows) of the ``limit``
    files with the most quarantined registration rows or survey answers, how many files had
    quarantined rows, and how many had none."""
    ranked = ("with per_file as (select source_file, sum(quarantined_rows) filter (where quarantine_reason <> 'none') as n "
              "from fct_data_quality where source in ('registrations', 'surveys') group by 1) ")
    top = dataset.query(ranked + "select q.source_file, q.quarantine_reason, q.quarantined_rows from fct_data_quality as q "
                        f"join (select * from per_file where n > 0 order by n desc, source_file limit {int(limit)}) "
                        "using (source_file) order by 1, 2")
    counts = dataset.query(ranked + "select count(*) filter (where n > 0) as with_rows, "
                           "count(*) filter (where coalesce(n, 0) = 0) as clean from per_file").row(0, named=True)
    return top, int(counts["with_rows"] or 0), int(counts["clean"] or 0)


def quality_files(dataset: Dataset, limit: int = LIST_LIMIT) -> tuple[pl.DataFrame, int]:
    """One fct_data_quality row per file, failed or unreconciled files first, then those with
    quarantined rows (``limit`` at most), and the number of files."""
    rows = dataset.query(
        "with files as (select source_file, any_value(source) as source, any_value(event_id) as event_id, "
        "any_value(dataset) as dataset, any_value(file_format) as file_format, any_value(file_status) as file_status, "
        "any_value(rows_read) as rows_read, any_value(rows_loaded) as rows_loaded, "
        "any_value(rows_quarantined) as rows_quarantined, bool_and(is_reconciled) as is_reconciled "
        "from fct_data_quality group by 1) "
        "select * from files order by (file_status = 'failed' or is_reconciled is false) desc, "
        f"coalesce(rows_quarantined, 0) desc, source, source_file limit {int(limit)}")
    total = dataset.query("select count(distinct source_file) as n from fct_data_quality")["n"][0]
    return rows, int(total)


def build_files(dataset: Dataset, limit: int = LIST_LIMIT) -> tuple[pl.DataFrame, int]:
    """build_source_files: the first ``limit`` files by path, and how many there are."""
    rows = dataset.query(f"select * from build_source_files order by source_file limit {int(limit)}")
    total = dataset.query("select count(*) as n from build_source_files")["n"][0]
    return rows, int(total)
