"""Data quality of the build: rows quarantined by reason and file, check results, the freshness
of each source and the source files the build was made from.

The project and period filters narrow the registration exports (to the project's events in the
period); statistics files and the programme registries serve every project and always show.
For the whole programme of a large build, DuckDB counts over every file, and the lists show
the files that need looking at first (failed, unreconciled, most rows quarantined).
"""

from __future__ import annotations

import polars as pl

from dashboards import data, figures, queries, theme
from dashboards.pages import Card, Chart, Section, common

SLUG = "quality"
TITLE = "page_quality"
FILTERS = ("project", "period")
PROGRAMME_FILTERS = ("project",)
#: Files drawn in the quarantine chart of the programme (the most rows quarantined first).
TOP_FILES = 30


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
    project, filters = common.with_project(dataset, filters)
    section = common.section_for(dataset, project, lang)
    charts: list[Chart] = []
    if not dataset.has("fct_data_quality"):
        section.notes.append(common.missing("fct_data_quality", lang))
    elif project is None and quality_file_count(dataset) > queries.LIST_LIMIT:
        charts += _programme_quality(dataset, section, lang)
    else:
        quality = queries.quality_rows(dataset, project["project_id"]) if project else dataset.mart("fct_data_quality")
        quality = figures._with_date_column(figures._with_date_column(quality, "data_from"), "data_to")
        shown = narrowed(quality, dataset, filters)
        registrations = shown.filter(pl.col("source") == "registrations")
        quarantinable = shown.filter(pl.col("source").is_in(["registrations", "surveys"]))
        files = shown.unique("source_file", keep="first")
        read = int(files.filter(pl.col("source") == "registrations")["rows_read"].sum() or 0)
        quarantined = int(registrations["quarantined_rows"].sum() or 0)
        failed = files.filter(pl.col("file_status") == "failed").height
        section.cards = _cards(quarantined, read, files.height, failed, lang)
        dq_source = common.source(lang, "fct_data_quality")
        charts += [
            Chart("quarantine", figures.quarantine_by_reason_and_file(quarantinable, lang=lang), dq_source, wide=True),
            _checks_chart(dataset, derived_checks(shown, lang), project, lang),
            Chart("freshness", figures.freshness_table(shown, built_at=dataset.built_at, lang=lang), dq_source, wide=True),
            Chart("files", figures.files_table(shown, lang=lang), dq_source, wide=True),
        ]
    if project is None and dataset.has("build_source_files"):  # build-wide: on the programme's page
        build_files, total = queries.build_files(dataset, queries.LIST_LIMIT)
        charts.append(Chart("build-files", figures.build_source_files_table(build_files, total=total, lang=lang),
                            common.source(lang, "build_source_files"), wide=True))
    section.charts = charts
    return section


def quality_file_count(dataset: data.Dataset) -> int:
    return int(dataset.query("select count(distinct source_file) as n from fct_data_quality")["n"][0])


def _cards(quarantined: int, read: int, files: int, failed: int, lang: str) -> list[Card]:
    return [
        Card(theme.text("card_quarantined", lang), figures.format_count(quarantined, lang=lang),
             theme.text("card_quarantined_detail", lang, rows=figures.format_count(read, lang=lang))),
        Card(theme.text("card_files", lang), figures.format_count(files, lang=lang),
             theme.text("card_files_detail", lang, failed=failed), status="behind" if failed else ""),
    ]


def _checks_chart(dataset: data.Dataset, checks: pl.DataFrame, project: dict | None, lang: str) -> Chart:
    check_sources = ["fct_data_quality"]
    if dataset.has("fct_validation_results"):
        rules = queries.validation_rules(dataset, project["project_id"] if project else None)
        checks = pl.concat([checks, rule_checks(rules, lang)], how="vertical_relaxed")
        check_sources.append("fct_validation_results")
    return Chart("checks", figures.checks_table(checks, lang=lang),
                 common.source(lang, *check_sources) + " " + theme.text("checks_published_note", lang), wide=True)


def _programme_quality(dataset: data.Dataset, section: Section, lang: str) -> list[Chart]:
    """The data-quality page of a large build: counted by DuckDB over every file; the lists
    show the files to look at first."""
    summary = queries.quality_summary(dataset)
    section.cards = _cards(summary["quarantined"], summary["read"], summary["files"], summary["failed"], lang)
    by_source = queries.quality_checks_by_source(dataset)
    checks = checks_from_counts(by_source, lang)
    top, with_rows, clean = queries.quality_top_quarantine(dataset, TOP_FILES)
    files, total = queries.quality_files(dataset, queries.LIST_LIMIT)
    dq_source = common.source(lang, "fct_data_quality")
    return [
        Chart("quarantine", figures.quarantine_by_reason_and_file(top, clean_files=clean, files_with_rows=with_rows, lang=lang),
              dq_source, wide=True),
        _checks_chart(dataset, checks, None, lang),
        Chart("freshness", figures.freshness_table_by_source(queries.quality_freshness(dataset), built_at=dataset.built_at,
                                                             lang=lang), dq_source, wide=True),
        Chart("files", figures.files_table(files, total=total, lang=lang), dq_source, wide=True),
    ]


def checks_from_counts(by_source: pl.DataFrame, lang: str = "en") -> pl.DataFrame:
    """:func:`derived_checks` from files counted per source (source, files, unreconciled, failed)."""
    rows = []
    counts = {r["source"]: r for r in by_source.iter_rows(named=True)}
    for source_name in ("registrations", "surveys"):
        if source_name in counts:
            r = counts[source_name]
            rows.append({"check_name": theme.text("check_reconciled", lang, source=theme.label("source", source_name, lang=lang)),
                         "passed": r["unreconciled"] == 0,
                         "detail": theme.text("check_reconciled_detail", lang, bad=r["unreconciled"], files=r["files"])})
    for source_name in sorted(counts):
        r = counts[source_name]
        rows.append({"check_name": theme.text("check_loaded", lang, source=theme.label("source", source_name, lang=lang).lower()),
                     "passed": r["failed"] == 0,
                     "detail": theme.text("check_loaded_detail", lang, bad=r["failed"], files=r["files"])})
    return pl.DataFrame(rows, schema={"check_name": pl.String, "passed": pl.Boolean, "detail": pl.String})


def rule_checks(rules: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Indicator validation rules counted per rule (rule_code, rule_name, comparisons,
    violations, passed) as checks."""
    return pl.DataFrame(
        [{"check_name": theme.text("check_rule", lang, code=r["rule_code"], name=(r["rule_name"] or "").replace("_", " ")),
          "passed": bool(r["passed"]),
          "detail": theme.text("check_rule_detail", lang, violations=figures.format_count(r["violations"], lang=lang),
                               comparisons=figures.format_count(r["comparisons"], lang=lang))}
         for r in rules.to_dicts()],
        schema={"check_name": pl.String, "passed": pl.Boolean, "detail": pl.String},
    )


def validation_checks(validation: pl.DataFrame, filters: data.Filters, lang: str) -> pl.DataFrame:
    """The indicator validation rules of ``fct_validation_results`` (rule_code, rule_name,
    project_id, comparisons, violations, passed) as checks, for the chosen project or summed
    over every project."""
    rows = validation
    if filters.project_id is not None:
        rows = rows.filter(pl.col("project_id") == filters.project_id)
    rules = rows.group_by("rule_code", "rule_name").agg(
        pl.col("comparisons").sum(), pl.col("violations").sum(), pl.col("passed").all()).sort("rule_code")
    return rule_checks(rules, lang)
