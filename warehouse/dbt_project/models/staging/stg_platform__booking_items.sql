with

source as (

    select * from {{ source_or_empty('platform', 'booking_items') }}

),

renamed as (

    select
        booking_item_id,
        booking_id,
        material_id,
        material_code,
        grade,
        unit,
        -- estimated_quantity is grams for kg materials and pieces for piece materials
        case when unit = 'kg' then estimated_quantity end as estimated_grams,
        case when unit = 'piece' then estimated_quantity end as estimated_pieces

    from source

)

select * from renamed
