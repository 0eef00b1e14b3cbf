-- One row per policy-survey response file with its answer reconciliation counts.
select
    _source_file                    as source_file,
    _file_hash                      as file_hash,
    file_format,
    status,
    error,
    cast(responses as integer)              as responses,
    cast(answers_read as integer)           as answers_read,
    cast(answers_scored as integer)         as answers_scored,
    cast(answers_dont_know as integer)      as answers_dont_know,
    cast(answers_not_applicable as integer) as answers_not_applicable,
    cast(answers_quarantined as integer)    as answers_quarantined,
    cast(answers_blank as integer)          as answers_blank,
    unknown_columns,
    ignored_columns
from {{ source('raw', 'policy_survey_files') }}
