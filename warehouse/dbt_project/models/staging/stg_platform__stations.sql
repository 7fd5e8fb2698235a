with

source as (

    select * from {{ source_or_empty('platform', 'stations') }}

),

renamed as (

    select
        station_id,
        code as station_code,
        zone_id,
        coarse_cell,
        is_active as is_station_active,
        updated_at

    from source

)

select * from renamed
