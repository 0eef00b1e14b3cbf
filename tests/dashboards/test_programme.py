"""The programme views (no project chosen) and the query layer under every page, on the hand-made
marts of dashboard_fixtures.py (expected values worked out by hand in the comments), plus the same
pages over a release written to Parquet and opened in place."""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import pytest
from dashboard_fixtures import PARTICIPATIONS, PROJECTS, dataset, marts
from test_figures_pages import QUALITY

from dashboards import data, figures, queries, theme
from dashboards.pages import all_pages, events, filters_for, flows, overview, quality

D = dt.date
PROGRAMME = data.Filters()


def charts(section) -> dict:
    return {chart.chart_id: chart.figure for chart in section.charts}


def cards(section) -> dict:
    return {card.label: card for card in section.cards}


# --- the programme overview -----------------------------------------------------------------------


def test_programme_overview_ranks_projects_needing_attention_first():
    section = overview.build(dataset(), PROGRAMME)
    assert section.heading == "Nordic Council of Ministers programme (2 projects)"
    # JC ended with 15 of 200 (target not reached); XX has no cumulative rows (no data)
    table = section.tables[0]
    assert [row["_project"] for row in table.rows] == ["JC", "XX"]
    assert [row["_status"] for row in table.rows] == ["target_not_reached", "no_data"]
    jc = {key: value[0] for key, value in table.rows[0].items() if not key.startswith("_")}
    assert jc == {"project": "JC – Joining Creativity", "dates": "2016-02-01 – 2017-04-30", "participants": "15",
                  "target": "200", "pct": "8%", "status": "Target not reached", "participations": "25", "events": "3"}
    xx = {key: value[0] for key, value in table.rows[1].items() if not key.startswith("_")}
    assert (xx["participants"], xx["target"], xx["pct"], xx["status"]) == ("–", "50", "–", "No data")


def test_programme_overview_cards_and_charts():
    section = overview.build(dataset(), PROGRAMME)
    shown = cards(section)
    assert shown["Projects"].value == "2" and shown["Projects"].detail == "1 behind plan or short of their target"
    # 15 (JC) summed over projects, of targets 200 + 50 = 250 (6 %)
    assert shown["Unique participants (sum over projects)"].value == "15"
    assert shown["Unique participants (sum over projects)"].detail == "of target 250 (6%)"
    assert shown["Participations"].value == "25" and shown["Events"].value == "3"
    status = charts(section)["status"]
    assert dict(zip(status.data[0].customdata, status.data[0].x)) == {"target_not_reached": 1, "no_data": 1}
    against = charts(section)["against-target"]
    assert [(t.x, t.y) for t in against.data if t.mode == "markers"] == [((200.0,), (15.0,))]
    series = charts(section)["programme-cumulative"]
    # JC's cumulative months carried forward to every month end from Feb 2016 to Apr 2017
    actual = dict(zip(series.data[0].x, series.data[0].y))
    assert len(actual) == 15
    assert (actual[D(2016, 2, 29)], actual[D(2016, 3, 31)], actual[D(2016, 8, 31)], actual[D(2016, 9, 30)],
            actual[D(2017, 3, 31)], actual[D(2017, 4, 30)]) == (0.0, 13.0, 13.0, 14.0, 14.0, 15.0)
    planned = dict(zip(series.data[1].x, series.data[1].y))
    assert planned[D(2016, 6, 30)] == 26.7 and planned[D(2017, 4, 30)] == 200.0


def test_programme_overview_as_at_the_end_of_a_period():
    section = overview.build(dataset(), data.Filters(period="quarter:2016Q3"))
    # at the end of September 2016, JC had 14 against 106.7 planned: behind plan
    row = section.tables[0].rows[0]
    assert row["_project"] == "JC" and row["_status"] == "behind"
    assert row["participants"][0] == "14" and row["participations"][0] == "22" and row["events"][0] == "2"
    assert cards(section)["Unique participants (sum over projects)"].value == "14"
    assert theme.text("programme_as_of", period="Sep 2016") in section.notes


def test_programme_totals_take_whole_project_values_of_projects_that_ended():
    # May 2017: JC ended in April (its whole-project values); XX runs but has no indicator rows
    totals = queries.programme_totals(dataset(), "2017-05")
    assert {(r["project_id"], r["indicator_code"]): r["value"] for r in totals.iter_rows(named=True)} == {
        ("JC", "events_held"): 3.0, ("JC", "participations"): 25.0, ("JC", "unique_participants"): 15.0}
    assert queries.programme_totals(dataset(), "2016-01").is_empty()  # nothing had started


