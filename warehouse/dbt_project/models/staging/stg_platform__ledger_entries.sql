with

source as (

    select * from {{ source_or_empty('platform', 'ledger_entries') }}

),

renamed as (

    select
        entry_id,
        transaction_id,
        account_id,
        amount_cents,
        created_at as posted_at

    from source

)

select * from renamed
