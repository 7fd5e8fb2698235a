"""Small SVG charts drawn by hand (no plotting library): lines, grouped bars, a histogram
and a route sketch. Every function returns one ``<svg>`` element as a string."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def colour(index: int) -> str:
    """The palette's ``index``-th colour (cycling)."""
    return PALETTE[index % len(PALETTE)]


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from at or below ``low`` to at or above ``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def _legend(names: Sequence[str], x: int, y: int) -> list[str]:
    parts = []
    for index, name in enumerate(names):
        row_y = y + index * 16
        parts.append(
            f'<rect x="{x}" y="{row_y - 9}" width="12" height="10" fill="{colour(index)}"/>'
            f'<text x="{x + 16}" y="{row_y}" {FONT}>{escape(name)}</text>'
        )
    return parts


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    y_label: str,
    width: int = 760,
    height: int = 300,
) -> str:
    """One polyline per series over the shared ``x_labels`` (None leaves a gap)."""
    left, right, top, bottom = 56, 150, 16, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for points in series.values() for v in points if v is not None]
    if not values or not x_labels:
        return _svg(width, 60, [f'<text x="10" y="30" {FONT}>no data</text>'], title)
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]

    def sx(i: int) -> float:
        return left + (plot_w * i / max(1, len(x_labels) - 1))

    def sy(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low or 1))

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa"/>']
    for tick in ticks:
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" '
            f"{FONT}>{tick:g}</text>"
        )
    step = max(1, math.ceil(len(x_labels) / 12))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == len(x_labels) - 1:
            body.append(
                f'<text x="{sx(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f"{FONT}>{escape(label)}</text>"
            )
    for index, (_name, points) in enumerate(series.items()):
        runs: list[list[str]] = [[]]
        for i, value in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{sx(i):.1f},{sy(value):.1f}")
        for run in runs:
            if len(run) > 1:
                body.append(
                    f'<polyline points="{" ".join(run)}" fill="none" '
                    f'stroke="{colour(index)}" stroke-width="2"/>'
                )
            for point in run:
                x, y = point.split(",")
                body.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour(index)}"/>')
    body.append(
        f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
        f'text-anchor="middle" {FONT}>{escape(y_label)}</text>'
    )
    body += _legend(list(series), left + plot_w + 14, top + 12)
    return _svg(width, height, body, title)


def grouped_bars(
    categories: Sequence[str],
    groups: Sequence[str],
    values: dict[tuple[str, str], float],
    *,
    title: str,
    y_label: str,
    width: int = 760,
    height: int = 320,
) -> str:
    """For each category a bar per group (``values[(category, group)]``)."""
    left, right, top, bottom = 64, 130, 16, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for v in values.values()] + [0])
    if not categories or peak <= 0:
        return _svg(width, 60, [f'<text x="10" y="30" {FONT}>no data</text>'], title)
    ticks = nice_ticks(0, peak)
    high = ticks[-1]
    slot = plot_w / len(categories)
    bar = max(2.0, slot * 0.8 / max(1, len(groups)))
    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa"/>']
    for tick in ticks:
        y = top + plot_h * (1 - tick / high)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{tick:g}</text>'
        )
    for c_index, category in enumerate(categories):
        x0 = left + slot * c_index + slot * 0.1
        for g_index, group in enumerate(groups):
            value = values.get((category, group), 0)
            h = plot_h * value / high
            body.append(
                f'<rect x="{x0 + g_index * bar:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar - 1:.1f}" height="{h:.1f}" fill="{colour(g_index)}">'
                f"<title>{escape(category)} {escape(group)}: {value:,.1f}</title></rect>"
            )
        cx = left + slot * (c_index + 0.5)
        body.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" '
            f'transform="rotate(-35 {cx:.1f} {top + plot_h + 14})" {FONT}>{escape(category)}</text>'
        )
    body.append(
        f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
        f'text-anchor="middle" {FONT}>{escape(y_label)}</text>'
    )
    body += _legend(groups, left + plot_w + 14, top + 12)
    return _svg(width, height, body, title)


