"""The dashboard pages. Each module builds one page's content for one selection of filters:

    SLUG               the page's name in URLs and snapshot file names (``<slug>.html``)
    TITLE              key of its title in ``theme.TEXT``
    FILTERS            the filters that apply to one project's page (a subset of ``FILTER_NAMES``)
    PROGRAMME_FILTERS  the filters that apply to the programme's page (no project chosen)
    build(dataset, filters, lang) -> Section   (``filters.project_id`` None: the whole programme)

Every page has two views: the whole programme (aggregates over every project, queried in
DuckDB) and one project (as a project manager sees it). The app (``dashboards.app``) renders a
:class:`Section` as Dash components, the snapshots (``dashboards.snapshots``) as static HTML;
both draw the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType

import plotly.graph_objects as go

FILTER_NAMES = ("project", "period", "country", "target_group")


@dataclass
class Card:
    """A headline number: label, value (already formatted), a detail line and a status class."""

    label: str
    value: str
    detail: str = ""
    status: str = ""


@dataclass
class Chart:
    """One figure with the note that says where its numbers come from."""

    chart_id: str
    figure: go.Figure
    source: str
    wide: bool = False


@dataclass
class Column:
    """A column of a :class:`Table`: its key in the rows, its header, and whether it sorts as a number."""

    key: str
    header: str
    numeric: bool = False


@dataclass
class Table:
    """A list too long for a chart (the projects of a programme). Each row maps a column key to
    ``(text shown, value to sort by)``; ``_project`` (a project id) makes the row link to that
    project's pages and ``_status`` colours it."""

    table_id: str
    title: str
    columns: list[Column]
    rows: list[dict]
    source: str
    note: str = ""


@dataclass
class Section:
    """What a page shows for one selection: a heading, cards, charts, tables and notes."""

    heading: str
    meta: str = ""
    cards: list[Card] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def all_pages() -> list[ModuleType]:
    """The pages in navigation order."""
    from dashboards.pages import events, flows, overview, quality, regions, survey

    return [overview, events, flows, regions, survey, quality]


def filters_for(module: ModuleType, project_id: str | None) -> tuple[str, ...]:
    """The filters that apply to a page for a project, or (None) for the whole programme."""
    return module.FILTERS if project_id is not None else module.PROGRAMME_FILTERS


def page(slug: str) -> ModuleType:
    for module in all_pages():
        if module.SLUG == slug:
            return module
    raise KeyError(slug)
