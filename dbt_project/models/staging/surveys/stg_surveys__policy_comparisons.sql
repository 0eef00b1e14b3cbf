-- Nordic minus North-West Russia, per item, dimension and overall (pipelines.surveys.scoring).
select
    survey_wave,
    score_level,
    dimension,
    item_code,
    cast(nordic_n as integer)               as nordic_n,
    cast(nordic_mean as double)             as nordic_mean,
    cast(north_west_russia_n as integer)    as north_west_russia_n,
    cast(north_west_russia_mean as double)  as north_west_russia_mean,
    cast(difference as double)              as difference,
    cast(ci_low as double)                  as ci_low,
    cast(ci_high as double)                 as ci_high,
    cast(welch_df as double)                as welch_df,
    cast(p_value as double)                 as p_value,
    cast(is_small_cell as boolean)          as is_small_cell
from {{ source('raw', 'policy_survey_comparisons') }}
