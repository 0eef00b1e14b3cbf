-- VR06 part_not_above_whole
-- An indicator never exceeds the indicator that bounds it in the catalogue (column bounded_by) in the same project, period and cell, e.g. cross-border participations <= participations.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR06' and violations > 0
