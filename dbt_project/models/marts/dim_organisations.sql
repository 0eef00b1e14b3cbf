-- Organisations seen among participants, with the profile their indicators are disaggregated by.
-- Names are left out: a sole proprietor's organisation name is a person's name.
select
    organisation_key,
    organisation_type,
    country_code,
    is_sme,
    cast(persons as bigint) as persons
from {{ ref('int_organisations_profiled') }}
