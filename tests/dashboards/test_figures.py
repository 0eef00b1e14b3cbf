"""Figure functions on small hand-made mart frames (values worked out by hand below)."""

from __future__ import annotations

import datetime as dt
import json
import re

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboards import figures, theme

D = dt.date

PROJECTS = pl.DataFrame({
    "project_id": ["JC"],
    "project_name": ["Joining Creativity"],
    "programme": ["Nordic Council of Ministers programme"],
    "funder": ["Nordic Council of Ministers"],
    "lead_organisation": ["Karelian Resource Center of NGOs"],
    "start_date": [D(2016, 2, 1)],
    "end_date": [D(2017, 4, 30)],
    "participant_target": [200],
})


def _row(code, dis, dv, value, *, target=None, pct=None, small=False, unit="persons",
         period_end=D(2017, 4, 30), project="JC"):
    names = {"unique_participants": "Participants (unique persons)",
             "participations": "Participations in project events", "events_held": "Events held"}
    return {
        "project_id": project, "indicator_code": code, "indicator_name": names[code],
        "unit": unit, "period_type": "project_to_date", "period_id": "PTD",
        "period_start": D(2016, 2, 1), "period_end": period_end, "disaggregation": dis,
        "disaggregation_value": dv, "value": None if value is None else float(value),
        "target": None if target is None else float(target), "achievement_pct": pct,
        "is_small_cell": small,
    }


def indicators_fixture() -> pl.DataFrame:
    rows = [
        # an older project-to-date snapshot: must be ignored by the dashboards
        _row("unique_participants", "total", "total", 40, target=200, pct=20.0,
             period_end=D(2016, 3, 31)),
        # latest snapshot (project end)
        _row("unique_participants", "total", "total", 212, target=200, pct=106.0),
        _row("participations", "total", "total", 340, unit="participations"),
        _row("events_held", "total", "total", 12, unit="events"),
        # target groups: 120 + 60 + 29 + 3 = 212; the 3 is a small cell flagged upstream
        _row("unique_participants", "target_group", "cci_business", 120),
        _row("unique_participants", "target_group", "support_organisation", 60),
        _row("unique_participants", "target_group", "education", 29),
        _row("unique_participants", "target_group", "other_sector", 3, small=True),
        # countries: the SE cell of 3 is NOT flagged upstream; the < 5 rule must still apply
        _row("unique_participants", "country", "FI", 100),
        _row("unique_participants", "country", "RU", 109),
        _row("unique_participants", "country", "SE", 3, small=False),
        # another project, must never show up
        _row("unique_participants", "country", "NO", 77, project="XX"),
    ]
    return pl.DataFrame(rows)


def cumulative_fixture() -> pl.DataFrame:
    return pl.DataFrame({
        "project_id": ["JC", "JC", "JC", "JC", "XX"],
        "month_end": [D(2016, 2, 29), D(2016, 3, 31), D(2016, 6, 30), D(2017, 4, 30),
                      D(2016, 3, 31)],
        "cumulative_unique_participants": [3, 40, 90, 212, 999],
        "target_trajectory": [12.9, 26.7, 66.8, 200.0, 10.0],
    })


DATA_KEYS = {"x", "y", "z", "text", "customdata", "hovertext", "value", "values", "labels"}


def _shown_values(fig: go.Figure) -> list:
    """Every data value a reader could see: trace data/text and annotation texts."""
    found: list = []

    def walk(obj, key=None):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                walk(v, key)
        elif key in DATA_KEYS:
            found.append(obj)

    spec = json.loads(fig.to_json())
    for trace in spec["data"]:
        walk({k: v for k, v in trace.items() if k in DATA_KEYS})
    for ann in spec["layout"].get("annotations", []):
        found.append(ann.get("text"))
    for trace in spec["data"]:
        if isinstance(trace.get("title"), dict):
            found.append(trace["title"].get("text"))
        if isinstance(trace.get("number"), dict):
            found.append(trace["number"].get("suffix"))
    return found


def _shows_number(fig: go.Figure, number: int) -> bool:
    pattern = re.compile(rf"(?<![\d.]){number}(?![\d])")
    for v in _shown_values(fig):
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, (int, float)) and float(v) == number:
            return True
        if isinstance(v, str) and pattern.search(v.replace("<5", "")):
            return True
    return False


# --- headline ---------------------------------------------------------------------------------


