{#- Incremental like int_bids_ranked: the bids of the auctions the extract touched. -#}
{%- set incremental = is_incremental() -%}
with

{% if incremental -%}
affected_auctions as materialized (

    select auction_id from {{ affected_auction_ids() }} as affected

),

{% endif -%}
ranked_bids as (

    select * from {{ ref('int_bids_ranked') }}
    {% if incremental -%}
    where auction_id in (select auction_id from affected_auctions)
    {%- endif %}

),

selected as (

    select * from ranked_bids

)

select * from selected
