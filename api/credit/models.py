"""A collector's consent that one lender may read their credit score."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, UTCDateTime, utcnow


class CreditConsent(Base):
    """Granted by the collector; revoking it ends the lender's access at once."""

    __tablename__ = "credit_consents"

    credit_consent_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    lender_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
