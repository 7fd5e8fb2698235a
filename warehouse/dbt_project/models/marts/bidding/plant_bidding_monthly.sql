with

bids as (

    select * from {{ ref('fct_bids') }}

),

lots as (

    select * from {{ ref('lot_auction_results') }}

),

aggregated_bids as (

    select
        plant_id,
        cast(date_trunc('month', bid_date) as date) as month_start,
        cast(count(*) as integer) as n_bids,
        cast(count(distinct auction_id) as integer) as n_auctions_bid,
        cast(count(*) filter (where is_late_bid) as integer) as n_late_bids

    from bids
    group by all

),

aggregated_wins as (

    select
        winner_plant_id as plant_id,
        cast(date_trunc('month', close_date) as date) as month_start,
        cast(count(*) as integer) as n_lots_won,
        sum(net_grams) as won_grams,
        sum(clearing_price_cents) as spent_cents,
        avg(premium_over_reserve_ratio) as avg_premium_over_reserve_ratio,
        avg(premium_over_index_ratio) as avg_premium_over_index_ratio

    from lots
    where is_sold
    group by all

),

joined as (

    select
        coalesce(aggregated_bids.plant_id, aggregated_wins.plant_id) as plant_id,
        coalesce(aggregated_bids.month_start, aggregated_wins.month_start) as month_start,
        coalesce(aggregated_bids.n_bids, 0) as n_bids,
        coalesce(aggregated_bids.n_auctions_bid, 0) as n_auctions_bid,
        coalesce(aggregated_wins.n_lots_won, 0) as n_lots_won,
        cast(coalesce(aggregated_wins.won_grams, 0) as bigint) as won_grams,
        cast(coalesce(aggregated_wins.spent_cents, 0) as bigint) as spent_cents,
        cast(
            aggregated_wins.n_lots_won / nullif(aggregated_bids.n_auctions_bid, 0) as double
        ) as win_rate,
        cast(
            aggregated_bids.n_late_bids / nullif(aggregated_bids.n_bids, 0) as double
        ) as late_bid_share,
        aggregated_wins.avg_premium_over_reserve_ratio,
        aggregated_wins.avg_premium_over_index_ratio

    from aggregated_bids
    full outer join aggregated_wins
        on aggregated_bids.plant_id = aggregated_wins.plant_id
        and aggregated_bids.month_start = aggregated_wins.month_start

)

select * from joined
