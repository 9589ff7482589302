r"""The self-model over weeks: beliefs, the two indices, and what lasts.

Three levels, each a Gaussian belief on one axis, *self-valence*
(:mod:`~ketamodel.selfmodel.params`), updated once an hour with the
equations of :mod:`~ketamodel.selfmodel.hgf`, in this order:

1. **Prediction of the biographical self** (held by the DMN, after
   :cite:t:`marguilho2023unified`): the narrative self-belief :math:`x_3`
   drifts back to the *consolidated* self-model :math:`m` within days,

   .. math::

       \hat\mu_3 = m + \lambda(\mu_3 - m), \qquad
       \hat\pi_3 = \frac{\rho_{DMN}}{\lambda^2/\pi_3 + \Omega_3}, \qquad
       \lambda = e^{-1\,\mathrm{h}/T_r},\ \Omega_3 = e^{\omega_3}.

2. **Prediction of the minimal self** (held by the SN): the bodily
   self-state :math:`x_2` is predicted from the narrative one,
   :math:`\hat\mu_2 = \kappa\hat\mu_3`, with precision
   :math:`\hat\pi_2 = \rho_{SN}\,\pi_2^0`. It keeps no memory of its own
   (a modelling device after the minimal self's lack of temporal extension,
   :cite:p:`gallagher2000philosophical`).
3. **The senses**: an interoceptive signal :math:`u_i` (the body) and an
   exteroceptive one :math:`u_e` (everyday life, or a therapist in a
   session), with precisions :math:`\pi_i`, :math:`\pi_e`,
   :math:`\Pi = \pi_i + \pi_e`, update the minimal self:
   :math:`\pi_2 = \hat\pi_2 + \Pi`,
   :math:`\mu_2 = \hat\mu_2 + \sum_j (\pi_j/\pi_2)(u_j - \hat\mu_2)`.
4. **Update of the biographical self** from the minimal self's prediction
   error :math:`\delta_2 = \mu_2 - \hat\mu_2`:

   .. math::

       \pi_3 = \hat\pi_3 + \kappa^2\pi_\delta, \qquad
       \mu_3 = \hat\mu_3 + \frac{\kappa\,\hat\pi_2}{\pi_3}\,\delta_2,

   with :math:`\pi_\delta = (1/\hat\pi_2 + 1/\Pi)^{-1}`, the precision of the
   senses' error about the narrative's prediction
   (:func:`~ketamodel.selfmodel.hgf.error_precision`; ``message="exact"``,
   the default, which makes the narrative belief an exact Kalman filter of
   the hierarchy), or :math:`\pi_\delta = \hat\pi_2`, the HGF's
   value-coupling message (``message="hgf"``), which overstates the
   narrative belief's certainty.
5. **Consolidation**: what persists is :math:`m`, which follows the current
   belief at a rate the plasticity window :math:`w(t)` of Chapter 3 sets
   (:cite:p:`marguilho2023unified`: plasticity is permissive),

   .. math::

       m \leftarrow m + \frac{1\,\mathrm{h}}{T_c}\,[\varepsilon + \beta\,(w - 1)]\,(\mu_3 - m),

   with :math:`\varepsilon = \beta = 1` using the window as the multiplier it
   is defined to be, and :math:`\varepsilon = 0` making it a gate.

Ketamine multiplies the prior precision of each level by the factor
:math:`\rho` its network's disintegration gives
(:mod:`~ketamodel.selfmodel.drive`). The loss carries over: a belief updated
with a weaker prior is less certain afterwards, and precision comes back only
as evidence accumulates.

**Indices** (model quantities, 0-1; Chapter 6 maps them onto clinical
scales), both the :func:`~ketamodel.selfmodel.hgf.relaxation_index` of a
level: the fraction of its prior's usual share of the posterior that the
drug's factor removes in that hour. They are computed from the drug alone:
the evidence is that of an everyday hour, and the narrative prior's
precision comes from a parallel recursion without therapy (precisions do not
depend on the inputs' values, only on their precisions), so a session cannot
change them. The uncertainty that lingers after the drug is read from the
learning rate, not from the indices.

- the **dissociation index**, at the minimal self, with the bodily signal's
  precision :math:`\pi_i` as the evidence: how much of the bodily percept the
  self-model no longer explains (the SN signature);
- the **ego-dissolution index**, at the biographical self, with
  :math:`\kappa^2\pi_\delta` of an everyday hour as the evidence: how much the
  narrative prior has loosened its hold on the self-belief (the DMN
  signature).

The minimal self's percept is computed as predictive coding does, with its
own prior precision :math:`\hat\pi_2`, conditional on the narrative's
predicted mean; only the narrative level is exact. An exact observer would
also lose bodily precision when the narrative prior relaxes,
:math:`(1/\hat\pi_2 + \kappa^2/\hat\pi_3)^{-1}`:
``dissociation_marginal`` is the dissociation index with that prior, so that
a reader can see how much of the separation of the two signatures rests on
this choice.

**Learning rate**: the share of an hour of everyday sensory evidence's error
(:math:`\bar u - \kappa\hat\mu_3`) that the narrative belief takes,
:math:`\kappa\pi_\delta/\pi_3` with the everyday :math:`\Pi`.

**Revision** is the fraction of the way from the starting belief to the
therapist's evidence that the consolidated self-model has moved,
:math:`(m - m_0)/(s - m_0)`; the *lasting revision* is its value at the end of
the course (8 weeks by default): a snapshot, since with everyday evidence
that agrees with the old belief every revision slowly relapses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import networks as nw
from .. import plasticity as pl
from ..params import check_array, check_instance, make_rng, params_or_default
from . import hgf
from .drive import EIGHT_WEEKS_H, STEP_H, Drive, drug_drive, hourly_factor, no_drug
from .params import SelfModelParams, Therapy

#: The levels that can follow their network's disintegration (both, as the network model
#: says; one alone; or neither).
RELAX = ("both", "SN", "DMN", "none")

#: How the narrative level weights the minimal self's prediction error (see the module).
MESSAGES = ("exact", "hgf")


@dataclass(frozen=True)
class SelfModelCourse:
    r"""Beliefs of the three levels, hour by hour.

    Attributes
    ----------
    t_h : ndarray
        End of each hourly step, h.
    interoceptive, exteroceptive : ndarray
        The inputs :math:`u_i`, :math:`u_e`, a.u.
    therapy : ndarray of bool
        Whether the step is a therapy session.
    minimal_self, biographical_self : ndarray
        Posterior means :math:`\mu_2`, :math:`\mu_3`, a.u.
    minimal_self_precision, biographical_self_precision : ndarray
        Posterior precisions :math:`\pi_2`, :math:`\pi_3`, 1/a.u.².
    consolidated_self : ndarray
        :math:`m`, the self-model that lasts, a.u.
    learning_rate : ndarray
        The share of an hour of everyday evidence's error the narrative belief
        takes, :math:`\kappa\pi_\delta/\pi_3` (1).
    sn_factor, dmn_factor : ndarray
        :math:`\rho` on each level's prior precision, (0, 1].
    dissociation, ego_dissolution : ndarray
        The indices, 0-1 (see the module).
    dissociation_marginal : ndarray
        The dissociation index an exact observer would have, whose prior on
        the body includes the narrative belief's uncertainty (see the module).
    revision : ndarray
        :math:`(m - m_0)/(s - m_0)` after each step.
    drive : Drive
    therapy_schedule : Therapy or None
    relax, message : str
    params : SelfModelParams
    """

    t_h: np.ndarray
    interoceptive: np.ndarray
    exteroceptive: np.ndarray
    therapy: np.ndarray
    minimal_self: np.ndarray
    minimal_self_precision: np.ndarray
    biographical_self: np.ndarray
    biographical_self_precision: np.ndarray
    consolidated_self: np.ndarray
    learning_rate: np.ndarray
    sn_factor: np.ndarray
    dmn_factor: np.ndarray
    dissociation: np.ndarray
    ego_dissolution: np.ndarray
    dissociation_marginal: np.ndarray
    revision: np.ndarray
    drive: Drive
    therapy_schedule: Therapy | None
    relax: str
    message: str
    params: SelfModelParams

    @property
    def lasting_revision(self) -> float:
        """Revision at the end of the course, when drug, window and therapy are gone."""
        return float(self.revision[-1])


def therapy_steps(therapy: Therapy | None, t_h: np.ndarray) -> np.ndarray:
    """Which hourly steps are therapy: a session at ``s`` covers the steps ending in (s, s + d]."""
    t = check_array("t_h", t_h, low=0.0, ndim=1)
    on = np.zeros(t.size, dtype=bool)
    if therapy is None:
        return on
    check_instance("therapy", therapy, Therapy)
    for s in therapy.session_times_h():
        if s + therapy.duration_h > t[-1] + 1e-9:
            raise ValueError(f"a therapy session at {s:g} h ends after the end of the "
                             f"simulation ({t[-1]:g} h)")
        on |= (t > s + 1e-9) & (t <= s + therapy.duration_h + 1e-9)
    return on


def _choice(name: str, value: object, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def _factors(drive: Drive, relax: str, p: SelfModelParams) -> tuple[np.ndarray, np.ndarray]:
    one = np.ones_like(drive.t_h)
    sn = hourly_factor(drive, "SN", p.sn_sensitivity) if relax in ("both", "SN") else one
    dmn = hourly_factor(drive, "DMN", p.dmn_sensitivity) if relax in ("both", "DMN") else one
    return sn, dmn


def _span(p: SelfModelParams) -> float:
    span = p.support_evidence - p.belief_start
    if span == 0.0:
        raise ValueError("support_evidence must differ from belief_start (revision is "
                         "measured as a fraction of the distance between them)")
    return span


def check_consolidation(p: SelfModelParams, window_max: float) -> None:
    """Refuse a consolidation so fast that one hour would overshoot the belief."""
    fastest = STEP_H / p.consolidation_h * (p.baseline_consolidation + p.plasticity_gain * (
        window_max - 1.0))
    if fastest > 1.0:
        raise ValueError(f"consolidation_h ({p.consolidation_h:g} h) is too short for "
                         f"plasticity_gain {p.plasticity_gain:g} and a window of "
                         f"{window_max:.2f}: an hour would overshoot the belief")


def initial_precision(p: SelfModelParams | None = None, message: str = "exact") -> float:
    """The narrative belief's precision before the drug: its drug-free steady state."""
    p = params_or_default("p", p, SelfModelParams)
    _choice("message", message, MESSAGES)
    lam = math.exp(-STEP_H / p.reversion_h)
    senses = p.interoceptive_precision + p.exteroceptive_precision
    pi_d = (hgf.error_precision(p.minimal_self_precision, senses) if message == "exact"
            else p.minimal_self_precision)
    return hgf.steady_precision(p.narrative_log_volatility, lam, p.coupling ** 2 * pi_d,
                                STEP_H)


