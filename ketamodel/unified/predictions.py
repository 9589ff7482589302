r"""The seed paper's predictions, made testable in the virtual cohort, each with what it rests on.

Each function runs the cohort and returns a :class:`Prediction`: the
statistic a trial could measure, a Monte-Carlo 95 % interval of the model's
effect (the arms are the same people with the same noise, so it says how
precisely the cohort pins the effect, not what a trial would find), whether
the model's effect is on the predicted side, the people per arm a parallel
trial would need to see it, whether it reaches a smallest effect that would
matter, and the assumption it rests on. Every function takes the arguments
that change that assumption, and :data:`FAILING` names the change under
which the prediction should fail, so that a reader can see it fail.

1. :func:`ego_and_improvement` — ego dissolution goes with larger and longer
   improvement (:cite:p:`marguilho2023unified`; its primary source was not
   identified). Measured, as a trial would, as the partial rank correlation
   of the peak ego-dissolution score with the fall in MADRS ratings at
   day 28, given the person's exposure (occupancy over time), so that a
   common cause (more drug, more of everything) does not count; the same
   correlation with the expected revision of the self-belief, the
   mechanism, is reported beside it.
2. :func:`dissociation_and_dose` — dissociation rises with dose.
3. :func:`therapy_in_window` — psychotherapy inside the plasticity window
   adds more than the same sessions after it, judged at the same time after
   the first session (a difference in differences).
4. :func:`relapse_after_course` — response lasts longer after a course than
   after a single infusion, counted from the last infusion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from .. import pharmacology as ph
from .. import selfmodel as sm
from ..params import check_array, check_integer, check_scalar, params_or_default
from .cohort import Arm, CohortCourse, acute_state, simulate_cohort
from .params import OutcomeParams
from .patients import patient_table
from .trials import ARMS


@dataclass(frozen=True)
class Prediction:
    """One prediction in one cohort.

    Attributes
    ----------
    name, claim, assumption : str
    statistic : str
        What ``value`` measures.
    value : float
    ci : (float, float)
        A Monte-Carlo 95 % interval of the model's effect: the arms are the
        same people with the same noise, so it says how precisely the cohort
        pins the model's effect, not what a trial of that size would find
        (that is ``n_per_arm``).
    holds : bool
        The model's effect is on the predicted side of ``null`` (the interval excludes it).
    null : float
    smallest_effect : float
        The smallest effect that would matter (assumed, stated in the chapter).
    n_per_arm : float
        People per arm a parallel trial would need to see the effect (80 % power, two-sided
        5 %); ``inf`` when the effect is not on the predicted side.
    detail : Mapping
        Further numbers (per dose, per arm, the other visit); read-only.
    """

    name: str
    claim: str
    assumption: str
    statistic: str
    value: float
    ci: tuple[float, float]
    holds: bool
    null: float
    detail: Mapping[str, object]
    smallest_effect: float = 0.0
    n_per_arm: float = float("inf")

    @property
    def meaningful(self) -> bool:
        """The model's effect holds and is at least :attr:`smallest_effect`."""
        return bool(self.holds and self.value >= self.smallest_effect)


#: The smallest effects that would matter, assumed (a correlation of 0.1, 1 CADSS point between
#: neighbouring doses, 2 MADRS points, 3 days of response).
SMALLEST_EFFECTS = {"ego dissolution and improvement": 0.1, "dissociation and dose": 1.0,
                    "psychotherapy in the window": 2.0, "relapse after a course": 3.0}

_Z = 1.959964 + 0.841621


def _ranks(x: np.ndarray) -> np.ndarray:
    return stats.rankdata(x)


