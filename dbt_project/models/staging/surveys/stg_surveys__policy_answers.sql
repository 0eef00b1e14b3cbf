-- Accepted policy-survey answers. score is the answer after reverse coding; null unless scored.
select
    response_id,
    item_code,
    answer_status,
    cast(answer_value as integer)   as answer_value,
    cast(score as double)           as score,
    matched_as,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row
from {{ source('raw', 'policy_survey_answers') }}
