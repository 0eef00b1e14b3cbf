-- VR04 event_counted_once_by_kind
-- Events held = public events held + closed joint actions held in every project and period: each event is counted once, as exactly one of the two kinds.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR04' and violations > 0
