select
    _source_file                    as source_file,
    _file_hash                      as file_hash,
    event_id,
    file_format,
    encoding,
    cast(rows_read as integer)          as rows_read,
    cast(rows_staged as integer)        as rows_staged,
    cast(rows_quarantined as integer)   as rows_quarantined,
    _ingested_at                    as ingested_at
from {{ source('raw', 'registration_files') }}
