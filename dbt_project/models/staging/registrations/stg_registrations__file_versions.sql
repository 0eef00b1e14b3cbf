-- Which registration export is in effect: one row per file found, with its status
-- (loaded, superseded by a correction, an identical duplicate, or failed) and its row counts.
select
    _source_file                        as source_file,
    _file_hash                          as file_hash,
    event_id,
    file_format,
    status,
    superseded_by,
    status_detail,
    error,
    cast(rows_read as integer)          as rows_read,
    cast(rows_staged as integer)        as rows_staged,
    cast(rows_quarantined as integer)   as rows_quarantined,
    cast(rows_erased as integer)        as rows_erased,
    _ingested_at                        as ingested_at
from {{ source('raw', 'registration_files') }}
