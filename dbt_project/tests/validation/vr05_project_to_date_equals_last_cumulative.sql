-- VR05 project_to_date_equals_last_cumulative
-- The project-to-date value equals the cumulative value at the end of the project's last month, for every indicator and cell.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR05' and violations > 0
