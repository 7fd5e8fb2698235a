with

source as (

    select * from {{ source_or_empty('platform', 'station_deliveries') }}

),

renamed as (

    select
        station_delivery_id,
        station_id,
        collector_key,
        received_at,
        status as delivery_status,
        updated_at

    from source

)

select * from renamed
