"""What the warehouse may copy from the operational database: an explicit allow-list.

A table or column that is not listed here is never read. Personal data is either left out
(phones, names, national ids, address text, building, floor, access notes, free-text notes)
or transformed on the way in: user ids become keyed hashes (``resident_key``,
``collector_key``, ``user_key``) and an address's latitude/longitude becomes a coarse cell
of about 1 km (``api.zones.geometry.coarse_cell``). Adding a column to the operational
schema therefore changes nothing here until someone lists it, with its transform.

The extract skips a listed table the operational database does not have (yet) and loads
NULL for a listed column that is missing, so the warehouse builds on any schema version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Transforms applied on the way in. ``copy`` casts to the raw type; the ``*_key`` transforms
# replace an id by HMAC-SHA256(key, "<namespace>:<id>"); ``coarse_cell`` reads two source
# columns (latitude, longitude) and keeps only the cell.
TRANSFORMS = ("copy", "user_key", "collector_key", "coarse_cell")
RAW_TYPES = ("BIGINT", "INTEGER", "VARCHAR", "TIMESTAMP", "DATE", "BOOLEAN", "DOUBLE")


@dataclass(frozen=True)
class Column:
    """One raw column: its name in the warehouse, DuckDB type, source column(s), transform."""

    name: str
    type: str
    source: str | tuple[str, ...] | None = None
    transform: str = "copy"

    @property
    def sources(self) -> tuple[str, ...]:
        """The operational column(s) this raw column is computed from."""
        if self.source is None:
            return (self.name,)
        return (self.source,) if isinstance(self.source, str) else self.source


@dataclass(frozen=True)
class TableSpec:
    """One operational table: key, incremental watermark candidates and allowed columns.

    ``watermark`` lists timestamp columns in order of preference; the first one the source
    table has is used. With none present the table is read by primary key (new ids), plus,
    when ``parent`` (parent table, foreign-key column) is given, every row whose parent
    changed inside the look-back window, so a corrected weighing re-reads its lines.
    """

    name: str
    primary_key: str
    columns: tuple[Column, ...]
    watermark: tuple[str, ...] = ("updated_at",)
    parent: tuple[str, str] | None = None
    notes: str = field(default="", compare=False)

    @property
    def key_column(self) -> Column:
        """The raw column computed from the primary key (the upsert key)."""
        return next(c for c in self.columns if self.primary_key in c.sources)


def _c(name: str, type_: str, source: str | None = None) -> Column:
    return Column(name, type_, source)


def _key(name: str, source: str, namespace: str) -> Column:
    return Column(name, "VARCHAR", source, f"{namespace}_key")


B, V, T, D, BOOL, F = "BIGINT", "VARCHAR", "TIMESTAMP", "DATE", "BOOLEAN", "DOUBLE"
STAMPS = (_c("created_at", T), _c("updated_at", T))

TABLES: tuple[TableSpec, ...] = (
    # --- shipped tables ---------------------------------------------------------------
    TableSpec(
        "users",
        "user_id",
        (_key("user_key", "user_id", "user"), _c("role", V), _c("is_active", BOOL), *STAMPS),
        notes="phone and display_name are never read",
    ),
    TableSpec(
        "zones",
        "zone_id",
        (_c("zone_id", B), _c("code", V), _c("name", V), _c("is_active", BOOL), *STAMPS),
    ),
    TableSpec(
        "materials",
        "material_id",
        (
            _c("material_id", B),
            _c("code", V),
            _c("category", V),
            _c("name_en", V),
            _c("unit", V),
            _c("min_quantity", B),
            _c("is_active", BOOL),
            *STAMPS,
        ),
    ),
    TableSpec(
        "addresses",
        "address_id",
        (
            _c("address_id", B),
            _key("resident_key", "resident_id", "user"),
            _c("zone_id", B),
            Column("coarse_cell", V, ("latitude", "longitude"), "coarse_cell"),
            _c("is_default", BOOL),
            _c("deleted_at", T),
            *STAMPS,
        ),
        notes="text, building, floor, access_notes, label, latitude, longitude never stored",
    ),
    TableSpec(
        "slots",
        "slot_id",
        (
            _c("slot_id", B),
            _c("zone_id", B),
            _c("starts_at", T),
            _c("ends_at", T),
            _c("cutoff_at", T),
            _c("capacity", B),
            _c("booked_count", B),
            *STAMPS,
        ),
    ),
    TableSpec(
        "tariffs",
        "tariff_id",
        (
            _c("tariff_id", B),
            _c("material_id", B),
            _c("grade", V),
            _c("zone_id", B),
            _c("price_cents_per_unit", B),
            _c("valid_from", D),
            _c("version", B),
            _c("status", V),
            _c("source", V),
            _c("decided_at", T),
            *STAMPS,
        ),
        notes="staff user ids and free-text decision reasons are not read",
    ),
    TableSpec(
        "quotes",
        "quote_id",
        (
            _c("quote_id", V),
            _key("resident_key", "resident_id", "user"),
            _c("address_id", B),
            _c("zone_id", B),
            _c("quoted_on", D),
            _c("estimated_total_cents", B),
            _c("created_at", T),
            _c("expires_at", T),
            _c("locked_until", T),
        ),
        watermark=("updated_at", "created_at"),
    ),
    TableSpec(
        "quote_lines",
        "quote_line_id",
        (
            _c("quote_line_id", B),
            _c("quote_id", V),
            _c("material_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("unit", V),
            _c("quantity", B),
            _c("unit_price_cents", B),
            _c("estimated_amount_cents", B),
            _c("tariff_version", B),
            _c("tariff_valid_from", D),
        ),
        watermark=(),
        parent=("quotes", "quote_id"),
    ),
    TableSpec(
        "bookings",
        "booking_id",
        (
            _c("booking_id", B),
            _key("resident_key", "resident_id", "user"),
            _c("address_id", B),
            _c("zone_id", B),
            _c("slot_id", B),
            _c("quote_id", V),
            _c("status", V),
            _key("collector_key", "collector_id", "collector"),
            _c("is_late_cancellation", BOOL),
            _c("cancelled_at", T),
            _c("version", B),
            *STAMPS,
        ),
        notes="notes, photo_refs and cancellation_reason (free text) are not read",
    ),
    TableSpec(
        "booking_items",
        "booking_item_id",
        (
            _c("booking_item_id", B),
            _c("booking_id", B),
            _c("material_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("unit", V),
            _c("estimated_quantity", B),
        ),
        watermark=(),
        parent=("bookings", "booking_id"),
    ),
    TableSpec(
        "events",
        "event_id",
        (
            _c("event_id", B),
            _c("entity_type", V),
            _c("entity_id", B),
            _c("kind", V),
            _c("occurred_at", T),
        ),
        watermark=("occurred_at",),
        notes="actor_user_id and the free-form data payload are not read",
    ),
)

# --- collectors, jobs, stations, ledger (shipped) ---------------------------------------
OPERATIONS_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "collectors",
        "collector_id",
        (
            _key("collector_key", "collector_id", "collector"),
            _key("user_key", "user_id", "user"),
            _c("status", V),
            _c("vehicle_type", V),
            _c("payload_grams", B),
            _c("volume_litres", B),
            _c("no_show_count", B),
            _c("approved_at", T),
            *STAMPS,
        ),
        notes="full_name, national_id_*, id_photo_refs, home latitude/longitude, zone_codes "
        "and status_reason are never read",
    ),
    TableSpec(
        "shifts",
        "shift_id",
        (
            _c("shift_id", B),
            _key("collector_key", "collector_id", "collector"),
            _c("shift_date", D),
            _c("starts_at", T),
            _c("ends_at", T),
            _c("created_at", T),
        ),
        watermark=("updated_at", "created_at"),
        notes="location_pings (exact positions) are never read",
    ),
    TableSpec(
        "weighings",
        "weighing_id",
        (
            _c("weighing_id", B),
            _c("booking_id", B),
            _key("collector_key", "collector_id", "collector"),
            _c("weighed_at", T),
            _c("quoted_total_cents", B),
            _c("goods_cents", B),
            _c("subsidy_cents", B),
            _c("total_cents", B),
            _c("status", V),
            _c("resident_decided_at", T),
            *STAMPS,
        ),
        watermark=("updated_at", "weighed_at"),
    ),
    TableSpec(
        "weighing_lines",
        "weighing_line_id",
        (
            _c("weighing_line_id", B),
            _c("weighing_id", B),
            _c("material_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("unit", V),
            _c("gross_grams", B),
            _c("net_grams", B),
            _c("pieces", B),
            _c("unit_price_cents", B),
            _c("amount_cents", B),
            _c("subsidy_cents", B),
            _c("tag_code", V),
            _c("is_void", BOOL),
        ),
        watermark=(),
        parent=("weighings", "weighing_id"),
    ),
    TableSpec(
        "ratings",
        "rating_id",
        (
            _c("rating_id", B),
            _c("booking_id", B),
            _key("rater_user_key", "rater_user_id", "user"),
            _key("ratee_user_key", "ratee_user_id", "user"),
            _c("stars", B),
            _c("created_at", T),
        ),
        watermark=("created_at",),
        notes="the comment (free text) is never read",
    ),
    TableSpec(
        "disputes",
        "dispute_id",
        (
            _c("dispute_id", B),
            _c("booking_id", B),
            _c("status", V),
            _c("compensation_cents", B),
            _c("resolved_at", T),
            *STAMPS,
        ),
        notes="reason, evidence, resolution text and the users involved are never read",
    ),
    TableSpec(
        "stations",
        "station_id",
        (
            _c("station_id", B),
            _c("code", V),
            _c("zone_id", B),
            Column("coarse_cell", V, ("latitude", "longitude"), "coarse_cell"),
            _c("is_active", BOOL),
            *STAMPS,
        ),
        notes="exact position and operator are not read",
    ),
    TableSpec(
        "station_deliveries",
        "station_delivery_id",
        (
            _c("station_delivery_id", B),
            _c("station_id", B),
            _key("collector_key", "collector_id", "collector"),
            _c("received_at", T),
            _c("status", V),
            *STAMPS,
        ),
        notes="the receiving staff member is not read",
    ),
    TableSpec(
        "station_delivery_lines",
        "station_delivery_line_id",
        (
            _c("station_delivery_line_id", B),
            _c("station_delivery_id", B),
            _c("material_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("net_grams", B),
            _c("tag_codes", V),
            _c("lot_id", B),
        ),
        watermark=(),
        parent=("station_deliveries", "station_delivery_id"),
    ),
    TableSpec(
        "tags",
        "tag_code",
        (
            _c("tag_code", V),
            _key("collector_key", "issued_to_collector_id", "collector"),
            _c("issued_at", T),
            _c("status", V),
            _c("attached_at", T),
            *STAMPS,
        ),
    ),
    TableSpec(
        "ledger_accounts",
        "account_id",
        (
            _c("account_id", B),
            _c("kind", V),
            _key("owner_user_key", "owner_user_id", "user"),
            _c("currency", V),
            _c("created_at", T),
        ),
        watermark=("updated_at", "created_at"),
    ),
    TableSpec(
        "ledger_transactions",
        "transaction_id",
        (_c("transaction_id", B), _c("kind", V), _c("created_at", T)),
        watermark=("created_at",),
        notes="reference and memo are not read",
    ),
    TableSpec(
        "ledger_entries",
        "entry_id",
        (
            _c("entry_id", B),
            _c("transaction_id", B),
            _c("account_id", B),
            _c("amount_cents", B),
            _c("created_at", T),
        ),
        watermark=("created_at",),
    ),
    TableSpec(
        "payouts",
        "payout_id",
        (
            _c("payout_id", B),
            _key("user_key", "user_id", "user"),
            _c("account_id", B),
            _c("amount_cents", B),
            _c("status", V),
            _c("attempts", B),
            *STAMPS,
        ),
        notes="provider references and failure reasons are never read",
    ),
)

# --- plants, lots, auctions and the custody chain (shipped) ---------------------------
MARKET_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "plants",
        "plant_id",
        (_c("plant_id", B), _c("status", V), _c("approved_at", T), *STAMPS),
        notes="owner, company name, licence number and permits are not read",
    ),
    TableSpec(
        "lots",
        "lot_id",
        (
            _c("lot_id", B),
            _c("station_id", B),
            _c("material_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("net_grams", B),
            _c("status", V),
            _c("plant_id", B),
            _c("collection_starts_at", T),
            _c("collection_ends_at", T),
            _c("collected_at", T),
            _c("received_at", T),
            _c("received_net_grams", B),
            *STAMPS,
        ),
        notes="photos, tag lists and the staff member who made the lot are not read",
    ),
    TableSpec(
        "auctions",
        "auction_id",
        (
            _c("auction_id", B),
            _c("lot_id", B),
            _c("kind", V),
            _c("status", V),
            _c("start_price_cents", B),
            _c("reserve_cents", B),
            _c("reserve_source", V),
            _c("starts_at", T),
            _c("scheduled_end_at", T),
            _c("ends_at", T),
            _c("soft_close_window_seconds", B),
            _c("extension_count", B),
            _c("bid_count", B),
            _c("closed_at", T),
            _c("clearing_price_cents", B),
            _c("award_plant_id", B),
            _c("award_price_cents", B),
            _c("paid_at", T),
            *STAMPS,
        ),
    ),
    TableSpec(
        "auction_bids",
        "bid_id",
        (
            _c("bid_id", B),
            _c("auction_id", B),
            _c("seq", B),
            _c("plant_id", B),
            _c("max_amount_cents", B),
            _c("placed_at", T),
            _c("price_after_cents", B),
            _c("leader_after_plant_id", B),
            _c("ends_at_after", T),
        ),
        watermark=("placed_at",),
        notes="the bidding user is not read",
    ),
    TableSpec(
        "manifests",
        "manifest_id",
        (
            _c("manifest_id", B),
            _c("kind", V),
            _c("subject_type", V),
            _c("subject_id", B),
            _c("version", B),
            _c("root_manifest_id", B),
            _c("status", V),
            _c("sender_role", V),
            _c("receiver_role", V),
            _c("handed_over_at", T),
            _c("place_kind", V),
            _c("zone_code", V),
            _c("confirmed_at", T),
            *STAMPS,
        ),
        notes="party ids and outward references, place references and hashes are not read",
    ),
    TableSpec(
        "manifest_lines",
        "manifest_line_id",
        (
            _c("manifest_line_id", B),
            _c("manifest_id", B),
            _c("material_code", V),
            _c("grade", V),
            _c("sender_grams", B),
            _c("receiver_grams", B),
            _c("pieces", B),
        ),
        watermark=(),
        parent=("manifests", "manifest_id"),
    ),
)

ALL_TABLES: tuple[TableSpec, ...] = TABLES + OPERATIONS_TABLES + MARKET_TABLES
TABLES_BY_NAME = {spec.name: spec for spec in ALL_TABLES}
