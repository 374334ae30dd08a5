"""Item response theory: Rasch and 2PL calibration by marginal maximum likelihood.

Pure numpy / pandas / scipy.  See ``docs/analytics-irt.md``.

>>> result = calibrate(table, model="2pl")      # doctest: +SKIP
>>> result.items                                # item_id, a, b, se_a, se_b
>>> person_abilities(table, result)             # attempt_id, theta, se (EAP)
"""

from ._api import MODELS, IrtResult, calibrate, person_abilities
from ._data import dichotomise

__all__ = ["MODELS", "IrtResult", "calibrate", "dichotomise", "person_abilities"]
