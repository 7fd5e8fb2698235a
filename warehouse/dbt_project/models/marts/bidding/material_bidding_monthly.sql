with

lots as (

    select * from {{ ref('lot_auction_results') }}

),

materials as (

    select * from {{ ref('stg_platform__materials') }}

),

aggregated as (

    select
        material_id,
        cast(date_trunc('month', close_date) as date) as month_start,
        cast(count(*) as integer) as n_lots_offered,
        cast(count(*) filter (where is_sold) as integer) as n_lots_sold,
        sum(net_grams) as offered_grams,
        sum(net_grams) filter (where is_sold) as sold_grams,
        sum(clearing_price_cents) filter (where is_sold) as clearing_cents,
        sum(n_bids) as n_bids,
        sum(n_late_bids) as n_late_bids,
        avg(n_bidders) as avg_bidders_per_lot,
        avg(extension_count) as avg_extensions_per_lot,
        avg(premium_over_reserve_ratio) as avg_premium_over_reserve_ratio,
        avg(premium_over_index_ratio) as avg_premium_over_index_ratio

    from lots
    where close_date is not null
    group by all

),

computed as (

    select
        aggregated.material_id,
        materials.material_code,
        materials.material_group,
        aggregated.month_start,
        aggregated.n_lots_offered,
        aggregated.n_lots_sold,
        cast(aggregated.n_lots_sold / aggregated.n_lots_offered as double) as sell_through_rate,
        cast(coalesce(aggregated.offered_grams, 0) as bigint) as offered_grams,
        cast(coalesce(aggregated.sold_grams, 0) as bigint) as sold_grams,
        cast(coalesce(aggregated.clearing_cents, 0) as bigint) as clearing_cents,
        aggregated.clearing_cents * 1000.0 / nullif(aggregated.sold_grams, 0)
            as clearing_price_cents_per_kg,
        cast(aggregated.n_bids as integer) as n_bids,
        cast(aggregated.n_late_bids / nullif(aggregated.n_bids, 0) as double) as late_bid_share,
        aggregated.avg_bidders_per_lot,
        aggregated.avg_extensions_per_lot,
        aggregated.avg_premium_over_reserve_ratio,
        aggregated.avg_premium_over_index_ratio

    from aggregated
    left join materials
        on aggregated.material_id = materials.material_id

)

select * from computed
