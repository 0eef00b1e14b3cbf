"""Figure functions: mart frames in (see docs/architecture.md, "Marts"), Plotly figure out.

Every function takes polars DataFrames shaped like the marts (already narrowed to the page's
filters by :mod:`dashboards.data`) and returns a ``plotly.graph_objects.Figure``. None of them
reads files or the warehouse. The app (``dashboards.app``) and the offline snapshots
(``dashboards.snapshots``) draw the same figures from these functions. ``lang`` (``en`` or ``ru``)
chooses the language of every title, axis, label and note.

Small cells: a count of people from 1 to 4 (below ``theme.SMALL_CELL_THRESHOLD``; zero is not
disclosive and is shown unless ``theme.SUPPRESS_ZERO``) is never drawn as its number, nor as a
bar length, a rate or a percentage that would give it back. Rows flagged ``is_small_cell``
upstream are suppressed too, whatever their value.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence

import plotly.colors
import plotly.graph_objects as go
import polars as pl

from dashboards import theme

PTD = "project_to_date"
CUMULATIVE = "cumulative"
UNIQUE_PARTICIPANTS = "unique_participants"

#: Headline indicators come first in this order; any others follow alphabetically.
HEADLINE_ORDER = (
    "unique_participants", "participations", "events_held", "organisations_participating",
    "cross_border_participations",
)
#: Units that are not counts (left out of the headline chart of counts).
RATIO_UNITS = frozenset({"percent", "%", "pct", "share", "ratio", "score"})
#: Buckets of the returning-participants chart: 1, 2, 3 and "4 or more" events.
RETURNING_BUCKETS = 4

__all__ = [
    "headline_indicators",
    "cumulative_participants",
    "participants_by_target_group",
    "participants_by_country",
    "projects_by_status",
    "participants_against_target",
    "programme_cumulative",
    "events_by_month",
    "participations_by_event",
    "returning_participants",
    "new_and_returning_by_event",
    "participants_by_organisation_type",
    "cross_border_sankey",
    "nordic_russia_flows",
    "participants_per_100k_ranked",
    "participants_per_100k_map",
    "regional_context",
    "policy_scores_heatmap",
    "policy_overall_intervals",
    "followup_outcomes",
    "quarantine_by_reason_and_file",
    "files_table",
    "checks_table",
    "freshness_table",
    "build_source_files_table",
    "mark_synthetic",
    "empty_figure",
    "is_empty",
    "empty_message",
    "is_person_unit",
    "is_suppressed",
    "latest_project_to_date",
    "indicator_rows",
    "format_count",
    "period_label",
]


#: Whether figures check every property as they are built (plotly's default). Without the check
#: a figure builds about twice as fast and draws the same: tests/dashboards build every page both
#: ways and compare. ``CCI_DASHBOARDS_VALIDATE=1`` turns it on (e.g. while changing a figure).
VALIDATE = os.environ.get("CCI_DASHBOARDS_VALIDATE", "") == "1"


def _figure(*args, **kwargs) -> go.Figure:
    """``go.Figure`` that validates its layout only when :data:`VALIDATE` (traces validate themselves)."""
    return go.Figure(*args, _validate=VALIDATE, **kwargs)


# --- small helpers shared with the pages and the export ----------------------------------------


def is_person_unit(unit: object) -> bool:
    """True unless ``unit`` is known not to count people (unknown units count as people)."""
    if unit is None:
        return True
    return str(unit).strip().lower() not in theme.NON_PERSON_UNITS


def is_suppressed(value: object, is_small_cell: object = None, *, person_count: bool = True) -> bool:
    """Whether a cell must be hidden: flagged upstream, or a count of people from 1 to 4
    (0 too if ``theme.SUPPRESS_ZERO``)."""
    if is_small_cell is True:
        return True
    if not person_count or value is None:
        return False
    number = float(value)  # type: ignore[arg-type]
    if number == 0 and not theme.SUPPRESS_ZERO:
        return False
    return number < theme.SMALL_CELL_THRESHOLD


def format_count(value: object, *, suppressed: bool = False, lang: str = "en") -> str:
    """``1,234`` (``1 234`` in Russian) for counts, ``<5`` when suppressed, ``–`` when missing."""
    if suppressed:
        return theme.SUPPRESSED_LABEL
    if value is None:
        return "–"
    number = float(value)  # type: ignore[arg-type]
    text = f"{int(number):,}" if number.is_integer() else f"{number:,.1f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_number(value: float, digits: int = 1, *, lang: str = "en") -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u00a0").replace(".", ",") if lang == "ru" else text


def period_label(period_type: str, period_id: str | None, lang: str = "en") -> str:
    """``Whole project``, ``2016``, ``Q3 2016``, ``Sep 2016`` (or their Russian forms)."""
    if period_type == PTD or not period_id or period_id == "PTD":
        return theme.text("whole_project", lang)
    if period_type == "year":
        return theme.text("period_year", lang, year=period_id)
    if period_type == "quarter":
        year, quarter = period_id.split("Q")
        return theme.text("period_quarter", lang, year=year, q=quarter)
    year, month = period_id.split("-")[:2]
    return theme.text("period_month", lang, year=year, month=theme.month_name(int(month), lang))


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _with_date_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return frame
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return frame.with_columns(pl.col(column).dt.date())
    return frame.with_columns(pl.col(column).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d"))


def latest_project_to_date(indicators: pl.DataFrame, project_id: str) -> pl.DataFrame:
    """The project's ``project_to_date`` rows, latest snapshot (max ``period_end``) per indicator.

    Reads: project_id, indicator_code, period_type, period_end.
    """
    rows = indicators.filter((pl.col("project_id") == project_id) & (pl.col("period_type") == PTD))
    if rows.is_empty():
        return rows
    rows = _with_date_column(rows, "period_end")
    latest = pl.col("period_end").max().over("indicator_code")
    return rows.filter(pl.col("period_end") == latest)


def indicator_rows(
    indicators: pl.DataFrame, project_id: str, *, period_type: str = PTD, period_id: str | None = None
) -> pl.DataFrame:
    """The project's indicator rows of one reporting period (project to date: the latest snapshot)."""
    if period_type == PTD or period_id is None:
        return latest_project_to_date(indicators, project_id)
    return indicators.filter(
        (pl.col("project_id") == project_id) & (pl.col("period_type") == period_type)
        & (pl.col("period_id") == period_id)
    )


def empty_figure(title: str, message: str, *, lang: str = "en") -> go.Figure:
    """A chart frame that says why there is nothing to draw."""
    fig = _figure()
    fig.update_layout(
        **theme.base_layout(
            lang,
            title={"text": title},
            xaxis={"visible": False},
            yaxis={"visible": False},
            height=260,
            annotations=[
                {"text": message, "showarrow": False, "xref": "paper", "yref": "paper",
                 "x": 0.5, "y": 0.5, "font": {"size": 14, "color": theme.SUPPRESSED_COLOR}}
            ],
        )
    )
    return fig



def _note(text: str, *, below: int = 62) -> dict:
    """A grey note ``below`` pixels under the plot area (clear of tick labels and axis title)."""
    return {
        "text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": 0,
        "yshift": -below, "xanchor": "left", "yanchor": "top", "align": "left",
        "font": {"size": 11, "color": theme.SUPPRESSED_COLOR},
    }


def mark_synthetic(fig: go.Figure, *, lang: str = "en") -> go.Figure:
    """Stamp the figure itself as synthetic (a faint diagonal watermark across the plot), so a
    screenshot of one chart still says so without covering titles or legends."""
    fig.add_annotation(
        text=theme.text("synthetic_banner", lang), showarrow=False, xref="paper", yref="paper",
        x=0.5, y=0.5, xanchor="center", yanchor="middle", textangle=-18, opacity=0.22,
        font={"size": 30, "color": theme.OKABE_ITO["vermillion"]},
    )
    return fig


def is_empty(fig: go.Figure) -> bool:
    """A figure with nothing drawn (:func:`empty_figure`): pages show its message instead."""
    return len(fig.data) == 0


def empty_message(fig: go.Figure) -> str:
    """``<title>: <why there is nothing to draw>`` of an empty figure."""
    title = fig.layout.title.text or ""
    message = " ".join(a.text for a in fig.layout.annotations if a.text)
    return f"{title}: {message}" if title and message else (title or message)


def _indicator_sort_key(code: str) -> tuple[int, str]:
    if code in HEADLINE_ORDER:
        return (HEADLINE_ORDER.index(code), code)
    return (len(HEADLINE_ORDER), code)


def _achievement(value: float | None, target: float | None, pct: float | None) -> float | None:
    if pct is not None:
        return float(pct)
    if value is None or not target:
        return None
    return float(value) / float(target) * 100.0


def _project_rows(frame: pl.DataFrame, project_id: str | None) -> pl.DataFrame:
    if project_id is None or "project_id" not in frame.columns:
        return frame
    return frame.filter(pl.col("project_id") == project_id)


