select
    upper(trim(alias_code))     as alias_code,
    region_code,
    reason
from {{ source('raw', 'region_code_aliases') }}
