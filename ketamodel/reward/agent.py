r"""The reinforcement-learning agent of Huys et al. (2013) in the probabilistic reward task.

The model ``llbgelq0`` of the emfit toolbox (:cite:p:`huys2016emfit`;
:cite:p:`huys2013mapping`). On a trial with stimulus :math:`s` (the other
stimulus :math:`s'`) the agent weighs each response :math:`a`:

.. math::

    W(a|s) = \rho\,[\lambda\,Q(a,s) + (1-\lambda)\,Q(a,s')] + \gamma\,I(a,s), \qquad
    p(a|s) = \frac{e^{W(a|s)}}{\sum_{a'} e^{W(a'|s)}}

and after the outcome :math:`r \in \{0, 1\}` updates the value of what it did,
:math:`Q(a,s) \leftarrow Q(a,s) + \varepsilon\,(r - Q(a,s))`.
:math:`\rho` is the reward sensitivity, :math:`\varepsilon` the learning
rate, :math:`\gamma` the weight of the instruction :math:`I(a,s)` (1 for the
correct response, 0 otherwise), :math:`\lambda` how well the agent tells the
stimuli apart, and :math:`q_0` the initial value, put on one fixed key in both
states (our reading of "initial value on one action"); with the rich stimulus
counterbalanced across participants, that key is the rich response for half of
them (:func:`~ketamodel.reward.agent.simulate_agents`). Across six data sets,
depression and anhedonia lowered :math:`\rho` more than they affected
:math:`\varepsilon`, while pramipexole showed the opposite pattern
(:cite:p:`huys2013mapping`):
:func:`~ketamodel.reward.agent.low_rho_or_low_epsilon` shows why the data can
tell them apart although both lower the final bias.

Fits (:mod:`~ketamodel.reward.fit`) use the toolbox's unconstrained space:
:math:`\rho = e^{x_1}`,
:math:`\gamma = e^{x_2}`, :math:`\varepsilon = \mathrm{logistic}(x_3)`,
:math:`\lambda = \mathrm{logistic}(x_4)`, :math:`q_0 = x_5`.

Simulation is vectorised over agents; 1000 agents × 300 trials take a few tens
of milliseconds:

>>> import time
>>> from ketamodel import reward
>>> t0 = time.perf_counter()
>>> session = reward.simulate_agents(n_agents=1000, seed=1)
>>> time.perf_counter() - t0 < 0.1
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, logit

from ..params import (
    check_array,
    check_instance,
    check_integer,
    check_params,
    check_scalar,
    make_rng,
    param,
    params_or_default,
)
from .prt import PRTDesign, PRTSequence, prt_measures, trial_sequence

_TOOLBOX = ("huys2016emfit; default of the toolbox's surrogate-data code, not a fitted "
            "group mean")


@dataclass(frozen=True)
class AgentParams:
    """Parameters of the PRT agent (defaults: emfit surrogate values, :cite:p:`huys2016emfit`)."""

    rho: float = param(3.7, "1", _TOOLBOX + " (reward sensitivity)", high=1000.0)
    gamma: float = param(1.35, "1", _TOOLBOX + " (instruction sensitivity)", high=1000.0)
    epsilon: float = param(0.12, "1", _TOOLBOX + " (learning rate)", high=1.0,
                           high_open=True)
    lam: float = param(0.52, "1", _TOOLBOX + " (stimulus discrimination)", high=1.0,
                       high_open=True)
    q0: float = param(-0.1, "1", _TOOLBOX + " (initial value)", low=-10.0, high=10.0,
                      low_open=False)

    def __post_init__(self) -> None:
        check_params(self)

    def fit_space(self) -> np.ndarray:
        """The parameters in the toolbox's fit space, ``[x1, ..., x5]``."""
        return np.array([np.log(self.rho), np.log(self.gamma), logit(self.epsilon),
                         logit(self.lam), self.q0])

    @classmethod
    def from_fit_space(cls, x: ArrayLike) -> AgentParams:
        """Parameters from a point ``x`` (5 numbers, each in [-20, 20]) of the fit space."""
        v = check_array("x", x, low=-20.0, high=20.0, ndim=1)
        if v.shape != (5,):
            raise ValueError(f"x must hold 5 numbers (x1..x5), got shape {v.shape}")
        return cls(rho=float(np.exp(v[0])), gamma=float(np.exp(v[1])),
                   epsilon=float(np.clip(expit(v[2]), 1e-12, 1 - 1e-12)),
                   lam=float(np.clip(expit(v[3]), 0.0, 1 - 1e-12)),
                   q0=float(np.clip(v[4], -10.0, 10.0)))


