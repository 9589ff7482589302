r"""Fitting the PRT agent: likelihood, maximum-likelihood fits, likelihood surfaces, recovery.

The agent and its simulation are in :mod:`~ketamodel.reward.agent`; this
module asks what a participant's choices say about the agent's parameters.

- :func:`neg_log_likelihood` of one participant's sessions;
- :func:`fit_agent`: a maximum-likelihood fit of all five parameters;
- :func:`likelihood_surface`: the likelihood over a grid of ρ and ε for many
  participants in one vectorised run (the other parameters known);
- :func:`recover`: simulate participants with known parameters and estimate
  their ρ and ε again (parameter recovery).

Fits use the toolbox's unconstrained space (:meth:`~ketamodel.reward.agent.AgentParams.fit_space`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize
from scipy.special import expit, logit

from ..params import check_array, check_integer, make_rng, params_or_default
from .agent import AgentParams, _counterbalanced, _on_rich, _run
from .prt import PRTDesign, trial_sequence

#: The accepted shapes of the 0/1 code arrays, by the number of dimensions wanted.
_SHAPES = {2: "(n_sessions, n_trials) or (n_trials,)",
           3: "(n_participants, n_sessions, n_trials) or (n_participants, n_trials)"}


def _code_arrays(stimulus: ArrayLike, choice: ArrayLike, reward: ArrayLike, ndim: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stimulus, choice and reward as int arrays of ``ndim`` dimensions, trials last.

    An array with one dimension fewer gets an axis of length 1 before the trials
    (one session).
    """
    arrays = []
    for name, value in (("stimulus", stimulus), ("choice", choice), ("reward", reward)):
        a = check_array(name, value, high=1.0)
        if a.ndim == ndim - 1:
            a = np.expand_dims(a, -2)
        if a.ndim != ndim or a.shape[-1] == 0 or np.any(a != np.round(a)):
            raise ValueError(f"{name} must be 0/1 codes of shape {_SHAPES[ndim]}, got shape "
                             f"{np.shape(value)}")
        arrays.append(a.astype(int))
    if not arrays[0].shape == arrays[1].shape == arrays[2].shape:
        raise ValueError(f"stimulus, choice and reward must have the same shape, got "
                         f"{[a.shape for a in arrays]}")
    return arrays[0], arrays[1], arrays[2]


def _nll_batch(x: np.ndarray, stim: np.ndarray, choice: np.ndarray, reward: np.ndarray,
               on_rich: np.ndarray) -> np.ndarray:
    """Negative log-likelihoods, vectorised over points and participants.

    ``x`` (k, P, 5): k points of the fit space for each of P participants;
    ``stim``, ``choice``, ``reward`` (P, S, T) and ``on_rich`` (P, S). Returns (k, P):
    each participant's sessions summed.
    """
    k, n_p = x.shape[:2]
    n_s, n_trials = stim.shape[1:]
    n = n_p * n_s
    rep = np.repeat(x, n_s, axis=1)              # (k, n, 5): one row per session
    rho, gamma = np.exp(rep[..., 0]), np.exp(rep[..., 1])
    eps = np.clip(expit(rep[..., 2]), 1e-12, 1 - 1e-12)
    lam = np.clip(expit(rep[..., 3]), 0.0, 1 - 1e-12)
    q0 = np.clip(rep[..., 4], -10.0, 10.0)
    st, ch, rw_ = (a.reshape(n, n_trials) for a in (stim, choice, reward))
    flag = on_rich.reshape(n)
    q = np.zeros((4, k, n))                      # Q(a, s) at index 2 a + s
    q[0] = q[1] = np.where(flag, q0, 0.0)
    q[2] = q[3] = np.where(flag, 0.0, q0)
    cols = np.arange(n)
    total = np.zeros((k, n))
    for t in range(n_trials):
        rich = st[:, t] == 0
        here = np.where(rich, q[0] - q[2], q[1] - q[3])
        other = np.where(rich, q[1] - q[3], q[0] - q[2])
        pref = rho * (lam * here + (1.0 - lam) * other) + np.where(rich, gamma, -gamma)
        total += np.logaddexp(0.0, -(1 - 2 * ch[:, t]) * pref)      # -log p(choice)
        idx = 2 * ch[:, t] + st[:, t]
        old = q[idx, :, cols]                    # (n, k)
        q[idx, :, cols] = old + eps.T * (rw_[:, t][:, None] - old)
    return total.reshape(k, n_p, n_s).sum(axis=2)


