{#
  Helpers of the regional-statistics models whose SQL differs between engines.
#}

{#
  The flags of several inputs as one flag string: the distinct characters of all of them,
  sorted ('b', 'p', null -> 'bp'; ':' sorts first and marks a missing input), null when none.
#}
{% macro combine_flags(flags) %}
    {{ return(adapter.dispatch('combine_flags', 'cci_warehouse')(flags)) }}
{% endmacro %}

{% macro duckdb__combine_flags(flags) -%}
    nullif(array_to_string(list_sort(list_distinct(string_split(concat_ws('', {{ flags | join(', ') }}), ''))), ''), '')
{%- endmacro %}

{% macro spark__combine_flags(flags) -%}
    nullif(array_join(array_sort(array_distinct(filter(split(concat_ws('', {{ flags | join(', ') }}), ''), c -> c <> ''))), ''), '')
{%- endmacro %}


{# The concatenation of a text column over the rows of a group (for combining their flags). #}
{% macro concat_agg(expr) %}
    {{ return(adapter.dispatch('concat_agg', 'cci_warehouse')(expr)) }}
{% endmacro %}

{% macro duckdb__concat_agg(expr) -%}
    string_agg({{ expr }}, '')
{%- endmacro %}

{% macro spark__concat_agg(expr) -%}
    concat_ws('', collect_list({{ expr }}))
{%- endmacro %}


{# Distinct values of a text column over the rows of a group, sorted, joined by ','. #}
{% macro sorted_list_agg(expr) %}
    {{ return(adapter.dispatch('sorted_list_agg', 'cci_warehouse')(expr)) }}
{% endmacro %}

{% macro duckdb__sorted_list_agg(expr) -%}
    array_to_string(list_sort(list_distinct(list({{ expr }}))), ',')
{%- endmacro %}

{% macro spark__sorted_list_agg(expr) -%}
    array_join(array_sort(collect_set({{ expr }})), ',')
{%- endmacro %}


{#
  The value of one key in a folded dimension string 'k1=v1|k2=v2' (see
  pipelines.statistics.tidy.long_rows), percent-escapes undone; null when the key is absent.
  regexp_extract has the same signature in DuckDB and Spark.
#}
{% macro dimension_value(dimensions, key) -%}
    replace(replace(replace(
        nullif(regexp_extract({{ dimensions }}, '(^|[|]){{ key }}=([^|]*)', 2), ''),
        '%7C', '|'), '%3D', '='), '%25', '%')
{%- endmacro %}
