-- The catalogue names only disaggregations the indicator models compute, and every additive
-- disaggregation of an indicator is also one it allows.
{% set known = (person_disaggregations().keys() | list) + ['event'] %}
with catalogue as (
    select * from {{ ref('indicator_catalogue') }}
),

allowed as (
    select indicator_code, 'disaggregations' as list_name, disaggregations, trim(item) as item
    from (select indicator_code, disaggregations, {{ split_list('disaggregations') }} as item
          from catalogue where disaggregations is not null) as items
),

additive as (
    select indicator_code, 'additive_disaggregations' as list_name, disaggregations, trim(item) as item
    from (select indicator_code, disaggregations, {{ split_list('additive_disaggregations') }} as item
          from catalogue where additive_disaggregations is not null) as items
)

select * from allowed
where item not in ({% for name in known %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %})
union all
select * from additive
where not {{ list_contains('disaggregations', 'item') }}
