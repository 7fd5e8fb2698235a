{#-
    Bids with their auction's lot and material, sequence, rank and late/extension flags.
    Incremental: re-ranks the auctions the extract touched (macro affected_auction_ids).
-#}
{%- set incremental = is_incremental() -%}
with

{% if incremental -%}
affected_auctions as materialized (

    select auction_id from {{ affected_auction_ids() }} as affected

),

{% endif -%}
bids as (

    select * from {{ ref('stg_platform__auction_bids') }}
    {% if incremental -%}
    where auction_id in (select auction_id from affected_auctions)
    {%- endif %}

),

auctions as (

    select * from {{ ref('int_auctions_joined') }}
    {% if incremental -%}
    where auction_id in (select auction_id from affected_auctions)
    {%- endif %}

),

joined as (

    select
        bids.bid_id,
        bids.auction_id,
        auctions.lot_id,
        bids.plant_id,
        auctions.station_id,
        auctions.zone_id,
        auctions.material_id,
        auctions.grade,
        bids.bid_sequence,
        bids.bid_cents,
        bids.price_after_cents,
        bids.bid_placed_at,
        {{ local_date('bids.bid_placed_at') }} as bid_date,
        auctions.reserve_cents,
        auctions.auction_original_ends_at,
        auctions.winner_plant_id,
        auctions.clearing_price_cents,
        auctions.is_sold

    from bids
    inner join auctions
        on bids.auction_id = auctions.auction_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by auction_id order by bid_cents desc, bid_placed_at, bid_id
        ) as bid_rank,
        date_diff('second', bid_placed_at, auction_original_ends_at)
            as seconds_before_original_close

    from joined

),

flagged as (

    select
        bid_id,
        auction_id,
        lot_id,
        plant_id,
        station_id,
        zone_id,
        material_id,
        grade,
        bid_cents,
        price_after_cents,
        bid_placed_at,
        bid_date,
        bid_sequence,
        cast(bid_rank as integer) as bid_rank,
        seconds_before_original_close,
        -- late: in the last minutes before the advertised close, or in a soft-close extension
        seconds_before_original_close <= {{ var('late_bid_seconds') }} as is_late_bid,
        seconds_before_original_close < 0 as is_in_extension,
        reserve_cents is not null and bid_cents >= reserve_cents as meets_reserve,
        is_sold and bid_rank = 1 and plant_id = winner_plant_id as is_winning_bid

    from ranked

)

select * from flagged
