-- One profile per person: the attributes from their most recent registration that states them.
-- Profiles make disaggregations additive (each person sits in exactly one target group,
-- country, organisation type and sex).
with registrations as (
    select * from {{ ref('int_registrations_identified') }}
),

latest_known as (
    select
        person_key,
        target_group,
        country_code,
        organisation_key,
        organisation_type,
        row_number() over (
            partition by person_key
            order by case when target_group = 'unknown' then 1 else 0 end,
                     registered_on desc nulls last, registration_id desc
        ) as row_rank
    from registrations
),

latest_sex as (
    -- Sex is collected by some registration forms only: the latest registration that states it.
    select person_key, sex
    from (
        select
            person_key,
            sex,
            row_number() over (
                partition by person_key
                order by registered_on desc nulls last, registration_id desc
            ) as row_rank
        from registrations
        where sex is not null
    ) as stated
    where row_rank = 1
),

consent as (
    -- A refusal anywhere wins: the person is left out of person-level marts.
    select
        person_key,
        case when sum(case when research_consent = false then 1 else 0 end) > 0 then false else true end
            as has_research_consent
    from registrations
    group by person_key
),

participation_summary as (
    select
        person_key,
        min(participated_on)        as first_participation_on,
        count(distinct event_id)    as events_attended
    from {{ ref('int_participations_deduplicated') }}
    group by person_key
)

select
    latest_known.person_key,
    latest_known.target_group,
    latest_known.country_code,
    latest_known.organisation_key,
    latest_known.organisation_type,
    latest_sex.sex,
    consent.has_research_consent,
    participation_summary.first_participation_on,
    coalesce(participation_summary.events_attended, 0) as events_attended
from latest_known
inner join consent on consent.person_key = latest_known.person_key
left join latest_sex on latest_sex.person_key = latest_known.person_key
left join participation_summary on participation_summary.person_key = latest_known.person_key
where latest_known.row_rank = 1
