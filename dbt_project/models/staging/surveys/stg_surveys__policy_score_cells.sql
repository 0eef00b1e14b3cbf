-- Item, dimension and overall score cells computed by pipelines.surveys.scoring.
select
    survey_wave,
    score_level,
    dimension,
    item_code,
    group_type,
    group_code,
    cast(n as integer)                  as n,
    cast(n_dont_know as integer)        as n_dont_know,
    cast(n_not_applicable as integer)   as n_not_applicable,
    cast(mean as double)                as mean,
    cast(median as double)              as median,
    cast(sd as double)                  as sd,
    cast(ci_low as double)              as ci_low,
    cast(ci_high as double)             as ci_high,
    cast(scale_min as integer)          as scale_min,
    cast(scale_max as integer)          as scale_max,
    cast(is_small_cell as boolean)      as is_small_cell
from {{ source('raw', 'policy_survey_score_cells') }}
