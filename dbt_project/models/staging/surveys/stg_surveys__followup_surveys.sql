-- Follow-up survey registry: one row per response file (language versions share a survey_id).
select
    survey_id,
    project_id,
    file,
    cast(fielded_from as date)  as fielded_from,
    cast(fielded_to as date)    as fielded_to
from {{ source('raw', 'followup_surveys') }}
