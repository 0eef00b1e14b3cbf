-- Data quality of a build, one row per source file and quarantine reason: every registration
-- export (its rows read, loaded and quarantined, by reason), every survey response file (its
-- answers, by the same logic), every statistics file and the programme registries, with when
-- each was ingested and the dates its data covers.
-- Aggregates only: quarantined cells, reason details and error texts stay in the warehouse
-- (they can quote an email address or a name).
with registration_file_status as (
    -- stg_registrations__files has no status column; the file manifest has.
    select _source_file as source_file, status
    from {{ source('raw', 'registration_files') }}
),

registration_files as (
    select
        'registrations'                         as source,
        files.source_file,
        files.file_hash,
        files.event_id,
        events.project_id,
        cast(null as varchar)                   as dataset,
        files.file_format,
        coalesce(status.status, 'loaded')       as file_status,
        cast(files.rows_read as bigint)         as rows_read,
        cast(files.rows_staged as bigint)       as rows_loaded,
        cast(files.rows_quarantined as bigint)  as rows_quarantined,
        files.ingested_at,
        events.start_date                       as data_from,
        events.end_date                         as data_to
    from {{ ref('stg_registrations__files') }} as files
    left join registration_file_status as status on status.source_file = files.source_file
    left join {{ ref('stg_programme__events') }} as events on events.event_id = files.event_id
),

survey_files as (
    -- A survey file's "rows" are its answers (one per respondent and item); blank cells are item
    -- non-response, neither read nor quarantined (pipelines/surveys/responses.py).
    select
        'surveys'                               as source,
        source_file,
        file_hash,
        cast(null as varchar)                   as event_id,
        cast(null as varchar)                   as project_id,
        survey                                  as dataset,
        file_format,
        status                                  as file_status,
        cast(answers_read as bigint)            as rows_read,
        cast(answers_scored + answers_dont_know + answers_not_applicable as bigint) as rows_loaded,
        cast(answers_quarantined as bigint)     as rows_quarantined,
        cast(null as timestamp with time zone)  as ingested_at,
        cast(null as date)                      as data_from,
        cast(null as date)                      as data_to
    from (
        select *, 'policy_survey' as survey from {{ ref('stg_surveys__policy_files') }}
        union all
        select *, 'followup_survey' as survey from {{ ref('stg_surveys__followup_files') }}
    ) as files
),

quarantine_reasons as (
    select source_file, reason_code, count(*) as quarantined_rows
    from (
        select source_file, reason_code from {{ ref('stg_registrations__quarantined_rows') }}
        union all
        select source_file, reason_code from {{ ref('stg_surveys__policy_quarantined_answers') }}
        union all
        select source_file, reason_code from {{ ref('stg_surveys__followup_quarantined_answers') }}
    ) as quarantined
    group by source_file, reason_code
),

statistics_period_names as (
    -- Tidy period names (pipelines/statistics/tidy.py): 2016, 2016S1, 2016Q1, 2016W05, 2016-03,
    -- 2016-03-01, or a month interval 2016-01/2016-09.
    select distinct
        _source_file as source_file,
        period,
        case when period like '%/%' then substr(period, 1, 7) else period end as first_name,
        case when period like '%/%' then substr(period, 9, 7) else period end as last_name
    from {{ source('raw', 'regional_statistics') }}
    where period is not null
),

