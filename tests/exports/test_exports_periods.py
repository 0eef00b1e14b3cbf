"""Reporting periods: months, quarters clipped to the project, the final report, due dates."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.exports.periods import (
    due_periods, falling_due, period_bounds, period_kind, project_periods, reporting_period,
)

D = dt.date
JC_START, JC_END = D(2016, 2, 1), D(2017, 4, 30)  # Joining Creativity


def test_joining_creativity_has_15_months_6_quarters_and_a_final_report():
    periods = project_periods(JC_START, JC_END)
    kinds = [p.kind for p in periods]
    assert kinds.count("month") == 15 and kinds.count("quarter") == 6 and kinds.count("final") == 1
    ids = [p.period_id for p in periods]
    assert ids[:4] == ["2016-02", "2016-03", "2016Q1", "2016-04"]
    assert ids[-3:] == ["2017-04", "2017Q2", "final"]


def test_quarters_and_final_are_clipped_to_the_project():
    q1 = reporting_period("2016Q1", JC_START, JC_END)
    assert (q1.start, q1.end, q1.due_on) == (D(2016, 2, 1), D(2016, 3, 31), D(2016, 4, 1))
    q2 = reporting_period("2017q2", JC_START, JC_END)  # April only: the project ends on 30 April
    assert (q2.period_id, q2.start, q2.end, q2.due_on) == ("2017Q2", D(2017, 4, 1), D(2017, 4, 30), D(2017, 5, 1))
    final = reporting_period("final", JC_START, JC_END)
    assert (final.start, final.end, final.due_on) == (JC_START, JC_END, D(2017, 5, 1))


def test_due_periods_as_of_a_date():
    assert [p.period_id for p in due_periods(JC_START, JC_END, D(2016, 3, 31))] == ["2016-02"]
    assert [p.period_id for p in due_periods(JC_START, JC_END, D(2016, 4, 1))] == ["2016-02", "2016-03", "2016Q1"]
    assert len(due_periods(JC_START, JC_END, D(2030, 1, 1))) == 22
    assert due_periods(JC_START, JC_END, D(2016, 2, 1)) == []


def test_what_falls_due_at_each_monthly_tick():
    def at(tick):
        previous = (tick.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        return [p.period_id for p in falling_due(JC_START, JC_END, previous, tick)]

    assert at(D(2016, 3, 1)) == ["2016-02"]
    assert at(D(2016, 4, 1)) == ["2016-03", "2016Q1"]
    assert at(D(2016, 5, 1)) == ["2016-04"]
    assert at(D(2017, 1, 1)) == ["2016-12", "2016Q4"]
    assert at(D(2017, 5, 1)) == ["2017-04", "2017Q2", "final"]
    assert at(D(2017, 6, 1)) == []


def test_a_project_ending_mid_month_is_due_the_next_day():
    final = reporting_period("final", D(2016, 1, 1), D(2016, 5, 15))
    assert final.due_on == D(2016, 5, 16)
    may = reporting_period("2016-05", D(2016, 1, 1), D(2016, 5, 15))
    assert may.end == D(2016, 5, 15)


@pytest.mark.parametrize("period_id", ["2016-01", "2017-05", "2015Q4", "2017Q3"])
def test_periods_outside_the_project_are_refused(period_id):
    with pytest.raises(ValueError, match="no reporting period"):
        reporting_period(period_id, JC_START, JC_END)


@pytest.mark.parametrize("bad", ["2016-13", "2016Q5", "PTD", "", "2016", "2016-3"])
def test_period_kind_rejects(bad):
    with pytest.raises(ValueError):
        period_kind(bad)


@pytest.mark.parametrize(
    ("period_id", "bounds"),
    [
        ("2016-02", (D(2016, 2, 1), D(2016, 2, 29))),  # leap year
        ("2017-02", (D(2017, 2, 1), D(2017, 2, 28))),
        ("2016Q4", (D(2016, 10, 1), D(2016, 12, 31))),
        ("2016", (D(2016, 1, 1), D(2016, 12, 31))),
    ],
)
def test_period_bounds(period_id, bounds):
    assert period_bounds(period_id) == bounds
