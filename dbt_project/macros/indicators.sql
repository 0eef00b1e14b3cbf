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