def test_programme_status_agrees_with_the_project_status():
    rows = overview.programme_projects(dataset(), data.Filters(period="quarter:2016Q3"))
    for project in PROJECTS.iter_rows(named=True):
        expected = overview.project_status(data.dataset_from_marts(marts()).mart("fct_participants_cumulative"), project,
                                           as_of=D(2016, 9, 30))[0]
        assert rows.filter(pl.col("project_id") == project["project_id"])["status"][0] == expected


# --- the other programme pages --------------------------------------------------------------------


def test_programme_flows_count_every_project():
    section = flows.build(dataset(), PROGRAMME)
    # JC: RU->RU 10, FI->RU 4, RU->FI 6, FI->FI 3, NO->RU 1; XX: NO->NO 6. Cross-border 11 of 30.
    shown = cards(section)
    assert shown["Cross-border participations"].value == "11" and shown["Cross-border participations"].detail == "37% / 30"
    assert shown["Nordic → Russia"].value == "5" and shown["Russia → Nordic"].value == "6"
    sankey = charts(section)["sankey"].data[0]
    assert list(sankey.link.value) == [6, 6, 10]  # NO->NO, RU->FI, RU->RU; the three flows under 5 hidden
    autumn = flows.build(dataset(), data.Filters(period="quarter:2016Q3"))
    assert cards(autumn)["Cross-border participations"].value == "6"  # E2 only: RU->FI 6, FI->FI 3


def test_programme_flows_agree_with_counting_the_rows():
    counted = queries.programme_flows(dataset(), PROGRAMME, (None, None))
    expected = PARTICIPATIONS.group_by("country_code", "event_country_code").agg(pl.len().alias("n"))
    assert counted.sort("country_code", "event_country_code").to_dicts() == \
        expected.with_columns(pl.col("n").cast(pl.Int64)).sort("country_code", "event_country_code").to_dicts()


def test_programme_events_per_month_and_largest_events():
    section = events.build(dataset(), PROGRAMME)
    assert cards(section)["Events"].value == "4" and cards(section)["Participations"].value == "31"
    by_month = charts(section)["events-by-month"]
    public, joint = by_month.data
    # E1 Mar 2016 13 and E3 Feb 2017 3 (hidden); X1 Jun 2016 6 and E2 Sep 2016 9
    assert list(public.x) == [D(2016, 3, 1), D(2017, 2, 1)] and list(public.y) == [13.0, None]
    assert list(joint.x) == [D(2016, 6, 1), D(2016, 9, 1)] and list(joint.y) == [6.0, 9.0]
    top = charts(section)["top-events"]
    assert [x for trace in top.data if trace.type == "bar" for x in trace.x] == [13.0, 6.0, 9.0]


def test_programme_breakdowns_sum_projects_cells_of_five_or_more():
    section = events.build(dataset(), PROGRAMME)
    groups = charts(section)["target-group"]
    # JC's cells: cci_business 9, education 5, support_organisation 1 (small: left out of the sum)
    assert dict(zip(groups.data[0].y, groups.data[0].x)) == {"CCI businesses": 9.0, "Education and research": 5.0}
    assert len(groups.data) == 1
    country = charts(section)["country"]
    assert dict(zip(country.data[0].y, country.data[0].x)) == {"Russia": 9.0, "Finland": 5.0}
    # organisation types: distinct consented persons over both projects: SME r1..r5 + x0..x5 = 11; the rest < 5
    types = charts(section)["organisation-type"]
    assert dict(zip(types.data[0].y, types.data[0].x)) == {"SME": 11.0}
    assert list(types.data[1].y) == ["NGO", "Public body", "Education"]  # in the fixed order of types


def test_programme_events_with_a_country_filter_count_people():
    section = events.build(dataset(), data.Filters(countries=("RU",)))
    # Russians: 8 at E1 (Mar 2016), 6 at E2 (Sep 2016), 2 at E3 (hidden); r1..r8 = 8 persons
    assert cards(section)["Participants (persons)"].value == "8"
    public, joint = charts(section)["events-by-month"].data
    assert list(public.y) == [8.0, None] and list(joint.y) == [6.0]
    assert theme.text("person_level_note") in section.notes


