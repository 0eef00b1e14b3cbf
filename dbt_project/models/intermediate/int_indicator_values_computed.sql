-- Indicator values per project, period and cell (long format), computed from the records that
-- fall in the period: a value over a longer period is recounted, never summed from shorter
-- periods (unique persons over a year are not the sum of the monthly uniques).
--
-- Four families, each with the cells that partition its unit:
--   participations  one row per participation; cells by the person's profile and by event
--   persons         one row per person and period (returning, Nordic/Russian flows); profile cols
--   events          totals only
--   organisations   one row per organisation and period; cells by the organisation's own profile
-- n counts the units behind a value (persons for person and participation indicators, events,
-- organisations), for the small-cell flag. Totals exist for every period (0 when nothing
-- happened); a cell exists only where its family has records in the period; a ratio exists only
-- where its denominator is positive. Only the disaggregations the catalogue allows are kept.
-- The follow-up survey's outcome indicators join as project-to-date values
-- (int_outcome_indicators_collected).
--
-- How, so that the work grows with the records and not with records x periods:
--   * Each person's participations are first summed per calendar month
--     (int_indicator_person_months), apart for the three sets of records the period types count:
--     all of them (months, quarters, years: calendar periods), those from the project's first day
--     (cumulative periods) and those within the project's dates (project to date).
--   * Months, quarters, years and project to date: one row per person and period (each record
--     lies in one period of each type), then each cell counts its persons' rows.
--   * Cumulative periods (project start to the end of month M) are running sums of monthly
--     increments: a person adds 1 to the unique participants of the month of their first
--     participation in the project, 1 to the returning participants of the month of their
--     second event, 1 to the persons in joint actions of the month of their first joint action,
--     and so on; an organisation adds 1 in its first month; participations add up month by
--     month. The result is the recount over the period, without listing each record once per
--     cumulative period.
--   * Event cells and the events family are counted per event day, joined to the periods that
--     contain the day (a hundred-odd events per project, not participations).
--   * Totals are counted over every period of the project (a left join from the periods), so a
--     period without records has its zeros without a second pass over the values.
{% set person_breakdowns = [('total', "'total'")] + (person_disaggregations().items() | list) %}
{% set person_columns = person_disaggregations().values() | list %}
{% set organisation_breakdowns = [('total', "'total'"), ('organisation_type', 'organisation_type'), ('country', 'country_code')] %}
{#- per person and period: participations, in joint actions, across borders, and two flags -#}
{% set person_sums = ['participations', 'joint_action_participations', 'cross_border_participations'] %}
{% set person_flags = ['at_event_in_russia', 'at_nordic_event'] %}
{#- the measures of a person-level or event cell -#}
{% set cell_measures = [
    'unique_participants', 'participations', 'participations_in_joint_actions', 'persons_in_joint_actions',
    'cross_border_participations', 'cross_border_persons', 'returning_participants',
    'nordic_participants_at_events_in_russia', 'russian_participants_at_nordic_events',
] %}
{% set organisation_measures = ['organisations_participating', 'sme_organisations', 'organisations_of_known_type'] %}
{#- person-level indicators: no event cells (a person attends several events) -#}
{% set person_only_codes = ['returning_participants', 'nordic_participants_at_events_in_russia', 'russian_participants_at_nordic_events'] %}
{#- code, family, value column, n column -#}
{% set counts = [
    ('unique_participants', 'participation_measures', 'unique_participants', 'unique_participants'),
    ('participations', 'participation_measures', 'participations', 'unique_participants'),
    ('participations_in_joint_actions', 'participation_measures', 'participations_in_joint_actions', 'persons_in_joint_actions'),
    ('cross_border_participations', 'participation_measures', 'cross_border_participations', 'cross_border_persons'),
    ('returning_participants', 'participation_measures', 'returning_participants', 'returning_participants'),
    ('nordic_participants_at_events_in_russia', 'participation_measures', 'nordic_participants_at_events_in_russia', 'nordic_participants_at_events_in_russia'),
    ('russian_participants_at_nordic_events', 'participation_measures', 'russian_participants_at_nordic_events', 'russian_participants_at_nordic_events'),
    ('events_held', 'event_measures', 'events_held', 'events_held'),
    ('public_events_held', 'event_measures', 'public_events_held', 'public_events_held'),
    ('joint_actions_held', 'event_measures', 'joint_actions_held', 'joint_actions_held'),
    ('organisations_participating', 'organisation_measures', 'organisations_participating', 'organisations_participating'),
] %}

with periods as (
    select project_id, period_type, period_id, period_start, period_end
    from {{ ref('int_reporting_periods_enumerated') }}
),

-- Months, quarters, years and project to date: one row per person and period (a person-month is
-- in one month, one quarter and one year of the calendar; project to date counts the months'
-- records within the project's dates). A person's participations are distinct events, so
-- participations >= 2 is a returning participant.
person_periods as (
    select units.*
    from (
        select
            project_id, 'month' as period_type, {{ format_month('month_start') }} as period_id, person_key,
            {% for column in person_columns %}{{ column }}, {% endfor %}
            {% for measure in person_sums %}{{ measure }}_all as {{ measure }}, {% endfor %}
            {% for flag in person_flags %}{{ flag }}_all as {{ flag }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ ref('int_indicator_person_months') }}
        {% for period_type, period_id in [('quarter', quarter_id('month_start')), ('year', year_id('month_start'))] %}
        union all
        select
            project_id, '{{ period_type }}' as period_type, {{ period_id }} as period_id, person_key,
            {% for column in person_columns %}{{ column }}, {% endfor %}
            {% for measure in person_sums %}sum({{ measure }}_all) as {{ measure }}, {% endfor %}
            {% for flag in person_flags %}max({{ flag }}_all) as {{ flag }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ ref('int_indicator_person_months') }}
        group by project_id, {{ period_id }}, person_key{% for column in person_columns %}, {{ column }}{% endfor %}
        {% endfor %}
        union all
        select
            project_id, 'project_to_date' as period_type, 'PTD' as period_id, person_key,
            {% for column in person_columns %}{{ column }}, {% endfor %}
            {% for measure in person_sums %}sum({{ measure }}_in_project) as {{ measure }}, {% endfor %}
            {% for flag in person_flags %}max({{ flag }}_in_project) as {{ flag }}{% if not loop.last %}, {% endif %}{% endfor %}
        from {{ ref('int_indicator_person_months') }}
        group by project_id, person_key{% for column in person_columns %}, {{ column }}{% endfor %}
        having sum(participations_in_project) > 0
    ) as units
    -- only the project's reporting periods (its quarters and years, the months within it)
    inner join periods
        on periods.project_id = units.project_id
        and periods.period_type = units.period_type
        and periods.period_id = units.period_id
),

person_period_groups as (
    select
        project_id, period_type, period_id,
        {{ breakdown_cell(person_breakdowns) }},
        count(*)                                                                as unique_participants,
        sum(participations)                                                     as participations,
        sum(joint_action_participations)                                        as participations_in_joint_actions,
        sum(case when joint_action_participations > 0 then 1 else 0 end)        as persons_in_joint_actions,
        sum(cross_border_participations)                                        as cross_border_participations,
        sum(case when cross_border_participations > 0 then 1 else 0 end)        as cross_border_persons,
        sum(case when participations >= 2 then 1 else 0 end)                    as returning_participants,
        sum(at_event_in_russia)                                                 as nordic_participants_at_events_in_russia,
        sum(at_nordic_event)                                                    as russian_participants_at_nordic_events
    from person_periods
    group by {{ breakdown_grouping_sets(['project_id', 'period_type', 'period_id'], person_breakdowns) }}
),

person_period_cells as (
    select * from person_period_groups where disaggregation <> 'total'
    union all
    -- the total of every month, quarter, year and project to date: zeros where nobody came
    select
        periods.project_id, periods.period_type, periods.period_id, 'total', 'total',
        {% for measure in cell_measures %}coalesce(totals.{{ measure }}, 0){% if not loop.last %}, {% endif %}{% endfor %}
    from periods
    left join person_period_groups as totals
        on totals.project_id = periods.project_id
        and totals.period_type = periods.period_type
        and totals.period_id = periods.period_id
        and totals.disaggregation = 'total'
    where periods.period_type <> 'cumulative'
),

-- Cumulative periods: each person-month from the project's first day, with the person's running
-- totals up to that month; a running total that reaches its threshold this month makes the
-- person count from this month on (first participation, second event, first joint action, …).
person_running as (
    select
        project_id, person_key, month_start,
        {% for column in person_columns %}{{ column }}, {% endfor %}
        {% for measure in person_sums %}{{ measure }}_from_start as {{ measure }},
        sum({{ measure }}_from_start) over (
            partition by project_id, person_key order by month_start rows between unbounded preceding and current row
        ) as running_{{ measure }},
        {% endfor %}
        {% for flag in person_flags %}{{ flag }}_from_start as {{ flag }},
        sum({{ flag }}_from_start) over (
            partition by project_id, person_key order by month_start rows between unbounded preceding and current row
        ) as running_{{ flag }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('int_indicator_person_months') }}
    where participations_from_start > 0
),

person_increments as (
    select
        project_id, {{ format_month('month_start') }} as period_id,
        {% for column in person_columns %}{{ column }}, {% endfor %}
        case when running_participations = participations then 1 else 0 end                as unique_participants,
        participations,
        joint_action_participations                                                         as participations_in_joint_actions,
        case when joint_action_participations > 0
              and running_joint_action_participations = joint_action_participations
             then 1 else 0 end                                                              as persons_in_joint_actions,
        cross_border_participations,
        case when cross_border_participations > 0
              and running_cross_border_participations = cross_border_participations
             then 1 else 0 end                                                              as cross_border_persons,
        case when running_participations >= 2 and running_participations - participations < 2
             then 1 else 0 end                                                              as returning_participants,
        case when at_event_in_russia = 1 and running_at_event_in_russia = 1 then 1 else 0 end as nordic_participants_at_events_in_russia,
        case when at_nordic_event = 1 and running_at_nordic_event = 1 then 1 else 0 end     as russian_participants_at_nordic_events
    from person_running
),

person_cell_increments as (
    select
        project_id, period_id,
        {{ breakdown_cell(person_breakdowns) }},
        {% for measure in cell_measures %}sum({{ measure }}) as {{ measure }}{% if not loop.last %}, {% endif %}{% endfor %}
    from person_increments
    group by {{ breakdown_grouping_sets(['project_id', 'period_id'], person_breakdowns) }}
),

person_measures as (
    select * from person_period_cells
    union all
    select * from ({{ cumulative_from_increments('person_cell_increments', cell_measures, 'periods') }}) as cumulative
),

-- Events: each event's participations on its day, in every period containing the day (a few
-- hundred events per project, not participations). A person attends an event once, so its
-- persons are its participations.
event_periods as (
    select
        periods.project_id, periods.period_type, periods.period_id, days.event_id, days.event_kind,
        sum(days.participations)                    as participations,
        sum(days.joint_action_participations)       as joint_action_participations,
        sum(days.cross_border_participations)       as cross_border_participations
    from (
        select
            project_id, event_id, event_kind, participated_on,
            count(*)                                                            as participations,
            sum(case when event_kind = 'joint_action' then 1 else 0 end)        as joint_action_participations,
            sum(case when is_cross_border then 1 else 0 end)                    as cross_border_participations
        from {{ ref('int_participations_attributed') }}
        group by project_id, event_id, event_kind, participated_on
    ) as days
    inner join periods
        on periods.project_id = days.project_id
        and days.participated_on between periods.period_start and periods.period_end
    group by periods.project_id, periods.period_type, periods.period_id, days.event_id, days.event_kind
),

participation_measures as (
    -- person-level cells (persons and participations) and event cells (participations only)
    select *, false as is_event_cell from person_measures
    union all
    select
        project_id, period_type, period_id,
        'event'                                 as disaggregation,
        cast(event_id as varchar)               as disaggregation_value,
        participations                          as unique_participants,
        participations,
        joint_action_participations             as participations_in_joint_actions,
        joint_action_participations             as persons_in_joint_actions,
        cross_border_participations,
        cross_border_participations             as cross_border_persons,
        null                                    as returning_participants,
        null                                    as nordic_participants_at_events_in_russia,
        null                                    as russian_participants_at_nordic_events,
        true                                    as is_event_cell
    from event_periods
),

event_measures as (
    -- every period, zeros where no event was held
    select
        periods.project_id, periods.period_type, periods.period_id,
        'total' as disaggregation,
        'total' as disaggregation_value,
        count(events.event_id)                                                  as events_held,
        sum(case when events.event_kind = 'public_event' then 1 else 0 end)    as public_events_held,
        sum(case when events.event_kind = 'joint_action' then 1 else 0 end)    as joint_actions_held
    from periods
    left join event_periods as events
        on events.project_id = periods.project_id
        and events.period_type = periods.period_type
        and events.period_id = periods.period_id
    group by periods.project_id, periods.period_type, periods.period_id
),

-- Organisations (of the participants' profiles), counted by their own profile: once per period
-- they had participants in, and from the month of their first participant on for cumulative
-- periods.
organisation_periods as (
    select
        units.project_id, units.period_type, units.period_id, units.organisation_key,
        organisations.organisation_type, organisations.country_code, organisations.is_sme, organisations.has_known_type
    from (
        select distinct project_id, 'month' as period_type, {{ format_month('month_start') }} as period_id, organisation_key
        from {{ ref('int_indicator_person_months') }}
        {% for period_type, period_id in [('quarter', quarter_id('month_start')), ('year', year_id('month_start'))] %}
        union all
        select distinct project_id, '{{ period_type }}' as period_type, {{ period_id }} as period_id, organisation_key
        from {{ ref('int_indicator_person_months') }}
        {% endfor %}
        union all
        select distinct project_id, 'project_to_date' as period_type, 'PTD' as period_id, organisation_key
        from {{ ref('int_indicator_person_months') }}
        where participations_in_project > 0
    ) as units
    inner join periods
        on periods.project_id = units.project_id
        and periods.period_type = units.period_type
        and periods.period_id = units.period_id
    inner join {{ ref('int_organisations_profiled') }} as organisations
        on organisations.organisation_key = units.organisation_key
),

organisation_increments as (
    select
        firsts.project_id, {{ format_month('firsts.first_month') }} as period_id, firsts.organisation_key,
        organisations.organisation_type, organisations.country_code, organisations.is_sme, organisations.has_known_type
    from (
        select project_id, organisation_key, min(month_start) as first_month
        from {{ ref('int_indicator_person_months') }}
        where participations_from_start > 0
        group by project_id, organisation_key
    ) as firsts
    inner join {{ ref('int_organisations_profiled') }} as organisations
        on organisations.organisation_key = firsts.organisation_key
),

{% for name, source, keys in [('organisation_period_groups', 'organisation_periods', ['project_id', 'period_type', 'period_id']),
                              ('organisation_cell_increments', 'organisation_increments', ['project_id', 'period_id'])] %}
{{ name }} as (
    select
        {{ keys | join(', ') }},
        {{ breakdown_cell(organisation_breakdowns) }},
        count(*)                                                as organisations_participating,
        sum(case when is_sme then 1 else 0 end)                 as sme_organisations,
        sum(case when has_known_type then 1 else 0 end)         as organisations_of_known_type
    from {{ source }}
    group by {{ breakdown_grouping_sets(keys, organisation_breakdowns) }}
),
{% endfor %}

organisation_measures as (
    select * from organisation_period_groups where disaggregation <> 'total'
    union all
    select
        periods.project_id, periods.period_type, periods.period_id, 'total', 'total',
        {% for measure in organisation_measures %}coalesce(totals.{{ measure }}, 0){% if not loop.last %}, {% endif %}{% endfor %}
    from periods
    left join organisation_period_groups as totals
        on totals.project_id = periods.project_id
        and totals.period_type = periods.period_type
        and totals.period_id = periods.period_id
        and totals.disaggregation = 'total'
    where periods.period_type <> 'cumulative'
    union all
    select * from ({{ cumulative_from_increments('organisation_cell_increments', organisation_measures, 'periods') }}) as cumulative
),

allowed_cells as (
    -- the disaggregations the catalogue allows each indicator, and its total
    select distinct indicator_code, disaggregation
    from (
        select indicator_code, 'total' as disaggregation from {{ ref('indicator_catalogue') }}
        union all
        select indicator_code, {{ split_list('disaggregations') }} as disaggregation
        from {{ ref('indicator_catalogue') }}
        where disaggregations is not null
    ) as listed
),

counted as (
    -- each family's rows once, one value per indicator code of the family
    {% for family in ['participation_measures', 'event_measures'] %}
    {% set codes = counts | selectattr(1, 'equalto', family) | list %}
    select
        measures.project_id, measures.period_type, measures.period_id,
        measures.disaggregation, measures.disaggregation_value,
        codes.indicator_code,
        cast(case codes.indicator_code
            {% for code, _, value, n in codes %}when '{{ code }}' then measures.{{ value }}
            {% endfor %}end as double)                              as value,
        cast(case codes.indicator_code
            {% for code, _, value, n in codes %}when '{{ code }}' then measures.{{ n }}
            {% endfor %}end as bigint)                              as n,
        cast(null as double)                                        as numerator,
        cast(null as double)                                        as denominator
    from {{ family }} as measures
    cross join (
        {% for code, _, value, n in codes %}select '{{ code }}' as indicator_code, {{ 'true' if code in person_only_codes else 'false' }} as is_person_only{% if not loop.last %} union all {% endif %}
        {% endfor %}
    ) as codes
    {% if family == 'participation_measures' %}
    where not (measures.is_event_cell and codes.is_person_only)
    {% endif %}
    union all
    {% endfor %}
    select
        measures.project_id, measures.period_type, measures.period_id,
        measures.disaggregation, measures.disaggregation_value,
        codes.indicator_code,
        case when codes.indicator_code = 'sme_share'
             then 100.0 * measures.sme_organisations / measures.organisations_of_known_type
             else cast(measures.organisations_participating as double) end      as value,
        cast(case when codes.indicator_code = 'sme_share' then measures.organisations_of_known_type
                  else measures.organisations_participating end as bigint)       as n,
        case when codes.indicator_code = 'sme_share'
             then cast(measures.sme_organisations as double) end                 as numerator,
        case when codes.indicator_code = 'sme_share'
             then cast(measures.organisations_of_known_type as double) end       as denominator
    from organisation_measures as measures
    cross join (
        select 'organisations_participating' as indicator_code
        union all
        -- a ratio only where its denominator is positive
        select 'sme_share' as indicator_code
    ) as codes
    where codes.indicator_code <> 'sme_share' or measures.organisations_of_known_type > 0
)

select
    counted.project_id,
    counted.indicator_code,
    counted.period_type,
    counted.period_id,
    counted.disaggregation,
    counted.disaggregation_value,
    counted.value,
    counted.n,
    counted.numerator,
    counted.denominator
from counted
inner join allowed_cells
    on allowed_cells.indicator_code = counted.indicator_code
    and allowed_cells.disaggregation = counted.disaggregation
union all
select
    project_id, indicator_code, period_type, period_id, disaggregation, disaggregation_value,
    value, n, numerator, denominator
from {{ ref('int_outcome_indicators_collected') }}
