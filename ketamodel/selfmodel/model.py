r"""The self-model over weeks: beliefs, the two indices, and what lasts.

Three levels, each a Gaussian belief on one axis, *self-valence*
(:mod:`~ketamodel.selfmodel.params`), updated hour by hour with the
equations of :mod:`~ketamodel.selfmodel.hgf`:

1. **Sensory level**: each hour an interoceptive signal :math:`u_i` (the
   body) and an exteroceptive one :math:`u_e` (the world: everyday life, or a
   therapy session), with precisions :math:`\pi_i`, :math:`\pi_e`.
2. **Minimal self** (held by the SN, after :cite:t:`marguilho2023unified`):
   the bodily self-state :math:`x_2`, predicted from the level above,
   :math:`\hat\mu_2 = \kappa\hat\mu_3`, with precision
   :math:`\hat\pi_2 = \rho_{SN}\,\pi_{2}^{0}`. It keeps no memory of its own
   (:math:`\lambda = 0`): the minimal self has no temporal extension
   (:cite:p:`gallagher2000philosophical`).
3. **Biographical self** (held by the DMN): the narrative self-belief
   :math:`x_3`, learning from the minimal self's prediction error and drifting
   back to the *consolidated* self-model :math:`m` within days
   (:math:`\lambda = e^{-t/T_r}`). Its prior precision is
   :math:`\hat\pi_3 = \rho_{DMN}/(\lambda^2/\pi_3 + \Omega_3)`.

Ketamine multiplies the prior precision of each level by the factor
:math:`\rho` its network's disintegration gives
(:mod:`~ketamodel.selfmodel.drive`). What persists is :math:`m`, which
follows the current belief at a rate the plasticity window :math:`w(t)` of
Chapter 3 multiplies (:cite:p:`marguilho2023unified`: plasticity is
permissive),

.. math::

    m \leftarrow m + \frac{t\,[1 + \beta\,(w(t) - 1)]}{T_c}\,(\mu_3 - m),

with :math:`\beta = 1` (``plasticity_gain``) using the window as the multiplier
it is defined to be.

**Indices** (model quantities, 0-1; Chapter 6 maps them onto clinical
scales), both the :func:`~ketamodel.selfmodel.hgf.relaxation_index` of a
level, the fraction of its prior's usual share of the posterior that the
drug removes at that hour:

- the **dissociation index**, at the minimal self: how much of the bodily
  percept the self-model no longer explains, so that bodily signals arrive
  as prediction errors nothing above accounts for (the SN signature);
- the **ego-dissolution index**, at the biographical self: how much the
  narrative prior has loosened its hold on the self-belief (the DMN
  signature).

**Revision** is the fraction of the way from the starting belief to the
therapist's evidence that the consolidated self-model has moved,
:math:`(m - m_0)/(s - m_0)`; the *lasting revision* is its value at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import networks as nw
from .. import plasticity as pl
from ..params import check_instance, check_scalar, make_rng, params_or_default
from . import hgf
from .drive import Drive, dose_tuple, drive_from_course, no_drug, precision_factor
from .params import SelfModelParams, Therapy

#: The levels that can follow their network's disintegration (both, as the network model
#: says; one alone; or neither).
RELAX = ("both", "SN", "DMN", "none")

#: The default length of a simulation in hours (eight weeks).
EIGHT_WEEKS_H = 8 * 7 * 24.0


@dataclass(frozen=True)
class SelfModelCourse:
    r"""Beliefs of the three levels, hour by hour.

    Attributes
    ----------
    t_h : ndarray
        End of each step, h.
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
        The weight of the minimal self's prediction error in the biographical
        belief's update, :math:`\kappa\hat\pi_2/\pi_3`.
    sn_factor, dmn_factor : ndarray
        :math:`\rho` on each level's prior precision, (0, 1].
    dissociation, ego_dissolution : ndarray
        The indices, 0-1 (see the module).
    revision : ndarray
        :math:`(m - m_0)/(s - m_0)`, 0 at the start.
    drive : Drive
    therapy_schedule : Therapy or None
    relax : str
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
    revision: np.ndarray
    drive: Drive
    therapy_schedule: Therapy | None
    relax: str
    params: SelfModelParams

    @property
    def lasting_revision(self) -> float:
        """Revision at the end of the course, when drug, window and therapy are gone."""
        return float(self.revision[-1])


