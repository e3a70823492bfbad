"""Groups (categories, 分野)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base, new_id, utcnow


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    image_url: Mapped[str] = mapped_column(sa.String(1000), default="")
    extras: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(20), default="active")
    created: Mapped[datetime] = mapped_column(default=utcnow)
