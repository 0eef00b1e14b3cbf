-- VR03 cumulative_never_decreases
-- The cumulative series (project start to the end of each month) of every count indicator (period_aggregation distinct, recount, sum or max) never decreases from one month to the next, in the total and in every cell.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR03' and violations > 0
