-- Every regional observation of every statistics file, tidy: one row per file, indicator
-- (dataset + dimensions), region and period. Nothing is summed or converted here; see
-- fct_regional_context for derived figures. Aggregate regions (RU-ARK+NEN, RU-TYU+KHM+YAN) are
-- kept as published and marked, so that sums over subjects can leave them out.
select
    region_code,
    source_region_code,
    region_level,
    country_code,
    nuts_version,
    is_aggregate_region,
    year,
    period_type,
    period_start,
    period_end,
    dataset || case when dimensions <> '' then '|' || dimensions else '' end as indicator_key,
    dataset,
    dimensions,
    concept,
    component,
    unit,
    value,
    flag,
    source_format,
    source_file,
    source_file_hash,
    ingested_at
from {{ ref('int_regional_observations_classified') }}
