-- The published indicator values are exactly the computed ones (no cell lost or duplicated by
-- the joins to the catalogue, the periods and the targets).
with computed as (
    select count(*) as n from {{ ref('int_indicator_values_computed') }}
),

published as (
    select count(*) as n from {{ ref('fct_indicator_values') }}
)

select computed.n as computed_rows, published.n as published_rows
from computed cross join published
where computed.n <> published.n
