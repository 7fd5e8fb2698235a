with

spliced as (

    select * from {{ ref('int_price_indices_spliced') }}

),

typed as (

    select
        cast(series as varchar) as series,
        cast(material_group as varchar) as material_group,
        cast(frequency as varchar) as frequency,
        cast(period as varchar) as period,
        cast(index_value as double) as index_value,
        cast(n_products as integer) as n_products,
        cast(is_published as boolean) as is_published

    from spliced

)

select * from typed
