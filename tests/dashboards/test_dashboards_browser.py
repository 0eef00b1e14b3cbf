"""The dashboards in a real browser (Debian's headless Chromium) on a freshly built demo data
directory: every page of the app served by `cci dashboards`, for the whole programme and for
Joining Creativity, and every offline snapshot the build wrote, loads without console errors or
outside requests and draws data in every chart; the programme table leads to a project's pages;
a filter change changes the figures; the data-quality mart agrees with the demo generator's
ground truth.

Screenshots go to test-artifacts/dashboards/. Without /usr/bin/chromium the browser tests skip
(and fail under CI=true, where `make test` installs it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines import privacy, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("dashboards")]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = settings.PROJECT_ROOT / "test-artifacts" / "dashboards"
PAGES = ["overview", "events", "flows", "regions", "survey", "quality"]
# Every chart drawn, with data: the figures of the page, each a .js-plotly-plot with traces.
CHARTS_DRAWN = """() => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return plots.length > 0 && plots.every(el => Array.isArray(el.data) && el.data.length > 0);
}"""
CHART_DATA = "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => JSON.stringify(el.data))"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.definitions import defs
    from pipelines.demo.generator import generate_demo_data

    data_dir = tmp_path_factory.mktemp("data")
    secret = privacy.create_secret(tmp_path_factory.mktemp("secret") / "secret.key")
    generate_demo_data(data_dir, seed=2016)
    environment = {
        settings.DATA_DIR_ENV: str(data_dir),
        settings.WAREHOUSE_DB_ENV: str(data_dir / "warehouse" / "warehouse.duckdb"),
        settings.SECRET_FILE_ENV: str(secret),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        (data_dir / "warehouse").mkdir(parents=True, exist_ok=True)
        result = defs.resolve_job_def("warehouse_refresh").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success, [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    truth = json.loads((data_dir / "ground_truth" / "demo_ground_truth.json").read_text())
    return {"data_dir": data_dir, "environment": environment, "truth": truth}


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (Debian package chromium; `make test` installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + "; CI must have it")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built):
    """`cci dashboards` on a free port of 127.0.0.1, as a user would start it."""
    port = _free_port()
    log = (ARTIFACTS / "cci-dashboards.log")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "dashboards", "--data-dir", str(built["data_dir"]), "--port", str(port)],
            env={**os.environ, **built["environment"]}, stdout=handle, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                pytest.fail(f"cci dashboards exited with {server.returncode}: {log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"cci dashboards did not answer on {url}: {log.read_text()}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


class Watched:
    """A browser page that records console errors, page errors and requests leaving the origin."""

    def __init__(self, browser, origin: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: None if r.url.startswith((origin, "data:", "blob:")) else self.outside.append(r.url))

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(CHARTS_DRAWN, timeout=30_000)

    def chart_data(self) -> list[str]:
        return self.page.evaluate(CHART_DATA)

    def close(self) -> None:
        self.page.close()


def _wait_for_heading(page, text: str) -> None:
    """Wait until the page's section is the one headed ``text`` and its charts are drawn."""
    page.wait_for_function(
        f"(text) => {{ const h = document.querySelector('#page h2'); return h && h.innerText.startsWith(text) && ({CHARTS_DRAWN})(); }}",
        arg=text, timeout=30_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("project", ["", "JC"])
@pytest.mark.parametrize("slug", PAGES)
def test_every_app_page_loads_and_draws_every_chart(browser, app_url, slug, project):
    watched = Watched(browser, app_url)
    try:
        watched.open(f"{app_url}/{slug}" + (f"?project={project}" if project else ""))
        if project:
            _wait_for_heading(watched.page, "Joining Creativity (JC)")
        else:  # the demo build has two projects: the app starts on the whole programme
            assert "(2 projects)" in watched.page.inner_text("#page h2")
        counts = watched.page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => el.data.length)")
        assert counts and all(n > 0 for n in counts)
        assert watched.page.locator(".synthetic-banner").is_visible()  # the demo build is synthetic
        watched.page.screenshot(path=str(ARTIFACTS / f"app-{slug}{'-' + project if project else ''}.png"), full_page=True)
        assert watched.errors == []
        assert watched.outside == []
    finally:
        watched.close()


