{#-
    The dates each collector is scored as of: every month end since enrolment (for history,
    refits and stability monitoring) and the build's date (the current score). var
    as_of_date pins "today" for tests and back-fills.
-#}
with

collectors as (

    select * from {{ ref('stg_platform__collectors') }}

),

today as (

    select
        {% if var('as_of_date', '') %}
        cast('{{ var("as_of_date") }}' as date)
        {% else %}
        {{ local_date('cast(current_timestamp as timestamp)') }}
        {% endif %} as today

),

spined_month_ends as (

    select
        collectors.collector_key,
        cast(
            unnest(generate_series(
                date_trunc('month', coalesce(collectors.approved_at, collectors.enrolled_at)),
                cast(today.today as timestamp),
                interval 1 month
            )) + interval 1 month - interval 1 day
        as date) as as_of_date,
        today.today

    from collectors
    cross join today

),

unioned as (

    select collector_key, as_of_date, false as is_latest
    from spined_month_ends
    where as_of_date < today

    union all

    select collectors.collector_key, today.today as as_of_date, true as is_latest
    from collectors
    cross join today

)

select * from unioned