@dataclass(frozen=True)
class AgentSession:
    """Choices of simulated agents in the PRT.

    Attributes
    ----------
    stimulus, choice, reward : ndarray of int
        Shape (n_agents, n_trials); stimulus and choice coded 0 = rich, 1 = lean.
    p_rich : ndarray
        Probability the agent gave the "rich" response on each trial, 0-1.
    block : ndarray of int
        Block of each trial, shape (n_trials,).
    q0_on_rich : ndarray of bool
        Per agent: whether the initial value :math:`q_0` sits on the rich response
        (the key that carries it is the rich one) or on the lean one.
    """

    stimulus: np.ndarray
    choice: np.ndarray
    reward: np.ndarray
    p_rich: np.ndarray
    block: np.ndarray
    q0_on_rich: np.ndarray

    def measures(self):
        """Response bias and discriminability per agent and block.

        See :func:`~ketamodel.reward.prt.prt_measures`.
        """
        return prt_measures(self.stimulus, self.choice, self.block)


def _initial_q(n: int, p: AgentParams, on_rich: np.ndarray) -> np.ndarray:
    """Q at the start, flat: entry ``(2 a + s) * n + agent``; q0 on one response in both states.

    ``on_rich`` (n,) says, per agent, whether that response is the rich one (a = 0).
    """
    q = np.zeros(4 * n)
    q[:n] = q[n:2 * n] = np.where(on_rich, p.q0, 0.0)
    q[2 * n:3 * n] = q[3 * n:] = np.where(on_rich, 0.0, p.q0)
    return q


def _counterbalanced(n: int) -> np.ndarray:
    """Half the agents with q0 on the rich response, half on the lean one (alternating)."""
    return np.arange(n) % 2 == 0


