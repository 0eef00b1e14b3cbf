-- The regional context of the programme, per region and year, and per project: the region's
-- population, GDP per inhabitant in EUR, creative employment share and creative organisations
-- next to the unique participants the region sent and their number per 100,000 inhabitants.
--
-- project_id 'ALL' rows exist for every region and year with a statistic or a participant and
-- count persons over all projects together; a project's rows exist for the years it ran.
-- Participants are null (not zero) where they cannot be known: years outside the scope, NUTS 3
-- regions and NUTS codes not in the 2016 version (persons are placed in NUTS 2016 regions), and
-- codes outside the region dimension.
with indicators as (
    select * from {{ ref('int_regional_indicators_derived') }}
),

participants as (
    select * from {{ ref('int_regional_participants_counted') }}
),

regions as (
    select * from {{ ref('stg_statistics__regions') }}
),

project_years as (
    select distinct project_id, cast(extract(year from month_start) as integer) as year
    from (
        select project_id, {{ month_spine('start_date', 'end_date') }} as month_start
        from {{ ref('stg_programme__projects') }}
    ) as months
),

region_years as (
    select region_code, year from indicators
    union
    select region_code, year from participants
),

scope_years as (
    select distinct year from project_years
),

scopes as (
    select
        'ALL' as project_id,
        region_years.region_code,
        region_years.year,
        scope_years.year is not null as in_scope
    from region_years
    left join scope_years on scope_years.year = region_years.year
    union all
    select project_years.project_id, region_years.region_code, region_years.year, true as in_scope
    from region_years
    inner join project_years on project_years.year = region_years.year
),

counted as (
    select
        scopes.project_id,
        scopes.region_code,
        scopes.year,
        regions.level as region_level,
        coalesce(regions.country_code,
                 case when scopes.region_code like '__' then scopes.region_code end) as country_code,
        case
            when not scopes.in_scope then null
            when regions.region_code is null or regions.level = 'nuts3' then null
            when regions.code_system = 'nuts' and not regions.in_nuts_2016 then null
            else coalesce(participants.participants, 0)
        end as participants,
        case
            when not scopes.in_scope then null
            when regions.region_code is null or regions.level = 'nuts3' then null
            when regions.code_system = 'nuts' and not regions.in_nuts_2016 then null
            else coalesce(country_participants.participants_without_region, 0)
        end as participants_without_region
    from scopes
    left join regions on regions.region_code = scopes.region_code
    left join participants
        on participants.project_id = scopes.project_id
        and participants.region_code = scopes.region_code
        and participants.year = scopes.year
    left join participants as country_participants
        on country_participants.project_id = scopes.project_id
        and country_participants.region_code = regions.country_code
        and country_participants.year = scopes.year
)

select
    counted.region_code,
    counted.year,
    counted.project_id,
    counted.region_level,
    counted.country_code,

    indicators.population,
    indicators.population_flag,

    indicators.gdp_per_capita_eur,
    indicators.gdp_per_capita_flag,
    indicators.gdp_per_capita_method,
    indicators.gdp_currency,
    indicators.exchange_rate_per_eur,
    indicators.exchange_rate_source,
    indicators.exchange_rate_days,

    indicators.employment_total_thousands,
    indicators.employment_j_thousands,
    indicators.employment_r_u_thousands,
    indicators.employment_j_r_u_pct,
    indicators.employment_flag,

    indicators.creative_organisations,
    indicators.creative_activities,
    indicators.creative_organisations_flag,

    cast(counted.participants as bigint)                  as participants,
    cast(counted.participants_without_region as bigint)   as participants_without_region,
    case when counted.participants is not null and indicators.population > 0
         then 100000.0 * counted.participants / indicators.population
    end as participants_per_100k,
    case when counted.participants is not null
         then {{ combine_flags([
             'indicators.population_flag',
             "case when indicators.population is null then ':' end"]) }}
    end as participants_per_100k_flag,
    coalesce(counted.participants between 1 and 4, false) as is_small_cell,

    nullif(concat_ws(', ', indicators.population_dataset, indicators.gdp_dataset,
                     indicators.employment_dataset, indicators.organisations_dataset), '') as source_datasets
from counted
left join indicators
    on indicators.region_code = counted.region_code
    and indicators.year = counted.year
