-- Per validation rule and project: how many comparisons the rule made and how many did not hold,
-- counted in one pass over the comparisons (int_validation_comparisons_evaluated, a view). A
-- comparison that cannot be decided (a missing side) counts as a violation: a rule is never
-- passed by default. The singular tests in tests/validation/ fail the build on any violation,
-- and fct_validation_results publishes these counts for every rule and project.
select
    rule_code,
    project_id,
    cast(count(*) as bigint)                                        as comparisons,
    cast(sum(case when passed then 0 else 1 end) as bigint)          as violations
from {{ ref('int_validation_comparisons_evaluated') }}
group by rule_code, project_id
