with

ranked_bids as (

    select * from {{ ref('int_bids_ranked') }}

),

selected as (

    select * from ranked_bids

)

select * from selected
