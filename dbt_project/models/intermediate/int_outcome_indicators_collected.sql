-- Outcome indicators of the follow-up survey (fct_followup_outcomes, built by the survey models) in
-- the long shape of int_indicator_values_computed: the project's latest survey wave is its
-- project-to-date value (period_aggregation 'latest'); earlier waves stay in fct_followup_outcomes.
-- Only the codes and disaggregations the catalogue lists. n is the respondents the value rests on:
-- those who answered the item for shares, totals and means; all respondents otherwise.
with outcomes as (
    select * from {{ ref('fct_followup_outcomes') }}
    where is_latest_wave
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
    where data_source = 'follow_up_survey'
)

select
    outcomes.project_id,
    outcomes.indicator_code,
    'project_to_date'                   as period_type,
    'PTD'                               as period_id,
    outcomes.disaggregation,
    outcomes.disaggregation_value,
    outcomes.value,
    cast(case when outcomes.denominator_kind = 'respondents_answering_item' then outcomes.denominator
              else outcomes.respondents end as bigint) as n,
    outcomes.numerator,
    outcomes.denominator
from outcomes
inner join catalogue
    on catalogue.indicator_code = outcomes.indicator_code
    and (outcomes.disaggregation = 'total'
         or {{ list_contains('catalogue.disaggregations', 'outcomes.disaggregation') }})
