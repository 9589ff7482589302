r"""NMDA block of LHb neurons that keep firing: ketamine's trapping block, over hours and days.

The block is that of the open-channel trapping scheme of
:mod:`ketamodel.pharmacology.trapping`
(:func:`~ketamodel.pharmacology.trapping.simulate_trapping_course`), driven by any
concentration time course (a simulated effect site, another species' levels)
and by the neuron's own activity: each spike is taken as one opening of its
NMDA channels by coincident glutamate and depolarisation (*assumed*: the
scheme has no voltage, and the transmitter release behind gating lies outside
it). Trapped drug leaves a channel mainly when the channel opens, so a neuron
that keeps firing after the drug has gone loses its block faster than a silent
one.

Two representations keep days of simulation fast; both are stated and tested
against the exact call:

- **Grouped periods** (firing above ``max_simulated_Hz``): :math:`k = f/f_{sim}`
  stimulus periods are merged into one period of the simulated rate
  :math:`f_{sim}`, whose agonist pulse is lengthened to keep the time the
  channels spend open per second:
  :math:`\tau_{pulse}' = k\,\tau_{pulse} + (k - 1)/k_{deact}` (the :math:`k`
  pulses, plus the :math:`k-1` closing tails of mean length
  :math:`1/k_{deact}` that merging removes). Against the exact train at
  2-5 Hz, 30 min at 1 µM then washout, the blocked fraction differs by
  at most about 0.015 (tested).
- **Concentration steps**: the concentration is held, in steps of
  ``conc_step_min`` (default 1 min), at its mean over the step, so that the
  trapping scheme needs one propagator per step rather than one per period
  (a continuously falling level would otherwise give a new one every period).
- **Silent neurons** (0 Hz): the scheme is linear, so multiplying every rate
  by :math:`s` and dividing time by :math:`s` gives the same chain exactly; it
  is solved in steps of ``silent_step_s`` instead of 1 s, with the
  concentration held at its value in the middle of each step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_scalar, params_or_default
from ..pharmacology import TrappingParams, simulate_trapping_course

#: Rate constants of :class:`~ketamodel.pharmacology.trapping.TrappingParams` (1/s or 1/(M·s)).
_RATE_FIELDS = ("kon_per_M_per_s", "koff_per_s", "opening_per_s", "closing_per_s",
                "deactivation_per_s", "escape_per_s", "release_per_s")


@dataclass(frozen=True)
class HabenulaBlock:
    """NMDA block of an LHb neuron over time.

    Attributes
    ----------
    t_h : ndarray
        Time, h, from 0, every ``output_dt_min``.
    block : ndarray
        Fraction of the neuron's NMDA channels with drug inside (open-blocked,
        trapped or at the superficial site), 0-1.
    trapped_fraction : ndarray
        Fraction closed with drug trapped, 0-1.
    firing_Hz : float
        The firing rate that drove the channels.
    simulated_Hz : float
        The rate actually simulated (equal to ``firing_Hz`` unless periods were grouped).
    final_state : ndarray
        Occupancy of the trapping states at the end, to start a following phase.
    """

    t_h: np.ndarray
    block: np.ndarray
    trapped_fraction: np.ndarray
    firing_Hz: float
    simulated_Hz: float
    final_state: np.ndarray


def _check_course(t_h: ArrayLike, conc_uM: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Times (h) and concentrations (µM) checked: 1-D, same length, from 0, increasing."""
    t = check_array("t_h", t_h, high=720.0, ndim=1)
    c = check_array("conc_uM", conc_uM, high=1000.0, ndim=1)
    if t.size < 2 or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_h must be at least 2 increasing times from 0 h, got "
                         f"{t.size} times starting at {t[0] if t.size else None}")
    if c.shape != t.shape:
        raise ValueError(f"conc_uM must have one value per time of t_h ({t.size}), got "
                         f"shape {c.shape}")
    return t, c


