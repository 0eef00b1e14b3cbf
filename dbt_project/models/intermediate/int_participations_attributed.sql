-- One row per participation with everything an indicator or a disaggregation needs: the
-- participant's profile (one per person, so person-level cells partition the participants), the
-- event's kind and country, the participant's region (the region of their registration city, from
-- the gazetteer) and the cross-border flags. Missing values get an explicit cell ('unknown',
-- 'not_recorded') so that every participation sits in exactly one cell.
with participations as (
    select * from {{ ref('int_participations_deduplicated') }}
),

persons as (
    select * from {{ ref('int_persons_profiled') }}
),

events as (
    select event_id, event_kind from {{ ref('stg_programme__events') }}
),

regions as (
    select person_key, region_code from {{ ref('int_regional_persons_located') }}
),

country_groups as (
    select country_code, country_group from {{ ref('country_groups') }}
)

select
    participations.person_key,
    participations.event_id,
    participations.project_id,
    participations.participated_on,
    events.event_kind,
    participations.event_country_code,
    persons.organisation_key,
    coalesce(persons.target_group, 'unknown')           as target_group,
    coalesce(persons.country_code, 'unknown')           as country_code,
    coalesce(persons.organisation_type, 'unknown')      as organisation_type,
    coalesce(persons.sex, 'not_recorded')               as sex,
    coalesce(regions.region_code, 'unknown')            as region_code,
    coalesce(persons.country_code <> participations.event_country_code, false) as is_cross_border,
    coalesce(person_group.country_group = 'nordic' and event_group.country_group = 'russia', false)
                                                        as is_nordic_participant_at_event_in_russia,
    coalesce(person_group.country_group = 'russia' and event_group.country_group = 'nordic', false)
                                                        as is_russian_participant_at_nordic_event
from participations
inner join persons on persons.person_key = participations.person_key
inner join events on events.event_id = participations.event_id
left join regions on regions.person_key = participations.person_key
left join country_groups as person_group on person_group.country_code = persons.country_code
left join country_groups as event_group on event_group.country_code = participations.event_country_code
