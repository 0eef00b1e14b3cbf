"""Offline HTML snapshots of every dashboard page, written by every build.

One standalone file per page (``<page>.html``) and an ``index.html``, in English in the output
folder and in Russian under ``ru/``. plotly.js is embedded once in each page (no network); every
figure is a ``<div>`` that uses it. A page that covers projects has one section per project,
without other filters (the interactive app, ``cci dashboards``, has the filters). Files are
written to a temporary name beside their target and moved into place with ``os.replace``.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from pathlib import Path

import plotly.offline

from dashboards import figures, theme
from dashboards.data import Dataset, Filters
from dashboards.pages import Section, all_pages

STYLESHEET = Path(__file__).parent / "static" / "dashboard.css"
LANGUAGE_FOLDERS = {"en": "", "ru": "ru"}

__all__ = ["render_page", "render_index", "write_snapshots", "page_sections"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "x"


def page_sections(page, dataset: Dataset, lang: str) -> list[Section]:
    """The sections of a page's snapshot: one per project, or one for the whole programme."""
    if not page.PER_PROJECT:
        return [page.build(dataset, Filters(), lang)]
    projects = dataset.projects()
    if projects.is_empty():
        return [page.build(dataset, Filters(), lang)]
    return [page.build(dataset, Filters(project_id=pid), lang) for pid in projects["project_id"].to_list()]


def _banner(dataset: Dataset, lang: str) -> str:
    if not dataset.is_synthetic:
        return ""
    return (f'<div class="synthetic-banner" role="alert">{_e(theme.text("synthetic_banner", lang))}'
            f'<small>{_e(theme.text("synthetic_note", lang))}</small></div>')


def _build_note(dataset: Dataset, lang: str) -> str:
    built = dataset.built_at.strftime("%Y-%m-%d %H:%M UTC") if dataset.built_at else "–"
    return theme.text("build_note", lang, build_id=dataset.build_id, built_at=built)


def _nav(current: str | None, lang: str) -> str:
    active = ' class="active"'
    links = [f'<a href="index.html"{active if current is None else ""}>☰</a>']
    for page in all_pages():
        css = active if page.SLUG == current else ""
        links.append(f'<a href="{page.SLUG}.html"{css}>{_e(theme.text(page.TITLE, lang))}</a>')
    other = "ru" if lang == "en" else "en"
    prefix = "ru/" if other == "ru" else "../"
    target = f"{current}.html" if current else "index.html"
    links.append(f'<a href="{prefix}{target}" lang="{other}">{"Русский" if other == "ru" else "English"}</a>')
    return f'<nav class="page-nav">{"".join(links)}</nav>'


def _section_html(section: Section, slug: str, index: int, dataset: Dataset, lang: str) -> str:
    cards = "".join(
        f'<div class="card status-{_e(c.status)}"><div class="label">{_e(c.label)}</div>'
        f'<div class="value">{_e(c.value)}</div><div class="detail">{_e(c.detail)}</div></div>'
        for c in section.cards
    )
    notes = "".join(f"<p>{_e(n)}</p>" for n in section.notes)
    charts = []
    for chart in section.charts:
        fig = chart.figure
        if figures.is_empty(fig):
            charts.append(f'<div class="chart wide"><div class="no-data">{_e(figures.empty_message(fig))}</div></div>')
            continue
        if dataset.is_synthetic:
            figures.mark_synthetic(fig, lang=lang)
        div = fig.to_html(full_html=False, include_plotlyjs=False, include_mathjax=False,
                          div_id=f"{slug}-{index}-{chart.chart_id}", config=theme.PLOTLY_CONFIG,
                          default_width="100%")
        css = "chart wide" if chart.wide else "chart"
        charts.append(f'<div class="{css}">{div}<p class="source">{_e(chart.source)}</p></div>')
    if not section.charts and not section.cards:
        notes += f'<div class="no-data">{_e(theme.text("no_data_yet", lang))}</div>'
    return (
        f'<section class="project" id="{_slug(section.heading)}">'
        f"<h2>{_e(section.heading)}</h2>"
        + (f'<p class="meta">{_e(section.meta)}</p>' if section.meta else "")
        + (f'<div class="cards">{cards}</div>' if cards else "")
        + (f'<div class="notes">{notes}</div>' if notes else "")
        + (f'<div class="charts">{"".join(charts)}</div>' if charts else "")
        + "</section>"
    )


