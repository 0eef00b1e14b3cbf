-- VR02 additive_cells_sum_to_total
-- For each indicator and each disaggregation the catalogue lists as additive (a partition: every person, participation or organisation sits in exactly one cell), the cells add up to the total in every project and period.
-- Blocking: any comparison that fails stops the build before publishing (see the seed
-- validation_rules and int_validation_rules_evaluated, where the comparisons are made).
select *
from {{ ref('int_validation_rules_evaluated') }}
where rule_code = 'VR02' and not passed
