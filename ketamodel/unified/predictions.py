r"""The seed paper's predictions, made testable in the virtual cohort, each with what it rests on.

Each function runs the cohort and returns a :class:`Prediction`: the
statistic a trial could measure, its 95 % interval, whether the prediction
holds (the interval excludes "no effect" in the predicted direction), and
the assumption it rests on. Every function takes the arguments that change
that assumption, and :data:`FAILING` names the change under which the
prediction should fail, so that a reader can see it fail.

1. :func:`ego_and_improvement` — ego dissolution goes with larger and longer
   improvement (:cite:p:`marguilho2023unified`; its primary source was not
   identified). Measured as the partial rank correlation of the peak
   ego-dissolution score with the revision of the narrative self-belief at
   day 7 and day 28 (expected, without the noise of the inputs), given the
   person's exposure (occupancy over time), so
   that a common cause — more drug, more of everything — does not count; the
   same correlation with the fall in MADRS ratings, which a trial would see,
   is reported beside it.
2. :func:`dissociation_and_dose` — dissociation rises with dose.
3. :func:`therapy_in_window` — psychotherapy inside the plasticity window
   lengthens benefit: sessions from 12 h against the same sessions from day 14.
4. :func:`relapse_after_course` — relapse comes later after a course than
   after a single infusion, counted from the last infusion.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import stats

from .. import pharmacology as ph
from .. import selfmodel as sm
from ..params import check_array, check_integer, check_scalar
from .cohort import Arm, CohortCourse, acute_state, simulate_cohort
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
        95 % interval.
    holds : bool
        The interval lies on the predicted side of ``null``.
    null : float
    detail : dict
        Further numbers (per dose, per arm, the other visit).
    """

    name: str
    claim: str
    assumption: str
    statistic: str
    value: float
    ci: tuple[float, float]
    holds: bool
    null: float
    detail: dict


def _ranks(x: np.ndarray) -> np.ndarray:
    return stats.rankdata(x)


def partial_spearman(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> tuple[float, tuple]:
    """Spearman correlation of x and y given z, with a Fisher-z 95 % interval.

    0 (interval (0, 0)) when y is constant.
    """
    if np.ptp(np.asarray(y, dtype=float)) < 1e-12:
        return 0.0, (0.0, 0.0)
    rx, ry, rz = (_ranks(np.asarray(v, dtype=float)) for v in (x, y, z))
    r = np.corrcoef(np.vstack([rx, ry, rz]))
    rxy, rxz, ryz = r[0, 1], r[0, 2], r[1, 2]
    denom = np.sqrt(max((1 - rxz ** 2) * (1 - ryz ** 2), 1e-300))
    rho = float(np.clip((rxy - rxz * ryz) / denom, -0.999999, 0.999999))
    half = 1.959964 / np.sqrt(max(x.size - 4, 1))
    zr = np.arctanh(rho)
    return rho, (float(np.tanh(zr - half)), float(np.tanh(zr + half)))


def _fall(c: CohortCourse, visit_h: float) -> np.ndarray:
    return (c.baseline - c.at(visit_h)) / c.baseline


#: The sessions of the predictions' therapy arms (Chapter 5's default: from 12 h).
THERAPY = sm.Therapy()


def ego_and_improvement(n: int = 500, seed: int = 0, *, therapy: sm.Therapy | None = THERAPY,
                        self_share: float | None = None, relax: str = "both",
                        **kwargs: object) -> Prediction:
    """Ego dissolution with larger (day 7) and longer (day 28) improvement, given exposure.

    ``therapy=None`` (the drug alone) or ``self_share=0`` (the narrative
    self-belief carries none of the severity) or ``relax="SN"`` remove the
    mechanism; a correlation left then comes from a common cause.
    """
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    base = ARMS["ketamine"]
    arm = Arm("ketamine" if therapy is None else "ketamine + therapy", "ketamine", base.doses,
              therapy)
    outcome = None
    if self_share is not None:
        from .params import OutcomeParams

        outcome = replace(OutcomeParams(), self_share=check_scalar("self_share", self_share,
                                                                   low=0.0, high=1.0))
    c = simulate_cohort(table, arm, seed=seed, relax=relax, outcome=outcome,
                        **kwargs)  # type: ignore[arg-type]
    quiet = simulate_cohort(table, arm, seed=seed, relax=relax, outcome=outcome, noise=False,
                            **kwargs)  # type: ignore[arg-type]
    week, month = (partial_spearman(quiet.ego_peak, quiet.belief_revision[:, int(v) - 1],
                                    quiet.occupancy_auc) for v in (168.0, 672.0))
    rating = partial_spearman(c.ego_peak, _fall(c, 672.0), c.occupancy_auc)
    spread = float(c.outcome.self_share * np.std(c.belief_revision[:, 671]
                                                 * c.table.baseline_madrs))
    return Prediction(
        name="ego dissolution and improvement",
        claim="people with more ego dissolution improve more and for longer",
        assumption="the narrative self-belief carries part of the severity (self_share 0.4), "
        "its prior relaxes with the DMN, and therapy brings better evidence while it is relaxed",
        statistic="partial Spearman rho of peak ego dissolution with the expected revision "
        "of the self-belief at day 28, given exposure", value=month[0], ci=month[1],
        holds=bool(week[1][0] > 0 and month[1][0] > 0), null=0.0,
        detail={"day 7": week[0], "day 7 ci": week[1], "rating rho day 28": rating[0],
                "rating ci day 28": rating[1], "madrs spread from the belief": spread,
                "arm": arm.name})


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
    means, halves = [], []
    for d in doses:
        c = acute_state(table, ph.Dose(float(d), "iv", duration_min=40.0),
                        selfmodel_params=selfmodel_params, **kwargs)  # type: ignore[arg-type]
        means.append(float(c.cadss_peak.mean()))
        halves.append(float(1.959964 * c.cadss_peak.std(ddof=1) / np.sqrt(len(table))))
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
        detail={"doses_mg_per_kg": tuple(map(float, doses)), "mean cadss": tuple(means)})