def test_programme_table_leads_to_the_project(browser, app_url):
    watched = Watched(browser, app_url)
    try:
        watched.open(f"{app_url}/overview")
        table = watched.page.locator("#table-projects")
        assert table.is_visible()
        assert "JC – Joining Creativity" in table.inner_text()
        watched.page.click("#table-projects a:has-text('JC – Joining Creativity')")
        _wait_for_heading(watched.page, "Joining Creativity (JC)")
        assert "project=JC" in watched.page.url
        assert "Joining Creativity" in watched.page.inner_text("#filter-project")
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()


def _wait_until_every_chart_changed(page, before: list[str]) -> None:
    """Wait until every chart of the page holds other data than ``before`` (fails on timeout)."""
    page.wait_for_function(
        f"(before) => {{ const now = ({CHART_DATA})(); return now.length === before.length && now.every((d, i) => d !== before[i]); }}",
        arg=before, timeout=30_000)


def _choose(page, dropdown: str, value: str) -> None:
    page.click(f"#{dropdown}")
    page.click(f".dash-dropdown-options [role=option]:has(input[value='{value}'])")
    page.keyboard.press("Escape")


def test_filters_change_every_figure(browser, app_url):
    watched = Watched(browser, app_url)
    try:
        watched.open(f"{app_url}/overview?project=JC")
        _wait_for_heading(watched.page, "Joining Creativity (JC)")
        before = watched.chart_data()
        _choose(watched.page, "filter-country", "FI")
        _wait_until_every_chart_changed(watched.page, before)
        assert "research use" in watched.page.inner_text(".notes")
        watched.page.screenshot(path=str(ARTIFACTS / "app-overview-finland.png"), full_page=True)

        # the period filter on the events page (the country choice stays)
        watched.page.click("a[href^='/events']")
        # the six charts of the events page (not the overview's four, still there for a moment)
        watched.page.wait_for_function(
            f"() => document.querySelector('#page-title').innerText === 'Events and participants'"
            f" && document.querySelectorAll('.js-plotly-plot').length === 6 && ({CHARTS_DRAWN})()")
        watched.page.wait_for_load_state("networkidle")
        assert "Finland" in watched.page.inner_text("#filter-country")  # the country choice stays
        before = watched.chart_data()
        _choose(watched.page, "filter-period", "quarter:2016Q3")
        _wait_until_every_chart_changed(watched.page, before)
        watched.page.screenshot(path=str(ARTIFACTS / "app-events-finland-2016Q3.png"), full_page=True)
        assert watched.errors == []
    finally:
        watched.close()


def test_language_switch(browser, app_url):
    watched = Watched(browser, app_url)
    try:
        watched.open(f"{app_url}/flows")
        watched.page.click("#lang label:has(input[value='ru'])")
        watched.page.wait_for_function("() => document.querySelector('#page-title').innerText === 'Трансграничные потоки'")
        watched.page.wait_for_function("() => document.body.innerText.includes('СИНТЕТИЧЕСКИЕ ДЕМО-ДАННЫЕ')")
        watched.page.wait_for_load_state("networkidle")
        watched.page.wait_for_function(CHARTS_DRAWN)
        watched.page.screenshot(path=str(ARTIFACTS / "app-flows-ru.png"), full_page=True)
        assert watched.errors == []
    finally:
        watched.close()


def _snapshot_files(built) -> list[Path]:
    folder = built["data_dir"] / "dashboards"
    return sorted(folder.rglob("*.html"))


def test_build_wrote_every_snapshot(built):
    names = {str(p.relative_to(built["data_dir"] / "dashboards")) for p in _snapshot_files(built)}
    release = (built["data_dir"] / "marts" / "current").resolve()
    projects = pl.read_parquet(release / "dim_projects.parquet")["project_id"].to_list()
    assert "JC" in projects and len(projects) == 2  # a demo programme: every project has its pages
    expected = {"index.html", "ru/index.html"}
    for prefix in ("", "ru/"):
        expected |= {f"{prefix}{s}.html" for s in PAGES}
        expected |= {f"{prefix}projects/{p}/{s}.html" for p in projects for s in PAGES}
    assert names == expected
    assert (built["data_dir"] / "dashboards" / "plotly.min.js").stat().st_size > 1_000_000