def partial_spearman(x: ArrayLike, y: ArrayLike, z: ArrayLike) -> tuple[float, tuple]:
    r"""Spearman correlation of x and y given z, with a Fisher-z 95 % interval.

    The interval's standard error on the z scale is Bonett and Wright's for a
    Spearman correlation, :math:`\sqrt{(1 + \rho^2/2)/(n - 4)}` (one more
    degree of freedom lost for the variable held fixed).

    The three must be 1-D, finite and of one length, at least 5. NaN (and a
    NaN interval) when x, y or z is constant, or when z ranks x or y exactly:
    there is no correlation to speak of.
    """
    xs, ys, zs = (check_array(name, v, low=-np.inf, high=np.inf, ndim=1)
                  for name, v in (("x", x), ("y", y), ("z", z)))
    if not xs.size == ys.size == zs.size:
        raise ValueError(f"x, y and z must have one length, got {xs.size}, {ys.size}, {zs.size}")
    if xs.size < 5:
        raise ValueError(f"x must hold at least 5 values, got {xs.size}")
    if min(np.ptp(v) for v in (xs, ys, zs)) < 1e-12:
        return float("nan"), (float("nan"), float("nan"))
    rx, ry, rz = (_ranks(v) for v in (xs, ys, zs))
    r = np.corrcoef(np.vstack([rx, ry, rz]))
    rxy, rxz, ryz = r[0, 1], r[0, 2], r[1, 2]
    if max(abs(rxz), abs(ryz)) > 1.0 - 1e-9:
        return float("nan"), (float("nan"), float("nan"))
    denom = np.sqrt(max((1 - rxz ** 2) * (1 - ryz ** 2), 1e-300))
    rho = float(np.clip((rxy - rxz * ryz) / denom, -0.999999, 0.999999))
    # Bonett and Wright's standard error for a Spearman correlation, one variable held fixed
    half = 1.959964 * np.sqrt((1.0 + rho * rho / 2.0) / (xs.size - 4))
    zr = np.arctanh(rho)
    return rho, (float(np.tanh(zr - half)), float(np.tanh(zr + half)))


def n_for_correlation(rho: float, power: float = 0.8) -> float:
    r"""People a trial needs to detect a (partial) correlation ``rho`` > 0 at two-sided 5 %.

    Fisher's z: :math:`n = ((z_{0.975} + z_{power}) / \operatorname{atanh}\rho)^2 + 4`
    (one more than for a plain correlation, for the one variable held fixed);
    ``inf`` when ``rho`` ≤ 0 or NaN.
    """
    if isinstance(rho, bool) or not isinstance(rho, (int, float, np.floating, np.integer)):
        raise ValueError(f"rho must be a number, got {rho!r}")
    r = float(rho)
    pw = check_scalar("power", power, low=0.05, high=0.999)
    if not np.isfinite(r) or r <= 0:
        return float("inf")
    return float(((1.959964 + stats.norm.ppf(pw)) / np.arctanh(min(r, 0.999999))) ** 2 + 4)


def _fall(c: CohortCourse, visit_h: float) -> np.ndarray:
    return (c.baseline - c.at(visit_h)) / c.baseline


#: The sessions of the predictions' therapy arms (Chapter 5's default, from 12 h).
THERAPY = sm.Therapy()


def ego_and_improvement(n: int = 500, seed: int = 0, *, therapy: sm.Therapy | None = THERAPY,
                        self_share: float | None = None, relax: str = "both",
                        outcome: OutcomeParams | None = None, **kwargs: object) -> Prediction:
    """Ego dissolution with larger and longer improvement, given exposure, as a trial would see it.

    The statistic is what a trial could measure: the partial Spearman
    correlation of the peak ego-dissolution score with the fall in MADRS
    ratings at day 28, given the person's exposure (the area under their
    occupancy), so that a common cause (more drug, more of everything) does
    not count. The prediction holds when its 95 % interval lies above 0. The
    same correlation with the expected revision of the self-belief itself
    (the mechanism, which no trial sees) at day 7 and day 28, the spread of
    MADRS that the belief carries, and the people a trial would need
    (:func:`n_for_correlation`) are in ``detail``.

    ``therapy=None`` (the drug alone), ``self_share=0`` (the narrative
    self-belief carries none of the severity) or ``relax="SN"`` remove parts
    of the mechanism; ``outcome`` (default :class:`~ketamodel.unified.params.OutcomeParams`)
    is the outcome layer, its ``self_share`` replaced by ``self_share`` when given.
    """
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    base = ARMS["ketamine"]
    arm = Arm("ketamine" if therapy is None else "ketamine + therapy", "ketamine", base.doses,
              therapy)
    outcome = params_or_default("outcome", outcome, OutcomeParams)
    if self_share is not None:
        outcome = replace(outcome, self_share=check_scalar("self_share", self_share,
                                                           low=0.0, high=1.0))
    c = simulate_cohort(table, arm, seed=seed, relax=relax, outcome=outcome,
                        **kwargs)  # type: ignore[arg-type]
    quiet = simulate_cohort(table, arm, seed=seed, relax=relax, outcome=outcome, noise=False,
                            **kwargs)  # type: ignore[arg-type]
    week, month = (partial_spearman(quiet.ego_peak, quiet.belief_revision[:, int(v) - 1],
                                    quiet.occupancy_auc) for v in (168.0, 672.0))
    rho, ci = partial_spearman(c.ego_peak, _fall(c, 672.0), c.occupancy_auc)
    spread = float(c.outcome.self_share * np.std(c.belief_revision[:, 671]
                                                 * c.table.baseline_madrs))
    return Prediction(
        name="ego dissolution and improvement",
        claim="people with more ego dissolution improve more and for longer",
        assumption="the narrative self-belief carries part of the severity (self_share 0.4), "
        "its prior relaxes with the DMN, and therapy brings better evidence while it is "
        "relaxed; a person's responsiveness is independent of their networks' sensitivity",
        statistic="partial Spearman rho of peak ego dissolution with the fall in MADRS "
        "ratings at day 28, given exposure", value=rho, ci=ci,
        holds=bool(ci[0] > 0), null=0.0,
        smallest_effect=SMALLEST_EFFECTS["ego dissolution and improvement"],
        n_per_arm=n_for_correlation(rho),
        detail=MappingProxyType({
            "belief rho day 7": week[0], "belief ci day 7": week[1],
            "belief rho day 28": month[0], "belief ci day 28": month[1],
            "madrs sd from the belief": spread, "n needed": n_for_correlation(rho),
            "arm": arm.name}))