def test_headline_indicators_one_bar_per_indicator_with_target_marker():
    fig = figures.headline_indicators(indicators_fixture(), "JC")
    bars, targets = fig.data
    assert (bars.type, targets.type) == ("bar", "scatter")
    # fixed order top to bottom (bars are listed bottom-up): unique participants, participations, events
    assert list(bars.customdata)[::-1] == ["unique_participants", "participations", "events_held"]
    assert list(bars.x)[::-1] == [212.0, 340.0, 12.0]
    # only unique participants has a target, drawn at 200 on its row
    assert list(targets.x) == [200.0]
    assert list(targets.y) == [list(bars.y)[-1]]
    assert "106% of target 200" in list(bars.text)[-1]


def test_headline_indicators_computes_achievement_when_missing():
    frame = pl.DataFrame([_row("unique_participants", "total", "total", 50, target=200)])
    fig = figures.headline_indicators(frame, "JC")
    assert "25% of target 200" in fig.data[0].text[0]


def test_headline_indicators_suppresses_small_people_total_but_not_events():
    frame = pl.DataFrame([
        _row("unique_participants", "total", "total", 3, target=200, pct=1.5),
        _row("events_held", "total", "total", 2, unit="events"),
    ])
    fig = figures.headline_indicators(frame, "JC")
    assert list(fig.data[0].customdata) == ["events_held"] and list(fig.data[0].x) == [2.0]
    assert len(fig.data) == 1  # no target marker: the suppressed indicator is not drawn
    assert not _shows_number(fig, 3)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Participants (unique persons): <5" in texts
    assert "1.5" not in texts  # the achievement % would give the count back


def test_headline_indicators_empty_project():
    fig = figures.headline_indicators(indicators_fixture(), "NOPE")
    assert len(fig.data) == 0
    assert "No project-to-date" in fig.layout.annotations[0].text


# --- cumulative -------------------------------------------------------------------------------


def test_cumulative_values_and_target_line_to_project_end():
    fig = figures.cumulative_participants(cumulative_fixture(), "JC", projects=PROJECTS)
    actual, target = fig.data
    assert actual.type == "scatter" and target.type == "scatter"
    assert list(actual.x) == [D(2016, 2, 29), D(2016, 3, 31), D(2016, 6, 30), D(2017, 4, 30)]
    # 3 is below 5 and so not drawn; the rest are the fixture's numbers
    assert list(actual.y) == [None, 40.0, 90.0, 212.0]
    # the mart's trajectory, from 0 at the project start to the target of 200 at its end
    assert list(target.x) == [D(2016, 2, 1), D(2016, 2, 29), D(2016, 3, 31), D(2016, 6, 30),
                              D(2017, 4, 30)]
    assert list(target.y) == [0.0, 12.9, 26.7, 66.8, 200.0]
    assert (target.x[-1], target.y[-1]) == (D(2017, 4, 30), 200.0)
    assert target.line.dash == "dash"
    assert not _shows_number(fig, 3)
    assert any("not drawn" in a.text for a in fig.layout.annotations)
    assert any(a.text == "Target 200" for a in fig.layout.annotations)


def test_cumulative_target_line_carried_to_project_end_and_actual_stops_at_as_of():
    partial = cumulative_fixture().filter(pl.col("month_end") <= D(2016, 6, 30))
    fig = figures.cumulative_participants(partial, "JC", projects=PROJECTS,
                                          as_of=D(2016, 4, 10))
    actual, target = fig.data
    assert list(actual.x) == [D(2016, 2, 29), D(2016, 3, 31)]
    assert list(actual.y) == [None, 40.0]
    assert list(target.x) == [D(2016, 2, 1), D(2016, 2, 29), D(2016, 3, 31), D(2016, 6, 30),
                              D(2017, 4, 30)]
    assert list(target.y) == [0.0, 12.9, 26.7, 66.8, 200.0]


def test_cumulative_straight_target_line_without_trajectory_column():
    frame = cumulative_fixture().drop("target_trajectory")
    fig = figures.cumulative_participants(frame, "JC", projects=PROJECTS)
    target = fig.data[1]
    assert list(target.x) == [D(2016, 2, 1), D(2017, 4, 30)]
    assert list(target.y) == [0.0, 200.0]


