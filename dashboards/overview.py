"""Programme overview: one standalone, offline HTML page with a section per project.

plotly.js is embedded once in the page head; every figure is a ``<div>`` that uses it. The file
is written to a temporary file beside ``output`` and moved into place with ``os.replace``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from pathlib import Path

import plotly.graph_objects as go
import plotly.offline
import polars as pl

from dashboards import figures, theme

__all__ = ["write_overview_html", "project_status", "headline_numbers", "render_overview_html"]

#: Plotly config for every figure on the page: no link-outs, nothing fetched from the network.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "showSendToCloud": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "topojsonURL": "",
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}

_CSS = """
:root { --blue:#0072B2; --vermillion:#D55E00; --green:#009E73; --orange:#E69F00; --grey:#595959; }
* { box-sizing: border-box; }
body { font-family: %(font)s; color:#222; margin:0; background:#FAFAFA; line-height:1.4; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header h1 { margin: 24px 0 4px; font-size: 1.7rem; }
.synthetic-banner { background: var(--vermillion); color:#fff; font-weight:700; text-align:center;
  padding: 12px 16px; font-size: 1.15rem; letter-spacing: .06em; position: sticky; top: 0; z-index: 10; }
.synthetic-banner small { display:block; font-weight:400; letter-spacing:0; font-size:.85rem; }
section.project { background:#fff; border:1px solid #E0E0E0; border-radius:8px; margin:24px 0; padding:8px 20px 20px; }
section.project h2 { margin: 16px 0 2px; }
.meta { color: var(--grey); margin: 0 0 12px; font-size: .92rem; }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap:12px; margin: 12px 0 8px; }
.card { border:1px solid #E0E0E0; border-radius:8px; padding:12px 14px; background:#FCFCFC; }
.card .label { color: var(--grey); font-size:.85rem; text-transform: uppercase; letter-spacing:.04em; }
.card .value { font-size: 1.9rem; font-weight: 700; }
.card .detail { color: var(--grey); font-size: .88rem; }
.status-on_track .value, .status-target_reached .value { color: var(--green); }
.status-behind .value, .status-target_not_reached .value { color: var(--vermillion); }
.charts { display:grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 8px 16px; }
.chart { min-height: 260px; min-width: 0; overflow: hidden; }  /* grid items must be allowed to shrink below a plot's width */
.note { color: var(--grey); font-size: .85rem; }
footer { color: var(--grey); font-size: .85rem; padding-bottom: 32px; }
"""


# --- numbers for the cards -------------------------------------------------------------------


def _ptd_total(indicators: pl.DataFrame, project_id: str, code: str) -> dict | None:
    rows = figures.latest_project_to_date(indicators, project_id)
    if rows.is_empty():
        return None
    rows = rows.filter((pl.col("indicator_code") == code) & (pl.col("disaggregation") == "total"))
    return rows.row(0, named=True) if not rows.is_empty() else None


def _parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None


def project_status(
    cumulative: pl.DataFrame, project: dict, *, as_of: dt.date | None = None
) -> tuple[str, str, str]:
    """``(status_code, label, detail)`` from the latest month of ``fct_participants_cumulative``.

    Reads: project_id, month_end, cumulative_unique_participants, target_trajectory (and the
    project's end_date, participant_target). Months after ``as_of`` are ignored. Codes:
    ``on_track``, ``behind``, ``target_reached``, ``target_not_reached``, ``no_data``.
    """
    rows = cumulative.filter(pl.col("project_id") == project["project_id"])
    if rows.is_empty():
        return "no_data", "No data", "No participants recorded yet"
    rows = figures._with_date_column(rows, "month_end").sort("month_end")
    if as_of is not None:
        rows = rows.filter(pl.col("month_end") <= as_of)
        if rows.is_empty():
            return "no_data", "No data", f"No months up to {as_of.isoformat()}"
    last = rows.row(rows.height - 1, named=True)
    actual = last["cumulative_unique_participants"] or 0
    planned = last.get("target_trajectory")
    target = project.get("participant_target")
    end = figures._as_date(project.get("end_date"))
    month = last["month_end"]
    actual_text = figures.format_count(actual, suppressed=figures.is_suppressed(actual))
    if end is not None and month >= end and target is not None:
        if actual >= target:
            return ("target_reached", "Target reached",
                    f"{actual_text} of {figures.format_count(target)} by the project end")
        return ("target_not_reached", "Target not reached",
                f"{actual_text} of {figures.format_count(target)} by the project end")
    if planned is None:
        start = figures._as_date(project.get("start_date"))
        if start is None or end is None or target is None or end <= start:
            return "no_data", "Unknown", "No target trajectory"
        share = min(max((month - start).days / (end - start).days, 0.0), 1.0)
        planned = float(target) * share
    planned_text = figures.format_count(round(float(planned)))
    detail = f"{actual_text} vs {planned_text} planned by {month.isoformat()}"
    if actual >= float(planned):
        return "on_track", "On track", detail
    return "behind", "Behind plan", detail


def headline_numbers(marts: dict[str, pl.DataFrame], project: dict) -> dict[str, dict]:
    """Card values for a project: unique participants (vs target), participations, events.

    Reads ``fct_indicator_values`` totals (indicator codes ``unique_participants``,
    ``participations``, ``events_held``); falls back to ``fct_participants_cumulative`` (latest
    cumulative count), ``fct_participations`` (rows) and ``dim_events`` (rows) for the project
    when an indicator is missing.
    """
    pid = project["project_id"]
    indicators = marts.get("fct_indicator_values")
    out: dict[str, dict] = {}

    def from_indicator(code: str) -> dict | None:
        if indicators is None or indicators.is_empty():
            return None
        row = _ptd_total(indicators, pid, code)
        if row is None:
            return None
        person = figures.is_person_unit(row.get("unit"))
        return {"value": row.get("value"), "target": row.get("target"),
                "suppressed": figures.is_suppressed(row.get("value"), row.get("is_small_cell"),
                                                    person_count=person)}

    up = from_indicator("unique_participants")
    if up is None:
        cum = marts.get("fct_participants_cumulative")
        if cum is not None and not cum.is_empty():
            rows = figures._with_date_column(cum.filter(pl.col("project_id") == pid), "month_end")
            if not rows.is_empty():
                v = rows.sort("month_end")["cumulative_unique_participants"][-1]
                up = {"value": v, "target": None, "suppressed": figures.is_suppressed(v)}
    up = up or {"value": None, "target": None, "suppressed": False}
    if up.get("target") is None:
        up["target"] = project.get("participant_target")
    out["unique_participants"] = up

    parts = from_indicator("participations")
    if parts is None and marts.get("fct_participations") is not None:
        n = marts["fct_participations"].filter(pl.col("project_id") == pid).height
        parts = {"value": n, "target": None, "suppressed": figures.is_suppressed(n)}
    out["participations"] = parts or {"value": None, "target": None, "suppressed": False}

    events = from_indicator("events_held") or from_indicator("events")
    if events is None and marts.get("dim_events") is not None:
        n = marts["dim_events"].filter(pl.col("project_id") == pid).height
        events = {"value": n, "target": None, "suppressed": False}
    out["events"] = events or {"value": None, "target": None, "suppressed": False}
    return out


# --- HTML ------------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "project"


def _fig_div(fig: go.Figure, div_id: str, *, is_synthetic: bool) -> str:
    if is_synthetic:
        figures.mark_synthetic(fig)
    return fig.to_html(
        full_html=False, include_plotlyjs=False, include_mathjax=False,
        div_id=div_id, config=PLOTLY_CONFIG, default_width="100%",
    )


def _card(label: str, value: str, detail: str = "", css: str = "") -> str:
    return (
        f'<div class="card {css}"><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div><div class="detail">{_e(detail)}</div></div>'
    )


def _project_section(marts: dict[str, pl.DataFrame], project: dict, *, is_synthetic: bool,
                     as_of: dt.date | None) -> str:
    pid = str(project["project_id"])
    slug = _slug(pid)
    indicators = marts.get("fct_indicator_values", _EMPTY_INDICATORS)
    cumulative = marts.get("fct_participants_cumulative", _EMPTY_CUMULATIVE)
    projects = marts["dim_projects"]

    numbers = headline_numbers(marts, project)
    up = numbers["unique_participants"]
    target = up.get("target")
    up_value = figures.format_count(up["value"], suppressed=up["suppressed"])
    if target and up["value"] is not None and not up["suppressed"]:
        up_detail = f"of target {figures.format_count(target)} ({float(up['value']) / float(target) * 100:.0f}%)"
    elif target:
        up_detail = f"target {figures.format_count(target)}"
    else:
        up_detail = ""
    status_code, status_label, status_detail = project_status(cumulative, project, as_of=as_of)
    cards = "".join([
        _card("Unique participants", up_value, up_detail),
        _card("Participations", figures.format_count(
            numbers["participations"]["value"], suppressed=numbers["participations"]["suppressed"]),
            "person × event attendances"),
        _card("Events", figures.format_count(
            numbers["events"]["value"], suppressed=numbers["events"]["suppressed"]), "held"),
        _card("Status", status_label, status_detail, css=f"status-{status_code}"),
    ])

    charts = [
        (figures.headline_indicators(indicators, pid), "headline"),
        (figures.cumulative_participants(cumulative, pid, projects=projects, as_of=as_of),
         "cumulative"),
        (figures.participants_by_target_group(indicators, pid), "target-group"),
        (figures.participants_by_country(indicators, pid), "country"),
    ]
    chart_html = "".join(
        f'<div class="chart">{_fig_div(fig, f"{slug}-{name}", is_synthetic=is_synthetic)}</div>'
        for fig, name in charts
    )
    start = figures._as_date(project.get("start_date"))
    end = figures._as_date(project.get("end_date"))
    meta_parts = [
        project.get("programme"), f"funded by {project['funder']}" if project.get("funder") else None,
        f"run by {project['lead_organisation']}" if project.get("lead_organisation") else None,
        f"{start.isoformat()} – {end.isoformat()}" if start and end else None,
    ]
    meta = " · ".join(_e(p) for p in meta_parts if p)
    return (
        f'<section class="project" id="project-{slug}">'
        f'<h2>{_e(project.get("project_name") or pid)} <small>({_e(pid)})</small></h2>'
        f'<p class="meta">{meta}</p>'
        f'<div class="cards">{cards}</div>'
        f'<p class="note">{_e(theme.SUPPRESSED_NOTE)} Only pseudonymous, aggregated data are shown.</p>'
        f'<div class="charts">{chart_html}</div>'
        f"</section>"
    )


_EMPTY_INDICATORS = pl.DataFrame(schema={
    "project_id": pl.String, "indicator_code": pl.String, "indicator_name": pl.String,
    "unit": pl.String, "period_type": pl.String, "period_id": pl.String,
    "period_start": pl.Date, "period_end": pl.Date, "disaggregation": pl.String,
    "disaggregation_value": pl.String, "value": pl.Float64, "target": pl.Float64,
    "achievement_pct": pl.Float64, "is_small_cell": pl.Boolean,
})
_EMPTY_CUMULATIVE = pl.DataFrame(schema={
    "project_id": pl.String, "month_end": pl.Date,
    "cumulative_unique_participants": pl.Int64, "target_trajectory": pl.Float64,
})


def render_overview_html(
    marts: dict[str, pl.DataFrame], *, is_synthetic: bool, build_id: str, built_at: str
) -> str:
    """The page as a string (see :func:`write_overview_html`)."""
    projects = marts["dim_projects"].sort("project_id")
    as_of = _parse_day(built_at)
    title = "Programme overview: participants and indicators"
    banner = ""
    if is_synthetic:
        banner = (
            f'<div class="synthetic-banner" role="alert">{_e(theme.SYNTHETIC_BANNER)}'
            f"<small>{_e(theme.SYNTHETIC_NOTE)}</small></div>"
        )
    sections = "".join(
        _project_section(marts, project, is_synthetic=is_synthetic, as_of=as_of)
        for project in projects.to_dicts()
    ) or '<p class="note">No projects in dim_projects.</p>'
    source = (
        f"Source: impact warehouse build <code>{_e(build_id)}</code>, built {_e(built_at)}. "
        "Marts carry pseudonymous keys and aggregates only; no personal data. "
        + ("Data: SYNTHETIC DEMO DATA from the demo generator." if is_synthetic else "")
    )
    page_title = f"{theme.SYNTHETIC_BANNER} – {title}" if is_synthetic else title
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(page_title)}</title>\n"
        f"<style>{_CSS % {'font': theme.FONT_FAMILY}}</style>\n"
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n'
        "</head>\n<body>\n"
        f"{banner}\n"
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="meta">{source}</p></header>\n'
        f"<main>{sections}</main>\n"
        f'<footer><p>{source}</p></footer>\n'
        # Plots drawn before the grid settles keep their first width: fit them once laid out.
        "<script>window.addEventListener('load', function () {"
        " document.querySelectorAll('.js-plotly-plot').forEach(function (el) { Plotly.Plots.resize(el); });"
        " });</script>\n"
        "</body>\n</html>\n"
    )


def write_overview_html(
    marts: dict[str, pl.DataFrame],
    output: Path,
    *,
    is_synthetic: bool,
    build_id: str,
    built_at: str,
) -> Path:
    """Write the programme overview to ``output`` atomically and return ``output``.

    ``marts`` needs ``dim_projects``; uses ``fct_indicator_values`` and
    ``fct_participants_cumulative`` when present, and ``fct_participations`` / ``dim_events``
    as fall-backs for the participation and event cards.
    """
    output = Path(output)
    page = render_overview_html(marts, is_synthetic=is_synthetic, build_id=build_id,
                                built_at=built_at)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(page)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return output