def _document(title: str, body: str, lang: str, *, with_plotly: bool) -> str:
    script = f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n' if with_plotly else ""
    resize = (
        # Plots drawn before the grid settles keep their first width: fit them once laid out.
        "<script>window.addEventListener('load', function () {"
        " document.querySelectorAll('.js-plotly-plot').forEach(function (el) { Plotly.Plots.resize(el); });"
        " });</script>\n" if with_plotly else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>\n"
        f"{script}</head>\n<body>\n{body}\n{resize}</body>\n</html>\n"
    )


def render_page(page, dataset: Dataset, lang: str = "en") -> str:
    """One page's snapshot as a standalone HTML string."""
    title = theme.text(page.TITLE, lang)
    sections = page_sections(page, dataset, lang)
    body = "".join(_section_html(s, page.SLUG, i, dataset, lang) for i, s in enumerate(sections))
    footer = " ".join([_build_note(dataset, lang), theme.text("suppressed_note", lang), theme.text("privacy_note", lang)])
    page_title = f"{title} – {theme.text('app_title', lang)}"
    if dataset.is_synthetic:
        page_title = f"{theme.text('synthetic_banner', lang)} – {page_title}"
    return _document(page_title, (
        f"{_banner(dataset, lang)}"
        f'<header class="page-header"><div><h1>{_e(title)}</h1>'
        f'<p class="subtitle">{_e(theme.text("app_title", lang))} · {_e(theme.text("intro_" + page.SLUG, lang))}</p></div></header>'
        f"{_nav(page.SLUG, lang)}"
        f'<main class="page-main">{body}</main>'
        f'<footer class="page-footer"><p>{_e(footer)}</p><p>{_e(theme.text("snapshot_note", lang))}</p></footer>'
    ), lang, with_plotly=True)


def render_index(dataset: Dataset, lang: str = "en") -> str:
    """The list of page snapshots with the build they come from."""
    items = "".join(
        f'<li><a href="{p.SLUG}.html">{_e(theme.text(p.TITLE, lang))}</a> – {_e(theme.text("intro_" + p.SLUG, lang))}</li>'
        for p in all_pages()
    )
    title = theme.text("snapshot_index_title", lang)
    return _document(title, (
        f"{_banner(dataset, lang)}"
        f'<header class="page-header"><div><h1>{_e(title)}</h1>'
        f'<p class="subtitle">{_e(theme.text("app_title", lang))}</p></div></header>'
        f"{_nav(None, lang)}"
        f'<main class="page-main"><section class="project"><ul class="index-list">{items}</ul>'
        f'<p class="meta">{_e(theme.text("snapshot_note", lang))}</p></section></main>'
        f'<footer class="page-footer"><p>{_e(_build_note(dataset, lang))}</p></footer>'
    ), lang, with_plotly=False)


def _write_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_snapshots(dataset: Dataset, output: Path, *, languages: tuple[str, ...] = ("en", "ru")) -> list[Path]:
    """Write every page and an index for each language; return the paths written."""
    written = []
    for lang in languages:
        folder = Path(output) / LANGUAGE_FOLDERS[lang]
        for page in all_pages():
            path = folder / f"{page.SLUG}.html"
            _write_atomic(path, render_page(page, dataset, lang))
            written.append(path)
        index = folder / "index.html"
        _write_atomic(index, render_index(dataset, lang))
        written.append(index)
    return written
