r"""The plasticity window as a function of time, for the chapters that use it.

The window is not drawn by hand: it is the read-out of the cascade's synaptic
protein level :math:`P` (:mod:`~ketamodel.plasticity.cascade`),

.. math::

    w(t) = 1 + (w_{max} - 1)\,\frac{P(t)}{P(t) + P_{50}},

a learning-rate multiplier that is 1 at baseline. Chapter 5 gates belief
revision with it and Chapter 6 composes it with the other levels, through
:func:`window_function`. :func:`window_interval` and :func:`open_hours` say
when it is open and for how long, at a threshold given as a multiplier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_array, check_scalar, params_or_default
from .course import PlasticityCourse


@dataclass(frozen=True)
class WindowFunction:
    """The window of one course as a callable: ``w(t_h)`` → learning-rate multiplier.

    Made by :func:`window_function`. Times outside the course are refused, so
    a caller cannot read a window that was not simulated.

    Attributes
    ----------
    t_h, window : ndarray
        The course's times (h) and multipliers it interpolates between.
    """

    t_h: np.ndarray
    window: np.ndarray

    def __call__(self, t_h: ArrayLike) -> np.ndarray:
        """Multiplier at times ``t_h`` (h, in [0, end of the course]; linear interpolation)."""
        t = check_array("t_h", t_h, low=0.0, high=float(self.t_h[-1]))
        return np.interp(t, self.t_h, self.window)


def window_function(course: PlasticityCourse) -> Callable[[ArrayLike], np.ndarray]:
    """The plasticity window of ``course`` as a function of time, ``w(t_h)`` ≥ 1.

    Parameters
    ----------
    course : PlasticityCourse
        From :func:`~ketamodel.plasticity.dosing.simulate` or
        :func:`~ketamodel.plasticity.course.simulate_course`.

    Returns
    -------
    WindowFunction
        Call it with times in hours (a number or an array).

    Examples
    --------
    >>> from ketamodel import pharmacology as ph, plasticity as pl
    >>> w = pl.window_function(pl.simulate(ph.standard_infusion(), 96.0))
    >>> float(w(0.0)), bool(w(24.0) > 1.5)
    (1.0, True)
    """
    c = params_or_default("course", course, PlasticityCourse)
    return WindowFunction(t_h=c.t_h.copy(), window=c.window.copy())


def _threshold(course: PlasticityCourse, threshold: float) -> float:
    return check_scalar("threshold", threshold, low=1.0, high=course.params.window_max,
                        low_open=True, high_open=True)


def window_interval(course: PlasticityCourse, threshold: float = 1.5) -> tuple[float, float]:
    """When the window first opens and when it last closes, h.

    Open means a multiplier above ``threshold``.

    Parameters
    ----------
    course : PlasticityCourse
    threshold : float
        Multiplier, in (1, ``window_max``).

    Returns
    -------
    (float, float)
        First and last time (h) at which the window is above ``threshold``
        (linear interpolation between samples); ``(nan, nan)`` if it never is.
    """
    c = params_or_default("course", course, PlasticityCourse)
    level = _threshold(c, threshold)
    above = c.window > level
    if not above.any():
        return float("nan"), float("nan")
    first, last = int(np.argmax(above)), int(above.size - 1 - np.argmax(above[::-1]))

    def crossing(i: int, j: int) -> float:          # between samples i and j
        w0, w1 = c.window[i], c.window[j]
        return float(c.t_h[i] + (level - w0) / (w1 - w0) * (c.t_h[j] - c.t_h[i]))

    opens = float(c.t_h[0]) if first == 0 else crossing(first - 1, first)
    closes = float(c.t_h[-1]) if last == above.size - 1 else crossing(last, last + 1)
    return opens, closes


def open_hours(course: PlasticityCourse, threshold: float = 1.5) -> float:
    """Total time (h) the window is above ``threshold`` over the course.

    Parameters
    ----------
    course : PlasticityCourse
    threshold : float
        Multiplier, in (1, ``window_max``).
    """
    c = params_or_default("course", course, PlasticityCourse)
    level = _threshold(c, threshold)
    # The time above the level, sample by sample, interpolating the crossings.
    w0, w1 = c.window[:-1] - level, c.window[1:] - level
    dt = np.diff(c.t_h)
    both = (w0 > 0) & (w1 > 0)
    rising = (w0 <= 0) & (w1 > 0)
    falling = (w0 > 0) & (w1 <= 0)
    frac = np.zeros_like(dt)
    frac[both] = 1.0
    frac[rising] = w1[rising] / (w1[rising] - w0[rising])
    frac[falling] = w0[falling] / (w0[falling] - w1[falling])
    return float(np.sum(frac * dt))
