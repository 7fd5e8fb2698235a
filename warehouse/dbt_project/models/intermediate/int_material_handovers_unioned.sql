{#-
    Grams of each material at each hand-over of the custody chain, from confirmed manifests
    (pending ones are not agreed yet; void ones were replaced by a correction):
      1 pickup        resident -> collector, weighed at the door
      2 dropoff       collector -> station
      3 lot_handover  station -> plant
      4 plant_receipt weighed on receipt at the plant
    Each line keeps what the sender and the receiver measured.
    Incremental: recomputes the manifests the extract touched (macro affected_manifest_ids).
-#}
{%- set incremental = is_incremental() -%}
with

{% if incremental -%}
affected_manifests as materialized (

    select manifest_id from {{ affected_manifest_ids() }} as affected

),

{% endif -%}
manifests as (

    select * from {{ ref('stg_platform__manifests') }}
    {% if incremental -%}
    where manifest_id in (select manifest_id from affected_manifests)
    {%- endif %}

),

manifest_lines as (

    select * from {{ ref('stg_platform__manifest_lines') }}
    {% if incremental -%}
    where manifest_id in (select manifest_id from affected_manifests)
    {%- endif %}

),

joined as (

    select
        manifest_lines.manifest_line_id,
        manifests.manifest_id,
        manifests.manifest_kind as stage,
        case manifests.manifest_kind
            when 'pickup' then 1
            when 'dropoff' then 2
            when 'lot_handover' then 3
            when 'plant_receipt' then 4
        end as stage_order,
        {{ local_date('manifests.handed_over_at') }} as handover_date,
        manifests.zone_code,
        manifest_lines.material_code,
        manifest_lines.grade,
        manifest_lines.sender_grams,
        manifest_lines.receiver_grams,
        coalesce(manifest_lines.receiver_grams, manifest_lines.sender_grams) as net_grams

    from manifest_lines
    inner join manifests
        on manifest_lines.manifest_id = manifests.manifest_id
    where manifests.manifest_status = 'confirmed'

)

select * from joined
