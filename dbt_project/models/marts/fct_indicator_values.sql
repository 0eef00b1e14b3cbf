-- Indicator values per project, period and disaggregation cell (computed in
-- int_indicator_values_computed, never summed from shorter periods), with the catalogue's names,
-- the target that applies to a total, and the small-cell flag.
with indicator_values as (
    select * from {{ ref('int_indicator_values_computed') }}
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

periods as (
    select * from {{ ref('int_reporting_periods_enumerated') }}
),

targets as (
    select * from {{ ref('int_indicator_targets_resolved') }}
)

select
    indicator_values.project_id,
    indicator_values.indicator_code,
    catalogue.indicator_name,
    catalogue.unit,
    indicator_values.period_type,
    indicator_values.period_id,
    periods.period_start,
    periods.period_end,
    indicator_values.disaggregation,
    indicator_values.disaggregation_value,
    indicator_values.value,
    targets.target,
    case when targets.target > 0
         then round(100.0 * indicator_values.value / targets.target, 1) end as achievement_pct,
    -- A cell about 1 to 4 people (or their organisations) can identify them.
    (catalogue.suppress_small_cells and indicator_values.n between 1 and 4) as is_small_cell,
    catalogue.indicator_name_ru,
    catalogue.indicator_type,
    indicator_values.n,
    indicator_values.numerator,
    indicator_values.denominator
from indicator_values
inner join catalogue on catalogue.indicator_code = indicator_values.indicator_code
inner join periods
    on periods.project_id = indicator_values.project_id
    and periods.period_type = indicator_values.period_type
    and periods.period_id = indicator_values.period_id
left join targets
    on indicator_values.disaggregation = 'total'
    and targets.project_id = indicator_values.project_id
    and targets.indicator_code = indicator_values.indicator_code
    and targets.period_type = indicator_values.period_type
    and targets.period_id = indicator_values.period_id
