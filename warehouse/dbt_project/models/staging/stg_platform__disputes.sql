with

source as (

    select * from {{ source_or_empty('platform', 'disputes') }}

),

renamed as (

    select
        dispute_id,
        booking_id,
        status as dispute_status,
        coalesce(compensation_cents, 0) as compensation_cents,
        created_at as opened_at,
        resolved_at,
        updated_at

    from source

)

select * from renamed