def _nll(p: AgentParams, stim: np.ndarray, choice: np.ndarray, reward: np.ndarray,
         on_rich: np.ndarray) -> float:
    """Negative log-likelihood of one participant's sessions (S, T) at ``p``."""
    x = p.fit_space()[None, None, :]
    return float(_nll_batch(x, stim[None], choice[None], reward[None], on_rich[None])[0, 0])


#: Step of the forward differences that give the likelihood's gradient (fit space).
_FD_STEP = 1e-6


def neg_log_likelihood(params: AgentParams, stimulus: ArrayLike, choice: ArrayLike,
                       reward: ArrayLike, *, q0_on_rich: bool | ArrayLike = True) -> float:
    """Negative log-likelihood of the choices of one or more sessions (each starts afresh).

    Parameters
    ----------
    params : AgentParams
    stimulus, choice, reward : array_like
        0/1 codes, shape (n_sessions, n_trials) or (n_trials,).
    q0_on_rich : bool or array_like
        Whether :math:`q_0` sits on the rich response, for all sessions or per
        session (e.g. ``AgentSession.q0_on_rich``).
    """
    p = params_or_default("params", params, AgentParams)
    stim, ch, rew = _code_arrays(stimulus, choice, reward, 2)
    return _nll(p, stim, ch, rew, _on_rich("q0_on_rich", q0_on_rich, (stim.shape[0],)))


@dataclass(frozen=True)
class AgentFit:
    r"""A maximum-likelihood fit of the agent.

    Attributes
    ----------
    params : AgentParams
        The estimate.
    x : ndarray
        The estimate in fit space.
    neg_log_likelihood : float
        At the estimate.
    n_trials : int
        Number of choices fitted.
    """

    params: AgentParams
    x: np.ndarray
    neg_log_likelihood: float
    n_trials: int


#: The box searched in the fit space (x1..x5): rho 0.05-55, gamma 0.02-20, epsilon 3e-4-0.98,
#: lambda 0.0025-0.9975, q0 -3 to 3.
_BOUNDS = ((-3.0, 4.0), (-4.0, 3.0), (-8.0, 4.0), (-6.0, 6.0), (-3.0, 3.0))


def _fit_batch(stimulus: ArrayLike, choice: ArrayLike, reward: ArrayLike, *,
               q0_on_rich: bool | ArrayLike = True, n_starts: int = 3,
               seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """Fits of many participants at once: (x (P, 5), negative log-likelihoods (P,), trials).

    The participants' problems are independent, so their summed likelihood is
    minimised over all parameters together (L-BFGS-B within the box
    :data:`_BOUNDS`): one vectorised run of the trials gives every participant's
    likelihood and five more the whole gradient by forward differences.
    Starts: the toolbox defaults and ``n_starts - 1`` random points around them
    (SD 0.5, the toolbox's prior width); each participant keeps its best.
    """
    stim, ch, rew = _code_arrays(stimulus, choice, reward, 3)
    n_p, n_s = stim.shape[:2]
    if n_p > 1000:
        raise ValueError(f"stimulus: at most 1000 participants per call, got {n_p}")
    flags = _on_rich("q0_on_rich", q0_on_rich, (n_p, n_s))
    k = check_integer("n_starts", n_starts, low=1, high=50)
    rng = make_rng(seed)
    lo, hi = (np.tile(v, n_p) for v in np.array(_BOUNDS).T)
    steps = np.eye(5)[:, None, :] * _FD_STEP                # (5, 1, 5)

    def objective(flat: np.ndarray) -> tuple[float, np.ndarray]:
        x = np.clip(flat, lo, hi).reshape(n_p, 5)
        # Step backwards where a forward step would leave the box.
        sign = np.where(x[None] + steps > hi.reshape(n_p, 5)[None], -1.0, 1.0)
        h = (steps * sign).sum(axis=2)                      # (5, P): the step taken
        points = np.concatenate([x[None], x[None] + steps * sign], axis=0)
        v = _nll_batch(points, stim, ch, rew, flags)        # (6, P)
        grad = ((v[1:] - v[0]) / h).T                       # (P, 5)
        return float(v[0].sum()), grad.ravel()

    x_default = AgentParams().fit_space()
    best_x = np.tile(x_default, (n_p, 1))
    best_f = np.full(n_p, np.inf)
    for i in range(k):
        x0 = np.tile(x_default, (n_p, 1))
        if i > 0:
            x0 = x0 + 0.5 * rng.standard_normal((n_p, 5))
        res = minimize(objective, np.clip(x0.ravel(), lo, hi), method="L-BFGS-B", jac=True,
                       bounds=list(zip(lo, hi, strict=True)),
                       options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-6})
        x = np.clip(res.x, lo, hi).reshape(n_p, 5)
        f = _nll_batch(x[None], stim, ch, rew, flags)[0]
        better = f < best_f
        best_x[better], best_f[better] = x[better], f[better]
    return best_x, best_f, int(n_s * stim.shape[2])


