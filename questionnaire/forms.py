"""The base form of the French interface."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.meta import DefaultMeta


class FrenchForm(FlaskForm):
    """WTForms' own messages (« Choix non valide »…) in French, from its shipped catalogue."""

    class Meta:
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)
