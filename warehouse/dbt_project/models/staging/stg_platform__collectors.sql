with

source as (

    select * from {{ source_or_empty('platform', 'collectors') }}

),

renamed as (

    select
        collector_key,
        user_key,
        status as collector_status,
        vehicle_type,
        payload_grams,
        cast(volume_litres as integer) as volume_litres,
        cast(no_show_count as integer) as no_show_count,
        created_at as enrolled_at,
        approved_at,
        updated_at

    from source

)

select * from renamed
