-- One row per region code: countries (ISO 3166-1), NUTS 1–3 regions of the Nordic and Baltic
-- countries in every NUTS version they are valid in, Russian federal subjects (ISO 3166-2),
-- federal districts and the two aggregates of oblasts with their autonomous okrugs.
select
    region_code,
    level,
    country_code,
    code_system,
    nuts_versions,
    in_nuts_2013,
    in_nuts_2016,
    in_nuts_2021,
    name_en,
    name_local,
    name_ru,
    parent_code,
    is_nordic,
    is_baltic,
    is_nw_russia,
    is_ndpc_partner,
    is_aggregate,
    note
from {{ ref('stg_statistics__regions') }}
