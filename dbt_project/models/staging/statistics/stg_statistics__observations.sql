-- Regional observations as the parsers read them, one row per (file, dataset, dimensions, region,
-- period). Rows without a region (the ECB's exchange rates) are not regional statistics: the
-- rates reach the marts through stg_statistics__exchange_rates.
select
    dataset,
    source_format,
    coalesce(dimensions, '')                as dimensions,
    upper(trim(region))                     as source_region_code,
    period,
    period_type,
    cast(period_start as date)              as period_start,
    cast(period_end as date)                as period_end,
    cast(value as double)                   as value,
    nullif(trim(flag), '')                  as flag,
    unit,
    _source_file                            as source_file,
    _file_hash                              as source_file_hash,
    _ingested_at                            as ingested_at
from {{ source('raw', 'regional_statistics') }}
where region is not null and trim(region) <> ''
