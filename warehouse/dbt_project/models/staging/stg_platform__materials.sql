with

source as (

    select * from {{ source_or_empty('platform', 'materials') }}

),

renamed as (

    select
        material_id,
        code as material_code,
        category as material_group,
        name_en as material_name,
        unit as material_unit,
        min_quantity,
        is_active as is_material_active,
        updated_at

    from source

)

select * from renamed