def test_cumulative_without_projects_uses_trajectory_column():
    fig = figures.cumulative_participants(cumulative_fixture(), "JC")
    target = fig.data[1]
    assert list(target.y) == [12.9, 26.7, 66.8, 200.0]
    assert target.x[-1] == D(2017, 4, 30) and target.y[-1] == 200.0


def test_cumulative_zero_months_are_drawn():
    frame = pl.DataFrame({"project_id": ["JC", "JC"], "month_end": [D(2016, 2, 29), D(2016, 3, 31)],
                          "cumulative_unique_participants": [0, 8],
                          "target_trajectory": [13.3, 26.7]})
    fig = figures.cumulative_participants(frame, "JC")
    assert list(fig.data[0].y) == [0.0, 8.0]
    assert not any("not drawn" in a.text for a in fig.layout.annotations)


def test_cumulative_accepts_string_dates():
    frame = cumulative_fixture().with_columns(pl.col("month_end").cast(pl.String))
    fig = figures.cumulative_participants(frame, "JC")
    assert list(fig.data[0].x)[1] == D(2016, 3, 31)


# --- breakdowns -------------------------------------------------------------------------------


def test_participants_by_target_group_bars_and_suppressed_marker():
    fig = figures.participants_by_target_group(indicators_fixture(), "JC")
    bars, marker = fig.data
    assert bars.type == "bar" and bars.orientation == "h"
    # fixed target-group order, human labels
    assert list(bars.y) == ["CCI businesses", "CCI support organisations", "Education and research"]
    assert list(bars.x) == [120.0, 60.0, 29.0]
    assert marker.type == "scatter"
    assert list(marker.y) == ["Other sectors"]
    assert list(marker.text) == ["<5"]
    assert not _shows_number(fig, 3)
    assert any("fewer than 5" in a.text for a in fig.layout.annotations)


def test_participants_by_country_enforces_value_below_five():
    fig = figures.participants_by_country(indicators_fixture(), "JC")
    bars, marker = fig.data
    # largest first; XX project's NO row is not there
    assert list(bars.y) == ["Russia", "Finland"]
    assert list(bars.x) == [109.0, 100.0]
    assert list(marker.y) == ["Sweden"]  # 3, not flagged upstream, still suppressed
    assert not _shows_number(fig, 3)
    assert "Norway" not in fig.to_json()


def test_breakdown_without_small_cells_has_no_marker_trace():
    frame = indicators_fixture().filter(pl.col("disaggregation_value") != "SE")
    fig = figures.participants_by_country(frame, "JC")
    assert [t.type for t in fig.data] == ["bar"]
    assert not fig.layout.showlegend


def test_figure_json_shows_no_suppressed_count_anywhere():
    frame = indicators_fixture()
    for fn in (figures.participants_by_target_group, figures.participants_by_country):
        spec = json.loads(fn(frame, "JC").to_json())
        for trace in spec["data"]:
            for key in ("x", "y", "text", "customdata", "hovertext"):
                assert 3 not in (trace.get(key) or [])
                assert "3" not in (trace.get(key) or [])


def test_palette_is_okabe_ito_and_labels():
    assert theme.COLORWAY[0] == "#0072B2"
    assert set(theme.COLORWAY) <= set(theme.OKABE_ITO.values())
    assert theme.label("country", "FI") == "Finland"
    assert theme.label("country", "FI", lang="ru") == "Финляндия"
    assert theme.label("target_group", "cci_business", lang="ru") == "Бизнес в сфере ККИ"
    assert theme.label("country", "ZZ") == "ZZ"
    assert set(theme.TARGET_GROUP_LABELS) == set(theme.TARGET_GROUP_LABELS_RU)
    assert set(theme.COUNTRY_LABELS) == set(theme.COUNTRY_LABELS_RU)


@pytest.mark.parametrize(
    ("value", "small", "person", "expected"),
    [(3, False, True, True), (1, False, True, True), (4.0, False, True, True),
     (0, False, True, False),  # a zero discloses nobody (the marts' is_small_cell is 1..4)
     (5, False, True, False),
     (12, True, True, True), (3, False, False, False), (None, False, True, False)],
)
def test_is_suppressed(value, small, person, expected):
    assert figures.is_suppressed(value, small, person_count=person) is expected


def test_mark_synthetic_adds_visible_stamp():
    fig = figures.mark_synthetic(figures.participants_by_country(indicators_fixture(), "JC"))
    assert any(a.text == "SYNTHETIC DEMO DATA" for a in fig.layout.annotations)
