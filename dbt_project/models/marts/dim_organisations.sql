-- Organisations seen among participants. Names are left out: a sole proprietor's
-- organisation name is a person's name.
with persons as (
    select * from {{ ref('int_persons_profiled') }}
    where events_attended > 0 and organisation_key is not null
),

ranked as (
    select
        organisation_key,
        organisation_type,
        country_code,
        row_number() over (partition by organisation_key order by count(*) desc, organisation_type, country_code) as row_rank
    from persons
    group by organisation_key, organisation_type, country_code
),

sizes as (
    select organisation_key, count(*) as persons
    from persons
    group by organisation_key
)

select
    ranked.organisation_key,
    ranked.organisation_type,
    ranked.country_code,
    ranked.organisation_type in ('sme', 'self_employed') as is_sme,
    cast(sizes.persons as bigint) as persons
from ranked
inner join sizes on sizes.organisation_key = ranked.organisation_key
where ranked.row_rank = 1
