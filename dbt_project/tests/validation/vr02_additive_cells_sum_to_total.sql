-- VR02 additive_cells_sum_to_total
-- For each indicator and each disaggregation the catalogue lists as additive (a partition: every person, participation or organisation sits in exactly one cell), the cells add up to the total in every project and period.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules, and int_validation_comparisons_evaluated, where the comparisons are made:
-- filter it on this rule_code and `passed is not true` for the failing cells).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR02' and violations > 0
