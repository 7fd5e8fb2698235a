with

source as (

    select * from {{ source_or_empty('platform', 'addresses') }}

),

renamed as (

    select
        address_id,
        resident_key,
        zone_id,
        coarse_cell,
        is_default,
        deleted_at,
        created_at as address_added_at,
        updated_at

    from source

)

select * from renamed