def dissociation_and_dose(doses_mg_per_kg: Sequence[float] = (0.1, 0.2, 0.3, 0.433, 0.75),
                          n: int = 200, seed: int = 0, *,
                          selfmodel_params: sm.SelfModelParams | None = None,
                          **kwargs: object) -> Prediction:
    """Mean peak CADSS-range score at each dose (40-min infusions); holds if it rises throughout.

    ``selfmodel_params`` with ``sn_sensitivity=0`` cuts the minimal self's
    prior from the SN.
    """
    doses = check_array("doses_mg_per_kg", doses_mg_per_kg, low=0.0, high=5.0, ndim=1)
    if doses.size < 2 or np.any(np.diff(doses) <= 0):
        raise ValueError("doses_mg_per_kg must hold at least two increasing doses")
    table = patient_table(check_integer("n", n, low=2, high=100_000), seed)
    means, halves, sds = [], [], []
    for d in doses:
        c = acute_state(table, ph.Dose(float(d), "iv", duration_min=40.0),
                        selfmodel_params=selfmodel_params, **kwargs)  # type: ignore[arg-type]
        means.append(float(c.cadss_peak.mean()))
        sds.append(float(c.cadss_peak.std(ddof=1)))
        halves.append(float(1.959964 * sds[-1] / np.sqrt(len(table))))
    steps = np.diff(means)
    smallest = int(np.argmin(steps))
    se = np.hypot(halves[smallest], halves[smallest + 1]) / 1.959964
    low_step = float(steps[smallest] - 1.959964 * se)
    return Prediction(
        name="dissociation and dose", claim="dissociation rises with dose",
        assumption="the minimal self's prior precision follows the SN's integrity "
        "(sn_sensitivity 6), and SN disintegration rises with occupancy (Chapter 4)",
        statistic="smallest rise of the mean peak CADSS-range score between neighbouring "
        "doses (points)", value=float(steps[smallest]),
        ci=(low_step, float(steps[smallest] + 1.959964 * se)),
        holds=bool(np.all(steps > 0) and low_step > 0), null=0.0,
        smallest_effect=SMALLEST_EFFECTS["dissociation and dose"],
        n_per_arm=_two_arm_n(float(steps[smallest]), sds[smallest], sds[smallest + 1]),
        detail=MappingProxyType({"doses_mg_per_kg": tuple(map(float, doses)),
                                 "mean cadss": tuple(means)}))


def _two_arm_n(effect: float, sd_a: float, sd_b: float) -> float:
    """People per arm for a two-arm comparison of means (80 % power, two-sided 5 %)."""
    if not effect > 0:
        return float("inf")
    return float(_Z ** 2 * (sd_a ** 2 + sd_b ** 2) / effect ** 2)


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, tuple[float, float]]:
    d = a - b
    half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return float(d.mean()), (float(d.mean()) - half, float(d.mean()) + half)


