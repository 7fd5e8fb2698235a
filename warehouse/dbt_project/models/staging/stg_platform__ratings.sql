with

source as (

    select * from {{ source_or_empty('platform', 'ratings') }}

),

renamed as (

    select
        rating_id,
        booking_id,
        rater_user_key,
        ratee_user_key,
        cast(stars as integer) as stars,
        created_at as rated_at

    from source

)

select * from renamed
