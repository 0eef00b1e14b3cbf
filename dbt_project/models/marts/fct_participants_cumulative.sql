-- Cumulative unique participants at each month end of a project, against a linear trajectory
-- from zero at the project's start to the target at its end.
with first_participation as (
    select project_id, person_key, min(participated_on) as first_participated_on
    from {{ ref('int_participations_deduplicated') }}
    group by project_id, person_key
),

months as (
    select period_start, period_end, project_id
    from {{ ref('int_reporting_periods_enumerated') }}
    where period_type = 'month'
),

projects as (
    select
        project_id,
        start_date,
        participant_target,
        {{ months_between('start_date', 'end_date') }} + 1 as project_months
    from {{ ref('stg_programme__projects') }}
)

select
    months.project_id,
    months.period_end as month_end,
    cast(count(first_participation.person_key) as bigint) as cumulative_unique_participants,
    round(
        projects.participant_target * ({{ months_between('projects.start_date', 'months.period_start') }} + 1)
        / projects.project_months, 1
    ) as target_trajectory
from months
inner join projects on projects.project_id = months.project_id
left join first_participation
    on first_participation.project_id = months.project_id
    and first_participation.first_participated_on <= months.period_end
group by months.project_id, months.period_end, months.period_start, projects.participant_target,
         projects.start_date, projects.project_months
