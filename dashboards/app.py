"""The interactive dashboards: a Dash app over the published marts (``cci dashboards``).

One page per module of :mod:`dashboards.pages`, a filter bar (project, period, participant
country, target group) whose choices apply to every chart of the page, and an English/Russian
switch. The project filter starts on the whole programme (when there is more than one project):
the overview then ranks every project, and each row leads to that project's pages
(``/<page>?project=<id>``; ``&lang=ru`` for Russian). The app reads ``<data>/marts/current``
only, as DuckDB views over its files, and answers each selection with queries whose results
it caches; it reopens the release when a build publishes a new one and never opens the live
build database.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

import dash
from dash import Input, Output, State, dash_table, dcc, html
from dash.dash_table.Format import Format, Group

from dashboards import figures, queries, theme
from dashboards.data import PTD_VALUE, Dataset, Filters, load_dataset, period_options
from dashboards.pages import FILTER_NAMES, Section, Table, all_pages, filters_for, page

STATIC = Path(__file__).parent / "static"
#: The project filter's value for the whole programme.
PROGRAMME = "__programme__"

__all__ = ["create_app", "PublishedData", "render_section", "load_store_dataset", "PROGRAMME"]


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


def load_store_dataset(app: dash.Dash) -> Dataset:
    """The release an app built by :func:`create_app` serves (for benchmarks and tests)."""
    return app.server.config["cci_store"].get()


def _project_of(value: str | None) -> str | None:
    return None if value in (None, "", PROGRAMME) else value


def _query(project_id: str | None, lang: str | None = None) -> str:
    params = {}
    if project_id:
        params["project"] = project_id
    if lang and lang != "en":
        params["lang"] = lang
    return "?" + urlencode(params) if params else ""


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


def _markdown_text(value: str) -> str:
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>" else c for c in value)


def render_table(table: Table, lang: str):
    """A :class:`Table` as a Dash DataTable: sortable, filterable, paged; the project column
    links to the project's pages."""
    columns, data = [], []
    for column in table.columns:
        spec = {"id": column.key, "name": column.header}
        if column.key == "project":
            spec["presentation"] = "markdown"
        elif column.numeric:
            spec.update(type="numeric", format=Format(group=Group.yes, group_delimiter="\u00a0" if lang == "ru" else ",")
                        .nully("–"))
        columns.append(spec)
    for row in table.rows:
        record = {}
        for column in table.columns:
            shown, value = row.get(column.key, ("", None))
            if column.key == "project" and row.get("_project"):
                record[column.key] = f"[{_markdown_text(shown)}](/overview?project={quote(row['_project'])}{'&lang=' + lang if lang != 'en' else ''})"
            elif column.numeric:
                # a suppressed count stays "<5" (text); a missing value is empty ("–")
                record[column.key] = theme.SUPPRESSED_LABEL if shown == theme.SUPPRESSED_LABEL else value
            else:
                record[column.key] = shown
        record["status_code"] = row.get("_status", "")
        data.append(record)
    # the status coloured as on the cards: reached or on track green, behind or short vermillion
    colours = {"on_track": theme.OKABE_ITO["bluish_green"], "target_reached": theme.OKABE_ITO["bluish_green"],
               "behind": theme.OKABE_ITO["vermillion"], "target_not_reached": theme.OKABE_ITO["vermillion"]}
    styles = [{"if": {"filter_query": f'{{status_code}} = "{code}"', "column_id": "status"},
               "color": colour, "fontWeight": 600} for code, colour in colours.items()]
    return html.Div(className="table-block", children=[
        html.H3(table.title),
        dash_table.DataTable(
            id=f"table-{table.table_id}", columns=columns, data=data, page_size=25, sort_action="native",
            filter_action="native", markdown_options={"link_target": "_self"},
            style_table={"overflowX": "auto"},
            style_cell={"textAlign": "left", "fontFamily": theme.FONT_FAMILY, "fontSize": "14px", "padding": "4px 8px",
                        "whiteSpace": "normal", "height": "auto", "maxWidth": "360px"},
            style_header={"backgroundColor": "#E8EEF4", "fontWeight": 600},
            style_filter={"fontFamily": theme.FONT_FAMILY}, style_data_conditional=styles,
            css=[{"selector": ".dash-cell-value p", "rule": "margin: 0"}],
        ),
        html.P(table.source, className="source"),
        html.P(table.note, className="meta") if table.note else None,
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
    children += [render_table(table, lang) for table in section.tables]
    if not section.charts and not section.cards and not section.tables:
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


def _project_options(dataset: Dataset, lang: str = "en") -> list[dict]:
    projects = dataset.projects()
    options = [{"label": theme.text("programme_option", lang), "value": PROGRAMME}] if projects.height != 1 else []
    return options + [{"label": f"{r['project_id']} – {r.get('project_name') or ''}", "value": r["project_id"]}
                      for r in projects.select("project_id", "project_name").iter_rows(named=True)]


def _default_project(dataset: Dataset) -> str:
    """The whole programme, or the only project of a single-project build."""
    projects = dataset.projects()
    return projects["project_id"][0] if projects.height == 1 else PROGRAMME


def _country_options(dataset: Dataset, project_id: str | None, lang: str) -> list[dict]:
    return [{"label": theme.label("country", c, lang=lang), "value": c}
            for c in queries.participant_countries(dataset, project_id)]


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
    app.server.config["cci_store"] = store

    def layout():
        current = store.get()
        first = _default_project(current)
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
                                               options=period_options(current, _project_of(first), "en"))),
                _filter("country", dcc.Dropdown(id="filter-country", multi=True, value=[],
                                                options=_country_options(current, _project_of(first), "en"))),
                _filter("target_group", dcc.Dropdown(id="filter-target_group", multi=True, value=[],
                                                     options=_group_options("en"))),
            ]),
            html.P(id="filters-note", className="filters-note"),
            html.Main(id="page", className="page-main"),
            html.Footer(id="footer", className="page-footer"),
        ])

    app.layout = layout

    @app.callback(
        Output("filter-project", "value"), Output("lang", "value"),
        Input("url", "search"), State("filter-project", "value"), State("lang", "value"),
    )
    def from_url(search, project_id, lang):
        """``?project=<id>&lang=ru`` (the programme table's links, the navigation) chooses them."""
        params = parse_qs((search or "").lstrip("?"))
        chosen = params.get("project", [None])[0]
        wanted_lang = params.get("lang", [None])[0]
        current = store.get()
        if chosen is not None and chosen != PROGRAMME and current.project(chosen) is None:
            chosen = None
        return (chosen if chosen and chosen != project_id else dash.no_update,
                wanted_lang if wanted_lang in theme.LANGUAGES and wanted_lang != lang else dash.no_update)

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
    def update_chrome(pathname, lang, project_value, period):
        current = store.get()
        lang = lang or "en"
        module = page(_slug(pathname))
        project_id = _project_of(project_value)
        if project_id is not None and current.project(project_id) is None:
            project_id = None
        periods = period_options(current, project_id, lang)
        if period not in {o["value"] for o in periods}:
            period = PTD_VALUE
        applies = filters_for(module, project_id)
        disabled = [name not in applies for name in FILTER_NAMES]
        labels = [theme.text(f"filter_{name}", lang) for name in FILTER_NAMES]
        search = _query(project_id, lang)
        nav = [dcc.Link(theme.text(p.TITLE, lang), href=f"/{p.SLUG}{search}", className="active" if p is module else "")
               for p in all_pages()]
        used = ", ".join(theme.text(f"filter_{name}", lang).lower() for name in applies)
        return (_project_options(current, lang), periods, period, _country_options(current, project_id, lang),
                _group_options(lang), *disabled, *labels, nav,
                theme.text(module.TITLE, lang), theme.text(f"intro_{module.SLUG}", lang),
                theme.text("filters_used", lang, filters=used), _banner(current, lang), _footer(current, lang))

    @app.callback(
        Output("page", "children"),
        Input("url", "pathname"), Input("filter-project", "value"), Input("filter-period", "value"),
        Input("filter-country", "value"), Input("filter-target_group", "value"), Input("lang", "value"),
    )
    def render_page(pathname, project_value, period, countries, groups, lang):
        current = store.get()
        module = page(_slug(pathname))
        project_id = _project_of(project_value)
        applies = set(filters_for(module, project_id))
        filters = Filters(
            project_id=project_id if "project" in applies else None,
            period=(period or PTD_VALUE) if "period" in applies else PTD_VALUE,
            countries=tuple(countries or ()) if "country" in applies else (),
            target_groups=tuple(groups or ()) if "target_group" in applies else (),
        )
        section = module.build(current, filters, lang or "en")
        return render_section(section, current, lang or "en")

    return app
