-- Person-level fact: one row per person and event attended, for persons who did not refuse
-- research use. Aggregate indicators (fct_indicator_values) count everyone.
select
    participations.registration_id  as participation_key,
    attributed.person_key,
    attributed.event_id,
    attributed.project_id,
    attributed.organisation_key,
    persons.country_code,
    attributed.event_country_code,
    persons.target_group,
    persons.organisation_type,
    attributed.participated_on,
    attributed.is_cross_border,
    attributed.event_kind,
    attributed.is_nordic_participant_at_event_in_russia,
    attributed.is_russian_participant_at_nordic_event
from {{ ref('int_participations_attributed') }} as attributed
inner join {{ ref('int_participations_deduplicated') }} as participations
    on participations.person_key = attributed.person_key and participations.event_id = attributed.event_id
inner join {{ ref('int_persons_profiled') }} as persons
    on persons.person_key = attributed.person_key
where persons.has_research_consent
