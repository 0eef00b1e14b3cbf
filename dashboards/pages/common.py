"""Helpers the pages share: the project a page shows, source notes, project descriptions."""

from __future__ import annotations

import dataclasses

from dashboards import figures, theme
from dashboards.data import Dataset, Filters

CONSENTED = {"en": "research-consented participants only", "ru": "только участники, давшие согласие"}


def with_project(dataset: Dataset, filters: Filters) -> tuple[dict | None, Filters]:
    """The filter's project; None (and a filter without a project) for the whole programme,
    also when the chosen project is not in this release."""
    project = dataset.project(filters.project_id)
    if project is None and filters.project_id is not None:
        filters = dataclasses.replace(filters, project_id=None)
    return project, filters


def programme_heading(dataset: Dataset, lang: str) -> str:
    """``<programme> (12 projects)``, or "All projects" when the projects name no programme."""
    projects = dataset.projects()
    names = projects["programme"].drop_nulls().unique().to_list() if "programme" in projects.columns else []
    name = names[0] if len(names) == 1 else theme.text("all_projects", lang)
    return f"{name} ({theme.text('n_projects', lang, n=figures.format_count(projects.height, lang=lang))})"


def programme_meta(dataset: Dataset, lang: str) -> str:
    projects = dataset.projects()
    if projects.is_empty() or "start_date" not in projects.columns:
        return ""
    funders = projects["funder"].drop_nulls().unique().to_list() if "funder" in projects.columns else []
    start, end = projects["start_date"].min(), projects["end_date"].max()
    parts = [theme.text("funded_by", lang, funder=funders[0]) if len(funders) == 1 else None,
             f"{start.isoformat()} – {end.isoformat()}" if start and end else None]
    return " · ".join(p for p in parts if p)


def section_for(dataset: Dataset, project: dict | None, lang: str):
    """An empty :class:`Section` headed by the project, or by the programme."""
    from dashboards.pages import Section

    if project is None:
        return Section(heading=programme_heading(dataset, lang), meta=programme_meta(dataset, lang))
    return Section(heading=heading(project, lang), meta=project_meta(project, lang))


def source(lang: str, *marts: str, consented: bool = False) -> str:
    """``Source: fct_participations (research-consented participants only).``"""
    text = f"{theme.text('source_prefix', lang)}: {', '.join(marts)}"
    if consented:
        text += f" ({CONSENTED.get(lang, CONSENTED['en'])})"
    return text + "."


def project_meta(project: dict | None, lang: str) -> str:
    if not project:
        return ""
    start, end = figures._as_date(project.get("start_date")), figures._as_date(project.get("end_date"))
    parts = [
        project.get("programme"),
        theme.text("funded_by", lang, funder=project["funder"]) if project.get("funder") else None,
        theme.text("run_by", lang, org=project["lead_organisation"]) if project.get("lead_organisation") else None,
        f"{start.isoformat()} – {end.isoformat()}" if start and end else None,
    ]
    return " · ".join(str(p) for p in parts if p)


def heading(project: dict | None, lang: str) -> str:
    if not project:
        return theme.text("all_projects", lang)
    return f"{project.get('project_name') or project['project_id']} ({project['project_id']})"


def missing(mart: str, lang: str) -> str:
    return theme.text("mart_missing", lang, mart=mart)
