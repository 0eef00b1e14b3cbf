with participation_counts as (
    select event_id, count(*) as participations
    from {{ ref('int_participations_deduplicated') }}
    group by event_id
)

select
    events.event_id,
    events.project_id,
    events.event_title,
    events.start_date,
    events.end_date,
    events.city,
    events.country_code,
    events.event_format,
    events.event_kind,
    cast(coalesce(participation_counts.participations, 0) as bigint) as participations
from {{ ref('stg_programme__events') }} as events
left join participation_counts on participation_counts.event_id = events.event_id
