"""Rendering many deliveries at once: the same bytes as the per-row reference renderers, vectorised.

The reference renderers (:func:`pipelines.exports.tabular.csv_bytes`,
:func:`~pipelines.exports.tabular.xlsx_bytes`, :func:`pipelines.exports.iati.iati_activity_bytes`)
walk the rows of one delivery in Python, one cell at a time. Here the rows of many deliveries (a
project's) are turned into text with polars string expressions in one pass, and only what is
small stays in Python:

- **CSV**: every line is built by polars; numbers are formatted by the reference rule
  (:func:`~pipelines.exports.tabular.format_number`) once per distinct value.
- **IATI XML**: the document skeleton (activity, results, indicators, baselines) is built with
  lxml as before, with a marker where each indicator's periods go; the ``<period>`` elements, the
  bulk of the file, are built by polars with lxml's escaping and indentation, and replace the markers.
- **XLSX**: xlsxwriter still writes the workbook, the cover, the Definitions and Notes sheets and
  each indicator sheet's title and headers. The data rows of the indicator sheets (the bulk) are
  built by polars as the worksheet XML xlsxwriter would write, and handed to a worksheet class
  that emits them in place of its own rows. The shared-string and style indices those rows
  refer to are assigned first, in the order xlsxwriter would assign them (strings by first
  appearance, styles by first use), so the file is the reference's, byte for byte.

A delivery with anything the fast path does not reproduce exactly (a value that is not finite,
a missing period type, a date before March 1900, a text with characters XML cannot hold, a text
longer than a spreadsheet cell) is rendered by the reference renderers instead.
The tests compare both renderers byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

import polars as pl
from lxml import etree
from xlsxwriter.worksheet import Worksheet

from pipelines.exports.content import COLUMNS, SUPPRESSED, DeliveryContent, Provenance, bounds_label
from pipelines.exports.iati import PERIOD_COMMENT, SUPPRESSED_COMMENT, activity_document
from pipelines.exports.tabular import (
    _HUMAN_PERIOD_TYPE, _TABLE_HEADER, _TABLE_WIDTHS, HEADER_ROW, _cover, _definitions_sheet, _notes_sheet,
    format_number, new_workbook, sheet_names, sheet_subtitle, sheet_title,
)

__all__ = ["render_many"]

#: Columns of an indicator sheet, as letters.
_LETTERS = "ABCDEFGHIJ"
#: Rows of a worksheet xlsxwriter groups for its ``spans`` attribute.
_SPAN_ROWS = 16
_MAX_TEXT = 16_000
_XML_INVALID = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_CSV_TEXT = ["project_id", "reporting_period", "indicator_code", "indicator_name", "unit", "interreg_code",
             "period_type", "period_id", "disaggregation", "disaggregation_value", "flag"]
_MARKER = "cci-periods:{}"
_MARKER_LINE = re.compile(r"^ *<!--cci-periods:(\d+)-->\n", re.MULTILINE)

#: Formats of an indicator sheet's data cells (attribute names of ``tabular._Formats``).
_DATA_FORMATS = ["total", "text", "date", "total_int", "int", "total_dec", "dec", "suppressed", "total_pct", "pct",
                 "flag"]


def render_many(contents: Sequence[DeliveryContent], provenances: Sequence[Provenance],
                only: str | Collection[str] | None = None) -> list[dict[str, bytes]]:
    """The deliverables of each content (rendered with its provenance), by file name.

    ``only``: ``csv``, ``xlsx`` or ``iati`` (or several) to render just these deliverables.
    """
    from pipelines.exports.store import delivery_file_names, render_reference

    kinds = {"csv", "xlsx", "iati"} if only is None else {only} if isinstance(only, str) else set(only)
    out: list[dict[str, bytes]] = [{} for _ in contents]
    if not contents:
        return out
    frame = _combined(contents)
    unsafe = _unsafe(frame)
    fast = [i for i in range(len(contents)) if i not in unsafe]
    for i in sorted(unsafe):
        files = render_reference(contents[i], provenances[i])
        names = delivery_file_names(contents[i])
        out[i] = {names[kind]: files[names[kind]] for kind in ("csv", "xlsx", "iati") if kind in kinds}
    if not fast:
        return out
    if unsafe:
        frame = frame.filter(pl.col("_d").is_in(fast))
    frame = _with_text_columns(frame)
    if "csv" in kinds:
        for i, data in _csv(frame, fast).items():
            out[i][delivery_file_names(contents[i])["csv"]] = data
    if "xlsx" in kinds:
        for i, data in _xlsx(frame, contents, provenances, fast).items():
            out[i][delivery_file_names(contents[i])["xlsx"]] = data
    if "iati" in kinds:
        for i, data in _iati(frame, contents, fast).items():
            out[i][delivery_file_names(contents[i])["iati"]] = data
    # the reference order of the files of a delivery: csv, xlsx, iati
    return [{name: files[name] for name in sorted(files, key=_file_order)} for files in out]


def _file_order(name: str) -> int:
    return 0 if name.endswith(".csv") else 1 if name.endswith(".xlsx") else 2


def _combined(contents: Sequence[DeliveryContent]) -> pl.DataFrame:
    frames = [c.frame.select(COLUMNS).with_columns(pl.lit(i, dtype=pl.Int32).alias("_d"),
                                                   pl.int_range(pl.len(), dtype=pl.Int64).alias("_r"))
              for i, c in enumerate(contents)]
    return pl.concat(frames, how="vertical_relaxed").with_columns(
        pl.col(c).cast(pl.Float64) for c in ("value", "target", "achievement_pct"))


def _unsafe(frame: pl.DataFrame) -> set[int]:
    """Deliveries the fast path leaves to the reference renderers (see the module docstring)."""
    if frame.is_empty():
        return set()
    text = [c for c in _CSV_TEXT if c not in ("flag",)]
    bad = pl.any_horizontal(
        *[pl.col(c).is_null() for c in ("period_type", "period_id", "disaggregation", "disaggregation_value",
                                        "period_start", "period_end")],
        *[~pl.col(c).is_finite() for c in ("value", "target", "achievement_pct")],
        *[pl.col(c).cast(pl.String).str.contains(_XML_INVALID) for c in text],
        *[pl.col(c).cast(pl.String).str.len_chars() > _MAX_TEXT for c in text],
        pl.col("period_start") < pl.date(1900, 3, 1), pl.col("period_end") < pl.date(1900, 3, 1),
    ).fill_null(False)
    found = frame.filter(bad)["_d"].unique().to_list()
    return set(found)


def _map_rows(frame: pl.DataFrame, columns: list[str], function: Callable[[dict], str]) -> pl.Series:
    """``function`` applied to each distinct combination of ``columns`` (a dict), per row."""
    keys = frame.select(columns)
    distinct = keys.unique()
    mapped = distinct.with_columns(pl.Series("_mapped", [function(r) for r in distinct.iter_rows(named=True)],
                                             dtype=pl.String))
    return keys.join(mapped, on=columns, how="left", nulls_equal=True, maintain_order="left")["_mapped"]


def _map_unique(column: str, frame: pl.DataFrame, function: Callable[[object], str]) -> pl.Series:
    """``function`` applied to each distinct non-null value of ``column`` ("" for null)."""
    values = frame[column]
    distinct = values.drop_nulls().unique().to_list()
    mapping = {v: function(v) for v in distinct}
    if not mapping:
        return pl.Series(values.name, [""] * len(values), dtype=pl.String)
    return values.replace_strict(mapping, default=None, return_dtype=pl.String).fill_null("")


def _with_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The formatted numbers every deliverable uses."""
    return frame.with_columns(
        _map_unique("value", frame, lambda v: format_number(v, 4)).alias("_value4"),
        _map_unique("target", frame, lambda v: format_number(v, 4)).alias("_target4"),
        _map_unique("achievement_pct", frame, lambda v: format_number(v, 1)).alias("_achievement1"),
        pl.col("period_start").cast(pl.String).fill_null("").alias("_start"),
        pl.col("period_end").cast(pl.String).fill_null("").alias("_end"),
        (pl.col("disaggregation") == "total").fill_null(False).alias("_total"),
    )


