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

from collections import defaultdict

import polars as pl

THRESHOLD = 5
TOTAL = "total"
PRIMARY, COMPLEMENTARY = "primary", "complementary"

_TABLE_KEY = ("project_id", "indicator_code", "period_type", "period_id")

__all__ = ["COMPLEMENTARY", "PRIMARY", "THRESHOLD", "suppress_small_cells"]


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
    records = frame.to_dicts()
    reason: dict[int, str] = {}
    for i, rec in enumerate(records):
        units = rec.get("n") if rec.get("n") is not None else rec["value"]
        small = rec.get("is_small_cell") is True or (
            rec["indicator_code"] in person_indicators
            and units is not None and 0 < float(units) < THRESHOLD
        )
        if small:
            reason[i] = PRIMARY

    relations = _relations(records, additive or {})
    # A total hidden by one relation exposes it in its table's other relations: repeat until stable.
    while any([_protect(records, total, parts, reason) for total, parts in relations]):
        pass

    return frame.with_columns(
        pl.Series("suppressed", [i in reason for i in range(len(records))], dtype=pl.Boolean),
        pl.Series("suppression", [reason.get(i, "") for i in range(len(records))], dtype=pl.String),
    )


def _relations(records: list[dict], additive: dict[str, frozenset[str]]) -> list[tuple[int | None, list[int]]]:
    """(index of the total or None, indices of the cells) for every table × additive disaggregation."""
    totals: dict[tuple, int] = {}
    families: dict[tuple, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        table = tuple(rec[k] for k in _TABLE_KEY)
        if rec["disaggregation"] == TOTAL:
            totals[table] = i
        elif rec["indicator_code"] not in additive or rec["disaggregation"] in additive[rec["indicator_code"]]:
            families[(*table, rec["disaggregation"])].append(i)
    relations = []
    for family in sorted(families, key=lambda k: tuple(str(v) for v in k)):
        parts = sorted(families[family], key=lambda i: str(records[i]["disaggregation_value"]))
        relations.append((totals.get(family[:-1]), parts))
    return relations


def _value(records: list[dict], i: int) -> float:
    value = records[i]["value"]
    return 0.0 if value is None else float(value)


def _protect(records: list[dict], total: int | None, parts: list[int], reason: dict[int, str]) -> bool:
    """Add complementary cells to one relation until rules 2a and 2b hold; True if any was added.

    Only relations whose total is published can be differenced.
    """
    if total is None:
        return False
    cells = [total, *parts]
    added = False
    while True:
        hidden = [i for i in cells if i in reason]
        if not hidden:
            return added
        exposed = len(hidden) == 1
        if not exposed and total not in reason:
            derivable = sum(_value(records, i) for i in hidden)
            exposed = 0 < derivable < THRESHOLD
        if not exposed:
            return added
        candidates = sorted(
            (i for i in parts if i not in reason and _value(records, i) > 0),
            key=lambda i: (_value(records, i), str(records[i]["disaggregation_value"])),
        )
        if candidates:
            reason[candidates[0]] = COMPLEMENTARY
        elif total not in reason and _value(records, total) > 0:
            reason[total] = COMPLEMENTARY
        else:
            return added  # nothing non-zero left to hide: the hidden cells are all there is
        added = True