def _bars_with_suppression(
    cells: Sequence[tuple[str, float | None, bool]],
    *,
    title: str,
    axis_title: str,
    unit_hover: str,
    lang: str,
    keep_order: bool = False,
    empty_message: str | None = None,
) -> go.Figure:
    """Horizontal bars of (label, value, suppressed) cells; a suppressed cell gets a "<5" marker
    at zero instead of a bar. Largest first unless ``keep_order``."""
    shown = [(label, float(value)) for label, value, hidden in cells if not hidden and value is not None]
    hidden = [label for label, _, is_hidden in cells if is_hidden]
    if not shown and not hidden:
        return empty_figure(title, empty_message or theme.text("no_participants", lang), lang=lang)
    if not keep_order:
        shown.sort(key=lambda t: (-t[1], t[0]))
    else:
        rank = {label: i for i, (label, _, _) in enumerate(cells)}
        hidden.sort(key=lambda t: rank[t])

    fig = _figure()
    if shown:
        fig.add_trace(go.Bar(
            x=[v for _, v in shown], y=[t for t, _ in shown], orientation="h",
            name=axis_title, marker={"color": theme.ACTUAL_COLOR},
            text=[format_count(v, lang=lang) for _, v in shown], textposition="auto",
            hovertemplate=f"%{{y}}: %{{x:,.0f}} {unit_hover}<extra></extra>",
        ))
    if hidden:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden), y=hidden, mode="markers+text",
            name=theme.text("suppressed_marker", lang),
            text=[theme.SUPPRESSED_LABEL] * len(hidden), textposition="middle right",
            marker={"symbol": "line-ns-open", "size": 14, "color": theme.SUPPRESSED_COLOR,
                    "line": {"width": 2}},
            textfont={"color": theme.SUPPRESSED_COLOR},
            hovertemplate=f"%{{y}}: {theme.text('suppressed_hover', lang)}<extra></extra>",
        ))
    categories = [t for t, _ in shown] + hidden
    annotations = [_note(theme.text("suppressed_note", lang))] if hidden else []
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": title},
        xaxis={"title": {"text": axis_title}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(categories)),
               "automargin": True},
        showlegend=bool(hidden),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(260, 42 * len(categories) + 160),
        margin={"l": 60, "r": 30, "t": 80, "b": 100},
        annotations=annotations,
    ))
    return fig


# --- overview ----------------------------------------------------------------------------------


def headline_indicators(
    indicators: pl.DataFrame,
    project_id: str,
    *,
    period_type: str = PTD,
    period_id: str | None = None,
    lang: str = "en",
) -> go.Figure:
    """Total of each indicator over one reporting period as a bar, with its target as a marker.

    Reads from ``fct_indicator_values``: project_id, indicator_code, indicator_name, unit,
    period_type, period_id, period_end, disaggregation, value, target, achievement_pct,
    is_small_cell. ``period_type`` ``project_to_date`` (default) takes the latest snapshot;
    ``cumulative`` with a month ``period_id`` gives the values from the project start to that
    month against the planned trajectory. A suppressed people count gets no bar: it is listed as
    "<5" in a note, without its achievement (which would give the count back).
    """
    if period_type == PTD or period_id is None:
        title = theme.text("headline_title", lang)
    elif period_type == CUMULATIVE:
        title = theme.text("headline_title_asof", lang, period=period_label("month", period_id, lang))
    else:
        title = theme.text("headline_title_period", lang, period=period_label(period_type, period_id, lang))
    rows = indicator_rows(indicators, project_id, period_type=period_type, period_id=period_id)
    if not rows.is_empty():
        rows = rows.filter(pl.col("disaggregation") == "total")
    if rows.is_empty():
        return empty_figure(title, theme.text("headline_empty", lang), lang=lang)

    records = sorted(rows.to_dicts(), key=lambda r: _indicator_sort_key(str(r["indicator_code"])))
    # Shares and scores do not sit on an axis of counts: the chart shows counts only.
    records = [r for r in records if str(r.get("unit") or "").lower() not in RATIO_UNITS]
    names, values, texts, codes = [], [], [], []
    target_names, target_values = [], []
    suppressed_names = []
    for rec in records:
        code = str(rec["indicator_code"])
        if lang == "en":
            name = rec.get("indicator_name") or theme.label("indicator", code)
        else:
            name = rec.get(f"indicator_name_{lang}") or theme.label("indicator", code, lang=lang)
        value, target, unit = rec.get("value"), rec.get("target"), rec.get("unit")
        if value is None or is_suppressed(value, rec.get("is_small_cell"), person_count=is_person_unit(unit)):
            suppressed_names.append(name)
            continue
        value = float(value)
        pct = _achievement(value, target, rec.get("achievement_pct"))
        text = f"{format_count(value, lang=lang)} {unit or ''}".strip()
        if target and pct is not None:
            text += " " + theme.text("headline_pct", lang, pct=f"{pct:.0f}",
                                     target=format_count(target, lang=lang))
            target_names.append(name)
            target_values.append(float(target))
        names.append(name)
        values.append(value)
        texts.append(text)
        codes.append(code)

    fig = _figure()
    # Plotly draws horizontal bars bottom-up: reverse so the first indicator is on top.
    fig.add_trace(go.Bar(
        y=names[::-1], x=values[::-1], orientation="h", name=theme.text("value_to_date", lang),
        text=texts[::-1], textposition="outside", cliponaxis=False, customdata=codes[::-1],
        marker={"color": theme.ACTUAL_COLOR},
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    if target_values:
        fig.add_trace(go.Scatter(
            y=target_names, x=target_values, mode="markers", name=theme.text("target", lang),
            marker={"symbol": "line-ns", "size": 28, "line": {"width": 4, "color": theme.TARGET_COLOR}},
            hovertemplate=f"{theme.text('target', lang)}: %{{x:,.0f}}<extra></extra>",
        ))
    annotations = []
    if suppressed_names:
        annotations.append(_note(
            theme.text("headline_suppressed", lang)
            + ", ".join(f"{n}: {theme.SUPPRESSED_LABEL}" for n in suppressed_names)))
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": title},
        height=max(240, 48 * len(names) + 120),
        margin={"l": 20, "r": 20, "t": 60, "b": 100 if annotations else 60},
        # Room on the right for the value labels written beside the bars.
        xaxis={"title": {"text": theme.text("headline_axis", lang)},
               "range": [0, 1.35 * max(values + target_values, default=1)]},
        yaxis={"automargin": True},
        showlegend=False,
        annotations=annotations,
    ))
    return fig


