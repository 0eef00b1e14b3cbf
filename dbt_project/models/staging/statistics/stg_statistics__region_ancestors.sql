select
    region_code,
    ancestor_code,
    cast(distance as integer)   as distance,
    relation
from {{ source('raw', 'region_ancestors') }}
