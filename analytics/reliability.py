"""Test-level statistics: score distribution, reliability, SEM, pass rate, decision consistency."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.special import betaln, gammaln

from analytics.classical import alpha_pairwise
from analytics.io import AnalyticsInputError, ResponseData, prepare

#: Scores are compared on a 1e-6 grid so that float noise never moves a total across the cut.
_GRID = 1_000_000
#: Integer totals get one histogram entry per score from 0 up to this maximum; above it (a test
#: of 100 items worth 1,000 points each), only the scores observed, as for fractional totals.
MAX_HISTOGRAM_SCORES = 10_000
#: Below this many attempts, statistics are returned with a warning: they may move a lot (the
#: app's author pages and reports use the same threshold).
FEW_ATTEMPTS = 30
#: In an incomplete design, a form seen by fewer attempts gets no alpha of its own: with 2 to 6
#: copies, sampling noise alone gives form alphas from −15 to 1.
MIN_FORM_ATTEMPTS = FEW_ATTEMPTS


@dataclass(frozen=True)
class FormStats:
    """Reliability of one form (attempts that saw exactly the same items)."""

    form_id: str
    n_attempts: int
    n_items: int
    alpha: float | None
    alpha_ci: tuple[float, float] | None
    sem: float | None
    reason: str | None = None


@dataclass(frozen=True)
class DecisionConsistency:
    """Single-administration decision consistency at the cut score."""

    method: str
    p: float | None
    kappa: float | None
    n_items: int
    cut_score: int
    kr21: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ConditionalSem:
    """Conditional standard error of measurement at the cut (raw total-score units)."""

    method: str
    score: float
    value: float | None


@dataclass(frozen=True)
class TestStats:
    """Test-level statistics (see `to_dict` for the JSON layout)."""

    n_attempts: int
    n_items: int
    max_total: float
    mean: float
    median: float
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    alpha_ci: tuple[float, float] | None
    sem: float | None
    cut: float
    pass_rate: float
    csem_at_cut: ConditionalSem
    decision_consistency: DecisionConsistency
    histogram: list[dict[str, float]]
    design: str
    forms: list[FormStats] = field(default_factory=list)
    alpha_pairwise: float | None = None
    note: str | None = None
    warnings: list[str] = field(default_factory=list)

    __test__ = False  # not a pytest test class

    def to_dict(self) -> dict:
        """JSON-ready dict (NaN -> None; `forms`, `alpha_pairwise`, `note` only if incomplete)."""
        out = _clean(asdict(self))
        if self.design == "complete":
            for key in ("forms", "alpha_pairwise", "note"):
                out.pop(key)
        return out


def _clean(value: object) -> object:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _num(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def sem_from(sd: float | None, reliability: float | None) -> float | None:
    """SEM = sd·√(1 − ρ), ρ clamped to [0, 1]: a negative alpha gives SEM = sd, never more."""
    if sd is None or reliability is None or not (math.isfinite(sd) and math.isfinite(reliability)):
        return None
    return sd * math.sqrt(1 - min(max(reliability, 0.0), 1.0))


def _exact(text: str) -> Fraction:
    """A decimal or a ratio written as text, exactly ('0,6', '3/5'); a number with an exponent
    goes through float: Fraction('1e999999999') would build 10**999999999 (minutes, gigabytes)."""
    text = text.strip().replace(",", ".")
    if "e" in text.lower() and "/" not in text:
        return Fraction(repr(float(text)))
    return Fraction(text)


def parse_cut(cut: float | str | Fraction) -> Fraction:
    """Cut as an exact fraction of the maximum: 0.6, '0.6', '3/5' or '60%'."""
    try:
        if isinstance(cut, Fraction):
            value = cut
        elif isinstance(cut, str) and cut.strip().endswith("%"):
            value = _exact(cut.strip()[:-1]) / 100
        elif isinstance(cut, str):
            value = _exact(cut)
        else:
            value = Fraction(repr(float(cut)))
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise AnalyticsInputError(f"seuil illisible : « {cut} »") from exc
    if not 0 <= value <= 1:
        raise AnalyticsInputError(f"seuil {cut} hors de [0, 1]")
    return value.limit_denominator(_GRID)


def pass_mask(totals: np.ndarray, max_totals: np.ndarray, cut: Fraction) -> np.ndarray:
    """total / max ≥ cut, compared exactly (integers on a 1e-6 grid, no float division)."""
    t = np.rint(np.asarray(totals, dtype=np.float64) * _GRID)
    m = np.rint(np.asarray(max_totals, dtype=np.float64) * _GRID)
    largest = max(float(np.abs(t).max(initial=0)), float(np.abs(m).max(initial=0)))
    if largest * max(cut.numerator, cut.denominator, 1) < 2**62:
        return t.astype(np.int64) * cut.denominator >= cut.numerator * m.astype(np.int64)
    # int64 would wrap (a total of 10 million points at a cut of 0.333333): Python integers
    exact = np.frompyfunc(int, 1, 1)
    return np.asarray(exact(t) * cut.denominator >= cut.numerator * exact(m), dtype=bool)


def feldt_ci(
    alpha: float | np.ndarray,
    n: int | np.ndarray,
    k: int | np.ndarray,
    level: float = 0.95,
) -> tuple:
    """Feldt (1965) CI: (1 − α)/(1 − α̂) ~ F(n − 1, (n − 1)(k − 1)); arrays accepted."""
    n = np.asarray(n, dtype=np.float64)
    df1, df2 = n - 1, (n - 1) * (np.asarray(k, dtype=np.float64) - 1)
    tail = (1 - level) / 2
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    if np.ndim(lower) == 0:
        return float(lower), float(upper)
    return lower, upper


def lord_csem(x: float, k: int) -> float:
    """Lord's binomial-error CSEM at number-correct score x on k items: √(x(k − x)/(k − 1))."""
    if k < 2:
        return float("nan")
    return math.sqrt(max(x * (k - x), 0.0) / (k - 1))


