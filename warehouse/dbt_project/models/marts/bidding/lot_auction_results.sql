with

auctions as (

    select * from {{ ref('int_auctions_joined') }}

),

auction_bids as (

    select * from {{ ref('int_auction_bids_summarised') }}

),

price_levels as (

    select * from {{ ref('int_clearing_price_levels_rolled') }}

),

counted_auctions as (

    -- a lot that did not sell may be auctioned again: report its latest auction
    select
        *,
        count(*) over (partition by lot_id) as n_auctions
    from auctions
    qualify row_number() over (
        partition by lot_id order by auction_ends_at desc, auction_id desc
    ) = 1

),

joined as (

    select
        counted_auctions.lot_id,
        counted_auctions.auction_id,
        counted_auctions.station_id,
        counted_auctions.zone_id,
        counted_auctions.material_id,
        counted_auctions.grade,
        counted_auctions.net_grams,
        counted_auctions.auction_kind,
        counted_auctions.auction_status,
        counted_auctions.close_date,
        cast(counted_auctions.n_auctions as integer) as n_auctions,
        counted_auctions.start_price_cents,
        counted_auctions.reserve_cents,
        counted_auctions.clearing_price_cents,
        counted_auctions.winner_plant_id,
        counted_auctions.is_sold,
        counted_auctions.extension_count,
        coalesce(auction_bids.n_bids, 0) as n_bids,
        coalesce(auction_bids.n_bidders, 0) as n_bidders,
        coalesce(auction_bids.n_late_bids, 0) as n_late_bids,
        price_levels.market_price_cents_per_kg

    from counted_auctions
    left join auction_bids
        on counted_auctions.auction_id = auction_bids.auction_id
    left join price_levels
        on counted_auctions.material_id = price_levels.material_id
        and counted_auctions.grade = price_levels.grade
        and counted_auctions.close_date = price_levels.price_date

),

computed as (

    select
        lot_id,
        auction_id,
        station_id,
        zone_id,
        material_id,
        grade,
        net_grams,
        auction_kind,
        auction_status,
        close_date,
        n_auctions,
        start_price_cents,
        reserve_cents,
        clearing_price_cents,
        winner_plant_id,
        is_sold,
        extension_count,
        n_bids,
        n_bidders,
        n_late_bids,
        cast(n_late_bids / nullif(n_bids, 0) as double) as late_bid_share,
        case when is_sold then clearing_price_cents - reserve_cents end
            as premium_over_reserve_cents,
        case when is_sold then clearing_price_cents / nullif(reserve_cents, 0) - 1 end
            as premium_over_reserve_ratio,
        case when is_sold then clearing_price_cents * 1000.0 / nullif(net_grams, 0) end
            as clearing_price_cents_per_kg,
        market_price_cents_per_kg,
        case
            when is_sold
                then clearing_price_cents * 1000.0 / nullif(net_grams, 0)
                / nullif(market_price_cents_per_kg, 0) - 1
        end as premium_over_index_ratio

    from joined

)

select * from computed