def histogram(
    values: Sequence[float],
    *,
    bin_width: float,
    title: str,
    x_label: str,
    marks: Sequence[tuple[float, str]] = (),
    width: int = 760,
    height: int = 280,
) -> str:
    """Counts of ``values`` in bins of ``bin_width``; ``marks`` are labelled vertical lines."""
    left, right, top, bottom = 48, 20, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    if not values:
        return _svg(width, 60, [f'<text x="10" y="30" {FONT}>no data</text>'], title)
    edges = [m for m, _ in marks]
    low = math.floor(min([*values, *edges]) / bin_width) * bin_width - bin_width
    high = math.ceil(max([*values, *edges]) / bin_width) * bin_width + bin_width
    bins = int(round((high - low) / bin_width))
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, int((value - low) // bin_width))] += 1
    ticks = nice_ticks(0, max(counts))
    top_count = ticks[-1]

    def sx(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa"/>']
    for tick in ticks:
        y = top + plot_h * (1 - tick / top_count)
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{tick:g}</text>'
        )
    for index, count in enumerate(counts):
        x = sx(low + index * bin_width)
        h = plot_h * count / top_count
        body.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{plot_w / bins - 1:.1f}" '
            f'height="{h:.1f}" fill="{colour(0)}"><title>{low + index * bin_width:g}-'
            f"{low + (index + 1) * bin_width:g}: {count}</title></rect>"
        )
    step = max(1, bins // 10)
    for index in range(0, bins + 1, step):
        v = low + index * bin_width
        body.append(
            f'<text x="{sx(v):.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
            f"{FONT}>{v:g}</text>"
        )
    for value, label in marks:
        body.append(
            f'<line x1="{sx(value):.1f}" x2="{sx(value):.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="{colour(1)}" stroke-dasharray="4 3"/>'
            f'<text x="{sx(value) + 3:.1f}" y="{top + 11}" {FONT} fill="{colour(1)}">'
            f"{escape(label)}</text>"
        )
    body.append(
        f'<text x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle" {FONT}>'
        f"{escape(x_label)}</text>"
    )
    return _svg(width, height, body, title)


def route_map(
    ring: Sequence[Sequence[float]],
    routes: Sequence[tuple[str, Sequence[tuple[float, float, str]]]],
    stations: Sequence[tuple[float, float, str]],
    *,
    title: str,
    width: int = 620,
    height: int = 560,
) -> str:
    """Each route as a coloured polyline of its stops; stations as black squares.

    ``ring`` is the zone's [lon, lat] polygon; stops are (lat, lon, kind). Longitude is
    scaled by cos(latitude) so the sketch keeps the city's proportions.
    """
    lats = [p[1] for p in ring] + [s[0] for _, stops in routes for s in stops]
    lons = [p[0] for p in ring] + [s[1] for _, stops in routes for s in stops]
    pad = 0.004
    min_lat, max_lat = min(lats) - pad, max(lats) + pad
    min_lon, max_lon = min(lons) - pad, max(lons) + pad
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = (max_lon - min_lon) * shrink, max_lat - min_lat
    legend_w = 150
    scale = min((width - legend_w - 20) / span_x, (height - 20) / span_y)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return 10 + (lon - min_lon) * shrink * scale, height - 10 - (lat - min_lat) * scale

    body = [f'<rect width="{width}" height="{height}" fill="#f6f8f4"/>']
    outline = " ".join("{:.1f},{:.1f}".format(*xy(p[1], p[0])) for p in ring)
    body.append(
        f'<polygon points="{outline}" fill="#e8efe0" stroke="#9a9" stroke-dasharray="6 4"/>'
    )
    for index, (name, stops) in enumerate(routes):
        points = " ".join("{:.1f},{:.1f}".format(*xy(lat, lon)) for lat, lon, _ in stops)
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour(index)}" '
            f'stroke-width="2" stroke-linejoin="round" opacity="0.85"><title>{escape(name)}</title>'
            "</polyline>"
        )
        for lat, lon, kind in stops:
            x, y = xy(lat, lon)
            if kind == "pickup":
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour(index)}"/>')
            elif kind == "start":
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="white" '
                    f'stroke="{colour(index)}" stroke-width="2"/>'
                )
    for lat, lon, label in stations:
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            continue
        x, y = xy(lat, lon)
        body.append(
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#222"/>'
            f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" {FONT}>{escape(label)}</text>'
        )
    body += _legend([name for name, _ in routes], width - legend_w + 6, 24)
    return _svg(width, height, body, title)
