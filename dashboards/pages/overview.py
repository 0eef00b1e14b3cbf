"""Overview: headline indicators against targets, cumulative unique participants against the
target trajectory, and the on-track status, as at the end of the selected period.

The period filter answers "where did the project stand at the end of this period": the
indicators are counted from the project start to the period's last month (the ``cumulative``
rows of ``fct_indicator_values``) against the planned trajectory of that month.

For the whole programme (no project chosen) the page ranks the projects: every project's status
and unique participants against its target as at the end of the period, projects needing
attention first (behind plan, target not reached), how many projects are in each status, and
participants summed over the projects against their summed trajectories.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Column, Section, Table, common

SLUG = "overview"
TITLE = "page_overview"
FILTERS = ("project", "period", "country", "target_group")
PROGRAMME_FILTERS = ("project", "period")


def status_numbers(cumulative: pl.DataFrame, project: dict, *, as_of: dt.date | None = None) -> dict:
    """The status of a project from its rows of ``fct_participants_cumulative`` (latest month up
    to ``as_of``): ``code`` (``on_track``, ``behind``, ``target_reached``, ``target_not_reached``,
    ``no_data``), ``actual`` and ``planned`` participants, ``target``, ``month`` and, for
    ``no_data``, ``reason`` (``no_participants``, ``no_months``, ``no_trajectory``)."""
    rows = cumulative.filter(pl.col("project_id") == project["project_id"])
    target = project.get("participant_target")
    out = {"code": "no_data", "actual": None, "planned": None, "target": target, "month": None, "reason": None}
    if rows.is_empty():
        return {**out, "reason": "no_participants"}
    rows = figures._with_date_column(rows, "month_end").sort("month_end")
    if as_of is not None:
        rows = rows.filter(pl.col("month_end") <= as_of)
        if rows.is_empty():
            return {**out, "reason": "no_months"}
    last = rows.row(rows.height - 1, named=True)
    actual = last["cumulative_unique_participants"] or 0
    planned = last.get("target_trajectory")
    end = figures._as_date(project.get("end_date"))
    month = last["month_end"]
    out.update(actual=actual, month=month)
    if end is not None and month >= end and target is not None:
        return {**out, "code": "target_reached" if actual >= target else "target_not_reached", "planned": target}
    if planned is None:
        start = figures._as_date(project.get("start_date"))
        if start is None or end is None or target is None or end <= start:
            return {**out, "reason": "no_trajectory"}
        share = min(max((month - start).days / (end - start).days, 0.0), 1.0)
        planned = float(target) * share
    return {**out, "code": "on_track" if actual >= float(planned) else "behind", "planned": float(planned)}


def project_status(
    cumulative: pl.DataFrame, project: dict, *, as_of: dt.date | None = None, lang: str = "en"
) -> tuple[str, str, str]:
    """``(status_code, label, detail)`` from the latest month of ``fct_participants_cumulative``.

    Reads: project_id, month_end, cumulative_unique_participants, target_trajectory (and the
    project's start_date, end_date, participant_target). Months after ``as_of`` are ignored.
    Codes: ``on_track``, ``behind``, ``target_reached``, ``target_not_reached``, ``no_data``.
    """
    status = status_numbers(cumulative, project, as_of=as_of)
    code, actual = status["code"], status["actual"]
    if code == "no_data":
        reason = status["reason"]
        if reason == "no_participants":
            return code, theme.text("status_no_data", lang), theme.text("status_no_participants", lang)
        if reason == "no_months":
            return code, theme.text("status_no_data", lang), theme.text("status_no_months", lang, day=as_of.isoformat())
        return code, theme.text("status_unknown", lang), theme.text("status_no_trajectory", lang)
    actual_text = figures.format_count(actual, suppressed=figures.is_suppressed(actual), lang=lang)
    if code in ("target_reached", "target_not_reached"):
        return (code, theme.text(f"status_{code}", lang),
                theme.text("status_detail_end", lang, actual=actual_text,
                           target=figures.format_count(status["target"], lang=lang)))
    detail = theme.text("status_detail_plan", lang, actual=actual_text,
                        planned=figures.format_count(round(status["planned"]), lang=lang),
                        month=status["month"].isoformat())
    return code, theme.text(f"status_{code}", lang), detail


def _total(indicators: pl.DataFrame, project_id: str, code: str, period_type: str, period_id: str | None) -> dict | None:
    rows = figures.indicator_rows(indicators, project_id, period_type=period_type, period_id=period_id)
    if rows.is_empty():
        return None
    rows = rows.filter((pl.col("indicator_code") == code) & (pl.col("disaggregation") == "total"))
    return rows.row(0, named=True) if not rows.is_empty() else None


def headline_cards(indicators: pl.DataFrame, project: dict, *, period_type: str, period_id: str | None,
                   lang: str) -> list[Card]:
    """Cards for unique participants (against the target), participations and events held."""
    pid = project["project_id"]
    cards = []
    up = _total(indicators, pid, "unique_participants", period_type, period_id)
    value = up.get("value") if up else None
    hidden = bool(up) and figures.is_suppressed(value, up.get("is_small_cell"))
    target = up.get("target") if up else None
    if target and value is not None and not hidden:
        detail = theme.text("card_of_target", lang, target=figures.format_count(target, lang=lang),
                            pct=f"{float(value) / float(target) * 100:.0f}")
    elif target:
        detail = theme.text("card_target", lang, target=figures.format_count(target, lang=lang))
    else:
        detail = ""
    cards.append(Card(theme.text("card_unique", lang), figures.format_count(value, suppressed=hidden, lang=lang), detail))
    parts = _total(indicators, pid, "participations", period_type, period_id)
    pv = parts.get("value") if parts else None
    cards.append(Card(theme.text("card_participations", lang),
                      figures.format_count(pv, suppressed=bool(parts) and figures.is_suppressed(pv, parts.get("is_small_cell")), lang=lang),
                      theme.text("card_participations_detail", lang)))
    events = _total(indicators, pid, "events_held", period_type, period_id)
    cards.append(Card(theme.text("card_events", lang), figures.format_count(events.get("value") if events else None, lang=lang),
                      theme.text("card_events_detail", lang)))
    return cards


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    if project is None:
        return build_programme(dataset, filters, lang)
    section = common.section_for(dataset, project, lang)
    pid = project["project_id"]
    month = data.as_of_month(dataset, filters)
    period_type, period_id = (figures.CUMULATIVE, month) if month else (figures.PTD, None)
    first, last = data.period_bounds(filters.period_type, filters.period_id, project)
    as_of = min(d for d in (last, dataset.as_of) if d is not None) if (last or dataset.as_of) else None
    highlight = None if filters.whole_project or first is None or last is None else (first, last)

    projects = dataset.projects()
    if filters.filters_people:
        participations = queries.project_participations(dataset, pid)
        events = queries.project_events(dataset, pid)
        if participations is None or events is None:
            section.notes.append(common.missing("fct_participations", lang))
            return section
        people = data.filter_participations(participations, filters)
        start = figures._as_date(project["start_date"])
        indicators = data.indicators_from_participations(
            people, events, project, period_type=period_type, period_id=period_id or "PTD",
            bounds=(start, as_of if month else figures._as_date(project["end_date"])))
        cumulative = data.cumulative_from_participations(people, project)
        target_projects = None
        sources = common.source(lang, "fct_participations", "dim_events", consented=True)
        section.notes.append(theme.text("person_level_note", lang))
    else:
        indicators = queries.project_indicators(dataset, pid, period_type, period_id)
        cumulative = queries.project_cumulative(dataset, pid)
        if indicators is None or cumulative is None:
            section.notes.append(common.missing("fct_indicator_values" if indicators is None else "fct_participants_cumulative", lang))
            return section
        target_projects = projects
        sources = common.source(lang, "fct_indicator_values", "dim_projects")

    names = dataset.mart("dim_indicators")
    column = f"indicator_name_{lang}"
    if lang != "en" and names is not None and column in names.columns:
        indicators = indicators.drop(column, strict=False).join(
            names.select("indicator_code", column), on="indicator_code", how="left")
    section.cards = headline_cards(indicators, project, period_type=period_type, period_id=period_id, lang=lang)
    if not filters.filters_people:
        code, label, detail = project_status(cumulative, project, as_of=as_of, lang=lang)
        section.cards.append(Card(theme.text("card_status", lang), label, detail, status=code))

    section.charts = [
        Chart("headline", figures.headline_indicators(indicators, pid, period_type=period_type, period_id=period_id, lang=lang),
              sources, wide=True),
        Chart("cumulative", figures.cumulative_participants(cumulative, pid, projects=target_projects, as_of=as_of,
                                                            highlight=highlight, lang=lang),
              common.source(lang, "fct_participations" if filters.filters_people else "fct_participants_cumulative", "dim_projects",
                            consented=filters.filters_people), wide=True),
        Chart("target-group", figures.participants_by_target_group(indicators, pid, period_type=period_type, period_id=period_id, lang=lang), sources),
        Chart("country", figures.participants_by_country(indicators, pid, period_type=period_type, period_id=period_id, lang=lang), sources),
    ]
    return section


# --- the programme -----------------------------------------------------------------------------


def programme_as_of(dataset: data.Dataset, filters: data.Filters) -> tuple[str | None, dt.date | None]:
    """The month whose cumulative values a programme view shows (None: each project's whole
    project) and the day up to which statuses are judged (the period's end, at most the build day)."""
    month = data.as_of_month(dataset, filters)
    _, last = data.period_bounds(filters.period_type, filters.period_id, None)
    days = [d for d in (last, dataset.as_of) if d is not None]
    return month, (min(days) if days else None)


def programme_projects(dataset: data.Dataset, filters: data.Filters) -> pl.DataFrame:
    """One row per project as at the end of the filter's period: project_id, project_name,
    start_date, end_date, target, participants (official unique participants; null when
    missing), participants_small, participations, participations_small, events, status,
    planned, progress (participants / planned, or / target at the end), attention (rank:
    projects needing attention first). Computed once per release and period."""
    month, as_of = programme_as_of(dataset, filters)

    def compute() -> pl.DataFrame:
        projects = dataset.projects()
        totals = queries.programme_totals(dataset, month)
        cumulative = dataset.mart("fct_participants_cumulative")
        by_project = ({key[0]: rows for key, rows in cumulative.partition_by("project_id", as_dict=True).items()}
                      if cumulative is not None and cumulative.height else {})
        values: dict[tuple[str, str], tuple[float | None, bool]] = {
            (r["project_id"], r["indicator_code"]): (r["value"], bool(r["is_small_cell"]))
            for r in totals.iter_rows(named=True)}
        empty = pl.DataFrame(schema={"project_id": pl.String, "month_end": pl.Date,
                                     "cumulative_unique_participants": pl.Int64, "target_trajectory": pl.Float64})
        rank = {code: i for i, code in enumerate(figures.STATUS_ORDER)}
        rows = []
        for project in projects.iter_rows(named=True):
            pid = project["project_id"]
            status = status_numbers(by_project.get(pid, empty), project, as_of=as_of)
            participants, small = values.get((pid, "unique_participants"), (None, False))
            participations, p_small = values.get((pid, "participations"), (None, False))
            events, _ = values.get((pid, "events_held"), (None, False))
            small = small or figures.is_suppressed(participants)
            p_small = p_small or figures.is_suppressed(participations)
            reference = status["planned"] or project.get("participant_target")
            progress = (float(status["actual"]) / float(reference)
                        if status["actual"] is not None and reference else None)
            rows.append({
                "project_id": pid, "project_name": project.get("project_name"),
                "start_date": project.get("start_date"), "end_date": project.get("end_date"),
                "target": float(project["participant_target"]) if project.get("participant_target") is not None else None,
                "participants": participants, "participants_small": small,
                "participations": participations, "participations_small": p_small, "events": events,
                "status": status["code"], "planned": status["planned"], "progress": progress,
                "attention": rank[status["code"]],
            })
        schema = {"project_id": pl.String, "project_name": pl.String, "start_date": pl.Date, "end_date": pl.Date,
                  "target": pl.Float64, "participants": pl.Float64, "participants_small": pl.Boolean,
                  "participations": pl.Float64, "participations_small": pl.Boolean, "events": pl.Float64,
                  "status": pl.String, "planned": pl.Float64, "progress": pl.Float64, "attention": pl.Int64}
        frame = pl.DataFrame(rows, schema=schema)
        return frame.sort(["attention", "progress", "project_id"], nulls_last=True)

    return dataset.memo(("programme_projects", month, as_of), compute)


def programme_series(dataset: data.Dataset) -> pl.DataFrame:
    """Per month end of the programme: unique participants summed over the projects (each
    project's latest cumulative count; counts of 1–4 left out) and the sum of their target
    trajectories (0 before a project starts, its target after it ends)."""

    def compute() -> pl.DataFrame:
        cumulative = dataset.mart("fct_participants_cumulative")
        projects = dataset.projects()
        schema = {"month_end": pl.Date, "participants": pl.Float64, "planned": pl.Float64}
        if cumulative is None or cumulative.is_empty() or projects.is_empty():
            return pl.DataFrame(schema=schema)
        cumulative = figures._with_date_column(cumulative, "month_end")
        first, last = cumulative["month_end"].min(), cumulative["month_end"].max()
        months, day = [], dt.date(first.year, first.month, 1)
        while day <= last:
            months.append(data._month_end(day.year, day.month))
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        grid = pl.DataFrame({"month_end": months}).join(projects.select("project_id", "participant_target"), how="cross")
        counted = cumulative.with_columns(
            pl.when(pl.col("cumulative_unique_participants") < theme.SMALL_CELL_THRESHOLD).then(0)
            .otherwise(pl.col("cumulative_unique_participants")).alias("counted")).sort("month_end")
        joined = grid.sort("month_end").join_asof(
            counted.select("project_id", "month_end", "counted", "target_trajectory"),
            on="month_end", by="project_id", strategy="backward", check_sortedness=False)
        ends = projects.select("project_id", pl.col("end_date").alias("_end"))
        joined = joined.join(ends, on="project_id", how="left").with_columns(
            pl.when(pl.col("month_end") >= pl.col("_end")).then(pl.col("participant_target").cast(pl.Float64))
            .otherwise(pl.col("target_trajectory")).fill_null(0.0).alias("planned"))
        return joined.group_by("month_end").agg(
            pl.col("counted").fill_null(0).sum().cast(pl.Float64).alias("participants"),
            pl.col("planned").sum()).sort("month_end")

    return dataset.memo(("programme_series",), compute)


def _status_label(code: str, lang: str) -> str:
    return theme.text(f"status_{code}", lang)


def programme_table(rows: pl.DataFrame, lang: str, *, source: str) -> Table:
    """The projects ranked for a programme manager: needing attention first."""
    columns = [
        Column("project", theme.text("col_project", lang)),
        Column("dates", theme.text("col_dates", lang)),
        Column("participants", theme.text("card_unique", lang), numeric=True),
        Column("target", theme.text("target", lang), numeric=True),
        Column("pct", theme.text("col_pct_target", lang), numeric=True),
        Column("status", theme.text("card_status", lang)),
        Column("participations", theme.text("card_participations", lang), numeric=True),
        Column("events", theme.text("card_events", lang), numeric=True),
    ]
    table_rows = []
    for r in rows.iter_rows(named=True):
        participants, small = r["participants"], r["participants_small"]
        shown = None if small else participants
        pct = (participants / r["target"] * 100) if shown is not None and r["target"] else None
        start, end = r["start_date"], r["end_date"]
        table_rows.append({
            "_project": r["project_id"], "_status": r["status"],
            "project": (f"{r['project_id']} – {r['project_name'] or ''}", r["project_id"]),
            "dates": (f"{start.isoformat()} – {end.isoformat()}" if start and end else "–", start.isoformat() if start else ""),
            "participants": (figures.format_count(participants, suppressed=small, lang=lang), shown),
            "target": (figures.format_count(r["target"], lang=lang), r["target"]),
            "pct": (f"{pct:.0f}%" if pct is not None else "–", round(pct, 1) if pct is not None else None),
            "status": (_status_label(r["status"], lang), r["attention"]),
            "participations": (figures.format_count(r["participations"], suppressed=r["participations_small"], lang=lang),
                               None if r["participations_small"] else r["participations"]),
            "events": (figures.format_count(r["events"], lang=lang), r["events"]),
        })
    return Table("projects", theme.text("projects_table_title", lang), columns, table_rows, source,
                 note=theme.text("projects_table_note", lang))


def build_programme(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    section = common.section_for(dataset, None, lang)
    projects = dataset.projects()
    if projects.is_empty():
        section.notes.append(common.missing("dim_projects", lang))
        return section
    month, as_of = programme_as_of(dataset, filters)
    rows = programme_projects(dataset, filters)
    counts = dict(rows.group_by("status").agg(pl.len()).iter_rows())
    shown = rows.filter(~pl.col("participants_small"))
    participants = shown["participants"].drop_nulls().sum()
    targets = rows["target"].drop_nulls().sum()
    participations = rows.filter(~pl.col("participations_small"))["participations"].drop_nulls().sum()
    events = rows["events"].drop_nulls().sum()
    attention = counts.get("behind", 0) + counts.get("target_not_reached", 0)
    section.cards = [
        Card(theme.text("card_projects", lang), figures.format_count(rows.height, lang=lang),
             theme.text("card_projects_detail", lang, attention=figures.format_count(attention, lang=lang)),
             status="behind" if attention else "on_track"),
        Card(theme.text("card_unique_sum", lang), figures.format_count(participants, lang=lang),
             theme.text("card_of_target", lang, target=figures.format_count(targets, lang=lang),
                        pct=f"{participants / targets * 100:.0f}") if targets else ""),
        Card(theme.text("card_participations", lang), figures.format_count(participations, lang=lang),
             theme.text("card_participations_detail", lang)),
        Card(theme.text("card_events", lang), figures.format_count(events, lang=lang), theme.text("card_events_detail", lang)),
    ]
    if month:
        section.notes.append(theme.text("programme_as_of", lang, period=figures.period_label("month", month, lang)))
    section.notes.append(theme.text("programme_sum_note", lang))
    first, last = data.period_bounds(filters.period_type, filters.period_id, None)
    highlight = None if filters.whole_project or first is None or last is None else (first, last)
    status_source = common.source(lang, "fct_participants_cumulative", "dim_projects")
    source = common.source(lang, "fct_indicator_values", "fct_participants_cumulative", "dim_projects")
    section.charts = [
        Chart("status", figures.projects_by_status(rows, lang=lang), status_source),
        Chart("against-target", figures.participants_against_target(rows, lang=lang), source),
        Chart("programme-cumulative", figures.programme_cumulative(programme_series(dataset), as_of=as_of,
                                                                    highlight=highlight, lang=lang),
              status_source, wide=True),
    ]
    section.tables = [programme_table(rows, lang, source=source)]
    return section
