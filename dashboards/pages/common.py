"""Helpers the pages share: the project a page shows, source notes, project descriptions."""

from __future__ import annotations

import dataclasses

from dashboards import figures, theme
from dashboards.data import Dataset, Filters

CONSENTED = {"en": "research-consented participants only", "ru": "только участники, давшие согласие"}


def with_project(dataset: Dataset, filters: Filters) -> tuple[dict | None, Filters]:
    """The filter's project, or the first project when none (or an unknown one) is chosen."""
    project = dataset.project(filters.project_id)
    if project is None:
        projects = dataset.projects()
        if projects.is_empty():
            return None, filters
        project = projects.row(0, named=True)
        filters = dataclasses.replace(filters, project_id=project["project_id"])
    return project, filters


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
