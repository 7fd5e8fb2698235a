{#- the 30-day earnings blocks (newest first) inside the collector's tenure -#}
{%- set active_blocks = 'list_slice(windowed.earned_cents_by_30_days, 1, '
    ~ 'least(6, tenured.tenure_days // 30))' -%}
with

snapshots as (

    select * from {{ ref('int_collector_snapshots_spined') }}

),

collectors as (

    select * from {{ ref('stg_platform__collectors') }}

),

windowed as (

    select * from {{ ref('int_collector_features_windowed') }}

),

tenured as (

    select
        snapshots.collector_key,
        snapshots.as_of_date,
        snapshots.is_latest,
        cast(greatest(
            date_diff('day', cast(coalesce(collectors.approved_at, collectors.enrolled_at) as date),
                snapshots.as_of_date),
            0
        ) as integer) as tenure_days

    from snapshots
    inner join collectors
        on snapshots.collector_key = collectors.collector_key

),

computed as (

    select
        tenured.collector_key,
        tenured.as_of_date,
        tenured.is_latest,
        tenured.tenure_days,
        cast(windowed.lifetime_completed_jobs as integer) as lifetime_completed_jobs,
        cast(windowed.window_completed_jobs as integer) as completed_jobs_90d,
        cast(windowed.window_no_show_jobs as integer) as no_show_jobs_90d,
        cast(windowed.window_completed_jobs / nullif(
            windowed.window_completed_jobs + windowed.window_no_show_jobs, 0
        ) as double) as completion_rate,
        cast(windowed.window_no_show_jobs / nullif(
            windowed.window_completed_jobs + windowed.window_no_show_jobs, 0
        ) as double) as no_show_rate,
        cast(windowed.window_on_time_jobs / nullif(windowed.window_completed_jobs, 0) as double)
            as on_time_rate,
        cast(windowed.window_weighed_grams as bigint) as weighed_grams_90d,
        cast(windowed.window_station_received_grams as bigint) as station_received_grams_90d,
        -- what stations received from the collector against what the collector weighed at
        -- doors; null without station receipts (cannot be checked yet)
        cast(case when windowed.window_station_received_grams > 0 then
            abs(windowed.window_station_received_grams - windowed.window_weighed_grams)
            / nullif(windowed.window_weighed_grams, 0)
        end as double) as weight_discrepancy_rate,
        cast(windowed.window_disputed_jobs as integer) as disputed_jobs_90d,
        cast(windowed.window_disputed_jobs / nullif(windowed.window_completed_jobs, 0) as double)
            as dispute_rate,
        -- a month's worth of the window, over the days the collector was on the platform
        -- (a 20-day-old account's earnings are 20 days' earnings, not a third of 90 days')
        cast(round(windowed.window_earned_cents * 30.0
            / least({{ var('credit_window_days') }}, greatest(tenured.tenure_days, 30)))
            as bigint) as net_earnings_cents_per_month,
        -- coefficient of variation of the 30-day blocks the collector was active in (at least
        -- two): months before approval are not volatility, and a net loss is no steadiness
        cast(case when tenured.tenure_days >= 60 then
            list_aggregate({{ active_blocks }}, 'stddev_pop')
            / nullif(abs(list_aggregate({{ active_blocks }}, 'avg')), 0)
        end as double) as net_earnings_volatility,
        cast(windowed.material_concentration_hhi as double) as material_concentration_hhi,
        cast(windowed.confirmed_receivables_cents as bigint) as confirmed_receivables_cents

    from tenured
    inner join windowed
        on tenured.collector_key = windowed.collector_key
        and tenured.as_of_date = windowed.as_of_date

)

select * from computed