# --- CSV ---------------------------------------------------------------------------------------

def _csv_text(column: str) -> pl.Expr:
    """Quoted as Python's csv writer quotes (QUOTE_MINIMAL, ``\\n`` line ends)."""
    text = pl.col(column).cast(pl.String).fill_null("")
    return (pl.when(text.str.contains('[,"\n]'))
            .then(pl.lit('"') + text.str.replace_all('"', '""', literal=True) + pl.lit('"'))
            .otherwise(text))


def _csv(frame: pl.DataFrame, deliveries: list[int]) -> dict[int, bytes]:
    header = ",".join(COLUMNS) + "\n"
    fields = {c: _csv_text(c) for c in _CSV_TEXT}
    fields.update({
        "period_start": pl.col("_start"), "period_end": pl.col("_end"), "value": pl.col("_value4"),
        "target": pl.col("_target4"), "achievement_pct": pl.col("_achievement1"),
        "is_synthetic": pl.when(pl.col("is_synthetic")).then(pl.lit("true")).otherwise(pl.lit("false")),
    })
    lines = (frame.select("_d", pl.concat_str([fields[c] for c in COLUMNS], separator=",").alias("_line"))
             .group_by("_d", maintain_order=True).agg(pl.col("_line").str.join("\n")))
    text = dict(zip(lines["_d"].to_list(), lines["_line"].to_list(), strict=True))
    return {i: (header + text[i] + "\n").encode("utf-8") if i in text else header.encode("utf-8")
            for i in deliveries}


