"""Recording and reading state-change events."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.db import utcnow
from api.events.models import Event

_INSERT_EVENTS = insert(Event.__table__)  # built once (see ``api.db``'s note on hot statements)


def record_event(
    session: Session,
    *,
    entity_type: str,
    entity_id: int,
    kind: str,
    actor_user_id: int | None = None,
    data: dict | None = None,
) -> Event:
    """Append one event; it commits with the change it describes."""
    event = Event(
        entity_type=entity_type,
        entity_id=entity_id,
        kind=kind,
        actor_user_id=actor_user_id,
        data=data or {},
        occurred_at=utcnow(),
    )
    session.add(event)
    return event


def append_events(
    session: Session,
    *,
    entity_type: str,
    entity_id: int,
    actor_user_id: int | None,
    kinds: list[tuple[str, dict]],
) -> None:
    """Append several events of one entity in one statement, in order (``kinds`` holds each
    event's kind and data); for hot paths that need no event objects back."""
    now = utcnow()
    session.execute(
        _INSERT_EVENTS,
        [
            {
                "entity_type": entity_type,
                "entity_id": entity_id,
                "kind": kind,
                "actor_user_id": actor_user_id,
                "data": data,
                "occurred_at": now,
            }
            for kind, data in kinds
        ],
    )


def list_events(session: Session, *, entity_type: str, entity_id: int) -> list[Event]:
    """The events of one entity in the order they happened."""
    stmt = (
        select(Event)
        .where(Event.entity_type == entity_type, Event.entity_id == entity_id)
        .order_by(Event.event_id)
    )
    return list(session.scalars(stmt))
