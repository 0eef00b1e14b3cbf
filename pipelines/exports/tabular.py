"""The CSV (for machines) and XLSX (for people) of a delivery.

Same content and provenance give byte-identical files: rows come sorted from the content,
numbers are formatted by fixed rules, the workbook's created date is the period's last day
(never "now"), and xlsxwriter stamps its zip members with a fixed 1980 date in memory mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import xlsxwriter

from pipelines.exports.content import (
    COLUMNS, SUPPRESSED, SUPPRESSION_NOTE, SYNTHETIC_NOTICE, DeliveryContent, Provenance, bounds_label,
)

__all__ = ["HEADER_ROW", "csv_bytes", "format_number", "new_workbook", "sheet_names", "sheet_subtitle", "sheet_title",
           "xlsx_bytes"]

_HUMAN_PERIOD_TYPE = {
    "month": "Month", "quarter": "Quarter", "year": "Year",
    "cumulative": "Cumulative", "project_to_date": "Whole project",
}


def format_number(value: object, decimals: int) -> str:
    """Fixed text for a number: integers without decimals, others rounded to ``decimals``."""
    if value is None:
        return ""
    number = round(float(value), decimals)  # type: ignore[arg-type]
    if number.is_integer():
        return str(int(number))
    return f"{number:.{decimals}f}".rstrip("0").rstrip(".")


def csv_bytes(content: DeliveryContent) -> bytes:
    """Long format, UTF-8, ``\\n`` line ends: one row per indicator × period × disaggregation."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for r in content.rows:
        writer.writerow([
            r["project_id"], r["reporting_period"], r["indicator_code"], r["indicator_name"], r["unit"],
            r["interreg_code"], r["period_type"], r["period_id"],
            r["period_start"].isoformat() if r["period_start"] else "",
            r["period_end"].isoformat() if r["period_end"] else "",
            r["disaggregation"], r["disaggregation_value"],
            format_number(r["value"], 4), format_number(r["target"], 4),
            format_number(r["achievement_pct"], 1), r["flag"],
            "true" if r["is_synthetic"] else "false",
        ])
    return buf.getvalue().encode("utf-8")


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 14})
        self.subtitle = add({"italic": True, "font_color": "#444444", "text_wrap": True, "valign": "top"})
        self.bold = add({"bold": True, "valign": "top"})
        self.text = add({"valign": "top"})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.warn = add({"bold": True, "font_color": "#FFFFFF", "bg_color": "#D55E00",
                         "text_wrap": True, "valign": "top"})
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True,
                           "valign": "top"})
        self.date = add({"num_format": "yyyy-mm-dd", "align": "left", "valign": "top"})
        self.left_int = add({"num_format": "0", "align": "left", "valign": "top"})
        self.int = add({"num_format": "#,##0"})
        self.dec = add({"num_format": "#,##0.0#"})
        self.pct = add({"num_format": "0.0"})
        self.total = add({"bold": True})
        self.total_int = add({"bold": True, "num_format": "#,##0"})
        self.total_dec = add({"bold": True, "num_format": "#,##0.0#"})
        self.total_pct = add({"bold": True, "num_format": "0.0"})
        self.suppressed = add({"italic": True, "font_color": "#7F7F7F", "align": "right"})
        self.flag = add({"font_color": "#D55E00", "bold": True})
        self.mono = add({"font_name": "Consolas", "font_size": 9})


