-- Cumulative unique participants at each month end of a project (the cumulative series of
-- unique_participants in fct_indicator_values), against the linear trajectory from the baseline at
-- the project's start to its participant target in its last month.
with cumulative_totals as (
    select project_id, period_id, value
    from {{ ref('int_indicator_values_computed') }}
    where indicator_code = 'unique_participants'
      and period_type = 'cumulative'
      and disaggregation = 'total'
),

months as (
    select project_id, period_id, period_end
    from {{ ref('int_reporting_periods_enumerated') }}
    where period_type = 'cumulative'
),

trajectory as (
    select project_id, period_id, target
    from {{ ref('int_indicator_targets_resolved') }}
    where indicator_code = 'unique_participants' and period_type = 'cumulative'
)

select
    months.project_id,
    months.period_end                                           as month_end,
    cast(coalesce(cumulative_totals.value, 0) as bigint)        as cumulative_unique_participants,
    trajectory.target                                           as target_trajectory
from months
left join cumulative_totals
    on cumulative_totals.project_id = months.project_id and cumulative_totals.period_id = months.period_id
left join trajectory
    on trajectory.project_id = months.project_id and trajectory.period_id = months.period_id
