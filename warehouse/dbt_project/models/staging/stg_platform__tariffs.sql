with

source as (

    select * from {{ source_or_empty('platform', 'tariffs') }}

),

renamed as (

    select
        tariff_id,
        material_id,
        grade,
        zone_id,
        price_cents_per_unit,
        valid_from,
        cast(version as integer) as tariff_version,
        status as tariff_status,
        source as tariff_source,
        decided_at,
        updated_at

    from source

)

select * from renamed