def simulate_drive(drive: Drive, *, therapy: Therapy | None = None, relax: str = "both",
                   params: SelfModelParams | None = None, message: str = "exact",
                   seed: int | np.random.Generator = 0, noise: bool = True) -> SelfModelCourse:
    """The self-model driven by a :class:`~ketamodel.selfmodel.drive.Drive` (15 ms for 8 weeks).

    Parameters
    ----------
    drive : Drive
        From :func:`~ketamodel.selfmodel.drive.drug_drive`,
        :func:`~ketamodel.selfmodel.drive.drive_from_course`,
        :func:`~ketamodel.selfmodel.drive.drive_from_network_course` or
        :func:`~ketamodel.selfmodel.drive.no_drug`.
    therapy : Therapy, optional
        Sessions of psychotherapy (none by default).
    relax : str
        Which levels follow their network (:data:`RELAX`).
    params : SelfModelParams, optional
    message : str
        ``"exact"`` or ``"hgf"`` (:data:`MESSAGES`; see the module).
    seed : int or numpy.random.Generator
        For the noise of the inputs.
    noise : bool
        False: every input is its expected value (a smooth course).
    """
    d = check_instance("drive", drive, Drive)
    p = params_or_default("params", params, SelfModelParams)
    _choice("relax", relax, RELAX)
    _choice("message", message, MESSAGES)
    if not isinstance(noise, bool):
        raise ValueError(f"noise must be True or False, got {noise!r}")
    rng = make_rng(seed)
    span = _span(p)
    check_consolidation(p, float(d.window.max()))
    sn, dmn = _factors(d, relax, p)
    n = d.t_h.size
    session = therapy_steps(therapy, d.t_h)
    # The inputs: everyday life each hour, the therapist's evidence in sessions.
    ext_precision = np.where(session, p.therapy_precision, p.exteroceptive_precision)
    u_i = np.full(n, p.everyday_evidence)
    u_e = np.where(session, p.support_evidence, p.everyday_evidence)
    if noise:
        u_i = u_i + rng.standard_normal(n) / math.sqrt(p.interoceptive_precision)
        u_e = u_e + rng.standard_normal(n) / np.sqrt(ext_precision)
    out = _run(u_i.tolist(), u_e.tolist(), ext_precision.tolist(), sn.tolist(), dmn.tolist(),
               d.window.tolist(), p, message)
    mu2, pi2, mu3, pi3, m, rate, diss, ego, diss_m = (np.array(a) for a in out)
    return SelfModelCourse(
        t_h=d.t_h, interoceptive=u_i, exteroceptive=u_e, therapy=session,
        minimal_self=mu2, minimal_self_precision=pi2, biographical_self=mu3,
        biographical_self_precision=pi3, consolidated_self=m, learning_rate=rate,
        sn_factor=sn, dmn_factor=dmn, dissociation=diss, ego_dissolution=ego,
        dissociation_marginal=diss_m, revision=(m - p.belief_start) / span, drive=d,
        therapy_schedule=therapy, relax=relax, message=message, params=p)


