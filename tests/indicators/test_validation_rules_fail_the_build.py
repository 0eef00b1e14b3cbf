"""A deliberately broken indicator model breaks a validation rule, and the broken rule fails the
build (dbt build exits non-zero, so the Dagster step fails and nothing is published).

Each case copies the dbt project, plants one classic counting bug in a copy of a model and
builds the hand-made fixture of test_indicator_values.py with it."""

from __future__ import annotations

import pytest

from indicator_warehouse import copy_dbt_project, dbt_build
from test_indicator_values import write_fixture

pytestmark = pytest.mark.xdist_group("indicators")

# case → (the rule that must catch it, file, correct line, buggy line)
BUGS = {
    # Participations by country counted one too many per cell: the cells no longer add up.
    "cells_miscounted": (
        "vr02_additive_cells_sum_to_total",
        "models/intermediate/int_indicator_values_computed.sql",
        "sum(participations)                                                     as participations,",
        "sum(participations) + case when grouping(country_code) = 0 then 1 else 0 end as participations,",
    ),
    # "Cumulative" periods that start at their month instead of the project's start: a month
    # value in disguise: events held fall from February (one event) to March (none).
    "cumulative_periods_start_each_month": (
        "vr03_cumulative_never_decreases",
        "models/intermediate/int_reporting_periods_enumerated.sql",
        "        project_start                               as period_start,",
        "        month_start                                 as period_start,",
    ),
    # Cumulative values that forget to add up their months' increments: each month shows only
    # what it added, so the series falls from January (4 new persons) to March (none).
    "running_sum_forgets_earlier_months": (
        "vr03_cumulative_never_decreases",
        "macros/indicators.sql",
        "rows between unbounded preceding and current row",
        "rows between current row and current row",
    ),
}


@pytest.mark.parametrize("case", sorted(BUGS))
def test_a_broken_rule_fails_the_build(tmp_path, case):
    project = copy_dbt_project(tmp_path / "dbt_project")
    broken_rule, model, correct, buggy = BUGS[case]
    source = (project / model).read_text()
    assert source.count(correct) == 1, f"{model} no longer contains the line this test breaks"
    (project / model).write_text(source.replace(correct, buggy))
    database = tmp_path / "warehouse.duckdb"
    write_fixture(database)

    build = dbt_build(database, tmp_path / "target", project_dir=project, select=["+fct_validation_results"])

    assert not build.success
    assert build.results[broken_rule] == "fail"
    # The certificate of the rules is not built from values that broke them.
    assert build.results["fct_validation_results"] == "skipped"
    # Nothing but validation rules failed: the bug is caught by the rule, not by chance.
    assert all(name.startswith("vr0") for name in build.failed()), sorted(build.failed())
    # The failing cells are listed by the drill-down the docs give (the comparisons view), and
    # they are the violations the rule's test counted, project by project.
    rule_code = broken_rule[:4].upper()
    cells = build.query(
        "select project_id, count(*) as cells from intermediate.int_validation_comparisons_evaluated "
        f"where rule_code = '{rule_code}' and passed is not true group by project_id order by project_id")
    counted = build.query(
        "select project_id, violations as cells from intermediate.int_validation_rules_evaluated "
        f"where rule_code = '{rule_code}' and violations > 0 order by project_id")
    assert cells.height > 0
    assert cells.rows() == counted.rows()
