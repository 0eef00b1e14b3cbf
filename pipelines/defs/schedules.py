"""Jobs and schedules.

Every scheduled run refreshes the whole graph: it is small, and a partial refresh could publish
marts from inputs of different dates. The refresh ends with the funder deliveries
(`indicator_exports`), which write every delivery due by the tick's date: on the first of each
month the month just finished; in January, April, July and October also the quarter just
finished; the month after a project's last month also its last (clipped) quarter and its final
report. One schedule therefore produces all three kinds, on the dates they fall due, and every
tick also carries corrections of earlier deliveries forward as new versions.

`funder_deliveries` writes deliveries from the published marts without rebuilding: the way to
backfill or re-issue one period (run config ``ops.indicator_exports.config`` with ``project`` and
``period``; same inputs give byte-identical files).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines import publish
from pipelines.defs.exports import DELIVERY_TIMEZONE
from pipelines.exports.content import project_record
from pipelines.exports.periods import falling_due

warehouse_refresh = dg.define_asset_job(
    "warehouse_refresh",
    selection=dg.AssetSelection.all(),
    description="Ingest every raw file, build the dbt models, check, publish, and write dashboards and funder deliveries.",
)

funder_deliveries = dg.define_asset_job(
    "funder_deliveries",
    selection=dg.AssetSelection.assets("indicator_exports"),
    description=(
        "Write funder deliveries from the published marts, without a rebuild: backfill or re-issue a period "
        "with config {project, period} (or {as_of}) for the indicator_exports asset."
    ),
)

MONTHLY_CRON = "0 6 1 * *"


def _tick_date(context: dg.ScheduleEvaluationContext) -> dt.date:
    moment = context.scheduled_execution_time or dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(ZoneInfo(DELIVERY_TIMEZONE)).date()


def _previous_month_start(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def deliveries_falling_due(tick: dt.date) -> list[str]:
    """``PROJECT PERIOD`` of every delivery that falls due at this tick (since the previous one),
    from the published project registry; empty when nothing is published yet."""
    try:
        projects = publish.read_published(["dim_projects"])["dim_projects"]
    except FileNotFoundError:
        return []
    due = []
    for project_id in sorted(projects["project_id"].to_list()):
        project = project_record(projects, project_id)
        due += [f"{project_id} {p.period_id}" for p in
                falling_due(project["start_date"], project["end_date"], _previous_month_start(tick), tick)]
    return due


@dg.schedule(
    name="monthly_indicator_export",
    cron_schedule=MONTHLY_CRON,
    job=warehouse_refresh,
    execution_timezone=DELIVERY_TIMEZONE,
    description=(
        "First morning of each month: refresh everything and write the funder deliveries due "
        "(month just finished; quarter just finished; final report after a project's end)."
    ),
)
def monthly_indicator_export(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    tick = _tick_date(context)
    due = deliveries_falling_due(tick)
    tags = {"cci/as_of": tick.isoformat()}
    if due:
        tags["cci/deliveries_due"] = ", ".join(due)
    return dg.RunRequest(
        run_key=f"deliveries-{tick.isoformat()}",
        run_config={"ops": {"indicator_exports": {"config": {"as_of": tick.isoformat()}}}},
        tags=tags,
    )
