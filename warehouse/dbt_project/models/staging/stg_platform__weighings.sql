with

source as (

    select * from {{ source_or_empty('platform', 'weighings') }}

),

renamed as (

    select
        weighing_id,
        booking_id,
        collector_key,
        weighed_at,
        quoted_total_cents,
        goods_cents,
        subsidy_cents,
        total_cents,
        status as weighing_status,
        resident_decided_at,
        updated_at

    from source

)

select * from renamed
