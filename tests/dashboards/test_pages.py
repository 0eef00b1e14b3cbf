"""Page content for a selection of filters, on the hand-made marts of dashboard_fixtures.py: every
filter reaches every chart of a page, official numbers when unfiltered, person-level rows (with
a note) when filtered by country or target group, and a clear "no data yet" without a mart."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from dashboard_fixtures import CUMULATIVE, PROJECTS, dataset

from dashboards import data, figures, theme
from dashboards.pages import all_pages, events, flows, overview, quality, regions, survey

D = dt.date
JC = PROJECTS.row(0, named=True)


def charts(section) -> dict:
    return {chart.chart_id: chart.figure for chart in section.charts}


def cards(section) -> dict:
    return {card.label: card for card in section.cards}


# --- overview ----------------------------------------------------------------------------------


def test_overview_unfiltered_shows_official_indicators_and_status():
    section = overview.build(dataset(), data.Filters(project_id="JC"))
    assert cards(section)["Unique participants"].value == "15"
    assert cards(section)["Unique participants"].detail == "of target 200 (8%)"
    assert cards(section)["Status"].value == "Target not reached"  # the last month is the project end
    headline = charts(section)["headline"]
    assert headline.data[0].x[-1] == 15.0  # the first indicator is drawn on top (last in the list)
    assert all("fct_indicator_values" in c.source for c in section.charts if c.chart_id != "cumulative")
    assert not section.notes


def test_overview_period_gives_the_state_at_the_end_of_the_period():
    # 2016Q3 ends in September: the cumulative rows of 2016-09 (14 persons against 106.7 planned)
    section = overview.build(dataset(), data.Filters(project_id="JC", period="quarter:2016Q3"))
    assert cards(section)["Unique participants"].value == "14"
    assert cards(section)["Status"].value == "Behind plan"
    assert cards(section)["Status"].detail == "14 vs 107 planned by 2016-09-30"
    headline = charts(section)["headline"]
    assert "to Sep 2016" in headline.layout.title.text
    cumulative = charts(section)["cumulative"]
    # the actual line stops at the period's end; the period is shaded
    assert max(cumulative.data[0].x) == D(2016, 9, 30)
    assert cumulative.layout.shapes[0].x0 == D(2016, 7, 1) and cumulative.layout.shapes[0].x1 == D(2016, 9, 30)
    by_country = charts(section)["country"]
    assert dict(zip(by_country.data[0].y, by_country.data[0].x)) == {"Russia": 9.0, "Finland": 5.0}


def test_overview_country_filter_counts_from_person_level_rows_with_a_note():
    section = overview.build(dataset(), data.Filters(project_id="JC", countries=("RU",)))
    # consented Russian participants: r1..r8 = 8 persons, 8 + 6 + 2 = 16 participations
    assert cards(section)["Unique participants"].value == "8"
    assert cards(section)["Participations"].value == "16"
    assert "Status" not in cards(section)  # the target is set for everyone
    assert theme.text("person_level_note") in section.notes
    cumulative = charts(section)["cumulative"]
    assert len(cumulative.data) == 1  # no target line for a part of the participants
    assert max(y for y in cumulative.data[0].y if y is not None) == 8.0
    assert "research-consented" in section.charts[0].source


def test_overview_target_group_filter_changes_every_chart():
    plain = overview.build(dataset(), data.Filters(project_id="JC"))
    filtered = overview.build(dataset(), data.Filters(project_id="JC", target_groups=("education",)))
    for chart_id in ("headline", "cumulative", "target-group", "country"):
        assert charts(plain)[chart_id].to_json() != charts(filtered)[chart_id].to_json(), chart_id
    # education: f1..f4 = 4 persons, all Finnish: a small cell everywhere
    assert cards(filtered)["Unique participants"].value == "<5"
    assert figures.is_empty(charts(filtered)["target-group"]) is False
    assert list(charts(filtered)["country"].data[0].y) == ["Finland"]
    assert list(charts(filtered)["country"].data[0].text) == ["<5"]


@pytest.mark.parametrize(
    ("as_of", "code", "detail"),
    [
        (D(2016, 10, 15), "behind", "14 vs 107 planned by 2016-09-30"),
        (D(2016, 4, 15), "behind", "13 vs 27 planned by 2016-03-31"),
        (None, "target_not_reached", "15 of 200 by the project end"),
    ],
)
def test_project_status(as_of, code, detail):
    result = overview.project_status(CUMULATIVE, JC, as_of=as_of)
    assert result[0] == code
    assert result[2] == detail


def test_project_status_on_track_and_small_counts():
    cumulative = pl.DataFrame({"project_id": ["JC", "JC"], "month_end": [D(2016, 2, 29), D(2016, 3, 31)],
                               "cumulative_unique_participants": [3, 4], "target_trajectory": [1.0, 2.0]})
    code, label, detail = overview.project_status(cumulative, JC)
    assert (code, label) == ("on_track", "On track")
    assert detail == "<5 vs 2 planned by 2016-03-31"
    assert overview.project_status(cumulative, JC, lang="ru")[1] == "По плану"


# --- events and flows --------------------------------------------------------------------------


def test_events_period_narrows_every_chart():
    whole = events.build(dataset(), data.Filters(project_id="JC"))
    autumn = events.build(dataset(), data.Filters(project_id="JC", period="quarter:2016Q3"))
    assert cards(whole)["Events"].value == "3" and cards(autumn)["Events"].value == "1"
    assert cards(autumn)["Participations"].value == "9"
    assert list(charts(autumn)["events"].data[0].y) == ["E2 · 20 Sep 2016 · Helsinki"]
    # the quarter's official indicator rows: RU 6, FI 3 (small)
    country = charts(autumn)["country"]
    assert list(country.data[0].y) == ["Russia"] and list(country.data[0].x) == [6.0]
    for chart_id in ("events", "target-group", "country", "returning", "organisation-type", "new-returning"):
        assert charts(whole)[chart_id].to_json() != charts(autumn)[chart_id].to_json(), chart_id


def test_events_country_filter_recounts_participations_per_event():
    section = events.build(dataset(), data.Filters(project_id="JC", countries=("RU",)))
    bars = {y: x for trace in charts(section)["events"].data if trace.type == "bar" for y, x in zip(trace.y, trace.x)}
    # Russians: 8 at E1, 6 at E2, 2 at E3 (small)
    assert bars == {"E1 · 10 Mar 2016 · Petrozavodsk": 8.0, "E2 · 20 Sep 2016 · Helsinki": 6.0}
    assert theme.text("person_level_note") in section.notes


def test_flows_filters_reach_both_charts():
    section = flows.build(dataset(), data.Filters(project_id="JC"))
    assert cards(section)["Cross-border participations"].value == "11"  # 4 + 6 + 1 of 24
    finns = flows.build(dataset(), data.Filters(project_id="JC", countries=("FI",)))
    # Finns only: FI -> RU 4 and FI -> FI 3, both small: no flow can be drawn
    assert figures.is_empty(charts(finns)["sankey"])
    assert charts(section)["nordic-russia"].to_json() != charts(finns)["nordic-russia"].to_json()


# --- pages whose marts are missing, and the others -----------------------------------------------


@pytest.mark.parametrize("module", [regions, survey, quality])
def test_page_without_its_mart_says_no_data_yet(module):
    section = module.build(dataset(), data.Filters(project_id="JC"))
    assert any(note.startswith("No data yet") for note in section.notes)
    assert all(not figures.is_empty(chart.figure) for chart in section.charts)


def test_regions_page_uses_the_project_years_and_levels():
    context = pl.DataFrame({
        "region_code": ["FI1B", "FI1B", "FI", "RU-KR", "FI1C"], "year": [2016, 2018, 2016, 2017, 2016],
        "project_id": ["JC", "JC", "JC", "JC", "JC"],
        "region_level": ["nuts2", "nuts2", "country", "federal_subject", "nuts2"],
        "country_code": ["FI", "FI", "FI", "RU", "FI"], "population": [1e6, 1e6, 5e6, 6e5, 1e6],
        "participants": [10, 10, 10, 30, 0], "participants_per_100k": [1.0, 1.0, 0.2, 5.0, 0.0],
        "is_small_cell": [False, False, False, False, False],
        "employment_j_r_u_pct": [None] * 5, "creative_organisations": [None] * 5, "gdp_per_capita_eur": [None] * 5,
    })
    section = regions.build(dataset(fct_regional_context=context), data.Filters(project_id="JC"))
    ranked = charts(section)["ranked"]
    # 2018 lies after the project; the country row is another level; FI1C had nobody
    assert [t.name for t in ranked.data] == ["2016", "2017"]
    assert cards(section)["Regions with participants"].value == "2"
    assert theme.text("no_context") in section.notes and theme.text("regions_map_missing") in section.notes
    only_ru = regions.build(dataset(fct_regional_context=context), data.Filters(project_id="JC", countries=("RU",)))
    assert [t.name for t in charts(only_ru)["ranked"].data] == ["2017"]


def test_quality_page_narrows_registration_files_to_the_project_and_period():
    from test_figures_pages import QUALITY

    whole = quality.build(dataset(fct_data_quality=QUALITY), data.Filters(project_id="JC"))
    assert cards(whole)["Registration rows quarantined"].value == "3"
    autumn = quality.build(dataset(fct_data_quality=QUALITY), data.Filters(project_id="JC", period="quarter:2016Q3"))
    assert cards(autumn)["Registration rows quarantined"].value == "0"
    assert figures.is_empty(charts(autumn)["quarantine"])
    checks = charts(whole)["checks"].data[0].cells.values
    assert list(checks[1]) == ["passed", "passed", "FAILED"]  # reconciled; registrations read; statistics file failed


def test_every_page_builds_in_both_languages():
    for module in all_pages():
        for lang in theme.LANGUAGES:
            section = module.build(dataset(), data.Filters(project_id="JC"), lang)
            assert section.heading.startswith("Joining Creativity")


def test_period_options_and_bounds():
    options = data.period_options(dataset(), "JC")
    values = [o["value"] for o in options]
    assert values == ["project_to_date:PTD", "quarter:2016Q3"]  # the periods in the fixture's indicators
    assert data.period_bounds("quarter", "2016Q1", JC) == (D(2016, 2, 1), D(2016, 3, 31))  # clipped to the start
    assert data.period_bounds("year", "2017", JC) == (D(2017, 1, 1), D(2017, 4, 30))
    assert data.period_bounds("month", "2016-02", JC) == (D(2016, 2, 1), D(2016, 2, 29))
    assert [o["label"] for o in data.period_options(dataset(), "JC", "ru")] == ["Весь проект", "3 кв. 2016"]
