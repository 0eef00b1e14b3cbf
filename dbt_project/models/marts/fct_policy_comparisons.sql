-- Nordic (DK, FI, IS, NO, SE, AX, FO, GL) minus North-West Russia (respondents in Russia) per
-- item, dimension and overall score, with Welch's 95 % interval of the difference.
with comparisons as (
    select * from {{ ref('stg_surveys__policy_comparisons') }}
),

dimensions as (
    select distinct dimension, dimension_name from {{ ref('stg_surveys__policy_items') }}
)

select
    comparisons.survey_wave,
    comparisons.score_level,
    comparisons.dimension,
    case when comparisons.dimension = 'overall' then 'All policy dimensions' else dimensions.dimension_name end
        as dimension_name,
    comparisons.item_code,
    comparisons.nordic_n,
    comparisons.nordic_mean,
    comparisons.north_west_russia_n,
    comparisons.north_west_russia_mean,
    comparisons.difference,
    comparisons.ci_low,
    comparisons.ci_high,
    comparisons.welch_df,
    comparisons.p_value,
    comparisons.is_small_cell
from comparisons
left join dimensions on dimensions.dimension = comparisons.dimension