def therapy_in_window(n: int = 500, seed: int = 0, *, outside_h: float = 336.0,
                      after_h: float = 672.0,
                      selfmodel_params: sm.SelfModelParams | None = None,
                      relax: str = "both", **kwargs: object) -> Prediction:
    """What psychotherapy adds inside the window minus what it adds outside, at one time after it.

    Three arms of the same people after one infusion: no therapy, sessions
    from 12 h (inside the plasticity window) and the same sessions from
    ``outside_h``. Each therapy arm's gain is its fall in MADRS ratings minus
    the no-therapy arm's fall, both at ``after_h`` after the arm's first
    session, so that the two gains are judged at the same time since therapy
    began and neither is flattered by being more recent (a
    difference-in-differences, paired over people). The prediction holds
    when the 95 % interval of the difference lies above 0; ``detail`` holds
    each gain and the people per arm a three-arm trial (sessions inside,
    sessions outside, none, the last rated at both times) would need to see
    the difference at 80 % power, two-sided 5 %. ``plasticity_gain=0`` with ``relax="none"``
    removes both ways the drug helps therapy.
    """
    table = patient_table(check_integer("n", n, low=2, high=100_000), seed)
    start = check_scalar("outside_h", outside_h, low=13.0, high=1000.0)
    after = check_scalar("after_h", after_h, low=24.0, high=1000.0)
    if round(start) != start or round(after) != after:
        raise ValueError("outside_h and after_h must be whole hours")
    t_in, t_out = 12.0 + after, start + after
    visits = (0.0, t_in, t_out)
    end = max(t_out, float(sm.EIGHT_WEEKS_H))
    runs = {}
    for label, therapy in (("none", None), ("inside", sm.Therapy(start_h=12.0)),
                           ("outside", sm.Therapy(start_h=start))):
        arm = Arm(f"therapy {label}", "ketamine", ARMS["ketamine"].doses, therapy)
        runs[label] = simulate_cohort(table, arm, seed=seed, selfmodel_params=selfmodel_params,
                                      relax=relax, visits_h=visits, t_end_h=end,
                                      **kwargs)  # type: ignore[arg-type]
    fall = {k: c.baseline[:, None] - c.madrs for k, c in runs.items()}
    gain_in = fall["inside"][:, 1] - fall["none"][:, 1]
    gain_out = fall["outside"][:, 2] - fall["none"][:, 2]
    value, ci = _paired(gain_in, gain_out)
    # a three-arm trial (inside, outside, none rated at both visits), n each
    var = (fall["inside"][:, 1].var(ddof=1) + fall["outside"][:, 2].var(ddof=1)
           + (fall["none"][:, 1] - fall["none"][:, 2]).var(ddof=1))
    need = float("inf") if value <= 0 else float(_Z ** 2 * var / value ** 2)
    return Prediction(
        name="psychotherapy in the window", claim="psychotherapy inside the plasticity window "
        "adds more benefit than the same sessions after it",
        assumption="plasticity speeds the consolidation of a revised belief "
        "(plasticity_gain 1) and relaxed priors raise the learning rate during sessions",
        statistic=f"gain from therapy {after / 24:g} days after its start, sessions from "
        f"12 h minus from {start / 24:g} days (MADRS points, difference in differences)",
        value=value, ci=ci, holds=bool(ci[0] > 0), null=0.0,
        smallest_effect=SMALLEST_EFFECTS["psychotherapy in the window"], n_per_arm=need,
        detail=MappingProxyType({"gain inside": float(gain_in.mean()),
                                 "gain outside": float(gain_out.mean()),
                                 "n per arm needed": need}))


