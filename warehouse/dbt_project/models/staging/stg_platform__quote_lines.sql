with

source as (

    select * from {{ source_or_empty('platform', 'quote_lines') }}

),

renamed as (

    select
        quote_line_id,
        quote_id,
        material_id,
        material_code,
        grade,
        unit,
        -- quantity is grams for kg materials and pieces for piece materials
        case when unit = 'kg' then quantity end as quoted_grams,
        case when unit = 'piece' then quantity end as quoted_pieces,
        unit_price_cents,
        estimated_amount_cents,
        cast(tariff_version as integer) as tariff_version,
        tariff_valid_from

    from source

)

select * from renamed
