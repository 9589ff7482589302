r"""From the model's levels to the clinic's scales: MADRS, CADSS and ego dissolution.

Plain functions of arrays (they broadcast), so that one person and a cohort
go through the same lines.

**Depression severity** (:func:`madrs`):

.. math::

    \mathrm{MADRS}(t) = B\,[1 - n(t)]\,[1 - \min(1, G\,u\,A(t))]\,[1 - w_s\,s(t)],

- :math:`B`, the person's baseline;
- :math:`n(t)`, the non-specific relief of being treated
  (:func:`nonspecific_relief`): expectancy and care, larger when a treatment
  is felt (ketamine, midazolam) than when it is not (saline); it builds over
  hours after the first treatment and fades over weeks after the last, and is
  the same, by assumption, for a drug and a placebo that are felt alike (equal
  expectancy);
- :math:`A(t)`, the drug's acute action from Chapters 2 and 3
  (:class:`~ketamodel.unified.levels.Exposure`), scaled by the calibrated
  gain :math:`G` and the person's responsiveness :math:`u`;
- :math:`s(t)`, the revision of the narrative self-belief (Chapter 5), on
  the share :math:`w_s` of the scale that it carries.

The three act on what the others leave (relief multiplies), so no
combination takes the score below 0. A rating adds noise and is a whole
number in [0, 60] (:func:`rate`).

**Phenomenology**: the dissociation and ego-dissolution indices of Chapter 5
(0-1) are shown on the range of the CADSS (0-92) and of an ego-dissolution
item (0-100), as *model quantities on a familiar range*: the maps are linear
by assumption and no study has compared them with ratings.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ..params import check_array, check_scalar, params_or_default
from .params import OutcomeParams, Scales


def _check_broadcast(name: str, a: np.ndarray, other: str, b: np.ndarray) -> None:
    """Refuse ``a`` when it does not broadcast against ``b``, naming ``name``."""
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{name} must broadcast against {other} (shape {b.shape}), got shape "
                         f"{a.shape}") from None


def responsiveness(z: ArrayLike, sd: float) -> np.ndarray:
    r"""A person's responsiveness :math:`u = 2 / (1 + e^{-2\,\mathrm{sd}\,z})`, z standard normal.

    Median and mean 1, bounded in (0, 2), and :math:`\approx 1 + \mathrm{sd}\,z`
    near the middle: nobody responds more than twice as strongly as the
    median person (a bounded, logit-normal spread, *assumed*; the size of the
    spread is calibrated). At the calibrated spread (2) the distribution is
    U-shaped: about a quarter of people hardly respond (:math:`u < 0.1`).

    ``z`` is a number or an array of numbers in [-1000, 1000] (standard
    normal draws); ``sd`` in [0, 3].
    """
    zz = check_array("z", z, low=-1e3, high=1e3)
    s = check_scalar("sd", sd, low=0.0, high=3.0)
    return 2.0 * special.expit(2.0 * s * zz)


def nonspecific_relief(t_h: ArrayLike, level: ArrayLike, *, first_h: float = 0.0,
                       onset_h: float = 2.0, last_h: float | None = None,
                       fade_h: float = np.inf) -> np.ndarray:
    r"""The non-specific relief of being treated: it builds after the first, fades after the last.

    .. math::

        n(t) = n\,\bigl(1 - e^{-(t - t_0)/\tau}\bigr)\,
               e^{-\max(0,\,t - t_1)/\tau_f}, \qquad 0 \text{ before } t_0.

    Parameters
    ----------
    t_h : array_like
        Times, h, finite, in [-10⁶, 10⁶] (0 before ``first_h``).
    level : array_like
        :math:`n` per person (broadcasts against ``t_h``), ≥ 0 and finite, clipped at 0.95.
    first_h : float
        :math:`t_0`, start of the first treatment, h.
    onset_h : float
        :math:`\tau`, h.
    last_h : float, optional
        :math:`t_1`, end of the last treatment, h (default ``first_h``).
    fade_h : float
        :math:`\tau_f`, h (``inf``: it never fades).
    """
    t = check_array("t_h", t_h, low=-1e6, high=1e6)
    lv = check_array("level", level, low=0.0)
    _check_broadcast("level", lv, "t_h", t)
    t0 = check_scalar("first_h", first_h, low=0.0, high=1e6)
    t1 = t0 if last_h is None else check_scalar("last_h", last_h, low=t0, high=1e6)
    tau = check_scalar("onset_h", onset_h, low=1e-9, high=1e6)
    tau_f = float(fade_h)
    if not tau_f > 0:
        raise ValueError(f"fade_h must be > 0 (inf: no fading), got {fade_h!r}")
    n = np.clip(lv, 0.0, 0.95)
    build = np.where(t > t0, -np.expm1(-np.clip(t - t0, 0.0, None) / tau), 0.0)
    return n * build * np.exp(-np.clip(t - t1, 0.0, None) / tau_f)


def madrs(baseline: ArrayLike, nonspecific: ArrayLike, acute: ArrayLike,
          self_revision: ArrayLike, params: OutcomeParams | None = None,
          scales: Scales | None = None) -> np.ndarray:
    r"""Expected MADRS from the three reliefs (see the module); in [0, ``madrs_max``] (60).

    Parameters
    ----------
    baseline : array_like
        :math:`B`, points, in [0, ``madrs_max``].
    nonspecific : array_like
        :math:`n(t)`, 0-0.95 (:func:`nonspecific_relief`).
    acute : array_like
        :math:`G\,u\,A(t)`, ≥ 0 (clipped at 1).
    self_revision : array_like
        :math:`s(t)`, clipped to [-1, 1] (a belief worse than at the start raises severity).
    params : OutcomeParams, optional
    scales : Scales, optional
    """
    p = params_or_default("params", params, OutcomeParams)
    top = params_or_default("scales", scales, Scales).madrs_max
    b = check_array("baseline", baseline, low=0.0, high=top)
    n = check_array("nonspecific", nonspecific, low=0.0, high=0.95)
    a = np.minimum(check_array("acute", acute, low=0.0, high=1e3), 1.0)
    s = np.clip(check_array("self_revision", self_revision, low=-1e3, high=1e3), -1.0, 1.0)
    return np.clip(b * (1.0 - n) * (1.0 - a) * (1.0 - p.self_share * s), 0.0, top)


def rate(expected: ArrayLike, z: ArrayLike, visit_sd: float,
         scales: Scales | None = None) -> np.ndarray:
    """A rating: the expected score plus ``visit_sd`` times z, rounded, in [0, ``madrs_max``].

    ``expected`` (points) is finite, in [-1000, 1000] (it is clipped to the
    scale after the noise); ``z`` finite, in [-1000, 1000], broadcasting
    against it; ``visit_sd`` ≥ 0, points.
    """
    e = check_array("expected", expected, low=-1e3, high=1e3)
    zz = check_array("z", z, low=-1e3, high=1e3)
    _check_broadcast("z", zz, "expected", e)
    sd = check_scalar("visit_sd", visit_sd, low=0.0)
    top = params_or_default("scales", scales, Scales).madrs_max
    return np.clip(np.rint(e + sd * zz), 0.0, top)


def responded(baseline: ArrayLike, score: ArrayLike, scales: Scales | None = None) -> np.ndarray:
    """Response: a fall of at least ``response_fall`` (50 %) from baseline.

    ``baseline`` and ``score`` are ratings in [0, ``madrs_max``] (60) that broadcast.
    """
    sc = params_or_default("scales", scales, Scales)
    b = check_array("baseline", baseline, low=0.0, high=sc.madrs_max)
    x = check_array("score", score, low=0.0, high=sc.madrs_max)
    _check_broadcast("score", x, "baseline", b)
    return x <= (1.0 - sc.response_fall) * b


def remitted(score: ArrayLike, scales: Scales | None = None) -> np.ndarray:
    """Remission: MADRS at or below ``remission_madrs`` (10); ``score`` in [0, ``madrs_max``]."""
    sc = params_or_default("scales", scales, Scales)
    return check_array("score", score, low=0.0, high=sc.madrs_max) <= sc.remission_madrs


def cadss(dissociation: ArrayLike, scales: Scales | None = None) -> np.ndarray:
    """The dissociation index (0-1) on the CADSS range (0-92), linear by assumption."""
    sc = params_or_default("scales", scales, Scales)
    return sc.cadss_max * check_array("dissociation", dissociation, low=0.0, high=1.0)


def ego_score(ego_dissolution: ArrayLike, scales: Scales | None = None) -> np.ndarray:
    """The ego-dissolution index (0-1) on the range of an EDI item (0-100), linear by assumption."""
    sc = params_or_default("scales", scales, Scales)
    return sc.ego_max * check_array("ego_dissolution", ego_dissolution, low=0.0, high=1.0)
