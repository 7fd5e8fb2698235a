with

source as (

    select * from {{ source_or_empty('platform', 'ledger_accounts') }}

),

renamed as (

    select
        account_id,
        kind as account_kind,
        owner_user_key,
        currency,
        created_at as account_opened_at

    from source

)

select * from renamed
