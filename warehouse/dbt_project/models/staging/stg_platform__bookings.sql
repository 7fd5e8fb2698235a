with

source as (

    select * from {{ source_or_empty('platform', 'bookings') }}

),

renamed as (

    select
        booking_id,
        resident_key,
        collector_key,
        address_id,
        zone_id,
        slot_id,
        quote_id,
        status as booking_status,
        coalesce(is_late_cancellation, false) as is_late_cancellation,
        cancelled_at,
        created_at as booked_at,
        updated_at

    from source

)

select * from renamed
