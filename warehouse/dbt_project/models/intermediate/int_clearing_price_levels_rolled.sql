{#-
    The plant-clearing price level per material grade before each day: deal-weighted cents
    per kg over the 30 days up to the day before (the lot itself is never in its benchmark).
-#}
with

observations as (

    select * from {{ ref('int_price_observations_unioned') }}

),

aggregated_days as (

    select
        material_id,
        grade,
        observed_date as price_date,
        sum(amount_cents) as amount_cents,
        sum(net_grams) as net_grams

    from observations
    where series = 'plant_clearing'
    group by all

),

rolled as (

    select
        material_id,
        grade,
        price_date,
        sum(amount_cents) over previous_30_days as trailing_amount_cents,
        sum(net_grams) over previous_30_days as trailing_net_grams

    from aggregated_days
    window previous_30_days as (
        partition by material_id, grade
        order by price_date
        range between interval 30 days preceding and interval 1 day preceding
    )

),

priced as (

    select
        material_id,
        grade,
        price_date,
        trailing_amount_cents * 1000.0 / nullif(trailing_net_grams, 0)
            as market_price_cents_per_kg

    from rolled

)

select * from priced
