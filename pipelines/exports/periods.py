"""Reporting periods of a funder delivery: months, quarters and the final report.

A project reports every calendar month and every calendar quarter it runs in, and once at its
end (``final``). Quarters and the final report are clipped to the project: Joining Creativity
(Feb 2016 – Apr 2017) reports 2016Q1 for February–March and 2017Q2 for April only. A period
is *due* on the day after its (clipped) last day: the monthly schedule, ticking on the first
of each month, finds the month just finished, the quarter just finished and a project's final
report due together.
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass

MONTH, QUARTER, FINAL = "month", "quarter", "final"
KINDS = (MONTH, QUARTER, FINAL)
FINAL_PERIOD_ID = "final"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")

__all__ = [
    "FINAL", "FINAL_PERIOD_ID", "KINDS", "MONTH", "QUARTER", "ReportingPeriod", "due_periods", "falling_due",
    "period_bounds", "period_kind", "project_periods", "reporting_period",
]


@dataclass(frozen=True)
class ReportingPeriod:
    """One delivery's period. ``start``/``end`` are clipped to the project's dates."""

    kind: str
    period_id: str
    start: dt.date
    end: dt.date

    @property
    def due_on(self) -> dt.date:
        """The first day the delivery can be produced: the day after the period's last day."""
        return self.end + dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == FINAL:
            return "Final report (whole project)"
        return f"{'Month' if self.kind == MONTH else 'Quarter'} {self.period_id}"


def period_bounds(period_id: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``2016-03`` (month), ``2016Q1`` (quarter) or ``2016`` (year)."""
    text = str(period_id).strip()
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"bad month in period id {period_id!r}")
        return dt.date(year, month, 1), dt.date(year, month, monthrange(year, month)[1])
    if m := _QUARTER.match(text):
        year, quarter = int(m.group(1)), int(m.group(2))
        first, last = 3 * quarter - 2, 3 * quarter
        return dt.date(year, first, 1), dt.date(year, last, monthrange(year, last)[1])
    if m := _YEAR.match(text):
        year = int(m.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(f"period id {period_id!r} is not YYYY-MM, YYYYQn or YYYY")


def period_kind(period_id: str) -> str:
    """``month``, ``quarter`` or ``final`` for a delivery's period id; ValueError otherwise."""
    text = str(period_id).strip()
    if text.lower() == FINAL_PERIOD_ID:
        return FINAL
    if _MONTH.match(text):
        period_bounds(text)  # rejects month 13
        return MONTH
    if _QUARTER.match(text):
        return QUARTER
    raise ValueError(f"reporting period {period_id!r} is not YYYY-MM, YYYYQn or 'final'")


def reporting_period(period_id: str, project_start: dt.date, project_end: dt.date) -> ReportingPeriod:
    """The project's reporting period ``period_id``; ValueError when the project does not run in it."""
    kind = period_kind(period_id)
    if kind == FINAL:
        return ReportingPeriod(FINAL, FINAL_PERIOD_ID, project_start, project_end)
    period_id = period_id.upper() if kind == QUARTER else period_id
    start, end = period_bounds(period_id)
    if end < project_start or start > project_end:
        raise ValueError(
            f"the project runs {project_start} – {project_end}: it has no reporting period {period_id}")
    return ReportingPeriod(kind, period_id, max(start, project_start), min(end, project_end))


def project_periods(project_start: dt.date, project_end: dt.date) -> list[ReportingPeriod]:
    """Every reporting period of a project, in the order they fall due (months before the quarter
    they close, the final report last)."""
    periods: list[ReportingPeriod] = []
    year, month = project_start.year, project_start.month
    while (year, month) <= (project_end.year, project_end.month):
        month_id = f"{year:04d}-{month:02d}"
        periods.append(reporting_period(month_id, project_start, project_end))
        closes_quarter = month % 3 == 0 or (year, month) == (project_end.year, project_end.month)
        if closes_quarter:
            periods.append(reporting_period(f"{year:04d}Q{(month + 2) // 3}", project_start, project_end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    periods.append(reporting_period(FINAL_PERIOD_ID, project_start, project_end))
    return periods


def due_periods(project_start: dt.date, project_end: dt.date, as_of: dt.date) -> list[ReportingPeriod]:
    """The project's periods whose delivery is due on ``as_of`` (their last day has passed)."""
    return [p for p in project_periods(project_start, project_end) if p.due_on <= as_of]


def falling_due(project_start: dt.date, project_end: dt.date, after: dt.date, upto: dt.date) -> list[ReportingPeriod]:
    """The project's periods that fall due in ``(after, upto]``: what one schedule tick delivers new."""
    return [p for p in project_periods(project_start, project_end) if after < p.due_on <= upto]
