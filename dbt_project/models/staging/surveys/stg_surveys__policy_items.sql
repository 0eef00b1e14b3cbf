-- Policy-survey items as the codebook defines them (validated by the ingest).
select
    item_code,
    dimension,
    dimension_name,
    text_en,
    text_ru,
    cast(scale_min as integer)      as scale_min,
    cast(scale_max as integer)      as scale_max,
    cast(reverse_coded as boolean)  as reverse_coded,
    label_set,
    cast(dont_know_code as integer)       as dont_know_code,
    cast(not_applicable_code as integer)  as not_applicable_code
from {{ source('raw', 'policy_survey_codebook') }}
