with

source as (

    select * from {{ source_or_empty('platform', 'quotes') }}

),

renamed as (

    select
        quote_id,
        resident_key,
        address_id,
        zone_id,
        quoted_on,
        estimated_total_cents,
        created_at as quoted_at,
        expires_at as quote_expires_at,
        locked_until as quote_locked_until

    from source

)

select * from renamed
