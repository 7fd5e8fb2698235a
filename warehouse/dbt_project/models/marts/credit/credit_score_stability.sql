{%- set bins = var('credit_psi_bins') -%}
{%- set floor_score = var('credit_psi_bin_floor') -%}
{%- set width = var('credit_psi_bin_width') -%}
with

scores as (

    select * from {{ ref('collector_credit_scores') }}

),

binned as (

    -- month-end snapshots only; scores below/above the bins fall into the first/last bin
    select
        as_of_date,
        cast(least(greatest(floor((credit_score - {{ floor_score }}) / {{ width }}), 0), {{ bins - 1 }})
            as integer) as score_bin

    from scores
    where not is_latest

),

gridded as (

    select
        months.as_of_date,
        cast(bins.score_bin as integer) as score_bin

    from (select distinct as_of_date from binned) as months
    cross join range({{ bins }}) as bins(score_bin)

),

counted as (

    select
        gridded.as_of_date,
        gridded.score_bin,
        count(binned.score_bin) as n_scored

    from gridded
    left join binned
        on gridded.as_of_date = binned.as_of_date
        and gridded.score_bin = binned.score_bin
    group by all

),

shared as (

    select
        as_of_date,
        score_bin,
        n_scored,
        -- empty bins get a tiny share so ln() stays finite (the usual PSI convention)
        greatest(n_scored / sum(n_scored) over (partition by as_of_date), 0.0001) as actual_share

    from counted

),

compared as (

    select
        *,
        lag(as_of_date) over by_bin as baseline_as_of_date,
        lag(actual_share) over by_bin as expected_share

    from shared
    window by_bin as (partition by score_bin order by as_of_date)

),

summed as (

    select
        as_of_date,
        max(baseline_as_of_date) as baseline_as_of_date,
        cast(sum(n_scored) as integer) as n_scored,
        sum((actual_share - expected_share) * ln(actual_share / expected_share))
            as population_stability_index

    from compared
    group by as_of_date

),

classified as (

    select
        as_of_date,
        baseline_as_of_date,
        n_scored,
        cast(population_stability_index as double) as population_stability_index,
        case
            when population_stability_index is null then 'baseline'
            when population_stability_index < 0.10 then 'stable'
            when population_stability_index < 0.25 then 'monitor'
            else 'shifted'
        end as stability_status

    from summed

)

select * from classified
