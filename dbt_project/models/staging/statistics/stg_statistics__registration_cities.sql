-- Where each city written in a registration lies (matched with the gazetteer in Python).
select
    country_code,
    city,
    region_code,
    matched_city,
    match_method
from {{ source('raw', 'registration_city_regions') }}
