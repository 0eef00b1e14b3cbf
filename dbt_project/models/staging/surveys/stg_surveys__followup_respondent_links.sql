-- The participant a follow-up response belongs to, as a keyed hash (null unless linked).
select
    response_id,
    survey_id,
    person_key,
    link_status,
    match_rule
from {{ source('raw', 'followup_respondent_links') }}
