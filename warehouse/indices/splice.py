"""Extend a published index series with a multilateral index computed over a newer window.

A published value is never revised: the new window only decides the values of periods
after the last published one. For each new period n and each link period k chosen by the
splice from the overlap (window periods that are already published):

    onto the published series:      P(n) = P(k) * W(n) / W(k)
    onto the previous window:       P(n) = P(last) * [W(n) / W(k)] / [V(last) / V(k)]

where W is the new window's index, V the previous window's index and P the published
series; with several link periods the results are combined by a geometric mean. Splices:

    movement  k = the last overlap period (the latest published period)
    window    k = the first period of the new window
    half      k = the middle period of the new window, index (w - 1) // 2 counting from 0
    mean      every overlap period (geometric mean)

Splicing onto the previous window gives IndexNumR's "movement", "window", "half" and "mean";
splicing onto the published series gives its "movement", "wisp", "hasp" and "mean_pub".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from warehouse.indices.observations import IndexInputError, Period, sort_periods

SPLICES = ("movement", "window", "half", "mean")


def splice_onto_published(
    published: Mapping[Period, float],
    window_index: Mapping[Period, float],
    splice: str = "mean",
) -> dict[Period, float]:
    """Return ``published`` extended by the periods of ``window_index`` after its last period.

    ``window_index`` holds index levels over the newest window (any normalisation; only its
    ratios are used). It must contain the last published period. Published values are
    copied unchanged; only later periods are added.
    """
    return _extend(published, window_index, splice, anchor=lambda k: published[k])


def splice_onto_previous_window(
    published: Mapping[Period, float],
    previous_window: Mapping[Period, float],
    window_index: Mapping[Period, float],
    splice: str = "mean",
) -> dict[Period, float]:
    """Like splice_onto_published, but compare the new window with the previous window.

    This is the classical splice (Ivancic, Diewert and Fox 2011; IndexNumR): the movement of
    the new window from a link period k is rescaled by the previous window's movement from k
    to the last published period, then applied to the last published value.
    """
    last = _last_published(published)
    missing = [k for k in window_index if k in published and k not in previous_window]
    if last not in previous_window or missing:
        raise IndexInputError("the previous window must cover every overlap period")
    return _extend(
        published,
        window_index,
        splice,
        anchor=lambda k: published[last] * previous_window[k] / previous_window[last],
    )


def _extend(
    published: Mapping[Period, float],
    window_index: Mapping[Period, float],
    splice: str,
    anchor: Callable[[Period], float],
) -> dict[Period, float]:
    """Add each new window period as the geometric mean of anchor(k) * W(n) / W(k)."""
    window_periods = sort_periods(window_index)
    overlap, new = _split_window(published, window_periods)
    links = link_periods(window_periods, overlap, splice)
    extended = dict(published)
    for period in new:
        logs = [
            math.log(anchor(k)) + math.log(window_index[period]) - math.log(window_index[k])
            for k in links
        ]
        extended[period] = math.exp(math.fsum(logs) / len(logs))
    return extended


def _last_published(published: Mapping[Period, float]) -> Period:
    """The latest published period; the series must not be empty."""
    if not published:
        raise IndexInputError("the published series is empty: publish a first window first")
    return sort_periods(published)[-1]


def _split_window(
    published: Mapping[Period, float], window_periods: list[Period]
) -> tuple[list[Period], list[Period]]:
    """Split the window into already-published periods and new periods, checking order."""
    last = _last_published(published)
    if last not in window_periods:
        raise IndexInputError(
            f"the window must include the last published period {last!r} to be spliced on"
        )
    overlap = [p for p in window_periods if p in published]
    new = [p for p in window_periods if p not in published]
    if new and sort_periods([last, new[0]])[0] != last:
        raise IndexInputError(
            f"window period {new[0]!r} precedes the last published period {last!r} "
            "but was never published; published series are only extended, never back-filled"
        )
    return overlap, new


def link_periods(window_periods: list[Period], overlap: list[Period], splice: str) -> list[Period]:
    """The overlap periods whose values the splice links on (see the module docstring)."""
    if splice == "movement":
        return [overlap[-1]]
    if splice == "window":
        chosen = [window_periods[0]]
    elif splice == "half":
        chosen = [window_periods[(len(window_periods) - 1) // 2]]
    elif splice == "mean":
        return list(overlap)
    else:
        raise IndexInputError(f"unknown splice {splice!r}; choose one of {', '.join(SPLICES)}")
    if chosen[0] not in overlap:
        raise IndexInputError(f"the {splice} splice period {chosen[0]!r} is not yet published")
    return chosen
