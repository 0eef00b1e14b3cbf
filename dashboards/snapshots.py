"""Offline HTML snapshots of the dashboards, written by every build.

Layout (English in the output folder, Russian under ``ru/``)::

    index.html                       what the snapshot holds: the programme pages and the projects
    <page>.html                      the six pages for the whole programme (the overview ranks every project)
    projects/<project>/<page>.html   the six pages of one project, for a bounded set of projects
    plotly.min.js                    plotly.js, once, shared by every page (in the output folder only)

Which projects get their own pages: those asked for (``projects``), then the ones the programme
overview lists first (needing attention first), up to ``max_projects`` in all; a programme
of up to ``max_projects`` projects has every project. The others are in the programme
overview's table and in the interactive app (``cci dashboards``). This keeps the time and size
of a snapshot bounded whatever the number of projects.

Every page loads plotly.js from the shared ``plotly.min.js`` beside it (a relative path, no
network), so the folder is self-contained: copy or zip it whole. With ``plotly="embedded"``
each page carries plotly.js itself (about 4.6 MB a page) and opens as a single file, e.g. an
e-mail attachment. Files are written to a temporary name beside their target and moved into
place with ``os.replace``; project folders of an earlier snapshot that this one has no longer
are removed.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import plotly.offline

from dashboards import figures, queries, theme
from dashboards.data import Dataset, Filters
from dashboards.pages import Section, Table, all_pages

STYLESHEET = Path(__file__).parent / "static" / "dashboard.css"
LANGUAGE_FOLDERS = {"en": "", "ru": "ru"}
PLOTLY_FILE = "plotly.min.js"
PROJECTS_FOLDER = "projects"
#: Projects with their own pages in a snapshot, at most (unless more are asked for by name).
MAX_PROJECT_PAGES = 20
#: Projects whose rows are read together (one scan of each large mart per batch).
PREFETCH_BATCH = 10

__all__ = ["render_page", "render_index", "write_snapshots", "snapshot_projects", "project_folder"]

_TABLE_SCRIPT = """<script>
document.querySelectorAll('input.table-filter').forEach(function (box) {
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    document.getElementById(box.dataset.table).querySelectorAll('tbody tr').forEach(function (tr) {
      tr.style.display = tr.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
});
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], idx = Array.prototype.indexOf.call(th.parentNode.children, th);
    var num = th.dataset.type === 'num', dir = th.dataset.dir === 'asc' ? -1 : 1;
    th.dataset.dir = dir === 1 ? 'asc' : 'desc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[idx].dataset.v, y = b.cells[idx].dataset.v;
      if (num) { x = x === '' ? -Infinity : parseFloat(x); y = y === '' ? -Infinity : parseFloat(y); return x === y ? 0 : (x < y ? -dir : dir); }
      return x.localeCompare(y) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
</script>
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "x"


def project_folder(project_id: str) -> str:
    """The folder name of a project's pages (its id, with anything but letters, digits, ``.``,
    ``_`` and ``-`` replaced)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", project_id).lstrip(".")
    return name or "_"


def snapshot_projects(dataset: Dataset, projects: Sequence[str] = (), max_projects: int = MAX_PROJECT_PAGES) -> list[str]:
    """The projects that get their own pages: those asked for (that exist), then the first of
    the programme overview's ranking (needing attention first), up to ``max_projects``."""
    from dashboards.pages import overview

    known = set(dataset.projects()["project_id"].to_list())
    chosen = [p for p in dict.fromkeys(projects) if p in known]
    if len(known) and len(chosen) < max_projects:
        for pid in overview.programme_projects(dataset, Filters())["project_id"].to_list():
            if len(chosen) >= max_projects:
                break
            if pid not in chosen:
                chosen.append(pid)
    return chosen


class _Place:
    """Where a page sits in the snapshot, for its relative links."""

    def __init__(self, lang: str, project_id: str | None, slug: str | None, linked: set[str] | None = None):
        self.lang, self.project_id, self.slug = lang, project_id, slug
        self.linked = linked or set()
        self.depth = (1 if LANGUAGE_FOLDERS[lang] else 0) + (2 if project_id else 0)

    @property
    def up(self) -> str:
        """From this page to the output folder."""
        return "../" * self.depth

    @property
    def home(self) -> str:
        """From this page to its language folder."""
        return "../../" if self.project_id else ""

    def project_href(self, project_id: str, slug: str = "overview") -> str | None:
        if project_id not in self.linked:
            return None
        return f"{self.home}{PROJECTS_FOLDER}/{project_folder(project_id)}/{slug}.html"

    def other_language(self) -> str:
        other = "ru" if self.lang == "en" else "en"
        inner = (f"{PROJECTS_FOLDER}/{project_folder(self.project_id)}/" if self.project_id else "") + (
            f"{self.slug}.html" if self.slug else "index.html")
        prefix = self.up + (f"{LANGUAGE_FOLDERS[other]}/" if LANGUAGE_FOLDERS[other] else "")
        return prefix + inner


def _banner(dataset: Dataset, lang: str) -> str:
    if not dataset.is_synthetic:
        return ""
    return (f'<div class="synthetic-banner" role="alert">{_e(theme.text("synthetic_banner", lang))}'
            f'<small>{_e(theme.text("synthetic_note", lang))}</small></div>')


def _build_note(dataset: Dataset, lang: str) -> str:
    built = dataset.built_at.strftime("%Y-%m-%d %H:%M UTC") if dataset.built_at else "–"
    return theme.text("build_note", lang, build_id=dataset.build_id, built_at=built)


def _nav(place: _Place) -> str:
    active = ' class="active"'
    lang = place.lang
    links = [f'<a href="{place.home}index.html"{active if place.slug is None else ""}>☰</a>']
    if place.project_id:
        links.append(f'<a href="{place.home}overview.html">← {_e(theme.text("programme_nav", lang))}</a>')
    for page in all_pages():
        css = active if page.SLUG == place.slug else ""
        links.append(f'<a href="{page.SLUG}.html"{css}>{_e(theme.text(page.TITLE, lang))}</a>')
    other = "ru" if lang == "en" else "en"
    links.append(f'<a href="{place.other_language()}" lang="{other}">{"Русский" if other == "ru" else "English"}</a>')
    return f'<nav class="page-nav">{"".join(links)}</nav>'


def _table_html(table: Table, place: _Place) -> str:
    table_id = f"table-{_slug(table.table_id)}"
    head = "".join(f'<th data-type="{"num" if c.numeric else "text"}" scope="col">{_e(c.header)}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            shown, value = row.get(column.key, ("", None))
            sort = "" if value is None else str(value)
            text = _e(shown)
            if column.key == "project" and row.get("_project"):
                href = place.project_href(row["_project"])
                if href:
                    text = f'<a href="{_e(href)}">{text}</a>'
            cells.append(f'<td data-v="{_e(sort)}">{text}</td>')
        status = f' class="status-{_e(row["_status"])}"' if row.get("_status") else ""
        body.append(f"<tr{status}>{''.join(cells)}</tr>")
    return (
        f'<div class="table-block"><h3>{_e(table.title)}</h3>'
        f'<input type="search" class="table-filter" data-table="{table_id}" '
        f'placeholder="{_e(theme.text("table_filter", place.lang))}" aria-label="{_e(theme.text("table_filter", place.lang))}">'
        f'<div class="table-scroll"><table class="data-table sortable" id="{table_id}"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></div>'
        f'<p class="source">{_e(table.source)}</p>' + (f'<p class="meta">{_e(table.note)}</p>' if table.note else "")
        + "</div>"
    )


def _section_html(section: Section, slug: str, index: int, dataset: Dataset, place: _Place) -> str:
    lang = place.lang
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
    tables = "".join(_table_html(t, place) for t in section.tables)
    if not section.charts and not section.cards and not section.tables:
        notes += f'<div class="no-data">{_e(theme.text("no_data_yet", lang))}</div>'
    return (
        f'<section class="project" id="{_slug(section.heading)}">'
        f"<h2>{_e(section.heading)}</h2>"
        + (f'<p class="meta">{_e(section.meta)}</p>' if section.meta else "")
        + (f'<div class="cards">{cards}</div>' if cards else "")
        + (f'<div class="notes">{notes}</div>' if notes else "")
        + (f'<div class="charts">{"".join(charts)}</div>' if charts else "")
        + tables
        + "</section>"
    )


def _document(title: str, body: str, lang: str, *, plotly_js: str | None, tables: bool = False) -> str:
    """A standalone page. ``plotly_js``: None (no charts), ``"embedded"`` or the relative path of
    the shared ``plotly.min.js``."""
    if plotly_js is None:
        script = ""
    elif plotly_js == "embedded":
        script = f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>\n'
    else:
        script = f'<script type="text/javascript" src="{_e(plotly_js)}"></script>\n'
    resize = (
        # Plots drawn before the grid settles keep their first width: fit them once laid out.
        "<script>window.addEventListener('load', function () {"
        " document.querySelectorAll('.js-plotly-plot').forEach(function (el) { Plotly.Plots.resize(el); });"
        " });</script>\n" if plotly_js is not None else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n"
        f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>\n"
        f"{script}</head>\n<body>\n{body}\n{resize}{_TABLE_SCRIPT if tables else ''}</body>\n</html>\n"
    )


def _plotly_reference(place: _Place, plotly_mode: str) -> str:
    return "embedded" if plotly_mode == "embedded" else place.up + PLOTLY_FILE


def render_page(page, dataset: Dataset, lang: str = "en", *, project_id: str | None = None,
                linked: set[str] | None = None, plotly_js: str = "embedded") -> str:
    """One page's snapshot as a standalone HTML string: the programme's (``project_id`` None)
    or one project's. ``linked``: projects whose pages the snapshot holds (the programme table
    links to them). ``plotly_js``: ``"embedded"`` (plotly.js inside the page) or ``"shared"``
    (loaded from the snapshot's ``plotly.min.js``)."""
    place = _Place(lang, project_id, page.SLUG, linked)
    title = theme.text(page.TITLE, lang)
    section = page.build(dataset, Filters(project_id=project_id), lang)
    body = _section_html(section, page.SLUG, 0, dataset, place)
    footer = " ".join([_build_note(dataset, lang), theme.text("suppressed_note", lang), theme.text("privacy_note", lang)])
    page_title = f"{title} – {section.heading if project_id else theme.text('app_title', lang)}"
    if dataset.is_synthetic:
        page_title = f"{theme.text('synthetic_banner', lang)} – {page_title}"
    charted = any(not figures.is_empty(c.figure) for c in section.charts)
    return _document(page_title, (
        f"{_banner(dataset, lang)}"
        f'<header class="page-header"><div><h1>{_e(title)}</h1>'
        f'<p class="subtitle">{_e(theme.text("app_title", lang))} · {_e(theme.text("intro_" + page.SLUG, lang))}</p></div></header>'
        f"{_nav(place)}"
        f'<main class="page-main">{body}</main>'
        f'<footer class="page-footer"><p>{_e(footer)}</p><p>{_e(theme.text("snapshot_note", lang))}</p></footer>'
    ), lang, plotly_js=_plotly_reference(place, plotly_js) if charted else None, tables=bool(section.tables))


def render_index(dataset: Dataset, lang: str = "en", *, linked: Sequence[str] = ()) -> str:
    """What the snapshot holds: the programme's pages and the projects with pages of their own."""
    place = _Place(lang, None, None, set(linked))
    items = "".join(
        f'<li><a href="{p.SLUG}.html">{_e(theme.text(p.TITLE, lang))}</a> – {_e(theme.text("intro_" + p.SLUG, lang))}</li>'
        for p in all_pages()
    )
    projects = dataset.projects()
    names = dict(zip(projects["project_id"].to_list(), projects["project_name"].to_list())) if projects.height else {}
    project_items = "".join(
        f'<li><a href="{_e(place.project_href(pid))}">{_e(pid)} – {_e(names.get(pid) or "")}</a></li>' for pid in linked)
    more = len(names) - len(linked)
    title = theme.text("snapshot_index_title", lang)
    body = (f'<h2>{_e(theme.text("snapshot_programme", lang))}</h2><ul class="index-list">{items}</ul>'
            + (f'<h2>{_e(theme.text("snapshot_projects", lang))}</h2><ul class="index-list">{project_items}</ul>' if linked else "")
            + (f'<p class="meta">{_e(theme.text("snapshot_projects_more", lang, n=figures.format_count(more, lang=lang)))}</p>' if more > 0 else "")
            + f'<p class="meta">{_e(theme.text("snapshot_note", lang))}</p>')
    return _document(title, (
        f"{_banner(dataset, lang)}"
        f'<header class="page-header"><div><h1>{_e(title)}</h1>'
        f'<p class="subtitle">{_e(theme.text("app_title", lang))}</p></div></header>'
        f"{_nav(place)}"
        f'<main class="page-main"><section class="project">{body}</section></main>'
        f'<footer class="page-footer"><p>{_e(_build_note(dataset, lang))}</p></footer>'
    ), lang, plotly_js=None)


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


def _remove_stale_projects(folder: Path, keep: set[str]) -> None:
    """Project folders of an earlier snapshot that this one has not written (HTML pages only)."""
    root = folder / PROJECTS_FOLDER
    if not root.is_dir():
        return
    for child in root.iterdir():
        if child.is_dir() and child.name not in keep and all(p.suffix == ".html" for p in child.iterdir()):
            shutil.rmtree(child)


def write_snapshots(dataset: Dataset, output: Path, *, languages: tuple[str, ...] = ("en", "ru"),
                    projects: Sequence[str] = (), max_projects: int = MAX_PROJECT_PAGES,
                    plotly_js: str = "shared") -> list[Path]:
    """Write the programme's pages, the pages of the chosen projects (:func:`snapshot_projects`)
    and an index for each language, and the shared plotly.js; return the paths written."""
    if plotly_js not in ("shared", "embedded"):
        raise ValueError(f"plotly_js must be 'shared' or 'embedded', not {plotly_js!r}")
    output = Path(output)
    chosen = snapshot_projects(dataset, projects, max_projects)
    linked = set(chosen)
    written = []
    if plotly_js == "shared":
        target = output / PLOTLY_FILE
        bundle = plotly.offline.get_plotlyjs()
        if not target.exists() or target.read_text(encoding="utf-8") != bundle:
            _write_atomic(target, bundle)
        written.append(target)
    elif (output / PLOTLY_FILE).exists():
        (output / PLOTLY_FILE).unlink()
    for lang in languages:
        folder = output / LANGUAGE_FOLDERS[lang]
        for page in all_pages():
            path = folder / f"{page.SLUG}.html"
            _write_atomic(path, render_page(page, dataset, lang, linked=linked, plotly_js=plotly_js))
            written.append(path)
    for start in range(0, len(chosen), PREFETCH_BATCH):
        batch = chosen[start:start + PREFETCH_BATCH]
        queries.prefetch_projects(dataset, batch)  # one scan of each large mart for the batch
        for pid in batch:
            for lang in languages:
                for page in all_pages():
                    path = output / LANGUAGE_FOLDERS[lang] / PROJECTS_FOLDER / project_folder(pid) / f"{page.SLUG}.html"
                    _write_atomic(path, render_page(page, dataset, lang, project_id=pid, linked=linked, plotly_js=plotly_js))
                    written.append(path)
    for lang in languages:
        folder = output / LANGUAGE_FOLDERS[lang]
        _remove_stale_projects(folder, {project_folder(p) for p in chosen})
        index = folder / "index.html"
        _write_atomic(index, render_index(dataset, lang, linked=chosen))
        written.append(index)
    return written
