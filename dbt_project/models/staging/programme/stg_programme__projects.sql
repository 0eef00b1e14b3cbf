select
    trim(project_id)                        as project_id,
    trim(project_name)                      as project_name,
    trim(programme)                         as programme,
    trim(funder)                            as funder,
    trim(lead_organisation)                 as lead_organisation,
    cast(start_date as date)                as start_date,
    cast(end_date as date)                  as end_date,
    cast(participant_target as integer)     as participant_target
from {{ source('raw', 'projects') }}