def _write_value(ws, row: int, col: int, value: object, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "yes" if value else "no", fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _sheet_name(code: str, used: set[str]) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in code)[:31]
    base, n = name, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _cover(wb, f: _Formats, content: DeliveryContent, provenance: Provenance, sheets: dict[str, str]) -> None:
    ws = wb.add_worksheet("Cover")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 2, 12)
    project, period = content.project, content.period
    r = 0
    ws.write_string(r, 0, f"Indicator report: {project.get('project_name') or project['project_id']}", f.title)
    r += 1
    if content.is_synthetic:
        ws.merge_range(r, 0, r, 2, SYNTHETIC_NOTICE, f.warn)
        ws.set_row(r, 36)
        r += 1
    r += 1
    version = provenance.version
    facts: list[tuple[str, object, object]] = [
        ("Project", f"{project.get('project_name') or ''} ({project['project_id']})", f.text),
        ("Programme", project.get("programme"), f.text),
        ("Funder", project.get("funder"), f.text),
        ("Lead organisation", project.get("lead_organisation"), f.text),
        ("Project start", project.get("start_date"), f.date),
        ("Project end", project.get("end_date"), f.date),
        ("Participant target", project.get("participant_target"), f.left_int),
        ("Reporting period", f"{period.period_id}: {period.label}", f.text),
        ("Period start", period.start, f.date),
        ("Period end", period.end, f.date),
        ("Delivery version", f"v{version}" if version else "", f.text),
        ("Supersedes", f"v{provenance.supersedes} (see CHANGES.md)" if provenance.supersedes else "", f.text),
        ("Build id", provenance.build_id, f.text),
        ("Data", "SYNTHETIC DEMO DATA" if content.is_synthetic else "Programme records", f.text),
        ("IATI activity identifier",
         content.iati.activity_identifier + (" (placeholder organisation reference)" if content.iati.is_placeholder else ""),
         f.text),
        ("Indicator rows", content.frame.height, f.left_int),
        ("Suppressed cells", content.suppressed_cells, f.left_int),
    ]
    for key, value, fmt in facts:
        ws.write_string(r, 0, key, f.bold)
        _write_value(ws, r, 1, value, fmt)
        r += 1
    r += 1
    ws.write_string(r, 0, "Contents", f.bold)
    r += 1
    contents = ["Cover: this sheet", *(f"{sheets[d['indicator_code']]}: {d['indicator_name'] or d['indicator_code']}"
                                      for d in content.definitions),
                "Definitions: the indicator catalogue", "Notes: suppression and data quality"]
    for line in contents:
        ws.write_string(r, 1, line, f.text)
        r += 1
    r += 1
    ws.write_string(r, 0, "Data sources (build_source_files)", f.bold)
    ws.write_string(r, 1, "file (relative to raw/) and sha256", f.subtitle)
    ws.write_string(r, 2, "bytes", f.subtitle)
    r += 1
    for path, sha, size in provenance.source_files:
        ws.write_string(r, 0, path, f.text)
        ws.write_string(r, 1, sha, f.mono)
        ws.write_number(r, 2, size, f.left_int)
        r += 1


_TABLE_HEADER = ["Period type", "Period", "Start", "End", "Breakdown", "Group", "Value", "Target",
                 "Achievement %", "Flag"]
_TABLE_WIDTHS = [14, 26, 11, 11, 14, 24, 11, 11, 14, 12]


#: Row of the column headers on an indicator sheet (0-based); the data start on the next one.
HEADER_ROW = 2


def sheet_title(definition: dict) -> str:
    return f"{definition['indicator_name'] or definition['indicator_code']} ({definition['indicator_code']})"


def sheet_subtitle(definition: dict) -> str:
    codes = [f"unit: {definition['unit'] or '–'}"]
    if definition.get("interreg_code"):
        codes.append(f"Interreg: {definition['interreg_code']}")
    if definition.get("definition"):
        codes.append(str(definition["definition"]))
    return "; ".join(codes)


def _indicator_sheet(wb, f: _Formats, content: DeliveryContent, definition: dict, sheet: str) -> None:
    code = definition["indicator_code"]
    ws = _indicator_sheet_head(wb, f, content, definition, sheet)
    header_row = HEADER_ROW
    r = header_row
    for row in (x for x in content.rows if x["indicator_code"] == code):
        r += 1
        is_total = row["disaggregation"] == "total"
        ws.write_string(r, 0, _HUMAN_PERIOD_TYPE.get(row["period_type"], row["period_type"]),
                        f.total if is_total else f.text)
        ws.write_string(r, 1, bounds_label(row["period_type"], row["period_id"], row["period_start"],
                                           row["period_end"]), f.total if is_total else f.text)
        _write_value(ws, r, 2, row["period_start"], f.date)
        _write_value(ws, r, 3, row["period_end"], f.date)
        ws.write_string(r, 4, "Total" if is_total else row["disaggregation"].replace("_", " ").capitalize(),
                        f.total if is_total else f.text)
        ws.write_string(r, 5, "" if is_total else row["disaggregation_value"], f.text)
        if row["flag"] == SUPPRESSED:
            ws.write_string(r, 6, SUPPRESSED, f.suppressed)
        elif row["value"] is None:
            ws.write_blank(r, 6, None)
        else:
            value = float(row["value"])
            fmt = (f.total_int if is_total else f.int) if value.is_integer() else (f.total_dec if is_total else f.dec)
            ws.write_number(r, 6, value, fmt)
        _write_value(ws, r, 7, None if row["target"] is None else float(row["target"]),
                     f.total_dec if is_total else f.dec)
        _write_value(ws, r, 8, None if row["achievement_pct"] is None else round(float(row["achievement_pct"]), 1),
                     f.total_pct if is_total else f.pct)
        if row["flag"]:
            ws.write_string(r, 9, row["flag"], f.flag)
        else:
            ws.write_blank(r, 9, None)
    if r > header_row:
        ws.autofilter(header_row, 0, r, len(_TABLE_HEADER) - 1)