def therapy_steps(therapy: Therapy | None, t_h: np.ndarray, dt_h: float) -> np.ndarray:
    """Which steps are therapy: the steps that end in (s, s + duration] for a session at s."""
    on = np.zeros(t_h.size, dtype=bool)
    if therapy is None:
        return on
    check_instance("therapy", therapy, Therapy)
    for s in therapy.session_times_h():
        inside = (t_h > s + 1e-9) & (t_h <= s + therapy.duration_h + 1e-9)
        if s + therapy.duration_h > t_h[-1] + 1e-9:
            raise ValueError(f"a therapy session at {s:g} h ends after the end of the "
                             f"simulation ({t_h[-1]:g} h)")
        on |= inside
    return on


def _factors(drive: Drive, relax: str, p: SelfModelParams) -> tuple[np.ndarray, np.ndarray]:
    if relax not in RELAX:
        raise ValueError(f"relax must be one of {RELAX}, got {relax!r}")
    one = np.ones_like(drive.t_h)
    sn = precision_factor(drive.sn_disintegration, p.sn_sensitivity) \
        if relax in ("both", "SN") else one
    dmn = precision_factor(drive.dmn_disintegration, p.dmn_sensitivity) \
        if relax in ("both", "DMN") else one
    return sn, dmn


def simulate_drive(drive: Drive, *, therapy: Therapy | None = None, relax: str = "both",
                   params: SelfModelParams | None = None,
                   seed: int | np.random.Generator = 0, noise: bool = True) -> SelfModelCourse:
    """The self-model driven by a :class:`~ketamodel.selfmodel.drive.Drive` (5 ms for 8 weeks).

    Parameters
    ----------
    drive : Drive
        From :func:`~ketamodel.selfmodel.drive.drive_from_course`,
        :func:`~ketamodel.selfmodel.drive.drive_from_network_course` or
        :func:`~ketamodel.selfmodel.drive.no_drug`.
    therapy : Therapy, optional
        Sessions of psychotherapy (none by default).
    relax : str
        Which levels follow their network (:data:`RELAX`).
    params : SelfModelParams, optional
    seed : int or numpy.random.Generator
        For the noise of the inputs.
    noise : bool
        False: every input is its expected value (a smooth course).
    """
    d = check_instance("drive", drive, Drive)
    p = params_or_default("params", params, SelfModelParams)
    if not isinstance(noise, bool):
        raise ValueError(f"noise must be True or False, got {noise!r}")
    sn, dmn = _factors(d, relax, p)
    n, dt = d.t_h.size, d.dt_h
    fastest = dt / p.consolidation_h * (1.0 + p.plasticity_gain * (float(d.window.max()) - 1.0))
    if fastest > 1.0:
        raise ValueError(f"consolidation_h ({p.consolidation_h:g} h) is too short for a step "
                         f"of {dt:g} h with plasticity_gain {p.plasticity_gain:g} and a window "
                         f"of {float(d.window.max()):.2f}: a step would overshoot the belief")
    session = therapy_steps(therapy, d.t_h, dt)
    # The inputs: everyday life each hour, the therapist's evidence in sessions.
    ext_mean = np.where(session, p.support_evidence, p.everyday_evidence)
    ext_precision = np.where(session, p.therapy_precision, p.exteroceptive_precision)
    u_i = np.full(n, p.everyday_evidence)
    u_e = ext_mean.copy()
    if noise:
        rng = make_rng(seed)
        u_i = u_i + rng.standard_normal(n) / math.sqrt(p.interoceptive_precision)
        u_e = u_e + rng.standard_normal(n) / np.sqrt(ext_precision)
    out = _run(u_i.tolist(), u_e.tolist(), ext_precision.tolist(), sn.tolist(), dmn.tolist(),
               d.window.tolist(), dt, p)
    mu2, pi2, mu3, pi3, m, rate, diss, ego = (np.array(a) for a in out)
    return SelfModelCourse(
        t_h=d.t_h, interoceptive=u_i, exteroceptive=u_e, therapy=session,
        minimal_self=mu2, minimal_self_precision=pi2, biographical_self=mu3,
        biographical_self_precision=pi3, consolidated_self=m, learning_rate=rate,
        sn_factor=sn, dmn_factor=dmn, dissociation=diss, ego_dissolution=ego,
        revision=(m - p.belief_start) / _span(p), drive=d, therapy_schedule=therapy,
        relax=relax, params=p)


