select
    event_id,
    _source_file                    as source_file,
    source_sheet,
    cast(_source_row as integer)    as source_row,
    _file_hash                      as file_hash,
    reason_code,
    reason_detail
from {{ source('raw', 'registration_quarantine') }}
