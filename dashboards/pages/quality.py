"""Data quality of the build: rows quarantined by reason and file, check results, the freshness
of each source and the source files the build was made from.

The project and period filters narrow the registration exports (to the project's events in the
period); statistics files and the programme registries serve every project and always show.
"""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "quality"
TITLE = "page_quality"
FILTERS = ("project", "period")
PER_PROJECT = False


def derived_checks(quality: pl.DataFrame, lang: str = "en") -> pl.DataFrame:
    """Checks that the data-quality mart answers by itself: per-file reconciliation of the
    registration exports, and whether every file of each source could be read."""
    files = quality.unique("source_file", keep="first")
    rows = []
    for source_name in ("registrations", "surveys"):
        of_source = files.filter(pl.col("source") == source_name)
        if of_source.height:
            bad = of_source.filter(~pl.col("is_reconciled").fill_null(False)).height
            rows.append({"check_name": theme.text("check_reconciled", lang, source=theme.label("source", source_name, lang=lang)),
                         "passed": bad == 0,
                         "detail": theme.text("check_reconciled_detail", lang, bad=bad, files=of_source.height)})
    for source_name in sorted(files["source"].unique().to_list()):
        of_source = files.filter(pl.col("source") == source_name)
        bad = of_source.filter(pl.col("file_status") == "failed").height
        rows.append({"check_name": theme.text("check_loaded", lang, source=theme.label("source", source_name, lang=lang).lower()),
                     "passed": bad == 0,
                     "detail": theme.text("check_loaded_detail", lang, bad=bad, files=of_source.height)})
    return pl.DataFrame(rows, schema={"check_name": pl.String, "passed": pl.Boolean, "detail": pl.String})


def narrowed(quality: pl.DataFrame, dataset: data.Dataset, filters: data.Filters) -> pl.DataFrame:
    """Registration exports of the chosen project's events in the period; other sources whole."""
    if filters.project_id is None:
        return quality
    project = dataset.project(filters.project_id)
    first, last = data.period_bounds(filters.period_type, filters.period_id, project)
    keep = pl.col("project_id") == filters.project_id
    if first is not None:
        keep &= pl.col("data_from") >= first
    if last is not None:
        keep &= pl.col("data_from") <= last
    return quality.filter((pl.col("source") != "registrations") | keep.fill_null(False))


def build(dataset: data.Dataset, filters: data.Filters, lang: str = "en") -> Section:
    project = dataset.project(filters.project_id)
    section = Section(heading=common.heading(project, lang), meta=common.project_meta(project, lang))
    quality = dataset.mart("fct_data_quality")
    charts: list[Chart] = []
    if quality is None:
        section.notes.append(common.missing("fct_data_quality", lang))
    else:
        quality = figures._with_date_column(figures._with_date_column(quality, "data_from"), "data_to")
        shown = narrowed(quality, dataset, filters)
        registrations = shown.filter(pl.col("source") == "registrations")
        quarantinable = shown.filter(pl.col("source").is_in(["registrations", "surveys"]))
        files = shown.unique("source_file", keep="first")
        read = int(files.filter(pl.col("source") == "registrations")["rows_read"].sum() or 0)
        quarantined = int(registrations["quarantined_rows"].sum() or 0)
        failed = files.filter(pl.col("file_status") == "failed").height
        section.cards = [
            Card(theme.text("card_quarantined", lang), figures.format_count(quarantined, lang=lang),
                 theme.text("card_quarantined_detail", lang, rows=figures.format_count(read, lang=lang))),
            Card(theme.text("card_files", lang), figures.format_count(files.height, lang=lang),
                 theme.text("card_files_detail", lang, failed=failed), status="behind" if failed else ""),
        ]
        dq_source = common.source(lang, "fct_data_quality")
        checks = derived_checks(shown, lang)
        check_sources = ["fct_data_quality"]
        validation = dataset.mart("fct_validation_results")
        if validation is not None:
            checks = pl.concat([checks, validation_checks(validation, filters, lang)], how="vertical_relaxed")
            check_sources.append("fct_validation_results")
        charts += [
            Chart("quarantine", figures.quarantine_by_reason_and_file(quarantinable, lang=lang), dq_source, wide=True),
            Chart("checks", figures.checks_table(checks, lang=lang),
                  common.source(lang, *check_sources) + " " + theme.text("checks_published_note", lang), wide=True),
            Chart("freshness", figures.freshness_table(shown, built_at=dataset.built_at, lang=lang), dq_source, wide=True),
            Chart("files", figures.files_table(shown, lang=lang), dq_source, wide=True),
        ]
    build_files = dataset.mart("build_source_files")
    if build_files is not None:
        charts.append(Chart("build-files", figures.build_source_files_table(build_files, lang=lang),
                            common.source(lang, "build_source_files"), wide=True))
    section.charts = charts
    return section


def validation_checks(validation: pl.DataFrame, filters: data.Filters, lang: str) -> pl.DataFrame:
    """The indicator validation rules of ``fct_validation_results`` (rule_code, rule_name,
    project_id, comparisons, violations, passed) as checks, for the chosen project or summed
    over every project."""
    rows = validation
    if filters.project_id is not None:
        rows = rows.filter(pl.col("project_id") == filters.project_id)
    rules = rows.group_by("rule_code", "rule_name").agg(
        pl.col("comparisons").sum(), pl.col("violations").sum(), pl.col("passed").all()).sort("rule_code")
    return pl.DataFrame(
        [{"check_name": theme.text("check_rule", lang, code=r["rule_code"], name=(r["rule_name"] or "").replace("_", " ")),
          "passed": bool(r["passed"]),
          "detail": theme.text("check_rule_detail", lang, violations=figures.format_count(r["violations"], lang=lang),
                               comparisons=figures.format_count(r["comparisons"], lang=lang))}
         for r in rules.to_dicts()],
        schema={"check_name": pl.String, "passed": pl.Boolean, "detail": pl.String},
    )
