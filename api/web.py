"""Request-layer helpers: the unit of work, idempotent writes, who is calling."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable

from flask import Response, current_app, g, request
from flask_jwt_extended import get_jwt, get_jwt_identity, verify_jwt_in_request
from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

import api.extensions  # noqa: F401  (views import this first: the strict query parser is set)
from api.db import drop_last_steps, get_session, hold_last_steps, run_last_steps, utcnow
from api.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    PreconditionFailedError,
    ValidationError,
)
from api.idempotency import IdempotencyRecord

IDEMPOTENCY_HEADER = "Idempotency-Key"


def current_user_id() -> int:
    """The signed-in user's id (after ``auth_required``)."""
    return g.user_id


def current_role() -> str:
    """The signed-in user's role (after ``auth_required``)."""
    return g.user_role


def auth_required(*roles: str) -> Callable:
    """Require a valid access token, and one of ``roles`` when given (else 403)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            # an idempotent write has already verified the token (``_caller_id``)
            claims = g.pop("verified_jwt", None)
            if not claims:
                verify_jwt_in_request()
                claims = get_jwt()
            g.user_id = int(claims["sub"])
            g.user_role = claims.get("role")
            if roles and g.user_role not in roles:
                raise ForbiddenError()
            return view(*args, **kwargs)

        # read by the authorization-matrix test to draft expectations for new routes
        wrapper.required_roles = roles or ("*",)
        return wrapper

    return decorator


def _request_fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method} {request.path}?{request.query_string.decode()}\n{canonical}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: Row) -> Response:
    response = current_app.response_class(
        json.dumps(record.response_body), status=record.response_status
    )
    response.headers["Content-Type"] = "application/json"
    response.headers["Idempotent-Replayed"] = "true"
    if record.response_etag:
        response.headers["ETag"] = record.response_etag
    return response


def _caller_id() -> int:
    """Keys are scoped per user; the token is checked here because this runs before the view."""
    verify_jwt_in_request(optional=True)
    g.verified_jwt = get_jwt()  # empty without a token: auth_required then answers 401
    identity = get_jwt_identity()
    return int(identity) if identity is not None else 0


_RECORDS = IdempotencyRecord.__table__
# built once (see ``api.db``'s note on hot statements)
_FIND_RECORD = select(
    _RECORDS.c.request_hash,
    _RECORDS.c.response_status,
    _RECORDS.c.response_body,
    _RECORDS.c.response_etag,
).where(_RECORDS.c.user_id == bindparam("user_id"), _RECORDS.c.key == bindparam("key"))
_STORE_RECORD = insert(_RECORDS)


def _find_record(user_id: int, key: str) -> Row | None:
    return get_session().execute(_FIND_RECORD, {"user_id": user_id, "key": key}).first()


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= 128 or not key.isprintable():
        raise ValidationError.on(IDEMPOTENCY_HEADER, "must be 1 to 128 printable characters")
    return key


def atomic(view: Callable | None = None, *, idempotent: bool = False) -> Callable:
    """Commit the request's session once the view has produced its response.

    Apply it outside flask-smorest's ``response`` decorator so the serialized response is
    known before the commit. With ``idempotent=True`` an ``Idempotency-Key`` header stores the
    response in the same transaction as the work: a retry replays it, the same key with another
    body is a 422, and a concurrent duplicate loses on the unique key with a 409.
    Domain errors roll back, except those marked ``keep_changes`` (e.g. counting a failed
    login attempt), which commit first.
    """
    if view is None:
        return functools.partial(atomic, idempotent=idempotent)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        session = get_session()
        key = request.headers.get(IDEMPOTENCY_HEADER) if idempotent else None
        fingerprint = None
        if key is not None:
            key = _check_key(key)
            fingerprint = _request_fingerprint()
            caller = _caller_id()
            existing = _find_record(caller, key)
            if existing is not None:
                if existing.request_hash != fingerprint:
                    raise ValidationError.on(
                        IDEMPOTENCY_HEADER,
                        "already used with a different request",
                        code="idempotency_mismatch",
                    )
                return _replay(existing)
        hold_last_steps(session)
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except DomainError as error:
            drop_last_steps(session)
            if getattr(error, "keep_changes", False):
                session.commit()
            else:
                session.rollback()
            raise
        except Exception:
            drop_last_steps(session)
            session.rollback()
            raise
        try:
            if key is not None and response.status_code < 500:
                session.execute(
                    _STORE_RECORD,
                    {
                        "user_id": caller,
                        "key": key,
                        "request_hash": fingerprint,
                        "response_status": response.status_code,
                        "response_body": response.get_json(silent=True),
                        "response_etag": response.headers.get("ETag"),
                        "created_at": utcnow(),
                    },
                )
            run_last_steps(session)  # e.g. a slot's place: locked from here to the commit
            session.commit()
        except DomainError:  # a last step's refusal, e.g. the slot filled up meanwhile
            session.rollback()
            raise
        except IntegrityError as error:
            session.rollback()
            if key is not None and "idempotency" in str(error.orig).lower():
                raise ConflictError(code="idempotency_in_progress") from error
            raise ConflictError(str(error.orig).splitlines()[0]) from error
        except OperationalError as error:
            # SQLite's "database is locked" under contention and PostgreSQL's
            # serialization failures are a conflict the client may retry.
            session.rollback()
            raise ConflictError("concurrent update; retry") from error
        finally:
            drop_last_steps(session)
        return response

    return wrapper


def _unstorable_text(value: object, path: str) -> dict[str, list[str]]:
    """Fields holding text no database column can store (NUL, unpaired surrogates)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return {path or "_schema": ["not valid Unicode text"]}
        return {path or "_schema": ["must not contain NUL characters"]} if "\x00" in value else {}
    problems: dict[str, list[str]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            problems.update(_unstorable_text(key, name) or _unstorable_text(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.update(_unstorable_text(item, f"{path}.{index}" if path else str(index)))
    return problems


def reject_unstorable_text() -> None:
    """Before every request: 422 for query or JSON text PostgreSQL cannot store (NUL,
    unpaired surrogates), whatever the schema - such text must never reach a query."""
    problems: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        problems.update(_unstorable_text(key, key) or _unstorable_text(value, key))
    if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS"):
        problems.update(_unstorable_text(request.get_json(silent=True), ""))
    if problems:
        raise ValidationError(errors=problems)


def per_user_key() -> str:
    """Rate-limit key: the signed-in user (phones behind one carrier NAT share an address)."""
    user_id = g.get("user_id")
    return f"user:{user_id}" if user_id is not None else (request.remote_addr or "")


def if_match_version() -> int | None:
    """The version a client says it is updating (``If-Match: "3"``), or None when not sent."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    tag = raw.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise PreconditionFailedError("If-Match must be an ETag this API returned")
    return int(tag)


def etag_headers(version: int) -> dict[str, str]:
    """The ``ETag`` header for a versioned resource."""
    return {"ETag": f'"{version}"'}


def with_etag(resource, status: int = 200) -> tuple:
    """A view's return value with the ``ETag`` of ``resource`` (a model or a dict view)."""
    version = resource["version"] if isinstance(resource, dict) else resource.version
    return resource, status, etag_headers(version)


def require_fields_absent(payload: dict, fields: Iterable[str]) -> None:
    """422 when a client sends a field only the system may set."""
    sent = [f for f in fields if f in payload]
    if sent:
        raise ValidationError(errors={f: ["set by the system; do not send it"] for f in sent})


def list_page(pagination, lister: Callable[..., tuple[list, int]], /, **filters):
    """One page of a list endpoint: ``lister(session, offset=, limit=, **filters)`` returns
    ``(rows, total)``; the total goes to flask-smorest's ``X-Pagination`` header."""
    rows, total = lister(
        get_session(), offset=pagination.first_item, limit=pagination.page_size, **filters
    )
    pagination.item_count = total
    return rows
