{#-
    Unit values of each elementary product (material grade x zone) per month and per ISO
    week: the cents paid and grams bought, whose ratio is the price per kg the index uses.
-#}
with

observations as (

    select * from {{ ref('int_price_observations_unioned') }}

),

aggregated_months as (

    select
        series,
        'month' as frequency,
        strftime(observed_date, '%Y-%m') as period,
        material_group,
        product_code,
        sum(amount_cents) as amount_cents,
        sum(net_grams) as net_grams

    from observations
    group by all

),

aggregated_weeks as (

    select
        series,
        'week' as frequency,
        strftime(observed_date, '%G-W%V') as period,
        material_group,
        product_code,
        sum(amount_cents) as amount_cents,
        sum(net_grams) as net_grams

    from observations
    group by all

),

unioned as (

    select * from aggregated_months
    union all
    select * from aggregated_weeks

)

select * from unioned
