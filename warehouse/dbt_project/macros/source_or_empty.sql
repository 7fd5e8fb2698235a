{#-
    The source relation, or an empty relation with the source's declared columns and types
    when the extract has not created the raw table yet (the operational table has not
    shipped). Column names and types come from the source's yml (data_type), so staging
    models build today and fill in once the table lands.
-#}
{% macro source_or_empty(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ relation }}
    {%- elif adapter.get_relation(relation.database, relation.schema, relation.identifier) is not none -%}
        {{ relation }}
    {%- else -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
        (
            select
            {%- for name, column in node.columns.items() %}
                cast(null as {{ column.data_type }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
            {%- endfor %}
            where false
        )
    {%- endif -%}
{%- endmacro %}
