{#- The local calendar date (var local_timezone) of a naive-UTC timestamp. -#}
{% macro local_date(column) -%}
    cast(timezone('{{ var("local_timezone") }}', timezone('UTC', {{ column }})) as date)
{%- endmacro %}
