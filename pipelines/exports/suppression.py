"""Small-cell suppression with complementary suppression, applied to every funder deliverable.

A *table* is one indicator over one period (project × indicator × period type × period id). Its
cells are the total and, per disaggregation (target group, country, …), the cells. Each
disaggregation whose cells add up to the total (the catalogue's ``additive_disaggregations``; a
person attends many events, so unique participants by event do not) is one *relation*: total =
sum of its cells, so a reader can subtract the visible cells from the total.

Rules (``THRESHOLD`` = 5):

1. Primary: a cell resting on 1 to 4 people is suppressed (totals included): the mart's
   ``is_small_cell``, or for an indicator that describes people (the catalogue's
   ``suppress_small_cells``) a unit count ``n`` (else the value) from 1 to 4. Zero is published:
   a zero discloses nobody, and suppressing zeros would hide that a period had no activity.
   Indicators that do not describe people (events) are never suppressed.
2. Complementary, per relation, repeated until nothing changes:
   a. exactly one cell of the relation is suppressed: it could be recomputed from the others, so
      one more is suppressed;
   b. the total is visible and the suppressed cells add up to 1–4: the reader can compute that
      sum (total minus the visible cells), itself a small count of people, so one more is
      suppressed.
   The extra cell is the smallest non-zero visible cell of the relation (ties by the cell's
   value label), or the total when no such cell is left.
3. Published cells carry one flag, ``suppressed``, whether primary or complementary: telling them
   apart would tell a reader which cell is the small one and narrow its range.

The pattern is computed per table from the whole table, so a cell is suppressed identically in
every delivery that shows it (the monthly, quarterly and final deliveries agree).

Not protected: differences between periods. A cumulative count minus the previous month's
cumulative count gives the number of people who joined in that month; those differences are not
published cells and are not checked.
"""

from __future__ import annotations

import polars as pl

THRESHOLD = 5
TOTAL = "total"
PRIMARY, COMPLEMENTARY = "primary", "complementary"

_TABLE_KEY = ("project_id", "indicator_code", "period_type", "period_id")

#: Helper columns :func:`suppression_reasons` reads (the batch pipeline sets them per project).
COUNTS_PEOPLE, ADDITIVE = "_counts_people", "_additive"

__all__ = ["ADDITIVE", "COMPLEMENTARY", "COUNTS_PEOPLE", "PRIMARY", "THRESHOLD", "suppress_small_cells",
           "suppression_reasons"]


def suppress_small_cells(
    frame: pl.DataFrame,
    person_indicators: set[str] | frozenset[str],
    additive: dict[str, frozenset[str]] | None = None,
) -> pl.DataFrame:
    """``frame`` with two more columns: ``suppressed`` (bool) and ``suppression`` (``primary``,
    ``complementary`` or ``""``; for tests and audit, never published).

    ``frame`` needs project_id, indicator_code, period_type, period_id, disaggregation,
    disaggregation_value and value; ``is_small_cell`` and ``n`` (units behind the value), where
    present, decide primary cells. ``person_indicators`` are the indicators describing people;
    ``additive`` maps an indicator to its disaggregations that add up to the total (an indicator
    not in it: all of them).
    """
    additive = additive or {}
    codes = sorted(additive)
    lookup = pl.DataFrame(
        {"indicator_code": codes, ADDITIVE: [sorted(additive[c]) for c in codes]},
        schema={"indicator_code": frame.schema.get("indicator_code", pl.String), ADDITIVE: pl.List(pl.String)},
    )
    work = (frame.select("indicator_code").with_row_index("_row")
            .join(lookup, on="indicator_code", how="left", maintain_order="left").sort("_row"))
    prepared = frame.with_columns(
        pl.col("indicator_code").is_in(sorted(person_indicators)).fill_null(False).alias(COUNTS_PEOPLE),
        work[ADDITIVE],
    )
    reasons = suppression_reasons(prepared)
    return frame.with_columns((reasons != "").alias("suppressed"), reasons.alias("suppression"))