def huynh_consistency(
    scores: np.ndarray, k: int, cut_score: int
) -> tuple[float, float, float, float]:
    """Beta-binomial (Huynh 1976) decision consistency: (p, kappa, kr21, p_pass_model).

    `scores` are number-correct scores on k items; pass = score ≥ cut_score. True
    proportions follow Beta(a, b) fitted by moments with KR-21 (a = μ(1/ρ − 1),
    b = (k − μ)(1/ρ − 1)); two parallel administrations are independent binomials given the
    true proportion, and p = P(same decision on both) is summed exactly over the
    bivariate beta-binomial distribution. kappa = (p − p_c)/(1 − p_c), p_c = π² + (1 − π)².
    """
    nan = float("nan")
    mu = float(np.mean(scores))
    var = float(np.var(scores, ddof=1)) if len(scores) > 1 else 0.0
    if k < 2 or var <= 0 or not 0 < mu < k:
        return nan, nan, nan, nan
    kr21 = k / (k - 1) * (1 - mu * (k - mu) / (k * var))
    if not 0 < kr21 < 1:
        return nan, nan, kr21, nan
    a = mu * (1 / kr21 - 1)
    b = (k - mu) * (1 / kr21 - 1)
    x = np.arange(k + 1)
    lchoose = gammaln(k + 1) - gammaln(x + 1) - gammaln(k - x + 1)
    s = x[:, None] + x[None, :]
    joint = np.exp(
        lchoose[:, None] + lchoose[None, :] + betaln(a + s, b + 2 * k - s) - betaln(a, b)
    )
    passed = x >= cut_score
    p = float(joint[np.ix_(passed, passed)].sum() + joint[np.ix_(~passed, ~passed)].sum())
    p_pass = float(joint[passed].sum())
    chance = p_pass**2 + (1 - p_pass) ** 2
    kappa = (p - chance) / (1 - chance) if chance < 1 else nan
    return p, kappa, kr21, p_pass


