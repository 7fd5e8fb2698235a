with

source as (

    select * from {{ source_or_empty('platform', 'shifts') }}

),

renamed as (

    select
        shift_id,
        collector_key,
        shift_date,
        starts_at as shift_starts_at,
        ends_at as shift_ends_at,
        created_at as declared_at

    from source

)

select * from renamed