def test_programme_quality_counted_in_duckdb_agrees_with_the_small_build_view(monkeypatch):
    whole = quality.build(dataset(fct_data_quality=QUALITY), PROGRAMME)
    monkeypatch.setattr(queries, "LIST_LIMIT", 1)  # a "large" build: counted by DuckDB, lists bounded
    counted = quality.build(dataset(fct_data_quality=QUALITY), PROGRAMME)
    for section in (whole, counted):
        # a.csv: 10 read, 2 bad emails + 1 test record; b.xlsx: 5 read; the statistics file failed
        assert cards(section)["Registration rows quarantined"].value == "3"
        assert cards(section)["Registration rows quarantined"].detail == "of 15 rows read"
        assert cards(section)["Source files"].value == "3" and cards(section)["Source files"].detail == "1 failed to load"
        assert list(charts(section)["checks"].data[0].cells.values[1]) == ["passed", "passed", "FAILED"]
        quarantine = charts(section)["quarantine"]
        assert [list(t.x) for t in quarantine.data] == [[2.0], [1.0]]
        assert "1 files had no quarantined rows" in quarantine.layout.annotations[0].text
    files = charts(counted)["files"]
    # one file listed of three: the one to look at first (failed)
    assert list(files.data[0].cells.values[1]) == ["statistics/s.tsv"]
    assert files.layout.title.text == "Files read in this build – the first 1 of 3"
    freshness = [list(c) for c in charts(counted)["freshness"].data[0].cells.values]
    assert freshness[1] == ["2", "1"] and freshness[2] == ["0", "1"]


def test_every_page_has_a_programme_view_in_both_languages():
    for module in all_pages():
        assert set(filters_for(module, None)) <= set(module.FILTERS)
        for lang in theme.LANGUAGES:
            section = module.build(dataset(), PROGRAMME, lang)
            assert section.heading.endswith(theme.text("n_projects", lang, n=2) + ")")


def test_unknown_project_falls_back_to_the_programme():
    section = overview.build(dataset(), data.Filters(project_id="NOPE"))
    assert section.tables and section.tables[0].rows[0]["_project"] == "JC"


def test_programme_period_options_span_every_project():
    options = data.period_options(dataset(), None)
    values = [o["value"] for o in options]
    assert options[0] == {"label": "Whole programme", "value": data.PTD_VALUE}
    # JC from Feb 2016 to XX's end in Jun 2017
    assert [v for v in values if v.startswith("year:")] == ["year:2016", "year:2017"]
    assert [v for v in values if v.startswith("quarter:")] == [f"quarter:{q}" for q in
                                                                ("2016Q1", "2016Q2", "2016Q3", "2016Q4", "2017Q1", "2017Q2")]
    assert len([v for v in values if v.startswith("month:")]) == 17


# --- the query layer ------------------------------------------------------------------------------


LARGE = ("fct_participations", "fct_indicator_values", "dim_events", "fct_data_quality", "build_source_files")


def test_pages_never_read_a_large_mart_whole(monkeypatch):
    monkeypatch.setattr(queries, "LIST_LIMIT", 0)
    original = data.Dataset.mart

    def guarded(self, name):
        assert name not in LARGE, f"{name} read whole"
        return original(self, name)

    monkeypatch.setattr(data.Dataset, "mart", guarded)
    ds = dataset(fct_data_quality=QUALITY)
    for module in all_pages():
        for filters in (PROGRAMME, data.Filters(project_id="JC"), data.Filters(project_id="JC", period="quarter:2016Q3",
                                                                                countries=("RU",))):
            module.build(ds, filters, "en")


def test_answers_are_cached_and_the_cache_is_bounded():
    ds = dataset()
    sql = "select project_id, count(*) as n from fct_participations group by 1 order by 1"
    first = ds.query(sql)
    assert ds.query(sql) is first  # the same answer object: not asked again
    assert first.to_dicts() == [{"project_id": "JC", "n": 24}, {"project_id": "XX", "n": 6}]
    small = data.dataset_from_marts(marts())
    small._cache_bytes = 4 * first.estimated_size() + 1
    for project in ("JC", "XX", "JC", "XX"):
        small.query("select * from fct_participations where project_id = ?", (project,))
        assert small._cached_bytes <= small._cache_bytes


def test_project_rows_are_the_projects_rows_only():
    rows = queries.project_participations(dataset(), "XX")
    assert rows.height == 6 and set(rows["project_id"]) == {"XX"}
    assert set(rows.columns) == set(queries.PARTICIPATION_COLUMNS)
    indicators = queries.project_indicators(dataset(), "JC", "quarter", "2016Q3")
    # the 9 project-to-date rows and the 3 rows of the quarter; not the cumulative ones
    assert indicators.height == 12 and set(indicators["period_type"]) == {"project_to_date", "quarter"}


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    """The fixture's marts published as a release: one Parquet file per mart, marts/current."""
    root = tmp_path_factory.mktemp("data")
    release = root / "marts" / "releases" / "build-7"
    release.mkdir(parents=True)
    for name, frame in marts(fct_data_quality=QUALITY).items():
        frame.write_parquet(release / f"{name}.parquet")
    os.symlink("releases/build-7", root / "marts" / "current")
    return root


