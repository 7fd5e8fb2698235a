"""Taking, renewing and giving back a lease; each is one conditional statement.

Times are the database's clock (``db_now``), so holders on machines whose clocks disagree
still agree on when a lease ran out. A holder must renew well within ``seconds``; a holder
that stops (crash, lost machine) is replaced once its lease expires.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, insert, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.auctions.clock import db_now
from api.leases.models import Lease


def hold_lease(session: Session, *, name: str, holder: str, seconds: float) -> bool:
    """Take the lease ``name`` for ``seconds`` (or renew it, when ``holder`` has it); False
    while someone else holds it. Commit for the others to see it."""
    now = db_now(session)
    until = now + timedelta(seconds=seconds)
    leases = Lease.__table__
    taken = session.execute(
        update(leases)
        .where(leases.c.name == name, or_(leases.c.holder == holder, leases.c.expires_at <= now))
        .values(
            holder=holder,
            expires_at=until,
            acquired_at=case((leases.c.holder == holder, leases.c.acquired_at), else_=now),
        )
    )
    if taken.rowcount == 1:
        return True
    if session.get(Lease, name) is not None:
        return False
    try:  # the first holder ever: a concurrent first holder loses on the key
        with session.begin_nested():
            session.execute(
                insert(leases).values(name=name, holder=holder, acquired_at=now, expires_at=until)
            )
    except IntegrityError:
        return False
    return True


def release_lease(session: Session, *, name: str, holder: str) -> None:
    """Give the lease back at once (a clean shutdown), if ``holder`` still has it."""
    leases = Lease.__table__
    session.execute(
        update(leases)
        .where(leases.c.name == name, leases.c.holder == holder)
        .values(expires_at=db_now(session))
    )