def suppression_reasons(frame: pl.DataFrame) -> pl.Series:
    """Per row of ``frame``: ``primary``, ``complementary`` or ``""``.

    ``frame`` carries the columns of :func:`suppress_small_cells` plus :data:`COUNTS_PEOPLE` (bool:
    the row's indicator describes people) and :data:`ADDITIVE` (list of the disaggregations that
    add up to the total; null: all of them). Tables may belong to many projects.

    The primary rule is vectorised; the complementary rule runs in Python, and only for the tables
    where a cell of a relation (the total or a cell of an additive breakdown) is primary: in every
    other table no relation has a hidden cell, so the rule has nothing to do.
    """
    height = frame.height
    if height == 0:
        return pl.Series("suppression", [], dtype=pl.String)
    columns = frame.columns
    value = pl.col("value").cast(pl.Float64)
    units = pl.coalesce(pl.col("n").cast(pl.Float64), value) if "n" in columns else value
    flagged = (pl.col("is_small_cell").fill_null(False) if frame.schema.get("is_small_cell") == pl.Boolean
               else pl.lit(False))
    small = flagged | (pl.col(COUNTS_PEOPLE) & units.is_not_null() & (units > 0) & (units < THRESHOLD))
    is_total = pl.col("disaggregation") == TOTAL
    in_relation = pl.col(ADDITIVE).is_null() | pl.col(ADDITIVE).list.contains(pl.col("disaggregation")).fill_null(False)
    work = frame.select(
        *_TABLE_KEY, "disaggregation", "disaggregation_value",
        value.alias("_value"),
        small.fill_null(False).alias("_small"),
        is_total.fill_null(False).alias("_total"),
        (~is_total.fill_null(False) & in_relation).alias("_part"),
    ).with_row_index("_row")
    reasons = pl.when(work["_small"]).then(pl.lit(PRIMARY)).otherwise(pl.lit("")).alias("suppression")
    reasons = work.select(reasons).to_series()
    # Tables where a relation holds a primary cell; the others need no complementary cell.
    active = work.filter(
        ((pl.col("_small") & (pl.col("_total") | pl.col("_part"))).any().over(_TABLE_KEY))
        & (pl.col("_total") | pl.col("_part"))
    )
    if active.is_empty():
        return reasons
    active = active.sort([*_TABLE_KEY, "_row"], nulls_last=True)
    boundary = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in _TABLE_KEY])
    active = active.with_columns(
        boundary.fill_null(True).cum_sum().alias("_table"),
        pl.col("disaggregation").cast(pl.String).fill_null("None").alias("_family"),
        pl.col("disaggregation_value").cast(pl.String).fill_null("None").alias("_label"),
    )
    extra = _complementary(
        active["_table"].to_list(), active["_row"].to_list(), active["_total"].to_list(),
        active["_family"].to_list(), active["_label"].to_list(),
        active["_value"].fill_null(0.0).to_list(), active["_small"].to_list(),
    )
    if not extra:
        return reasons
    return reasons.scatter(extra, COMPLEMENTARY)


def _complementary(tables: list[int], rows: list[int], totals: list[bool], families: list[str],
                   labels: list[str], values: list[float], small: list[bool]) -> list[int]:
    """Row numbers of the complementary cells. The input lists hold the total and the additive cells
    of the active tables, one table after another, each in frame order."""
    found: list[int] = []
    size, start = len(tables), 0
    while start < size:
        end, table = start, tables[start]
        while end < size and tables[end] == table:
            end += 1
        total = None
        family_cells: dict[str, list[int]] = {}
        for k in range(start, end):
            if totals[k]:
                total = k  # the last total of a table, as a reader of the rows would take it
            else:
                family_cells.setdefault(families[k], []).append(k)
        if total is not None:  # only relations whose total is published can be differenced
            hidden = {k for k in range(start, end) if small[k]}
            relations = [sorted(family_cells[name], key=labels.__getitem__) for name in sorted(family_cells)]
            # A total hidden by one relation exposes it in the table's other relations: repeat until stable.
            while any([_protect(values, labels, total, parts, hidden) for parts in relations]):
                pass
            found.extend(rows[k] for k in range(start, end) if k in hidden and not small[k])
        start = end
    return found


def _protect(values: list[float], labels: list[str], total: int, parts: list[int], hidden: set[int]) -> bool:
    """Add complementary cells to one relation until rules 2a and 2b hold; True if any was added."""
    cells = [total, *parts]
    added = False
    while True:
        hidden_cells = [k for k in cells if k in hidden]
        if not hidden_cells:
            return added
        exposed = len(hidden_cells) == 1
        if not exposed and total not in hidden:
            derivable = sum(values[k] for k in hidden_cells)
            exposed = 0 < derivable < THRESHOLD
        if not exposed:
            return added
        candidates = [k for k in parts if k not in hidden and values[k] > 0]
        if candidates:
            # the smallest non-zero visible cell, ties by its label (min keeps the first of equals)
            hidden.add(min(candidates, key=lambda k: (values[k], labels[k])))
        elif total not in hidden and values[total] > 0:
            hidden.add(total)
        else:
            return added  # nothing non-zero left to hide: the hidden cells are all there is
        added = True
