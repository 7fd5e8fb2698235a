"""Login by SMS code, token issue and rotation, revocation, staff accounts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask_jwt_extended import create_access_token
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import ROLES, LoginCode, RefreshToken, TokenFamily, User
from api.auth.phones import normalise_phone
from api.db import utcnow
from api.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
)


class InvalidCodeError(ValidationError):
    """A wrong or expired code; the failed attempt is kept (committed) all the same."""

    keep_changes = True


class TooManyAttemptsError(RateLimitedError):
    keep_changes = True


class TokenReuseError(AuthenticationError):
    """A rotated refresh token came back: its family is revoked and that is committed."""

    keep_changes = True


@dataclass(frozen=True)
class LoginPolicy:
    """Limits on login codes (from configuration)."""

    secret: str
    code_ttl: timedelta
    max_attempts: int
    resend_interval: timedelta
    codes_per_phone_per_hour: int
    access_ttl: timedelta
    refresh_ttl: timedelta


def policy_from_config(config: dict) -> LoginPolicy:
    """The login policy from the app configuration."""
    return LoginPolicy(
        secret=config["SECRET_KEY"],
        code_ttl=timedelta(seconds=config["LOGIN_CODE_TTL_SECONDS"]),
        max_attempts=config["LOGIN_CODE_MAX_ATTEMPTS"],
        resend_interval=timedelta(seconds=config["LOGIN_CODE_RESEND_SECONDS"]),
        codes_per_phone_per_hour=config["LOGIN_CODES_PER_PHONE_PER_HOUR"],
        access_ttl=timedelta(minutes=config["ACCESS_TOKEN_MINUTES"]),
        refresh_ttl=timedelta(days=config["REFRESH_TOKEN_DAYS"]),
    )


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def _hash(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), ":".join(parts).encode(), hashlib.sha256).hexdigest()


def parse_phone(raw: str) -> str:
    """The E.164 phone or a 422 naming the ``phone`` field."""
    phone = normalise_phone(raw)
    if phone is None:
        raise ValidationError.on("phone", "not a valid mobile number in E.164 form (+86...)")
    return phone


def request_code(
    session: Session, *, phone: str, client_ip: str, policy: LoginPolicy
) -> tuple[LoginCode, str]:
    """Create a login code for ``phone``; returns the stored row and the plain code to send.

    Throttled per phone: one code per ``resend_interval`` and a few per hour.
    """
    phone = parse_phone(phone)
    now = utcnow()
    last = session.scalar(select(func.max(LoginCode.created_at)).where(LoginCode.phone == phone))
    if last is not None and now - last < policy.resend_interval:
        wait = int((policy.resend_interval - (now - last)).total_seconds()) + 1
        raise RateLimitedError(code="resend_too_soon", headers={"Retry-After": str(wait)})
    recent = session.scalar(
        select(func.count())
        .select_from(LoginCode)
        .where(LoginCode.phone == phone, LoginCode.created_at > now - timedelta(hours=1))
    )
    if recent >= policy.codes_per_phone_per_hour:
        raise RateLimitedError(code="resend_too_soon", headers={"Retry-After": "3600"})
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = LoginCode(
        phone=phone,
        code_hash=_hash(policy.secret, phone, code),
        client_key=_hash(policy.secret, "ip", client_ip),
        created_at=now,
        expires_at=now + policy.code_ttl,
    )
    session.add(row)
    return row, code


def _latest_code(session: Session, phone: str) -> LoginCode | None:
    stmt = (
        select(LoginCode)
        .where(LoginCode.phone == phone, LoginCode.consumed_at.is_(None))
        .order_by(LoginCode.login_code_id.desc())
        .limit(1)
        .with_for_update()
    )
    return session.scalar(stmt)


def verify_code(session: Session, *, phone: str, code: str, policy: LoginPolicy) -> str:
    """Check ``code`` against the latest unused code for ``phone``; returns the phone."""
    phone = parse_phone(phone)
    row = _latest_code(session, phone)
    now = utcnow()
    if row is None or row.expires_at <= now:
        raise InvalidCodeError.on("code", "wrong or expired code", code="invalid_code")
    if row.attempts >= policy.max_attempts:
        raise TooManyAttemptsError(code="too_many_attempts")
    if not hmac.compare_digest(row.code_hash, _hash(policy.secret, phone, code)):
        row.attempts += 1
        if row.attempts >= policy.max_attempts:
            row.consumed_at = now
            raise TooManyAttemptsError(code="too_many_attempts")
        raise InvalidCodeError.on("code", "wrong or expired code", code="invalid_code")
    row.consumed_at = now
    return phone


def get_or_create_resident(session: Session, *, phone: str) -> User:
    """The user with ``phone``; an unknown phone signs up as a resident."""
    user = session.scalar(select(User).where(User.phone == phone))
    if user is None:
        user = User(phone=phone, role="resident")
        session.add(user)
        session.flush()
    if not user.is_active:
        raise AuthenticationError("this account is disabled")
    return user


def _issue(session: Session, *, user: User, family_id: str, policy: LoginPolicy) -> TokenPair:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        RefreshToken(
            token_family_id=family_id,
            token_hash=hashlib.sha256(raw.encode()).hexdigest(),
            issued_at=now,
            expires_at=now + policy.refresh_ttl,
        )
    )
    access = create_access_token(
        identity=str(user.user_id),
        additional_claims={"role": user.role, "fam": family_id},
        expires_delta=policy.access_ttl,
    )
    return TokenPair(access, raw, int(policy.access_ttl.total_seconds()), user)


def login_with_code(session: Session, *, phone: str, code: str, policy: LoginPolicy) -> TokenPair:
    """Exchange a valid code for an access token and a new refresh-token family."""
    phone = verify_code(session, phone=phone, code=code, policy=policy)
    user = get_or_create_resident(session, phone=phone)
    family = TokenFamily(token_family_id=str(uuid.uuid4()), user_id=user.user_id)
    session.add(family)
    session.flush()
    return _issue(session, user=user, family_id=family.token_family_id, policy=policy)


def rotate_refresh_token(session: Session, *, refresh_token: str, policy: LoginPolicy) -> TokenPair:
    """Use a refresh token once: it is spent and a new one of the same family issued.

    Presenting a spent token means it leaked: the whole family is revoked.
    """
    token_hash = hashlib.sha256(refresh_token.encode()).hexdigest()
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    )
    if row is None:
        raise AuthenticationError(code="invalid_token")
    family = session.get(TokenFamily, row.token_family_id)
    now = utcnow()
    if family.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationError(code="invalid_token")
    if row.used_at is not None:
        family.revoked_at = now
        family.revoked_reason = "refresh_token_reuse"
        raise TokenReuseError(code="token_reused")
    row.used_at = now
    user = session.get(User, family.user_id)
    if not user.is_active:
        raise AuthenticationError(code="invalid_token")
    return _issue(session, user=user, family_id=family.token_family_id, policy=policy)


def revoke_family(session: Session, *, family_id: str, reason: str = "logout") -> None:
    """Sign a session out: every token of the family stops working."""
    family = session.get(TokenFamily, family_id)
    if family is not None and family.revoked_at is None:
        family.revoked_at = utcnow()
        family.revoked_reason = reason


def create_staff_user(
    session: Session, *, phone: str, role: str, display_name: str | None = None
) -> User:
    """Create a staff (or collector) account; residents sign up themselves."""
    if role not in ROLES or role == "resident":
        raise ValidationError.on("role", f"one of {', '.join(r for r in ROLES if r != 'resident')}")
    phone = parse_phone(phone)
    if session.scalar(select(User).where(User.phone == phone)) is not None:
        raise ConflictError("a user with this phone already exists")
    user = User(phone=phone, role=role, display_name=display_name)
    session.add(user)
    session.flush()
    return user


def get_user_or_raise(session: Session, *, user_id: int) -> User:
    """The user, or 404."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    return user