def cumulative_participants(
    cumulative: pl.DataFrame,
    project_id: str,
    *,
    projects: pl.DataFrame | None = None,
    as_of: dt.date | None = None,
    highlight: tuple[dt.date, dt.date] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Cumulative unique participants by month end against the linear target trajectory.

    Reads from ``fct_participants_cumulative``: project_id, month_end,
    cumulative_unique_participants, target_trajectory. The target line is the mart's
    ``target_trajectory``; when ``projects`` (``dim_projects``: project_id, start_date, end_date,
    participant_target) is given it starts at 0 on the project start and, if the mart stops
    before the project end, is carried on to the target on the end date (a straight line from
    0 to the target when the mart has no trajectory). The actual line stops at ``as_of``;
    ``highlight`` shades the selected period. Months with 1–4 cumulative participants are left
    out of the actual line (with a note).
    """
    title = theme.text("cumulative_title", lang)
    rows = cumulative.filter(pl.col("project_id") == project_id)
    project = None
    if projects is not None:
        match = projects.filter(pl.col("project_id") == project_id)
        if not match.is_empty():
            project = match.row(0, named=True)
    if rows.is_empty() and project is None:
        return empty_figure(title, theme.text("no_participants", lang), lang=lang)

    if not rows.is_empty():
        rows = _with_date_column(rows, "month_end").sort("month_end")
    actual_rows = rows.filter(pl.col("month_end") <= as_of) if as_of and not rows.is_empty() else rows
    months: list[dt.date] = actual_rows["month_end"].to_list() if not actual_rows.is_empty() else []
    actual: list[float | None] = []
    suppressed_months = 0
    for v in (actual_rows["cumulative_unique_participants"].to_list() if months else []):
        if v is None:
            actual.append(None)
        elif is_suppressed(v):
            actual.append(None)
            suppressed_months += 1
        else:
            actual.append(float(v))

    participants = theme.text("participants_hover", lang)
    fig = _figure()
    fig.add_trace(go.Scatter(
        x=months, y=actual, mode="lines+markers", name=theme.text("cumulative_actual", lang),
        line={"color": theme.ACTUAL_COLOR, "width": 3}, marker={"size": 7},
        connectgaps=False,
        hovertemplate=f"%{{x|%b %Y}}: %{{y:,.0f}} {participants}<extra></extra>",
    ))

    tx: list[dt.date] = []
    ty: list[float] = []
    if "target_trajectory" in rows.columns and not rows.is_empty():
        traj = rows.filter(pl.col("target_trajectory").is_not_null())
        tx = traj["month_end"].to_list()
        ty = [float(v) for v in traj["target_trajectory"].to_list()]
    target_value: float | None = ty[-1] if ty else None
    end_date: dt.date | None = tx[-1] if tx else None
    if project is not None and project.get("participant_target") is not None:
        start = _as_date(project.get("start_date"))
        end = _as_date(project.get("end_date"))
        target_value = float(project["participant_target"])
        if start is not None and (not tx or tx[0] > start):
            tx, ty = [start, *tx], [0.0, *ty]
        if end is not None:
            end_date = end
            if not tx or tx[-1] < end:
                tx, ty = [*tx, end], [*ty, target_value]
    if tx:
        fig.add_trace(go.Scatter(
            x=tx, y=ty, mode="lines", name=theme.text("cumulative_target", lang),
            line={"color": theme.TARGET_COLOR, "width": 2, "dash": "dash"},
            hovertemplate=f"%{{x|%d %b %Y}}: %{{y:,.0f}} {theme.text('planned_hover', lang)}<extra></extra>",
        ))

    annotations: list[dict] = []
    if target_value is not None and end_date is not None:
        annotations.append({
            "x": end_date, "y": target_value, "xref": "x", "yref": "y",
            "text": theme.text("target_label", lang, target=format_count(target_value, lang=lang)),
            "showarrow": True, "arrowhead": 0, "ax": -40, "ay": -25,
            "font": {"color": theme.TARGET_COLOR},
        })
    if suppressed_months:
        annotations.append(_note(theme.text("cumulative_small", lang)))
    shapes: list[dict] = []
    if highlight is not None:
        shapes.append({
            "type": "rect", "xref": "x", "yref": "paper", "x0": highlight[0], "x1": highlight[1],
            "y0": 0, "y1": 1, "fillcolor": theme.OKABE_ITO["sky_blue"], "opacity": 0.15,
            "line": {"width": 0}, "layer": "below",
        })
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": title},
        xaxis={"title": {"text": theme.text("cumulative_x", lang)}, "gridcolor": theme.GRID_COLOR},
        yaxis={"title": {"text": theme.text("cumulative_y", lang)}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hovermode="x unified",
        height=420,
        margin={"l": 60, "r": 30, "t": 80, "b": 100},
        annotations=annotations,
        shapes=shapes,
    ))
    return fig


def _participants_by(
    indicators: pl.DataFrame,
    project_id: str,
    *,
    disaggregation: str,
    label_kind: str,
    title: str,
    order: Iterable[str] | None,
    period_type: str,
    period_id: str | None,
    lang: str,
) -> go.Figure:
    rows = indicator_rows(indicators, project_id, period_type=period_type, period_id=period_id)
    if not rows.is_empty():
        rows = rows.filter(
            (pl.col("indicator_code") == UNIQUE_PARTICIPANTS)
            & (pl.col("disaggregation") == disaggregation)
        )
    records = rows.select("disaggregation_value", "value", "is_small_cell").to_dicts() if not rows.is_empty() else []
    if order is not None:
        rank = {code: i for i, code in enumerate(order)}
        records.sort(key=lambda r: (rank.get(r["disaggregation_value"], len(rank)), r["disaggregation_value"]))
    cells = [
        (theme.label(label_kind, r["disaggregation_value"], lang=lang), r["value"],
         is_suppressed(r["value"], r["is_small_cell"]))
        for r in records
    ]
    return _bars_with_suppression(
        cells, title=title, axis_title=theme.text("unique_participants_axis", lang),
        unit_hover=theme.text("participants_hover", lang), lang=lang, keep_order=order is not None,
    )


def participants_by_target_group(
    indicators: pl.DataFrame, project_id: str, *, period_type: str = PTD,
    period_id: str | None = None, lang: str = "en",
) -> go.Figure:
    """Unique participants by target group over one reporting period (horizontal bars; "<5"
    markers for small cells), in the fixed target-group order.

    Reads from ``fct_indicator_values`` rows with indicator_code ``unique_participants`` and
    disaggregation ``target_group``: project_id, period_type, period_id, period_end,
    disaggregation_value, value, is_small_cell.
    """
    return _participants_by(
        indicators, project_id, disaggregation="target_group", label_kind="target_group",
        title=theme.text("by_target_group_title", lang), order=list(theme.TARGET_GROUP_LABELS),
        period_type=period_type, period_id=period_id, lang=lang,
    )


def participants_by_country(
    indicators: pl.DataFrame, project_id: str, *, period_type: str = PTD,
    period_id: str | None = None, lang: str = "en",
) -> go.Figure:
    """Unique participants by country of the participant (largest first).

    Reads the same columns as :func:`participants_by_target_group`, disaggregation ``country``.
    """
    return _participants_by(
        indicators, project_id, disaggregation="country", label_kind="country",
        title=theme.text("by_country_title", lang), order=None,
        period_type=period_type, period_id=period_id, lang=lang,
    )


# --- the programme -----------------------------------------------------------------------------

#: Project statuses, in the order a programme manager looks at them (needs attention first).
STATUS_ORDER = ("behind", "target_not_reached", "no_data", "on_track", "target_reached")
STATUS_COLOURS = {
    "behind": theme.OKABE_ITO["vermillion"], "target_not_reached": theme.OKABE_ITO["orange"],
    "no_data": theme.SUPPRESSED_COLOR, "on_track": theme.OKABE_ITO["bluish_green"],
    "target_reached": theme.OKABE_ITO["blue"],
}


def projects_by_status(projects: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """How many projects are behind plan, on track, have reached their target or not, or have
    no data (counts of projects, not of people: never suppressed).

    Reads: status (one row per project)."""
    title = theme.text("status_chart_title", lang)
    if projects.is_empty():
        return empty_figure(title, theme.text("no_projects", lang), lang=lang)
    counts = dict(projects.group_by("status").agg(pl.len()).iter_rows())
    codes = [c for c in STATUS_ORDER if counts.get(c)]
    names = [theme.text(f"status_{c}", lang) for c in codes]
    fig = _figure(go.Bar(
        x=[counts[c] for c in codes], y=names, orientation="h", marker={"color": [STATUS_COLOURS[c] for c in codes]},
        text=[format_count(counts[c], lang=lang) for c in codes], textposition="auto", customdata=codes,
        hovertemplate=f"%{{y}}: %{{x:,.0f}} {theme.text('projects_hover', lang)}<extra></extra>",
    ))
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, showlegend=False, height=max(240, 44 * len(codes) + 140),
        xaxis={"title": {"text": theme.text("projects_axis", lang)}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": names[::-1], "automargin": True},
        margin={"l": 60, "r": 30, "t": 60, "b": 60},
    ))
    return fig


def participants_against_target(projects: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """One point per project: its participant target (x) against its unique participants (y),
    coloured by status, with the line where the two are equal. A project whose count is a small
    cell, or that has no target, is not drawn (a note says how many).

    Reads: project_id, project_name, participants, participants_small, target, status."""
    title = theme.text("against_target_title", lang)
    if projects.is_empty():
        return empty_figure(title, theme.text("no_projects", lang), lang=lang)
    drawable = projects.filter(pl.col("target").is_not_null() & (pl.col("target") > 0)
                               & pl.col("participants").is_not_null() & ~pl.col("participants_small"))
    hidden = projects.filter(pl.col("participants_small")).height
    no_target = projects.filter(pl.col("target").is_null() | (pl.col("target") <= 0)).height
    if drawable.is_empty():
        return empty_figure(title, theme.text("no_projects", lang), lang=lang)
    fig = _figure()
    for code in STATUS_ORDER:
        part = drawable.filter(pl.col("status") == code).sort("project_id")
        if part.is_empty():
            continue
        labels = [f"{r['project_id']} – {r.get('project_name') or ''}" for r in part.iter_rows(named=True)]
        pct = [f"{p / t * 100:.0f}" for p, t in zip(part["participants"].to_list(), part["target"].to_list())]
        fig.add_trace(go.Scatter(
            x=part["target"].to_list(), y=part["participants"].to_list(), mode="markers",
            name=theme.text(f"status_{code}", lang), marker={"color": STATUS_COLOURS[code], "size": 8, "opacity": 0.8},
            customdata=list(zip(labels, pct)),
            hovertemplate=("%{customdata[0]}<br>%{y:,.0f} / %{x:,.0f} (%{customdata[1]}%)<extra></extra>"),
        ))
    top = max(drawable["target"].max(), drawable["participants"].max()) * 1.05
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name=theme.text("target_line", lang),
                             line={"color": theme.TARGET_COLOR, "dash": "dash", "width": 1.5}, hoverinfo="skip"))
    notes = []
    if hidden:
        notes.append(theme.text("against_target_small", lang, n=hidden))
    if no_target:
        notes.append(theme.text("against_target_no_target", lang, n=no_target))
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=460,
        xaxis={"title": {"text": theme.text("target_axis", lang)}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        yaxis={"title": {"text": theme.text("unique_participants_axis", lang)}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"l": 60, "r": 30, "t": 110, "b": 100 if notes else 60},
        annotations=[_note(" ".join(notes))] if notes else [],
    ))
    return fig


def programme_cumulative(series: pl.DataFrame, *, as_of: dt.date | None = None,
                         highlight: tuple[dt.date, dt.date] | None = None, lang: str = "en") -> go.Figure:
    """Unique participants summed over the projects, by month end, against the sum of their
    target trajectories (a person in two projects counts in both).

    Reads: month_end, participants, planned."""
    title = theme.text("programme_cumulative_title", lang)
    if series.is_empty():
        return empty_figure(title, theme.text("no_participants", lang), lang=lang)
    series = series.sort("month_end")
    actual = series.filter(pl.col("month_end") <= as_of) if as_of else series
    participants = theme.text("participants_hover", lang)
    fig = _figure()
    fig.add_trace(go.Scatter(
        x=actual["month_end"].to_list(), y=[float(v) for v in actual["participants"].to_list()], mode="lines",
        name=theme.text("programme_actual", lang), line={"color": theme.ACTUAL_COLOR, "width": 3},
        hovertemplate=f"%{{x|%b %Y}}: %{{y:,.0f}} {participants}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=series["month_end"].to_list(), y=[float(v) for v in series["planned"].to_list()], mode="lines",
        name=theme.text("programme_planned", lang), line={"color": theme.TARGET_COLOR, "width": 2, "dash": "dash"},
        hovertemplate=f"%{{x|%b %Y}}: %{{y:,.0f}} {theme.text('planned_hover', lang)}<extra></extra>"))
    shapes = []
    if highlight is not None:
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": highlight[0], "x1": highlight[1],
                       "y0": 0, "y1": 1, "fillcolor": theme.OKABE_ITO["sky_blue"], "opacity": 0.15,
                       "line": {"width": 0}, "layer": "below"})
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=420, hovermode="x unified", shapes=shapes,
        xaxis={"title": {"text": theme.text("cumulative_x", lang)}, "gridcolor": theme.GRID_COLOR},
        yaxis={"title": {"text": theme.text("cumulative_y", lang)}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"l": 60, "r": 30, "t": 80, "b": 100},
        annotations=[_note(theme.text("programme_cumulative_note", lang))],
    ))
    return fig


def events_by_month(frame: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Participations in the events that started in each month, stacked by event kind, with the
    number of events in the hover. A month-and-kind of 1–4 participations is not drawn.

    Reads: month (first day), event_kind, events, participations."""
    title = theme.text("events_by_month_title", lang)
    if frame.is_empty():
        return empty_figure(title, theme.text("no_events", lang), lang=lang)
    frame = _with_date_column(frame, "month").sort("month")
    hidden = 0
    fig = _figure()
    for kind, colour in (("public_event", theme.OKABE_ITO["blue"]), ("joint_action", theme.OKABE_ITO["orange"])):
        part = frame.filter(pl.col("event_kind") == kind)
        if part.is_empty():
            continue
        ys = []
        for n in part["participations"].to_list():
            if is_suppressed(n):
                hidden += 1
                ys.append(None)
            else:
                ys.append(float(n or 0))
        fig.add_trace(go.Bar(
            x=part["month"].to_list(), y=ys, name=theme.label("event_kind", kind, lang=lang), marker={"color": colour},
            customdata=part["events"].to_list(),
            hovertemplate=(f"%{{x|%b %Y}}: %{{y:,.0f}} {theme.text('participations_axis', lang).lower()}, "
                           f"%{{customdata:,.0f}} {theme.text('events_hover', lang)}<extra></extra>"),
        ))
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, barmode="stack", height=420,
        xaxis={"title": {"text": theme.text("month_axis", lang)}, "gridcolor": theme.GRID_COLOR},
        yaxis={"title": {"text": theme.text("participations_axis", lang)}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"l": 60, "r": 30, "t": 80, "b": 100 if hidden else 60},
        annotations=[_note(theme.text("events_by_month_small", lang, n=hidden))] if hidden else [],
    ))
    return fig


