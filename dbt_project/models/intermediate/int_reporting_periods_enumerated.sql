-- Every reporting period of every project: months, quarters, calendar years, project-to-date,
-- and the cumulative periods 'from the project start to the end of month M' that a monthly
-- report shows as its running total.
with projects as (
    select project_id, start_date, end_date from {{ ref('stg_programme__projects') }}
),

months as (
    select project_id, start_date as project_start, end_date as project_end,
           {{ month_spine('start_date', 'end_date') }} as month_start
    from projects
),

month_periods as (
    select
        project_id,
        'month'                                     as period_type,
        {{ format_month('month_start') }}           as period_id,
        month_start                                 as period_start,
        {{ month_end('month_start') }}              as period_end
    from months
),

quarter_periods as (
    select distinct
        project_id,
        'quarter'                                   as period_type,
        cast(extract(year from month_start) as varchar) || 'Q'
            || cast(extract(quarter from month_start) as varchar)         as period_id,
        cast(date_trunc('quarter', month_start) as date)                  as period_start,
        {{ month_end(add_months("cast(date_trunc('quarter', month_start) as date)", 2)) }} as period_end
    from months
),

year_periods as (
    select distinct
        project_id,
        'year'                                      as period_type,
        cast(extract(year from month_start) as varchar)                   as period_id,
        cast(date_trunc('year', month_start) as date)                     as period_start,
        {{ month_end(add_months("cast(date_trunc('year', month_start) as date)", 11)) }} as period_end
    from months
),

cumulative_periods as (
    select
        project_id,
        'cumulative'                                as period_type,
        {{ format_month('month_start') }}           as period_id,
        project_start                               as period_start,
        {{ month_end('month_start') }}              as period_end
    from months
),

project_to_date as (
    select project_id, 'project_to_date' as period_type, 'PTD' as period_id,
           start_date as period_start, end_date as period_end
    from projects
)

select * from month_periods
union all select * from quarter_periods
union all select * from year_periods
union all select * from cumulative_periods
union all select * from project_to_date