# --- IATI XML ----------------------------------------------------------------------------------

def _xml_text(expr: pl.Expr) -> pl.Expr:
    """Character data escaped as lxml writes it."""
    return (expr.str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True).str.replace_all("\r", "&#13;", literal=True))


def _xml_attribute(expr: pl.Expr) -> pl.Expr:
    """An attribute value escaped as lxml writes it."""
    return (_xml_text(expr).str.replace_all('"', "&quot;", literal=True)
            .str.replace_all("\n", "&#10;", literal=True).str.replace_all("\t", "&#9;", literal=True))


def _iati(frame: pl.DataFrame, contents: Sequence[DeliveryContent], deliveries: list[int]) -> dict[int, bytes]:
    pad = {n: " " * n for n in (8, 10, 12, 14)}
    comments = _map_rows(
        frame, ["period_type", "period_id"],
        lambda p: PERIOD_COMMENT.get(p["period_type"], "{period_id}").format(period_id=p["period_id"]))
    suppressed = pl.col("flag") == SUPPRESSED
    note = (pl.when(pl.col("_total") & suppressed).then(pl.col("_comment") + pl.lit(" " + SUPPRESSED_COMMENT))
            .when(pl.col("_total")).then(pl.col("_comment"))
            .when(suppressed).then(pl.lit(SUPPRESSED_COMMENT)))
    lit = pl.lit
    actual = pl.concat_str([
        lit(pad[10]),
        pl.when(pl.col("_value4") != "").then(lit('<actual value="') + pl.col("_value4") + lit('">'))
        .otherwise(lit("<actual>")),
        lit("\n"),
        pl.when(~pl.col("_total")).then(
            lit(pad[12] + '<dimension name="') + _xml_attribute(pl.col("disaggregation")) + lit('" value="')
            + _xml_attribute(pl.col("disaggregation_value")) + lit('"/>\n')).otherwise(lit("")),
        pl.when(pl.col("_note").is_not_null()).then(
            lit(pad[12] + "<comment>\n" + pad[14] + "<narrative>") + _xml_text(pl.col("_note"))
            + lit("</narrative>\n" + pad[12] + "</comment>\n")).otherwise(lit("")),
        lit(pad[10] + "</actual>\n"),
    ])
    target = (pl.when(pl.col("_total") & (pl.col("_target4") != ""))
              .then(lit(pad[10] + '<target value="') + pl.col("_target4") + lit('"/>\n')).otherwise(lit("")))
    rows = (frame.select("_d", "_r", "indicator_code", "period_type", "period_id", "_start", "_end", "_total",
                         "disaggregation", "disaggregation_value", "flag", "_value4", "_target4")
            .with_columns(comments.alias("_comment"))
            .with_columns(note.alias("_note"))
            .sort("_d", "indicator_code", "_r"))
    new_run = pl.any_horizontal(
        pl.col(c).ne_missing(pl.col(c).shift(1)) for c in ("_d", "indicator_code", "period_type", "period_id")
    ).fill_null(True)
    runs = (rows.with_columns(new_run.cum_sum().alias("_run"), actual.alias("_actual"), target.alias("_target"))
            .group_by("_run", maintain_order=True).agg(
                pl.col("_d").first(), pl.col("indicator_code").first(), pl.col("_start").first(),
                pl.col("_end").first(), pl.col("_target").str.join(""),
                pl.col("_actual").sort_by(pl.col("_total").not_(), "_r").str.join(""))
            .select("_d", "indicator_code", pl.concat_str([
                lit(pad[8] + "<period>\n" + pad[10] + '<period-start iso-date="'), pl.col("_start"),
                lit('"/>\n' + pad[10] + '<period-end iso-date="'), pl.col("_end"), lit('"/>\n'),
                pl.col("_target"), pl.col("_actual"), lit(pad[8] + "</period>\n")]).alias("_period"))
            .group_by("_d", "indicator_code", maintain_order=True).agg(pl.col("_period").str.join("")))
    blocks: dict[int, dict[str, str]] = {}
    for d, code, text in runs.iter_rows():
        blocks.setdefault(d, {})[code] = text
    out = {}
    for i in deliveries:
        by_code = blocks.get(i, {})
        codes = list(by_code)

        def add_marker(indicator: etree._Element, definition: dict, codes: list[str] = codes) -> None:
            indicator.append(etree.Comment(_MARKER.format(codes.index(definition["indicator_code"]))))

        root = activity_document(contents[i], set(codes), add_marker)
        skeleton = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
        out[i] = _MARKER_LINE.sub(lambda m, by_code=by_code, codes=codes: by_code[codes[int(m.group(1))]],
                                  skeleton).encode("utf-8")
    return out