def _run(u_i: list, u_e: list, p_e: list, sn: list, dmn: list, window: list,
         p: SelfModelParams, message: str) -> tuple[list, ...]:
    """The filter, hour by hour, on Python floats (fast for one person)."""
    lam = math.exp(-STEP_H / p.reversion_h)
    omega3 = float(hgf.step_variance(STEP_H, p.narrative_log_volatility))
    kappa, p_i, pi2_0 = p.coupling, p.interoceptive_precision, p.minimal_self_precision
    everyday = p_i + p.exteroceptive_precision
    eps, beta, rate_c = p.baseline_consolidation, p.plasticity_gain, STEP_H / p.consolidation_h
    exact = message == "exact"
    mu3 = m = p.belief_start
    pi3 = pi3_quiet = initial_precision(p, message)     # with and without therapy
    # the update equations, bound once (the loop runs an hour at a time for weeks)
    predict_mean, predict_precision = hgf.predict_mean, hgf.predict_precision
    error, error_precision = hgf.prediction_error, hgf.error_precision
    post_precision, post_mean = hgf.posterior_precision, hgf.posterior_mean
    relaxation_index = hgf.relaxation_index
    ones, coupled = (1.0, 1.0), (kappa,)
    out: tuple[list, ...] = tuple([] for _ in range(9))
    mu2s, pi2s, mu3s, pi3s, ms, rates, disss, egos, diss_ms = (a.append for a in out)
    for k in range(len(u_i)):
        # 1-2. predictions: the narrative self drifts to m and predicts the minimal self
        mu3_hat = predict_mean(mu3, m, lam)
        pi3_free = predict_precision(pi3, omega3, lam)
        pi3_hat = dmn[k] * pi3_free
        mu2_hat = kappa * mu3_hat
        pi2_hat = sn[k] * pi2_0
        # 3. the minimal self learns from the senses
        senses = (p_i, p_e[k])
        errors = (error(u_i[k], mu2_hat), error(u_e[k], mu2_hat))
        pi2 = post_precision(pi2_hat, senses, ones)
        mu2 = post_mean(mu2_hat, pi2, errors, senses, ones)
        # 4. the narrative self learns from the minimal self's prediction error
        delta2 = error(mu2, mu2_hat)
        pi_d = error_precision(pi2_hat, p_i + p_e[k]) if exact else pi2_hat
        pi3 = post_precision(pi3_hat, (pi_d,), coupled)
        mu3 = post_mean(mu3_hat, pi3, (delta2,), (pi2_hat,), coupled)
        # 5. what lasts: the consolidated self-model follows, gated by plasticity
        m = m + rate_c * (eps + beta * (window[k] - 1.0)) * (mu3 - m)
        everyday_d = error_precision(pi2_hat, everyday)
        mu2s(mu2)
        pi2s(pi2)
        mu3s(mu3)
        pi3s(pi3)
        ms(m)
        rates(kappa * everyday_d / pi3)
        # the indices, from the drug alone: everyday evidence, a course without therapy
        disss(relaxation_index(sn[k], pi2_0, p_i))
        pi_e = everyday_d if exact else pi2_hat
        quiet_free = predict_precision(pi3_quiet, omega3, lam)
        egos(relaxation_index(dmn[k], quiet_free, kappa * kappa * pi_e))
        body = 1.0 / (1.0 / pi2_hat + kappa * kappa / (dmn[k] * quiet_free))
        body_free = 1.0 / (1.0 / pi2_0 + kappa * kappa / quiet_free)
        diss_ms(relaxation_index(body / body_free, body_free, p_i))
        pi3_quiet = post_precision(dmn[k] * quiet_free, (pi_e,), coupled)
    return out


