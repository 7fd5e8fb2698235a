{#-
    One row per collector and local day with everything the credit features sum over a
    window: jobs and outcomes, grams weighed at the door and received at stations, and
    ledger movements on the collector's own account.
-#}
with

jobs as (

    select * from {{ ref('int_collector_jobs_joined') }}

),

deliveries as (

    select * from {{ ref('stg_platform__station_deliveries') }}

),

delivery_lines as (

    select * from {{ ref('stg_platform__station_delivery_lines') }}

),

collector_ledger as (

    select * from {{ ref('int_collector_ledger_entries_joined') }}

),

aggregated_jobs as (

    select
        collector_key,
        job_date as activity_date,
        count(*) filter (where is_completed) as completed_jobs,
        count(*) filter (where is_no_show) as no_show_jobs,
        count(*) filter (where is_completed and is_on_time) as on_time_jobs,
        count(*) filter (where is_disputed) as disputed_jobs,
        sum(weighed_grams) as weighed_grams

    from jobs
    group by all

),

aggregated_receipts as (

    select
        deliveries.collector_key,
        {{ local_date('deliveries.received_at') }} as activity_date,
        sum(delivery_lines.net_grams) as station_received_grams

    from delivery_lines
    inner join deliveries
        on delivery_lines.station_delivery_id = deliveries.station_delivery_id
    group by all

),

aggregated_ledger as (

    select
        collector_key,
        {{ local_date('posted_at') }} as activity_date,
        sum(amount_cents) filter (where not is_payout) as earned_cents,
        sum(amount_cents) as balance_change_cents

    from collector_ledger
    group by all

),

collector_days as (

    select collector_key, activity_date from aggregated_jobs
    union
    select collector_key, activity_date from aggregated_receipts
    union
    select collector_key, activity_date from aggregated_ledger

),

joined as (

    select
        collector_days.collector_key,
        collector_days.activity_date,
        coalesce(aggregated_jobs.completed_jobs, 0) as completed_jobs,
        coalesce(aggregated_jobs.no_show_jobs, 0) as no_show_jobs,
        coalesce(aggregated_jobs.on_time_jobs, 0) as on_time_jobs,
        coalesce(aggregated_jobs.disputed_jobs, 0) as disputed_jobs,
        coalesce(aggregated_jobs.weighed_grams, 0) as weighed_grams,
        coalesce(aggregated_receipts.station_received_grams, 0) as station_received_grams,
        coalesce(aggregated_ledger.earned_cents, 0) as earned_cents,
        coalesce(aggregated_ledger.balance_change_cents, 0) as balance_change_cents

    from collector_days
    left join aggregated_jobs
        on collector_days.collector_key = aggregated_jobs.collector_key
        and collector_days.activity_date = aggregated_jobs.activity_date
    left join aggregated_receipts
        on collector_days.collector_key = aggregated_receipts.collector_key
        and collector_days.activity_date = aggregated_receipts.activity_date
    left join aggregated_ledger
        on collector_days.collector_key = aggregated_ledger.collector_key
        and collector_days.activity_date = aggregated_ledger.activity_date

)

select * from joined
