-- One row per policy-survey response row. response_status: accepted, unknown_country or
-- duplicate_response (the answers of the last two are quarantined).
select
    response_id,
    respondent_id,
    survey_wave,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row,
    cast(submitted_on as date)      as submitted_on,
    country_code,
    role,
    organisation_type,
    response_status
from {{ source('raw', 'policy_survey_responses') }}
