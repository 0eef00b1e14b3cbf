-- The country × dimension policy index: each dimension score (and the overall score) on a 0–100
-- scale, (score − scale_min) / (scale_max − scale_min) × 100, with its 95 % interval, and the
-- countries ranked within each dimension where the cell is large enough to show.
with cells as (
    select *
    from {{ ref('int_survey_policy_scores_described') }}
    where score_level in ('dimension', 'overall')
),

indexed as (
    select
        survey_wave,
        dimension,
        dimension_name,
        group_type,
        group_code,
        n,
        (mean - scale_min) * 100.0 / (scale_max - scale_min)      as index_value,
        (ci_low - scale_min) * 100.0 / (scale_max - scale_min)    as index_ci_low,
        (ci_high - scale_min) * 100.0 / (scale_max - scale_min)   as index_ci_high,
        mean                                                      as score_mean,
        scale_min,
        scale_max,
        is_small_cell,
        group_type = 'country' and not is_small_cell              as is_ranked
    from cells
)

select
    survey_wave,
    dimension,
    dimension_name,
    group_type,
    group_code,
    n,
    index_value,
    index_ci_low,
    index_ci_high,
    score_mean,
    scale_min,
    scale_max,
    is_small_cell,
    case when is_ranked
         then cast(rank() over (partition by survey_wave, dimension, is_ranked order by index_value desc) as integer)
    end as country_rank
from indexed
