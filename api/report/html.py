"""The demo report as one self-contained HTML file (inline CSS and SVG, no scripts)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from api.report.data import STAGES, ReportData
from api.report.svg import grouped_bars, histogram, line_chart, route_map
from api.report.text import STAGE_NAMES, summary_lines

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.2rem; }
figure { margin: 1rem 0; } figcaption { font-size: .85rem; color: #555; }
table { border-collapse: collapse; font-size: .85rem; } td, th { padding: 2px 10px; }
th { text-align: left; border-bottom: 1px solid #999; } td.n { text-align: right; }
pre { background: #f4f4f4; padding: .8rem; font-size: .8rem; overflow-x: auto; }
.note { color: #8a4b00; }
"""


def _index_chart(data: ReportData, series: str) -> str:
    rows = [r for r in data.indices if r[0] == series and r[2] == "week"]
    periods = sorted({r[3] for r in rows})
    groups = sorted({r[1] for r in rows})
    values = {(r[1], r[3]): r[4] for r in rows}
    lines = {g: [values.get((g, p)) for p in periods] for g in groups}
    return line_chart(
        periods,
        lines,
        title=f"Weekly price index, {series}",
        y_label="index (first week = 1)",
    )


def _month_table(data: ReportData) -> str:
    rows = [r for r in data.indices if r[2] == "month"]
    if not rows:
        return "<p>No monthly index values.</p>"
    body = "".join(
        f"<tr><td>{escape(s)}</td><td>{escape(g)}</td><td>{escape(p)}</td>"
        f'<td class="n">{v:.4f}</td><td>{"published" if pub else "provisional"}</td></tr>'
        for s, g, _f, p, v, pub in rows
    )
    return (
        "<table><tr><th>series</th><th>material group</th><th>month</th><th>index</th>"
        f"<th>status</th></tr>{body}</table>"
    )


def _routes(data: ReportData) -> str:
    sketch = data.sketch
    if sketch is None:
        return "<p>No route plan was stored.</p>"
    svg = route_map(
        sketch.ring,
        [(f"collector {cid}", stops) for cid, stops in sketch.routes],
        sketch.stations,
        title=f"Routes in {sketch.zone_code} on {sketch.service_date}",
    )
    return (
        f"<figure>{svg}<figcaption>Zone {escape(sketch.zone_code)}, "
        f"{sketch.service_date}: the current plan's {len(sketch.routes)} routes "
        f"({sketch.km:.1f} km), one colour per collector; open circles are where collectors "
        "start, dots are pickups, black squares are stations (unloading stops). Straight "
        "lines between stops, not streets. Source: route_plans / route_plan_routes."
        "</figcaption></figure>"
    )


def _flows(data: ReportData) -> str:
    materials = sorted(data.kg_by_material, key=lambda m: -data.kg_by_material[m].get("pickup", 0))
    groups = [STAGE_NAMES[s] for s in STAGES]
    values = {
        (m, STAGE_NAMES[s]): data.kg_by_material[m].get(s, 0.0) for m in materials for s in STAGES
    }
    svg = grouped_bars(materials, groups, values, title="Material flows", y_label="kg")
    return (
        f"<figure>{svg}<figcaption>Kilograms of each material at each custody hand-over: "
        "weighed at the door (resident to collector), at the station (collector to station), "
        "handed to the buying plant, and weighed at the plant's gate. Source: "
        f"{escape(data.flows_source)}.</figcaption></figure>"
    )


def _credit(data: ReportData) -> str:
    svg = histogram(
        data.credit_scores,
        bin_width=10,
        title="Collector credit scores",
        x_label="credit score (latest snapshot)",
        marks=[(low, f"{band} >= {low}") for low, band in data.band_edges],
    )
    bands = ", ".join(f"{b}: {n}" for b, n in data.credit_bands.items()) or "none"
    return (
        f"<figure>{svg}<figcaption>{len(data.credit_scores)} collectors; bands {bands}; "
        f"{data.thin_files} thin files (too short a history for a credit limit). Source: "
        "warehouse marts.collector_credit_scores.</figcaption></figure>"
    )


def _auctions(data: ReportData) -> str:
    body = "".join(
        f'<tr><td>{escape(a.material)}</td><td class="n">{a.sold}</td>'
        f'<td class="n">{a.kg:,.1f}</td><td class="n">{a.low / 100:.2f}</td>'
        f'<td class="n">{a.average / 100:.2f}</td><td class="n">{a.high / 100:.2f}</td></tr>'
        for a in data.auction_lines
    )
    return (
        "<table><tr><th>material</th><th>lots sold</th><th>kg</th><th>low CNY/kg</th>"
        f"<th>weighted CNY/kg</th><th>high CNY/kg</th></tr>{body}</table>"
        f"<p>Source: {escape(data.clearing_source)}.</p>"
    )


def render_report(data: ReportData, *, timings: list[tuple[str, float]] = ()) -> str:
    """The whole HTML document."""
    steps = "".join(
        f'<tr><td>{escape(name)}</td><td class="n">{seconds:.1f} s</td></tr>'
        for name, seconds in timings
    )
    notes = "".join(f'<li class="note">{escape(n)}</li>' for n in data.notes)
    summary = escape("\n".join(summary_lines(data)))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Recycle platform demo report</title><style>{CSS}</style></head><body>
<h1>A simulated city: weeks of pickups, routes, auctions and prices</h1>
<p>Generated {data.generated_at:%Y-%m-%d %H:%M %Z} from <code>{escape(data.database_url)}</code>
and the warehouse <code>{escape(data.warehouse_path)}</code> (opened read-only).</p>
<ul>{notes}</ul>
<h2>Summary</h2><pre>{summary}</pre>
<h2>Price indices</h2>
<figure>{_index_chart(data, "resident_paid")}<figcaption>What residents were paid at the door,
per material group: a multilateral (GEKS-Törnqvist) index over material grade x zone, spliced
week by week. Source: warehouse marts.price_indices.</figcaption></figure>
<figure>{_index_chart(data, "plant_clearing")}<figcaption>What plants paid for lots at auction
(clearing prices). Source: warehouse marts.price_indices.</figcaption></figure>
{_month_table(data)}
<h2>Routes</h2>{_routes(data)}
<h2>Collector credit scores</h2>{_credit(data)}
<h2>Material flows</h2>{_flows(data)}
<h2>Auction clearing prices</h2>{_auctions(data)}
<h2>Timings</h2><table>{steps}</table>
</body></html>
"""


def write_report(path: Path, data: ReportData, *, timings: list[tuple[str, float]] = ()) -> Path:
    """Write the report to ``path`` (its folder is created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(data, timings=timings), encoding="utf-8")
    return path
