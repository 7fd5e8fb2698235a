{#-
    Keys for the incremental models. Each build's extract lists the primary keys it loaded
    per raw table in meta.extract_changes; an incremental model deletes every row of the
    entities those rows touch (pre-hook) and inserts them recomputed, so an entity whose
    rows vanished (a voided weighing, a cancelled booking) loses them too. Everything reads
    the raw sources (through source_or_empty), never ephemeral models: hooks cannot.
-#}

{% macro changed_keys(table_name, key_type='bigint') -%}
    (
        select cast(key_value as {{ key_type }})
        from {{ source('meta', 'extract_changes') }}
        where table_name = '{{ table_name }}'
    )
{%- endmacro %}


{#- Bookings whose purchase lines or job outcome may have changed. -#}
{% macro affected_booking_ids() -%}
    (
        select booking_id from {{ source_or_empty('platform', 'bookings') }}
        where booking_id in {{ changed_keys('bookings') }}
            or slot_id in {{ changed_keys('slots') }}
            or quote_id in {{ changed_keys('quotes', 'varchar') }}
            or quote_id in (
                select quote_id from {{ source_or_empty('platform', 'quote_lines') }}
                where quote_line_id in {{ changed_keys('quote_lines') }}
            )
        union
        select booking_id from {{ source_or_empty('platform', 'booking_items') }}
        where booking_item_id in {{ changed_keys('booking_items') }}
        union
        select booking_id from {{ source_or_empty('platform', 'weighings') }}
        where weighing_id in {{ changed_keys('weighings') }}
            or weighing_id in (
                select weighing_id from {{ source_or_empty('platform', 'weighing_lines') }}
                where weighing_line_id in {{ changed_keys('weighing_lines') }}
            )
        union
        select booking_id from {{ source_or_empty('platform', 'disputes') }}
        where dispute_id in {{ changed_keys('disputes') }}
    )
{%- endmacro %}


{#- Auctions whose bids' rank, flags, lot, material or zone may have changed. -#}
{% macro affected_auction_ids() -%}
    (
        select auction_id from {{ source_or_empty('platform', 'auctions') }}
        where auction_id in {{ changed_keys('auctions') }}
            or lot_id in {{ changed_keys('lots') }}
            or lot_id in (
                select lot_id from {{ source_or_empty('platform', 'lots') }}
                where station_id in {{ changed_keys('stations') }}
            )
        union
        select auction_id from {{ source_or_empty('platform', 'auction_bids') }}
        where bid_id in {{ changed_keys('auction_bids') }}
    )
{%- endmacro %}


{#- Manifests whose hand-over lines may have changed. -#}
{% macro affected_manifest_ids() -%}
    (
        select manifest_id from {{ source_or_empty('platform', 'manifests') }}
        where manifest_id in {{ changed_keys('manifests') }}
        union
        select manifest_id from {{ source_or_empty('platform', 'manifest_lines') }}
        where manifest_line_id in {{ changed_keys('manifest_lines') }}
    )
{%- endmacro %}


{#- Pre-hook of an incremental model: drop the rows of the affected entities. -#}
{% macro delete_affected(column, affected) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ column }} in {{ affected }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