# --- events and participants -------------------------------------------------------------------


def _event_label(rec: dict, lang: str) -> str:
    day = _as_date(rec.get("start_date"))
    place = rec.get("city") or theme.label("event_format", rec.get("event_format"), lang=lang)
    when = f"{day.day} {theme.month_name(day.month, lang)} {day.year}" if day else ""
    return f"{rec['event_id']} · {when} · {place}"


def participations_by_event(events: pl.DataFrame, project_id: str, *, lang: str = "en") -> go.Figure:
    """Participations per event, in date order, coloured by event kind (public event or joint
    action). An event with 1–4 participations gets a "<5" marker instead of a bar.

    Reads from ``dim_events``: event_id, project_id, event_title, start_date, city, country_code,
    event_format, event_kind, participations.
    """
    title = theme.text("events_title", lang)
    rows = _project_rows(events, project_id)
    if rows.is_empty():
        return empty_figure(title, theme.text("no_events", lang), lang=lang)
    rows = _with_date_column(rows, "start_date").sort("start_date", "event_id")
    records = rows.to_dicts()
    labels = [_event_label(r, lang) for r in records]
    fig = _figure()
    hidden_labels = []
    for kind, colour in (("public_event", theme.OKABE_ITO["blue"]), ("joint_action", theme.OKABE_ITO["orange"])):
        xs, ys, texts, hover = [], [], [], []
        for rec, lab in zip(records, labels):
            if rec.get("event_kind") != kind:
                continue
            value = rec.get("participations") or 0
            if is_suppressed(value):
                hidden_labels.append(lab)
                continue
            xs.append(float(value))
            ys.append(lab)
            texts.append(format_count(value, lang=lang))
            hover.append(
                f"{rec.get('event_title') or ''}<br>{theme.label('country', rec.get('country_code'), lang=lang)}"
                f" · {theme.label('event_format', rec.get('event_format'), lang=lang)}"
            )
        if xs:
            fig.add_trace(go.Bar(
                x=xs, y=ys, orientation="h", name=theme.label("event_kind", kind, lang=lang),
                marker={"color": colour}, text=texts, textposition="auto", customdata=hover,
                hovertemplate=(f"%{{y}}<br>%{{customdata}}<br>%{{x:,.0f}} "
                               f"{theme.text('participations_axis', lang).lower()}<extra></extra>"),
            ))
    if hidden_labels:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden_labels), y=hidden_labels, mode="markers+text",
            name=theme.text("suppressed_marker", lang), text=[theme.SUPPRESSED_LABEL] * len(hidden_labels),
            textposition="middle right", marker={"symbol": "line-ns-open", "size": 14,
                                                 "color": theme.SUPPRESSED_COLOR, "line": {"width": 2}},
            hovertemplate=f"%{{y}}: {theme.text('suppressed_hover', lang)}<extra></extra>",
        ))
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": title},
        barmode="overlay",
        xaxis={"title": {"text": theme.text("events_axis", lang)}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(labels)), "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(300, 30 * len(labels) + 170),
        margin={"l": 60, "r": 30, "t": 80, "b": 100},
        annotations=[_note(theme.text("suppressed_note", lang))] if hidden_labels else [],
    ))
    return fig


def returning_participants(participations: pl.DataFrame, project_id: str, *, lang: str = "en") -> go.Figure:
    """Unique participants by the number of the project's events they attended (1, 2, 3, 4 or
    more), with the share who came back. Buckets of 1–4 persons are suppressed, and so is the
    share when a bucket it is made of is.

    Reads from ``fct_participations``: project_id, person_key, event_id.
    """
    title = theme.text("returning_title", lang)
    rows = _project_rows(participations, project_id)
    if rows.is_empty():
        return empty_figure(title, theme.text("no_participants", lang), lang=lang)
    per_person = rows.group_by("person_key").agg(pl.col("event_id").n_unique().alias("events"))
    counts = {b: 0 for b in range(1, RETURNING_BUCKETS + 1)}
    for n in per_person["events"].to_list():
        counts[min(int(n), RETURNING_BUCKETS)] += 1
    cells = []
    for bucket, n in counts.items():
        if bucket == 1:
            name = theme.text("returning_bucket_1", lang)
        elif bucket == RETURNING_BUCKETS:
            name = theme.text("returning_bucket_max", lang, n=bucket)
        else:
            name = theme.text("returning_bucket", lang, n=bucket)
        cells.append((name, float(n), is_suppressed(n)))
    fig = _bars_with_suppression(
        cells, title=title, axis_title=theme.text("persons_axis", lang),
        unit_hover=theme.text("participants_hover", lang), lang=lang, keep_order=True,
    )
    total = per_person.height
    returning = total - counts[1]
    if total and not is_suppressed(returning) and not is_suppressed(counts[1]):
        share = returning / total * 100
        fig.update_layout(title={"text": f"{title}<br><sup>{theme.text('returning_share', lang, share=f'{share:.0f}')}</sup>"})
    fig.update_layout(yaxis={"title": {"text": theme.text("returning_x", lang)}})
    return fig