# --- XLSX --------------------------------------------------------------------------------------

class _PrebuiltRowsWorksheet(Worksheet):
    """A worksheet whose rows are given as the XML xlsxwriter would write for them."""

    prebuilt_rows: str | None = None

    def _write_rows(self) -> None:
        if self.prebuilt_rows is None:
            super()._write_rows()
        else:
            self.fh.write(self.prebuilt_rows)


def _indicator_sheet(wb, f, content: DeliveryContent, sheet: str, rows_xml: str, last_row: int):
    """An indicator sheet as :func:`pipelines.exports.tabular._indicator_sheet` lays it out, with
    its rows (title, subtitle, headers and data) given as XML."""
    ws = wb.add_worksheet(sheet, worksheet_class=_PrebuiltRowsWorksheet)
    if content.is_synthetic:
        ws.set_tab_color("#D55E00")
        ws.set_header('&C&"-,Bold"SYNTHETIC DEMO DATA')
    for c, width in enumerate(_TABLE_WIDTHS):
        ws.set_column(c, c, width)
    last_col = len(_TABLE_HEADER) - 1
    ws.merge += [[0, 0, 0, last_col], [1, 0, 1, last_col]]  # title and subtitle across the table
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.dim_rowmin, ws.dim_colmin, ws.dim_rowmax, ws.dim_colmax = 0, 0, last_row, last_col
    ws.prebuilt_rows = rows_xml
    if last_row > HEADER_ROW:
        ws.autofilter(HEADER_ROW, 0, last_row, last_col)
    return ws


