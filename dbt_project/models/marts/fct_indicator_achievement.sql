-- Achievement against every target: the value, the target, the percentage, and whether the
-- project is on track against a straight line from the baseline at the period's start to the
-- target at its end. Progress is measured in whole months up to the earlier of the period's end
-- and the build date, as in fct_participants_cumulative. Ratios and 'latest' indicators have no
-- trajectory: their expected value is the target itself.
with targets as (
    select * from {{ ref('int_indicator_targets_resolved') }}
),

periods as (
    select
        *,
        case when period_end < current_date then period_end else current_date end as as_of_date
    from {{ ref('int_reporting_periods_enumerated') }}
),

totals as (
    select * from {{ ref('int_indicator_values_computed') }}
    where disaggregation = 'total'
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

progress as (
    select
        targets.project_id,
        targets.indicator_code,
        catalogue.indicator_name,
        catalogue.unit,
        targets.period_type,
        targets.period_id,
        periods.period_start,
        periods.period_end,
        periods.as_of_date,
        totals.value,
        targets.baseline,
        targets.target,
        targets.target_source,
        catalogue.period_aggregation in {{ count_aggregations() }} as follows_trajectory,
        {{ months_between('periods.period_start', 'periods.period_end') }} + 1 as period_months,
        {{ months_between('periods.period_start', 'periods.as_of_date') }} + 1 as months_elapsed
    from targets
    inner join catalogue on catalogue.indicator_code = targets.indicator_code
    inner join periods
        on periods.project_id = targets.project_id
        and periods.period_type = targets.period_type
        and periods.period_id = targets.period_id
    left join totals
        on totals.project_id = targets.project_id
        and totals.indicator_code = targets.indicator_code
        and totals.period_type = targets.period_type
        and totals.period_id = targets.period_id
),

expected as (
    select
        *,
        case
            when not follows_trajectory then target
            when months_elapsed <= 0 then baseline
            when months_elapsed >= period_months then target
            else round(baseline + (target - baseline) * months_elapsed / period_months, 1)
        end as expected_value
    from progress
)

select
    project_id,
    indicator_code,
    indicator_name,
    unit,
    period_type,
    period_id,
    period_start,
    period_end,
    as_of_date,
    value,
    baseline,
    target,
    target_source,
    case when target > 0 and value is not null then round(100.0 * value / target, 1) end as achievement_pct,
    expected_value,
    case when value is not null then value >= expected_value end as is_on_track,
    case when value is not null then value >= target end as is_target_reached
from expected
