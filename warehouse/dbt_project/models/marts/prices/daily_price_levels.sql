with

observations as (

    select * from {{ ref('int_price_observations_unioned') }}

),

aggregated as (

    select
        series,
        observed_date as price_date,
        material_id,
        material_code,
        material_group,
        count(*) as n_deals,
        sum(net_grams) as net_grams,
        sum(amount_cents) as amount_cents

    from observations
    group by all

),

priced as (

    select
        series,
        price_date,
        material_id,
        material_code,
        material_group,
        cast(n_deals as integer) as n_deals,
        cast(net_grams as bigint) as net_grams,
        cast(amount_cents as bigint) as amount_cents,
        -- deal-weighted: total paid over total weight, so a large deal counts for more
        cast(round(amount_cents * 1000.0 / net_grams, 4) as decimal(18, 4))
            as price_cents_per_kg

    from aggregated

)

select * from priced
