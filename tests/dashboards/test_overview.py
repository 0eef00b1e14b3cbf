"""The offline overview page: banner, embedded plotly.js, headline numbers, atomic write."""

from __future__ import annotations

import datetime as dt
import re

import plotly.offline
import polars as pl
import pytest

from dashboards import overview

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


def _ind(code, dis, dv, value, *, target=None, small=False, unit="persons"):
    return {
        "project_id": "JC", "indicator_code": code, "indicator_name": code.replace("_", " "),
        "unit": unit, "period_type": "project_to_date", "period_id": "PTD",
        "period_start": D(2016, 2, 1), "period_end": D(2017, 4, 30), "disaggregation": dis,
        "disaggregation_value": dv, "value": float(value),
        "target": None if target is None else float(target),
        "achievement_pct": None if target is None else value / target * 100,
        "is_small_cell": small,
    }


INDICATORS = pl.DataFrame([
    _ind("unique_participants", "total", "total", 212, target=200),
    _ind("participations", "total", "total", 340, unit="participations"),
    _ind("events_held", "total", "total", 12, unit="events"),
    _ind("unique_participants", "target_group", "cci_business", 209),
    _ind("unique_participants", "target_group", "education", 3, small=True),
    _ind("unique_participants", "country", "FI", 100),
    _ind("unique_participants", "country", "RU", 109),
    _ind("unique_participants", "country", "SE", 3),
])

CUMULATIVE = pl.DataFrame({
    "project_id": ["JC"] * 4,
    "month_end": [D(2016, 2, 29), D(2016, 3, 31), D(2016, 6, 30), D(2017, 4, 30)],
    "cumulative_unique_participants": [3, 40, 90, 212],
    "target_trajectory": [12.9, 26.7, 66.8, 200.0],
})


def marts() -> dict[str, pl.DataFrame]:
    return {"dim_projects": PROJECTS, "fct_indicator_values": INDICATORS,
            "fct_participants_cumulative": CUMULATIVE}


@pytest.fixture(scope="module")
def synthetic_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("dash") / "overview.html"
    path = overview.write_overview_html(marts(), out, is_synthetic=True, build_id="build-42",
                                        built_at="2024-05-01T10:00:00Z")
    assert path == out
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_html(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("dash") / "overview.html"
    overview.write_overview_html(marts(), out, is_synthetic=False, build_id="build-43",
                                 built_at="2024-05-01T10:00:00Z")
    return out.read_text(encoding="utf-8")


def test_banner_present_when_synthetic(synthetic_html):
    assert 'class="synthetic-banner"' in synthetic_html
    assert "SYNTHETIC DEMO DATA" in synthetic_html


def test_banner_absent_otherwise(real_html):
    assert "synthetic-banner\"" not in real_html
    assert "SYNTHETIC DEMO DATA" not in real_html


def test_plotlyjs_inline_once_and_no_cdn(synthetic_html):
    bundle = plotly.offline.get_plotlyjs()
    assert synthetic_html.count(bundle) == 1
    # nothing is loaded from elsewhere
    assert not re.search(r"<script[^>]*\bsrc=", synthetic_html)
    # The only "cdn.plot.ly" text is plotly.js's own default topojsonURL string inside the
    # embedded bundle (used only by geo maps, which the page has none of and whose config
    # overrides it); no script or link points at the CDN.
    outside_bundle = synthetic_html.replace(bundle, "")
    assert "cdn.plot.ly" not in outside_bundle
    assert synthetic_html.count("cdn.plot.ly") == bundle.count("cdn.plot.ly")


def test_one_div_per_chart(synthetic_html):
    for name in ("headline", "cumulative", "target-group", "country"):
        assert f'id="JC-{name}"' in synthetic_html
    assert synthetic_html.count("Plotly.newPlot(") == 4


def test_headline_numbers_and_source_note(synthetic_html):
    assert "Joining Creativity" in synthetic_html
    assert re.search(r'class="value">212<', synthetic_html)
    assert "of target 200 (106%)" in synthetic_html
    assert re.search(r'class="value">340<', synthetic_html)
    assert re.search(r'class="value">12<', synthetic_html)
    # last month is the project end and 212 >= 200
    assert "Target reached" in synthetic_html
    assert "build-42" in synthetic_html and "2024-05-01T10:00:00Z" in synthetic_html


def test_headline_numbers_fall_back_to_other_marts():
    m = {
        "dim_projects": PROJECTS,
        "fct_participants_cumulative": CUMULATIVE,
        "fct_participations": pl.DataFrame({"project_id": ["JC"] * 7 + ["XX"]}),
        "dim_events": pl.DataFrame({"project_id": ["JC", "JC", "XX"]}),
    }
    nums = overview.headline_numbers(m, PROJECTS.row(0, named=True))
    assert nums["unique_participants"]["value"] == 212
    assert nums["unique_participants"]["target"] == 200
    assert nums["participations"]["value"] == 7
    assert nums["events"]["value"] == 2


@pytest.mark.parametrize(
    ("as_of", "code", "detail"),
    [
        (D(2016, 7, 15), "on_track", "90 vs 67 planned by 2016-06-30"),   # 90 >= 66.8
        (D(2016, 4, 15), "on_track", "40 vs 27 planned by 2016-03-31"),
        (None, "target_reached", "212 of 200 by the project end"),
    ],
)
def test_project_status(as_of, code, detail):
    result = overview.project_status(CUMULATIVE, PROJECTS.row(0, named=True), as_of=as_of)
    assert result[0] == code
    assert result[2] == detail


def test_project_status_behind_and_small_counts():
    cum = pl.DataFrame({"project_id": ["JC", "JC"], "month_end": [D(2016, 2, 29), D(2016, 3, 31)],
                        "cumulative_unique_participants": [3, 4],
                        "target_trajectory": [12.9, 26.7]})
    code, label, detail = overview.project_status(cum, PROJECTS.row(0, named=True))
    assert (code, label) == ("behind", "Behind plan")
    assert detail == "<5 vs 27 planned by 2016-03-31"


def test_write_is_atomic_and_overwrites(tmp_path):
    out = tmp_path / "sub" / "overview.html"
    out.parent.mkdir()
    out.write_text("old")
    overview.write_overview_html(marts(), out, is_synthetic=True, build_id="b", built_at="t")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["overview.html"]


def test_one_section_per_project(tmp_path):
    projects = pl.concat([PROJECTS, PROJECTS.with_columns(
        project_id=pl.lit("AB"), project_name=pl.lit("Another project"))])
    m = marts() | {"dim_projects": projects}
    html = overview.render_overview_html(m, is_synthetic=False, build_id="b", built_at="t")
    assert html.index('id="project-AB"') < html.index('id="project-JC"')
    assert "Another project" in html
    assert "No participants recorded yet" in html  # AB has no data


def test_page_is_deterministic():
    a = overview.render_overview_html(marts(), is_synthetic=True, build_id="b", built_at="t")
    b = overview.render_overview_html(marts(), is_synthetic=True, build_id="b", built_at="t")
    assert a == b
