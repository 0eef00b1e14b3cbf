"""Funder deliveries (XLSX, CSV, IATI XML per project and reporting period), from the published marts.

The asset runs in every build and writes every delivery due by its ``as_of`` date (default:
today in Helsinki); unchanged deliveries are left as they are, closed ones are superseded by a
new version only when their content changed (see `pipelines/exports/store.py`). With ``project``
and ``period`` it (re)writes one delivery: that is how a past period is backfilled.

It reads only what the deliveries need from the published Parquet files (never a large mart
whole), skips projects whose inputs did not change since the last run (the state file
``<data>/cache/exports_state.json``), and renders only deliveries whose content changed
(see `pipelines/exports/deliver.py`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from pipelines import publish, settings
from pipelines.exports.content import load_iati_config
from pipelines.exports.deliver import write_deliveries
from pipelines.exports.source import MartSource
from pipelines.exports.state import STATE_FILE

#: Reporting dates are the programme's (Nordic Council of Ministers / Karelia) calendar days.
DELIVERY_TIMEZONE = "Europe/Helsinki"


def today_for_deliveries() -> dt.date:
    return dt.datetime.now(ZoneInfo(DELIVERY_TIMEZONE)).date()


class FunderDeliveryConfig(dg.Config):
    as_of: str = Field(
        default="",
        description="ISO date: deliver every period finished before it (schedules pass their tick's date). "
                    "Empty: today in Europe/Helsinki.",
    )
    project: str = Field(default="", description="Only this project (e.g. JC). Empty: every project.")
    period: str = Field(default="", description="Only this reporting period: YYYY-MM, YYYYQn or 'final'.")


@dg.asset(
    key="indicator_exports",
    deps=["published_marts"],
    group_name="exports",
    kinds={"csv", "xlsx", "xml"},
    description=(
        "Funder deliveries per project and reporting period (every month, every quarter, a final report): "
        "XLSX for people, long CSV for machines, IATI 2.03 activity XML, manifest.json with checksums; "
        "small cells suppressed; in data/exports/<project>/<period>/v<N>/, closed versions never rewritten."
    ),
)
def indicator_exports(context: dg.AssetExecutionContext, config: FunderDeliveryConfig) -> dg.MaterializeResult:
    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else today_for_deliveries()
    if config.period and not config.project:
        raise dg.Failure("a period needs a project: set both 'project' and 'period'")
    source = MartSource.from_release(publish.current_release())
    results = write_deliveries(
        source, settings.exports_dir(), as_of=as_of, project_id=config.project or None,
        period_id=config.period or None, iati_config=load_iati_config(settings.raw_dir()),
        state_path=settings.data_dir() / STATE_FILE,
    )
    actions: dict[str, int] = {}
    for result in results:
        actions[result.action] = actions.get(result.action, 0) + 1
    written = [f"{r.project_id} {r.period_id} v{r.version} ({r.action})" for r in results if r.action != "unchanged"]
    context.log.info(f"deliveries as of {as_of}: {actions}")
    return dg.MaterializeResult(metadata={
        "as_of": as_of.isoformat(),
        "deliveries": len(results),
        **{f"deliveries_{action}": count for action, count in sorted(actions.items())},
        "written": dg.MetadataValue.json(written),
        "directory": dg.MetadataValue.path(str(settings.exports_dir())),
    })
