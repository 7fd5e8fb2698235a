{#- Per auction: bids, distinct bidders, late bids and the highest bid. -#}
with

bids as (

    select * from {{ ref('int_bids_ranked') }}

),

summarised as (

    select
        auction_id,
        cast(count(*) as integer) as n_bids,
        cast(count(distinct plant_id) as integer) as n_bidders,
        cast(count(*) filter (where is_late_bid) as integer) as n_late_bids,
        max(bid_cents) as highest_bid_cents,
        min(bid_placed_at) as first_bid_at,
        max(bid_placed_at) as last_bid_at

    from bids
    group by auction_id

)

select * from summarised
