r"""LHb → RMTg → VTA: habenular bursts suppress the dopamine reward prediction error.

Phasic dopamine behaves like a temporal-difference reward prediction error
(RPE, :cite:p:`schultz1997neural`). LHb neurons are excited by cues of no
reward and inhibited by cues of reward, the reverse of dopamine neurons, and
stimulating the LHb inhibits dopamine cells (:cite:p:`matsumoto2007lateral`),
through GABAergic neurons of the rostromedial tegmental nucleus (RMTg,
:cite:p:`jhou2009rostromedial`; review :cite:p:`hu2020circuits`). We compress
the relay into one divisive gain on the RPE:

.. math::

    \delta_{DA} = g\,(r - V), \qquad g = \frac{1}{1 + w\,f_{burst}}

with :math:`f_{burst}` the LHb burst fraction
(:func:`~ketamodel.reward.habenula.burst_fraction`) and :math:`w` an *assumed*
weight: no study gives the size of the suppression as a function of bursting.
Removing the bursts (:math:`f_{burst} \to 0`) restores the full RPE, :math:`g = 1`.
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
        "roughly thirds the RPE; direction from matsumoto2007lateral, no size measured",
        low_open=False, high=1000.0)

    def __post_init__(self) -> None:
        check_params(self)


def rpe_gain(burst_fraction: ArrayLike, *, params: DopamineParams | None = None) -> np.ndarray:
    r"""Gain of the dopamine RPE, :math:`1/(1 + w\,f_{burst})`, in (0, 1].

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
    r"""Dopamine reward prediction error, :math:`g\,(r - V)`, scaled by the LHb gain.

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
        return g * (r - v)
    except ValueError:
        raise ValueError(f"reward, expected and burst_fraction must broadcast together, got "
                         f"shapes {r.shape}, {v.shape}, {g.shape}") from None
