r"""Ketamine's acute effect on reward learning: concentration → LHb block → bursts → ρ.

The chain, every link stated:

1. **Concentration** at the receptor over time: any series (e.g.
   ``PKResult.effect_site_uM`` of :func:`~ketamodel.pharmacology.kinetics.simulate`).
2. **Block** of LHb NMDA receptors by trapping
   (:func:`~ketamodel.reward.block.habenula_block`), driven by the neurons' own
   firing: the course is cut into segments of ``segment_h`` (default 2 min);
   in each, the firing rate (:func:`~ketamodel.reward.habenula.firing_rate`) is the
   one at the block reached at the segment's start and the concentration is
   held at its mean over the segment (one propagator per segment keeps days
   fast; the effect site changes over tens of minutes).
3. **Bursts** (:func:`~ketamodel.reward.habenula.burst_fraction`) at that block and the
   resting potential.
4. **Gain of the dopamine response to reward** :math:`g = 1/(1 + w f_{burst})`
   (:func:`~ketamodel.reward.dopamine.rpe_gain`).
5. **Reward sensitivity** :math:`\rho = \rho_{max}\,g^{\kappa}`. This link
   is *assumed* (:class:`~ketamodel.reward.ketamine.RewardLinkParams`): that ρ
   of the PRT agent scales with the dopamine response to reward is the
   hypothesis the chapter explores, not a measurement. With :math:`\kappa = 1`
   the gain scales the reward, which is what ρ does in the update of the basic
   model of :cite:t:`huys2013mapping`; other values of :math:`\kappa` belong on
   a slider. Had the gain scaled the whole prediction error, it would have
   lowered the learning rate instead (:mod:`~ketamodel.reward.dopamine`).

With the default numbers, a depressed LHb (hyperpolarised rest) bursts more,
lowers the gain of the dopamine response to reward and so ρ; ketamine's block
removes bursts and ρ recovers for as long as the block lasts — about an hour,
tailing off over about 12 h with the drug level, since the trapped drug
escapes within minutes in the default scheme. A lasting benefit
needs another mechanism (plasticity, Chapter 3). Ketamine did not reverse
anhedonia-like behaviour in one mouse study (:cite:p:`donahue2014effects`)
but reduced anhedonia in bipolar depression (:cite:p:`lally2014antianhedonic`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_params, check_scalar, param, params_or_default
from ..pharmacology import Dose, PKParams, TrappingParams, simulate
from .agent import AgentParams
from .block import _check_course, habenula_block
from .dopamine import DopamineParams, rpe_gain
from .habenula import HabenulaParams, burst_fraction, firing_rate


@dataclass(frozen=True)
class RewardLinkParams:
    """How the gain of dopamine's response to reward sets the agent's ρ (*assumed*)."""

    rho_max: float = param(
        4.83, "1", "assumed: rho at full gain (no bursts), chosen so that the healthy default LHb "
        "(gain 0.77) gives the toolbox's rho 3.7 (huys2016emfit)", high=1000.0)
    coupling: float = param(
        1.0, "1", "assumed: exponent of the gain in rho; 0 removes the link, a slider "
        "parameter", low_open=False, high=10.0)

    def __post_init__(self) -> None:
        check_params(self)


def rho_from_gain(gain: ArrayLike, *, params: RewardLinkParams | None = None) -> np.ndarray:
    r"""Reward sensitivity :math:`\rho = \rho_{max} g^{\kappa}` from the gain ``gain`` (0-1]."""
    p = params_or_default("params", params, RewardLinkParams)
    g = check_array("gain", gain, high=1.0)
    return p.rho_max * g ** p.coupling


def rho_from_block(nmda_block: ArrayLike, v_rest_mV: ArrayLike, *,
                   habenula: HabenulaParams | None = None,
                   dopamine: DopamineParams | None = None,
                   link: RewardLinkParams | None = None) -> np.ndarray:
    """Reward sensitivity of an LHb at an NMDA block and a resting potential.

    The chain of :func:`~ketamodel.reward.ketamine.reward_course` at one moment:
    bursts (:func:`~ketamodel.reward.habenula.burst_fraction`) → gain of the
    dopamine response to reward (:func:`~ketamodel.reward.dopamine.rpe_gain`) →
    ρ (:func:`~ketamodel.reward.ketamine.rho_from_gain`).

    Parameters
    ----------
    nmda_block : array_like
        Fraction of NMDA receptors blocked, 0-1.
    v_rest_mV : array_like
        Resting potential, mV, in [-120, 0]; broadcasts with ``nmda_block``.
    habenula, dopamine, link : optional
    """
    hp = params_or_default("habenula", habenula, HabenulaParams)
    dp = params_or_default("dopamine", dopamine, DopamineParams)
    lp = params_or_default("link", link, RewardLinkParams)
    return rho_from_gain(rpe_gain(burst_fraction(nmda_block, v_rest_mV, params=hp), params=dp),
                         params=lp)


@dataclass(frozen=True)
class RewardCourse:
    """The chain from concentration to reward sensitivity over time (all arrays share ``t_h``).

    Attributes
    ----------
    t_h : ndarray
        Time, h.
    conc_uM : ndarray
        Drug concentration at the receptor, µM.
    block : ndarray
        LHb NMDA block, 0-1.
    burst_fraction : ndarray
        Fraction of LHb neurons bursting, 0-1.
    firing_Hz : ndarray
        Mean LHb firing rate, Hz.
    rpe_gain : ndarray
        Gain of the dopamine response to reward, (0, 1].
    rho : ndarray
        Reward sensitivity of the PRT agent.
    v_rest_mV : float
        Resting potential of the LHb neurons.
    """

    t_h: np.ndarray
    conc_uM: np.ndarray
    block: np.ndarray
    burst_fraction: np.ndarray
    firing_Hz: np.ndarray
    rpe_gain: np.ndarray
    rho: np.ndarray
    v_rest_mV: float

    def rho_at(self, t_h: float) -> float:
        """Reward sensitivity at time ``t_h`` (h, within the course; linear interpolation)."""
        t = check_scalar("t_h", t_h, low=0.0, high=float(self.t_h[-1]))
        return float(np.interp(t, self.t_h, self.rho))


def reward_course(t_h: ArrayLike, conc_uM: ArrayLike, *, v_rest_mV: float | None = None,
                  segment_h: float = 1.0 / 30.0, habenula: HabenulaParams | None = None,
                  dopamine: DopamineParams | None = None,
                  link: RewardLinkParams | None = None,
                  trapping: TrappingParams | None = None) -> RewardCourse:
    """Block, bursts, reward gain and reward sensitivity over time for any concentration course.

    Parameters
    ----------
    t_h : array_like
        Times of the concentration points, h: 1-D, from 0, increasing, at most 720 h.
    conc_uM : array_like
        Concentration at the receptor, µM, in [0, 1000].
    v_rest_mV : float, optional
        LHb resting potential, mV, in [-120, 0] (default: the depressed value of
        :class:`~ketamodel.reward.habenula.HabenulaParams`).
    segment_h : float
        Length of the segments in which firing rate and concentration are held, h,
        in [1/360, 24] (default 2 min).
    habenula, dopamine, link, trapping : optional

    Returns
    -------
    RewardCourse
        Sampled at the start of every segment and at the end.
    """
    hp = params_or_default("habenula", habenula, HabenulaParams)
    dp = params_or_default("dopamine", dopamine, DopamineParams)
    lp = params_or_default("link", link, RewardLinkParams)
    tp = params_or_default("trapping", trapping, TrappingParams)
    t, c = _check_course(t_h, conc_uM)
    v = hp.v_rest_depressed_mV if v_rest_mV is None else check_scalar(
        "v_rest_mV", v_rest_mV, low=-120.0, high=0.0)
    seg = check_scalar("segment_h", segment_h, low=1.0 / 360.0, high=24.0)
    edges = np.append(np.arange(0.0, t[-1], seg), t[-1])
    if edges[-1] - edges[-2] < 1e-9:
        edges = edges[:-1]
    blocks = [0.0]
    state = None
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        inside = (t > a) & (t < b)
        ts = np.concatenate([[a], t[inside], [b]])
        level = np.trapezoid(np.interp(ts, t, c), ts) / (b - a)     # mean over the segment
        f = float(firing_rate(blocks[-1], v, params=hp))
        res = habenula_block([0.0, b - a], [level, level], f, output_dt_min=(b - a) * 60.0,
                             params=tp, initial=state)
        state = res.final_state
        blocks.append(float(res.block[-1]))
    block = np.clip(np.array(blocks), 0.0, 1.0)
    bf = burst_fraction(block, v, params=hp)
    gain = rpe_gain(bf, params=dp)
    return RewardCourse(t_h=edges, conc_uM=np.interp(edges, t, c), block=block,
                        burst_fraction=bf, firing_Hz=firing_rate(block, v, params=hp),
                        rpe_gain=gain, rho=rho_from_gain(gain, params=lp), v_rest_mV=v)


def ketamine_reward(doses: Dose | list[Dose], t_end_h: float, *,
                    v_rest_mV: float | None = None, segment_h: float = 1.0 / 30.0,
                    pk: PKParams | None = None, habenula: HabenulaParams | None = None,
                    dopamine: DopamineParams | None = None,
                    link: RewardLinkParams | None = None,
                    trapping: TrappingParams | None = None) -> RewardCourse:
    """The reward course driven by ketamine's effect-site concentration after ``doses``.

    See :func:`~ketamodel.reward.ketamine.reward_course`.

    Parameters
    ----------
    doses : Dose or list of Dose
        As for :func:`~ketamodel.pharmacology.kinetics.simulate`.
    t_end_h : float
        End of the course, h, in (0, 720].
    v_rest_mV, segment_h, habenula, dopamine, link, trapping
        As for :func:`~ketamodel.reward.ketamine.reward_course`.
    pk : PKParams, optional
        Pharmacokinetic parameters.
    """
    t_end = check_scalar("t_end_h", t_end_h, low=0.0, high=720.0, low_open=True)
    pkr = simulate(doses, t_end * 60.0, pk=pk)
    return reward_course(pkr.t_min / 60.0, pkr.effect_site_uM, v_rest_mV=v_rest_mV,
                         segment_h=segment_h, habenula=habenula, dopamine=dopamine,
                         link=link, trapping=trapping)


@dataclass(frozen=True)
class AgentGroups:
    """PRT agents of three groups: healthy, depressed, depressed at a time after ketamine.

    Attributes
    ----------
    healthy, depressed, after_ketamine : AgentParams
        Same toolbox parameters but ρ from each LHb state.
    t_after_h : float
        When ``after_ketamine`` is taken, h after the start of the dosing.
    """

    healthy: AgentParams
    depressed: AgentParams
    after_ketamine: AgentParams
    t_after_h: float


def agent_groups(course: RewardCourse, t_after_h: float, *, base: AgentParams | None = None,
                 habenula: HabenulaParams | None = None,
                 dopamine: DopamineParams | None = None,
                 link: RewardLinkParams | None = None) -> AgentGroups:
    """Agents for the three groups, their ρ read from the LHb model without and with the drug.

    Parameters
    ----------
    course : RewardCourse
        A depressed LHb's course under ketamine
        (:func:`~ketamodel.reward.ketamine.ketamine_reward`).
    t_after_h : float
        Time of the "after ketamine" session, h, within the course.
    base : AgentParams, optional
        The other parameters of every agent (default: toolbox values).
    habenula, dopamine, link : optional
        Must be those that made ``course``.
    """
    c = params_or_default("course", course, RewardCourse)
    b = params_or_default("base", base, AgentParams)
    hp = params_or_default("habenula", habenula, HabenulaParams)
    dp = params_or_default("dopamine", dopamine, DopamineParams)
    lp = params_or_default("link", link, RewardLinkParams)
    t = check_scalar("t_after_h", t_after_h, low=0.0, high=float(c.t_h[-1]))

    def rho(v: float) -> float:
        return float(rho_from_block(0.0, v, habenula=hp, dopamine=dp, link=lp))

    return AgentGroups(healthy=replace(b, rho=rho(hp.v_rest_healthy_mV)),
                       depressed=replace(b, rho=rho(hp.v_rest_depressed_mV)),
                       after_ketamine=replace(b, rho=c.rho_at(t)), t_after_h=t)
