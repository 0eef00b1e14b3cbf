select
    registration_id,
    person_key,
    organisation_key,
    match_rule
from {{ source('raw', 'person_identities') }}
