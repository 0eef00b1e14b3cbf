-- Validation rules in the style of DHIS2 (left side, operator, right side), evaluated on every
-- indicator value: one row per comparison. Rule names and descriptions are in the seed
-- validation_rules. A view: at 10 million participations the rules make ~50 million comparisons,
-- and writing them all cost more than evaluating them (and brushed the 3 GB memory limit).
-- int_validation_rules_evaluated counts them per rule and project in one pass, its singular tests
-- in tests/validation/ fail the build, and this view lists the failing cells of a rule on demand:
--   select * from intermediate.int_validation_comparisons_evaluated
--   where rule_code = 'VR03' and passed is not true
-- The rules read the published marts (fct_indicator_values; fct_followup_outcomes for VR08): what
-- is checked is what is published. It also orders the build: the comparisons start once the
-- mart's own tests have run, instead of competing with its 28-million-row uniqueness test for
-- DuckDB's memory limit (at 10M participations the two together ran out of it).
{% set all_disaggregations = (person_disaggregations().keys() | list) + ['event'] %}
{% set cell = ['project_id', 'period_type', 'period_id', 'disaggregation', 'disaggregation_value'] %}

{#- the values are read where they are needed (not copied into a CTE: they are the largest table) -#}
{% set indicator_values = ref('fct_indicator_values') %}

with catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

periods as (
    select * from {{ ref('int_reporting_periods_enumerated') }}
),

-- VR01: unique participants <= participations, in every cell.
vr01 as (
    select
        'VR01' as rule_code, uniques.project_id, uniques.indicator_code, uniques.period_type, uniques.period_id,
        uniques.disaggregation, uniques.disaggregation_value,
        uniques.value as left_value, '<=' as operator, coalesce(participations.value, 0) as right_value
    from {{ indicator_values }} as uniques
    left join {{ indicator_values }} as participations
        on participations.indicator_code = 'participations'
        {% for column in cell %}and participations.{{ column }} = uniques.{{ column }}
        {% endfor %}
    where uniques.indicator_code = 'unique_participants'
),

-- VR02: the cells of an additive disaggregation add up to the total.
disaggregation_names as (
    {% for name in all_disaggregations %}
    select '{{ name }}' as disaggregation{% if not loop.last %} union all{% endif %}
    {% endfor %}
),

cell_sums as (
    select project_id, indicator_code, period_type, period_id, disaggregation, sum(value) as cells_sum
    from {{ indicator_values }} as indicator_values
    where disaggregation <> 'total'
    group by project_id, indicator_code, period_type, period_id, disaggregation
),

vr02 as (
    select
        'VR02' as rule_code, totals.project_id, totals.indicator_code, totals.period_type, totals.period_id,
        names.disaggregation, 'total' as disaggregation_value,
        coalesce(cell_sums.cells_sum, 0) as left_value, '=' as operator, totals.value as right_value
    from {{ indicator_values }} as totals
    inner join catalogue on catalogue.indicator_code = totals.indicator_code
    inner join disaggregation_names as names
        on {{ list_contains('catalogue.additive_disaggregations', 'names.disaggregation') }}
    left join cell_sums
        on cell_sums.project_id = totals.project_id
        and cell_sums.indicator_code = totals.indicator_code
        and cell_sums.period_type = totals.period_type
        and cell_sums.period_id = totals.period_id
        and cell_sums.disaggregation = names.disaggregation
    where totals.disaggregation = 'total'
),

-- VR03: cumulative series of count indicators never decrease (a cell absent in a month is 0).
cumulative_cells as (
    select distinct
        indicator_values.project_id, indicator_values.indicator_code,
        indicator_values.disaggregation, indicator_values.disaggregation_value
    from {{ indicator_values }} as indicator_values
    inner join catalogue on catalogue.indicator_code = indicator_values.indicator_code
    where indicator_values.period_type = 'cumulative'
      and catalogue.period_aggregation in {{ count_aggregations() }}
),

cumulative_months as (
    -- each cumulative month of a project and the one before it (none for the first)
    select
        project_id, period_id,
        lag(period_id) over (partition by project_id order by period_id) as previous_period_id
    from periods
    where period_type = 'cumulative'
),

vr03 as (
    select
        'VR03' as rule_code, cells.project_id, cells.indicator_code, 'cumulative' as period_type, months.period_id,
        cells.disaggregation, cells.disaggregation_value,
        coalesce(current_month.value, 0) as left_value, '>=' as operator, coalesce(previous_month.value, 0) as right_value
    from cumulative_cells as cells
    inner join cumulative_months as months
        on months.project_id = cells.project_id and months.previous_period_id is not null
    {% for alias, month in [('current_month', 'months.period_id'), ('previous_month', 'months.previous_period_id')] %}
    left join {{ indicator_values }} as {{ alias }}
        on {{ alias }}.project_id = cells.project_id
        and {{ alias }}.indicator_code = cells.indicator_code
        and {{ alias }}.period_type = 'cumulative'
        and {{ alias }}.period_id = {{ month }}
        and {{ alias }}.disaggregation = cells.disaggregation
        and {{ alias }}.disaggregation_value = cells.disaggregation_value
    {% endfor %}
),

-- VR04: events held = public events + closed joint actions (each event is one of the two kinds).
vr04 as (
    select
        'VR04' as rule_code, events.project_id, events.indicator_code, events.period_type, events.period_id,
        events.disaggregation, events.disaggregation_value,
        events.value as left_value, '=' as operator,
        coalesce(public_events.value, 0) + coalesce(joint_actions.value, 0) as right_value
    from {{ indicator_values }} as events
    left join {{ indicator_values }} as public_events
        on public_events.indicator_code = 'public_events_held'
        {% for column in cell %}and public_events.{{ column }} = events.{{ column }}
        {% endfor %}
    left join {{ indicator_values }} as joint_actions
        on joint_actions.indicator_code = 'joint_actions_held'
        {% for column in cell %}and joint_actions.{{ column }} = events.{{ column }}
        {% endfor %}
    where events.indicator_code = 'events_held' and events.disaggregation = 'total'
),

-- VR05: project to date = cumulative at the end of the project's last month.
last_months as (
    select project_id, max(period_id) as period_id
    from periods
    where period_type = 'cumulative'
    group by project_id
),

project_to_date as (
    -- Outcome indicators of the follow-up survey have no cumulative series.
    select indicator_values.*
    from {{ indicator_values }} as indicator_values
    inner join catalogue on catalogue.indicator_code = indicator_values.indicator_code
    where indicator_values.period_type = 'project_to_date' and catalogue.data_source = 'participations'
),

last_cumulative as (
    select indicator_values.*
    from {{ indicator_values }} as indicator_values
    inner join last_months
        on last_months.project_id = indicator_values.project_id
        and last_months.period_id = indicator_values.period_id
    where indicator_values.period_type = 'cumulative'
),

vr05 as (
    select
        'VR05' as rule_code,
        coalesce(ptd.project_id, cumulative.project_id) as project_id,
        coalesce(ptd.indicator_code, cumulative.indicator_code) as indicator_code,
        'project_to_date' as period_type, 'PTD' as period_id,
        coalesce(ptd.disaggregation, cumulative.disaggregation) as disaggregation,
        coalesce(ptd.disaggregation_value, cumulative.disaggregation_value) as disaggregation_value,
        coalesce(ptd.value, 0) as left_value, '=' as operator, coalesce(cumulative.value, 0) as right_value
    from project_to_date as ptd
    full outer join last_cumulative as cumulative
        on cumulative.project_id = ptd.project_id
        and cumulative.indicator_code = ptd.indicator_code
        and cumulative.disaggregation = ptd.disaggregation
        and cumulative.disaggregation_value = ptd.disaggregation_value
),

-- VR06: a part never exceeds its whole (catalogue column bounded_by), in every cell both report.
vr06 as (
    select
        'VR06' as rule_code, part.project_id, part.indicator_code, part.period_type, part.period_id,
        part.disaggregation, part.disaggregation_value,
        part.value as left_value, '<=' as operator, coalesce(whole.value, 0) as right_value
    from {{ indicator_values }} as part
    inner join catalogue as part_catalogue on part_catalogue.indicator_code = part.indicator_code
    inner join catalogue as whole_catalogue on whole_catalogue.indicator_code = part_catalogue.bounded_by
    left join {{ indicator_values }} as whole
        on whole.indicator_code = part_catalogue.bounded_by
        {% for column in cell %}and whole.{{ column }} = part.{{ column }}
        {% endfor %}
    where part.disaggregation = 'total'
       or {{ list_contains('whole_catalogue.disaggregations', 'part.disaggregation') }}
),

-- VR07: quarters, years and project to date agree with their months.
period_months as (
    -- the months of each quarter, year and project to date (a project's periods: a small join);
    -- a project that starts mid-month has its first month in its project to date
    select longer.project_id, longer.period_type, longer.period_id, months.period_id as month_period_id
    from periods as longer
    inner join periods as months
        on months.project_id = longer.project_id
        and months.period_type = 'month'
        and months.period_start <= longer.period_end
        and months.period_end >= longer.period_start
    where longer.period_type in ('quarter', 'year', 'project_to_date')
),

month_totals as (
    select
        period_months.project_id, period_months.period_type, period_months.period_id,
        month_values.indicator_code, month_values.disaggregation, month_values.disaggregation_value,
        sum(month_values.value) as months_sum,
        max(month_values.value) as months_max
    from period_months
    inner join {{ indicator_values }} as month_values
        on month_values.project_id = period_months.project_id
        and month_values.period_type = 'month'
        and month_values.period_id = period_months.month_period_id
    inner join catalogue on catalogue.indicator_code = month_values.indicator_code
    where catalogue.period_aggregation in ('sum', 'distinct')
    group by
        period_months.project_id, period_months.period_type, period_months.period_id,
        month_values.indicator_code, month_values.disaggregation, month_values.disaggregation_value
),

longer_periods as (
    select
        indicator_values.project_id, indicator_values.indicator_code, indicator_values.period_type,
        indicator_values.period_id, indicator_values.disaggregation, indicator_values.disaggregation_value,
        indicator_values.value, catalogue.period_aggregation,
        coalesce(month_totals.months_sum, 0) as months_sum,
        coalesce(month_totals.months_max, 0) as months_max
    from {{ indicator_values }} as indicator_values
    inner join catalogue on catalogue.indicator_code = indicator_values.indicator_code
    inner join periods
        on periods.project_id = indicator_values.project_id
        and periods.period_type = indicator_values.period_type
        and periods.period_id = indicator_values.period_id
    left join month_totals
        on month_totals.project_id = indicator_values.project_id
        and month_totals.period_type = indicator_values.period_type
        and month_totals.period_id = indicator_values.period_id
        and month_totals.indicator_code = indicator_values.indicator_code
        and month_totals.disaggregation = indicator_values.disaggregation
        and month_totals.disaggregation_value = indicator_values.disaggregation_value
    where indicator_values.period_type in ('quarter', 'year', 'project_to_date')
      and catalogue.period_aggregation in ('sum', 'distinct')
),

vr07 as (
    select
        'VR07' as rule_code, project_id, indicator_code, period_type, period_id, disaggregation, disaggregation_value,
        value as left_value,
        case when period_aggregation = 'sum' then '=' else '<=' end as operator,
        months_sum as right_value
    from longer_periods
    union all
    select
        'VR07' as rule_code, project_id, indicator_code, period_type, period_id, disaggregation, disaggregation_value,
        value as left_value, '>=' as operator, months_max as right_value
    from longer_periods
    where period_aggregation = 'distinct'
),

-- VR08: outcome counts <= respondents <= participants, in every follow-up wave and cell. Read
-- from the survey mart itself, so what is checked is what is published.
followup_outcomes as (
    select * from {{ ref('fct_followup_outcomes') }}
),

vr08 as (
    -- respondents (or their organisations) with an outcome <= those it is counted among
    select
        'VR08' as rule_code, project_id, indicator_code, 'survey_wave' as period_type, survey_id as period_id,
        disaggregation, disaggregation_value,
        numerator as left_value, '<=' as operator, denominator as right_value
    from followup_outcomes
    where unit in ('percent', 'organisations', 'persons')
      and denominator_kind in ('respondents_answering_item', 'respondent_organisations', 'project_participants')
    union all
    -- those who answered an item (or their organisations) <= respondents
    select
        'VR08' as rule_code, project_id, indicator_code, 'survey_wave' as period_type, survey_id as period_id,
        disaggregation, disaggregation_value,
        denominator as left_value, '<=' as operator, cast(respondents as double) as right_value
    from followup_outcomes
    where denominator_kind in ('respondents_answering_item', 'respondent_organisations')
    union all
    -- respondents <= participants
    select
        'VR08' as rule_code, project_id, indicator_code, 'survey_wave' as period_type, survey_id as period_id,
        disaggregation, disaggregation_value,
        cast(respondents as double) as left_value, '<=' as operator, cast(participants as double) as right_value
    from followup_outcomes
),

comparisons as (
    select * from vr01
    union all select * from vr02
    union all select * from vr03
    union all select * from vr04
    union all select * from vr05
    union all select * from vr06
    union all select * from vr07
    union all select * from vr08
)

select
    rule_code,
    project_id,
    indicator_code,
    period_type,
    period_id,
    disaggregation,
    disaggregation_value,
    left_value,
    operator,
    right_value,
    case operator
        when '=' then abs(left_value - right_value) < 1e-9
        when '<=' then left_value <= right_value + 1e-9
        when '>=' then left_value >= right_value - 1e-9
    end as passed
from comparisons
