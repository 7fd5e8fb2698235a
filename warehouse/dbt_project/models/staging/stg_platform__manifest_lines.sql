with

source as (

    select * from {{ source_or_empty('platform', 'manifest_lines') }}

),

renamed as (

    select
        manifest_line_id,
        manifest_id,
        material_code,
        grade,
        sender_grams,
        receiver_grams,
        cast(pieces as integer) as pieces

    from source

)

select * from renamed
