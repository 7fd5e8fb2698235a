with

source as (

    select * from {{ source_or_empty('platform', 'plants') }}

),

renamed as (

    select
        plant_id,
        status as plant_status,
        approved_at as plant_approved_at,
        created_at as registered_at,
        updated_at

    from source

)

select * from renamed
