"""Daily view and download counts, the input of the popularity ranking."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from catalog.db import Base


class DatasetDailyCount(Base):
    """How often a dataset's page was viewed and its files downloaded on one day.

    Only totals are kept: no address, user, cookie or time of day, so the counts hold no
    personal data.
    """

    __tablename__ = "dataset_daily_counts"

    dataset_id: Mapped[str] = mapped_column(
        sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True, index=True)
    views: Mapped[int] = mapped_column(default=0)
    downloads: Mapped[int] = mapped_column(default=0)
