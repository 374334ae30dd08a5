"""How an Angoff panel's judges are named to whoever reads its summary.

In the discussion round of a modified Angoff, a judge sees the other judges' estimates without
their names; the facilitator and the readers who do not judge the panel see the names.
"""

from __future__ import annotations

from collections import Counter

from questionnaire.auth.models import User
from questionnaire.reports.models import AngoffPanel


def judge_labels(panel: AngoffPanel) -> dict[int, str]:
    """Each judge's name (followed by the account number when two judges share a name),
    in the order of the names."""
    names = {rating.judge_id: rating.judge.display_name for rating in panel.ratings}
    shared = {name for name, count in Counter(names.values()).items() if count > 1}
    labels = {
        judge: f"{name} (compte n° {judge})" if name in shared else name
        for judge, name in names.items()
    }
    return dict(sorted(labels.items(), key=lambda pair: (pair[1], pair[0])))


def is_judge(user: User, panel: AngoffPanel) -> bool:
    """Whether the user has saved estimates on the panel (a judge, not only a reader)."""
    return any(rating.judge_id == user.id for rating in panel.ratings)


def can_see_judge_names(user: User, panel: AngoffPanel) -> bool:
    """Whether the user reads the other judges' estimates under their names.

    In the discussion round of a modified Angoff, a judge sees the others' estimates without
    their names, so that nobody aligns on a senior colleague; the facilitator (an
    administrator) and the report readers who do not judge the panel keep the names.
    """
    return not is_judge(user, panel)


def anonymous_judge_labels(panel: AngoffPanel, viewer: User) -> dict[int, str]:
    """« Juge 1 », « Juge 2 »… in the order the accounts were created (the same numbers for
    every judge of the panel, whatever their names), the viewer's own marked « (vous) »."""
    judges = sorted({rating.judge_id for rating in panel.ratings})
    return {
        judge: f"Juge {number}" + (" (vous)" if judge == viewer.id else "")
        for number, judge in enumerate(judges, start=1)
    }


def labels_for(panel: AngoffPanel, viewer: User) -> dict[int, str]:
    """How the panel's judges are named for this viewer, in the order they are listed."""
    if can_see_judge_names(viewer, panel):
        return judge_labels(panel)
    return anonymous_judge_labels(panel, viewer)