def _span(p: SelfModelParams) -> float:
    span = p.support_evidence - p.belief_start
    if span == 0.0:
        raise ValueError("support_evidence must differ from belief_start (revision is "
                         "measured as a fraction of the distance between them)")
    return span


def initial_precision(p: SelfModelParams, dt_h: float = 1.0) -> float:
    """The biographical belief's precision before the drug: its drug-free steady state."""
    lam = math.exp(-dt_h / p.reversion_h)
    evidence = p.coupling ** 2 * p.minimal_self_precision
    return hgf.steady_precision(p.narrative_log_volatility, lam, evidence, dt_h)


def _run(u_i: list, u_e: list, p_e: list, sn: list, dmn: list, window: list, dt: float,
         p: SelfModelParams) -> tuple[list, ...]:
    """The filter, step by step, on Python floats (fast for one person)."""
    lam = math.exp(-dt / p.reversion_h)
    omega3 = float(hgf.step_variance(dt, p.narrative_log_volatility))
    kappa, p_i, pi2_0 = p.coupling, p.interoceptive_precision, p.minimal_self_precision
    consolidation, beta = dt / p.consolidation_h, p.plasticity_gain
    mu3 = m = p.belief_start
    pi3 = initial_precision(p, dt)
    names = ("mu2", "pi2", "mu3", "pi3", "m", "rate", "diss", "ego")
    out: dict[str, list] = {k: [] for k in names}
    for k in range(len(u_i)):
        # prediction: the biographical self drifts to m, the minimal self is predicted by it
        mu3_hat = hgf.predict_mean(mu3, m, lam)
        pi3_free = hgf.predict_precision(pi3, omega3, lam)
        pi3_hat = dmn[k] * pi3_free
        mu2_hat = kappa * mu3_hat
        pi2_hat = sn[k] * pi2_0
        # the minimal self learns from the senses
        errors = (hgf.prediction_error(u_i[k], mu2_hat), hgf.prediction_error(u_e[k], mu2_hat))
        senses = (p_i, p_e[k])
        pi2 = hgf.posterior_precision(pi2_hat, senses, (1.0, 1.0))
        mu2 = hgf.posterior_mean(mu2_hat, pi2, errors, senses, (1.0, 1.0))
        # the biographical self learns from the minimal self's prediction error
        delta2 = hgf.prediction_error(mu2, mu2_hat)
        pi3 = hgf.posterior_precision(pi3_hat, (pi2_hat,), (kappa,))
        mu3 = hgf.posterior_mean(mu3_hat, pi3, (delta2,), (pi2_hat,), (kappa,))
        # what lasts: the consolidated self-model follows, gated by plasticity
        m = m + consolidation * (1.0 + beta * (window[k] - 1.0)) * (mu3 - m)
        out["mu2"].append(mu2)
        out["pi2"].append(pi2)
        out["mu3"].append(mu3)
        out["pi3"].append(pi3)
        out["m"].append(m)
        out["rate"].append(kappa * pi2_hat / pi3)
        out["diss"].append(hgf.relaxation_index(sn[k], pi2_0, p_i + p_e[k]))
        out["ego"].append(hgf.relaxation_index(dmn[k], pi3_free, kappa * kappa * pi2_hat))
    return tuple(out[k] for k in names)


