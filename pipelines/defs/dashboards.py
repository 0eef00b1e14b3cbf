"""Dashboards for project managers, drawn from the published marts (never the live build database):
an offline HTML snapshot of every page, written by every build. The interactive app over the
same marts is `cci dashboards`."""


import dagster as dg

from pipelines import settings

# Plotly and the page code load when the snapshots are written, not when the definitions load
# (start-up); keep this default equal to dashboards.snapshots.MAX_PROJECT_PAGES (a test checks it).
MAX_PROJECT_PAGES = 20


class DashboardSnapshotsConfig(dg.Config):
    languages: list[str] = ["en", "ru"]
    #: Projects that always get their own pages (ids), before the ones the programme overview ranks first.
    projects: list[str] = []
    #: Projects with their own pages at most (the programme pages cover every project).
    max_projects: int = MAX_PROJECT_PAGES
    #: "shared": one plotly.min.js beside the pages; "embedded": plotly.js inside every page.
    plotly_js: str = "shared"


@dg.asset(
    key="dashboard_snapshots",
    deps=["published_marts"],
    group_name="dashboards",
    kinds={"plotly", "html"},
    description=(
        "Offline HTML snapshot of every dashboard page (overview, events and participants, "
        "cross-border flows, regions, policy survey, data quality) for the whole programme "
        "(the overview ranks every project), and the same pages for a bounded set of projects "
        "(projects/<id>/), plus an index: data/dashboards/ in English and data/dashboards/ru/ in "
        "Russian. The pages share one local plotly.min.js and open without a network."
    ),
)
def dashboard_snapshots(config: DashboardSnapshotsConfig) -> dg.MaterializeResult:
    from dashboards.data import load_dataset
    from dashboards.snapshots import write_snapshots

    dataset = load_dataset(settings.data_dir())
    output = settings.dashboards_dir()
    written = write_snapshots(dataset, output, languages=tuple(config.languages), projects=config.projects,
                              max_projects=config.max_projects, plotly_js=config.plotly_js)
    project_pages = {p.parent.name for p in written if p.parent.parent.name == "projects"}
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(output / "index.html")),
        "files": len(written),
        "project_pages": len(project_pages),
        "projects": dataset.projects().height,
        "build_id": dataset.build_id,
        "megabytes": round(sum(p.stat().st_size for p in written) / 1e6, 1),
    })