def new_and_returning_by_event(
    participations: pl.DataFrame,
    events: pl.DataFrame,
    project_id: str,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Per event (date order): participants at their first event of the project, and those who
    had attended an earlier one. Whether a person is returning is decided on all of the
    project's participations, before ``period`` narrows the events shown. When either group of
    an event has 1–4 persons, neither is drawn (the other would give it back through the total).

    Reads from ``fct_participations``: project_id, person_key, event_id, participated_on; and
    from ``dim_events``: event_id, start_date, city, event_format.
    """
    title = theme.text("new_returning_title", lang)
    rows = _project_rows(participations, project_id)
    if rows.is_empty():
        return empty_figure(title, theme.text("no_participants", lang), lang=lang)
    rows = _with_date_column(rows, "participated_on")
    first = rows.group_by("person_key").agg(pl.col("participated_on").min().alias("first_on"))
    rows = rows.join(first, on="person_key").with_columns(
        (pl.col("participated_on") > pl.col("first_on")).alias("is_returning"))
    if period is not None:
        rows = rows.filter(pl.col("participated_on").is_between(period[0], period[1]))
    per_event = rows.group_by("event_id").agg(
        (~pl.col("is_returning")).sum().alias("new"), pl.col("is_returning").sum().alias("returning"))
    event_rows = _with_date_column(_project_rows(events, project_id), "start_date")
    per_event = per_event.join(event_rows, on="event_id", how="left").sort("start_date", "event_id")
    if per_event.is_empty():
        return empty_figure(title, theme.text("no_events", lang), lang=lang)
    labels, new, back, hidden = [], [], [], []
    for rec in per_event.to_dicts():
        lab = _event_label(rec, lang)
        labels.append(lab)
        if is_suppressed(rec["new"]) or is_suppressed(rec["returning"]):
            new.append(None)
            back.append(None)
            hidden.append(lab)
        else:
            new.append(float(rec["new"]))
            back.append(float(rec["returning"]))
    persons = theme.text("participants_hover", lang)
    fig = _figure()
    fig.add_trace(go.Bar(x=new, y=labels, orientation="h", name=theme.text("new_participants", lang),
                         marker={"color": theme.OKABE_ITO["sky_blue"]},
                         hovertemplate=f"%{{y}}: %{{x:,.0f}} {persons}<extra></extra>"))
    fig.add_trace(go.Bar(x=back, y=labels, orientation="h", name=theme.text("returning_participants", lang),
                         marker={"color": theme.OKABE_ITO["blue"]},
                         hovertemplate=f"%{{y}}: %{{x:,.0f}} {persons}<extra></extra>"))
    if hidden:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden), y=hidden, mode="markers+text", name=theme.text("not_split", lang),
            text=[theme.SUPPRESSED_LABEL] * len(hidden), textposition="middle right",
            marker={"symbol": "line-ns-open", "size": 14, "color": theme.SUPPRESSED_COLOR, "line": {"width": 2}},
            hovertemplate=f"%{{y}}: {theme.text('not_split', lang)}<extra></extra>",
        ))
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": title},
        barmode="stack",
        xaxis={"title": {"text": theme.text("persons_axis", lang)}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(labels)), "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(300, 30 * len(labels) + 170),
        margin={"l": 60, "r": 30, "t": 80, "b": 100},
        annotations=[_note(theme.text("suppressed_note", lang))] if hidden else [],
    ))
    return fig


def participants_by_organisation_type(
    participations: pl.DataFrame, project_id: str, *, lang: str = "en"
) -> go.Figure:
    """Unique participants by the type of their organisation (fixed order, "<5" markers).

    Reads from ``fct_participations``: project_id, person_key, organisation_type (or persons
    already counted: organisation_type, n).
    """
    title = theme.text("by_organisation_type_title", lang)
    rows = _project_rows(participations, project_id)
    if rows.is_empty():
        return empty_figure(title, theme.text("no_participants", lang), lang=lang)
    if "n" in rows.columns and "person_key" not in rows.columns:
        counts = rows.with_columns(pl.col("organisation_type").fill_null("unknown"))
    else:
        counts = rows.with_columns(pl.col("organisation_type").fill_null("unknown")).group_by(
            "organisation_type").agg(pl.col("person_key").n_unique().alias("n"))
    rank = {code: i for i, code in enumerate(theme.ORGANISATION_TYPE_LABELS)}
    records = sorted(counts.to_dicts(), key=lambda r: (rank.get(r["organisation_type"], len(rank)), r["organisation_type"]))
    cells = [(theme.label("organisation_type", r["organisation_type"], lang=lang), float(r["n"]),
              is_suppressed(r["n"])) for r in records]
    return _bars_with_suppression(
        cells, title=title, axis_title=theme.text("unique_participants_axis", lang),
        unit_hover=theme.text("participants_hover", lang), lang=lang, keep_order=True,
    )


# --- cross-border flows ------------------------------------------------------------------------


def _count(rows: pl.DataFrame) -> pl.Expr:
    """Participations of grouped rows: one per row of fct_participations, or the sum of ``n``
    when the rows are already counted (``country_code, event_country_code, n``)."""
    return pl.col("n").sum().alias("n") if "n" in rows.columns else pl.len().alias("n")


def cross_border_sankey(participations: pl.DataFrame, project_id: str, *, lang: str = "en") -> go.Figure:
    """Participations flowing from the participants' countries (left) to the countries where the
    events took place (right). Cross-border flows are blue, domestic ones grey. A flow of 1–4
    participations is not drawn (a note says how many were left out).

    Reads from ``fct_participations``: project_id, country_code, event_country_code (or rows
    already counted, with ``n``: the participations of each pair of countries).
    """
    title = theme.text("sankey_title", lang)
    rows = _project_rows(participations, project_id)
    if rows.is_empty():
        return empty_figure(title, theme.text("no_flows", lang), lang=lang)
    flows = rows.group_by("country_code", "event_country_code").agg(_count(rows))
    hidden = flows.filter(pl.col("n").map_elements(is_suppressed, return_dtype=pl.Boolean))
    shown = flows.filter(~pl.col("n").map_elements(is_suppressed, return_dtype=pl.Boolean))
    if shown.is_empty():
        return empty_figure(title, theme.text("no_flows", lang) + ". " + theme.text("sankey_hidden", lang, n=hidden.height), lang=lang)
    origin_totals = shown.group_by("country_code").agg(pl.col("n").sum()).sort(["n", "country_code"], descending=[True, False])
    venue_totals = shown.group_by("event_country_code").agg(pl.col("n").sum()).sort(["n", "event_country_code"], descending=[True, False])
    origins = origin_totals["country_code"].to_list()
    venues = venue_totals["event_country_code"].to_list()
    labels = [theme.label("country", c, lang=lang) for c in origins] + [theme.label("country", c, lang=lang) for c in venues]
    custom = ([theme.text("sankey_from", lang, country=theme.label("country", c, lang=lang)) for c in origins]
              + [theme.text("sankey_at", lang, country=theme.label("country", c, lang=lang)) for c in venues])
    colours = [theme.OKABE_ITO["blue"]] * len(origins) + [theme.OKABE_ITO["orange"]] * len(venues)
    source, target, value, link_colours = [], [], [], []
    for rec in shown.sort("country_code", "event_country_code").to_dicts():
        source.append(origins.index(rec["country_code"]))
        target.append(len(origins) + venues.index(rec["event_country_code"]))
        value.append(int(rec["n"]))
        cross = rec["country_code"] != rec["event_country_code"]
        link_colours.append("rgba(0,114,178,0.45)" if cross else "rgba(127,127,127,0.30)")
    unit = theme.text("participations_axis", lang).lower()
    fig = _figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "customdata": custom, "color": colours, "pad": 12, "thickness": 16,
              "hovertemplate": f"%{{customdata}}: %{{value:,.0f}} {unit}<extra></extra>"},
        link={"source": source, "target": target, "value": value, "color": link_colours,
              "hovertemplate": f"%{{source.customdata}} → %{{target.customdata}}: %{{value:,.0f}} {unit}<extra></extra>"},
    ))
    annotations = [_note(theme.text("sankey_hidden", lang, n=hidden.height), below=6)] if hidden.height else []
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=max(420, 26 * max(len(origins), len(venues)) + 160),
        margin={"l": 20, "r": 20, "t": 60, "b": 50}, annotations=annotations,
    ))
    return fig


def nordic_russia_flows(participations: pl.DataFrame, project_id: str, *, lang: str = "en") -> go.Figure:
    """Per Nordic country: participations of its residents at events in Russia (Nordic → Russia)
    and of Russian residents at events in that country (Russia → Nordic), as grouped bars with
    the two totals in the subtitle. Cells of 1–4 participations get a "<5" marker.

    Reads from ``fct_participations``: project_id, country_code, event_country_code.
    """
    title = theme.text("nordic_russia_title", lang)
    rows = _project_rows(participations, project_id)
    nordic = list(theme.NORDIC_COUNTRIES)
    count = _count(rows)
    to_russia = rows.filter(pl.col("country_code").is_in(nordic) & (pl.col("event_country_code") == "RU")) \
        .group_by("country_code").agg(count)
    from_russia = rows.filter((pl.col("country_code") == "RU") & pl.col("event_country_code").is_in(nordic)) \
        .group_by("event_country_code").agg(count).rename({"event_country_code": "country_code"})
    if to_russia.is_empty() and from_russia.is_empty():
        return empty_figure(title, theme.text("no_nordic_flows", lang), lang=lang)
    a = dict(zip(to_russia["country_code"].to_list(), to_russia["n"].to_list()))
    b = dict(zip(from_russia["country_code"].to_list(), from_russia["n"].to_list()))
    countries = sorted(set(a) | set(b), key=lambda c: theme.label("country", c, lang=lang))
    names = [theme.label("country", c, lang=lang) for c in countries]
    unit = theme.text("participations_axis", lang).lower()
    fig = _figure()
    hidden_x, hidden_group = [], []
    for key, counts, colour, group in (
        ("nordic_to_russia", a, theme.OKABE_ITO["blue"], "n2r"),
        ("russia_to_nordic", b, theme.OKABE_ITO["vermillion"], "r2n"),
    ):
        ys = []
        for c, name in zip(countries, names):
            n = counts.get(c, 0)
            if is_suppressed(n):
                ys.append(None)
                hidden_x.append(name)
                hidden_group.append(group)
            else:
                ys.append(float(n))
        fig.add_trace(go.Bar(
            x=names, y=ys, name=theme.text(key, lang), marker={"color": colour}, offsetgroup=group,
            text=[format_count(v, lang=lang) if v is not None else "" for v in ys], textposition="auto",
            hovertemplate=f"%{{x}}: %{{y:,.0f}} {unit}<extra>{theme.text(key, lang)}</extra>",
        ))
    for group in ("n2r", "r2n"):
        xs = [x for x, g in zip(hidden_x, hidden_group) if g == group]
        if xs:
            fig.add_trace(go.Scatter(
                x=xs, y=[0] * len(xs), mode="markers+text", offsetgroup=group, showlegend=False,
                text=[theme.SUPPRESSED_LABEL] * len(xs), textposition="top center",
                marker={"symbol": "line-ew-open", "size": 14, "color": theme.SUPPRESSED_COLOR, "line": {"width": 2}},
                hovertemplate=f"%{{x}}: {theme.text('suppressed_hover', lang)}<extra></extra>",
            ))
    total_a, total_b = sum(a.values()), sum(b.values())
    subtitle = theme.text(
        "nordic_totals", lang,
        a=format_count(total_a, suppressed=is_suppressed(total_a), lang=lang),
        b=format_count(total_b, suppressed=is_suppressed(total_b), lang=lang),
    )
    fig.update_layout(**theme.base_layout(
        lang,
        title={"text": f"{title}<br><sup>{subtitle}</sup>"},
        barmode="group", scattermode="group",
        yaxis={"title": {"text": theme.text("participations_axis", lang)}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=460, margin={"l": 60, "r": 30, "t": 130, "b": 80},
        annotations=[_note(theme.text("suppressed_note", lang), below=40)] if hidden_x else [],
    ))
    return fig


# --- regions -----------------------------------------------------------------------------------


def _region_name(rec: dict, lang: str) -> str:
    name = rec.get("name_ru") if lang == "ru" else None
    return str(name or rec.get("name_en") or rec.get("region_name") or rec["region_code"])


def participants_per_100k_ranked(context: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Participants per 100,000 inhabitants of their region, ranked, one bar per region and year
    (one colour per year). A region-year whose participant count is a small cell gets a "<5"
    marker and no rate (the rate times the population would give the count back).

    Reads ``fct_regional_context`` rows (one per region and year): region_code, year,
    participants, population, participants_per_100k, is_small_cell, and name_en / name_ru
    (from ``dim_regions``) when joined.
    """
    title = theme.text("per100k_title", lang)
    rows = context.filter(pl.col("participants_per_100k").is_not_null()) if not context.is_empty() else context
    if rows.is_empty():
        return empty_figure(title, theme.text("no_regions", lang), lang=lang)
    records = rows.to_dicts()
    years = sorted({int(r["year"]) for r in records})
    best: dict[str, float] = {}
    for rec in records:
        if not is_suppressed(rec["participants"], rec.get("is_small_cell")):
            name = _region_name(rec, lang)
            best[name] = max(best.get(name, 0.0), float(rec["participants_per_100k"]))
    # A region with a rate in none of the years is only listed in a note, to keep the ranking short.
    names = sorted(best, key=lambda n: (-best[n], n))
    listed_only = sorted({_region_name(r, lang) for r in records} - set(best))
    unit = theme.text("participants_hover", lang)
    fig = _figure()
    hidden_y, hidden_text = [], []
    for i, year in enumerate(years):
        xs, ys, custom = [], [], []
        for rec in (r for r in records if int(r["year"]) == year):
            name = _region_name(rec, lang)
            if is_suppressed(rec["participants"], rec.get("is_small_cell")):
                if name in best:
                    hidden_y.append(name)
                    hidden_text.append(f"{theme.SUPPRESSED_LABEL} ({year})")
                continue
            xs.append(float(rec["participants_per_100k"]))
            ys.append(name)
            custom.append([format_count(rec["participants"], lang=lang),
                           format_count(rec.get("population"), lang=lang), str(year)])
        if xs:
            fig.add_trace(go.Bar(
                x=xs, y=ys, orientation="h", name=str(year), customdata=custom,
                marker={"color": theme.COLORWAY[i % len(theme.COLORWAY)]},
                text=[format_number(x, 2, lang=lang) for x in xs], textposition="auto",
                hovertemplate=(f"%{{y}} (%{{customdata[2]}}): %{{x:.2f}} / 100 000<br>%{{customdata[0]}} {unit} / "
                               "%{customdata[1]}<extra></extra>"),
            ))
    if hidden_y:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden_y), y=hidden_y, mode="markers+text", name=theme.text("suppressed_marker", lang),
            text=hidden_text, textposition="middle right",
            marker={"symbol": "line-ns-open", "size": 14, "color": theme.SUPPRESSED_COLOR, "line": {"width": 2}},
            textfont={"color": theme.SUPPRESSED_COLOR},
            hovertemplate=f"%{{y}}: {theme.text('suppressed_hover', lang)}<extra></extra>",
        ))
    notes = [theme.text("suppressed_note", lang)] if hidden_y or listed_only else []
    if listed_only:
        notes.append(theme.text("regions_small_only", lang, regions=", ".join(listed_only)))
    if not names:
        return empty_figure(title, " ".join(notes), lang=lang)
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, barmode="group",
        xaxis={"title": {"text": theme.text("per100k_axis", lang)}, "rangemode": "tozero", "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(names)), "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(300, (22 * len(years) + 10) * len(names) + 170 + 16 * len(notes)),
        margin={"l": 60, "r": 30, "t": 80, "b": 100 + 16 * len(notes)},
        annotations=[_note(_wrap(" ".join(notes), 100))] if notes else [],
    ))
    return fig


