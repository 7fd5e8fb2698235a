{#- One row per auction with its lot, station zone and whether it sold. -#}
with

auctions as (

    select * from {{ ref('stg_platform__auctions') }}

),

lots as (

    select * from {{ ref('stg_platform__lots') }}

),

stations as (

    select * from {{ ref('stg_platform__stations') }}

),

joined as (

    select
        auctions.auction_id,
        auctions.lot_id,
        lots.station_id,
        stations.zone_id,
        lots.material_id,
        lots.grade,
        lots.net_grams,
        lots.lot_status,
        auctions.auction_kind,
        auctions.reserve_source,
        auctions.auction_status,
        auctions.start_price_cents,
        auctions.reserve_cents,
        auctions.clearing_price_cents,
        auctions.winner_plant_id,
        auctions.auction_starts_at,
        auctions.auction_ends_at,
        auctions.auction_original_ends_at,
        auctions.extension_count,
        {{ local_date('auctions.auction_ends_at') }} as close_date,
        -- awarded or paid: a plant won it (offered = the winner defaulted, not sold yet)
        (
            auctions.auction_status in ('awarded', 'paid')
            and auctions.winner_plant_id is not null
            and auctions.clearing_price_cents is not null
        ) as is_sold

    from auctions
    inner join lots
        on auctions.lot_id = lots.lot_id
    left join stations
        on lots.station_id = stations.station_id

)

select * from joined
