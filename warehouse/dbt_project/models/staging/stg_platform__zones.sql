with

source as (

    select * from {{ source_or_empty('platform', 'zones') }}

),

renamed as (

    select
        zone_id,
        code as zone_code,
        name as zone_name,
        is_active as is_zone_active,
        updated_at

    from source

)

select * from renamed
