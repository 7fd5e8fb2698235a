with

source as (

    select * from {{ source_or_empty('platform', 'users') }}

),

renamed as (

    select
        user_key,
        role as user_role,
        is_active,
        created_at as registered_at,
        updated_at

    from source

)

select * from renamed
