{#-
    Every booking assigned to a collector with its outcome, weighing and dispute flags.
    Incremental: recomputes the bookings the extract touched (macro affected_booking_ids).
-#}
{%- set incremental = is_incremental() -%}
with

{% if incremental -%}
affected_bookings as materialized (

    select booking_id from {{ affected_booking_ids() }} as affected

),

{% endif -%}
bookings as (

    select * from {{ ref('stg_platform__bookings') }}
    {% if incremental -%}
    where booking_id in (select booking_id from affected_bookings)
    {%- endif %}

),

slots as (

    select * from {{ ref('stg_platform__slots') }}

),

weighings as (

    select * from {{ ref('stg_platform__weighings') }}
    {% if incremental -%}
    where booking_id in (select booking_id from affected_bookings)
    {%- endif %}

),

weighing_lines as (

    select * from {{ ref('stg_platform__weighing_lines') }}

),

disputes as (

    select * from {{ ref('stg_platform__disputes') }}

),

settling_weighings as (

    select *
    from weighings
    where weighing_status in ('recorded', 'accepted')
    qualify row_number() over (
        partition by booking_id order by weighed_at desc, weighing_id desc
    ) = 1

),

aggregated_lines as (

    select
        weighing_id,
        sum(net_grams) as weighed_grams

    from weighing_lines
    where not is_void
    group by weighing_id

),

disputed_bookings as (

    select distinct booking_id from disputes

),

joined as (

    select
        bookings.booking_id,
        coalesce(settling_weighings.collector_key, bookings.collector_key) as collector_key,
        bookings.zone_id,
        bookings.booking_status,
        slots.slot_date as job_date,
        slots.slot_ends_at,
        settling_weighings.weighed_at,
        coalesce(aggregated_lines.weighed_grams, 0) as weighed_grams,
        coalesce(settling_weighings.total_cents, 0) as paid_cents,
        (
            settling_weighings.weighing_id is not null
            or bookings.booking_status = 'completed'
        ) as is_completed,
        bookings.booking_status = 'no_show' as is_no_show,
        settling_weighings.weighed_at <= slots.slot_ends_at as is_on_time,
        disputed_bookings.booking_id is not null as is_disputed

    from bookings
    inner join slots
        on bookings.slot_id = slots.slot_id
    left join settling_weighings
        on bookings.booking_id = settling_weighings.booking_id
    left join aggregated_lines
        on settling_weighings.weighing_id = aggregated_lines.weighing_id
    left join disputed_bookings
        on bookings.booking_id = disputed_bookings.booking_id
    where coalesce(settling_weighings.collector_key, bookings.collector_key) is not null

)

select * from joined