def simulate(doses: object = None, t_end_h: float = EIGHT_WEEKS_H, *,
             context: float | str = "neutral", relax: str = "both",
             therapy: Therapy | None = None, params: SelfModelParams | None = None,
             message: str = "exact", seed: int | np.random.Generator = 0, noise: bool = True,
             network_params: nw.NetworkParams | None = None,
             plasticity_params: pl.PlasticityParams | None = None,
             n_parcels: int = 100) -> SelfModelCourse:
    """The self-model after a dosing schedule, with or without psychotherapy.

    The stable entry point Chapter 6 composes. The first call for a schedule
    runs the pharmacokinetics, the plasticity cascade and the network table
    (about 0.5 s for a new context); later calls with the same schedule take
    the time of the filter (:func:`simulate_drive`).

    Parameters
    ----------
    doses : Dose or sequence of Dose, optional
        None: no drug.
    t_end_h : float
        Length, whole hours (default 8 weeks).
    context : float or str
        Where the drug is taken: it decides which network, and so which
        level, is disrupted more (Chapter 4).
    relax : str
        Which levels follow their network (:data:`RELAX`): ``"both"`` (as the
        network model says), ``"SN"`` or ``"DMN"`` alone, ``"none"``.
    therapy : Therapy, optional
    params : SelfModelParams, optional
    message, seed, noise
        As for :func:`simulate_drive`.
    network_params, plasticity_params, n_parcels
        As for :func:`~ketamodel.selfmodel.drive.drug_drive`.

    Returns
    -------
    SelfModelCourse

    Examples
    --------
    >>> from ketamodel import pharmacology as ph, selfmodel as sm
    >>> c = sm.simulate(ph.standard_infusion(), therapy=sm.Therapy())
    >>> bool(c.lasting_revision > 0.0)
    True
    """
    if doses is None:
        nw.context_value(context)
        params_or_default("network_params", network_params, nw.NetworkParams)
        params_or_default("plasticity_params", plasticity_params, pl.PlasticityParams)
        nw.check_parcels(n_parcels)
        drive = no_drug(t_end_h)
    else:
        drive = drug_drive(doses, t_end_h, context, network_params=network_params,
                           plasticity_params=plasticity_params, n_parcels=n_parcels)
    return simulate_drive(drive, therapy=therapy, relax=relax, params=params, message=message,
                          seed=seed, noise=noise)