def fit_agent(stimulus: ArrayLike, choice: ArrayLike, reward: ArrayLike, *,
              q0_on_rich: bool | ArrayLike = True, n_starts: int = 3,
              seed: int | np.random.Generator = 0) -> AgentFit:
    r"""Maximum-likelihood estimate of one participant's parameters from PRT choices.

    Minimises :func:`~ketamodel.reward.fit.neg_log_likelihood` over the
    toolbox's fit space with ``scipy.optimize.minimize`` (L-BFGS-B, within a
    box: ρ 0.05-55, γ 0.02-20, ε 3e-4-0.98, λ 0.0025-0.9975, :math:`q_0` ±3),
    with the gradient by forward differences in one vectorised run; from the
    toolbox defaults and ``n_starts - 1`` random starts around them (SD 0.5,
    the toolbox's prior width). Several sessions (rows) share the parameters;
    one 300-trial session identifies :math:`\rho` and :math:`\varepsilon` only
    loosely (:func:`~ketamodel.reward.fit.recover`).

    Parameters
    ----------
    stimulus, choice, reward : array_like
        0/1 codes, shape (n_sessions, n_trials) or (n_trials,).
    q0_on_rich : bool or array_like
        Whether :math:`q_0` sits on the rich response: for all sessions or per
        session (e.g. ``AgentSession.q0_on_rich``).
    n_starts : int
        Starting points, in [1, 50].
    seed : int or numpy.random.Generator

    Returns
    -------
    AgentFit
    """
    stim, ch, rew = _code_arrays(stimulus, choice, reward, 2)
    flags = _on_rich("q0_on_rich", q0_on_rich, (stim.shape[0],))
    x, f, n_trials = _fit_batch(stim[None], ch[None], rew[None], q0_on_rich=flags[None],
                                n_starts=n_starts, seed=seed)
    return AgentFit(params=AgentParams.from_fit_space(x[0]), x=x[0],
                    neg_log_likelihood=float(f[0]), n_trials=n_trials)


@dataclass(frozen=True)
class LikelihoodSurface:
    r"""Negative log-likelihood of participants over a grid of ρ and ε.

    The other parameters (γ, λ, :math:`q_0`) are held at ``base``.

    Attributes
    ----------
    rho, epsilon : ndarray
        The grid, 1-D.
    nll : ndarray
        Shape (n_participants, len(rho), len(epsilon)).
    best_rho, best_epsilon : ndarray
        Per participant, the grid point of highest likelihood.
    base : AgentParams
        The parameters held fixed.
    """

    rho: np.ndarray
    epsilon: np.ndarray
    nll: np.ndarray
    best_rho: np.ndarray
    best_epsilon: np.ndarray
    base: AgentParams


#: Default grids of :func:`likelihood_surface`: ρ 0.1-60 and ε 1e-4-0.9, log-spaced.
_RHO_GRID = (0.1, 60.0, 40)
_EPSILON_GRID = (1e-4, 0.9, 40)


