with

source as (

    select * from {{ source_or_empty('platform', 'weighing_lines') }}

),

renamed as (

    select
        weighing_line_id,
        weighing_id,
        material_id,
        material_code,
        grade,
        unit,
        gross_grams,
        net_grams,
        cast(pieces as integer) as pieces,
        unit_price_cents,
        amount_cents,
        coalesce(subsidy_cents, 0) as subsidy_cents,
        tag_code,
        coalesce(is_void, false) as is_void

    from source

)

select * from renamed
