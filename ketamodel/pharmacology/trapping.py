"""Open-channel trapping block: a kinetic scheme of NMDA channels and ketamine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import expm

from ..params import check_array, check_params, check_scalar, param


@dataclass(frozen=True)
class TrappingParams:
    r"""A four-state kinetic scheme of open-channel trapping block.

    States: C (closed, free), O (open), B (open and blocked), T (closed with
    the drug trapped inside). While agonist is bound (a pulse), C ⇄ O and
    T ⇄ B open and close at rates :math:`\alpha, \beta`; ketamine enters only
    open channels, O → B at :math:`k_{on}[K]`, and leaves them, B → O at
    :math:`k_{off}`. Between pulses the channel closes (O → C, B → T at the
    deactivation rate) and a trapped drug escapes only slowly (T → C).
    """

    kon_per_M_per_s: float = param(
        3e5, "1/(M·s)", "macdonald1991actions; upper end of the reported 3e4-3e5 range, so "
        "that the kinetic Kd = koff/kon (0.67 µM) is close to the binding IC50 (0.49 µM)")
    koff_per_s: float = param(0.2, "1/s", "macdonald1991actions")
    opening_per_s: float = param(
        50.0, "1/s", "assumed: with closing_per_s gives an open probability of 0.5 while "
        "agonist is bound")
    closing_per_s: float = param(50.0, "1/s", "assumed: see opening_per_s")
    deactivation_per_s: float = param(
        20.0, "1/s", "assumed: channel closes ~50 ms after the agonist leaves, the order of "
        "NMDA receptor deactivation")
    escape_per_s: float = param(
        0.002, "1/s", "assumed: ketamine stays trapped in nearly all closed channels "
        "(kotermanski2009memantine); the escape rate is a teaching value")
    pulse_s: float = param(
        0.1, "s", "assumed: time agonist stays bound after a synaptic release, order of the "
        "NMDA EPSC")

    def __post_init__(self) -> None:
        check_params(self)


#: Index of the four kinetic states.
TRAP_STATES = ("C", "O", "B", "T")


@dataclass(frozen=True)
class TrappingResult:
    """State of the channel population after each stimulus period.

    Attributes
    ----------
    t_s : ndarray
        Time, s: 0 (the initial state), then the end of each stimulus period.
    blocked_fraction : ndarray
        Fraction of channels with ketamine inside (open-blocked + trapped), 0-1.
    trapped_fraction : ndarray
        Fraction closed with ketamine trapped, 0-1.
    final_state : ndarray
        Occupancy of (C, O, B, T) at the end, to start a following phase.
    """

    t_s: np.ndarray
    blocked_fraction: np.ndarray
    trapped_fraction: np.ndarray
    final_state: np.ndarray

    def at(self, t_s: float) -> float:
        """Blocked fraction at time ``t_s`` (linear interpolation between periods)."""
        t = check_scalar("t_s", t_s, low=0.0, high=float(self.t_s[-1]))
        return float(np.interp(t, self.t_s, self.blocked_fraction))


def _trap_generators(conc_uM: float, p: TrappingParams) -> tuple[np.ndarray, np.ndarray]:
    """Rate matrices (column convention, dp/dt = Q p) with and without agonist."""
    kon_c = p.kon_per_M_per_s * conc_uM * 1e-6

    def q(rates: dict[tuple[int, int], float]) -> np.ndarray:
        m = np.zeros((4, 4))
        for (i, j), r in rates.items():      # from state i to state j
            m[j, i] += r
            m[i, i] -= r
        return m

    c, o, b, t = range(4)
    on = q({(c, o): p.opening_per_s, (o, c): p.closing_per_s, (o, b): kon_c,
            (b, o): p.koff_per_s, (b, t): p.closing_per_s, (t, b): p.opening_per_s,
            (t, c): p.escape_per_s})
    off = q({(o, c): p.deactivation_per_s, (b, t): p.deactivation_per_s,
             (b, o): p.koff_per_s, (o, b): kon_c, (t, c): p.escape_per_s})
    return on, off


def simulate_trapping(conc_uM: float, frequency_Hz: float, duration_s: float, *,
                      params: TrappingParams | None = None,
                      initial: ArrayLike | None = None) -> TrappingResult:
    """Block of NMDA channels by ketamine during a train of synaptic activations.

    Each period of length 1/f starts with an agonist pulse of
    ``params.pulse_s`` (shorter if the period is shorter); the chain is solved
    exactly with the matrix exponential. With ``frequency_Hz = 0`` there is no
    stimulation and the state is reported every second.

    Parameters
    ----------
    conc_uM : float
        Ketamine concentration, µM, in [0, 1000] (0 = washout).
    frequency_Hz : float
        Stimulation frequency, Hz, in [0, 100].
    duration_s : float
        Duration of the phase, s, in (0, 36000].
    params : TrappingParams, optional
        Rate constants.
    initial : array_like, optional
        Starting occupancy of (C, O, B, T), summing to 1 (default: all C), for
        instance ``previous.final_state``.

    Returns
    -------
    TrappingResult
    """
    p = TrappingParams() if params is None else params
    c = check_scalar("conc_uM", conc_uM, low=0.0, high=1000.0)
    f = check_scalar("frequency_Hz", frequency_Hz, low=0.0, high=100.0)
    dur = check_scalar("duration_s", duration_s, low=0.0, high=36000.0, low_open=True)
    if initial is None:
        x = np.array([1.0, 0.0, 0.0, 0.0])
    else:
        x = check_array("initial", initial, low=0.0, high=1.0, ndim=1)
        if x.shape != (4,) or abs(x.sum() - 1.0) > 1e-6:
            raise ValueError(f"initial must be 4 fractions (C, O, B, T) summing to 1, got {x}")
    period = 1.0 / f if f > 0 else 1.0
    pulse = min(p.pulse_s, period) if f > 0 else 0.0
    n = max(1, int(round(dur / period)))
    on, off = _trap_generators(c, p)
    step = expm(off * (period - pulse)) @ expm(on * pulse)
    states = np.empty((n + 1, 4))
    states[0] = x
    for i in range(1, n + 1):
        x = step @ x
        states[i] = x
    states = np.clip(states, 0.0, 1.0)
    return TrappingResult(t_s=period * np.arange(n + 1),
                          blocked_fraction=states[:, 2] + states[:, 3],
                          trapped_fraction=states[:, 3], final_state=states[-1])

