with

source as (

    select * from {{ source_or_empty('platform', 'payouts') }}

),

renamed as (

    select
        payout_id,
        user_key,
        account_id,
        amount_cents,
        status as payout_status,
        cast(attempts as integer) as attempts,
        created_at as requested_at,
        updated_at

    from source

)

select * from renamed
