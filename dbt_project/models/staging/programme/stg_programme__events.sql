select
    trim(event_id)                  as event_id,
    trim(project_id)                as project_id,
    trim(title)                     as event_title,
    cast(start_date as date)        as start_date,
    cast(coalesce(nullif(trim(end_date), ''), start_date) as date) as end_date,
    trim(city)                      as city,
    upper(trim(country_code))       as country_code,
    lower(trim(format))             as event_format,
    lower(trim(event_kind))         as event_kind
from {{ source('raw', 'events') }}
