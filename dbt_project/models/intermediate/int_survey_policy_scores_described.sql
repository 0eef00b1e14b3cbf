-- Policy score cells with what a reader needs beside the numbers: the dimension's name, the
-- item's English text and whether it was reverse coded. Cells of the overall score carry the
-- 0–100 scale on which they are computed.
with cells as (
    select * from {{ ref('stg_surveys__policy_score_cells') }}
),

items as (
    select item_code, text_en, reverse_coded from {{ ref('stg_surveys__policy_items') }}
),

dimensions as (
    select distinct dimension, dimension_name from {{ ref('stg_surveys__policy_items') }}
)

select
    cells.survey_wave,
    cells.score_level,
    cells.dimension,
    case when cells.dimension = 'overall' then 'All policy dimensions' else dimensions.dimension_name end
        as dimension_name,
    cells.item_code,
    items.text_en                   as item_text_en,
    items.reverse_coded,
    cells.group_type,
    cells.group_code,
    cells.n,
    cells.n_dont_know,
    cells.n_not_applicable,
    cells.mean,
    cells.median,
    cells.sd,
    cells.ci_low,
    cells.ci_high,
    cells.scale_min,
    cells.scale_max,
    cells.is_small_cell
from cells
left join items on items.item_code = cells.item_code
left join dimensions on dimensions.dimension = cells.dimension
