-- Accepted registration rows. Personal data (names, emails, phones) stays in this layer:
-- intermediate models select only keys and attributes.
select
    registration_id,
    event_id,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row,
    _file_hash                      as file_hash,
    first_name,
    last_name,
    email,
    phone,
    organisation,
    coalesce(organisation_type, 'unknown')  as organisation_type,
    coalesce(target_group, 'unknown')       as target_group,
    upper(country_code)             as country_code,
    city,
    sex,
    cast(registered_on as date)     as registered_on,
    cast(attended as boolean)       as attended,
    cast(research_consent as boolean) as research_consent
from {{ source('raw', 'registrations') }}
