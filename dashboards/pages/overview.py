"""Overview: headline indicators against targets, cumulative unique participants against the
target trajectory, and the on-track status, as at the end of the selected period.

The period filter answers "where did the project stand at the end of this period": the
indicators are counted from the project start to the period's last month (the ``cumulative``
rows of ``fct_indicator_values``) against the planned trajectory of that month.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards import data, figures, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "overview"
TITLE = "page_overview"
FILTERS = ("project", "period", "country", "target_group")
PER_PROJECT = True


def project_status(
    cumulative: pl.DataFrame, project: dict, *, as_of: dt.date | None = None, lang: str = "en"
) -> tuple[str, str, str]:
    """``(status_code, label, detail)`` from the latest month of ``fct_participants_cumulative``.

    Reads: project_id, month_end, cumulative_unique_participants, target_trajectory (and the
    project's start_date, end_date, participant_target). Months after ``as_of`` are ignored.
    Codes: ``on_track``, ``behind``, ``target_reached``, ``target_not_reached``, ``no_data``.
    """
    rows = cumulative.filter(pl.col("project_id") == project["project_id"])
    if rows.is_empty():
        return "no_data", theme.text("status_no_data", lang), theme.text("status_no_participants", lang)
    rows = figures._with_date_column(rows, "month_end").sort("month_end")
    if as_of is not None:
        rows = rows.filter(pl.col("month_end") <= as_of)
        if rows.is_empty():
            return "no_data", theme.text("status_no_data", lang), theme.text("status_no_months", lang, day=as_of.isoformat())
    last = rows.row(rows.height - 1, named=True)
    actual = last["cumulative_unique_participants"] or 0
    planned = last.get("target_trajectory")
    target = project.get("participant_target")
    end = figures._as_date(project.get("end_date"))
    month = last["month_end"]
    actual_text = figures.format_count(actual, suppressed=figures.is_suppressed(actual), lang=lang)
    if end is not None and month >= end and target is not None:
        code = "target_reached" if actual >= target else "target_not_reached"
        return (code, theme.text(f"status_{code}", lang),
                theme.text("status_detail_end", lang, actual=actual_text, target=figures.format_count(target, lang=lang)))
    if planned is None:
        start = figures._as_date(project.get("start_date"))
        if start is None or end is None or target is None or end <= start:
            return "no_data", theme.text("status_unknown", lang), theme.text("status_no_trajectory", lang)
        share = min(max((month - start).days / (end - start).days, 0.0), 1.0)
        planned = float(target) * share
    detail = theme.text("status_detail_plan", lang, actual=actual_text,
                        planned=figures.format_count(round(float(planned)), lang=lang), month=month.isoformat())
    code = "on_track" if actual >= float(planned) else "behind"
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
    section = Section(heading=common.heading(project, lang), meta=common.project_meta(project, lang))
    if project is None:
        section.notes.append(common.missing("dim_projects", lang))
        return section
    pid = project["project_id"]
    month = data.as_of_month(dataset, filters)
    period_type, period_id = (figures.CUMULATIVE, month) if month else (figures.PTD, None)
    first, last = data.period_bounds(filters.period_type, filters.period_id, project)
    as_of = min(d for d in (last, dataset.as_of) if d is not None) if (last or dataset.as_of) else None
    highlight = None if filters.whole_project or first is None or last is None else (first, last)

    projects = dataset.projects()
    if filters.filters_people:
        participations = dataset.mart("fct_participations")
        events = dataset.mart("dim_events")
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
        indicators = dataset.mart("fct_indicator_values")
        cumulative = dataset.mart("fct_participants_cumulative")
        if indicators is None or cumulative is None:
            section.notes.append(common.missing("fct_indicator_values" if indicators is None else "fct_participants_cumulative", lang))
            return section
        target_projects = projects
        sources = common.source(lang, "fct_indicator_values", "dim_projects")

    names = dataset.mart("dim_indicators")
    if lang != "en" and names is not None and f"indicator_name_{lang}" in names.columns:
        indicators = indicators.join(names.select("indicator_code", f"indicator_name_{lang}"), on="indicator_code", how="left")
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
