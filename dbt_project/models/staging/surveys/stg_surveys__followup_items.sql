-- Follow-up survey items; `outcome` is the codebook's dimension (what the item measures).
select
    item_code,
    dimension                       as outcome,
    text_en,
    cast(scale_min as integer)      as scale_min,
    cast(scale_max as integer)      as scale_max,
    label_set
from {{ source('raw', 'followup_survey_codebook') }}
