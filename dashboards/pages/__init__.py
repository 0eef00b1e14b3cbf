"""The dashboard pages. Each module builds one page's content for one selection of filters:

    SLUG             the page's name in URLs and snapshot file names (``<slug>.html``)
    TITLE            key of its title in ``theme.TEXT``
    FILTERS          the filters that apply to it (a subset of ``FILTER_NAMES``)
    PER_PROJECT      whether the snapshot has one section per project (else one for the programme)
    build(dataset, filters, lang) -> Section

The app (``dashboards.app``) renders a :class:`Section` as Dash components, the snapshots
(``dashboards.snapshots``) as static HTML; both draw the same figures.
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
class Section:
    """What a page shows for one selection: a heading, cards, charts and notes."""

    heading: str
    meta: str = ""
    cards: list[Card] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def all_pages() -> list[ModuleType]:
    """The pages in navigation order."""
    from dashboards.pages import events, flows, overview, quality, regions, survey

    return [overview, events, flows, regions, survey, quality]


def page(slug: str) -> ModuleType:
    for module in all_pages():
        if module.SLUG == slug:
            return module
    raise KeyError(slug)
