"""The interactive dashboards: a Dash app over the published marts (``cci dashboards``).

One page per module of :mod:`dashboards.pages`, a filter bar (project, period, participant
country, target group) whose choices apply to every chart of the page, and an English/Russian
switch. The app reads ``<data>/marts/current`` only, and reloads it when a build publishes a
new release; it never opens the live build database.
"""

from __future__ import annotations

import threading
from pathlib import Path

import dash
import polars as pl
from dash import Input, Output, State, dcc, html

from dashboards import figures, theme
from dashboards.data import PTD_VALUE, Dataset, Filters, load_dataset, period_options
from dashboards.pages import FILTER_NAMES, Section, all_pages, page

STATIC = Path(__file__).parent / "static"

__all__ = ["create_app", "PublishedData", "render_section"]


class PublishedData:
    """The current release of a data directory, read again when ``marts/current`` moves."""

    def __init__(self, data_dir: Path | None = None, *, dataset: Dataset | None = None):
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._dataset = dataset
        self._release: Path | None = None
        self._lock = threading.Lock()

    def get(self) -> Dataset:
        if self.data_dir is None:
            if self._dataset is None:
                raise FileNotFoundError("no data directory and no dataset given")
            return self._dataset
        release = (self.data_dir / "marts" / "current").resolve()
        with self._lock:
            if self._dataset is None or release != self._release:
                self._dataset = load_dataset(self.data_dir)
                self._release = release
            return self._dataset


def _slug(pathname: str | None) -> str:
    name = (pathname or "/").strip("/").split("/")[0] or "overview"
    return name if name in {p.SLUG for p in all_pages()} else "overview"


def _graph(chart, index: int, dataset: Dataset, lang: str):
    fig = chart.figure
    if figures.is_empty(fig):
        return html.Div(className="chart wide", children=[html.Div(figures.empty_message(fig), className="no-data")])
    if dataset.is_synthetic:
        figures.mark_synthetic(fig, lang=lang)
    height = fig.layout.height or 450
    return html.Div(className="chart wide" if chart.wide else "chart", children=[
        dcc.Graph(id=f"chart-{index}-{chart.chart_id}", figure=fig, config=theme.PLOTLY_CONFIG,
                  responsive=True, style={"height": f"{height}px"}),
        html.P(chart.source, className="source"),
    ])


def render_section(section: Section, dataset: Dataset, lang: str, *, index: int = 0):
    """A page section as Dash components (the snapshots render the same section as HTML)."""
    children = [html.H2(section.heading)]
    if section.meta:
        children.append(html.P(section.meta, className="meta"))
    if section.cards:
        children.append(html.Div(className="cards", children=[
            html.Div(className=f"card status-{c.status}", children=[
                html.Div(c.label, className="label"), html.Div(c.value, className="value"),
                html.Div(c.detail, className="detail"),
            ]) for c in section.cards
        ]))
    if section.notes:
        children.append(html.Div(className="notes", children=[html.P(n) for n in section.notes]))
    if section.charts:
        children.append(html.Div(className="charts", children=[
            _graph(chart, index, dataset, lang) for chart in section.charts
        ]))
    elif not section.cards:
        children.append(html.Div(theme.text("no_data_yet", lang), className="no-data"))
    return html.Section(className="project", children=children)


def _banner(dataset: Dataset, lang: str):
    if not dataset.is_synthetic:
        return None
    return html.Div(role="alert", className="synthetic-banner", children=[
        theme.text("synthetic_banner", lang), html.Small(theme.text("synthetic_note", lang))])


def _footer(dataset: Dataset, lang: str) -> str:
    built = dataset.built_at.strftime("%Y-%m-%d %H:%M UTC") if dataset.built_at else "–"
    return " ".join([theme.text("build_note", lang, build_id=dataset.build_id, built_at=built),
                     theme.text("suppressed_note", lang), theme.text("privacy_note", lang)])


def _project_options(dataset: Dataset) -> list[dict]:
    return [{"label": f"{r['project_id']} – {r.get('project_name') or ''}", "value": r["project_id"]}
            for r in dataset.projects().to_dicts()]


def _country_options(dataset: Dataset, project_id: str | None, lang: str) -> list[dict]:
    return [{"label": theme.label("country", c, lang=lang), "value": c} for c in _participant_countries(dataset, project_id)]


def _group_options(lang: str) -> list[dict]:
    return [{"label": theme.label("target_group", g, lang=lang), "value": g} for g in theme.TARGET_GROUP_LABELS]


def _filter(name: str, component):
    return html.Div(className="filter", children=[html.Label(id=f"label-{name}", htmlFor=f"filter-{name}"), component])


