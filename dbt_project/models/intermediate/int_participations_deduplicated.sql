-- One participation per person and event. A person registered twice for one event counts once;
-- a registration marked as not attended (a no-show) is not a participation, while a list that
-- does not record attendance counts everyone on it.
with attended_rows as (
    select *
    from {{ ref('int_registrations_identified') }}
    where attended is null or attended
),

ranked as (
    select
        *,
        row_number() over (
            partition by person_key, event_id
            order by registered_on desc nulls last, registration_id desc
        ) as row_rank
    from attended_rows
)

select
    ranked.person_key,
    ranked.event_id,
    ranked.project_id,
    ranked.organisation_key,
    ranked.registration_id,
    events.start_date    as participated_on,
    events.country_code  as event_country_code
from ranked
inner join {{ ref('stg_programme__events') }} as events
    on events.event_id = ranked.event_id
where ranked.row_rank = 1