def _outer_rings(geometry: dict) -> list[list[list[float]]]:
    """The outer ring of every polygon of a GeoJSON Polygon or MultiPolygon (holes left out)."""
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _ring_path(rings: list[list[list[float]]]) -> tuple[list, list]:
    """x/y arrays for one filled scatter trace: rings separated by None, coordinates rounded to
    about 100 m and repeated points dropped (keeps the page small)."""
    xs: list = []
    ys: list = []
    for ring in rings:
        last = None
        for lon, lat, *_ in ring:
            point = (round(lon, 3), round(lat, 3))
            if point != last:
                xs.append(point[0])
                ys.append(point[1])
                last = point
        xs.append(None)
        ys.append(None)
    return xs, ys


def participants_per_100k_map(context: pl.DataFrame, geojson: dict, *, lang: str = "en") -> go.Figure:
    """Map of participants per 100,000 inhabitants for one year (the latest in ``context``) on
    the regions of a boundary file (GeoJSON features with ``properties.NUTS_ID``, e.g. Eurostat
    GISCO NUTS). Each region is a filled polygon on plain longitude/latitude axes, so the map
    needs no base map or tiles and fetches nothing. Colours are Cividis; small cells are grey
    without a rate; regions without a boundary (Russian subjects, codes of another NUTS
    version) are listed in a note.

    Reads the same columns as :func:`participants_per_100k_ranked`.
    """
    rows = context.filter(pl.col("participants_per_100k").is_not_null()) if not context.is_empty() else context
    year = int(rows["year"].max()) if not rows.is_empty() else None
    title = theme.text("per100k_map_title", lang) + (f", {year}" if year else "")
    if rows.is_empty():
        return empty_figure(title, theme.text("no_regions", lang), lang=lang)
    records = rows.filter(pl.col("year") == year).to_dicts()
    features = {f.get("properties", {}).get("NUTS_ID"): f for f in geojson.get("features", [])}
    on_map = [r for r in records if r["region_code"] in features and _outer_rings(features[r["region_code"]].get("geometry") or {})]
    off_map = sorted(_region_name(r, lang) for r in records if r not in on_map)
    if not on_map:
        return empty_figure(title, theme.text("per100k_not_on_map", lang, regions=", ".join(off_map)), lang=lang)
    drawn = [r for r in on_map if not is_suppressed(r["participants"], r.get("is_small_cell"))]
    high = max((float(r["participants_per_100k"]) for r in drawn), default=1.0) or 1.0
    fig = _figure()
    lats: list[float] = []
    for rec in sorted(on_map, key=lambda r: r["region_code"]):
        xs, ys = _ring_path(_outer_rings(features[rec["region_code"]]["geometry"]))
        lats += [y for y in ys if y is not None]
        name = _region_name(rec, lang)
        if rec in drawn:
            rate = float(rec["participants_per_100k"])
            colour = plotly.colors.sample_colorscale("Cividis", [rate / high])[0]
            label = f"{name}: {format_number(rate, 2, lang=lang)} / 100 000 ({format_count(rec['participants'], lang=lang)})"
        else:
            colour = "#BDBDBD"
            label = f"{name}: {theme.text('suppressed_hover', lang)}"
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour, line={"color": "white", "width": 0.6},
            name=label, hoveron="fills", hoverinfo="name", showlegend=False,
        ))
    # The colour bar: one invisible point carrying the scale.
    fig.add_trace(go.Scatter(
        x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker={"colorscale": "Cividis", "cmin": 0, "cmax": high, "color": [0], "showscale": True,
                "colorbar": {"title": {"text": "/ 100 000"}, "thickness": 14}},
    ))
    notes = [theme.text("suppressed_note", lang)] if len(drawn) < len(on_map) else []
    if off_map:
        notes.append(theme.text("per100k_not_on_map", lang, regions=", ".join(off_map)))
    mid_lat = (min(lats) + max(lats)) / 2
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=600, plot_bgcolor="white",
        xaxis={"visible": False},
        # Longitude degrees shrink with the cosine of the latitude: keep the shapes true.
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid_lat))},
        margin={"l": 10, "r": 10, "t": 60, "b": 10 + 36 * len(notes)},
        annotations=[_note(_wrap(" ".join(notes), 150), below=4)] if notes else [],
    ))
    return fig


#: Context measures of ``fct_regional_context`` the regions page can show, with their units.
CONTEXT_MEASURES = ("employment_j_r_u_pct", "creative_organisations", "gdp_per_capita_eur")


def regional_context(context: pl.DataFrame, measure: str, *, lang: str = "en") -> go.Figure:
    """One regional context measure (``employment_j_r_u_pct``, ``creative_organisations`` or
    ``gdp_per_capita_eur``) per region, ranked, for the latest year each region reports it.
    Statistics of places, not counts of participants: nothing is suppressed.

    Reads ``fct_regional_context``: region_code, year, ``measure``, and name_en / name_ru.
    """
    title = theme.text("context_title", lang) + ": " + theme.text(f"measure_{measure}", lang)
    rows = context.filter(pl.col(measure).is_not_null()) if measure in context.columns else context.clear()
    if rows.is_empty():
        return empty_figure(title, theme.text("no_regions", lang), lang=lang)
    latest = rows.sort("year").group_by("region_code", maintain_order=True).last()
    cells = [(f"{_region_name(r, lang)} ({r['year']})", float(r[measure]), False) for r in latest.to_dicts()]
    fig = _bars_with_suppression(cells, title=title, axis_title=theme.text(f"measure_{measure}", lang),
                                 unit_hover="", lang=lang)
    fig.data[0].marker.color = theme.OKABE_ITO["bluish_green"]
    digits = 1 if measure == "employment_j_r_u_pct" else 0
    fig.data[0].text = [format_number(v, digits, lang=lang) for v in fig.data[0].x]
    fig.data[0].hovertemplate = f"%{{y}}: %{{x:,.{digits}f}}<extra></extra>"
    return fig


# --- policy survey and follow-up ---------------------------------------------------------------


def _group_name(rec: dict, lang: str) -> str:
    if rec.get("group_type") == "country":
        return theme.label("country", rec["group_code"], lang=lang)
    return theme.label("country_group", rec["group_code"], lang=lang)


def _dimension_name(rec: dict, lang: str) -> str:
    code = rec.get("dimension")
    if lang != "en" and code in theme.POLICY_DIMENSION_LABELS_RU:
        return theme.POLICY_DIMENSION_LABELS_RU[code]
    return str(rec.get("dimension_name") or theme.label("policy_dimension", code, lang=lang))


