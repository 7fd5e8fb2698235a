"""Materials and grades."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin

UNITS = ("kg", "piece")


class Material(TimestampMixin, Base):
    """A recyclable material; ``min_quantity`` is in grams (kg materials) or pieces."""

    __tablename__ = "materials"

    material_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(8))
    min_quantity: Mapped[int] = mapped_column(BigInteger, default=0)
    required_skill: Mapped[str | None] = mapped_column(String(32))
    grades: Mapped[list] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # counts edits: the ETag of PATCH /api/materials/{code}
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
