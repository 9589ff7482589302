r"""Burst firing of lateral habenula (LHb) neurons: it needs NMDA receptors *and* T-type channels.

A reduced, static model of the LHb population. In rodent models of depression
LHb neurons fire more in bursts; bursts need both NMDA receptors and
low-voltage-activated T-type Ca²⁺ channels, blocking either in the LHb gives a
rapid antidepressant effect, and ketamine (25 mg/kg in rats) abolishes the bursts
(:cite:p:`yang2018ketamine`). More astrocytic Kir4.1 lowers the resting
potential and increases bursting (:cite:p:`cui2018astroglial`); our reading,
as in that paper, is that a hyperpolarised rest removes the inactivation of
T-channels, so a depolarising NMDA input can trigger a rebound burst.

The fraction of neurons that fire in bursts is the product of the two
requirements:

.. math::

    f_{burst}(b, V) = f_{max}\,\underbrace{(1 - b_T)\,h_\infty(V)}_{\text{T-channels available}}
    \;\underbrace{\frac{D^n}{D^n + D_{50}^n}}_{\text{NMDA drive over threshold}},
    \qquad D = 1 - b, \qquad
    h_\infty(V) = \frac{1}{1 + e^{(V - V_h)/k}}

:math:`b` is the NMDA block (0-1, e.g. from
:func:`~ketamodel.reward.block.habenula_block`), :math:`V` the resting potential,
:math:`b_T` a block of T-type channels (0-1), :math:`h_\infty` the
steady-state availability (de-inactivation) of T-channels, a Boltzmann
function with half-inactivation :math:`V_h` and slope :math:`k`, and
:math:`D_{50}, n` the half-point and steepness of the NMDA threshold (a burst
needs a regenerative NMDA current). Hence :math:`f_{burst}` is zero without
NMDA drive or without T-channels, falls as block rises and falls as the rest
depolarises. The mean firing rate of the population mixes tonic and bursting
cells: :math:`r = (1 - f_{burst})\,r_{tonic} + f_{burst}\,r_{burst}`.

Burst statistics (fraction of bursting cells, spikes per burst, rates) were not
retrieved: every number here is *assumed*, chosen to reproduce the
qualitative facts above. Chronic stress also raises the tonic rate of
LHb→VTA cells, with passive coping rather than anhedonia
(:cite:p:`cerniauskas2019chronic`): the link from bursts to anhedonia is a
hypothesis of the source paper, not a settled result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_params, param, params_or_default


@dataclass(frozen=True)
class HabenulaParams:
    """Parameters of the LHb burst model (all *assumed*: LHb burst statistics were not found)."""

    t_half_inactivation_mV: float = param(
        -80.0, "mV", "assumed: order of the half-inactivation of Cav3 (T-type) channels; "
        "no LHb measurement retrieved", low=-120.0, high=0.0,
        spread=(-90.0, -70.0),
        spread_why="10 mV either way, since no LHb measurement was retrieved")
    t_inactivation_slope_mV: float = param(
        6.0, "mV", "assumed: order of the Boltzmann slope of T-channel inactivation",
        high=20.0)
    nmda_half_drive: float = param(
        0.6, "1", "assumed: a burst needs more than half of the NMDA conductance; chosen "
        "so that the peak block of the standard infusion (about 0.45) removes about half "
        "of the bursts", high=1.0, high_open=True,
        spread=(0.5, 0.8),
        spread_why="more than half, as the premise says, up to 0.8; the book's 0.6 was chosen to "
        "halve bursting at the peak block, which this range lets go")
    nmda_steepness: float = param(
        4.0, "1", "assumed: a steep threshold, as for a regenerative NMDA current",
        high=20.0)
    max_burst_fraction: float = param(
        1.0, "1", "assumed: all cells could burst with full T-channel availability and "
        "NMDA drive", high=1.0)
    tonic_Hz: float = param(
        2.0, "Hz", "assumed: order of the tonic firing of LHb neurons; not retrieved",
        low_open=False, high=100.0)
    burst_Hz: float = param(
        10.0, "Hz", "assumed: mean rate of a bursting cell (bursts of a few spikes at a few "
        "per second); not retrieved", low_open=False, high=100.0)
    v_rest_healthy_mV: float = param(
        -60.0, "mV", "assumed: a resting potential at which few T-channels are available",
        low=-120.0, high=0.0,
        spread=(-64.0, -56.0),
        spread_why="4 mV either way, a third of the assumed 12-mV gap between the groups")
    v_rest_depressed_mV: float = param(
        -72.0, "mV", "assumed: more hyperpolarised rest, as with more astrocytic Kir4.1 "
        "(cui2018astroglial, direction only)", low=-120.0, high=0.0,
        spread=(-76.0, -68.0),
        spread_why="4 mV either way, a third of the assumed 12-mV gap between the groups")

    def __post_init__(self) -> None:
        check_params(self)


def t_availability(v_mV: ArrayLike, *, t_block: float | ArrayLike = 0.0,
                   params: HabenulaParams | None = None) -> np.ndarray:
    r"""Fraction of T-type channels available to open, :math:`(1 - b_T)\,h_\infty(V)`.

    Parameters
    ----------
    v_mV : array_like
        Membrane (resting) potential, mV, in [-120, 0].
    t_block : float or array_like
        Fraction of T-type channels blocked, 0-1 (default none); broadcasts with ``v_mV``.
    params : HabenulaParams, optional

    Returns
    -------
    ndarray
        Availability, 0-1, increasing as ``v_mV`` falls (de-inactivation).
    """
    p = params_or_default("params", params, HabenulaParams)
    v = check_array("v_mV", v_mV, low=-120.0, high=0.0)
    tb = check_array("t_block", t_block, low=0.0, high=1.0)
    x = (v - p.t_half_inactivation_mV) / p.t_inactivation_slope_mV
    return (1.0 - tb) / (1.0 + np.exp(x))


def nmda_drive_factor(nmda_block: ArrayLike, *, params: HabenulaParams | None = None
                      ) -> np.ndarray:
    r"""Share of bursts the NMDA drive allows, :math:`D^n / (D^n + D_{50}^n)`, :math:`D = 1 - b`.

    Parameters
    ----------
    nmda_block : array_like
        Fraction of NMDA receptors blocked, 0-1.
    params : HabenulaParams, optional

    Returns
    -------
    ndarray
        0 at full block, non-increasing in block, below 1.
    """
    p = params_or_default("params", params, HabenulaParams)
    d = 1.0 - check_array("nmda_block", nmda_block, low=0.0, high=1.0)
    dn = d ** p.nmda_steepness
    return dn / (dn + p.nmda_half_drive ** p.nmda_steepness)


def burst_fraction(nmda_block: ArrayLike, v_rest_mV: ArrayLike, *,
                   t_block: float | ArrayLike = 0.0,
                   params: HabenulaParams | None = None) -> np.ndarray:
    """Fraction of LHb neurons that fire in bursts, at an NMDA block and a resting potential.

    The equation is in the module docstring. Arguments broadcast against each
    other (a grid: ``nmda_block[:, None]`` and ``v_rest_mV[None, :]``).

    Parameters
    ----------
    nmda_block : array_like
        Fraction of NMDA receptors blocked, 0-1.
    v_rest_mV : array_like
        Resting potential, mV, in [-120, 0].
    t_block : float or array_like
        Fraction of T-type Ca²⁺ channels blocked, 0-1 (default 0).
    params : HabenulaParams, optional

    Returns
    -------
    ndarray
        Burst fraction, 0-1: non-increasing in block, in T-block and in resting potential.

    Examples
    --------
    >>> from ketamodel import reward
    >>> p = reward.HabenulaParams()
    >>> float(reward.burst_fraction(0.0, p.v_rest_depressed_mV)) > float(
    ...     reward.burst_fraction(0.0, p.v_rest_healthy_mV))
    True
    """
    p = params_or_default("params", params, HabenulaParams)
    drive = nmda_drive_factor(nmda_block, params=p)
    v = check_array("v_rest_mV", v_rest_mV, low=-120.0, high=0.0)
    avail = t_availability(v, t_block=t_block, params=p)
    try:
        return p.max_burst_fraction * avail * drive
    except ValueError:
        raise ValueError(f"nmda_block, v_rest_mV and t_block must broadcast together, got "
                         f"shapes {drive.shape}, {avail.shape}") from None


def firing_rate(nmda_block: ArrayLike, v_rest_mV: ArrayLike, *,
                t_block: float | ArrayLike = 0.0,
                params: HabenulaParams | None = None) -> np.ndarray:
    r"""Mean firing rate of the LHb population, Hz.

    :math:`r = (1-f_{burst})\,r_{tonic} + f_{burst}\,r_{burst}`.

    Arguments as in :func:`~ketamodel.reward.habenula.burst_fraction`. Used as the rate at which the
    neurons' NMDA channels open when ketamine's trapping block is computed
    (:func:`~ketamodel.reward.block.habenula_block`).
    """
    p = params_or_default("params", params, HabenulaParams)
    fb = burst_fraction(nmda_block, v_rest_mV, t_block=t_block, params=p)
    return (1.0 - fb) * p.tonic_Hz + fb * p.burst_Hz
