"""Translation layer: French source strings, ready for catalogues of other languages."""

from __future__ import annotations

import gettext as _gettext

_NULL = _gettext.NullTranslations()


def gettext(message: str, **variables: object) -> str:
    """Translate ``message`` and interpolate ``%(name)s`` variables."""
    text = _NULL.gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """Translate with plural forms; ``num`` is available to the format string."""
    text = _NULL.ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


_ = gettext


def init_app(app) -> None:
    """Expose the catalogue to Jinja's i18n extension.

    Its "new style" calls interpolate the variables themselves (``num`` included) after the
    lookup: it is given the bare lookups, which must not interpolate first (a plural with a
    variable besides ``num`` would find it missing).
    """
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(_NULL.gettext, _NULL.ngettext, newstyle=True)