@lru_cache(maxsize=64)
def _drive(doses: tuple, t_end_h: float, context: float, dt_h: float,
           network_params: nw.NetworkParams, plasticity_params: pl.PlasticityParams,
           n_parcels: int) -> Drive:
    course = pl.simulate(list(doses), t_end_h, params=plasticity_params)
    return drive_from_course(course, context, t_end_h=t_end_h, dt_h=dt_h,
                             network_params=network_params, n_parcels=n_parcels)


def drug_drive(doses: object, t_end_h: float = EIGHT_WEEKS_H, context: float | str = "neutral",
               *, dt_h: float = 1.0, network_params: nw.NetworkParams | None = None,
               plasticity_params: pl.PlasticityParams | None = None,
               n_parcels: int = 100) -> Drive:
    """The drive of a dosing schedule: Chapters 1, 3 and 4 run once and kept for the next call.

    Parameters
    ----------
    doses : Dose or sequence of Dose
        E.g. :func:`~ketamodel.pharmacology.doses.standard_infusion`.
    t_end_h : float
        Length, h, up to half a year.
    context : float or str
        Where the drug is taken (:data:`~ketamodel.networks.ketamine.CONTEXTS`).
    dt_h : float
        Step, h.
    network_params, plasticity_params : optional
        Parameters of Chapters 4 and 3.
    n_parcels : int
        100 or 200.
    """
    end = check_scalar("t_end_h", t_end_h, low=0.0, high=4320.0, low_open=True)
    dt = check_scalar("dt_h", dt_h, low=0.05, high=24.0)
    nw.check_parcels(n_parcels)
    return _drive(dose_tuple(doses), end, nw.context_value(context), dt,
                  params_or_default("network_params", network_params, nw.NetworkParams),
                  params_or_default("plasticity_params", plasticity_params,
                                    pl.PlasticityParams), int(n_parcels))


def simulate(doses: object = None, t_end_h: float = EIGHT_WEEKS_H, *,
             context: float | str = "neutral", relax: str = "both",
             therapy: Therapy | None = None, params: SelfModelParams | None = None,
             seed: int | np.random.Generator = 0, noise: bool = True, dt_h: float = 1.0,
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
        Length, h (default 8 weeks).
    context : float or str
        Where the drug is taken: it decides which network, and so which
        level, is disrupted more (Chapter 4).
    relax : str
        Which levels follow their network (:data:`RELAX`): ``"both"`` (as the
        network model says), ``"SN"`` or ``"DMN"`` alone, ``"none"``.
    therapy : Therapy, optional
    params : SelfModelParams, optional
    seed, noise
        As for :func:`simulate_drive`.
    dt_h : float
        Step, h.
    network_params, plasticity_params, n_parcels
        As for :func:`drug_drive`.

    Returns
    -------
    SelfModelCourse

    Examples
    --------
    >>> from ketamodel import pharmacology as ph, selfmodel as sm
    >>> c = sm.simulate(ph.standard_infusion(), therapy=sm.Therapy(start_h=24.0))
    >>> bool(c.lasting_revision > 0.0)
    True
    """
    if doses is None:
        drive = no_drug(t_end_h, dt_h)
    else:
        drive = drug_drive(doses, t_end_h, context, dt_h=dt_h, network_params=network_params,
                           plasticity_params=plasticity_params, n_parcels=n_parcels)
    return simulate_drive(drive, therapy=therapy, relax=relax, params=params, seed=seed,
                          noise=noise)
