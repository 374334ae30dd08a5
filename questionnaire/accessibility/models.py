"""Display preferences a user keeps from one visit to the next."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from questionnaire.extensions import db

BODY_CLASSES = {
    "large_text": "pref-large-text",
    "high_contrast": "pref-high-contrast",
    "reduced_motion": "pref-reduced-motion",
    "hide_countdown": "pref-hide-countdown",
}


class UserPreference(db.Model):
    """One user's display preferences; absent means the default display."""

    __tablename__ = "user_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    large_text: Mapped[bool] = mapped_column(default=False)
    high_contrast: Mapped[bool] = mapped_column(default=False)
    reduced_motion: Mapped[bool] = mapped_column(default=False)
    hide_countdown: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]

    @property
    def body_classes(self) -> list[str]:
        """The classes ``base.html`` puts on ``<body>`` (the CSS does the rest)."""
        return [css for name, css in BODY_CLASSES.items() if getattr(self, name)]
