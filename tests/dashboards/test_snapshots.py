"""Offline snapshots: the programme's pages and a bounded set of project pages per language, one
shared plotly.js (or embedded in each page), nothing loaded from elsewhere, the programme table
linking to the project pages, the synthetic banner, atomic and deterministic writes."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.offline
import polars as pl
import pytest
from dashboard_fixtures import BUILD, dataset

from dashboards import snapshots
from dashboards.pages import all_pages

SLUGS = [p.SLUG for p in all_pages()]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("dashboards")
    paths = snapshots.write_snapshots(dataset(), out)
    return out, paths


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_programme_pages_project_pages_and_indexes_in_both_languages(written):
    out, paths = written
    expected = {out / "plotly.min.js"}
    for folder in (out, out / "ru"):
        expected |= {folder / f"{s}.html" for s in SLUGS} | {folder / "index.html"}
        # the fixture's two projects: fewer than the bound, so both have their own pages
        expected |= {folder / "projects" / pid / f"{s}.html" for pid in ("JC", "XX") for s in SLUGS}
    assert set(paths) == expected
    assert {p for p in out.rglob("*") if p.is_file()} == expected


def test_pages_share_one_local_plotly_and_load_nothing_from_elsewhere(written):
    out, _ = written
    bundle = plotly.offline.get_plotlyjs()
    assert (out / "plotly.min.js").read_text(encoding="utf-8") == bundle
    for page in _pages(out):
        html = page.read_text(encoding="utf-8")
        assert bundle not in html, page
        sources = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        # the fixture has marts for the overview, events and flows only: the other pages draw nothing
        if page.stem in ("overview", "events", "flows"):
            assert len(sources) == 1 and sources[0].endswith("plotly.min.js"), page
            assert (page.parent / sources[0]).resolve() == (out / "plotly.min.js").resolve(), page
        else:
            assert sources == [], page
        assert not re.search(r"(src|href)=\"?https?:", html), page
        assert "cdn.plot.ly" not in html, page


def test_embedded_pages_carry_plotly_once_each(tmp_path):
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",), plotly_js="embedded")
    bundle = plotly.offline.get_plotlyjs()
    assert not (tmp_path / "plotly.min.js").exists()
    for page in [tmp_path / "overview.html", tmp_path / "projects" / "JC" / "flows.html"]:
        html = page.read_text(encoding="utf-8")
        assert html.count(bundle) == 1
        assert not re.search(r"<script[^>]*\bsrc=", html)


def test_programme_overview_ranks_the_projects_and_links_to_their_pages(written):
    out, _ = written
    html = (out / "overview.html").read_text(encoding="utf-8")
    assert 'class="synthetic-banner"' in html and "SYNTHETIC DEMO DATA" in html
    assert "build-7" in html
    rows = re.findall(r"<tr class=\"status-([a-z_]+)\">(.*?)</tr>", html)
    # JC ended with 15 of 200 (target not reached), XX has no cumulative rows (no data): JC first
    assert [status for status, _ in rows] == ["target_not_reached", "no_data"]
    jc = re.findall(r"<td[^>]*>(.*?)</td>", rows[0][1])
    assert jc[0] == '<a href="projects/JC/overview.html">JC – Joining Creativity</a>'
    assert jc[2:6] == ["15", "200", "8%", "Target not reached"]
    assert 'id="overview-0-status"' in html and 'id="overview-0-against-target"' in html


def test_project_pages_are_the_project_managers_pages(written):
    out, _ = written
    html = (out / "projects" / "JC" / "overview.html").read_text(encoding="utf-8")
    assert "Joining Creativity (JC)" in html and "Other project" not in html
    for chart in ("headline", "cumulative", "target-group", "country"):
        assert f'id="overview-0-{chart}"' in html
    assert '<a href="../../overview.html">← Programme</a>' in html  # back to the programme
    assert '<a href="../../ru/projects/JC/overview.html" lang="ru">Русский</a>' in html
    events = (out / "projects" / "JC" / "events.html").read_text(encoding="utf-8")
    assert events.count("Plotly.newPlot(") + events.count('class="no-data"') >= 6


def test_russian_pages_are_in_russian(written):
    out, _ = written
    html = (out / "ru" / "events.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in html
    assert "Мероприятия и участники" in html and "СИНТЕТИЧЕСКИЕ ДЕМО-ДАННЫЕ" in html
    assert 'href="../events.html"' in html  # the switch back to English
    project = (out / "ru" / "projects" / "JC" / "flows.html").read_text(encoding="utf-8")
    assert "Трансграничные потоки" in project and 'src="../../../plotly.min.js"' in project
    assert 'href="../../../projects/JC/flows.html"' in project


def test_page_of_a_missing_mart_says_no_data_yet(written):
    out, _ = written
    for page in (out / "regions.html", out / "projects" / "JC" / "regions.html"):
        assert "No data yet: the published marts have no fct_regional_context table" in page.read_text(encoding="utf-8")


def test_index_lists_programme_pages_and_project_pages(written):
    out, _ = written
    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{s}.html"' in html for s in SLUGS)
    assert 'href="projects/JC/overview.html"' in html and 'href="projects/XX/overview.html"' in html


def test_project_pages_are_bounded_and_stale_ones_removed(tmp_path):
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",))
    assert sorted(p.name for p in (tmp_path / "projects").iterdir()) == ["JC", "XX"]
    # one project at most: the first of the ranking (JC, behind its target) ...
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",), max_projects=1)
    assert sorted(p.name for p in (tmp_path / "projects").iterdir()) == ["JC"]
    overview = (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert "projects/XX/" not in overview and "XX – Other project" in overview  # listed, not linked
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1 more projects are in the programme overview" in index
    # ... unless another is asked for by name
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",), projects=["XX"], max_projects=1)
    assert sorted(p.name for p in (tmp_path / "projects").iterdir()) == ["XX"]


def test_project_folder_names_are_safe():
    assert snapshots.project_folder("CCI-0002.005") == "CCI-0002.005"
    assert snapshots.project_folder("../a b/c") == "_a_b_c"


def test_no_banner_for_real_data(tmp_path):
    real = dataset(build_metadata=BUILD.with_columns(pl.lit(False).alias("is_synthetic")))
    snapshots.write_snapshots(real, tmp_path, languages=("en",))
    for page in (tmp_path / "overview.html", tmp_path / "projects" / "JC" / "overview.html"):
        assert "SYNTHETIC" not in page.read_text(encoding="utf-8")


def test_rewrite_is_atomic_and_deterministic(tmp_path):
    (tmp_path / "overview.html").write_text("old")
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",))
    first = {p: p.read_text(encoding="utf-8") for p in _pages(tmp_path)}
    snapshots.write_snapshots(dataset(), tmp_path, languages=("en",))
    assert {p: p.read_text(encoding="utf-8") for p in _pages(tmp_path)} == first
    assert first[tmp_path / "overview.html"] != "old"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
