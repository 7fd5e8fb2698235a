with

source as (

    select * from {{ source_or_empty('platform', 'lots') }}

),

renamed as (

    select
        lot_id,
        station_id,
        material_id,
        material_code,
        grade,
        net_grams,
        status as lot_status,
        plant_id,
        collection_starts_at,
        collection_ends_at,
        collected_at,
        received_at as plant_received_at,
        received_net_grams as plant_received_grams,
        created_at as lotted_at,
        updated_at

    from source

)

select * from renamed
