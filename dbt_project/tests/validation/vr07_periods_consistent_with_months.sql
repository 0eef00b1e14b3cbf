-- VR07 periods_consistent_with_months
-- A quarter, year or project-to-date value of a summed indicator equals the sum of its months; that of a distinct count lies between its largest month and the sum of its months.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR07' and violations > 0