def _wrap(text: str, width: int = 14) -> str:
    """Break a long axis label into lines of about ``width`` characters (``<br>``)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _score_hidden(rec: dict) -> bool:
    return bool(rec.get("is_small_cell")) or is_suppressed(rec.get("n")) or rec.get("mean") is None


def policy_scores_heatmap(scores: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Mean dimension score per country (rows, then the Nordic and North-West Russia groups) and
    policy dimension (columns), with n and the 95% confidence interval in the cell's hover. A
    cell of fewer than 5 respondents (or flagged ``is_small_cell``) is blank, marked "suppressed".

    Reads ``fct_policy_scores`` rows of score_level ``dimension``: group_type, group_code,
    dimension, dimension_name, n, mean, ci_low, ci_high, scale_min, scale_max, is_small_cell.
    """
    title = theme.text("survey_heatmap_title", lang)
    if scores.is_empty():
        return empty_figure(title, theme.text("no_survey", lang), lang=lang)
    records = scores.to_dicts()
    groups: list[tuple[str, str]] = []
    for rec in sorted(records, key=lambda r: (r["group_type"] != "country", _group_name(r, lang))):
        key = (rec["group_type"], rec["group_code"])
        if key not in groups:
            groups.append(key)
    dimensions = sorted({(r["dimension"], _wrap(_dimension_name(r, lang))) for r in records}, key=lambda d: d[1])
    by_key = {(r["group_type"], r["group_code"], r["dimension"]): r for r in records}
    ci = theme.text("survey_ci", lang)
    suppressed = theme.text("survey_suppressed", lang)
    z, text, hover = [], [], []
    for group_type, group_code in groups:
        z_row, t_row, h_row = [], [], []
        for code, _ in dimensions:
            rec = by_key.get((group_type, group_code, code))
            if rec is None:
                z_row.append(None), t_row.append(""), h_row.append("–")
            elif _score_hidden(rec):
                z_row.append(None), t_row.append(suppressed), h_row.append(suppressed)
            else:
                mean = float(rec["mean"])
                z_row.append(mean)
                t_row.append(f"{format_number(mean, 2, lang=lang)}<br>n={rec['n']}")
                interval = ""
                if rec.get("ci_low") is not None and rec.get("ci_high") is not None:
                    interval = (f"<br>{ci}: {format_number(float(rec['ci_low']), 2, lang=lang)}–"
                                f"{format_number(float(rec['ci_high']), 2, lang=lang)}")
                h_row.append(f"{format_number(mean, 2, lang=lang)} (n={rec['n']}){interval}")
        z.append(z_row), text.append(t_row), hover.append(h_row)
    low = min((r.get("scale_min") for r in records if r.get("scale_min") is not None), default=1)
    high = max((r.get("scale_max") for r in records if r.get("scale_max") is not None), default=5)
    y_labels = [_group_name({"group_type": t, "group_code": c}, lang) for t, c in groups]
    fig = _figure(go.Heatmap(
        z=z, x=[name for _, name in dimensions], y=y_labels, text=text, texttemplate="%{text}",
        textfont={"size": 11}, customdata=hover, colorscale="Cividis", zmin=low, zmax=high,
        colorbar={"title": {"text": f"{low}–{high}"}, "thickness": 14}, hoverongaps=False, xgap=2, ygap=2,
        hovertemplate="%{y} · %{x}: %{customdata}<extra></extra>",
    ))
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=max(340, 46 * len(groups) + 190), plot_bgcolor="#E0E0E0",
        xaxis={"side": "top", "tickangle": 0, "automargin": True},
        yaxis={"autorange": "reversed", "automargin": True},
        margin={"l": 60, "r": 30, "t": 130, "b": 30},
    ))
    return fig


def policy_overall_intervals(scores: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Overall policy score (0–100) per country and country group as a dot with its 95%
    confidence interval; cells of fewer than 5 respondents are not drawn and are listed.

    Reads ``fct_policy_scores`` rows of score_level ``overall``: group_type, group_code, n, mean,
    ci_low, ci_high, scale_min, scale_max, is_small_cell.
    """
    title = theme.text("survey_intervals_title", lang)
    if scores.is_empty():
        return empty_figure(title, theme.text("no_survey", lang), lang=lang)
    records = sorted(scores.to_dicts(), key=lambda r: (r["group_type"] != "country", _group_name(r, lang)))
    fig = _figure()
    hidden = []
    for is_country, colour, symbol in ((True, theme.OKABE_ITO["blue"], "circle"), (False, theme.OKABE_ITO["vermillion"], "diamond")):
        part = [r for r in records if (r["group_type"] == "country") == is_country]
        shown = [r for r in part if not _score_hidden(r)]
        hidden += [_group_name(r, lang) for r in part if _score_hidden(r)]
        if not shown:
            continue
        means = [float(r["mean"]) for r in shown]
        fig.add_trace(go.Scatter(
            x=means, y=[_group_name(r, lang) for r in shown], mode="markers",
            name=theme.text("survey_countries" if is_country else "survey_groups", lang),
            marker={"size": 10, "color": colour, "symbol": symbol},
            error_x={"type": "data", "symmetric": False,
                     "array": [float(r["ci_high"]) - m if r.get("ci_high") is not None else 0 for r, m in zip(shown, means)],
                     "arrayminus": [m - float(r["ci_low"]) if r.get("ci_low") is not None else 0 for r, m in zip(shown, means)],
                     "thickness": 1.5, "width": 5, "color": colour},
            customdata=[[r["n"], format_number(float(r["ci_low"]), 1, lang=lang) if r.get("ci_low") is not None else "–",
                         format_number(float(r["ci_high"]), 1, lang=lang) if r.get("ci_high") is not None else "–"] for r in shown],
            hovertemplate=(f"%{{y}}: %{{x:.1f}} (n=%{{customdata[0]}}; {theme.text('survey_ci', lang)} "
                           "%{customdata[1]}–%{customdata[2]})<extra></extra>"),
        ))
    order = [_group_name(r, lang) for r in records if not _score_hidden(r)]
    low = min((r.get("scale_min") for r in records if r.get("scale_min") is not None), default=0)
    high = max((r.get("scale_max") for r in records if r.get("scale_max") is not None), default=100)
    annotations = [_note(theme.text("survey_suppressed_list", lang, cells=", ".join(hidden)))] if hidden else []
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=max(320, 30 * len(order) + 190),
        xaxis={"title": {"text": theme.text("survey_overall_axis", lang)}, "range": [low, high], "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(order)), "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        margin={"l": 60, "r": 30, "t": 80, "b": 100}, annotations=annotations,
    ))
    return fig


def followup_outcomes(outcomes: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Follow-up survey outcomes measured as a percentage of respondents (horizontal bars, 0–100 %),
    with numerator and denominator in the hover; an outcome resting on 1–4 respondents is
    suppressed (flagged ``is_small_cell`` or numerator below 5).

    Reads ``fct_followup_outcomes`` rows of one project, wave and cell with unit ``percent``:
    indicator_code, indicator_name, value, numerator, denominator, is_small_cell.
    """
    title = theme.text("followup_title", lang)
    rows = outcomes.filter(pl.col("unit") == "percent") if not outcomes.is_empty() else outcomes
    if rows.is_empty():
        return empty_figure(title, theme.text("no_survey", lang), lang=lang)
    records = sorted(rows.to_dicts(), key=lambda r: r["indicator_code"])
    cells = []
    for rec in records:
        name = theme.label("followup_indicator", rec["indicator_code"], lang=lang) if lang != "en" else (
            rec.get("indicator_name") or rec["indicator_code"])
        hidden = bool(rec.get("is_small_cell")) or is_suppressed(rec.get("numerator"))
        cells.append((name, rec.get("value"), hidden))
    fig = _bars_with_suppression(cells, title=title, axis_title=theme.text("followup_axis", lang),
                                 unit_hover="%", lang=lang)
    if fig.data and fig.data[0].type == "bar":
        shown = {c[0]: r for c, r in zip(cells, records) if not c[2]}
        fig.data[0].marker.color = theme.OKABE_ITO["bluish_green"]
        fig.data[0].text = [f"{format_number(v, 0, lang=lang)} %" for v in fig.data[0].x]
        fig.data[0].customdata = [[format_count(shown[y]["numerator"], lang=lang), format_count(shown[y]["denominator"], lang=lang)]
                                  for y in fig.data[0].y]
        fig.data[0].hovertemplate = "%{y}: %{x:.0f} % (%{customdata[0]} / %{customdata[1]})<extra></extra>"
        fig.update_layout(xaxis={"range": [0, 100]})
    return fig


# --- data quality ------------------------------------------------------------------------------


def _short_file(path: str) -> str:
    """``registrations/JC-E01/export.csv`` → ``JC-E01/export.csv``: the event folder and file."""
    parts = str(path).split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 else str(path)


def quarantine_by_reason_and_file(data_quality: pl.DataFrame, *, clean_files: int | None = None,
                                  files_with_rows: int | None = None, lang: str = "en") -> go.Figure:
    """Quarantined rows per file (one bar per file), stacked by reason code. These are counts of
    records the reader rejected, not of people with some attribute, so they are not suppressed.

    Reads from ``fct_data_quality``: source_file, quarantine_reason, quarantined_rows. When the
    rows are the files with the most quarantined rows only, ``files_with_rows`` (how many files
    had any) and ``clean_files`` (how many had none) say so in the title and note.
    """
    title = theme.text("quarantine_title", lang)
    if data_quality.is_empty() and not clean_files:
        return empty_figure(title, theme.text("no_quarantine", lang), lang=lang)
    rows = data_quality.filter(pl.col("quarantine_reason") != "none")
    if clean_files is None:
        clean_files = data_quality.select("source_file").unique().height - rows.select("source_file").unique().height
    if rows.is_empty():
        return empty_figure(title, theme.text("no_quarantine", lang) + ". " + theme.text("quarantine_clean", lang, n=clean_files), lang=lang)
    files = rows.group_by("source_file").agg(pl.col("quarantined_rows").sum().alias("n")) \
        .sort(["n", "source_file"], descending=[True, False])["source_file"].to_list()
    short = [_short_file(f) for f in files]
    # the event folder and file name, unless two files would share them: then the whole path
    labels = {f: (label if short.count(label) == 1 else f) for f, label in zip(files, short)}
    subtitle = files_with_rows is not None and files_with_rows > len(files)
    if subtitle:
        title += "<br><sup>" + theme.text("top_files", lang, n=len(files), total=format_count(files_with_rows, lang=lang)) + "</sup>"
    reasons = sorted(rows["quarantine_reason"].unique().to_list(),
                     key=lambda r: list(theme.QUARANTINE_REASON_LABELS).index(r) if r in theme.QUARANTINE_REASON_LABELS else 99)
    fig = _figure()
    unit = theme.text("quarantine_axis", lang)
    for i, reason in enumerate(reasons):
        per_file = dict(rows.filter(pl.col("quarantine_reason") == reason).select("source_file", "quarantined_rows").iter_rows())
        fig.add_trace(go.Bar(
            x=[float(per_file.get(f, 0)) for f in files], y=[labels[f] for f in files],
            orientation="h", name=theme.label("quarantine_reason", reason, lang=lang),
            marker={"color": theme.COLORWAY[i % len(theme.COLORWAY)]},
            customdata=files,
            hovertemplate=f"%{{customdata}}<br>%{{x:,.0f}} {unit.lower()}<extra>{theme.label('quarantine_reason', reason, lang=lang)}</extra>",
        ))
    annotations = [_note(theme.text("quarantine_clean", lang, n=clean_files))] if clean_files else []
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, barmode="stack",
        xaxis={"title": {"text": unit}, "rangemode": "tozero", "dtick": 1 if rows["quarantined_rows"].max() <= 10 else None,
               "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": [labels[f] for f in reversed(files)], "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(300, 34 * len(files) + 180), margin={"l": 60, "r": 30, "t": 120 if subtitle else 90, "b": 100},
        annotations=annotations,
    ))
    return fig


