"""Cross-border flows within the selected period: participants' countries → event countries, and
the two directions the programme is about, Nordic → Russia and Russia → Nordic. For the whole
programme the same, counted over every project's participations by DuckDB."""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "flows"
TITLE = "page_flows"
FILTERS = ("project", "period", "country", "target_group")
PROGRAMME_FILTERS = ("project", "period", "country", "target_group")


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    section = common.section_for(dataset, project, lang)
    if not dataset.has("fct_participations"):
        section.notes.append(common.missing("fct_participations", lang))
        return section
    bounds = data.period_bounds(filters.period_type, filters.period_id, project)
    if project is None:
        pid = None
        # counted by DuckDB: participations per (participant country, event country)
        people = queries.programme_flows(dataset, filters, bounds)
        total = int(people["n"].sum() or 0)
        cross = int(people.filter(pl.col("country_code") != pl.col("event_country_code"))["n"].sum() or 0)
        count = pl.col("n").sum()
    else:
        pid = project["project_id"]
        people = data.filter_participations(queries.project_participations(dataset, pid), filters, bounds=bounds)
        total = people.height
        cross = int(people["is_cross_border"].sum()) if total else 0
        count = pl.len()
    consented = common.source(lang, "fct_participations", consented=True)

    share = ""
    if total and not figures.is_suppressed(cross) and not figures.is_suppressed(total - cross):
        share = f"{cross / total * 100:.0f}% / {figures.format_count(total, lang=lang)}"
    nordic = list(theme.NORDIC_COUNTRIES)
    to_russia = people.filter(pl.col("country_code").is_in(nordic) & (pl.col("event_country_code") == "RU")).select(count).item()
    from_russia = people.filter((pl.col("country_code") == "RU") & pl.col("event_country_code").is_in(nordic)).select(count).item()
    section.cards = [
        Card(theme.text("card_cross_border", lang),
             figures.format_count(cross, suppressed=figures.is_suppressed(cross), lang=lang), share),
        Card(theme.text("nordic_to_russia", lang).split(":")[0],
             figures.format_count(to_russia, suppressed=figures.is_suppressed(to_russia), lang=lang),
             theme.text("participations_axis", lang).lower()),
        Card(theme.text("russia_to_nordic", lang).split(":")[0],
             figures.format_count(from_russia, suppressed=figures.is_suppressed(from_russia), lang=lang),
             theme.text("participations_axis", lang).lower()),
    ]
    section.charts = [
        Chart("sankey", figures.cross_border_sankey(people, pid, lang=lang), consented, wide=True),
        Chart("nordic-russia", figures.nordic_russia_flows(people, pid, lang=lang), consented, wide=True),
    ]
    return section
