r"""LHb → RMTg → VTA: habenular bursts shrink the dopamine response to reward.

Phasic dopamine behaves like a temporal-difference reward prediction error
(RPE, :cite:p:`schultz1997neural`). LHb neurons are excited by cues of no
reward and inhibited by cues of reward, the reverse of dopamine neurons, and
stimulating the LHb inhibits dopamine cells (:cite:p:`matsumoto2007lateral`),
through GABAergic neurons of the rostromedial tegmental nucleus (RMTg,
:cite:p:`jhou2009rostromedial`; review :cite:p:`hu2020circuits`). We compress
the relay into one divisive gain on the dopamine response to the reward
itself, not on the expectation:

.. math::

    \delta_{DA} = g\,r - V, \qquad g = \frac{1}{1 + w\,f_{burst}}

with :math:`f_{burst}` the LHb burst fraction
(:func:`~ketamodel.reward.habenula.burst_fraction`) and :math:`w` an *assumed*
weight: no study gives the size of the suppression as a function of bursting.
Removing the bursts (:math:`f_{burst} \to 0`) restores the full RPE, :math:`g = 1`.

Where the gain sits decides what it does to learning. On the reward, it is a
*reward sensitivity*: values converge to :math:`g\,r`, as with :math:`\rho` in
the update of the basic model of :cite:t:`huys2013mapping`, equivalent to
:math:`\rho` in the choice rule of the toolbox's agent
(:mod:`~ketamodel.reward.agent`) when :math:`q_0 = 0`. On the whole error,
:math:`g\,(r - V)`, it would be a *learning rate* :math:`g\,\varepsilon`: values
still converge to :math:`r`, only more slowly. The dopamine agonist
pramipexole affected the learning rate more than the reward sensitivity
(:cite:p:`huys2013mapping`), so a dopamine change need not act through
:math:`\rho`; the chapter compares the two readings. For the same expectation,
an omitted reward (:math:`r = 0`) gives the same negative error with or
without bursts; but the expectation is learned and settles at :math:`g` times
the reward rate, so at steady state both readings give the same signal,
:math:`g\,(r - p)`: they differ in what is learned and how fast. The dopamine
dips that LHb excitation causes (:cite:p:`matsumoto2007lateral`) are not
modelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_params, param, params_or_default


@dataclass(frozen=True)
class DopamineParams:
    """Strength of the LHb → RMTg → VTA inhibition (*assumed*)."""

    burst_weight: float = param(
        10.0, "1", "assumed: bursting of a fifth of LHb cells (the depressed default) "
        "roughly thirds the dopamine response to reward; direction from "
        "matsumoto2007lateral, no size measured",
        low_open=False, high=1000.0)

    def __post_init__(self) -> None:
        check_params(self)


def rpe_gain(burst_fraction: ArrayLike, *, params: DopamineParams | None = None) -> np.ndarray:
    r"""Gain of the dopamine response to reward, :math:`1/(1 + w\,f_{burst})`, in (0, 1].

    Parameters
    ----------
    burst_fraction : array_like
        Fraction of LHb neurons firing in bursts, 0-1.
    params : DopamineParams, optional

    Returns
    -------
    ndarray
        1 without bursts, non-increasing in ``burst_fraction``.
    """
    p = params_or_default("params", params, DopamineParams)
    fb = check_array("burst_fraction", burst_fraction, low=0.0, high=1.0)
    return 1.0 / (1.0 + p.burst_weight * fb)


def dopamine_rpe(reward: ArrayLike, expected: ArrayLike, burst_fraction: ArrayLike, *,
                 params: DopamineParams | None = None) -> np.ndarray:
    r"""Dopamine reward prediction error, :math:`g\,r - V`, its reward response scaled by the LHb.

    Parameters
    ----------
    reward : array_like
        Reward received, in [0, 1].
    expected : array_like
        Expected reward :math:`V`, in [0, 1].
    burst_fraction : array_like
        LHb burst fraction, 0-1. All three broadcast together.
    params : DopamineParams, optional
    """
    r = check_array("reward", reward, low=0.0, high=1.0)
    v = check_array("expected", expected, low=0.0, high=1.0)
    g = rpe_gain(burst_fraction, params=params)
    try:
        return g * r - v
    except ValueError:
        raise ValueError(f"reward, expected and burst_fraction must broadcast together, got "
                         f"shapes {r.shape}, {v.shape}, {g.shape}") from None