def _staircase(t_s: np.ndarray, c: np.ndarray, step_s: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """The linear course held at its mean over steps of ``step_s``, as strictly increasing points.

    Each step is a flat segment; consecutive steps are joined by a ramp of a
    millionth of a step.
    """
    grid = np.append(np.arange(0.0, t_s[-1], step_s), t_s[-1])
    if grid[-1] - grid[-2] < 1e-9 * step_s:
        grid = grid[:-1]
    knots = np.union1d(t_s, grid)
    values = np.interp(knots, t_s, c)
    area = np.concatenate([[0.0], np.cumsum(np.diff(knots) * (values[1:] + values[:-1]) / 2)])
    means = np.diff(np.interp(grid, knots, area)) / np.diff(grid)
    ramp = 1e-6 * np.diff(grid).min()
    times = np.column_stack([grid[:-1], grid[1:] - ramp]).ravel()
    times[-1] = grid[-1]
    return times, np.repeat(means, 2)


def habenula_block(t_h: ArrayLike, conc_uM: ArrayLike, firing_Hz: float, *,
                   max_simulated_Hz: float = 0.2, silent_step_s: float = 60.0,
                   conc_step_min: float = 1.0,
                   output_dt_min: float = 1.0, params: TrappingParams | None = None,
                   initial: ArrayLike | None = None) -> HabenulaBlock:
    """NMDA block of a neuron firing at ``firing_Hz`` while the drug level follows ``conc_uM``.

    The concentration is linear between the given points. See the module
    docstring for the two fast representations and their accuracy.

    Parameters
    ----------
    t_h : array_like
        Times of the concentration points, h: 1-D, from 0, increasing, at most 720 h.
    conc_uM : array_like
        Drug concentration at the receptor at those times, µM, in [0, 1000].
    firing_Hz : float
        Firing rate of the neuron, Hz, in [0, 100] (e.g.
        :func:`~ketamodel.reward.habenula.firing_rate`).
    max_simulated_Hz : float
        Highest rate simulated period by period, Hz, in (0, 100]; above it,
        periods are grouped. ``max_simulated_Hz >= firing_Hz`` gives the exact train
        (at most 2,000,000 periods).
    silent_step_s : float
        Step of the exact solution for a silent neuron, s, in [1, 3600].
    conc_step_min : float
        Steps in which the concentration is held at its mean, min, in (0, 1440].
    output_dt_min : float
        Spacing of the returned times, min, in (0, 1440].
    params : TrappingParams, optional
        Rate constants of the trapping scheme.
    initial : array_like, optional
        Starting occupancy of the trapping states (default: no drug), e.g.
        ``previous.final_state``.

    Returns
    -------
    HabenulaBlock
    """
    p = params_or_default("params", params, TrappingParams)
    t, c = _check_course(t_h, conc_uM)
    f = check_scalar("firing_Hz", firing_Hz, low=0.0, high=100.0)
    f_max = check_scalar("max_simulated_Hz", max_simulated_Hz, low=0.0, high=100.0,
                         low_open=True)
    step = check_scalar("silent_step_s", silent_step_s, low=1.0, high=3600.0)
    dt = check_scalar("output_dt_min", output_dt_min, low=0.0, high=1440.0, low_open=True)
    c_step = check_scalar("conc_step_min", conc_step_min, low=0.0, high=1440.0,
                          low_open=True)
    t_s, c = _staircase(t * 3600.0, c, c_step * 60.0)
    if f == 0.0:
        scaled = replace(p, pulse_s=p.pulse_s / step,
                         **{name: getattr(p, name) * step for name in _RATE_FIELDS})
        res = simulate_trapping_course(t_s / step, c, 0.0, params=scaled, initial=initial)
        res_t_s, f_sim = res.t_s * step, 0.0
    else:
        # A whole number of simulated periods over the course, at or below f_max.
        n = max(1, int(round(t_s[-1] * min(f, f_max))))
        f_sim = n / t_s[-1]
        k = f / f_sim
        pulse = k * p.pulse_s + max(k - 1.0, 0.0) / p.deactivation_per_s
        res = simulate_trapping_course(t_s, c, f_sim, params=replace(p, pulse_s=pulse),
                                       initial=initial)
        res_t_s = res.t_s
    out_s = np.append(np.arange(0.0, t_s[-1], dt * 60.0), t_s[-1])
    block = np.interp(out_s, res_t_s, res.blocked_fraction)
    trapped = np.interp(out_s, res_t_s, res.trapped_fraction)
    return HabenulaBlock(t_h=out_s / 3600.0, block=block, trapped_fraction=trapped,
                         firing_Hz=f, simulated_Hz=f_sim, final_state=res.final_state)


@dataclass(frozen=True)
class ScheduledBlock:
    """NMDA block of an LHb neuron whose firing rate changes at given times.

    Attributes
    ----------
    t_h : ndarray
        Time, h, from 0.
    block, trapped_fraction : ndarray
        As in :class:`~ketamodel.reward.block.HabenulaBlock`, 0-1.
    firing_Hz : ndarray
        The firing rate in force at each time, Hz.
    final_state : ndarray
        Occupancy of the trapping states at the end.
    """

    t_h: np.ndarray
    block: np.ndarray
    trapped_fraction: np.ndarray
    firing_Hz: np.ndarray
    final_state: np.ndarray

    def at(self, t_h: float) -> float:
        """Block at time ``t_h`` (h, within the course; linear interpolation)."""
        t = check_scalar("t_h", t_h, low=0.0, high=float(self.t_h[-1]))
        return float(np.interp(t, self.t_h, self.block))


def habenula_block_schedule(t_h: ArrayLike, conc_uM: ArrayLike, start_h: ArrayLike,
                            firing_Hz: ArrayLike, *, output_dt_min: float = 1.0,
                            params: TrappingParams | None = None) -> ScheduledBlock:
    """NMDA block of a neuron that fires at ``firing_Hz[k]`` from ``start_h[k]`` on.

    Each phase is one call of :func:`~ketamodel.reward.block.habenula_block`,
    started from the state the previous phase ended in; so a neuron can, for
    instance, fire while the drug is present and fall silent after it.

    Parameters
    ----------
    t_h, conc_uM : array_like
        The concentration course, as for :func:`~ketamodel.reward.block.habenula_block`.
    start_h : array_like
        Start of each phase, h: 1-D, the first 0, increasing, each before the course ends.
    firing_Hz : array_like
        Firing rate of each phase, Hz, in [0, 100]; one per start.
    output_dt_min : float
        Spacing of the returned times within each phase, min, in (0, 1440].
    params : TrappingParams, optional

    Returns
    -------
    ScheduledBlock
    """
    t, c = _check_course(t_h, conc_uM)
    starts = check_array("start_h", start_h, high=720.0, ndim=1)
    rates = check_array("firing_Hz", firing_Hz, high=100.0, ndim=1)
    if starts.size == 0 or starts[0] != 0.0 or np.any(np.diff(starts) <= 0) \
            or starts[-1] >= t[-1]:
        raise ValueError(f"start_h must be increasing times from 0 h, each before the end of "
                         f"the course ({t[-1]:g} h), got {starts.tolist()}")
    if rates.shape != starts.shape:
        raise ValueError(f"firing_Hz must hold one rate per start ({starts.size}), got shape "
                         f"{rates.shape}")
    ends = np.append(starts[1:], t[-1])
    pieces, state = [], None
    for a, b, f in zip(starts, ends, rates, strict=True):
        inside = (t > a) & (t < b)
        ts = np.concatenate([[a], t[inside], [b]])
        res = habenula_block(ts - a, np.interp(ts, t, c), float(f),
                             output_dt_min=output_dt_min, params=params, initial=state)
        state = res.final_state
        keep = slice(None) if not pieces else slice(1, None)
        pieces.append((res.t_h[keep] + a, res.block[keep], res.trapped_fraction[keep],
                       np.full(res.t_h[keep].shape, float(f))))
    t_out, block, trapped, rate = (np.concatenate(x) for x in zip(*pieces, strict=True))
    return ScheduledBlock(t_h=t_out, block=block, trapped_fraction=trapped, firing_Hz=rate,
                          final_state=state)
