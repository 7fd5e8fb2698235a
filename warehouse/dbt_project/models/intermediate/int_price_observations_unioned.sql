{#-
    Every deal priced per kg, in one shape for both series: resident_paid (what residents
    were paid per purchase line) and plant_clearing (what plants paid for a lot at auction).
    The elementary product of the price indices is material grade x zone.
-#}
with

purchase_lines as (

    select * from {{ ref('int_purchase_lines_unioned') }}

),

auctions as (

    select * from {{ ref('int_auctions_joined') }}

),

materials as (

    select * from {{ ref('stg_platform__materials') }}

),

zones as (

    select * from {{ ref('stg_platform__zones') }}

),

selected_resident_deals as (

    select
        'resident_paid' as series,
        purchase_date as observed_date,
        material_id,
        grade,
        zone_id,
        net_grams,
        amount_cents

    from purchase_lines
    where unit = 'kg' and net_grams > 0 and amount_cents > 0

),

selected_plant_deals as (

    select
        'plant_clearing' as series,
        close_date as observed_date,
        material_id,
        grade,
        zone_id,
        net_grams,
        clearing_price_cents as amount_cents

    from auctions
    where is_sold and net_grams > 0 and clearing_price_cents > 0

),

unioned as (

    select * from selected_resident_deals
    union all
    select * from selected_plant_deals

),

described as (

    select
        unioned.series,
        unioned.observed_date,
        unioned.material_id,
        materials.material_code,
        materials.material_group,
        unioned.grade,
        unioned.zone_id,
        zones.zone_code,
        materials.material_code || '/' || unioned.grade || '@' || coalesce(zones.zone_code, 'city')
            as product_code,
        unioned.net_grams,
        unioned.amount_cents

    from unioned
    inner join materials
        on unioned.material_id = materials.material_id
    left join zones
        on unioned.zone_id = zones.zone_id

)

select * from described
