select
    project_id,
    project_name,
    programme,
    funder,
    lead_organisation,
    start_date,
    end_date,
    participant_target,
    cast({{ months_between('start_date', 'end_date') }} + 1 as integer) as project_months
from {{ ref('stg_programme__projects') }}
