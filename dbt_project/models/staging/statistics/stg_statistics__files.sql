select
    _source_file            as source_file,
    _file_hash              as source_file_hash,
    dataset,
    source_format,
    title,
    table_unit,
    status,
    error,
    cast(rows as integer)   as observations,
    _ingested_at            as ingested_at
from {{ source('raw', 'statistics_files') }}
