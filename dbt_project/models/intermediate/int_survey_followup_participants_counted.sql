-- The denominators of the response rate: unique participants of each project in total and per
-- country (the participant's profile country, as in the participation indicators).
with participants as (
    select distinct participations.project_id, participations.person_key,
           coalesce(persons.country_code, 'unknown') as country_code
    from {{ ref('int_participations_deduplicated') }} as participations
    left join {{ ref('int_persons_profiled') }} as persons on persons.person_key = participations.person_key
)

select project_id, 'total' as disaggregation, 'total' as disaggregation_value, count(*) as participants
from participants
group by project_id

union all

select project_id, 'country' as disaggregation, country_code as disaggregation_value, count(*) as participants
from participants
group by project_id, country_code
