"""The report's figures as the lines the demo prints."""

from __future__ import annotations

from api.report.data import STAGES, ReportData

STAGE_NAMES = {
    "pickup": "door",
    "dropoff": "station",
    "lot_handover": "to plant",
    "plant_receipt": "plant",
}
OPEN_STATUSES = ("scheduled", "assigned", "en_route", "arrived", "weighed")
AUCTION_STATUSES = ("open", "awarded", "offered", "paid", "unsold")


def _n(value: float) -> str:
    return f"{value:,.0f}"


def latest_indices(data: ReportData, frequency: str) -> dict[str, list[tuple[str, str, float]]]:
    """Per series, the latest (material group, period, value) of each material group."""
    latest: dict[tuple[str, str], tuple[str, float]] = {}
    for series, group, freq, period, value, _published in data.indices:
        if freq != frequency:
            continue
        if (series, group) not in latest or period > latest[(series, group)][0]:
            latest[(series, group)] = (period, value)
    found: dict[str, list[tuple[str, str, float]]] = {}
    for (series, group), (period, value) in sorted(latest.items()):
        found.setdefault(series, []).append((group, period, value))
    return found


def _booking_line(data: ReportData) -> str:
    b = data.bookings
    still_open = sum(b.get(s, 0) for s in OPEN_STATUSES)
    return (
        f"bookings: {_n(sum(b.values()))} made - {_n(b.get('completed', 0))} completed, "
        f"{_n(b.get('refused', 0))} refused at the door, {_n(b.get('no_show', 0))} no-shows, "
        f"{_n(b.get('cancelled', 0))} cancelled, {_n(still_open)} open today/tomorrow"
    )


def _auction_lines(data: ReportData) -> list[str]:
    a = data.auctions
    total = sum(a.get(s, 0) for s in AUCTION_STATUSES)
    waiting = a.get("awarded", 0) + a.get("offered", 0)
    lines = [
        f"auctions: {total} - {a.get('paid', 0)} paid, {waiting} awaiting payment, "
        f"{a.get('unsold', 0)} unsold, {a.get('open', 0)} open; "
        f"{a.get('with_clearing_price', 0)} with a clearing price, "
        f"{a.get('extended', 0)} extended by late bids (soft close)",
        f"clearing prices, CNY/kg (low / volume-weighted / high), from {data.clearing_source}:",
    ]
    for line in data.auction_lines:
        lines.append(
            f"    {line.material:<16} {line.sold:>3} lots {line.kg:>9,.1f} kg  "
            f"{line.low / 100:6.2f} / {line.average / 100:6.2f} / {line.high / 100:6.2f}"
        )
    return lines


def summary_lines(data: ReportData) -> list[str]:
    """Human-readable lines: pickups, kg, routes, auctions, indices, credit, ledger, custody."""
    stages = " -> ".join(STAGE_NAMES[s] for s in STAGES)
    lines = [_booking_line(data), f"kg by material ({stages}), from {data.flows_source}:"]
    by_door_kg = sorted(data.kg_by_material.items(), key=lambda kv: -kv[1].get("pickup", 0))
    for material, kg in by_door_kg:
        lines.append(f"    {material:<16} " + " -> ".join(f"{kg.get(s, 0):,.1f}" for s in STAGES))
    reasons = ", ".join(f"{r} {n}" for r, n in data.unassigned_by_reason.items()) or "none"
    lines.append(
        f"routes: {data.plans} current plans over {len(data.plan_days)} days, "
        f"{data.route_km:,.1f} km planned for {_n(data.planned_pickups)} pickups; "
        f"unassigned pickups by reason: {reasons}"
    )
    lines += _auction_lines(data)
    for frequency in ("week", "month"):
        for series, values in latest_indices(data, frequency).items():
            shown = ", ".join(f"{group} {value:.3f} ({period})" for group, period, value in values)
            lines.append(f"price index {series}, latest {frequency}: {shown}")
    if not data.indices:
        lines.append("price index: none (the warehouse was not built)")
    bands = ", ".join(f"{band} {n}" for band, n in data.credit_bands.items()) or "none"
    lines.append(
        f"credit scores: {len(data.credit_scores)} collectors scored, bands {bands} "
        f"({data.thin_files} thin files)"
    )
    balanced = "balanced" if data.ledger_sum_cents == 0 else "NOT BALANCED"
    paid = data.payouts.get("paid", 0)
    lines.append(
        f"ledger: {_n(data.ledger_entries)} entries summing to {data.ledger_sum_cents} cents "
        f"({balanced}); payouts: {paid} paid, {sum(data.payouts.values()) - paid} other"
    )
    lines.append(
        f"custody: hash chain of {_n(data.chain_events)} events "
        f"{'verified' if data.chain_ok else 'BROKEN'}; {data.custody_alerts} alerts raised"
    )
    return lines
