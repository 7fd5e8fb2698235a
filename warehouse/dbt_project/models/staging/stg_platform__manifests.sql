with

source as (

    select * from {{ source_or_empty('platform', 'manifests') }}

),

renamed as (

    select
        manifest_id,
        kind as manifest_kind,
        subject_type,
        subject_id,
        cast(version as integer) as manifest_version,
        root_manifest_id,
        status as manifest_status,
        sender_role,
        receiver_role,
        handed_over_at,
        place_kind,
        zone_code,
        confirmed_at,
        updated_at

    from source

)

select * from renamed
