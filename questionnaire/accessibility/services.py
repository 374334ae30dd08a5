"""Reading and saving a user's display preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from questionnaire.accessibility.models import UserPreference
from questionnaire.extensions import db


@dataclass(frozen=True)
class DisplayChoices:
    """What the preferences form asks for."""

    large_text: bool = False
    high_contrast: bool = False
    reduced_motion: bool = False
    hide_countdown: bool = False


def preferences_for(user_id: int) -> UserPreference | None:
    """The user's saved preferences, or None for the default display."""
    return db.session.get(UserPreference, user_id)


def save_preferences(user_id: int, choices: DisplayChoices, now: datetime) -> UserPreference:
    """Create or replace the user's preferences."""
    preference = preferences_for(user_id)
    if preference is None:
        preference = UserPreference(user_id=user_id)
        db.session.add(preference)
    preference.large_text = choices.large_text
    preference.high_contrast = choices.high_contrast
    preference.reduced_motion = choices.reduced_motion
    preference.hide_countdown = choices.hide_countdown
    preference.updated_at = now
    return preference
