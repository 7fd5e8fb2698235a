{#- Use the configured schema as is (raw, staging, intermediate, marts, seeds), without the
    target-schema prefix dbt adds by default: analysts query marts.price_indices. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
