-- Rows of superseded exports, for tracing a correction back to what it replaced. Only
-- lineage and the reader's verdict: the personal values stay in raw.registrations_superseded.
select
    registration_id,
    event_id,
    _source_file                    as source_file,
    source_sheet,
    cast(_source_row as integer)    as source_row,
    _file_hash                      as file_hash,
    superseded_by,
    reason_code,
    reason_code is null             as would_be_staged
from {{ source('raw', 'registrations_superseded') }}
