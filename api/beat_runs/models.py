"""One row per beat entry: when the leading beat last sent it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UTCDateTime


class BeatRun(Base):
    """``entry_name`` (a key of the beat schedule) was last sent at ``last_run_at`` by
    ``sent_by`` (a beat's lease holder name); the sender's clock, as its schedule keeps it."""

    __tablename__ = "beat_runs"

    entry_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[str] = mapped_column(String(128))
