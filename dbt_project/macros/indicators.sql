{#
  Helpers for the indicator models (int_indicator_values_computed and the marts built on it).
#}

{#
  The person-level disaggregations: name in fct_indicator_values → column of
  int_participations_attributed. Each person has one profile (int_persons_profiled) and one
  region (int_regional_persons_located), so these cells partition the participants and
  unique-person counts add up across them.
#}
{% macro person_disaggregations() %}
    {{ return({
        'target_group': 'target_group',
        'country': 'country_code',
        'organisation_type': 'organisation_type',
        'sex': 'sex',
        'region': 'region_code'
    }) }}
{% endmacro %}


{# Whether a comma-separated list (a catalogue column such as disaggregations) names an item. #}
{% macro list_contains(list_expr, item_expr) -%}
    (',' || coalesce({{ list_expr }}, '') || ',' like '%,' || {{ item_expr }} || ',%')
{%- endmacro %}


{# One row per item of a comma-separated list column (used in select lists). #}
{% macro split_list(list_expr) %}
    {{ return(adapter.dispatch('split_list', 'cci_warehouse')(list_expr)) }}
{% endmacro %}

{% macro duckdb__split_list(list_expr) %}unnest(string_split({{ list_expr }}, ',')){% endmacro %}

{% macro spark__split_list(list_expr) %}explode(split({{ list_expr }}, ',')){% endmacro %}


{#
  Period aggregations of count indicators: their cumulative series never decreases and a
  whole-project target has a linear trajectory over the months. (latest and ratio have neither.)
#}
{% macro count_aggregations() -%}
    ('distinct', 'sum', 'max', 'recount')
{%- endmacro %}


{#
  Cumulative values from monthly increments. `increments` is a relation with project_id,
  period_id (the month, 'YYYY-MM'), disaggregation, disaggregation_value and one column per
  measure: what the month adds to the running total (a unit counts once, in the month it first
  qualifies). A cell gets a row for every cumulative period of its project from its first month
  with an increment on, the total for every cumulative period; each measure is the sum of its
  increments up to that month (0 before the first).
#}
{% macro cumulative_from_increments(increments, measures, periods) %}
    select
        spine.project_id,
        'cumulative' as period_type,
        spine.period_id,
        spine.disaggregation,
        spine.disaggregation_value,
        {% for measure in measures %}
        sum(coalesce(increments.{{ measure }}, 0)) over (
            partition by spine.project_id, spine.disaggregation, spine.disaggregation_value
            order by spine.period_id
            rows between unbounded preceding and current row
        ) as {{ measure }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from (
        select cells.project_id, cells.disaggregation, cells.disaggregation_value, months.period_id
        from (
            select project_id, disaggregation, disaggregation_value, min(first_period_id) as first_period_id
            from (
                select project_id, disaggregation, disaggregation_value, min(period_id) as first_period_id
                from {{ increments }}
                group by project_id, disaggregation, disaggregation_value
                union all
                -- the total, from the project's first month
                select project_id, 'total' as disaggregation, 'total' as disaggregation_value,
                       min(period_id) as first_period_id
                from {{ periods }}
                where period_type = 'cumulative'
                group by project_id
            ) as firsts
            group by project_id, disaggregation, disaggregation_value
        ) as cells
        inner join {{ periods }} as months
            on months.project_id = cells.project_id
            and months.period_type = 'cumulative'
            and months.period_id >= cells.first_period_id
    ) as spine
    left join {{ increments }} as increments
        on increments.project_id = spine.project_id
        and increments.period_id = spine.period_id
        and increments.disaggregation = spine.disaggregation
        and increments.disaggregation_value = spine.disaggregation_value
{% endmacro %}


{#
  Cells of several disaggregations in one pass: `group by {{ breakdown_grouping_sets(keys, b) }}`
  groups by `keys` alone (the total) and by `keys` plus each breakdown's column, and
  `{{ breakdown_cell(b) }}` names the row's disaggregation and cell. `breakdowns` is a list of
  (disaggregation, column); the total's column is "'total'".
#}
{% macro breakdown_grouping_sets(keys, breakdowns) -%}
    grouping sets (
        {%- for disaggregation, column in breakdowns %}
        ({{ keys | join(', ') }}{% if disaggregation != 'total' %}, {{ column }}{% endif %}){% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{% macro breakdown_cell(breakdowns) -%}
    case
        {%- for disaggregation, column in breakdowns if disaggregation != 'total' %}
        when grouping({{ column }}) = 0 then '{{ disaggregation }}'
        {%- endfor %}
        else 'total'
    end as disaggregation,
    case
        {%- for disaggregation, column in breakdowns if disaggregation != 'total' %}
        when grouping({{ column }}) = 0 then cast({{ column }} as varchar)
        {%- endfor %}
        else 'total'
    end as disaggregation_value
{%- endmacro %}
