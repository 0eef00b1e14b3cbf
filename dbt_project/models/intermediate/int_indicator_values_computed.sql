-- Indicator values per project, period and cell (long format), computed from the records that
-- fall in the period: a value over a longer period is recomputed, never summed from shorter
-- periods (unique persons over a year are not the sum of the monthly uniques).
--
-- Four families, each with the cells that partition its unit:
--   participations  one row per participation; cells by the person's profile and by event
--   persons         one row per person and period (returning, Nordic/Russian flows); profile cells
--   events          totals only
--   organisations   one row per organisation and period; cells by the organisation's own profile
-- n counts the units behind a value (persons for person and participation indicators, events,
-- organisations), for the small-cell flag. Totals exist for every period (0 when nothing
-- happened); a cell exists only where its family has records in the period; a ratio exists only
-- where its denominator is positive. Only the disaggregations the catalogue allows are kept.
-- The follow-up survey's outcome indicators join as project-to-date values
-- (int_outcome_indicators_collected).
{% set person_breakdowns = [('total', "'total'")] + (person_disaggregations().items() | list) %}
{% set participation_breakdowns = person_breakdowns + [('event', 'event_id')] %}
{% set organisation_breakdowns = [('total', "'total'"), ('organisation_type', 'organisation_type'), ('country', 'country_code')] %}
{% set person_columns = person_disaggregations().values() | list %}
{#- code, family, value column, n column -#}
{% set counts = [
    ('unique_participants', 'participation_measures', 'unique_participants', 'unique_participants'),
    ('participations', 'participation_measures', 'participations', 'participating_persons'),
    ('participations_in_joint_actions', 'participation_measures', 'participations_in_joint_actions', 'persons_in_joint_actions'),
    ('cross_border_participations', 'participation_measures', 'cross_border_participations', 'cross_border_persons'),
    ('returning_participants', 'person_measures', 'returning_participants', 'returning_participants'),
    ('nordic_participants_at_events_in_russia', 'person_measures', 'nordic_participants_at_events_in_russia', 'nordic_participants_at_events_in_russia'),
    ('russian_participants_at_nordic_events', 'person_measures', 'russian_participants_at_nordic_events', 'russian_participants_at_nordic_events'),
    ('events_held', 'event_measures', 'events_held', 'events_held'),
    ('public_events_held', 'event_measures', 'public_events_held', 'public_events_held'),
    ('joint_actions_held', 'event_measures', 'joint_actions_held', 'joint_actions_held'),
    ('organisations_participating', 'organisation_measures', 'organisations_participating', 'organisations_participating'),
] %}

with periods as (
    select project_id, period_type, period_id
    from {{ ref('int_reporting_periods_enumerated') }}
),

in_period as (
    select
        periods.project_id,
        periods.period_type,
        periods.period_id,
        p.person_key,
        p.event_id,
        p.event_kind,
        p.organisation_key,
        {% for column in person_columns %}p.{{ column }},
        {% endfor -%}
        p.is_cross_border,
        p.is_nordic_participant_at_event_in_russia,
        p.is_russian_participant_at_nordic_event
    from {{ ref('int_reporting_periods_enumerated') }} as periods
    inner join {{ ref('int_participations_attributed') }} as p
        on p.project_id = periods.project_id
        and p.participated_on between periods.period_start and periods.period_end
),

participation_measures as (
    {% for disaggregation, column in participation_breakdowns %}
    select
        project_id, period_type, period_id,
        '{{ disaggregation }}'                                                      as disaggregation,
        cast({{ column }} as varchar)                                               as disaggregation_value,
        count(distinct person_key)                                                  as unique_participants,
        count(*)                                                                    as participations,
        count(distinct person_key)                                                  as participating_persons,
        sum(case when event_kind = 'joint_action' then 1 else 0 end)                as participations_in_joint_actions,
        count(distinct case when event_kind = 'joint_action' then person_key end)   as persons_in_joint_actions,
        sum(case when is_cross_border then 1 else 0 end)                            as cross_border_participations,
        count(distinct case when is_cross_border then person_key end)               as cross_border_persons
    from in_period
    group by project_id, period_type, period_id{% if disaggregation != 'total' %}, {{ column }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

person_periods as (
    select
        project_id, period_type, period_id, person_key,
        {% for column in person_columns %}{{ column }},{% endfor %}
        count(distinct event_id)                                                    as events_attended,
        max(case when is_nordic_participant_at_event_in_russia then 1 else 0 end)   as is_nordic_at_event_in_russia,
        max(case when is_russian_participant_at_nordic_event then 1 else 0 end)     as is_russian_at_nordic_event
    from in_period
    group by project_id, period_type, period_id, person_key{% for column in person_columns %}, {{ column }}{% endfor %}
),

person_measures as (
    {% for disaggregation, column in person_breakdowns %}
    select
        project_id, period_type, period_id,
        '{{ disaggregation }}'                                      as disaggregation,
        cast({{ column }} as varchar)                               as disaggregation_value,
        sum(case when events_attended >= 2 then 1 else 0 end)       as returning_participants,
        sum(is_nordic_at_event_in_russia)                           as nordic_participants_at_events_in_russia,
        sum(is_russian_at_nordic_event)                             as russian_participants_at_nordic_events
    from person_periods
    group by project_id, period_type, period_id{% if disaggregation != 'total' %}, {{ column }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

event_measures as (
    select
        project_id, period_type, period_id,
        'total' as disaggregation,
        'total' as disaggregation_value,
        count(distinct event_id)                                                    as events_held,
        count(distinct case when event_kind = 'public_event' then event_id end)     as public_events_held,
        count(distinct case when event_kind = 'joint_action' then event_id end)     as joint_actions_held
    from in_period
    group by project_id, period_type, period_id
),

organisation_periods as (
    select distinct
        in_period.project_id, in_period.period_type, in_period.period_id,
        organisations.organisation_key,
        organisations.organisation_type,
        organisations.country_code,
        organisations.is_sme,
        organisations.has_known_type
    from in_period
    inner join {{ ref('int_organisations_profiled') }} as organisations
        on organisations.organisation_key = in_period.organisation_key
),

organisation_measures as (
    {% for disaggregation, column in organisation_breakdowns %}
    select
        project_id, period_type, period_id,
        '{{ disaggregation }}'                                  as disaggregation,
        cast({{ column }} as varchar)                           as disaggregation_value,
        count(*)                                                as organisations_participating,
        sum(case when is_sme then 1 else 0 end)                 as sme_organisations,
        sum(case when has_known_type then 1 else 0 end)         as organisations_of_known_type
    from organisation_periods
    group by project_id, period_type, period_id{% if disaggregation != 'total' %}, {{ column }}{% endif %}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

counted as (
    {% for code, family, value, n in counts %}
    select
        project_id, period_type, period_id, disaggregation, disaggregation_value,
        '{{ code }}'                    as indicator_code,
        cast({{ value }} as double)     as value,
        cast({{ n }} as bigint)         as n,
        cast(null as double)            as numerator,
        cast(null as double)            as denominator
    from {{ family }}
    union all
    {% endfor %}
    select
        project_id, period_type, period_id, disaggregation, disaggregation_value,
        'sme_share'                                                         as indicator_code,
        100.0 * sme_organisations / organisations_of_known_type            as value,
        cast(organisations_of_known_type as bigint)                         as n,
        cast(sme_organisations as double)                                   as numerator,
        cast(organisations_of_known_type as double)                         as denominator
    from organisation_measures
    where organisations_of_known_type > 0
),

empty_totals as (
    -- A period without records still reports 0 for every count.
    {% for code, family, value, n in counts %}
    select periods.project_id, periods.period_type, periods.period_id, '{{ code }}' as indicator_code
    from periods
    where not exists (
        select 1 from counted
        where counted.project_id = periods.project_id and counted.period_type = periods.period_type
          and counted.period_id = periods.period_id and counted.indicator_code = '{{ code }}'
          and counted.disaggregation = 'total'
    )
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

all_values as (
    select * from counted
    union all
    select
        project_id, period_type, period_id,
        'total' as disaggregation, 'total' as disaggregation_value,
        indicator_code,
        cast(0 as double) as value, cast(0 as bigint) as n,
        cast(null as double) as numerator, cast(null as double) as denominator
    from empty_totals
),

participation_values as (
    select
        all_values.project_id,
        all_values.indicator_code,
        all_values.period_type,
        all_values.period_id,
        all_values.disaggregation,
        all_values.disaggregation_value,
        all_values.value,
        all_values.n,
        all_values.numerator,
        all_values.denominator
    from all_values
    inner join {{ ref('indicator_catalogue') }} as catalogue
        on catalogue.indicator_code = all_values.indicator_code
        and (all_values.disaggregation = 'total'
             or {{ list_contains('catalogue.disaggregations', 'all_values.disaggregation') }})
)

select * from participation_values
union all
select
    project_id, indicator_code, period_type, period_id, disaggregation, disaggregation_value,
    value, n, numerator, denominator
from {{ ref('int_outcome_indicators_collected') }}
