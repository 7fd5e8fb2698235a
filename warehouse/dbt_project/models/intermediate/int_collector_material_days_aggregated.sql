{#- Grams each collector weighed per local day and material group (material concentration). -#}
with

purchase_lines as (

    select * from {{ ref('int_purchase_lines_unioned') }}

),

materials as (

    select * from {{ ref('stg_platform__materials') }}

),

aggregated as (

    select
        purchase_lines.collector_key,
        purchase_lines.purchase_date as activity_date,
        materials.material_group,
        sum(purchase_lines.net_grams) as weighed_grams

    from purchase_lines
    inner join materials
        on purchase_lines.material_id = materials.material_id
    where purchase_lines.price_source = 'weighed'
        and purchase_lines.collector_key is not null
        and purchase_lines.net_grams > 0
    group by all

)

select * from aggregated