def relapse_after_course(n: int = 500, seed: int = 0, *, ablate_spine_formation: bool = False,
                         follow_h: float = 1008.0, **kwargs: object) -> Prediction:
    """How long response is kept after a course of infusions minus after one (restricted mean).

    For each arm, the visits are 24 h after the end of the last infusion
    (rounded up to the hour), 3 days, and then weekly to ``follow_h``
    after it; among those responding at the first of them, the restricted
    mean time the response is kept
    (:meth:`~ketamodel.unified.cohort.CohortCourse.response_kept`; judged at
    weekly visits, a loss between visits counts as kept until the next, so it
    is an upper bound). The interval resamples people once for both arms
    (1000 bootstrap resamples), since the two arms are the same people.
    Responders differ between the arms, so the contrast is not randomised;
    ``detail`` also holds an intention-to-treat estimand, the mean days in
    response over the follow-up among everyone. ``ablate_spine_formation=True``
    removes the lasting arm.
    """
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    follow = check_scalar("follow_h", follow_h, low=168.0, high=2000.0)
    rel = np.array([24.0, 72.0, *np.arange(168.0, follow + 0.5, 168.0)])
    kept, itt, rate, person_days = {}, {}, {}, {}
    for name in ("ketamine", "ketamine course"):
        a = ARMS[name]
        last = float(np.ceil(a.last_h - 1e-9))
        visits = (0.0, *(last + rel))
        end = float(np.ceil(visits[-1]))
        c = simulate_cohort(table, a, seed=seed, ablate_spine_formation=ablate_spine_formation,
                            visits_h=visits, t_end_h=end, **kwargs)  # type: ignore[arg-type]
        k = c.response_kept(last + 24.0)
        kept[name] = k
        dt = np.diff(k.t_h)
        person_days[name] = (k.kept[:, :-1] * dt).sum(axis=1) / 24.0
        ok = c.madrs[:, 1:] <= (1.0 - c.scales.response_fall) * c.baseline[:, None]
        itt[name] = float(((ok[:, :-1] * dt).sum(axis=1) / 24.0).mean())
        rate[name] = float(k.responders.mean())
    if min(k.n_responders for k in kept.values()) < 5:
        raise ValueError("fewer than 5 responders in an arm: relapse cannot be compared")
    rng = np.random.default_rng((seed, 4))
    boots = []
    for _ in range(1000):
        rows = rng.integers(0, len(table), len(table))
        boots.append(kept["ketamine course"].resampled_rmst_days(rows)
                     - kept["ketamine"].resampled_rmst_days(rows))
    single, course = kept["ketamine"].rmst_days, kept["ketamine course"].rmst_days
    value = course - single
    ci = (float(np.nanpercentile(boots, 2.5)), float(np.nanpercentile(boots, 97.5)))
    responders_needed = _two_arm_n(value, *(float(v.std(ddof=1)) for v in person_days.values()))
    return Prediction(
        name="relapse after a course", claim="benefit lasts longer after a course of infusions "
        "than after one", assumption="the lasting arm is Chapter 3's extra spines, which "
        "accumulate over a course and fade over weeks; the non-specific relief fades after "
        "the last infusion (placebo_fade_h)",
        statistic=f"restricted mean days response is kept (to {follow / 24:g} days after the "
        "last infusion), course minus single", value=value, ci=ci, holds=bool(ci[0] > 0),
        null=0.0, smallest_effect=SMALLEST_EFFECTS["relapse after a course"],
        n_per_arm=responders_needed / min(rate.values()),
        detail=MappingProxyType({
            "single rmst days": single, "course rmst days": course,
            "responders single": kept["ketamine"].n_responders,
            "responders course": kept["ketamine course"].n_responders,
            # counted from each arm's first visit after its last infusion, over everyone
            "itt days in response single": itt["ketamine"],
            "itt days in response course": itt["ketamine course"],
            "single kept": kept["ketamine"], "course kept": kept["ketamine course"]}))


#: Each prediction's function and the change of assumption under which it should fail.
PREDICTIONS: dict[str, tuple[Callable[..., Prediction], dict]] = {
    "ego dissolution and improvement": (ego_and_improvement, {"therapy": None}),
    "dissociation and dose": (dissociation_and_dose, {
        "selfmodel_params": sm.SelfModelParams(sn_sensitivity=0.0)}),
    "psychotherapy in the window": (therapy_in_window, {
        "selfmodel_params": sm.SelfModelParams(plasticity_gain=0.0), "relax": "none"}),
    "relapse after a course": (relapse_after_course, {"ablate_spine_formation": True}),
}

#: The changes of assumption, for the chapter's table.
FAILING = {name: change for name, (_, change) in PREDICTIONS.items()}

#: Each change of :data:`FAILING` in words.
FAILING_TEXT = {
    "ego dissolution and improvement": "therapy=None: the drug alone, no better evidence",
    "dissociation and dose": "sn_sensitivity=0: the minimal self's prior no longer follows "
    "the SN",
    "psychotherapy in the window": "plasticity_gain=0 and relax='none': no window on "
    "consolidation, no relaxed priors",
    "relapse after a course": "ablate_spine_formation=True: no new spines, no lasting arm",
}


def run_prediction(name: str, *, failing: bool = False, **kwargs: object) -> Prediction:
    """Run one of :data:`PREDICTIONS`, as the book states it or with its assumption changed.

    ``failing`` is True or False (True: with the change of :data:`FAILING`).
    """
    if not isinstance(name, str) or name not in PREDICTIONS:
        raise ValueError(f"name must be one of {tuple(PREDICTIONS)}, got {name!r}")
    if not isinstance(failing, bool):
        raise ValueError(f"failing must be True or False, got {failing!r}")
    fn, change = PREDICTIONS[name]
    return fn(**({**change, **kwargs} if failing else kwargs))
