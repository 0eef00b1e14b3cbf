"""Outputs drawn from the published marts: the offline dashboard and the funder indicator exports."""


from datetime import date

import dagster as dg
import polars as pl

from dashboards.overview import write_overview_html
from pipelines import publish, settings
from pipelines.exports.indicator_export import write_indicator_export


def _build_info() -> tuple[dict[str, pl.DataFrame], dict]:
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
    marts, info = _build_info()
    output = settings.dashboards_dir() / "overview.html"
    write_overview_html(
        marts,
        output,
        is_synthetic=bool(info["is_synthetic"]),
        build_id=info["build_id"],
        built_at=str(info["built_at"]),
    )
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(output))})


def reporting_months(projects: pl.DataFrame, today: date) -> list[tuple[str, str]]:
    """Every (project, month) from a project's start to its end or to the last finished month."""
    months = []
    for project in projects.iter_rows(named=True):
        year, month = project["start_date"].year, project["start_date"].month
        last = min(project["end_date"], today)
        while (year, month) <= (last.year, last.month):
            month_end_reached = (year, month) < (today.year, today.month)
            if month_end_reached:
                months.append((project["project_id"], f"{year:04d}-{month:02d}"))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dg.asset(
    key="indicator_exports",
    deps=["published_marts"],
    group_name="exports",
    kinds={"csv", "xlsx"},
    description=(
        "Indicator exports for funders: one CSV (long format) and one XLSX per project and finished "
        "reporting month, in data/exports/<project>/<period>/."
    ),
)
def indicator_exports() -> dg.MaterializeResult:
    marts, info = _build_info()
    written = []
    for project_id, period_id in reporting_months(marts["dim_projects"], date.today()):
        out_dir = settings.exports_dir() / project_id / period_id
        written += write_indicator_export(
            marts["fct_indicator_values"],
            marts["dim_projects"],
            out_dir,
            project_id=project_id,
            period_id=period_id,
            build_id=info["build_id"],
            is_synthetic=bool(info["is_synthetic"]),
        )
    return dg.MaterializeResult(
        metadata={"files": len(written), "directory": dg.MetadataValue.path(str(settings.exports_dir()))}
    )
