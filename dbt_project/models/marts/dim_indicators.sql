-- The indicator catalogue (seed indicator_catalogue, edited by the programme) as a mart.
select
    indicator_code,
    indicator_name,
    indicator_name_ru,
    definition,
    definition_ru,
    unit,
    indicator_type,
    counting_unit,
    period_aggregation,
    baseline,
    disaggregations,
    additive_disaggregations,
    bounded_by,
    suppress_small_cells,
    data_source,
    interreg_code,
    interreg_name,
    interreg_relation,
    iati_vocabulary,
    iati_code,
    iati_indicator_uri
from {{ ref('indicator_catalogue') }}
