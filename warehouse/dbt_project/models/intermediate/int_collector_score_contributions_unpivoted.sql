{#-
    Each scorecard feature's contribution to a snapshot's log-odds of good:
    weight x clamp((value - reference) / scale, -3, 3). Missing values drop out (UNPIVOT
    skips NULLs), i.e. count as the reference.
-#}
with

features as (

    select * from {{ ref('collector_credit_features') }}

),

weights as (

    select * from {{ ref('credit_scorecard_weights') }}

),

unpivoted as (

    unpivot (
        select
            collector_key,
            as_of_date,
            {% for feature in var('credit_features') %}
            cast({{ feature }} as double) as {{ feature }}{{ "," if not loop.last }}
            {% endfor %}
        from features
    )
    on {{ var('credit_features') | join(', ') }}
    into name feature value feature_value

),

weighted as (

    select
        unpivoted.collector_key,
        unpivoted.as_of_date,
        unpivoted.feature,
        weights.reason_code,
        weights.weight
            * greatest(least((unpivoted.feature_value - weights.reference_value) / weights.scale, 3), -3)
            as log_odds_contribution

    from unpivoted
    inner join weights
        on unpivoted.feature = weights.feature

)

select * from weighted
