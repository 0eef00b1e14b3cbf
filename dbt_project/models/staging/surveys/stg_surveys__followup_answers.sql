-- Accepted follow-up answers; answer_value is the number or the label's value (null for don't know).
select
    response_id,
    item_code,
    answer_status,
    cast(answer_value as integer)   as answer_value,
    matched_as,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row
from {{ source('raw', 'followup_survey_answers') }}
