with

source as (

    select * from {{ source_or_empty('platform', 'auction_bids') }}

),

renamed as (

    select
        bid_id,
        auction_id,
        cast(seq as integer) as bid_sequence,
        plant_id,
        -- proxy bidding: a bid is the most the plant will pay; the price moves to price_after
        max_amount_cents as bid_cents,
        price_after_cents,
        leader_after_plant_id,
        placed_at as bid_placed_at,
        ends_at_after

    from source

)

select * from renamed
