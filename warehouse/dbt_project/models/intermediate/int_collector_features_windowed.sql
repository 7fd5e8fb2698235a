{#-
    Point-in-time sums for each collector snapshot: only activity on or before as_of_date
    counts. Windows: the last var credit_window_days (90) days; six 30-day blocks of
    earnings for volatility; the whole history for tenure-like totals and the balance.
-#}
{%- set window_days = var('credit_window_days') -%}
with

snapshots as (

    select * from {{ ref('int_collector_snapshots_spined') }}

),

days as (

    select * from {{ ref('int_collector_days_aggregated') }}

),

material_days as (

    select * from {{ ref('int_collector_material_days_aggregated') }}

),

summed_days as (

    select
        snapshots.collector_key,
        snapshots.as_of_date,
        coalesce(sum(days.completed_jobs), 0) as lifetime_completed_jobs,
        coalesce(sum(days.balance_change_cents), 0) as confirmed_receivables_cents,
        {% for name in ['completed_jobs', 'no_show_jobs', 'on_time_jobs', 'disputed_jobs',
                        'weighed_grams', 'station_received_grams', 'earned_cents'] %}
        coalesce(sum(days.{{ name }}) filter (
            where days.activity_date > snapshots.as_of_date - {{ window_days }}
        ), 0) as window_{{ name }},
        {% endfor %}
        [
            {% for block in range(6) %}
            coalesce(sum(days.earned_cents) filter (
                where days.activity_date > snapshots.as_of_date - {{ 30 * (block + 1) }}
                and days.activity_date <= snapshots.as_of_date - {{ 30 * block }}
            ), 0){{ "," if not loop.last }}
            {% endfor %}
        ] as earned_cents_by_30_days

    from snapshots
    left join days
        on snapshots.collector_key = days.collector_key
        and days.activity_date <= snapshots.as_of_date
    group by all

),

summed_groups as (

    select
        snapshots.collector_key,
        snapshots.as_of_date,
        material_days.material_group,
        sum(material_days.weighed_grams) as group_grams

    from snapshots
    inner join material_days
        on snapshots.collector_key = material_days.collector_key
        and material_days.activity_date <= snapshots.as_of_date
        and material_days.activity_date > snapshots.as_of_date - {{ window_days }}
    group by all

),

shared_groups as (

    select
        collector_key,
        as_of_date,
        group_grams / sum(group_grams) over (partition by collector_key, as_of_date)
            as group_share

    from summed_groups

),

concentrated as (

    -- Herfindahl-Hirschman index of the grams weighed per material group (1 = one group)
    select
        collector_key,
        as_of_date,
        sum(group_share * group_share) as material_concentration_hhi

    from shared_groups
    group by all

),

joined as (

    select
        summed_days.*,
        concentrated.material_concentration_hhi

    from summed_days
    left join concentrated
        on summed_days.collector_key = concentrated.collector_key
        and summed_days.as_of_date = concentrated.as_of_date

)

select * from joined