def _paired(a: np.ndarray, b: np.ndarray) -> tuple[float, tuple[float, float]]:
    d = a - b
    half = float(stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return float(d.mean()), (float(d.mean()) - half, float(d.mean()) + half)


def therapy_in_window(n: int = 500, seed: int = 0, *, outside_h: float = 336.0,
                      selfmodel_params: sm.SelfModelParams | None = None,
                      relax: str = "both", visit_h: float = 1344.0,
                      **kwargs: object) -> Prediction:
    """Fall in MADRS at ``visit_h`` with sessions from 12 h minus with the same from ``outside_h``.

    The same people in both (paired). ``plasticity_gain=0`` with
    ``relax="none"`` removes both ways the drug helps therapy.
    """
    table = patient_table(check_integer("n", n, low=2, high=100_000), seed)
    start = check_scalar("outside_h", outside_h, low=12.0, high=1000.0)
    runs = {}
    for label, t0 in (("inside", 12.0), ("outside", start)):
        arm = Arm(f"therapy from {t0:g} h", "ketamine", ARMS["ketamine"].doses,
                  sm.Therapy(start_h=t0))
        runs[label] = simulate_cohort(table, arm, seed=seed, selfmodel_params=selfmodel_params,
                                      relax=relax, **kwargs)  # type: ignore[arg-type]
    fall = {k: c.baseline - c.at(visit_h) for k, c in runs.items()}
    value, ci = _paired(fall["inside"], fall["outside"])
    return Prediction(
        name="psychotherapy in the window", claim="psychotherapy inside the plasticity window "
        "lengthens benefit",
        assumption="plasticity speeds the consolidation of a revised belief "
        "(plasticity_gain 1) and relaxed priors raise the learning rate during sessions",
        statistic=f"mean fall at {visit_h / 24:g} days, sessions from 12 h minus from "
        f"{start / 24:g} days (MADRS points, paired)", value=value, ci=ci, holds=bool(ci[0] > 0),
        null=0.0, detail={"inside fall": float(fall["inside"].mean()),
                          "outside fall": float(fall["outside"].mean())})


def relapse_after_course(n: int = 500, seed: int = 0, *, ablate_spine_formation: bool = False,
                         **kwargs: object) -> Prediction:
    """Median days from the last infusion to the loss of response: a course minus a single infusion.

    Among responders, on the expected course; a bootstrap (1000 resamples)
    gives the interval. ``ablate_spine_formation=True`` removes the lasting arm.
    """
    table = patient_table(check_integer("n", n, low=20, high=100_000), seed)
    days = {}
    for name in ("ketamine", "ketamine course"):
        c = simulate_cohort(table, ARMS[name], seed=seed,
                            ablate_spine_formation=ablate_spine_formation,
                            **kwargs)  # type: ignore[arg-type]
        r = c.relapse_h() / 24.0
        days[name] = r[~np.isnan(r)]
    if min(v.size for v in days.values()) < 5:
        raise ValueError("fewer than 5 responders in an arm: relapse cannot be compared")
    rng = np.random.default_rng((seed, 4))
    boots = [np.median(rng.choice(days["ketamine course"], days["ketamine course"].size))
             - np.median(rng.choice(days["ketamine"], days["ketamine"].size))
             for _ in range(1000)]
    value = float(np.median(days["ketamine course"]) - np.median(days["ketamine"]))
    ci = (float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5)))
    return Prediction(
        name="relapse after a course", claim="benefit lasts longer after a course of infusions "
        "than after one", assumption="the lasting arm is Chapter 3's extra spines, which "
        "accumulate over a course and fade over weeks",
        statistic="median days from the last infusion to the loss of response, course minus "
        "single", value=value, ci=ci, holds=bool(ci[0] > 0), null=0.0,
        detail={"single median days": float(np.median(days["ketamine"])),
                "course median days": float(np.median(days["ketamine course"])),
                "responders single": int(days["ketamine"].size),
                "responders course": int(days["ketamine course"].size)})


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


def test_prediction(name: str, *, failing: bool = False, **kwargs: object) -> Prediction:
    """Run one of :data:`PREDICTIONS`, as the book states it or with its assumption changed."""
    if not isinstance(name, str) or name not in PREDICTIONS:
        raise ValueError(f"name must be one of {tuple(PREDICTIONS)}, got {name!r}")
    fn, change = PREDICTIONS[name]
    return fn(**({**change, **kwargs} if failing else kwargs))