def create_app(data_dir: Path | None = None, *, dataset: Dataset | None = None) -> dash.Dash:
    """The Dash app over ``data_dir``'s published marts (or a fixed ``dataset``, for tests)."""
    store = PublishedData(data_dir, dataset=dataset)
    app = dash.Dash(
        __name__, assets_folder=str(STATIC), title=theme.text("app_title"), update_title=None,
        suppress_callback_exceptions=True, serve_locally=True,
    )

    def layout():
        current = store.get()
        projects = current.projects()
        first = projects["project_id"][0] if projects.height else None
        return html.Div([
            dcc.Location(id="url"),
            html.Div(id="banner", children=_banner(current, "en")),
            html.Header(className="page-header", children=[
                html.Div([html.H1(id="page-title"), html.P(id="page-intro", className="subtitle")]),
                dcc.RadioItems(id="lang", className="lang-switch", value="en", inline=True,
                               options=[{"label": "English", "value": "en"}, {"label": "Русский", "value": "ru"}]),
            ]),
            html.Nav(id="nav", className="page-nav"),
            html.Div(className="filters", children=[
                _filter("project", dcc.Dropdown(id="filter-project", value=first, clearable=False,
                                                options=_project_options(current))),
                _filter("period", dcc.Dropdown(id="filter-period", value=PTD_VALUE, clearable=False,
                                               options=period_options(current, first, "en"))),
                _filter("country", dcc.Dropdown(id="filter-country", multi=True, value=[],
                                                options=_country_options(current, first, "en"))),
                _filter("target_group", dcc.Dropdown(id="filter-target_group", multi=True, value=[],
                                                     options=_group_options("en"))),
            ]),
            html.P(id="filters-note", className="filters-note"),
            html.Main(id="page", className="page-main"),
            html.Footer(id="footer", className="page-footer"),
        ])

    app.layout = layout

    @app.callback(
        Output("filter-project", "options"), Output("filter-period", "options"), Output("filter-period", "value"),
        Output("filter-country", "options"), Output("filter-target_group", "options"),
        *[Output(f"filter-{name}", "disabled") for name in FILTER_NAMES],
        *[Output(f"label-{name}", "children") for name in FILTER_NAMES],
        Output("nav", "children"), Output("page-title", "children"), Output("page-intro", "children"),
        Output("filters-note", "children"), Output("banner", "children"), Output("footer", "children"),
        Input("url", "pathname"), Input("lang", "value"), Input("filter-project", "value"),
        State("filter-period", "value"),
    )
    def update_chrome(pathname, lang, project_id, period):
        current = store.get()
        lang = lang or "en"
        module = page(_slug(pathname))
        periods = period_options(current, project_id, lang)
        if period not in {o["value"] for o in periods}:
            period = PTD_VALUE
        disabled = [name not in module.FILTERS for name in FILTER_NAMES]
        labels = [theme.text(f"filter_{name}", lang) for name in FILTER_NAMES]
        nav = [dcc.Link(theme.text(p.TITLE, lang), href=f"/{p.SLUG}", className="active" if p is module else "")
               for p in all_pages()]
        used = ", ".join(theme.text(f"filter_{name}", lang).lower() for name in module.FILTERS)
        return (_project_options(current), periods, period, _country_options(current, project_id, lang),
                _group_options(lang), *disabled, *labels, nav,
                theme.text(module.TITLE, lang), theme.text(f"intro_{module.SLUG}", lang),
                theme.text("filters_used", lang, filters=used), _banner(current, lang), _footer(current, lang))

    @app.callback(
        Output("page", "children"),
        Input("url", "pathname"), Input("filter-project", "value"), Input("filter-period", "value"),
        Input("filter-country", "value"), Input("filter-target_group", "value"), Input("lang", "value"),
    )
    def render_page(pathname, project_id, period, countries, groups, lang):
        current = store.get()
        module = page(_slug(pathname))
        applies = set(module.FILTERS)
        filters = Filters(
            project_id=project_id if "project" in applies else None,
            period=(period or PTD_VALUE) if "period" in applies else PTD_VALUE,
            countries=tuple(countries or ()) if "country" in applies else (),
            target_groups=tuple(groups or ()) if "target_group" in applies else (),
        )
        section = module.build(current, filters, lang or "en")
        return render_section(section, current, lang or "en")

    return app


def _participant_countries(dataset: Dataset, project_id: str | None) -> list[str]:
    """Participant countries of the project (from the person-level mart), sorted by code."""
    participations = dataset.mart("fct_participations")
    if participations is None or participations.is_empty():
        return []
    rows = participations if project_id is None else participations.filter(pl.col("project_id") == project_id)
    return sorted(c for c in rows["country_code"].unique().to_list() if c)
