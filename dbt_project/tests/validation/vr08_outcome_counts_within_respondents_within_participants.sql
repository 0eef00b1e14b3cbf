-- VR08 outcome_counts_within_respondents_within_participants
-- Follow-up survey, every wave and cell: respondents (or their organisations) with an outcome <= the respondents who answered the item (or their organisations) <= all respondents <= the project's participants.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR08' and violations > 0
