"""Dashboards for project managers, drawn from the published marts (never the live build database)."""


import dagster as dg
import polars as pl

from dashboards.overview import write_overview_html
from pipelines import publish, settings


def published_marts_with_build_info() -> tuple[dict[str, pl.DataFrame], dict]:
    marts = publish.read_published()
    info = marts["build_metadata"].row(0, named=True)
    return marts, info


@dg.asset(
    key="overview_dashboard",
    deps=["published_marts"],
    group_name="dashboards",
    kinds={"plotly", "html"},
    description=(
        "Programme overview for project managers (headline indicators against targets, cumulative "
        "participants against the target line, participants by target group and country), as a "
        "standalone HTML file that opens offline."
    ),
)
def overview_dashboard() -> dg.MaterializeResult:
    marts, info = published_marts_with_build_info()
    output = settings.dashboards_dir() / "overview.html"
    write_overview_html(
        marts,
        output,
        is_synthetic=bool(info["is_synthetic"]),
        build_id=info["build_id"],
        built_at=str(info["built_at"]),
    )
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(output))})