def _head_rows(title: tuple[int, int], subtitle: tuple[int, int], header: int, names: list[int]) -> str:
    """Rows 1 to 3 of an indicator sheet: merged title, merged subtitle (30 pt high), headers.
    Arguments: (style, shared-string index) of the title and subtitle, the header style and the
    headers' shared-string indices."""
    blanks = "".join
    return (
        f'<row r="1" spans="1:10"><c r="A1" s="{title[0]}" t="s"><v>{title[1]}</v></c>'
        + blanks(f'<c r="{letter}1" s="{title[0]}"/>' for letter in _LETTERS[1:]) + "</row>"
        + f'<row r="2" spans="1:10" ht="30" customHeight="1"><c r="A2" s="{subtitle[0]}" t="s"><v>{subtitle[1]}</v></c>'
        + blanks(f'<c r="{letter}2" s="{subtitle[0]}"/>' for letter in _LETTERS[1:]) + "</row>"
        + '<row r="3" spans="1:10">'
        + blanks(f'<c r="{letter}3" s="{header}" t="s"><v>{index}</v></c>' for letter, index in zip(_LETTERS, names, strict=True))
        + "</row>"
    )


def _number_g(value: object) -> str:
    """A number as xlsxwriter writes it into a cell (``%.16G``)."""
    return f"{float(value):.16G}"  # type: ignore[arg-type]


def _cover_formats(content: DeliveryContent, provenance: Provenance) -> list[str]:
    """The formats the cover uses, in the order its cells use them first."""
    return ["title", *(["warn"] if content.is_synthetic else []), "bold", "text", "date", "left_int", "subtitle",
            *(["mono"] if provenance.source_files else [])]


