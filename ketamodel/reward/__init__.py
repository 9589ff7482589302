"""Reward circuits: lateral habenula bursts, dopamine, and reward learning in the PRT.

Chapter 2 of the book. The chain, one module each:

1. :mod:`~ketamodel.reward.habenula` — the fraction of lateral habenula (LHb)
   neurons that fire in bursts, which needs NMDA receptors and T-type Ca²⁺
   channels, and grows with a hyperpolarised rest (:cite:p:`yang2018ketamine`;
   :cite:p:`cui2018astroglial`); all its numbers are assumed.
2. :mod:`~ketamodel.reward.block` — the NMDA block of LHb neurons from the
   trapping scheme of :mod:`ketamodel.pharmacology`, driven by any
   concentration course and by the neurons' own firing, over hours and days.
3. :mod:`~ketamodel.reward.dopamine` — LHb → RMTg → VTA: bursts divide the
   dopamine response to reward, and so the reward prediction error (:cite:p:`matsumoto2007lateral`;
   :cite:p:`jhou2009rostromedial`; :cite:p:`schultz1997neural`).
4. :mod:`~ketamodel.reward.prt`, :mod:`~ketamodel.reward.agent` and
   :mod:`~ketamodel.reward.fit` — the
   probabilistic reward task and the reinforcement-learning agent of
   :cite:t:`huys2013mapping`, where anhedonia is a low reward sensitivity ρ.
5. :mod:`~ketamodel.reward.ketamine` — ketamine's acute effect, from
   concentration to ρ (the last link assumed).

Stable entry points (results are frozen dataclasses of arrays whose names
carry units):

- ``burst_fraction(nmda_block, v_rest_mV, *, t_block=0.0)`` → ndarray, 0-1;
  ``firing_rate(...)`` → Hz.
- ``habenula_block(t_h, conc_uM, firing_Hz)`` → :class:`~ketamodel.reward.block.HabenulaBlock`
  (``t_h``, ``block``, ``trapped_fraction``, ``final_state``);
  ``habenula_block_schedule(t_h, conc_uM, start_h, firing_Hz)`` →
  :class:`~ketamodel.reward.block.ScheduledBlock`: firing that changes over time.
- ``rpe_gain(burst_fraction)`` → ndarray in (0, 1].
- ``trial_sequence(seed, *, n_sessions=1)`` → :class:`~ketamodel.reward.prt.PRTSequence`;
  ``prt_measures(stimulus, choice, block)`` → :class:`~ketamodel.reward.prt.PRTMeasures`
  (``response_bias``, ``discriminability``).
- ``simulate_agents(params, *, n_agents, seed)`` → :class:`~ketamodel.reward.agent.AgentSession`;
  ``fit_agent(stimulus, choice, reward)`` → :class:`~ketamodel.reward.fit.AgentFit`;
  ``likelihood_surface(stimulus, choice, reward)`` (many participants over a grid of ρ
  and ε in one run) and ``recover(params)`` (simulate, then estimate) →
  :class:`~ketamodel.reward.fit.LikelihoodSurface`;
  ``low_rho_or_low_epsilon(rho_low)`` → :class:`~ketamodel.reward.agent.BiasComparison`;
  ``bias_by_rho(rho)`` → mean response bias per block at each ρ (one vectorised run).
- ``reward_course(t_h, conc_uM, *, v_rest_mV)`` and
  ``ketamine_reward(doses, t_end_h)`` → :class:`~ketamodel.reward.ketamine.RewardCourse` (``t_h``,
  ``block``, ``burst_fraction``, ``rpe_gain``, ``rho``);
  ``rho_from_block(nmda_block, v_rest_mV)`` → ρ at one moment;
  ``agent_groups(course, t_after_h)`` → :class:`~ketamodel.reward.ketamine.AgentGroups`.
- ``check_prt_answer(rc, ri, lc, li, log_b=, log_d=)`` →
  :class:`~ketamodel.reward.selfcheck.Feedback`: a hand computation checked, with
  the mistake it matches named (:mod:`~ketamodel.reward.selfcheck`).

Bad input raises ``ValueError`` naming the parameter and its range. Every
public name of the submodules is re-exported here
(``ketamodel.reward.burst_fraction``). These are teaching models, not
clinical tools.
"""

from __future__ import annotations

from .agent import (
    AgentParams,
    AgentSession,
    BiasComparison,
    bias_by_rho,
    low_rho_or_low_epsilon,
    simulate_agents,
)
from .block import HabenulaBlock, ScheduledBlock, habenula_block, habenula_block_schedule
from .dopamine import DopamineParams, dopamine_rpe, rpe_gain
from .fit import (
    AgentFit,
    LikelihoodSurface,
    fit_agent,
    likelihood_surface,
    neg_log_likelihood,
    recover,
)
from .habenula import (
    HabenulaParams,
    burst_fraction,
    firing_rate,
    nmda_drive_factor,
    t_availability,
)
from .ketamine import (
    AgentGroups,
    RewardCourse,
    RewardLinkParams,
    agent_groups,
    ketamine_reward,
    reward_course,
    rho_from_block,
    rho_from_gain,
)
from .prt import (
    PRTDesign,
    PRTMeasures,
    PRTSequence,
    log_discriminability,
    log_response_bias,
    prt_measures,
    trial_sequence,
)
from .selfcheck import Feedback, check_prt_answer

__all__ = [
    "AgentFit", "AgentGroups", "AgentParams", "AgentSession", "BiasComparison",
    "DopamineParams", "Feedback", "HabenulaBlock", "HabenulaParams", "LikelihoodSurface",
    "PRTDesign", "PRTMeasures", "PRTSequence", "RewardCourse", "RewardLinkParams",
    "ScheduledBlock", "agent_groups", "bias_by_rho", "burst_fraction", "check_prt_answer",
    "dopamine_rpe", "firing_rate", "fit_agent", "habenula_block", "habenula_block_schedule",
    "ketamine_reward", "likelihood_surface", "log_discriminability", "log_response_bias",
    "low_rho_or_low_epsilon", "neg_log_likelihood", "nmda_drive_factor", "prt_measures",
    "recover", "reward_course", "rho_from_block", "rho_from_gain", "rpe_gain", "simulate_agents",
    "t_availability", "trial_sequence",
]
