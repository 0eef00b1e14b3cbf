select
    city_en,
    city_local,
    city_ru,
    aliases,
    country_code,
    region_code
from {{ source('raw', 'gazetteer_cities') }}
