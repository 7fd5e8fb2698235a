with

handovers as (

    select * from {{ ref('int_material_handovers_unioned') }}

),

materials as (

    select * from {{ ref('stg_platform__materials') }}

),

zones as (

    select * from {{ ref('stg_platform__zones') }}

),

aggregated as (

    select
        cast(date_trunc('month', handover_date) as date) as month_start,
        material_code,
        zone_code,
        stage,
        stage_order,
        count(*) as n_manifest_lines,
        sum(sender_grams) as sender_grams,
        sum(receiver_grams) as receiver_grams,
        sum(net_grams) as net_grams

    from handovers
    where handover_date is not null
    group by all

),

described as (

    select
        aggregated.month_start,
        materials.material_id,
        aggregated.material_code,
        materials.material_group,
        zones.zone_id,
        aggregated.zone_code,
        aggregated.stage,
        cast(aggregated.stage_order as integer) as stage_order,
        cast(aggregated.n_manifest_lines as integer) as n_manifest_lines,
        cast(aggregated.sender_grams as bigint) as sender_grams,
        cast(aggregated.receiver_grams as bigint) as receiver_grams,
        cast(aggregated.net_grams as bigint) as net_grams

    from aggregated
    left join materials
        on aggregated.material_code = materials.material_code
    left join zones
        on aggregated.zone_code = zones.zone_code

)

select * from described
