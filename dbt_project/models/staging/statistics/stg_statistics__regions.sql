-- The region dimension with the NUTS versions as flags (a code can be valid in several).
select
    region_code,
    level,
    country_code,
    code_system,
    nuts_versions,
    coalesce(nuts_versions like '%2013%', false)    as in_nuts_2013,
    coalesce(nuts_versions like '%2016%', false)    as in_nuts_2016,
    coalesce(nuts_versions like '%2021%', false)    as in_nuts_2021,
    name_en,
    name_local,
    name_ru,
    parent_code,
    is_nordic,
    is_baltic,
    is_nw_russia,
    is_ndpc_partner,
    level = 'aggregate'                             as is_aggregate,
    note
from {{ source('raw', 'regions') }}
