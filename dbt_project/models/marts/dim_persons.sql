-- Person-level mart: only persons who did not refuse research use (see README, "Consent").
select
    person_key,
    country_code,
    target_group,
    organisation_key,
    organisation_type,
    first_participation_on,
    cast(events_attended as bigint) as events_attended
from {{ ref('int_persons_profiled') }}
where has_research_consent
  and events_attended > 0
