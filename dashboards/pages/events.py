"""Events and participants within the selected period: participations per event, participants
by target group, country and organisation type, and who came back for more."""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "events"
TITLE = "page_events"
FILTERS = ("project", "period", "country", "target_group")
PER_PROJECT = True


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    section = Section(heading=common.heading(project, lang), meta=common.project_meta(project, lang))
    participations = dataset.mart("fct_participations")
    events = dataset.mart("dim_events")
    if project is None or participations is None or events is None:
        section.notes.append(common.missing("fct_participations" if project else "dim_projects", lang))
        return section
    pid = project["project_id"]
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
        indicators = dataset.mart("fct_indicator_values")
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
