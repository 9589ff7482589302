r"""Open-channel trapping block: a kinetic scheme of NMDA channels and a channel blocker.

Five states: C (closed, free), O (open), B (open and blocked), T (closed with
the drug trapped at its deep site) and S (closed with the drug at a
superficial, non-trapping site, from which it leaves a closed channel quickly).

.. math::

    \mathrm{C} \underset{\beta}{\overset{\alpha}{\rightleftharpoons}} \mathrm{O}
    \underset{k_{off}}{\overset{k_{on}c}{\rightleftharpoons}} \mathrm{B}, \qquad
    \mathrm{B} \underset{\alpha}{\overset{p\,\beta}{\rightleftharpoons}} \mathrm{T}
    \underset{k_{CT}}{\overset{k_{esc}}{\rightleftharpoons}} \mathrm{C}, \qquad
    \mathrm{B} \underset{\alpha}{\overset{(1-p)\,\beta}{\rightleftharpoons}} \mathrm{S}
    \underset{k_{CS}}{\overset{k_{rel}}{\rightleftharpoons}} \mathrm{C}

A blocked channel that closes traps the drug with probability :math:`p`
(``TrappingParams.trap_share``). The drug enters a closed channel too,
slowly, so that every cycle obeys microscopic reversibility (the product of
the rates around a cycle is the same in both directions):

.. math:: k_{CT} = k_{esc}\,p\,\frac{k_{on}c}{k_{off}}, \qquad
          k_{CS} = k_{rel}\,(1-p)\,\frac{k_{on}c}{k_{off}} .

Hence, at a fixed concentration, the equilibrium blocked fraction is
:math:`\kappa/(1+\kappa)` with :math:`\kappa = k_{on}c/k_{off}` (:math:`c` the
drug concentration) whatever the firing rate: activity changes how *fast*
block is reached and released, not where it settles. That follows from
reversibility *together with* the scheme's assumption that the drug leaves
gating unchanged (blocked channels open and close at the same rates as free
ones, so closed and open channels bind it equally); a drug that changed the
gating of the channels it blocks can make the settled block depend on
firing. Single-channel recordings show fewer and shorter openings with
ketamine (:cite:p:`orser1997multiple`), which block alone produces; they do
not settle whether blocked channels gate differently.
And whether block settles during a real exposure at all depends on the
assumed escape rate: with slow escape, silent synapses lag active ones for
the whole of an infusion (:func:`simulate_trapping_course`).

Between agonist pulses the channel cannot open; closing (O → C, B → T,
B → S at the deactivation rate) is then one-way by construction, lumping
agonist unbinding into closing: the transmitter release that drives gating
lies outside the scheme. Among the closed states the drug steps stay in
detailed balance, so the driving creates no spurious flux.

The superficial state S reproduces memantine's washout numbers (about one
sixth of the block released within seconds, the rest trapped) but not the
mechanism proposed for them: in :cite:p:`kotermanski2009memantine` memantine
occupies either site in the open channel and leaves from the superficial one
after closing, and partial trapping persists when memantine stays present
after agonist removal, whereas here drug re-enters closed channels through S
and the loss then disappears. The scheme has no voltage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import expm

from .._blas import one_thread
from ..params import check_array, check_params, check_scalar, param, params_or_default

#: Names of the kinetic states, in the order of the state vector.
TRAP_STATES = ("C", "O", "B", "T", "S")
_C, _O, _B, _T, _S = range(len(TRAP_STATES))


@dataclass(frozen=True)
class TrappingParams:
    r"""Rate constants of the five-state trapping scheme (see the module docstring).

    The defaults describe ketamine: it enters open channels only
    (:cite:p:`macdonald1991actions`) and stays trapped in nearly all channels
    that close on it (:cite:p:`kotermanski2009memantine`). Memantine, a
    *partial* trapping blocker, differs in ``trap_share``: about one in six
    blocked channels releases it on closing (:cite:p:`blanpied1997trapping`),
    from a superficial site it leaves with a time constant of about 0.8 s
    (:cite:p:`kotermanski2009memantine`).
    """

    kon_per_M_per_s: float = param(
        3e5, "1/(M·s)", "macdonald1991actions; upper end of the reported 3e4-3e5 range, chosen "
        "so that the kinetic Kd = koff/kon (0.67 µM) is close to the binding IC50 (0.49 µM) "
        "of the occupancy model")
    koff_per_s: float = param(0.2, "1/s", "macdonald1991actions")
    opening_per_s: float = param(
        50.0, "1/s", "assumed: with closing_per_s gives an open probability of 0.5 while "
        "agonist is bound")
    closing_per_s: float = param(50.0, "1/s", "assumed: see opening_per_s")
    deactivation_per_s: float = param(
        20.0, "1/s", "assumed: channel closes ~50 ms after the agonist leaves, the order of "
        "NMDA receptor deactivation")
    escape_per_s: float = param(
        0.002, "1/s", "assumed: slow exit of trapped drug from a closed channel, a teaching "
        "value (time constant about 8 min); kotermanski2009memantine report ketamine trapped "
        "in nearly all channels but no rate. Its reverse, entry into closed channels, follows "
        "from microscopic reversibility (membrane access: orser1997multiple)")
    trap_share: float = param(
        1.0, "1", "kotermanski2009memantine; ketamine is trapped in nearly all channels that "
        "close on it (1 = all). Memantine: 5/6 (blanpied1997trapping, one-sixth released)",
        low=0.0, high=1.0, low_open=False)
    release_per_s: float = param(
        1.27, "1/s", "kotermanski2009memantine; computed: 1 / 0.79 s, memantine's exit from "
        "a closed channel through its superficial site. Used only when trap_share < 1")
    pulse_s: float = param(
        0.1, "s", "assumed: time agonist stays bound after a synaptic release, order of the "
        "NMDA EPSC")

    def __post_init__(self) -> None:
        check_params(self)

    def equilibrium_block(self, conc_uM: ArrayLike) -> np.ndarray:
        r"""Blocked fraction at equilibrium, :math:`\kappa/(1+\kappa)`.

        :math:`\kappa = k_{on}c/k_{off}`, :math:`c` the concentration ``conc_uM`` in µM.
        The same at every firing rate (microscopic reversibility).
        """
        k = self.kon_per_M_per_s * check_array("conc_uM", conc_uM) * 1e-6 / self.koff_per_s
        return k / (1.0 + k)


@dataclass(frozen=True)
class TrappingResult:
    """State of the channel population after each stimulus period.

    Attributes
    ----------
    t_s : ndarray
        Time, s: 0 (the initial state), then the end of each stimulus period.
    blocked_fraction : ndarray
        Fraction of channels with drug inside (open-blocked, trapped or at the
        superficial site), 0-1.
    trapped_fraction : ndarray
        Fraction closed with drug trapped at the deep site (state T), 0-1.
    final_state : ndarray
        Occupancy of the states :data:`TRAP_STATES` at the end, to start a
        following phase.
    """

    t_s: np.ndarray
    blocked_fraction: np.ndarray
    trapped_fraction: np.ndarray
    final_state: np.ndarray

    def at(self, t_s: float) -> float:
        """Blocked fraction at time ``t_s`` (linear interpolation between periods)."""
        t = check_scalar("t_s", t_s, low=0.0, high=float(self.t_s[-1]))
        return float(np.interp(t, self.t_s, self.blocked_fraction))


def trapping_rates(conc_uM: float, agonist_bound: bool,
                     params: TrappingParams | None = None) -> dict[tuple[str, str], float]:
    """Every transition of the scheme and its rate (1/s), as ``{(from, to): rate}``.

    Parameters
    ----------
    conc_uM : float
        Drug concentration at the channel, µM, in [0, 1000].
    agonist_bound : bool
        Whether glutamate is bound (the channel can open) or not (it can only close).
    params : TrappingParams, optional
        Rate constants.
    """
    p = params_or_default("params", params, TrappingParams)
    c = check_scalar("conc_uM", conc_uM, low=0.0, high=1000.0)
    if not isinstance(agonist_bound, bool | np.bool_):
        raise ValueError(f"agonist_bound must be True or False, got {agonist_bound!r}")
    kon_c = p.kon_per_M_per_s * c * 1e-6
    affinity = kon_c / p.koff_per_s
    close = p.closing_per_s if agonist_bound else p.deactivation_per_s
    rates = {
        ("O", "C"): close, ("O", "B"): kon_c, ("B", "O"): p.koff_per_s,
        ("B", "T"): p.trap_share * close, ("B", "S"): (1.0 - p.trap_share) * close,
        ("T", "C"): p.escape_per_s, ("C", "T"): p.escape_per_s * p.trap_share * affinity,
        ("S", "C"): p.release_per_s,
        ("C", "S"): p.release_per_s * (1.0 - p.trap_share) * affinity,
    }
    if agonist_bound:
        rates |= {("C", "O"): p.opening_per_s, ("T", "B"): p.opening_per_s,
                  ("S", "B"): p.opening_per_s}
    return rates


def trapping_generator(conc_uM: float, agonist_bound: bool,
              params: TrappingParams | None = None) -> np.ndarray:
    """Rate matrix Q of the scheme (1/s), column convention: dp/dt = Q p.

    Rows and columns follow :data:`TRAP_STATES`; each column sums to zero.
    Arguments as in :func:`trapping_rates`.
    """
    q = np.zeros((len(TRAP_STATES), len(TRAP_STATES)))
    for (src, dst), rate in trapping_rates(conc_uM, agonist_bound, params).items():
        i, j = TRAP_STATES.index(src), TRAP_STATES.index(dst)
        q[j, i] += rate
        q[i, i] -= rate
    return q


def _initial_state(initial: ArrayLike | None) -> np.ndarray:
    """The starting occupancy of the states: all C, or ``initial`` checked."""
    n_states = len(TRAP_STATES)
    if initial is None:
        x = np.zeros(n_states)
        x[_C] = 1.0
        return x
    x = check_array("initial", initial, low=0.0, high=1.0, ndim=1)
    if x.shape != (n_states,) or abs(x.sum() - 1.0) > 1e-6:
        raise ValueError(f"initial must be {n_states} fractions {TRAP_STATES} summing "
                         f"to 1, got {x}")
    return x


def _period(f: float, p: TrappingParams) -> tuple[float, float]:
    """Length of one stimulus period and of its agonist pulse, s (1 s and 0 without firing)."""
    period = 1.0 / f if f > 0 else 1.0
    return period, (min(p.pulse_s, period) if f > 0 else 0.0)


def _step(c: float, period: float, pulse: float, p: TrappingParams) -> np.ndarray:
    """Propagator of one period: the agonist pulse, then the rest without agonist."""
    rest = expm(trapping_generator(c, False, p) * (period - pulse))
    return rest if pulse == 0 else rest @ expm(trapping_generator(c, True, p) * pulse)


def _result(period: float, states: np.ndarray) -> TrappingResult:
    states = np.clip(states, 0.0, 1.0)
    return TrappingResult(t_s=period * np.arange(len(states)),
                          blocked_fraction=states[:, [_B, _T, _S]].sum(axis=1),
                          trapped_fraction=states[:, _T], final_state=states[-1])


def simulate_trapping(conc_uM: float, frequency_Hz: float, duration_s: float, *,
                      params: TrappingParams | None = None,
                      initial: ArrayLike | None = None) -> TrappingResult:
    """Block of NMDA channels during a train of synaptic activations at a fixed concentration.

    Each period of length 1/f starts with an agonist pulse of
    ``params.pulse_s`` (shorter if the period is shorter); the chain is solved
    exactly with the matrix exponential. With ``frequency_Hz = 0`` there is no
    stimulation and the state is reported every second.

    Parameters
    ----------
    conc_uM : float
        Drug concentration, µM, in [0, 1000] (0 = washout).
    frequency_Hz : float
        Stimulation frequency, Hz, in [0, 100].
    duration_s : float
        Duration of the phase, s, in (0, 36000].
    params : TrappingParams, optional
        Rate constants.
    initial : array_like, optional
        Starting occupancy of the states :data:`TRAP_STATES`, summing to 1
        (default: all C), for instance ``previous.final_state``.

    Returns
    -------
    TrappingResult
    """
    p = params_or_default("params", params, TrappingParams)
    c = check_scalar("conc_uM", conc_uM, low=0.0, high=1000.0)
    f = check_scalar("frequency_Hz", frequency_Hz, low=0.0, high=100.0)
    dur = check_scalar("duration_s", duration_s, low=0.0, high=36000.0, low_open=True)
    x = _initial_state(initial)
    period, pulse = _period(f, p)
    n = max(1, int(round(dur / period)))
    states = np.empty((n + 1, len(TRAP_STATES)))
    states[0] = x
    with one_thread():                           # 5 x 5 matrices: threads only wait
        step = _step(c, period, pulse, p)
        for i in range(1, n + 1):
            x = step @ x
            states[i] = x
    return _result(period, states)


#: Most stimulus periods one call of :func:`simulate_trapping_course` computes.
MAX_PERIODS = 2_000_000


def simulate_trapping_course(t_s: ArrayLike, conc_uM: ArrayLike, frequency_Hz: float, *,
                             params: TrappingParams | None = None,
                             initial: ArrayLike | None = None) -> TrappingResult:
    """Block during a train of activations while the concentration changes over time.

    The concentration is interpolated linearly between the given points and
    held constant within each stimulus period, at its value in the middle of
    the period (rounded to three significant digits, 0.5 % at most, so that
    periods at the same level share one propagator). Any time course works: a simulated
    effect site (``PKResult.t_min * 60``, ``PKResult.effect_site_uM``) or
    another species' measured levels.

    Parameters
    ----------
    t_s : array_like
        Times of the concentration points, s: 1-D, starting at 0, increasing.
    conc_uM : array_like
        Drug concentration at those times, µM, each in [0, 1000].
    frequency_Hz : float
        Stimulation frequency, Hz, in [0, 100]; at most ``MAX_PERIODS``
        periods in all (0 Hz: one step per second).
    params : TrappingParams, optional
        Rate constants.
    initial : array_like, optional
        Starting occupancy of the states :data:`TRAP_STATES` (default: all C).

    Returns
    -------
    TrappingResult
        At the end of every stimulus period, from ``t_s[0]``.
    """
    p = params_or_default("params", params, TrappingParams)
    t = check_array("t_s", t_s, high=30 * 86400.0, ndim=1)
    c = check_array("conc_uM", conc_uM, high=1000.0, ndim=1)
    f = check_scalar("frequency_Hz", frequency_Hz, low=0.0, high=100.0)
    if t.size < 2 or c.shape != t.shape or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_s must be increasing times from 0 and conc_uM the same length "
                         f"(at least 2 points), got {t.size} times and {c.size} "
                         f"concentrations")
    x = _initial_state(initial)
    period, pulse = _period(f, p)
    n = max(1, int(round(t[-1] / period)))
    if n > MAX_PERIODS:
        raise ValueError(f"frequency_Hz x duration must give at most {MAX_PERIODS} periods, "
                         f"got {frequency_Hz!r} Hz over {t[-1]:g} s ({n} periods)")
    mid = np.interp((np.arange(n) + 0.5) * period, t, c)
    levels = np.array([float(f"{v:.3g}") for v in mid])
    cache: dict[float, np.ndarray] = {}
    states = np.empty((n + 1, len(TRAP_STATES)))
    states[0] = x
    with one_thread():                           # 5 x 5 matrices: threads only wait
        for i, level in enumerate(levels):
            step = cache.get(level)
            if step is None:
                step = cache[level] = _step(level, period, pulse, p)
            x = step @ x
            states[i + 1] = x
    return _result(period, states)
