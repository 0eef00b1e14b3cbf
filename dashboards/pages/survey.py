"""Policy survey: dimension scores by country and dimension (with n and a 95% confidence
interval), the overall score per country and country group, and the project's follow-up
outcomes. Cells of fewer than 5 respondents are shown as suppressed.

The policy survey covers the programme's countries, not one project: the project filter applies
to the follow-up outcomes, the country filter to both.
"""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "survey"
TITLE = "page_survey"
FILTERS = ("project", "country")
PROGRAMME_FILTERS = ("project", "country")
#: Country groups shown beside the countries: the comparison the survey was made for.
GROUPS = ("nordic", "north_west_russia")


def policy_rows(scores: pl.DataFrame, filters: data.Filters, level: str) -> tuple[pl.DataFrame, str | None]:
    """The latest wave's rows of one score level for the filter's countries (and, without a
    country filter, the Nordic and North-West Russia groups)."""
    if scores.is_empty():
        return scores, None
    wave = max(scores["survey_wave"].drop_nulls().to_list(), default=None)
    rows = scores.filter((pl.col("survey_wave") == wave) & (pl.col("score_level") == level))
    countries = rows.filter(pl.col("group_type") == "country")
    if filters.countries:
        return countries.filter(pl.col("group_code").is_in(list(filters.countries))), wave
    groups = rows.filter((pl.col("group_type") == "country_group") & pl.col("group_code").is_in(list(GROUPS)))
    return pl.concat([countries, groups], how="vertical_relaxed"), wave


def followup_rows(outcomes: pl.DataFrame, filters: data.Filters) -> tuple[pl.DataFrame, bool]:
    """The project's latest follow-up wave: the chosen country's cells when exactly one country
    is chosen, else the totals (second value: whether a country choice could not be applied)."""
    rows = outcomes.filter(pl.col("project_id") == filters.project_id) if "project_id" in outcomes.columns else outcomes
    if "is_latest_wave" in rows.columns:
        rows = rows.filter(pl.col("is_latest_wave"))
    if len(filters.countries) == 1:
        return rows.filter((pl.col("disaggregation") == "country")
                           & (pl.col("disaggregation_value") == filters.countries[0])), False
    return rows.filter(pl.col("disaggregation") == "total"), len(filters.countries) > 1


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project, filters = common.with_project(dataset, filters)
    section = common.section_for(dataset, project, lang)
    scores = dataset.mart("fct_policy_scores")
    outcomes = queries.followup(dataset, project["project_id"]) if project and dataset.has("fct_followup_outcomes") else None
    charts = []
    if scores is None:
        section.notes.append(common.missing("fct_policy_scores", lang))
    else:
        dimensions, wave = policy_rows(scores, filters, "dimension")
        overall, _ = policy_rows(scores, filters, "overall")
        source = common.source(lang, "fct_policy_scores")
        if wave is not None:
            section.notes.append(theme.text("survey_wave", lang, wave=wave))
            everyone = scores.filter((pl.col("survey_wave") == wave) & (pl.col("score_level") == "overall")
                                     & (pl.col("group_type") == "all"))
            if everyone.height:
                section.cards.append(Card(theme.text("card_policy_respondents", lang),
                                          figures.format_count(everyone["n"][0], lang=lang), str(wave)))
        charts += [
            Chart("policy-heatmap", figures.policy_scores_heatmap(dimensions, lang=lang), source, wide=True),
            Chart("policy-overall", figures.policy_overall_intervals(overall, lang=lang), source, wide=True),
        ]
    if project is None:
        section.notes.append(theme.text("followup_per_project", lang))
    elif outcomes is None:
        section.notes.append(common.missing("fct_followup_outcomes", lang))
    else:
        rows, not_applied = followup_rows(outcomes, filters)
        if not_applied:
            section.notes.append(theme.text("followup_one_country", lang))
        rate = rows.filter(pl.col("indicator_code") == "followup_response_rate")
        if rate.height:
            rec = rate.row(0, named=True)
            hidden = bool(rec.get("is_small_cell")) or figures.is_suppressed(rec.get("respondents"))
            section.cards.append(Card(
                theme.text("card_respondents", lang),
                figures.format_count(rec.get("respondents"), suppressed=hidden, lang=lang),
                "" if hidden else theme.text("card_response_rate", lang, rate=f"{float(rec['value']):.0f}")))
        shares = rows.filter(pl.col("indicator_code") != "followup_response_rate")
        charts.append(Chart("followup", figures.followup_outcomes(shares, lang=lang),
                            common.source(lang, "fct_followup_outcomes"), wide=True))
    section.charts = charts
    return section
