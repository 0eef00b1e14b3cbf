-- VR01 unique_participants_not_above_participations
-- Unique participants never exceed participations, in every project, period and cell: a person counts once, a participation once per person and event.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR01' and violations > 0
