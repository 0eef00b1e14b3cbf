-- One row per validation rule and project: how many comparisons the rule made and how many
-- failed. A build with a failed rule stops before publishing (tests/validation/), so a published
-- release always shows zero violations: this mart certifies what was checked.
with evaluated as (
    select * from {{ ref('int_validation_rules_evaluated') }}
),

rules as (
    select * from {{ ref('validation_rules') }}
),

projects as (
    select project_id from {{ ref('stg_programme__projects') }}
)

select
    rules.rule_code,
    rules.rule_name,
    rules.description as rule_description,
    projects.project_id,
    -- a rule that made no comparison in a project (no survey wave yet, …) shows 0 of 0
    cast(coalesce(evaluated.comparisons, 0) as bigint) as comparisons,
    cast(coalesce(evaluated.violations, 0) as bigint) as violations,
    coalesce(evaluated.violations, 0) = 0 as passed
from rules
cross join projects
left join evaluated
    on evaluated.rule_code = rules.rule_code
    and evaluated.project_id = projects.project_id
