-- Follow-up answers the reader could not read, with the reason.
select
    response_id,
    item_code,
    column_header,
    answer_raw,
    reason_code,
    reason_detail,
    _source_file                    as source_file,
    cast(_source_row as integer)    as source_row
from {{ source('raw', 'followup_survey_quarantine') }}