def form_reliability(data: ResponseData, min_attempts: int = 0) -> list[FormStats]:
    """Cronbach's alpha (Feldt CI, SEM) of each form, from its own attempts only.

    A form of fewer than ``min_attempts`` attempts gets no alpha (`_hide_small_form`'s reason)
    and its item variances are not computed: with random forms that is nearly every form.
    """
    forms = data.forms
    n_forms = len(forms.counts)
    n = forms.counts.astype(np.float64)
    k = forms.patterns.sum(axis=1)
    tc = data.totals - data.totals.mean()
    g = sparse.csr_matrix(
        (np.ones(data.n_attempts), (forms.index, np.arange(data.n_attempts))),
        shape=(n_forms, data.n_attempts),
    )
    st = g @ tc
    stt = g @ (tc * tc)
    with np.errstate(invalid="ignore", divide="ignore"):
        total_var = (stt - st * st / n) / (n - 1)
    reasons = np.select(
        [n < 2, k < 2, ~(total_var > 1e-12)],
        ["moins de 2 tentatives", "moins de 2 items", "variance des scores totaux nulle"],
        default="",
    )
    reasons = np.where(
        (reasons == "") & (n < min_attempts), _small_form_reason(min_attempts), reasons
    )
    ok = reasons == ""
    alphas = np.full(n_forms, np.nan)
    if ok.any():
        # the item variances of the forms kept, from their attempts only (same sums, in the
        # same order, as over every attempt)
        rows = np.flatnonzero(ok[forms.index])
        mask = data.presented[rows]
        x0 = data.filled[rows]
        means = data.filled.sum(axis=0) / np.maximum(data.presented.sum(axis=0), 1)
        xc = np.where(mask, x0 - means, 0.0) if not data.complete else x0 - means
        kept = np.flatnonzero(ok)
        g = sparse.csr_matrix(
            (np.ones(len(rows)), (np.searchsorted(kept, forms.index[rows]), np.arange(len(rows)))),
            shape=(len(kept), len(rows)),
        )
        s1 = np.asarray(g @ xc)
        s2 = np.asarray(g @ (xc * xc))
        nk = n[kept][:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            item_var = ((s2 - s1 * s1 / nk) / (nk - 1)).sum(axis=1)
            alphas[kept] = k[kept] / (k[kept] - 1) * (1 - item_var / total_var[kept])
    lo = np.full(n_forms, np.nan)
    hi = np.full(n_forms, np.nan)
    sem = np.full(n_forms, np.nan)
    if ok.any():
        lo[ok], hi[ok] = feldt_ci(alphas[ok], n[ok], k[ok])
        sem[ok] = np.sqrt(total_var[ok] * (1 - np.clip(alphas[ok], 0.0, 1.0)))
    return [
        FormStats(f"F{f + 1}", int(n_f), int(k_f), float(a), (float(l_), float(h)), float(s))
        if r == ""
        else FormStats(f"F{f + 1}", int(n_f), int(k_f), None, None, None, str(r))
        for f, (n_f, k_f, a, l_, h, s, r) in enumerate(
            zip(forms.counts, k, alphas, lo, hi, sem, reasons, strict=True)
        )
    ]


def _small_form_reason(min_attempts: int) -> str:
    return f"moins de {min_attempts} tentatives (alpha trop instable)"


def _histogram(totals: np.ndarray, max_total: float) -> list[dict[str, float]]:
    rounded = np.round(totals, 9)
    values, counts = np.unique(rounded, return_counts=True)
    if (
        np.all(rounded == np.round(rounded))
        and float(max_total).is_integer()
        and max_total <= MAX_HISTOGRAM_SCORES
    ):
        full = np.zeros(int(max_total) + 1, dtype=np.int64)
        full[values.astype(np.int64)] = counts
        return [{"score": s, "count": int(c)} for s, c in enumerate(full)]
    return [{"score": float(s), "count": int(c)} for s, c in zip(values, counts, strict=True)]


def test_stats(data: pd.DataFrame | ResponseData, cut: float | str | Fraction = 0.6) -> TestStats:
    """Test-level statistics over the attempts' total scores (sum of their item scores)."""
    data = prepare(data)
    cut_fraction = parse_cut(cut)
    totals = data.totals
    n = data.n_attempts
    sd = float(np.std(totals, ddof=1)) if n >= 2 else float("nan")
    has_spread = n >= 2 and sd > 1e-9 * max(1.0, float(np.abs(totals).max()))
    skew = float(stats.skew(totals, bias=False)) if n >= 3 and has_spread else None
    kurt = float(stats.kurtosis(totals, bias=False)) if n >= 4 and has_spread else None

    complete = data.complete
    # random forms: an alpha only for the forms big enough to show one (see _hide_small_form)
    forms = form_reliability(data, 0 if complete else MIN_FORM_ATTEMPTS)
    note = None
    pairwise = None
    if complete:
        alpha = forms[0].alpha
        alpha_ci = forms[0].alpha_ci
    else:
        # Averaging form alphas is unsound when forms are small (a random draw per candidate):
        # the headline is the pairwise alpha, which uses every attempt.
        forms = [_hide_small_form(f) for f in forms]
        pairwise = _num(alpha_pairwise(data))
        alpha = pairwise
        alpha_ci = None
        shown = sum(1 for f in forms if f.alpha is not None)
        note = (
            f"plan incomplet ({len(forms)} formes) : alpha = alpha_pairwise, alpha de la forme "
            "de chaque tentative d'après la matrice de covariances par paires, moyenné sur les "
            f"tentatives ; alpha_ci non défini ; alpha par forme donné pour les {shown} formes "
            f"d'au moins {MIN_FORM_ATTEMPTS} tentatives seulement"
        )
    sem = sem_from(_num(sd), alpha)

    k_eff = round(float(data.presented.sum(axis=1).mean()))
    mean_max = float(data.max_totals.mean())
    x_cut = float(cut_fraction * k_eff)
    csem = ConditionalSem(
        method="lord_binomial: sqrt(x(k-x)/(k-1)) at x = cut*k, scaled by max_total/k",
        score=float(cut_fraction) * mean_max,
        value=_num(lord_csem(x_cut, k_eff) * mean_max / k_eff),
    )
    cut_score = math.ceil(cut_fraction * k_eff)
    p, kappa, kr21, _ = huynh_consistency(data.proportions * k_eff, k_eff, cut_score)
    reason = None if math.isfinite(p) else "KR-21 hors de ]0, 1[ ou variance nulle"
    consistency = DecisionConsistency(
        method="huynh_1976_beta_binomial (KR-21 moments)",
        p=_num(p),
        kappa=_num(kappa),
        n_items=k_eff,
        cut_score=cut_score,
        kr21=_num(kr21),
        reason=reason,
    )
    max_total = float(data.max_totals.max())
    warnings = []
    if n < FEW_ATTEMPTS:
        warnings.append(
            f"{n} tentatives (moins de {FEW_ATTEMPTS}) : statistiques peu fiables (alpha, "
            "intervalle de Feldt, SEM, cohérence de décision), à confirmer sur plus de copies"
        )
    if alpha is not None and alpha < -1e-9:  # not float noise around an exact 0
        warnings.append("alpha négatif : SEM bornée à l'écart-type (fidélité prise égale à 0)")
    return TestStats(
        n_attempts=n,
        n_items=data.n_items,
        max_total=max_total,
        mean=float(totals.mean()),
        median=float(np.median(totals)),
        sd=_num(sd),
        skewness=skew,
        kurtosis=kurt,
        alpha=_num(alpha) if alpha is not None else None,
        alpha_ci=alpha_ci,
        sem=sem,
        cut=float(cut_fraction),
        pass_rate=float(pass_mask(totals, data.max_totals, cut_fraction).mean()),
        csem_at_cut=csem,
        decision_consistency=consistency,
        histogram=_histogram(totals, max_total),
        design="complete" if complete else "incomplete",
        forms=[] if complete else forms,
        alpha_pairwise=pairwise,
        note=note,
        warnings=warnings,
    )


def _hide_small_form(form: FormStats) -> FormStats:
    """A form of fewer than MIN_FORM_ATTEMPTS attempts keeps its sizes but shows no alpha."""
    if form.alpha is None or form.n_attempts >= MIN_FORM_ATTEMPTS:
        return form
    reason = _small_form_reason(MIN_FORM_ATTEMPTS)
    return FormStats(form.form_id, form.n_attempts, form.n_items, None, None, None, reason)


test_stats.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