def _indicator_sheet_head(wb, f: _Formats, content: DeliveryContent, definition: dict, sheet: str,
                          worksheet_class=None):
    """An indicator sheet with its title, subtitle and column headers (rows 0 to :data:`HEADER_ROW`)."""
    ws = wb.add_worksheet(sheet, worksheet_class=worksheet_class)
    if content.is_synthetic:
        ws.set_tab_color("#D55E00")
        ws.set_header('&C&"-,Bold"SYNTHETIC DEMO DATA')
    for c, width in enumerate(_TABLE_WIDTHS):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, len(_TABLE_HEADER) - 1, sheet_title(definition), f.title)
    ws.merge_range(1, 0, 1, len(_TABLE_HEADER) - 1, sheet_subtitle(definition), f.subtitle)
    ws.set_row(1, 30)
    for c, name in enumerate(_TABLE_HEADER):
        ws.write_string(HEADER_ROW, c, name, f.header)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    return ws


_DEFINITION_COLUMNS = [
    ("indicator_code", "Code", 26), ("indicator_name", "Name", 32), ("indicator_name_ru", "Name (ru)", 32),
    ("unit", "Unit", 14), ("indicator_type", "Type", 10), ("counts_people", "Counts people", 10),
    ("disaggregations", "Breakdowns", 20), ("definition", "Definition / counting rule", 60),
    ("baseline", "Baseline", 10), ("interreg_code", "Interreg code", 14), ("interreg_name", "Interreg indicator", 32),
    ("interreg_relation", "Relation to Interreg", 30), ("iati_code", "IATI code", 20),
]


def _definitions_sheet(wb, f: _Formats, content: DeliveryContent) -> None:
    ws = wb.add_worksheet("Definitions")
    for c, (_, label, width) in enumerate(_DEFINITION_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(0, c, label, f.header)
    ws.freeze_panes(1, 1)
    for r, definition in enumerate(content.definitions, start=1):
        for c, (key, _, _) in enumerate(_DEFINITION_COLUMNS):
            _write_value(ws, r, c, definition.get(key), f.wrap)


def _notes_sheet(wb, f: _Formats, content: DeliveryContent) -> None:
    ws = wb.add_worksheet("Notes")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 100)
    notes: list[tuple[str, str]] = []
    if content.is_synthetic:
        notes.append(("Synthetic data", SYNTHETIC_NOTICE))
    notes += [
        ("Suppression rule", SUPPRESSION_NOTE),
        ("Suppressed cells in this delivery", str(content.suppressed_cells)),
        ("Not protected", "Differences between periods (e.g. one month's running total minus the "
                          "previous month's) are not published cells and are not checked."),
        ("Counting", "Values over a period are computed from that period's records, never summed from "
                     "shorter periods: unique persons over a quarter are not the sum of the months."),
        ("Targets", "Targets are given where the programme sets them; achievement % = value / target × 100."),
        ("Personal data", "No personal data: figures are aggregates of pseudonymised records."),
        ("Versions", "A closed delivery never changes: a later correction is delivered as a new version "
                     "with CHANGES.md and changes.csv listing every changed cell."),
        *content.quality_notes,
    ]
    ws.write_string(0, 0, "Notes", f.title)
    for r, (key, text) in enumerate(notes, start=2):
        ws.write_string(r, 0, key, f.bold)
        ws.write_string(r, 1, text, f.wrap)


def new_workbook(content: DeliveryContent, provenance: Provenance) -> tuple[io.BytesIO, xlsxwriter.Workbook, _Formats]:
    """An in-memory workbook with the delivery's properties and the formats of its sheets."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    project = content.project
    wb.set_properties({
        "title": f"Indicators {project['project_id']} {content.period.period_id}",
        "subject": "Impact indicators" + (" (SYNTHETIC DEMO DATA)" if content.is_synthetic else ""),
        "author": "CCI impact warehouse",
        "company": str(project.get("lead_organisation") or ""),
        "comments": (SYNTHETIC_NOTICE + " " if content.is_synthetic else "")
                    + (f"Build {provenance.build_id}." if provenance.build_id else ""),
        "created": dt.datetime.combine(content.period.end, dt.time(0, 0)),
    })
    return buf, wb, _Formats(wb)


def sheet_names(content: DeliveryContent) -> dict[str, str]:
    used = {"cover", "definitions", "notes"}
    return {d["indicator_code"]: _sheet_name(d["indicator_code"], used) for d in content.definitions}


def xlsx_bytes(content: DeliveryContent, provenance: Provenance) -> bytes:
    """Cover, one sheet per indicator (targets and achievement), Definitions, Notes."""
    buf, wb, f = new_workbook(content, provenance)
    sheets = sheet_names(content)
    _cover(wb, f, content, provenance, sheets)
    for definition in content.definitions:
        _indicator_sheet(wb, f, content, definition, sheets[definition["indicator_code"]])
    _definitions_sheet(wb, f, content)
    _notes_sheet(wb, f, content)
    wb.close()
    return buf.getvalue()
