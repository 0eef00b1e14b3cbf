-- Follow-up responses without the respondent's identity: names, emails and organisations stay in
-- the raw table and reach the warehouse only as the person key of the linkage.
select
    response_id,
    survey_id,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row,
    cast(submitted_on as date)      as submitted_on,
    response_status
from {{ source('raw', 'followup_survey_responses') }}