SNAPSHOTS = [f"{prefix}{folder}{s}.html" for prefix in ("", "ru/") for folder in ("", "projects/JC/") for s in PAGES]


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_every_snapshot_opens_offline_and_draws_every_chart(browser, built, name):
    path = built["data_dir"] / "dashboards" / name
    watched = Watched(browser, "file://")
    try:
        watched.open(path.as_uri())
        assert watched.errors == []
        assert watched.outside == []
        watched.page.screenshot(path=str(ARTIFACTS / f"snapshot-{name.replace('/', '-')[:-5]}.png"), full_page=True)
    finally:
        watched.close()


def test_snapshot_programme_table_links_to_project_pages(browser, built):
    path = built["data_dir"] / "dashboards" / "overview.html"
    watched = Watched(browser, "file://")
    try:
        watched.open(path.as_uri())
        watched.page.fill("input.table-filter", "Joining")
        visible = watched.page.evaluate(
            "() => Array.from(document.querySelectorAll('#table-projects tbody tr')).filter(r => r.style.display !== 'none').length")
        assert visible == 1
        watched.page.click("#table-projects a:has-text('JC – Joining Creativity')")
        watched.page.wait_for_load_state("networkidle")
        assert watched.page.url.endswith("/projects/JC/overview.html")
        watched.page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
        assert "Joining Creativity (JC)" in watched.page.inner_text("main h2")
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()


def test_regions_map_from_real_gisco_boundaries(browser, built, reference_data, tmp_path):
    """With a GISCO NUTS file in raw/statistics/geo/, the regions page draws a map (NUTS 2 regions
    of the Nordic and Baltic participants) and still fetches nothing."""
    from dashboards.data import load_dataset
    from dashboards.pages import regions
    from dashboards.snapshots import render_page

    geo = built["data_dir"] / "raw" / "statistics" / "geo"
    geo.mkdir(parents=True)
    shutil.copy(reference_data / "nuts_geo" / "NUTS_RG_03M_2021_4326_LEVL_2.geojson.gz", geo)
    try:
        dataset = load_dataset(built["data_dir"])
    finally:
        shutil.rmtree(geo)
    assert dataset.boundaries and len(dataset.boundaries["features"]) == 334
    page_file = tmp_path / "regions.html"
    page_file.write_text(render_page(regions, dataset, "en", project_id="JC"), encoding="utf-8")
    watched = Watched(browser, "file://")
    try:
        watched.open(page_file.as_uri())
        filled = watched.page.evaluate(
            "() => document.querySelector('[id$=\"-map\"]').data.filter(t => t.fill === 'toself').map(t => t.name)")
        # Finnish NUTS 2 regions with participants have boundaries in NUTS 2021 too
        assert any(name.startswith(("Helsinki-Uusimaa", "Etelä-Suomi", "Länsi-Suomi", "Pohjois- ja Itä-Suomi")) for name in filled)
        assert watched.errors == [] and watched.outside == []
        watched.page.locator("[id$='-map']").first.screenshot(path=str(ARTIFACTS / "snapshot-regions-map.png"))
    finally:
        watched.close()


def test_data_quality_mart_agrees_with_the_ground_truth(built):
    release = (built["data_dir"] / "marts" / "current").resolve()
    quality = pl.read_parquet(release / "fct_data_quality.parquet")
    registrations = quality.filter(pl.col("source") == "registrations")
    per_event = dict(registrations.group_by("event_id").agg(pl.col("quarantined_rows").sum()).iter_rows())
    truth = built["truth"]["events"]
    assert per_event == {event: facts["quarantined_rows"] for event, facts in truth.items()}
    files = registrations.unique("source_file")
    assert sorted(files["source_file"]) == sorted(built["truth"]["files"])
    assert files["is_reconciled"].all() and (files["file_status"] == "loaded").all()
    statistics = set(quality.filter(pl.col("source") == "statistics")["source_file"])
    assert statistics == {facts["path"] for facts in built["truth"]["statistics"].values()}
    # no personal data: no quarantined cell or reason detail is published
    assert not {"reason_detail", "raw_record", "error"} & set(quality.columns)
