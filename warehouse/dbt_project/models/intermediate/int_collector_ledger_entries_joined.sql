{#- Ledger entries on collectors' own accounts, with the collector and whether it is a payout. -#}
with

entries as (

    select * from {{ ref('stg_platform__ledger_entries') }}

),

accounts as (

    select * from {{ ref('stg_platform__ledger_accounts') }}

),

transactions as (

    select * from {{ ref('stg_platform__ledger_transactions') }}

),

collectors as (

    select * from {{ ref('stg_platform__collectors') }}

),

joined as (

    select
        entries.entry_id,
        collectors.collector_key,
        entries.amount_cents,
        entries.posted_at,
        coalesce(transactions.transaction_kind, '') like '%payout%' as is_payout

    from entries
    inner join accounts
        on entries.account_id = accounts.account_id
    inner join collectors
        on accounts.owner_user_key = collectors.user_key
    left join transactions
        on entries.transaction_id = transactions.transaction_id
    where accounts.account_kind = 'collector_account'

)

select * from joined
