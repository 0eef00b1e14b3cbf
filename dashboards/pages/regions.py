"""Regions: participants per 100,000 inhabitants of the region they came from (on a map when a
boundary file is in ``data/raw/statistics/geo/``, ranked otherwise), and the region's
creative-sector context (employment in NACE J and R–U, creative organisations, GDP per head).

Participants are counted per calendar year in ``fct_regional_context``; the period filter
chooses the years, the country filter the regions' countries. Regions are compared at one
level: NUTS 2 and Russian federal subjects.
"""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "regions"
TITLE = "page_regions"
FILTERS = ("project", "period", "country")
PROGRAMME_FILTERS = ("project", "period", "country")
#: The levels compared: NUTS 2 and Russian federal subjects (aggregates and districts overlap them).
LEVELS = ("nuts2", "federal_subject")


def regional_rows(dataset: data.Dataset, filters: data.Filters, project: dict | None) -> pl.DataFrame:
    """``fct_regional_context`` rows of the project (``ALL`` without one) at the compared levels,
    in the years of the period and the filter's countries, with dim_regions' names."""
    rows = queries.regional_context(dataset, project["project_id"] if project else "ALL", LEVELS)
    first, last = data.period_bounds(filters.period_type, filters.period_id, project)
    if first is not None:
        rows = rows.filter(pl.col("year") >= first.year)
    if last is not None:
        rows = rows.filter(pl.col("year") <= last.year)
    if filters.countries:
        rows = rows.filter(pl.col("country_code").is_in(list(filters.countries)))
    regions = dataset.mart("dim_regions")
    if regions is not None:
        rows = rows.join(regions.select("region_code", "name_en", "name_ru"), on="region_code", how="left")
    return rows


def context_rows(dataset: data.Dataset, region_codes: list[str]) -> pl.DataFrame:
    """The statistics alone (project ``ALL``) of the given regions, with names."""
    rows = queries.regional_statistics(dataset, region_codes)
    regions = dataset.mart("dim_regions")
    if regions is not None:
        rows = rows.join(regions.select("region_code", "name_en", "name_ru"), on="region_code", how="left")
    return rows


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    section = common.section_for(dataset, project, lang)
    if not dataset.has("fct_regional_context"):
        section.notes.append(common.missing("fct_regional_context", lang))
        return section
    rows = regional_rows(dataset, filters, project)
    with_participants = rows.filter(pl.col("participants").fill_null(0) > 0)
    codes = with_participants["region_code"].unique().to_list()
    shown = rows.filter(pl.col("region_code").is_in(codes))
    left_out = rows["region_code"].n_unique() - len(codes)
    years = sorted(shown["year"].unique().to_list())
    source = common.source(lang, "fct_regional_context", "dim_regions")

    section.cards = [
        Card(theme.text("card_regions", lang), figures.format_count(len(codes), lang=lang),
             ", ".join(str(y) for y in years)),
    ]
    if years:
        section.notes.append(theme.text("regions_years", lang, years=", ".join(str(y) for y in years)))
    if left_out:
        section.notes.append(theme.text("regions_without_participants", lang, n=left_out))
    charts = []
    if dataset.boundaries:
        # the latest year in which someone came from a region (later years may hold statistics only)
        counted_years = with_participants["year"].unique().to_list()
        latest = shown.filter(pl.col("year") == max(counted_years)) if counted_years else shown
        charts.append(Chart("map", figures.participants_per_100k_map(latest, dataset.boundaries, lang=lang),
                            source + " " + theme.text("boundaries_source", lang), wide=True))
    else:
        section.notes.append(theme.text("regions_map_missing", lang))
    charts.append(Chart("ranked", figures.participants_per_100k_ranked(shown, lang=lang), source, wide=True))
    statistics = context_rows(dataset, codes)
    measures = [m for m in figures.CONTEXT_MEASURES if m in statistics.columns and statistics[m].is_not_null().any()]
    for measure in measures:
        charts.append(Chart(f"context-{measure}", figures.regional_context(statistics, measure, lang=lang), source))
    if not measures:
        section.notes.append(theme.text("no_context", lang))
    section.charts = charts
    return section
