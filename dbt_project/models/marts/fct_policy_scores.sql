-- Policy-survey scores per item, dimension and overall (0–100), by country, country group
-- (nordic, north_west_russia, baltic, other) and all respondents: n, mean, median, 95 % t interval.
-- "Don't know" and "not applicable" are counted beside the score, never in it; reverse-coded items
-- are reversed before scoring. Cells with n < 5 are flagged for suppression.
select
    survey_wave,
    score_level,
    dimension,
    dimension_name,
    item_code,
    item_text_en,
    reverse_coded,
    group_type,
    group_code,
    n,
    n_dont_know,
    n_not_applicable,
    mean,
    median,
    sd,
    ci_low,
    ci_high,
    scale_min,
    scale_max,
    is_small_cell
from {{ ref('int_survey_policy_scores_described') }}
