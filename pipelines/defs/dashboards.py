"""Dashboards for project managers, drawn from the published marts (never the live build database):
an offline HTML snapshot of every page, written by every build. The interactive app over the
same marts is `cci dashboards`."""


import dagster as dg

from dashboards.data import load_dataset
from dashboards.snapshots import write_snapshots
from pipelines import settings


class DashboardSnapshotsConfig(dg.Config):
    languages: list[str] = ["en", "ru"]


@dg.asset(
    key="dashboard_snapshots",
    deps=["published_marts"],
    group_name="dashboards",
    kinds={"plotly", "html"},
    description=(
        "Offline HTML snapshot of every dashboard page (overview, events and participants, "
        "cross-border flows, regions, policy survey, data quality) with one section per project, "
        "plus an index: data/dashboards/<page>.html in English and data/dashboards/ru/ in Russian. "
        "Each file embeds plotly.js and opens without a network."
    ),
)
def dashboard_snapshots(config: DashboardSnapshotsConfig) -> dg.MaterializeResult:
    dataset = load_dataset(settings.data_dir())
    output = settings.dashboards_dir()
    written = write_snapshots(dataset, output, languages=tuple(config.languages))
    return dg.MaterializeResult(metadata={
        "index": dg.MetadataValue.path(str(output / "index.html")),
        "files": len(written),
        "build_id": dataset.build_id,
        "megabytes": round(sum(p.stat().st_size for p in written) / 1e6, 1),
    })
