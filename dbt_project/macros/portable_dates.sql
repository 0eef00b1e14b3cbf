{#
  Date helpers whose SQL differs between engines. Models call these, never the engine's own
  functions, so the project can move from DuckDB to Spark when a programme outgrows one machine.
#}

{% macro month_spine(start_date, end_date) %}
    {{ return(adapter.dispatch('month_spine', 'cci_warehouse')(start_date, end_date)) }}
{% endmacro %}

{% macro duckdb__month_spine(start_date, end_date) %}
    unnest(generate_series(date_trunc('month', {{ start_date }}), date_trunc('month', {{ end_date }}), interval 1 month))::date
{% endmacro %}

{% macro spark__month_spine(start_date, end_date) %}
    explode(sequence(trunc({{ start_date }}, 'MM'), trunc({{ end_date }}, 'MM'), interval 1 month))
{% endmacro %}


{% macro format_month(date_expr) %}
    {{ return(adapter.dispatch('format_month', 'cci_warehouse')(date_expr)) }}
{% endmacro %}

{% macro duckdb__format_month(date_expr) %}strftime({{ date_expr }}, '%Y-%m'){% endmacro %}

{% macro spark__format_month(date_expr) %}date_format({{ date_expr }}, 'yyyy-MM'){% endmacro %}


{% macro month_end(date_expr) %}
    {{ return(adapter.dispatch('month_end', 'cci_warehouse')(date_expr)) }}
{% endmacro %}

{% macro default__month_end(date_expr) %}last_day({{ date_expr }}){% endmacro %}


{% macro add_months(date_expr, months) %}
    {{ return(adapter.dispatch('add_months', 'cci_warehouse')(date_expr, months)) }}
{% endmacro %}

{% macro duckdb__add_months(date_expr, months) %}cast({{ date_expr }} + to_months({{ months }}) as date){% endmacro %}

{% macro spark__add_months(date_expr, months) %}add_months({{ date_expr }}, {{ months }}){% endmacro %}


{% macro months_between(start_date, end_date) %}
    {{ return(adapter.dispatch('months_between', 'cci_warehouse')(start_date, end_date)) }}
{% endmacro %}

{# Whole calendar months from start_date's month to end_date's month (0 when the same month). #}
{% macro default__months_between(start_date, end_date) %}
    ((extract(year from {{ end_date }}) - extract(year from {{ start_date }})) * 12
     + extract(month from {{ end_date }}) - extract(month from {{ start_date }}))
{% endmacro %}


{# The first day of the month of a date, as a date. #}
{% macro month_start(date_expr) %}
    {{ return(adapter.dispatch('month_start', 'cci_warehouse')(date_expr)) }}
{% endmacro %}

{% macro duckdb__month_start(date_expr) %}cast(date_trunc('month', {{ date_expr }}) as date){% endmacro %}

{% macro spark__month_start(date_expr) %}trunc({{ date_expr }}, 'MM'){% endmacro %}


{# The reporting-period ids of the calendar quarter and year of a date ('2016Q1', '2016'). #}
{% macro quarter_id(date_expr) -%}
    cast(extract(year from {{ date_expr }}) as varchar) || 'Q' || cast(extract(quarter from {{ date_expr }}) as varchar)
{%- endmacro %}

{% macro year_id(date_expr) -%}
    cast(extract(year from {{ date_expr }}) as varchar)
{%- endmacro %}
