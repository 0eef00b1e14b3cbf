-- Indicator values per project, period and disaggregation. Values over a period are computed
-- from the participations in that period, never summed from shorter periods (unique persons
-- over a year are not the sum of monthly uniques).
with participations as (
    select
        p.person_key,
        p.event_id,
        p.project_id,
        p.participated_on,
        persons.organisation_key,
        persons.target_group,
        coalesce(persons.country_code, 'unknown') as country_code,
        coalesce(persons.country_code <> p.event_country_code, false) as is_cross_border
    from {{ ref('int_participations_deduplicated') }} as p
    inner join {{ ref('int_persons_profiled') }} as persons on persons.person_key = p.person_key
),

periods as (
    select * from {{ ref('int_reporting_periods_enumerated') }}
),

in_period as (
    select periods.period_type, periods.period_id, periods.period_start, periods.period_end, participations.*
    from periods
    inner join participations
        on participations.project_id = periods.project_id
        and participations.participated_on between periods.period_start and periods.period_end
),

totals as (
    select
        periods.project_id, periods.period_type, periods.period_id, periods.period_start, periods.period_end,
        'total' as disaggregation, 'total' as disaggregation_value,
        count(distinct in_period.person_key)        as unique_participants,
        count(in_period.person_key)                 as participations,
        count(distinct in_period.event_id)          as events_held,
        count(distinct in_period.organisation_key)  as organisations_participating,
        sum(case when in_period.is_cross_border then 1 else 0 end) as cross_border_participations
    from periods
    left join in_period
        on in_period.project_id = periods.project_id
        and in_period.period_type = periods.period_type
        and in_period.period_id = periods.period_id
    group by periods.project_id, periods.period_type, periods.period_id, periods.period_start, periods.period_end
),

{% set breakdowns = {'target_group': 'target_group', 'country': 'country_code'} %}
{% for disaggregation, column in breakdowns.items() %}
by_{{ disaggregation }} as (
    select
        project_id, period_type, period_id, period_start, period_end,
        '{{ disaggregation }}' as disaggregation, {{ column }} as disaggregation_value,
        count(distinct person_key)        as unique_participants,
        count(person_key)                 as participations,
        count(distinct event_id)          as events_held,
        count(distinct organisation_key)  as organisations_participating,
        sum(case when is_cross_border then 1 else 0 end) as cross_border_participations
    from in_period
    group by project_id, period_type, period_id, period_start, period_end, {{ column }}
),
{% endfor %}

measures as (
    select * from totals
    {% for disaggregation in breakdowns %}
    union all select * from by_{{ disaggregation }}
    {% endfor %}
),

catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

long_values as (
    {% set indicators = ['unique_participants', 'participations', 'events_held', 'organisations_participating', 'cross_border_participations'] %}
    {% for indicator in indicators %}
    select project_id, '{{ indicator }}' as indicator_code, period_type, period_id, period_start, period_end,
           disaggregation, disaggregation_value, cast(coalesce({{ indicator }}, 0) as double) as value
    from measures
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

targets as (
    -- The project's participant target applies to unique participants over the whole project;
    -- each cumulative period's target is the linear trajectory towards it.
    select
        projects.project_id,
        'unique_participants' as indicator_code,
        periods.period_type,
        periods.period_id,
        case
            when periods.period_type = 'project_to_date' then cast(projects.participant_target as double)
            else round(projects.participant_target
                       * ({{ months_between('projects.start_date', 'periods.period_end') }} + 1)
                       / ({{ months_between('projects.start_date', 'projects.end_date') }} + 1), 1)
        end as target
    from {{ ref('stg_programme__projects') }} as projects
    inner join periods on periods.project_id = projects.project_id
    where periods.period_type in ('project_to_date', 'cumulative')
)

select
    long_values.project_id,
    long_values.indicator_code,
    catalogue.indicator_name,
    catalogue.unit,
    long_values.period_type,
    long_values.period_id,
    long_values.period_start,
    long_values.period_end,
    long_values.disaggregation,
    long_values.disaggregation_value,
    long_values.value,
    case when long_values.disaggregation = 'total' then targets.target end as target,
    case when long_values.disaggregation = 'total' and targets.target > 0
         then round(100.0 * long_values.value / targets.target, 1) end as achievement_pct,
    (catalogue.counts_people and long_values.value > 0 and long_values.value < 5) as is_small_cell
from long_values
inner join catalogue
    on catalogue.indicator_code = long_values.indicator_code
    -- only the disaggregations the catalogue allows for the indicator
    and (long_values.disaggregation = 'total'
         or ',' || coalesce(catalogue.disaggregations, '') || ',' like '%,' || long_values.disaggregation || ',%')
left join targets
    on targets.project_id = long_values.project_id
    and targets.indicator_code = long_values.indicator_code
    and targets.period_type = long_values.period_type
    and targets.period_id = long_values.period_id
