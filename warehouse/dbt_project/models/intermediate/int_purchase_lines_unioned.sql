{#-
    What residents were paid, one row per purchased line. A booking settled by a weighing
    (status recorded or accepted) contributes its weighed lines (actual grams and cents);
    a booking without one contributes its booked items priced at the locked quote
    (unit price x estimated quantity). When weighings exist for every booking the quoted
    branch simply becomes empty.
    Incremental: a build recomputes the lines of the bookings its extract touched (macro
    affected_booking_ids); the pre-hook in the yml deletes their previous lines.
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

booking_items as (

    select * from {{ ref('stg_platform__booking_items') }}
    {% if incremental -%}
    where booking_id in (select booking_id from affected_bookings)
    {%- endif %}

),

quote_lines as (

    select * from {{ ref('stg_platform__quote_lines') }}

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

settling_weighings as materialized (

    select *
    from weighings
    where weighing_status in ('recorded', 'accepted')
    qualify row_number() over (
        partition by booking_id order by weighed_at desc, weighing_id desc
    ) = 1

),

joined_weighed_lines as (

    select
        'weighed' as price_source,
        'w' || cast(weighing_lines.weighing_line_id as varchar) as purchase_line_id,
        settling_weighings.booking_id,
        settling_weighings.collector_key,
        settling_weighings.weighed_at as purchased_at,
        weighing_lines.material_id,
        weighing_lines.grade,
        weighing_lines.unit,
        weighing_lines.net_grams,
        weighing_lines.pieces,
        weighing_lines.amount_cents

    from weighing_lines
    inner join settling_weighings
        on weighing_lines.weighing_id = settling_weighings.weighing_id
    where not weighing_lines.is_void

),

priced_quoted_lines as (

    select
        'quoted' as price_source,
        'q' || cast(booking_items.booking_item_id as varchar) as purchase_line_id,
        bookings.booking_id,
        bookings.collector_key,
        slots.slot_starts_at as purchased_at,
        booking_items.material_id,
        booking_items.grade,
        booking_items.unit,
        booking_items.estimated_grams as net_grams,
        booking_items.estimated_pieces as pieces,
        cast(round(
            quote_lines.unit_price_cents
            * coalesce(booking_items.estimated_grams / 1000.0, booking_items.estimated_pieces)
        ) as bigint) as amount_cents

    from booking_items
    inner join bookings
        on booking_items.booking_id = bookings.booking_id
    inner join quote_lines
        on bookings.quote_id = quote_lines.quote_id
        and booking_items.material_id = quote_lines.material_id
        and booking_items.grade = quote_lines.grade
    inner join slots
        on bookings.slot_id = slots.slot_id
    anti join settling_weighings
        on bookings.booking_id = settling_weighings.booking_id
    where bookings.booking_status not in ('cancelled', 'no_show')

),

unioned as (

    select * from joined_weighed_lines
    union all by name
    select * from priced_quoted_lines

),

located as (

    select
        unioned.purchase_line_id,
        unioned.price_source,
        unioned.booking_id,
        bookings.resident_key,
        unioned.collector_key,
        bookings.zone_id,
        unioned.purchased_at,
        {{ local_date('unioned.purchased_at') }} as purchase_date,
        unioned.material_id,
        unioned.grade,
        unioned.unit,
        unioned.net_grams,
        unioned.pieces,
        unioned.amount_cents

    from unioned
    inner join bookings
        on unioned.booking_id = bookings.booking_id

)

select * from located