def _on_rich(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Flags of the given shape from True, False, or an array of booleans or 0/1."""
    if isinstance(value, bool | np.bool_):
        return np.full(shape, bool(value))
    raw = np.asarray(value) if isinstance(value, np.ndarray | list | tuple) else None
    a = raw.astype(float) if raw is not None and raw.dtype == bool else check_array(
        name, value, high=1.0)
    if a.shape != shape or np.any((a != 0) & (a != 1)):
        raise ValueError(f"{name} must be True, False or 0/1 flags of shape {shape} (one per "
                         f"session), got shape {a.shape}")
    return a.astype(bool)


def _preference(q: np.ndarray, rich: np.ndarray, n: int, p: AgentParams,
                rho: float | np.ndarray | None = None) -> np.ndarray:
    """W(rich response | s) - W(lean response | s) for every agent; ``rich`` is s == 0."""
    q00, q01, q10, q11 = q[:n], q[n:2 * n], q[2 * n:3 * n], q[3 * n:]
    here = np.where(rich, q00 - q10, q01 - q11)          # Q(a, s) difference
    other = np.where(rich, q01 - q11, q00 - q10)         # Q(a, s') difference
    rho = p.rho if rho is None else rho
    return rho * (p.lam * here + (1.0 - p.lam) * other) + np.where(rich, p.gamma, -p.gamma)


def simulate_agents(params: AgentParams | None = None, *, n_agents: int = 1000,
                    sequence: PRTSequence | None = None, design: PRTDesign | None = None,
                    counterbalance: bool = True,
                    seed: int | np.random.Generator = 0) -> AgentSession:
    """Simulate ``n_agents`` agents with the same parameters in the PRT.

    Parameters
    ----------
    params : AgentParams, optional
        Agent parameters (default: toolbox values).
    n_agents : int
        Number of agents, in [1, 1000000].
    sequence : PRTSequence, optional
        Stimuli: one session shared by all agents or one per agent (default: one
        sequence drawn from ``seed``, 3 blocks × 100 trials).
    design : PRTDesign, optional
        Reward probabilities.
    counterbalance : bool
        The initial value :math:`q_0` sits on one fixed key, and which stimulus is
        rich is counterbalanced across participants, as in the task and in the
        toolbox's surrogate data: with True (default) every other agent has
        :math:`q_0` on the rich response; with False all do.
    seed : int or numpy.random.Generator
        Seed (whole number >= 0) or generator; same seed, same choices.

    Returns
    -------
    AgentSession
    """
    p = params_or_default("params", params, AgentParams)
    d = params_or_default("design", design, PRTDesign)
    n = check_integer("n_agents", n_agents, low=1, high=1_000_000)
    cb = check_instance("counterbalance", counterbalance, bool)
    on_rich = _counterbalanced(n) if cb else np.ones(n, dtype=bool)
    rng = make_rng(seed)
    seq = trial_sequence(rng) if sequence is None else params_or_default(
        "sequence", sequence, PRTSequence)
    stim = seq.stimulus
    if stim.shape[0] not in (1, n):
        raise ValueError(f"sequence must hold 1 session or one per agent ({n}), got "
                         f"{stim.shape[0]}")
    stim = np.broadcast_to(stim, (n, stim.shape[1]))
    n_trials = stim.shape[1]
    u_choice = rng.random((n_trials, n))
    u_reward = rng.random((n_trials, n))
    p_rich, choice, reward = _run(p, None, stim, u_choice, u_reward, d, on_rich)
    return AgentSession(stimulus=np.array(stim), choice=choice.T.copy(), reward=reward.T.copy(),
                        p_rich=p_rich.T.copy(), block=seq.block, q0_on_rich=on_rich)


def _run(p: AgentParams, rho: np.ndarray | None, stim: np.ndarray, u_choice: np.ndarray,
         u_reward: np.ndarray, d: PRTDesign, on_rich: np.ndarray
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The trial loop: ``stim`` (agents, trials), uniforms (trials, agents); ρ per agent."""
    n, n_trials = stim.shape
    p_reward = np.array([d.p_reward_rich, d.p_reward_lean])
    rows = np.arange(n)
    q = _initial_q(n, p, on_rich)
    stim_t = np.ascontiguousarray(stim.T)
    rich_t = stim_t == 0
    p_rich = np.empty((n_trials, n))
    choice = np.empty((n_trials, n), dtype=int)
    reward = np.empty((n_trials, n), dtype=int)
    for t in range(n_trials):
        s = stim_t[t]
        p_rich[t] = expit(_preference(q, rich_t[t], n, p, rho))
        a = (u_choice[t] >= p_rich[t]).astype(int)
        r = ((a == s) & (u_reward[t] < p_reward[s])).astype(int)
        idx = (2 * a + s) * n + rows
        q[idx] += p.epsilon * (r - q[idx])
        choice[t], reward[t] = a, r
    return p_rich, choice, reward


def bias_by_rho(rho: ArrayLike, *, base: AgentParams | None = None, n_agents: int = 200,
                seed: int | np.random.Generator = 0) -> np.ndarray:
    r"""Mean response bias per block of ``n_agents`` agents at each reward sensitivity ``rho``.

    All values of ρ are simulated in one vectorised run, with *common random
    numbers*: the same trial sequence and the same uniform draws for the
    agents of every ρ, so that the curve against ρ is smooth and differences
    come from ρ alone. The agents of each ρ are counterbalanced as in
    :func:`~ketamodel.reward.agent.simulate_agents`, so a row equals
    ``simulate_agents`` with the same seed and ``n_agents``.

    Parameters
    ----------
    rho : array_like
        Reward sensitivities, 1-D, each in [0, 1000].
    base : AgentParams, optional
        The other parameters (default: toolbox values); its ``rho`` is ignored.
    n_agents : int
        Agents per value of ρ, in [1, 100000]; ``len(rho) * n_agents`` at most 10⁶.
    seed : int or numpy.random.Generator

    Returns
    -------
    ndarray
        Mean :math:`\log b`, shape (len(rho), n_blocks).
    """
    b = params_or_default("base", base, AgentParams)
    r = check_array("rho", rho, high=1000.0, ndim=1)
    if r.size == 0:
        raise ValueError("rho must hold at least one value, got an empty array")
    n = check_integer("n_agents", n_agents, low=1, high=100_000)
    if r.size * n > 1_000_000:
        raise ValueError(f"n_agents: len(rho) * n_agents must be at most 1000000, got "
                         f"{r.size} * {n}")
    rng = make_rng(seed)
    seq = trial_sequence(rng)
    n_trials = seq.stimulus.shape[1]
    u_choice = np.tile(rng.random((n_trials, n)), (1, r.size))
    u_reward = np.tile(rng.random((n_trials, n)), (1, r.size))
    stim = np.broadcast_to(seq.stimulus, (r.size * n, n_trials))
    _, choice, _ = _run(b, np.repeat(r, n), stim, u_choice, u_reward, PRTDesign(),
                        np.tile(_counterbalanced(n), r.size))
    m = prt_measures(stim, choice.T, seq.block)
    return m.response_bias.reshape(r.size, n, -1).mean(axis=1)


@dataclass(frozen=True)
class BiasComparison:
    r"""Mean response bias per block of three groups of agents.

    Made by :func:`~ketamodel.reward.agent.low_rho_or_low_epsilon`.

    Attributes
    ----------
    block : ndarray of int
        Block numbers, from 0.
    reference, low_rho, low_epsilon : ndarray
        Mean :math:`\log b` per block: default agents, agents with a low reward
        sensitivity, agents with the learning rate that gives the same last-block bias.
    rho_low, epsilon_matched : float
        The two changed parameters.
    """

    block: np.ndarray
    reference: np.ndarray
    low_rho: np.ndarray
    low_epsilon: np.ndarray
    rho_low: float
    epsilon_matched: float


def _mean_bias(p: AgentParams, n: int, seq: PRTSequence, design: PRTDesign, seed: int
               ) -> np.ndarray:
    return simulate_agents(p, n_agents=n, sequence=seq, design=design,
                           seed=seed).measures().response_bias.mean(axis=0)


def low_rho_or_low_epsilon(rho_low: float = 1.0, *, params: AgentParams | None = None,
                           n_agents: int = 2000, design: PRTDesign | None = None,
                           seed: int = 0) -> BiasComparison:
    r"""Two ways to a low final bias: a low reward sensitivity or a low learning rate.

    Agents with ``rho = rho_low`` learn at the usual rate, so their bias
    appears in the first block and stays low; the learning rate that gives
    agents with the usual :math:`\rho` the same bias in the last block is
    found on a grid (common random numbers, linear interpolation), and their
    bias *grows* across blocks. The trajectory separates the two accounts
    (:cite:p:`huys2013mapping`).

    Parameters
    ----------
    rho_low : float
        Reduced reward sensitivity, in (0, params.rho).
    params : AgentParams, optional
        The reference agent.
    n_agents : int
        Agents per group, in [100, 100000].
    design : PRTDesign, optional
    seed : int
        Seed, a whole number >= 0; the groups share it.
    """
    p = params_or_default("params", params, AgentParams)
    d = params_or_default("design", design, PRTDesign)
    rl = check_scalar("rho_low", rho_low, low=0.0, high=p.rho, low_open=True, high_open=True)
    n = check_integer("n_agents", n_agents, low=100, high=100000)
    sd = check_integer("seed", seed, low=0)
    seq = trial_sequence(sd)
    ref = _mean_bias(p, n, seq, d, sd)
    low_rho = _mean_bias(AgentParams(rho=rl, gamma=p.gamma, epsilon=p.epsilon, lam=p.lam,
                                     q0=p.q0), n, seq, d, sd)
    grid = np.geomspace(p.epsilon * 1e-3, p.epsilon, 25)
    final = np.array([_mean_bias(AgentParams(rho=p.rho, gamma=p.gamma, epsilon=e, lam=p.lam,
                                             q0=p.q0), n, seq, d, sd)[-1] for e in grid])
    order = np.argsort(final)
    eps = float(np.interp(low_rho[-1], final[order], grid[order]))
    low_eps = _mean_bias(AgentParams(rho=p.rho, gamma=p.gamma, epsilon=eps, lam=p.lam,
                                     q0=p.q0), n, seq, d, sd)
    return BiasComparison(block=np.arange(ref.size), reference=ref, low_rho=low_rho,
                          low_epsilon=low_eps, rho_low=rl, epsilon_matched=eps)
