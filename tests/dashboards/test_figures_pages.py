"""Figure functions of the events, flows, regions, survey and data-quality pages, on the small
hand-made frames of dashboard_fixtures.py (expected values worked out by hand there and below)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from dashboard_fixtures import EVENTS, PARTICIPATIONS

from dashboards import figures, theme

D = dt.date


def _numbers_shown(fig) -> set:
    """Every number in trace data, texts and annotations (what a reader could see or hover)."""
    spec = json.loads(fig.to_json())
    found: set = set()

    def walk(obj):
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key not in ("marker", "line", "colorbar", "error_x", "error_y"):
                    walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
            found.add(float(obj))
    for trace in spec["data"]:
        walk({k: v for k, v in trace.items() if k in ("x", "y", "z", "text", "customdata", "value", "link")})
    return found


# --- events ------------------------------------------------------------------------------------


def test_participations_by_event_colours_by_kind_and_suppresses_small_events():
    fig = figures.participations_by_event(EVENTS, "JC")
    public, joint, hidden = fig.data
    assert (public.name, joint.name) == ("Public event", "Joint action")
    assert list(public.x) == [13.0] and list(public.y) == ["E1 · 10 Mar 2016 · Petrozavodsk"]
    assert list(joint.x) == [9.0] and list(joint.y) == ["E2 · 20 Sep 2016 · Helsinki"]
    # E3 had 3 participations: a "<5" marker, no bar; an online event without a city says "Online"
    assert list(hidden.y) == ["E3 · 16 Feb 2017 · Online"] and list(hidden.text) == ["<5"]
    assert 3.0 not in _numbers_shown(fig)
    # date order from the top
    assert list(fig.layout.yaxis.categoryarray)[::-1][0].startswith("E1")


def test_returning_participants_buckets_and_suppression():
    # per person: r1, r2 three events; r3..r6 and f1..f3 two; r7, r8, f4, n1 one
    fig = figures.returning_participants(PARTICIPATIONS, "JC")
    bars, hidden = fig.data
    assert dict(zip(bars.y, bars.x)) == {"2 events": 7.0, "4 or more": 0.0}
    assert list(hidden.y) == ["1 event", "3 events"]
    # the share of returning persons (9 of 13) is not given: it would give back the 4 one-timers
    assert "attended more than one" not in fig.layout.title.text


def test_returning_share_in_subtitle_when_no_bucket_is_small():
    rows = pl.concat([PARTICIPATIONS.filter(pl.col("project_id") == "JC")] + [
        PARTICIPATIONS.filter(pl.col("person_key") == "r8").with_columns(
            pl.lit(f"z{i}").alias("person_key")) for i in range(2)])
    # now one-timers: r7, r8, f4, n1, z0, z1 = 6; two events: 7; three: 2 (suppressed) -> share hidden too? no:
    # the share needs only the one-timers (6) and the returning (9), both >= 5: 9 / 15 = 60 %
    fig = figures.returning_participants(rows, "JC")
    assert "60% of participants attended more than one event" in fig.layout.title.text


def test_new_and_returning_per_event_with_complementary_suppression():
    fig = figures.new_and_returning_by_event(PARTICIPATIONS, EVENTS, "JC")
    new, back, hidden = fig.data
    assert dict(zip(new.y, new.x))["E1 · 10 Mar 2016 · Petrozavodsk"] == 12.0
    assert dict(zip(back.y, back.x))["E1 · 10 Mar 2016 · Petrozavodsk"] == 0.0
    assert dict(zip(back.y, back.x))["E2 · 20 Sep 2016 · Helsinki"] == 9.0
    # E3: 2 returning and 1 new: neither drawn (each would give the other back through the total)
    assert dict(zip(new.y, new.x))["E3 · 16 Feb 2017 · Online"] is None
    assert list(hidden.y) == ["E3 · 16 Feb 2017 · Online"]


def test_new_and_returning_decides_returning_before_the_period_narrows():
    fig = figures.new_and_returning_by_event(PARTICIPATIONS, EVENTS, "JC", period=(D(2016, 9, 1), D(2016, 12, 31)))
    new, back = fig.data
    # only E2 in the period; its 9 persons had all come to E1 before: returning, not new
    assert list(back.y) == ["E2 · 20 Sep 2016 · Helsinki"] and list(back.x) == [9.0] and list(new.x) == [0.0]


def test_participants_by_organisation_type():
    fig = figures.participants_by_organisation_type(PARTICIPATIONS, "JC")
    bars, hidden = fig.data
    assert list(bars.y) == ["SME"] and list(bars.x) == [5.0]
    assert list(hidden.y) == ["NGO", "Public body", "Education"]  # 3, 1 and 4 persons
    assert not {3.0, 1.0, 4.0} & _numbers_shown(fig)


# --- flows -------------------------------------------------------------------------------------


def test_sankey_links_are_the_flows_of_five_or_more():
    fig = figures.cross_border_sankey(PARTICIPATIONS, "JC")
    sankey = fig.data[0]
    assert sankey.type == "sankey"
    labels = list(sankey.node.label)
    links = {(labels[s], labels[t], v) for s, t, v in zip(sankey.link.source, sankey.link.target, sankey.link.value)}
    # RU -> RU 10 and RU -> FI 6; FI -> RU 4, FI -> FI 3 and NO -> RU 1 are small and left out
    assert links == {("Russia", "Russia", 10), ("Russia", "Finland", 6)}
    assert sankey.node.customdata[0] == "from Russia" and "at events in Finland" in sankey.node.customdata
    cross = dict(zip(zip(sankey.link.source, sankey.link.target), sankey.link.color))
    assert cross[(0, labels.index("Finland", 1))].startswith("rgba(0,114,178")  # cross-border: blue
    assert any("3 flows of fewer than 5" in a.text for a in fig.layout.annotations)


def test_nordic_russia_directions():
    fig = figures.nordic_russia_flows(PARTICIPATIONS, "JC")
    n2r, r2n, hidden = fig.data
    assert list(n2r.x) == ["Finland", "Norway"]
    # Finland -> Russia 4 and Norway -> Russia 1: both suppressed; Russia -> Finland 6, -> Norway 0
    assert list(n2r.y) == [None, None]
    assert list(r2n.y) == [6.0, 0.0]
    assert list(hidden.x) == ["Finland", "Norway"] and list(hidden.text) == ["<5", "<5"]
    assert "Total Nordic → Russia: 5; Russia → Nordic: 6 participations." in fig.layout.title.text


def test_nordic_russia_without_such_flows_is_empty():
    rows = PARTICIPATIONS.filter(pl.col("country_code") == pl.col("event_country_code"))
    assert figures.is_empty(figures.nordic_russia_flows(rows, "JC"))


# --- regions -----------------------------------------------------------------------------------

REGIONS = pl.DataFrame({
    "region_code": ["FI1B", "FI1B", "FI1D", "RU-KR", "RU-KR"],
    "year": [2016, 2017, 2016, 2016, 2017],
    "participants": [10, 3, 20, 50, 40],
    "population": [1_000_000.0, 1_000_000.0, 1_000_000.0, 620_000.0, 620_000.0],
    # participants x 100,000 / population
    "participants_per_100k": [1.0, 0.3, 2.0, 50 * 100_000 / 620_000, 40 * 100_000 / 620_000],
    "is_small_cell": [False, True, False, False, False],
    "name_en": ["Helsinki-Uusimaa", "Helsinki-Uusimaa", "Pohjois- ja Itä-Suomi", "Republic of Karelia", "Republic of Karelia"],
    "name_ru": [None, None, None, "Республика Карелия", "Республика Карелия"],
})


def test_per_100k_ranked_by_year_with_small_cells_hidden():
    fig = figures.participants_per_100k_ranked(REGIONS)
    y2016, y2017, hidden = fig.data
    assert (y2016.name, y2017.name) == ("2016", "2017")
    assert dict(zip(y2016.y, y2016.x)) == {"Helsinki-Uusimaa": 1.0, "Pohjois- ja Itä-Suomi": 2.0,
                                          "Republic of Karelia": pytest.approx(8.0645, abs=1e-3)}
    # Helsinki-Uusimaa 2017 has 3 participants: no rate (0.3 x population would give 3 back)
    assert list(hidden.y) == ["Helsinki-Uusimaa"] and list(hidden.text) == ["<5 (2017)"]
    assert 0.3 not in _numbers_shown(fig)
    # ranked by the best rate of each region, highest on top
    assert list(fig.layout.yaxis.categoryarray)[::-1] == ["Republic of Karelia", "Pohjois- ja Itä-Suomi", "Helsinki-Uusimaa"]
    ru = figures.participants_per_100k_ranked(REGIONS, lang="ru")
    assert "Республика Карелия" in ru.data[0].y


def _square(code: str, x0: float, y0: float) -> dict:
    ring = [[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1], [x0, y0 + 1], [x0, y0]]
    return {"type": "Feature", "properties": {"NUTS_ID": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_per_100k_map_draws_boundaries_of_the_latest_year_without_geo_traces():
    geo = {"type": "FeatureCollection", "features": [_square("FI1B", 24, 60), _square("FI1D", 27, 63)]}
    fig = figures.participants_per_100k_map(REGIONS, geo)
    assert "2017" in fig.layout.title.text
    # no geo trace: nothing would be fetched for a base map
    assert {t.type for t in fig.data} == {"scatter"}
    regions = [t for t in fig.data if t.fill == "toself"]
    # 2017: FI1B has 3 participants (grey, no rate), RU-KR has no boundary (listed), FI1D has no 2017 row
    assert len(regions) == 1 and regions[0].fillcolor == "#BDBDBD"
    assert regions[0].name.startswith("Helsinki-Uusimaa: fewer than 5")
    assert list(regions[0].x[:5]) == [24, 25, 25, 24, 24]
    assert any("Republic of Karelia" in a.text for a in fig.layout.annotations)


def test_regional_context_uses_each_regions_latest_year():
    context = pl.DataFrame({"region_code": ["FI1B", "FI1B", "RU-KR"], "year": [2015, 2016, 2016],
                            "employment_j_r_u_pct": [7.5, 8.0, None], "name_en": ["Helsinki-Uusimaa"] * 2 + ["Karelia"]})
    fig = figures.regional_context(context, "employment_j_r_u_pct")
    assert list(fig.data[0].y) == ["Helsinki-Uusimaa (2016)"] and list(fig.data[0].x) == [8.0]
    assert figures.is_empty(figures.regional_context(context, "creative_organisations"))


# --- policy survey and follow-up ----------------------------------------------------------------


def _score(group_type, code, dimension, n, mean, low=None, high=None, small=None, level="dimension"):
    return {"survey_wave": "2017", "score_level": level, "dimension": dimension,
            "dimension_name": dimension.capitalize(), "group_type": group_type, "group_code": code, "n": n,
            "mean": mean, "ci_low": low, "ci_high": high, "scale_min": 1 if level == "dimension" else 0,
            "scale_max": 5 if level == "dimension" else 100, "is_small_cell": n < 5 if small is None else small}


SCORES = pl.DataFrame([
    _score("country", "FI", "strategy", 10, 3.4, 3.0, 3.8),
    _score("country", "FI", "funding", 10, 3.9, 3.5, 4.2),
    _score("country", "IS", "strategy", 3, 2.9, 1.9, 4.0),
    _score("country_group", "nordic", "strategy", 13, 3.3, 3.0, 3.6),
])


def test_policy_heatmap_cells_with_n_and_ci_and_suppressed_cell():
    fig = figures.policy_scores_heatmap(SCORES)
    heat = fig.data[0]
    assert list(heat.x) == ["Funding", "Strategy"]
    assert list(heat.y) == ["Finland", "Iceland", "Nordic countries"]  # countries first, then groups
    z = [list(row) for row in heat.z]
    assert z[0] == [3.9, 3.4]
    assert z[1] == [None, None]  # Iceland: no funding row; strategy n = 3, suppressed
    assert heat.text[1][1] == "suppressed (n < 5)"
    assert heat.text[0][1] == "3.40<br>n=10"
    assert "95% CI: 3.00–3.80" in heat.customdata[0][1]
    assert 2.9 not in _numbers_shown(fig)


def test_policy_overall_intervals_error_bars_from_the_ci():
    overall = pl.DataFrame([
        _score("country", "FI", "overall", 10, 57.0, 53.0, 62.0, level="overall"),
        _score("country", "DK", "overall", 4, 54.0, 47.0, 60.0, level="overall"),
        _score("country_group", "nordic", "overall", 14, 56.0, 53.5, 58.0, level="overall"),
    ])
    fig = figures.policy_overall_intervals(overall)
    countries, groups = fig.data
    assert list(countries.y) == ["Finland"] and list(countries.x) == [57.0]
    assert list(countries.error_x.array) == [5.0] and list(countries.error_x.arrayminus) == [4.0]
    assert list(groups.y) == ["Nordic countries"]
    assert any("Denmark" in a.text for a in fig.layout.annotations)  # n = 4: listed as suppressed


def test_followup_outcomes_percent_bars_with_suppression():
    outcomes = pl.DataFrame({
        "indicator_code": ["a_pct", "b_pct", "count"], "indicator_name": ["Share A", "Share B", "Count"],
        "unit": ["percent", "percent", "contacts"], "value": [40.0, 3.0, 99.0],
        "numerator": [20.0, 3.0, 99.0], "denominator": [50.0, 100.0, 50.0], "is_small_cell": [False, True, False],
    })
    fig = figures.followup_outcomes(outcomes)
    bars, hidden = fig.data
    assert list(bars.y) == ["Share A"] and list(bars.x) == [40.0]
    assert list(bars.customdata[0]) == ["20", "50"]
    assert list(hidden.y) == ["Share B"]


# --- data quality ------------------------------------------------------------------------------

QUALITY = pl.DataFrame({
    "source": ["registrations", "registrations", "registrations", "statistics"],
    "source_file": ["registrations/E1/a.csv", "registrations/E1/a.csv", "registrations/E2/b.xlsx", "statistics/s.tsv"],
    "event_id": ["E1", "E1", "E2", None], "project_id": ["JC", "JC", "JC", None], "dataset": [None, None, None, "pop"],
    "file_format": ["csv", "csv", "xlsx", "eurostat_tsv"], "file_status": ["loaded", "loaded", "loaded", "failed"],
    "rows_read": [10, 10, 5, 0], "rows_loaded": [7, 7, 5, 0], "rows_quarantined": [3, 3, 0, 0],
    "is_reconciled": [True, True, True, True],
    "quarantine_reason": ["bad_email", "test_record", "none", "none"], "quarantined_rows": [2, 1, 0, 0],
    "ingested_at": [dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone.utc)] * 4,
    "data_from": [D(2016, 3, 10), D(2016, 3, 10), D(2016, 9, 20), None],
    "data_to": [D(2016, 3, 10), D(2016, 3, 10), D(2016, 9, 21), None],
})


def test_quarantine_stacked_by_reason_per_file():
    fig = figures.quarantine_by_reason_and_file(QUALITY.filter(pl.col("source") == "registrations"))
    email, test = fig.data
    assert (email.name, test.name) == ("Malformed email", "Test entry")
    assert list(email.y) == ["E1/a.csv"] and list(email.x) == [2.0] and list(test.x) == [1.0]
    # counts of records, not of people: not suppressed
    assert any("1 files had no quarantined rows" in a.text for a in fig.layout.annotations)


def test_files_table_one_row_per_file_and_failed_file_tinted():
    fig = figures.files_table(QUALITY)
    table = fig.data[0]
    files = list(table.cells.values[1])
    assert files == ["registrations/E1/a.csv", "registrations/E2/b.xlsx", "statistics/s.tsv"]
    assert list(table.cells.values[7]) == ["3", "0", "0"]
    assert list(table.cells.fill.color[0]) == ["#FFFFFF", "#FFFFFF", "#FBE3D6"]


def test_freshness_per_source():
    fig = figures.freshness_table(QUALITY, built_at=dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone.utc))
    values = [list(column) for column in fig.data[0].cells.values]
    assert values[0] == ["Registration exports", "Regional statistics"]
    assert values[1] == ["2", "1"] and values[2] == ["0", "1"]
    assert values[4][0] == "2016-03-10" and values[5][0] == "2016-09-21"
    # 2016-09-21 to 2024-05-01
    assert values[6][0] == f"{(D(2024, 5, 1) - D(2016, 9, 21)).days:,}"


def test_every_figure_speaks_russian():
    fig = figures.participations_by_event(EVENTS, "JC", lang="ru")
    assert fig.layout.title.text == theme.text("events_title", "ru")
    assert fig.data[0].name == "Публичное мероприятие"
    assert fig.layout.separators == ", "


def test_a_superseded_file_is_not_a_failure():
    superseded = QUALITY.with_columns(
        pl.when(pl.col("source_file") == "registrations/E2/b.xlsx").then(pl.lit("superseded"))
        .otherwise(pl.col("file_status")).alias("file_status"))
    table = figures.files_table(superseded).data[0]
    assert list(table.cells.values[4]) == ["Loaded", "Superseded", "Failed"]
    assert list(table.cells.fill.color[0]) == ["#FFFFFF", "#FFFFFF", "#FBE3D6"]
    freshness = figures.freshness_table(superseded).data[0].cells.values
    assert list(freshness[2]) == ["0", "1"]  # failed files per source: only the statistics file
