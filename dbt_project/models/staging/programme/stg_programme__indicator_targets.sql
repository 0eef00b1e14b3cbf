-- Indicator targets as the programme wrote them. The ingest asset has already checked that
-- target and baseline are numbers and period ids are well formed; a project-to-date target
-- may leave period_id empty.
select
    trim(project_id)                                    as project_id,
    trim(indicator_code)                                as indicator_code,
    lower(trim(period_type))                            as period_type,
    case when lower(trim(period_type)) = 'project_to_date' then 'PTD'
         else upper(trim(period_id)) end                as period_id,
    cast(target as double)                              as target,
    cast(nullif(trim(baseline), '') as double)          as baseline,
    nullif(trim(note), '')                              as note
from {{ source('raw', 'indicator_targets') }}
