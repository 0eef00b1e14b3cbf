"""Figure functions: mart frames in (see docs/architecture.md, "Marts"), Plotly figure out.

Every function takes polars DataFrames shaped like the marts and a project id, and returns a
``plotly.graph_objects.Figure``. None of them reads files or the warehouse.

Small cells: a count of people from 1 to 4 (below ``theme.SMALL_CELL_THRESHOLD``; zero is not
disclosive and is shown unless ``theme.SUPPRESS_ZERO``) is never drawn as its number. Rows
flagged ``is_small_cell`` upstream are suppressed too, whatever their value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import plotly.graph_objects as go
import polars as pl

from dashboards import theme

PTD = "project_to_date"
UNIQUE_PARTICIPANTS = "unique_participants"

#: Headline indicators come first in this order; any others follow alphabetically.
HEADLINE_ORDER = (
    "unique_participants", "participations", "events_held", "organisations_participating",
    "cross_border_participations",
)

__all__ = [
    "headline_indicators",
    "cumulative_participants",
    "participants_by_target_group",
    "participants_by_country",
    "mark_synthetic",
    "is_person_unit",
    "is_suppressed",
    "latest_project_to_date",
    "format_count",
]


# --- small helpers shared with the page and the export ---------------------------------------


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


def format_count(value: object, *, suppressed: bool = False) -> str:
    """``1,234`` for counts, ``<5`` when suppressed, ``–`` when missing."""
    if suppressed:
        return theme.SUPPRESSED_LABEL
    if value is None:
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.1f}"


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


def _empty_figure(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        **theme.base_layout(
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


def _note(text: str, *, y: float = -0.18) -> dict:
    return {
        "text": text, "showarrow": False, "xref": "paper", "yref": "paper", "x": 0, "y": y,
        "xanchor": "left", "yanchor": "top", "align": "left",
        "font": {"size": 11, "color": theme.SUPPRESSED_COLOR},
    }


def mark_synthetic(fig: go.Figure) -> go.Figure:
    """Stamp the figure itself as synthetic, so a screenshot of one chart still says so."""
    fig.add_annotation(
        text=theme.SYNTHETIC_BANNER, showarrow=False, xref="paper", yref="paper", x=1, y=1.0,
        xanchor="right", yanchor="bottom", yshift=28,
        font={"size": 12, "color": theme.OKABE_ITO["vermillion"]},
        bordercolor=theme.OKABE_ITO["vermillion"], borderwidth=1, borderpad=3,
    )
    return fig


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


# --- figures ---------------------------------------------------------------------------------


def headline_indicators(indicators: pl.DataFrame, project_id: str) -> go.Figure:
    """Project-to-date total of each indicator as a bar, with its target as a marker.

    Reads from ``fct_indicator_values``: project_id, indicator_code, indicator_name, unit,
    period_type, period_end, disaggregation, value, target, achievement_pct, is_small_cell.
    A suppressed people count gets no bar: it is listed as "<5" in a note, without its
    achievement (which would give the count back).
    """
    title = "Indicators, project to date"
    rows = latest_project_to_date(indicators, project_id)
    if not rows.is_empty():
        rows = rows.filter(pl.col("disaggregation") == "total")
    if rows.is_empty():
        return _empty_figure(title, "No project-to-date indicator values yet")

    records = sorted(rows.to_dicts(), key=lambda r: _indicator_sort_key(str(r["indicator_code"])))
    names, values, texts, codes = [], [], [], []
    target_names, target_values = [], []
    suppressed_names = []
    for rec in records:
        name = rec.get("indicator_name") or theme.label("indicator", rec["indicator_code"])
        value, target, unit = rec.get("value"), rec.get("target"), rec.get("unit")
        if value is None or is_suppressed(value, rec.get("is_small_cell"), person_count=is_person_unit(unit)):
            suppressed_names.append(name)
            continue
        value = float(value)
        pct = _achievement(value, target, rec.get("achievement_pct"))
        text = f"{format_count(value)} {unit or ''}".strip()
        if target and pct is not None:
            text += f" ({pct:.0f}% of target {format_count(target)})"
            target_names.append(name)
            target_values.append(float(target))
        names.append(name)
        values.append(value)
        texts.append(text)
        codes.append(str(rec["indicator_code"]))

    fig = go.Figure()
    # Plotly draws horizontal bars bottom-up: reverse so the first indicator is on top.
    fig.add_trace(go.Bar(
        y=names[::-1], x=values[::-1], orientation="h", name="Value to date",
        text=texts[::-1], textposition="auto", customdata=codes[::-1],
        marker={"color": theme.ACTUAL_COLOR},
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    if target_values:
        fig.add_trace(go.Scatter(
            y=target_names, x=target_values, mode="markers", name="Target",
            marker={"symbol": "line-ns", "size": 28, "line": {"width": 4, "color": theme.TARGET_COLOR}},
            hovertemplate="Target: %{x:,.0f}<extra></extra>",
        ))
    annotations = []
    if suppressed_names:
        annotations.append(_note(
            "Fewer than 5 (suppressed): " + ", ".join(f"{n}: <5" for n in suppressed_names), y=-0.25))
    fig.update_layout(**theme.base_layout(
        title={"text": title},
        height=max(240, 48 * len(names) + 120),
        margin={"l": 20, "r": 20, "t": 60, "b": 60},
        xaxis={"title": {"text": "Value to date (bar) and target (line)"}, "rangemode": "tozero"},
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
) -> go.Figure:
    """Cumulative unique participants by month end against the linear target trajectory.

    Reads from ``fct_participants_cumulative``: project_id, month_end,
    cumulative_unique_participants, target_trajectory. The target line is the mart's
    ``target_trajectory``; when ``projects`` (``dim_projects``: project_id, start_date, end_date,
    participant_target) is given it starts at 0 on the project start and, if the mart stops
    before the project end, is carried on to the target on the end date (a straight line from
    0 to the target when the mart has no trajectory). The actual line stops at ``as_of``.
    Months with 1–4 cumulative participants are left out of the actual line (with a note).
    """
    title = "Cumulative unique participants vs target trajectory"
    rows = cumulative.filter(pl.col("project_id") == project_id)
    project = None
    if projects is not None:
        match = projects.filter(pl.col("project_id") == project_id)
        if not match.is_empty():
            project = match.row(0, named=True)
    if rows.is_empty() and project is None:
        return _empty_figure(title, "No participants recorded yet")

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

    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=months, y=actual, mode="lines+markers", name="Unique participants (cumulative)",
        line={"color": theme.ACTUAL_COLOR, "width": 3}, marker={"size": 7},
        connectgaps=False,
        hovertemplate="%{x|%b %Y}: %{y:,.0f} participants<extra></extra>",
    ))

    # target line
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
            x=tx, y=ty, mode="lines", name="Target trajectory (linear)",
            line={"color": theme.TARGET_COLOR, "width": 2, "dash": "dash"},
            hovertemplate="%{x|%d %b %Y}: %{y:,.0f} planned<extra></extra>",
        ))

    annotations: list[dict] = []
    if target_value is not None and end_date is not None:
        annotations.append({
            "x": end_date, "y": target_value, "xref": "x", "yref": "y",
            "text": f"Target {format_count(target_value)}", "showarrow": True, "arrowhead": 0,
            "ax": -40, "ay": -25, "font": {"color": theme.TARGET_COLOR},
        })
    if suppressed_months:
        annotations.append(_note(
            "Months with 1–4 cumulative participants are not drawn (small-cell rule)."))
    fig.update_layout(**theme.base_layout(
        title={"text": title},
        xaxis={"title": {"text": "Month end"}, "gridcolor": theme.GRID_COLOR},
        yaxis={"title": {"text": "Unique participants"}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hovermode="x unified",
        height=420,
        margin={"l": 60, "r": 30, "t": 80, "b": 90},
        annotations=annotations,
    ))
    return fig


def _participants_by(
    indicators: pl.DataFrame,
    project_id: str,
    *,
    disaggregation: str,
    label_kind: str,
    title: str,
    order: Iterable[str] | None = None,
) -> go.Figure:
    rows = latest_project_to_date(indicators, project_id)
    if not rows.is_empty():
        rows = rows.filter(
            (pl.col("indicator_code") == UNIQUE_PARTICIPANTS)
            & (pl.col("disaggregation") == disaggregation)
        )
    if rows.is_empty():
        return _empty_figure(title, "No participants recorded yet")

    shown: list[tuple[str, float]] = []
    hidden: list[str] = []
    for rec in rows.select("disaggregation_value", "value", "is_small_cell").to_dicts():
        code = rec["disaggregation_value"]
        text = theme.label(label_kind, code)
        if is_suppressed(rec["value"], rec["is_small_cell"]):
            hidden.append(text)
        elif rec["value"] is not None:
            shown.append((text, float(rec["value"])))

    rank = {theme.label(label_kind, c): i for i, c in enumerate(order or ())}
    if order is not None:
        shown.sort(key=lambda t: (rank.get(t[0], len(rank)), t[0]))
    else:
        shown.sort(key=lambda t: (-t[1], t[0]))
    hidden.sort(key=lambda t: (rank.get(t, len(rank)), t))

    fig = go.Figure()
    if shown:
        fig.add_trace(go.Bar(
            x=[v for _, v in shown], y=[t for t, _ in shown], orientation="h",
            name="Unique participants", marker={"color": theme.ACTUAL_COLOR},
            text=[format_count(v) for _, v in shown], textposition="auto",
            hovertemplate="%{y}: %{x:,.0f} participants<extra></extra>",
        ))
    if hidden:
        fig.add_trace(go.Scatter(
            x=[0] * len(hidden), y=hidden, mode="markers+text",
            name=f"{theme.SUPPRESSED_LABEL} (suppressed)",
            text=[theme.SUPPRESSED_LABEL] * len(hidden), textposition="middle right",
            marker={"symbol": "line-ns-open", "size": 14, "color": theme.SUPPRESSED_COLOR,
                    "line": {"width": 2}},
            textfont={"color": theme.SUPPRESSED_COLOR},
            hovertemplate="%{y}: fewer than 5 participants (suppressed)<extra></extra>",
        ))
    categories = [t for t, _ in shown] + hidden
    annotations = [_note(theme.SUPPRESSED_NOTE, y=-0.12)] if hidden else []
    fig.update_layout(**theme.base_layout(
        title={"text": title},
        xaxis={"title": {"text": "Unique participants, project to date"}, "rangemode": "tozero",
               "gridcolor": theme.GRID_COLOR},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(categories)),
               "automargin": True},
        showlegend=bool(hidden),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        height=max(260, 42 * len(categories) + 160),
        margin={"l": 60, "r": 30, "t": 80, "b": 80},
        annotations=annotations,
    ))
    return fig


def participants_by_target_group(indicators: pl.DataFrame, project_id: str) -> go.Figure:
    """Unique participants to date by target group (horizontal bars; "<5" markers for small cells).

    Reads from ``fct_indicator_values`` rows with indicator_code ``unique_participants``,
    period_type ``project_to_date``, disaggregation ``target_group``: project_id,
    disaggregation_value, value, is_small_cell, period_end.
    """
    return _participants_by(
        indicators, project_id, disaggregation="target_group", label_kind="target_group",
        title="Participants by target group", order=list(theme.TARGET_GROUP_LABELS),
    )


def participants_by_country(indicators: pl.DataFrame, project_id: str) -> go.Figure:
    """Unique participants to date by country of the participant (largest first).

    Reads the same columns as :func:`participants_by_target_group`, disaggregation ``country``.
    """
    return _participants_by(
        indicators, project_id, disaggregation="country", label_kind="country",
        title="Participants by country",
    )
