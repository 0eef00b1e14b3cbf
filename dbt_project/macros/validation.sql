{#
  Generic data test: the model returns no rows where `expression` is false.
  Used for the cross-indicator validation rules (in the style of DHIS2 validation rules).
#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