statistics_period_months as (
    -- The first and last month of each period (a week counts as its year).
    select
        source_file,
        cast(substr(first_name, 1, 4) as integer) as first_year,
        case
            when length(first_name) >= 7 and substr(first_name, 5, 1) = '-' then cast(substr(first_name, 6, 2) as integer)
            when substr(first_name, 5, 1) = 'Q' then cast(substr(first_name, 6, 1) as integer) * 3 - 2
            when substr(first_name, 5, 1) = 'S' then cast(substr(first_name, 6, 1) as integer) * 6 - 5
            else 1
        end as first_month,
        case when length(first_name) = 10 then cast(substr(first_name, 9, 2) as integer) else 1 end as first_day,
        cast(substr(last_name, 1, 4) as integer) as last_year,
        case
            when length(last_name) >= 7 and substr(last_name, 5, 1) = '-' then cast(substr(last_name, 6, 2) as integer)
            when substr(last_name, 5, 1) = 'Q' then cast(substr(last_name, 6, 1) as integer) * 3
            when substr(last_name, 5, 1) = 'S' then cast(substr(last_name, 6, 1) as integer) * 6
            else 12
        end as last_month,
        length(last_name) = 10 as last_is_day,
        last_name
    from statistics_period_names
),

statistics_periods as (
    select
        source_file,
        min(cast(
            cast(first_year as varchar) || '-' || lpad(cast(first_month as varchar), 2, '0') || '-'
            || lpad(cast(first_day as varchar), 2, '0') as date
        )) as data_from,
        max(case
            when last_is_day then cast(last_name as date)
            else {{ month_end("cast(cast(last_year as varchar) || '-' || lpad(cast(last_month as varchar), 2, '0') || '-01' as date)") }}
        end) as data_to
    from statistics_period_months
    group by source_file
),

statistics_files as (
    select
        'statistics'                            as source,
        files.source_file,
        files.source_file_hash                  as file_hash,
        cast(null as varchar)                   as event_id,
        cast(null as varchar)                   as project_id,
        files.dataset,
        files.source_format                     as file_format,
        files.status                            as file_status,
        cast(files.observations as bigint)      as rows_read,
        cast(files.observations as bigint)      as rows_loaded,
        cast(0 as bigint)                       as rows_quarantined,
        files.ingested_at,
        periods.data_from,
        periods.data_to
    from {{ ref('stg_statistics__files') }} as files
    left join statistics_periods as periods on periods.source_file = files.source_file
),

programme_registries as (
    select
        _source_file as source_file, max(_file_hash) as file_hash, count(*) as rows_read,
        max(_ingested_at) as ingested_at,
        min(cast(start_date as date)) as data_from, max(cast(end_date as date)) as data_to
    from {{ source('raw', 'projects') }}
    group by _source_file
    union all
    select
        _source_file, max(_file_hash), count(*),
        max(_ingested_at), min(cast(start_date as date)),
        max(cast(coalesce(nullif(trim(end_date), ''), start_date) as date))
    from {{ source('raw', 'events') }}
    group by _source_file
),

programme_files as (
    select
        'programme'                             as source,
        source_file,
        file_hash,
        cast(null as varchar)                   as event_id,
        cast(null as varchar)                   as project_id,
        cast(null as varchar)                   as dataset,
        'csv'                                   as file_format,
        'loaded'                                as file_status,
        cast(rows_read as bigint)               as rows_read,
        cast(rows_read as bigint)               as rows_loaded,
        cast(0 as bigint)                       as rows_quarantined,
        ingested_at,
        data_from,
        data_to
    from programme_registries
),

source_files as (
    select * from registration_files
    union all
    select * from survey_files
    union all
    select * from statistics_files
    union all
    select * from programme_files
)

select
    source_files.source,
    source_files.source_file,
    source_files.file_hash,
    source_files.event_id,
    source_files.project_id,
    source_files.dataset,
    source_files.file_format,
    source_files.file_status,
    source_files.rows_read,
    source_files.rows_loaded,
    source_files.rows_quarantined,
    source_files.rows_read = source_files.rows_loaded + source_files.rows_quarantined as is_reconciled,
    coalesce(quarantine_reasons.reason_code, 'none')                as quarantine_reason,
    cast(coalesce(quarantine_reasons.quarantined_rows, 0) as bigint) as quarantined_rows,
    source_files.ingested_at,
    source_files.data_from,
    source_files.data_to
from source_files
left join quarantine_reasons on quarantine_reasons.source_file = source_files.source_file
