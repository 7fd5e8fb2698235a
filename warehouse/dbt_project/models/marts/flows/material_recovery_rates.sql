with

flows as (

    select * from {{ ref('material_flows') }}

),

pivoted as (

    -- city-wide: material picked up in one zone is often dropped off at a station in another
    select
        month_start,
        material_code,
        material_group,
        {% for stage in ['pickup', 'dropoff', 'lot_handover', 'plant_receipt'] %}
        cast(coalesce(sum(net_grams) filter (where stage = '{{ stage }}'), 0) as bigint)
            as {{ stage }}_grams,
        {% endfor %}
        sum(sender_grams) as sender_grams,
        sum(receiver_grams) filter (where sender_grams is not null) as matched_receiver_grams

    from flows
    group by all

),

computed as (

    select
        month_start,
        material_code,
        material_group,
        pickup_grams,
        dropoff_grams,
        lot_handover_grams,
        plant_receipt_grams,
        -- leakage between doors and stations: picked up but never dropped off
        cast(case when pickup_grams > 0
            then 1 - dropoff_grams / pickup_grams end as double) as collection_leakage_rate,
        -- share of what stations received that reached a plant
        cast(case when dropoff_grams > 0
            then plant_receipt_grams / dropoff_grams end as double) as station_to_plant_rate,
        -- door to plant
        cast(case when pickup_grams > 0
            then plant_receipt_grams / pickup_grams end as double) as recovery_rate,
        -- weight lost inside hand-overs: what receivers measured against what senders declared
        cast(case when sender_grams > 0
            then 1 - matched_receiver_grams / sender_grams end as double) as handover_loss_rate

    from pivoted

)

select * from computed