def test_a_release_on_disk_gives_the_same_pages(release_dir):
    on_disk = data.load_dataset(release_dir)
    in_memory = dataset(fct_data_quality=QUALITY)
    assert on_disk.build_id == "build-7" and on_disk.is_synthetic and on_disk.release.endswith("build-7")
    for module in all_pages():
        for filters in (PROGRAMME, data.Filters(project_id="JC"), data.Filters(project_id="JC", countries=("FI",))):
            a, b = module.build(on_disk, filters, "ru"), module.build(in_memory, filters, "ru")
            assert [(c.label, c.value, c.detail) for c in a.cards] == [(c.label, c.value, c.detail) for c in b.cards]
            assert [c.figure.to_json() for c in a.charts] == [c.figure.to_json() for c in b.charts], module.SLUG


# --- the app's pieces -----------------------------------------------------------------------------


def test_app_starts_on_the_programme_unless_there_is_one_project():
    from dashboards import app

    ds = dataset()
    options = app._project_options(ds)
    assert options[0] == {"label": "All projects (programme overview)", "value": app.PROGRAMME}
    assert [o["value"] for o in options[1:]] == ["JC", "XX"]
    assert app._default_project(ds) == app.PROGRAMME
    single = dataset(dim_projects=PROJECTS.head(1))
    assert [o["value"] for o in app._project_options(single)] == ["JC"] and app._default_project(single) == "JC"


def test_app_table_links_rows_to_the_project_and_keeps_suppressed_cells_empty():
    from dashboards import app

    section = overview.build(dataset(), PROGRAMME, "ru")
    table = app.render_table(section.tables[0], "ru").children[1]
    first = table.data[0]
    assert first["project"] == "[JC – Joining Creativity](/overview?project=JC&lang=ru)"
    assert first["participants"] == 15.0 and first["status"] == "Цель не достигнута"
    assert table.data[1]["participants"] is None  # XX: no value (shown as "–")
    assert figures.STATUS_ORDER.index(first["status_code"]) < figures.STATUS_ORDER.index(table.data[1]["status_code"])


def test_prefetched_project_rows_are_the_rows_asked_for_alone(monkeypatch):
    alone, together = dataset(), dataset()
    queries.prefetch_projects(together, ["JC", "XX", "NONE"])

    def no_more_reads(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(together, "query_uncached", no_more_reads)
    for pid in ("JC", "XX", "NONE"):
        assert queries.project_participations(together, pid).equals(queries.project_participations(alone, pid))
        assert queries.project_events(together, pid).equals(queries.project_events(alone, pid))
        for period in ((None, None), ("project_to_date", "PTD")):  # both ask for the whole project
            assert queries.project_indicators(together, pid, *period).equals(queries.project_indicators(alone, pid))
    assert queries.project_participations(together, "NONE").is_empty()
    assert queries.project_participations(together, "JC").height == 24


def test_programme_organisation_types_from_dim_persons_agree_with_the_participations():
    # one row per consented person, as in the mart: the first organisation type each person had
    persons = PARTICIPATIONS.group_by("person_key").agg(pl.col("organisation_type").first())
    with_persons = dataset(dim_persons=persons)
    counted = queries.programme_people_by(with_persons, "organisation_type", PROGRAMME, (None, None))
    assert dict(counted.iter_rows()) == {"sme": 11, "ngo": 3, "education": 4, "public_body": 1}
    assert counted.equals(queries.programme_people_by(dataset(), "organisation_type", PROGRAMME, (None, None)))


def _without_empty_lists(value):
    if isinstance(value, dict):
        return {k: _without_empty_lists(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_without_empty_lists(v) for v in value]
    return value


def test_figures_built_without_checks_draw_what_checked_figures_draw(monkeypatch):
    """Figures skip plotly's property checks for speed (figures.VALIDATE off): built with the
    checks on, every figure of every page is valid and gives the same JSON (plotly only drops
    empty lists when it checks)."""
    import json

    ds = dataset(fct_data_quality=QUALITY)
    selections = [PROGRAMME, data.Filters(period="quarter:2016Q3", countries=("RU",)), data.Filters(project_id="JC"),
                  data.Filters(project_id="JC", period="quarter:2016Q3"), data.Filters(project_id="JC", target_groups=("education",))]

    def every_figure() -> dict:
        drawn = {}
        for module in all_pages():
            for filters in selections:
                for lang in theme.LANGUAGES:
                    for chart in module.build(ds, filters, lang).charts:
                        figures.mark_synthetic(chart.figure, lang=lang)
                        drawn[(module.SLUG, filters, lang, chart.chart_id)] = _without_empty_lists(json.loads(chart.figure.to_json()))
        return drawn

    monkeypatch.setattr(figures, "VALIDATE", False)
    fast = every_figure()
    monkeypatch.setattr(figures, "VALIDATE", True)
    checked = every_figure()
    assert len(fast) > 100 and fast.keys() == checked.keys()
    assert [key for key in fast if fast[key] != checked[key]] == []
