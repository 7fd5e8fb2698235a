"""The demo city's simulation: weeks of a recycling city played through the services.

How time works. The run plays days from about two months ago up to the real now on a
simulated clock (``clock.py``): while it runs, ``api.db.utcnow``, ``api.timeutil.
local_today`` and the auctions' ``db_now`` read that clock, so every row a service writes
carries the simulated time it happened at - ``created_at``, ``weighed_at``, ledger and
custody timestamps, bids and auction closes - and every rule a service checks against "now"
(booking cut-offs, shift windows, payment deadlines, the custody hash chain's order) holds
as it would have on that day. Nothing is back-dated after the fact, so the warehouse, which
reads those timestamps, sees a consistent history. The clock never passes the real now;
afterwards everything (warehouse build, report, serving) runs on the system clock.

Modules: ``params`` (sizes), ``city`` and ``enrolment`` (people and places), ``agenda`` (the
diary of timed actions), ``residents`` (bookings, cancellations), ``dispatch`` (shifts, the
nightly plan), ``rounds`` (claims, the route), ``door`` (weighing, the resident's decision,
completion), ``dropoffs`` (stations), ``market`` (lots, auctions, bids, payment, hand-over),
``feedback`` (ratings, disputes), ``custody`` (manifest confirmations), ``routine`` (tariffs,
payouts, checkpoints), ``live`` (what the served demo needs), ``runner`` (one run).
"""
