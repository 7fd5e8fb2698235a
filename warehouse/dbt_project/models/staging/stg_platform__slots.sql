with

source as (

    select * from {{ source_or_empty('platform', 'slots') }}

),

renamed as (

    select
        slot_id,
        zone_id,
        starts_at as slot_starts_at,
        ends_at as slot_ends_at,
        cutoff_at as slot_cutoff_at,
        {{ local_date('starts_at') }} as slot_date,
        cast(capacity as integer) as slot_capacity,
        cast(booked_count as integer) as booked_count,
        updated_at

    from source

)

select * from renamed
