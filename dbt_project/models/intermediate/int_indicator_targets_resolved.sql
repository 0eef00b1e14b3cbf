-- Every target that applies to a project, indicator and period, with where it came from:
--   targets file   raw/programme/indicator_targets.csv (wins over the registry for the same period)
--   registry       the project registry's participant_target: unique participants, project to date
--   trajectory     each cumulative month of a project-to-date target of a count indicator, on a
--                  straight line from the baseline at the project's start to the target in its
--                  last month (an explicit cumulative target in the file wins)
-- Targets are minimums ("at least 200 participants").
with projects as (
    select
        project_id,
        start_date,
        end_date,
        participant_target,
        {{ months_between('start_date', 'end_date') }} + 1 as project_months
    from {{ ref('stg_programme__projects') }}
),

catalogue as (
    select indicator_code, period_aggregation, baseline from {{ ref('indicator_catalogue') }}
),

file_targets as (
    select project_id, indicator_code, period_type, period_id, baseline, target,
           'targets_file' as target_source
    from {{ ref('stg_programme__indicator_targets') }}
),

registry_targets as (
    select project_id, 'unique_participants' as indicator_code, 'project_to_date' as period_type,
           'PTD' as period_id, cast(null as double) as baseline, cast(participant_target as double) as target,
           'registry' as target_source
    from projects
    where participant_target is not null
),

explicit_targets as (
    select * from file_targets
    union all
    select * from registry_targets
    where not exists (
        select 1 from file_targets
        where file_targets.project_id = registry_targets.project_id
          and file_targets.indicator_code = registry_targets.indicator_code
          and file_targets.period_type = registry_targets.period_type
          and file_targets.period_id = registry_targets.period_id
    )
),

with_baselines as (
    select
        explicit_targets.project_id,
        explicit_targets.indicator_code,
        explicit_targets.period_type,
        explicit_targets.period_id,
        coalesce(explicit_targets.baseline, catalogue.baseline, 0) as baseline,
        explicit_targets.target,
        explicit_targets.target_source
    from explicit_targets
    inner join catalogue on catalogue.indicator_code = explicit_targets.indicator_code
),

trajectory_targets as (
    select
        whole.project_id,
        whole.indicator_code,
        months.period_type,
        months.period_id,
        whole.baseline,
        round(whole.baseline + (whole.target - whole.baseline)
              * ({{ months_between('projects.start_date', 'months.period_end') }} + 1)
              / projects.project_months, 1) as target,
        'trajectory' as target_source
    from with_baselines as whole
    inner join projects on projects.project_id = whole.project_id
    inner join catalogue on catalogue.indicator_code = whole.indicator_code
    inner join {{ ref('int_reporting_periods_enumerated') }} as months
        on months.project_id = whole.project_id and months.period_type = 'cumulative'
    where whole.period_type = 'project_to_date'
      and catalogue.period_aggregation in {{ count_aggregations() }}
      and not exists (
          select 1 from with_baselines as explicit_month
          where explicit_month.project_id = whole.project_id
            and explicit_month.indicator_code = whole.indicator_code
            and explicit_month.period_type = 'cumulative'
            and explicit_month.period_id = months.period_id
      )
)

select project_id, indicator_code, period_type, period_id, baseline, target, target_source from with_baselines
union all
select project_id, indicator_code, period_type, period_id, baseline, target, target_source from trajectory_targets
