-- Person-level fact: one row per person and event attended, for persons who did not refuse
-- research use. Aggregate indicators (fct_indicator_values) count everyone.
select
    participations.registration_id  as participation_key,
    participations.person_key,
    participations.event_id,
    participations.project_id,
    persons.organisation_key,
    persons.country_code,
    participations.event_country_code,
    persons.target_group,
    persons.organisation_type,
    participations.participated_on,
    coalesce(persons.country_code <> participations.event_country_code, false) as is_cross_border
from {{ ref('int_participations_deduplicated') }} as participations
inner join {{ ref('int_persons_profiled') }} as persons
    on persons.person_key = participations.person_key
where persons.has_research_consent