def _table(title: str, header: list[str], columns: list[list], *, lang: str,
           fill: list[list[str]] | None = None, widths: list[float] | None = None, row_height: int = 28) -> go.Figure:
    rows = len(columns[0]) if columns else 0
    fig = _figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{h}</b>" for h in header], "fill": {"color": "#E8EEF4"},
                "align": "left", "font": {"size": 12}},
        cells={"values": columns, "align": "left", "font": {"size": 12}, "height": 24,
               "fill": {"color": fill if fill is not None else "#FFFFFF"}},
    ))
    fig.update_layout(**theme.base_layout(
        lang, title={"text": title}, height=min(1500, row_height * rows + 110), margin={"l": 10, "r": 10, "t": 50, "b": 10},
    ))
    return fig


def files_table(data_quality: pl.DataFrame, *, total: int | None = None, lang: str = "en") -> go.Figure:
    """Every file read in the build: source, file, event or dataset, format, status, rows read,
    loaded and quarantined, and whether they reconcile. Failed or unreconciled rows are tinted.

    Reads from ``fct_data_quality`` (one row per file is taken): source, source_file, event_id,
    dataset, file_format, file_status, rows_read, rows_loaded, rows_quarantined, is_reconciled.
    """
    title = theme.text("files_title", lang)
    if data_quality.is_empty():
        return empty_figure(title, theme.text("no_data_yet", lang), lang=lang)
    files = data_quality.unique("source_file", keep="first", maintain_order=True)
    if total is None or total <= files.height:
        files = files.sort("source", "source_file")
    else:  # the first files of a longer list, problems first: keep their order, say how many there are
        title += " – " + theme.text("first_files", lang, n=files.height, total=format_count(total, lang=lang))
    records = files.to_dicts()
    # Superseded and duplicate files are expected (a corrected re-export, a copy): only a failed
    # or unreconciled file is a problem.
    bad = [r["file_status"] == "failed" or r.get("is_reconciled") is False for r in records]
    tint = ["#FBE3D6" if b else "#FFFFFF" for b in bad]
    header = [theme.text(k, lang) for k in ("col_source", "col_file", "col_event", "col_format", "col_status",
                                            "col_rows_read", "col_rows_loaded", "col_rows_quarantined", "col_reconciled")]
    columns = [
        [theme.label("source", r["source"], lang=lang) for r in records],
        [r["source_file"] for r in records],
        [r.get("event_id") or r.get("dataset") or "" for r in records],
        [r.get("file_format") or "" for r in records],
        [theme.label("file_status", r["file_status"], lang=lang) for r in records],
        [format_count(r.get("rows_read"), lang=lang) for r in records],
        [format_count(r.get("rows_loaded"), lang=lang) for r in records],
        [format_count(r.get("rows_quarantined"), lang=lang) for r in records],
        [theme.text("yes" if r.get("is_reconciled") else "no", lang) for r in records],
    ]
    # Cells of long paths and labels wrap onto a second line: leave room for it.
    return _table(title, header, columns, lang=lang, fill=[tint] * len(columns),
                  widths=[1.3, 3.6, 1.4, 1.0, 0.9, 0.9, 0.9, 1.0, 0.9], row_height=44)


def checks_table(checks: pl.DataFrame, *, lang: str = "en") -> go.Figure:
    """Check results: one row per check with its result and a detail; failed checks tinted.

    Reads: check_name, passed (bool), detail.
    """
    title = theme.text("checks_title", lang)
    if checks.is_empty():
        return empty_figure(title, theme.text("no_data_yet", lang), lang=lang)
    records = checks.to_dicts()
    tint = ["#FFFFFF" if r["passed"] else "#FBE3D6" for r in records]
    columns = [
        [r["check_name"] for r in records],
        [theme.text("passed" if r["passed"] else "failed", lang) for r in records],
        [r.get("detail") or "" for r in records],
    ]
    header = [theme.text(k, lang) for k in ("col_check", "col_result", "col_detail")]
    return _table(title, header, columns, lang=lang, fill=[tint] * 3, widths=[4, 1, 3], row_height=34)


def freshness_table(data_quality: pl.DataFrame, *, built_at: dt.datetime | None = None, lang: str = "en") -> go.Figure:
    """Per source (registration exports, statistics, programme registries): files, failed
    files, when they were last ingested, the dates their data covers and how many days the
    latest data lies before the build.

    Reads from ``fct_data_quality``: source, source_file, file_status, ingested_at, data_from, data_to.
    """
    if data_quality.is_empty():
        return empty_figure(theme.text("freshness_title", lang), theme.text("no_data_yet", lang), lang=lang)
    files = data_quality.unique("source_file", keep="first")
    per_source = files.group_by("source").agg(
        pl.len().alias("files"),
        (pl.col("file_status") == "failed").sum().alias("failed"),
        pl.col("ingested_at").max().alias("ingested_at"),
        pl.col("data_from").min().alias("data_from"),
        pl.col("data_to").max().alias("data_to"),
    ).sort("source")
    return freshness_table_by_source(per_source, built_at=built_at, lang=lang)


def freshness_table_by_source(per_source: pl.DataFrame, *, built_at: dt.datetime | None = None,
                              lang: str = "en") -> go.Figure:
    """:func:`freshness_table` from rows already counted per source: source, files, failed,
    ingested_at, data_from, data_to."""
    title = theme.text("freshness_title", lang)
    if per_source.is_empty():
        return empty_figure(title, theme.text("no_data_yet", lang), lang=lang)
    records = per_source.to_dicts()
    build_day = built_at.date() if isinstance(built_at, dt.datetime) else built_at

    def day(value: object) -> str:
        d = _as_date(value)
        return d.isoformat() if d else "–"

    def stamp(value: object) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else (str(value) if value else "–")

    def age(value: object) -> str:
        d = _as_date(value)
        return format_count((build_day - d).days, lang=lang) if d and build_day else "–"

    header = [theme.text(k, lang) for k in ("col_source", "col_files", "col_failed", "col_ingested",
                                            "col_data_from", "col_data_to", "col_age")]
    columns = [
        [theme.label("source", r["source"], lang=lang) for r in records],
        [format_count(r["files"], lang=lang) for r in records],
        [format_count(r["failed"], lang=lang) for r in records],
        [stamp(r["ingested_at"]) for r in records],
        [day(r["data_from"]) for r in records],
        [day(r["data_to"]) for r in records],
        [age(r["data_to"]) for r in records],
    ]
    tint = ["#FBE3D6" if r["failed"] else "#FFFFFF" for r in records]
    return _table(title, header, columns, lang=lang, fill=[tint] * len(columns),
                  widths=[1.6, 0.7, 0.7, 1.4, 1.0, 1.0, 1.3])


def build_source_files_table(build_source_files: pl.DataFrame, *, total: int | None = None,
                             lang: str = "en") -> go.Figure:
    """The raw files this build was made from, with size and the start of their sha256
    (``total``: how many there are, when these are the first of them).

    Reads from ``build_source_files``: source_file, sha256, bytes.
    """
    title = theme.text("build_files_title", lang)
    if total is not None and total > build_source_files.height:
        title += " – " + theme.text("first_files", lang, n=build_source_files.height, total=format_count(total, lang=lang))
    if build_source_files.is_empty():
        return empty_figure(title, theme.text("no_data_yet", lang), lang=lang)
    records = build_source_files.sort("source_file").to_dicts()
    header = [theme.text(k, lang) for k in ("col_file", "col_bytes", "col_sha")]
    columns = [
        [r["source_file"] for r in records],
        [format_number(r["bytes"] / 1024, 1, lang=lang) if r.get("bytes") is not None else "–" for r in records],
        [(r.get("sha256") or "")[:12] for r in records],
    ]
    return _table(title, header, columns, lang=lang, widths=[4, 1, 1.4])
