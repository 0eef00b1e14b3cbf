"""Offline snapshots: one standalone page per dashboard page and language, plotly.js embedded once,
nothing loaded from elsewhere, a section per project, the synthetic banner, atomic writes."""

from __future__ import annotations

import re

import plotly.offline
import polars as pl
import pytest
from dashboard_fixtures import BUILD, dataset

from dashboards import snapshots
from dashboards.pages import all_pages


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards")
    paths = snapshots.write_snapshots(dataset(), out)
    return out, paths


def test_one_file_per_page_and_language_plus_indexes(written):
    out, paths = written
    slugs = [p.SLUG for p in all_pages()]
    expected = {out / f"{s}.html" for s in slugs} | {out / "ru" / f"{s}.html" for s in slugs}
    expected |= {out / "index.html", out / "ru" / "index.html"}
    assert set(paths) == expected
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == sorted([f"{s}.html" for s in slugs] + ["index.html"])


def test_pages_embed_plotly_once_and_load_nothing_from_elsewhere(written):
    out, _ = written
    bundle = plotly.offline.get_plotlyjs()
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*\bsrc=", html), page
        assert not re.search(r"<link[^>]*\bhref=\"?https?:", html), page
        if page.name != "index.html":
            assert html.count(bundle) == 1, page
            # the CDN is named only inside the bundle (plotly.js's default, unused: no geo trace)
            assert "cdn.plot.ly" not in html.replace(bundle, "")


def test_overview_has_a_section_per_project_and_the_banner(written):
    out, _ = written
    html = (out / "overview.html").read_text(encoding="utf-8")
    assert html.index("Joining Creativity (JC)") < html.index("Other project (XX)")
    assert 'class="synthetic-banner"' in html and "SYNTHETIC DEMO DATA" in html
    assert "build-7" in html
    # one div per chart and project: 4 charts x 2 projects; XX has no indicators, so its charts
    # that would be empty say so instead of drawing an empty frame
    assert html.count("Plotly.newPlot(") + html.count('class="no-data"') >= 8
    assert 'id="overview-0-headline"' in html


def test_russian_pages_are_in_russian(written):
    out, _ = written
    html = (out / "ru" / "events.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in html
    assert "Мероприятия и участники" in html and "СИНТЕТИЧЕСКИЕ ДЕМО-ДАННЫЕ" in html
    assert 'href="../events.html"' in html  # the switch back to English


def test_page_of_a_missing_mart_says_no_data_yet(written):
    out, _ = written
    html = (out / "regions.html").read_text(encoding="utf-8")
    assert "No data yet: the published marts have no fct_regional_context table" in html


def test_no_banner_for_real_data(tmp_path):
    real = dataset(build_metadata=BUILD.with_columns(pl.lit(False).alias("is_synthetic")))
    snapshots.write_snapshots(real, tmp_path, languages=("en",))
    html = (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" not in html


def test_rewrite_is_atomic_and_deterministic(tmp_path):
    (tmp_path / "overview.html").write_text("old")
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",))
    first = (tmp_path / "overview.html").read_text(encoding="utf-8")
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",))
    assert (tmp_path / "overview.html").read_text(encoding="utf-8") == first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