def _xlsx(frame: pl.DataFrame, contents: Sequence[DeliveryContent], provenances: Sequence[Provenance],
          deliveries: list[int]) -> dict[int, bytes]:
    lit = pl.lit
    sheet_rows = []
    for i in deliveries:
        sheet_rows += [(i, d["indicator_code"], s) for s, d in enumerate(contents[i].definitions)]
    sheets = pl.DataFrame(sheet_rows, schema={"_d": pl.Int32, "indicator_code": pl.String, "_s": pl.Int64},
                          orient="row")
    suppressed = pl.col("flag") == SUPPRESSED
    rows = (frame.join(sheets, on=["_d", "indicator_code"], how="inner").sort("_d", "_s", "_r")
            .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over("_d", "_s").alias("_k")))
    rows = rows.with_columns(
        pl.col("period_type").replace_strict(_HUMAN_PERIOD_TYPE, default=pl.col("period_type")).alias("_lab0"),
        _map_rows(rows, ["period_type", "period_id", "period_start", "period_end"],
                  lambda p: bounds_label(p["period_type"], p["period_id"], p["period_start"], p["period_end"]))
        .alias("_lab1"),
        pl.when(pl.col("_total")).then(lit("Total"))
        .otherwise(_map_unique("disaggregation", rows, lambda d: d.replace("_", " ").capitalize())).alias("_lab4"),
        pl.when(pl.col("_total")).then(lit("")).otherwise(pl.col("disaggregation_value")).alias("_lab5"),
        pl.when(suppressed).then(lit(SUPPRESSED)).alias("_lab6"),
        pl.when(pl.col("flag") != "").then(pl.col("flag")).alias("_lab9"),
        _map_unique("value", rows, _number_g).alias("_v6"),
        _map_unique("target", rows, _number_g).alias("_v7"),
        _map_unique("achievement_pct", rows, lambda a: _number_g(round(float(a), 1))).alias("_v8"),
        # Excel's serial day (from 1899-12-31, plus its 29 February 1900: dates are from March 1900)
        *[((pl.col(f"period_{c}") - pl.date(1899, 12, 31)).dt.total_days() + 1).cast(pl.String).alias(f"_serial_{c}")
          for c in ("start", "end")],
        (HEADER_ROW + 2 + pl.col("_k")).alias("_excel_row"),
        pl.when(pl.col("_total")).then(lit("total")).otherwise(lit("text")).alias("_f0"),
        pl.when(suppressed).then(lit("suppressed")).when(pl.col("value").is_null()).then(None)
        .when(pl.col("value") == pl.col("value").floor())
        .then(pl.when(pl.col("_total")).then(lit("total_int")).otherwise(lit("int")))
        .otherwise(pl.when(pl.col("_total")).then(lit("total_dec")).otherwise(lit("dec"))).alias("_f6"),
        pl.when(pl.col("_total")).then(lit("total_dec")).otherwise(lit("dec")).alias("_f7"),
        pl.when(pl.col("_total")).then(lit("total_pct")).otherwise(lit("pct")).alias("_f8"),
    )
    # Style indices follow the first use of each format; the data formats are first used in
    # these signatures' order.
    signatures = (rows.group_by("_d", "_f0", "_f6", "_f7", "_f8", pl.col("_lab9").is_not_null().alias("_flag"))
                  .agg((pl.col("_s") * (1 << 32) + pl.col("_k")).min().alias("_pos"))
                  .sort("_d", "_pos"))
    data_formats: dict[int, list[str]] = {i: [] for i in deliveries}
    for d, f0, f6, f7, f8, flag, _ in signatures.iter_rows():
        for name in (f0, "date", "text", f6, f7, f8, "flag" if flag else None):
            if name is not None and name not in data_formats[d]:
                data_formats[d].append(name)
    # Shared strings follow first appearance: each sheet's title, subtitle and headers, then its cells.
    header_events = []
    for i in deliveries:
        for s, definition in enumerate(contents[i].definitions):
            texts = [sheet_title(definition), sheet_subtitle(definition), *_TABLE_HEADER]
            header_events += [(i, s * (1 << 32) + p, text) for p, text in enumerate(texts)]
    string_columns = [("_lab0", 0), ("_lab1", 1), ("_lab4", 4), ("_lab5", 5), ("_lab6", 6), ("_lab9", 9)]
    events = pl.concat([
        pl.DataFrame(header_events, schema={"_d": pl.Int32, "_pos": pl.Int64, "_string": pl.String}, orient="row"),
        *[rows.select("_d", (pl.col("_s") * (1 << 32) + 16 + pl.col("_k") * 16 + col).alias("_pos"),
                      pl.col(name).alias("_string")).drop_nulls("_string")
          for name, col in string_columns],
    ])
    first_seen = events.group_by("_d", "_string").agg(pl.col("_pos").min()).sort("_d", "_pos")
    strings: dict[int, list[str]] = {i: [] for i in deliveries}
    for d, part in first_seen.partition_by("_d", as_dict=True, maintain_order=True).items():
        strings[d[0]] = part["_string"].to_list()
    counted = rows.group_by("_d", "_s").agg(
        pl.sum_horizontal(*[pl.col(name).is_not_null().cast(pl.Int64) for name, _ in string_columns]).sum()
        .alias("_n"))
    cell_counts = {(d, s): n for d, s, n in counted.iter_rows()}
    spans = rows.with_columns(((HEADER_ROW + 1 + pl.col("_k")) // _SPAN_ROWS).alias("_block")).with_columns(
        pl.when(pl.col("_block") == 0).then(lit("1:10"))
        .when(pl.col("_lab9").is_not_null().any().over("_d", "_s", "_block")).then(lit("1:10"))
        .otherwise(lit("1:9")).alias("_span"))["_span"]
    rows = rows.with_columns(spans)

    # Per workbook: formats, properties and cover by xlsxwriter; then the indices the rows use.
    books = {}
    xf_of: dict[int, dict[str, int]] = {}
    xf_rows, sst_rows = [], []
    for i in deliveries:
        content, provenance = contents[i], provenances[i]
        buf, wb, f = new_workbook(content, provenance)
        order = _cover_formats(content, provenance) + ["header"]
        order += [name for name in data_formats[i] if name not in order] + ["wrap"]
        xf = {name: getattr(f, name)._get_xf_index() for name in order}
        xf_of[i] = xf
        names = sheet_names(content)
        _cover(wb, f, content, provenance, names)
        sst = wb.str_table
        table = sst.string_table
        for text in strings[i]:
            if text not in table:
                table[text] = sst.unique_count
                sst.unique_count += 1
        books[i] = (buf, wb, f, names)
        xf_rows.append({"_d": i, **{f"_xf_{name}": str(xf.get(name, "")) for name in _DATA_FORMATS}})
        sst_rows += [(i, text, str(table[text])) for text in strings[i]]
    xf_frame = pl.DataFrame(xf_rows, schema={"_d": pl.Int32, **{f"_xf_{n}": pl.String for n in _DATA_FORMATS}})
    sst_frame = pl.DataFrame(sst_rows, schema={"_d": pl.Int32, "_string": pl.String, "_index": pl.String},
                             orient="row")
    rows = rows.join(xf_frame, on="_d", how="left")
    for name, _ in string_columns:
        rows = rows.join(sst_frame.rename({"_string": name, "_index": f"{name}_i"}), on=["_d", name], how="left")

    def xf(name_column: str) -> pl.Expr:
        expr = None
        for name in _DATA_FORMATS:
            expr = (pl.when(pl.col(name_column) == name) if expr is None else expr.when(pl.col(name_column) == name))
            expr = expr.then(pl.col(f"_xf_{name}"))
        return expr

    row_number = pl.col("_excel_row").cast(pl.String)

    def cell(col: int, style: pl.Expr, body: pl.Expr | None) -> pl.Expr:
        """``<c r=.. s=..>`` with a value, or an empty cell when ``body`` is null."""
        start = lit(f'<c r="{_LETTERS[col]}') + row_number + lit('" s="') + style
        if body is None:
            return start + lit('"/>')
        return pl.when(body.is_null()).then(start + lit('"/>')).otherwise(start + lit('">') + body + lit("</c>"))

    def string_cell(col: int, style: pl.Expr, name: str) -> pl.Expr:
        return (lit(f'<c r="{_LETTERS[col]}') + row_number + lit('" s="') + style + lit('" t="s"><v>')
                + pl.col(f"{name}_i") + lit("</v></c>"))

    def number(column: str) -> pl.Expr:
        return pl.when(pl.col(column) != "").then(lit("<v>") + pl.col(column) + lit("</v>"))

    f0 = xf("_f0")
    row_xml = pl.concat_str([
        lit('<row r="'), row_number, lit('" spans="'), pl.col("_span"), lit('">'),
        string_cell(0, f0, "_lab0"), string_cell(1, f0, "_lab1"),
        cell(2, pl.col("_xf_date"), pl.lit("<v>") + pl.col("_serial_start") + pl.lit("</v>")),
        cell(3, pl.col("_xf_date"), pl.lit("<v>") + pl.col("_serial_end") + pl.lit("</v>")),
        string_cell(4, f0, "_lab4"), string_cell(5, pl.col("_xf_text"), "_lab5"),
        pl.when(pl.col("_lab6").is_not_null()).then(string_cell(6, pl.col("_xf_suppressed"), "_lab6"))
        .when(pl.col("_f6").is_null()).then(lit(""))
        .otherwise(cell(6, xf("_f6"), number("_v6"))),
        cell(7, xf("_f7"), number("_v7")),
        cell(8, xf("_f8"), number("_v8")),
        pl.when(pl.col("_lab9").is_not_null()).then(string_cell(9, pl.col("_xf_flag"), "_lab9")).otherwise(lit("")),
        lit("</row>"),
    ])
    xml = (rows.select("_d", "_s", row_xml.alias("_xml"), "_excel_row")
           .group_by("_d", "_s", maintain_order=True)
           .agg(pl.col("_xml").str.join(""), pl.col("_excel_row").max()))
    sheet_xml = {(d, s): (text, last) for d, s, text, last in xml.iter_rows()}

    out = {}
    for i in deliveries:
        buf, wb, f, names = books.pop(i)
        content = contents[i]
        table = wb.str_table.string_table
        styles = xf_of[i]
        headers = [table[text] for text in _TABLE_HEADER]
        for s, definition in enumerate(content.definitions):
            text, last_excel_row = sheet_xml.get((i, s), ("", HEADER_ROW + 1))
            head = _head_rows((styles["title"], table[sheet_title(definition)]),
                              (styles["subtitle"], table[sheet_subtitle(definition)]), styles["header"], headers)
            _indicator_sheet(wb, f, content, names[definition["indicator_code"]], head + text, last_excel_row - 1)
            # every string cell counts in the shared-string table: 12 in the head rows, and the data's
            wb.str_table.count += 2 + len(_TABLE_HEADER) + int(cell_counts.get((i, s), 0))
        _definitions_sheet(wb, f, content)
        _notes_sheet(wb, f, content)
        wb.close()
        out[i] = buf.getvalue()
    return out
