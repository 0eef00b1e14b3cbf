-- The regional statistics the context mart shows, one row per region and year with any of them:
-- population on 1 January, GDP per inhabitant in EUR, employment in NACE J and R–U as a share of
-- all employment, and the number of organisations in creative activities.
--
-- Rules: where two files give the same figure, the row with a value wins, then the later file
-- name. A derived figure is null when an input it needs is missing, never zero; its flag then
-- carries ':' (Eurostat's "not available") besides the flags of the inputs that exist.
with observations as (
    select * from {{ ref('int_regional_observations_classified') }}
    where concept is not null
      and year is not null
      and (period_type = 'year' or (concept = 'creative_organisations' and period_type = 'day'))
),

picked as (
    select
        observations.*,
        row_number() over (
            partition by concept, component, currency, region_code, year
            order by case when value is null then 1 else 0 end, source_file desc, dataset
        ) as pick
    from observations
),

chosen as (
    select * from picked where pick = 1
),

population as (
    select region_code, year, value * scale as population, flag as population_flag, dataset
    from chosen
    where concept = 'population'
),

gdp_per_inhabitant as (
    select region_code, year, value, flag, dataset
    from chosen
    where concept = 'gdp_per_capita' and currency = 'EUR'
),

gdp_total as (
    -- a total in EUR where there is one, else in the national currency
    select region_code, year, value * scale as value, flag, currency, dataset
    from (
        select
            chosen.*,
            row_number() over (
                partition by region_code, year
                order by case when currency = 'EUR' then 0 when currency is null then 2 else 1 end
            ) as currency_rank
        from chosen
        where concept = 'gdp'
    ) as ranked
    where currency_rank = 1
),

rates as (
    select * from {{ ref('stg_statistics__exchange_rates') }}
),

employment as (
    select
        region_code,
        year,
        max(case when component = 'TOTAL' then value end)   as total,
        max(case when component = 'J' then value end)       as section_j,
        max(case when component = 'R-U' then value end)     as sections_r_u,
        sum(case when component in ('TOTAL', 'J', 'R-U') and value is not null then 1 else 0 end) as inputs_with_value,
        {{ combine_flags([concat_agg('flag')]) }}            as input_flags,
        min(dataset)                                        as dataset
    from chosen
    where concept = 'employment'
    group by region_code, year
),

organisation_sections as (
    select region_code, year from chosen
    where concept = 'creative_organisations' and component = 'R'
),

organisation_rows as (
    -- a division of section R (R90, R91) is not added where the section itself is reported
    select chosen.*
    from chosen
    left join organisation_sections as sections
        on sections.region_code = chosen.region_code and sections.year = chosen.year
    where chosen.concept = 'creative_organisations'
      and not (chosen.component in ('R90', 'R91') and sections.region_code is not null)
),

organisation_components_expected as (
    -- the activities a region is reported with in any year; a year lacking one is incomplete
    select region_code, count(distinct component) as expected
    from organisation_rows
    group by region_code
),

organisations as (
    select
        rows.region_code,
        rows.year,
        sum(rows.value)                                 as total,
        count(distinct rows.component)                  as components,
        sum(case when rows.value is not null then 1 else 0 end) as components_with_value,
        max(expected.expected)                          as expected,
        {{ sorted_list_agg('rows.component') }}         as activities,
        {{ combine_flags([concat_agg('rows.flag')]) }}  as input_flags,
        min(rows.dataset)                               as dataset
    from organisation_rows as rows
    inner join organisation_components_expected as expected on expected.region_code = rows.region_code
    group by rows.region_code, rows.year
),

region_years as (
    select distinct region_code, year from chosen
)

select
    region_years.region_code,
    region_years.year,

    population.population,
    population.population_flag,

    case
        when gdp_per_inhabitant.value is not null then gdp_per_inhabitant.value
        when gdp_total.region_code is not null and population.population > 0
             and (gdp_total.currency = 'EUR' or rates.rate > 0)
            then gdp_total.value / population.population
                 / case when gdp_total.currency = 'EUR' then 1.0 else rates.rate end
    end as gdp_per_capita_eur,
    case
        when gdp_per_inhabitant.value is not null
            then gdp_per_inhabitant.flag
        when gdp_total.region_code is not null
            then {{ combine_flags([
                'gdp_total.flag', 'population.population_flag',
                "case when gdp_total.value is null or population.population is null
                           or (gdp_total.currency is null)
                           or (gdp_total.currency <> 'EUR' and rates.rate is null) then ':' end"]) }}
        when gdp_per_inhabitant.region_code is not null
            then {{ combine_flags(["':'", 'gdp_per_inhabitant.flag']) }}
    end as gdp_per_capita_flag,
    case
        when gdp_per_inhabitant.value is not null then 'eurostat_eur_per_inhabitant'
        when gdp_total.region_code is not null and gdp_total.currency = 'EUR' then 'total_eur_per_population'
        when gdp_total.region_code is not null then 'total_converted_per_population'
        when gdp_per_inhabitant.region_code is not null then 'eurostat_eur_per_inhabitant'
    end as gdp_per_capita_method,
    case when gdp_per_inhabitant.value is null then gdp_total.currency end as gdp_currency,
    case when gdp_per_inhabitant.value is null and gdp_total.currency <> 'EUR' then rates.rate end
        as exchange_rate_per_eur,
    case when gdp_per_inhabitant.value is null and gdp_total.currency <> 'EUR'
         then coalesce(rates.rate_source, 'missing') end as exchange_rate_source,
    case when gdp_per_inhabitant.value is null and gdp_total.currency <> 'EUR'
         then coalesce(rates.days, 0) end as exchange_rate_days,

    employment.total            as employment_total_thousands,
    employment.section_j        as employment_j_thousands,
    employment.sections_r_u     as employment_r_u_thousands,
    case when employment.inputs_with_value = 3 and employment.total > 0
         then 100.0 * (employment.section_j + employment.sections_r_u) / employment.total
    end as employment_j_r_u_pct,
    case when employment.region_code is not null
         then {{ combine_flags([
             'employment.input_flags',
             "case when employment.inputs_with_value < 3 then ':' end"]) }}
    end as employment_flag,

    case when organisations.components = organisations.expected
              and organisations.components_with_value = organisations.components
         then organisations.total end as creative_organisations,
    organisations.activities    as creative_activities,
    case when organisations.region_code is not null
         then {{ combine_flags([
             'organisations.input_flags',
             "case when organisations.components < organisations.expected
                        or organisations.components_with_value < organisations.components then ':' end"]) }}
    end as creative_organisations_flag,

    population.dataset          as population_dataset,
    coalesce(case when gdp_per_inhabitant.value is not null then gdp_per_inhabitant.dataset end,
             gdp_total.dataset, gdp_per_inhabitant.dataset) as gdp_dataset,
    employment.dataset          as employment_dataset,
    organisations.dataset       as organisations_dataset
from region_years
left join population
    on population.region_code = region_years.region_code and population.year = region_years.year
left join gdp_per_inhabitant
    on gdp_per_inhabitant.region_code = region_years.region_code and gdp_per_inhabitant.year = region_years.year
left join gdp_total
    on gdp_total.region_code = region_years.region_code and gdp_total.year = region_years.year
left join rates
    on rates.currency = gdp_total.currency and rates.year = region_years.year
left join employment
    on employment.region_code = region_years.region_code and employment.year = region_years.year
left join organisations
    on organisations.region_code = region_years.region_code and organisations.year = region_years.year
