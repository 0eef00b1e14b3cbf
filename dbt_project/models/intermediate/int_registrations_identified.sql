-- Registration rows with their pseudonymous keys and without personal data.
select
    r.registration_id,
    r.event_id,
    e.project_id,
    i.person_key,
    i.organisation_key,
    r.organisation_type,
    r.target_group,
    r.country_code,
    r.sex,
    r.registered_on,
    r.attended,
    r.research_consent,
    r.source_row
from {{ ref('stg_registrations__registrations') }} as r
inner join {{ ref('stg_registrations__person_identities') }} as i
    on i.registration_id = r.registration_id
inner join {{ ref('stg_programme__events') }} as e
    on e.event_id = r.event_id
