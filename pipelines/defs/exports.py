"""Funder indicator exports, drawn from the published marts."""

from datetime import date

import dagster as dg
import polars as pl

from pipelines import settings
from pipelines.defs.dashboards import published_marts_with_build_info
from pipelines.exports.indicator_export import write_indicator_export


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
    marts, info = published_marts_with_build_info()
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
