"""Residents' addresses: each in a service zone; one default at a time."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from api.auth.models import User
from api.db import utcnow
from api.errors import NotFoundError, check_version
from api.residents.models import Address
from api.zones.models import Zone
from api.zones.service import find_zone_for_point


def _with_zone_code(session: Session, address: Address) -> Address:
    address.zone_code = session.get(Zone, address.zone_id).code
    return address


def update_profile(
    session: Session, *, user_id: int, changes: dict, expected_version: int | None = None
) -> User:
    """Change the resident's display name or language; ``expected_version`` (from
    ``If-Match``) guards against overwriting a newer edit (412)."""
    user = session.get(User, user_id, with_for_update=True)
    check_version(user.version, expected_version)
    for name, value in changes.items():
        setattr(user, name, value)
    if changes:
        user.version += 1
    session.flush()
    return user


def list_addresses(session: Session, *, resident_id: int) -> list[Address]:
    """The resident's live addresses, default first."""
    stmt = (
        select(Address)
        .where(Address.resident_id == resident_id, Address.deleted_at.is_(None))
        .order_by(Address.is_default.desc(), Address.address_id)
    )
    return [_with_zone_code(session, a) for a in session.scalars(stmt)]


def get_address_or_raise(
    session: Session, *, resident_id: int, address_id: int, with_zone_code: bool = True
) -> Address:
    """The resident's own live address; anyone else's is a 404. ``with_zone_code`` adds the
    zone's code for a response (one more read; bookings and quotes need only the id)."""
    address = session.get(Address, address_id)
    if address is None or address.resident_id != resident_id or address.deleted_at is not None:
        raise NotFoundError()
    return _with_zone_code(session, address) if with_zone_code else address


_ADDRESSES = Address.__table__
# built once (see ``api.db``'s note on hot statements)
_ZONE_OF_LIVE_ADDRESS = select(_ADDRESSES.c.zone_id).where(
    _ADDRESSES.c.address_id == bindparam("address_id"),
    _ADDRESSES.c.resident_id == bindparam("resident_id"),
    _ADDRESSES.c.deleted_at.is_(None),
)


def address_zone_or_raise(session: Session, *, resident_id: int, address_id: int) -> int:
    """The zone id of the resident's own live address (as ``get_address_or_raise``: anyone
    else's is a 404), read as one value without loading the address (booking creation)."""
    zone_id = session.execute(
        _ZONE_OF_LIVE_ADDRESS, {"address_id": address_id, "resident_id": resident_id}
    ).scalar_one_or_none()
    if zone_id is None:
        raise NotFoundError()
    return zone_id


def _clear_default(session: Session, resident_id: int) -> None:
    session.execute(
        update(Address)
        .where(Address.resident_id == resident_id, Address.is_default.is_(True))
        .values(is_default=False)
    )


def create_address(session: Session, *, resident_id: int, data: dict) -> Address:
    """Add an address; it must fall in a service zone (else 422)."""
    zone = find_zone_for_point(session, latitude=data["latitude"], longitude=data["longitude"])
    has_any = session.scalar(
        select(Address.address_id).where(
            Address.resident_id == resident_id, Address.deleted_at.is_(None)
        )
    )
    if data.get("is_default") or has_any is None:
        _clear_default(session, resident_id)
        data = {**data, "is_default": True}
    address = Address(resident_id=resident_id, zone_id=zone.zone_id, **data)
    session.add(address)
    session.flush()
    return _with_zone_code(session, address)


def update_address(
    session: Session,
    *,
    resident_id: int,
    address_id: int,
    changes: dict,
    expected_version: int | None = None,
) -> Address:
    """Change an address's text details (moving it means a new address).

    ``expected_version`` (from ``If-Match``) guards against overwriting a newer edit.
    """
    address = get_address_or_raise(session, resident_id=resident_id, address_id=address_id)
    check_version(address.version, expected_version)
    if changes.get("is_default"):
        _clear_default(session, resident_id)
    for name, value in changes.items():
        setattr(address, name, value)
    session.flush()
    return address


def delete_address(session: Session, *, resident_id: int, address_id: int) -> None:
    """Hide an address; bookings made with it keep it."""
    address = get_address_or_raise(session, resident_id=resident_id, address_id=address_id)
    address.deleted_at = utcnow()
    address.is_default = False
