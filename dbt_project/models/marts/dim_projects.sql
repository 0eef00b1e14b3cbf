select
    project_id,
    project_name,
    programme,
    funder,
    lead_organisation,
    start_date,
    end_date,
    participant_target
from {{ ref('stg_programme__projects') }}
