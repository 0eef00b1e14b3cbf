-- Annual average reference rates, units of currency per 1 EUR.
select
    cast(year as integer)   as year,
    currency,
    cast(rate as double)    as rate,
    cast(days as integer)   as days,
    source                  as rate_source,
    _source_files           as source_files
from {{ source('raw', 'exchange_rates') }}
