with

source as (

    select * from {{ source_or_empty('platform', 'tags') }}

),

renamed as (

    select
        tag_code,
        collector_key,
        issued_at,
        status as tag_status,
        attached_at,
        updated_at

    from source

)

select * from renamed
