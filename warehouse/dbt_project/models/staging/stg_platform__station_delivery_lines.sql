with

source as (

    select * from {{ source_or_empty('platform', 'station_delivery_lines') }}

),

renamed as (

    select
        station_delivery_line_id,
        station_delivery_id,
        material_id,
        material_code,
        grade,
        net_grams,
        cast(coalesce(json(tag_codes), '[]') as varchar[]) as tag_codes,
        lot_id

    from source

)

select * from renamed