def likelihood_surface(stimulus: ArrayLike, choice: ArrayLike, reward: ArrayLike, *,
                       rho: ArrayLike | None = None, epsilon: ArrayLike | None = None,
                       base: AgentParams | None = None,
                       q0_on_rich: bool | ArrayLike = True) -> LikelihoodSurface:
    r"""The likelihood of each participant's choices over a grid of ρ and ε, in one run.

    Every grid point of every participant is evaluated in one vectorised pass
    over the trials, so the surface of many participants costs about as much
    as one. Its minimum is a maximum-likelihood estimate of ρ and ε with the
    other parameters known; its shape shows what the data can tell apart (a
    ridge along which ρ and ε trade off).

    Parameters
    ----------
    stimulus, choice, reward : array_like
        0/1 codes, shape (n_participants, n_sessions, n_trials), or
        (n_participants, n_trials) for one session each.
    rho, epsilon : array_like, optional
        1-D grids, ρ in (0, 1000] and ε in (0, 1) (default: 40 log-spaced
        values each, ρ 0.1-60, ε 1e-4-0.9); at most 4000 points in all.
        An estimate on the edge of a grid means the best value lies at or
        beyond it.
    base : AgentParams, optional
        γ, λ and :math:`q_0` (default: toolbox values).
    q0_on_rich : bool or array_like
        As for :func:`~ketamodel.reward.fit.fit_agent`, shape
        (n_participants, n_sessions) if an array.

    Returns
    -------
    LikelihoodSurface
    """
    b = params_or_default("base", base, AgentParams)
    stim, ch, rew = _code_arrays(stimulus, choice, reward, 3)
    n_p, n_s = stim.shape[:2]
    flags = _on_rich("q0_on_rich", q0_on_rich, (n_p, n_s))
    r = np.geomspace(*_RHO_GRID) if rho is None else check_array("rho", rho, high=1000.0,
                                                                  ndim=1)
    e = np.geomspace(*_EPSILON_GRID) if epsilon is None else check_array(
        "epsilon", epsilon, high=1.0, ndim=1)
    if r.size == 0 or np.any(r <= 0):
        raise ValueError(f"rho must hold values in (0, 1000], got {r.tolist()[:5]}")
    if e.size == 0 or np.any(e <= 0) or np.any(e >= 1):
        raise ValueError(f"epsilon must hold values in (0, 1), got {e.tolist()[:5]}")
    if r.size * e.size > 4000 or n_p * n_s * r.size * e.size > 2_000_000:
        raise ValueError(f"rho, epsilon: the grid ({r.size} x {e.size}) times the sessions "
                         f"({n_p * n_s}) must be at most 4000 points and 2e6 in all")
    rr, ee = np.meshgrid(r, e, indexing="ij")
    x = np.empty((rr.size, n_p, 5))
    x[..., 0] = np.log(rr.ravel())[:, None]
    x[..., 1] = np.log(b.gamma)
    x[..., 2] = logit(ee.ravel())[:, None]
    x[..., 3] = logit(b.lam)
    x[..., 4] = b.q0
    nll = _nll_batch(x, stim, ch, rew, flags).T.reshape(n_p, r.size, e.size)
    best = nll.reshape(n_p, -1).argmin(axis=1)
    return LikelihoodSurface(rho=r, epsilon=e, nll=nll, best_rho=rr.ravel()[best],
                             best_epsilon=ee.ravel()[best], base=b)


def recover(params: AgentParams, *, n_participants: int = 20, n_sessions: int = 1,
            rho: ArrayLike | None = None, epsilon: ArrayLike | None = None,
            seed: int = 0) -> LikelihoodSurface:
    """Parameter recovery: simulate participants with ``params``, then estimate their ρ and ε.

    Each participant does ``n_sessions`` sessions of the PRT (each with its own
    trial sequence; :math:`q_0` on a fixed key, the rich stimulus
    counterbalanced across participants), and its ρ and ε are estimated on a
    grid by :func:`~ketamodel.reward.fit.likelihood_surface`, with γ, λ and
    :math:`q_0` held at their true values.

    Parameters
    ----------
    params : AgentParams
        The generating parameters.
    n_participants : int
        In [1, 500].
    n_sessions : int
        Sessions per participant, in [1, 20].
    rho, epsilon : array_like, optional
        The grids (see :func:`~ketamodel.reward.fit.likelihood_surface`).
    seed : int
        Seed, a whole number >= 0.
    """
    p = params_or_default("params", params, AgentParams)
    n_p = check_integer("n_participants", n_participants, low=1, high=500)
    n_s = check_integer("n_sessions", n_sessions, low=1, high=20)
    rng = make_rng(check_integer("seed", seed, low=0))
    seq = trial_sequence(rng, n_sessions=n_p * n_s)
    on_rich = np.repeat(_counterbalanced(n_p), n_s)          # fixed per participant
    n_trials = seq.stimulus.shape[1]
    _, choice, reward = _run(p, None, seq.stimulus, rng.random((n_trials, n_p * n_s)),
                             rng.random((n_trials, n_p * n_s)), PRTDesign(), on_rich)
    shape = (n_p, n_s, n_trials)
    return likelihood_surface(seq.stimulus.reshape(shape), choice.T.reshape(shape),
                              reward.T.reshape(shape), rho=rho, epsilon=epsilon, base=p,
                              q0_on_rich=on_rich.reshape(n_p, n_s))
