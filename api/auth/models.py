"""Users, login codes and refresh-token families."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime, utcnow

ROLES = ("resident", "collector", "station", "plant", "lender", "admin", "regulator", "analyst")
STAFF_ROLES = tuple(r for r in ROLES if r not in ("resident", "collector"))


class User(TimestampMixin, Base):
    """Anyone who signs in; the role decides what they may do."""

    __tablename__ = "users"

    user_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    display_name: Mapped[str | None] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")
    organisation_id: Mapped[int | None] = mapped_column(BigId)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # the profile's ETag: a resident editing on two phones cannot overwrite a newer edit
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class LoginCode(Base):
    """A one-time code sent by SMS; only its keyed hash is stored."""

    __tablename__ = "login_codes"

    login_code_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TokenFamily(Base):
    """One signed-in session: all refresh tokens rotated from one login share it."""

    __tablename__ = "token_families"

    token_family_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # indexed: every API process asks for the families revoked in the last minute or so
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RefreshToken(Base):
    """A refresh token (hashed); using it once rotates it, using it twice revokes the family."""

    __tablename__ = "refresh_tokens"

    refresh_token_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_family_id: Mapped[str] = mapped_column(
        ForeignKey("token_families.token_family_id"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
