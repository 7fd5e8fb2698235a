with

source as (

    select * from {{ source_or_empty('platform', 'events') }}

),

renamed as (

    select
        event_id,
        entity_type,
        entity_id,
        kind as event_kind,
        occurred_at

    from source

)

select * from renamed
