{#- points-to-double-odds: factor = PDO / ln 2, offset = base score - factor * ln(base odds) -#}
{%- set factor = '(' ~ var('credit_pdo') ~ ' / ln(2))' -%}
{%- set offset = '(' ~ var('credit_base_score') ~ ' - ' ~ factor ~ ' * ln(' ~ var('credit_base_odds') ~ '))' -%}
{%- set thin = '(features.tenure_days < ' ~ var('credit_thin_file_min_tenure_days')
    ~ ' or features.lifetime_completed_jobs < ' ~ var('credit_thin_file_min_jobs') ~ ')' -%}
with

features as (

    select * from {{ ref('collector_credit_features') }}

),

weights as (

    select * from {{ ref('credit_scorecard_weights') }}

),

bands as (

    select * from {{ ref('credit_score_bands') }}

),

contributions as (

    select * from {{ ref('int_collector_score_contributions_unpivoted') }}

),

summed as (

    select
        features.collector_key,
        features.as_of_date,
        (select weight from weights where feature = 'intercept')
            + coalesce(sum(contributions.log_odds_contribution), 0) as log_odds,
        list(contributions.reason_code order by contributions.log_odds_contribution)
            filter (where contributions.log_odds_contribution < 0) as reason_codes

    from features
    left join contributions
        on features.collector_key = contributions.collector_key
        and features.as_of_date = contributions.as_of_date
    group by all

),

scored as (

    select
        features.collector_key,
        features.as_of_date,
        features.is_latest,
        -- points-to-double-odds scaling: score = offset + factor * ln(good:bad odds)
        cast(round({{ offset }} + {{ factor }} * summed.log_odds) as integer) as credit_score,
        cast(1 / (1 + exp(summed.log_odds)) as double) as probability_of_default,
        summed.reason_codes[1] as reason_code_1,
        summed.reason_codes[2] as reason_code_2,
        summed.reason_codes[3] as reason_code_3,
        {{ thin }} as is_thin_file,
        -- too little history to trust a good score: a thin file is banded no better than
        -- var credit_thin_file_band (its score is still reported as computed)
        case
            when {{ thin }} then least(
                cast(round({{ offset }} + {{ factor }} * summed.log_odds) as integer),
                (select max_score from bands where score_band = '{{ var("credit_thin_file_band") }}')
            )
            else cast(round({{ offset }} + {{ factor }} * summed.log_odds) as integer)
        end as banded_score,
        features.net_earnings_cents_per_month,
        features.confirmed_receivables_cents

    from features
    inner join summed
        on features.collector_key = summed.collector_key
        and features.as_of_date = summed.as_of_date

),

limited as (

    select
        scored.collector_key,
        scored.as_of_date,
        scored.is_latest,
        scored.credit_score,
        bands.score_band,
        scored.probability_of_default,
        scored.reason_code_1,
        scored.reason_code_2,
        scored.reason_code_3,
        scored.is_thin_file,
        scored.net_earnings_cents_per_month,
        scored.confirmed_receivables_cents,
        -- a thin file gets no limit; otherwise the band's share of a month of net earnings
        -- plus most of what the platform already owes the collector, in whole 100 yuan
        case when scored.is_thin_file then cast(0 as bigint) else cast(floor(greatest(0,
            bands.limit_multiplier * (
                {{ var('credit_limit_earnings_months') }} * scored.net_earnings_cents_per_month
                + {{ var('credit_limit_receivables_share') }}
                * greatest(scored.confirmed_receivables_cents, 0)
            )
        ) / 10000) * 10000 as bigint) end as credit_limit_cents

    from scored
    inner join bands
        on scored.banded_score between bands.min_score and bands.max_score

)

select * from limited
