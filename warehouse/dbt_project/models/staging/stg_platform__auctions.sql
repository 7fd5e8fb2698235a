with

source as (

    select * from {{ source_or_empty('platform', 'auctions') }}

),

renamed as (

    select
        auction_id,
        lot_id,
        kind as auction_kind,
        status as auction_status,
        start_price_cents,
        reserve_cents,
        reserve_source,
        starts_at as auction_starts_at,
        -- the advertised close; ends_at moves with soft-close extensions
        coalesce(scheduled_end_at, ends_at) as auction_original_ends_at,
        ends_at as auction_ends_at,
        cast(soft_close_window_seconds as integer) as soft_close_window_seconds,
        cast(coalesce(extension_count, 0) as integer) as extension_count,
        cast(bid_count as integer) as bid_count,
        closed_at as auction_closed_at,
        clearing_price_cents,
        award_plant_id as winner_plant_id,
        award_price_cents,
        paid_at,
        updated_at

    from source

)

select * from renamed
