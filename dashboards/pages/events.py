"""Events and participants within the selected period: participations per event, participants
by target group, country and organisation type, and who came back for more.

For the whole programme: events and their participations per month, the events with the most
participations, and participants by target group and country summed over the projects."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "events"
TITLE = "page_events"
FILTERS = ("project", "period", "country", "target_group")
PROGRAMME_FILTERS = ("project", "period", "country", "target_group")
#: Events listed by name on the programme page (the most participations first).
TOP_EVENTS = 25


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    if project is None:
        return build_programme(dataset, filters, lang)
    section = common.section_for(dataset, project, lang)
    pid = project["project_id"]
    participations = queries.project_participations(dataset, pid)
    events = queries.project_events(dataset, pid)
    if participations is None or events is None:
        section.notes.append(common.missing("fct_participations" if participations is None else "dim_events", lang))
        return section
    bounds = data.period_bounds(filters.period_type, filters.period_id, project)
    people_all_dates = data.filter_participations(participations, filters)
    people = data.filter_participations(participations, filters, bounds=bounds)
    events_shown = data.events_in_period(events, filters, bounds, people)
    consented = common.source(lang, "fct_participations", "dim_events", consented=True)

    if filters.filters_people:
        indicators = data.indicators_from_participations(
            people, events, project, period_type=filters.period_type, period_id=filters.period_id, bounds=bounds)
        breakdown_source = consented
        section.notes.append(theme.text("person_level_note", lang))
        events_source = consented
    else:
        indicators = queries.project_indicators(dataset, pid, filters.period_type, filters.period_id)
        breakdown_source = common.source(lang, "fct_indicator_values")
        events_source = common.source(lang, "dim_events")
        if indicators is None:
            section.notes.append(common.missing("fct_indicator_values", lang))
            return section

    per_person = people.group_by("person_key").agg(pl.col("event_id").n_unique().alias("events"))
    persons = per_person.height
    returning = per_person.filter(pl.col("events") >= 2).height
    participations_shown = int(events_shown["participations"].sum()) if events_shown.height else 0
    section.cards = [
        Card(theme.text("card_events", lang), figures.format_count(events_shown.height, lang=lang),
             theme.text("card_events_detail", lang)),
        Card(theme.text("card_participations", lang),
             figures.format_count(participations_shown, suppressed=figures.is_suppressed(participations_shown), lang=lang),
             theme.text("card_participations_detail", lang)),
        Card(theme.text("card_returning", lang),
             figures.format_count(returning, suppressed=figures.is_suppressed(returning), lang=lang),
             theme.text("card_returning_detail", lang) + (
                 f" ({returning / persons * 100:.0f}%)" if persons and not figures.is_suppressed(returning)
                 and not figures.is_suppressed(persons - returning) else "")),
    ]
    period = dict(period_type=filters.period_type, period_id=None if filters.whole_project else filters.period_id)
    section.charts = [
        Chart("events", figures.participations_by_event(events_shown, pid, lang=lang), events_source, wide=True),
        Chart("target-group", figures.participants_by_target_group(indicators, pid, lang=lang, **period), breakdown_source),
        Chart("country", figures.participants_by_country(indicators, pid, lang=lang, **period), breakdown_source),
        Chart("returning", figures.returning_participants(people, pid, lang=lang), consented),
        Chart("organisation-type", figures.participants_by_organisation_type(people, pid, lang=lang), consented),
        Chart("new-returning", figures.new_and_returning_by_event(
            people_all_dates, events, pid, period=None if filters.whole_project else bounds, lang=lang), consented, wide=True),
    ]
    return section


def build_programme(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    section = common.section_for(dataset, None, lang)
    if not dataset.has("dim_events") or not dataset.has("fct_participations"):
        section.notes.append(common.missing("dim_events" if not dataset.has("dim_events") else "fct_participations", lang))
        return section
    bounds = data.period_bounds(filters.period_type, filters.period_id, None)
    by_month = queries.programme_events_by_month(dataset, filters, bounds)
    top, held = queries.programme_top_events(dataset, filters, bounds, TOP_EVENTS)
    participations = int(by_month["participations"].sum() or 0) if by_month.height else 0
    people = filters.filters_people
    consented = common.source(lang, "fct_participations", "dim_events", consented=True)
    events_source = consented if people else common.source(lang, "dim_events")
    section.cards = [
        Card(theme.text("card_events", lang), figures.format_count(held, lang=lang), theme.text("card_events_detail", lang)),
        Card(theme.text("card_participations", lang),
             figures.format_count(participations, suppressed=figures.is_suppressed(participations), lang=lang),
             theme.text("card_participations_detail", lang)),
    ]
    top_figure = figures.participations_by_event(top, None, lang=lang)
    if held > top.height:
        top_figure.update_layout(title={"text": theme.text("top_events_title", lang, n=top.height,
                                                             total=figures.format_count(held, lang=lang))})
    section.charts = [
        Chart("events-by-month", figures.events_by_month(by_month, lang=lang), events_source, wide=True),
        Chart("top-events", top_figure, events_source, wide=True),
    ]
    if people:
        section.notes.append(theme.text("person_level_note", lang))
        totals = queries.programme_people_totals(dataset, filters, bounds)
        section.cards.append(Card(theme.text("card_persons_programme", lang),
                                  figures.format_count(totals["persons"], suppressed=figures.is_suppressed(totals["persons"]), lang=lang),
                                  theme.text("card_persons_programme_detail", lang)))
        breakdowns = {key: _people_as_indicators(queries.programme_people_by(dataset, column, filters, bounds), key, filters)
                      for key, column in (("target_group", "target_group"), ("country", "country_code"))}
        breakdown_source = consented
    else:
        sums = queries.programme_indicator_sums(dataset, filters.period_type, None if filters.whole_project else filters.period_id)
        breakdowns = {"target_group": sums, "country": sums}
        breakdown_source = common.source(lang, "fct_indicator_values") + " " + theme.text("summed_over_projects", lang)
    period = dict(period_type=filters.period_type, period_id=None if filters.whole_project else filters.period_id)
    section.charts += [
        Chart("target-group", figures.participants_by_target_group(breakdowns["target_group"], "ALL", lang=lang, **period),
              breakdown_source),
        Chart("country", figures.participants_by_country(breakdowns["country"], "ALL", lang=lang, **period), breakdown_source),
        Chart("organisation-type", figures.participants_by_organisation_type(
            queries.programme_people_by(dataset, "organisation_type", filters, bounds)
            .rename({"value": "organisation_type"}), None, lang=lang), consented),
    ]
    return section


def _people_as_indicators(counts: pl.DataFrame, disaggregation: str, filters: data.Filters) -> pl.DataFrame:
    """Distinct persons per value (``value, n``) shaped like fct_indicator_values rows of the
    programme (project ``ALL``) for the filter's period, for the breakdown figures."""
    n = counts.height
    return pl.DataFrame({
        "project_id": ["ALL"] * n, "indicator_code": ["unique_participants"] * n,
        "period_type": [filters.period_type] * n, "period_id": [filters.period_id] * n,
        "period_end": [dt.date(2000, 1, 1)] * n, "disaggregation": [disaggregation] * n,
        "disaggregation_value": counts["value"].to_list(), "value": [float(v) for v in counts["n"].to_list()],
        "is_small_cell": [figures.is_suppressed(v) for v in counts["n"].to_list()],
    }, schema_overrides={"period_end": pl.Date, "disaggregation_value": pl.String, "value": pl.Float64})
