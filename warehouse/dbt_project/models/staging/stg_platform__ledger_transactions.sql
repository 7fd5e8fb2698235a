with

source as (

    select * from {{ source_or_empty('platform', 'ledger_transactions') }}

),

renamed as (

    select
        transaction_id,
        kind as transaction_kind,
        created_at as posted_at

    from source

)

select * from renamed
