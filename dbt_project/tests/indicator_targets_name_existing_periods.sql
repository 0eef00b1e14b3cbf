-- A target in raw/programme/indicator_targets.csv names a period the project has (a month,
-- quarter or year the project overlaps, a cumulative month, or PTD).
select targets.*
from {{ ref('stg_programme__indicator_targets') }} as targets
left join {{ ref('int_reporting_periods_enumerated') }} as periods
    on periods.project_id = targets.project_id
    and periods.period_type = targets.period_type
    and periods.period_id = targets.period_id
where periods.project_id is null
