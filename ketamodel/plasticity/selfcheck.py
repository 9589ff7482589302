r"""Self-checking exercises of Chapter 3: reading the cascade's time course.

An answer is compared with the right one *and* with the answers that the
usual misreadings give (another curve's peak, days for hours, baseline for
the threshold), so that the feedback can name the misreading. The verdict is
a :class:`~ketamodel.reward.selfcheck.Feedback`, as in Chapter 2.

>>> from ketamodel import pharmacology as ph, plasticity as pl
>>> course = pl.simulate(ph.standard_infusion(), 168.0)
>>> feedback = pl.check_window_reading(course, opens_h=0.8, closes_h=64.0)
>>> print(feedback.messages[0].split(";")[0])
opens_h: 0.8 h is when occupancy peaks (the drug), not when the window opens
>>> print(feedback.messages[1])
closes_h: correct (64.4 h).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..params import check_instance, check_scalar
from ..reward.selfcheck import Feedback
from .course import PlasticityCourse
from .window import window_interval

#: The stages whose order of peaks :func:`check_peak_order` checks.
PEAK_STAGES = ("occupancy", "surge", "bdnf", "trkb", "mtorc1", "synthesis",
               "synaptic_protein", "spine_formation_per_day", "spine_density", "window")


def _peak_h(course: PlasticityCourse, name: str) -> float:
    return float(course.t_h[int(np.argmax(getattr(course, name)))])


def _close(answer: float, value: float, tolerance: float) -> bool:
    """Within ``tolerance`` of ``value`` (relative), or within 15 min of it."""
    return abs(answer - value) <= max(tolerance * abs(value), 0.25)


def _verdict(name: str, answer: float, right: float, mistakes: dict[str, float],
             tolerance: float) -> tuple[bool, str]:
    if _close(answer, right, tolerance):
        return True, f"{name}: correct ({right:.1f} h)."
    found = sorted((abs(answer - v), text) for text, v in mistakes.items()
                   if np.isfinite(v) and not _close(v, right, tolerance)
                   and _close(answer, v, tolerance))
    if found:
        return False, f"{name}: {answer:g} h {found[0][1]}."
    side = "late" if answer > right else "early"
    return False, (f"{name}: {answer:g} h is too {side} and matches none of the usual "
                   f"misreadings; look again at the window's curve.")


def check_window_reading(course: PlasticityCourse, *, opens_h: float, closes_h: float,
                         threshold: float = 1.5, tolerance: float = 0.1) -> Feedback:
    """Check when a reader says the window opens and closes, and name a misreading.

    The right values are those of
    :func:`~ketamodel.plasticity.window.window_interval`: the first and last
    times at which the window is above ``threshold``. A wrong answer is
    compared with what the usual misreadings give: the peak of occupancy, of
    mTORC1, of the window itself or of spine density; the time the window
    leaves or regains baseline instead of crossing the threshold; the right
    time in days instead of hours.

    Parameters
    ----------
    course : PlasticityCourse
    opens_h, closes_h : float
        The answers, h since the start of the course, within the course.
    threshold : float
        Multiplier that counts as open, in (1, ``window_max``).
    tolerance : float
        Relative error accepted, in (0, 0.5] (at least 15 min is always accepted).

    Returns
    -------
    Feedback
        One line for the opening, one for the closing.
    """
    c = check_instance("course", course, PlasticityCourse)
    end = float(c.t_h[-1])
    answers = {"opens_h": check_scalar("opens_h", opens_h, high=end),
               "closes_h": check_scalar("closes_h", closes_h, high=end)}
    level = check_scalar("threshold", threshold, low=1.0, high=c.params.window_max,
                         low_open=True, high_open=True)
    tol = check_scalar("tolerance", tolerance, high=0.5, low_open=True)
    opens, closes = window_interval(c, level)
    if not np.isfinite(opens):
        return Feedback(correct=False, messages=(
            f"The window never rises above {level:g} in this course: there is no opening "
            f"or closing to read (try a lower threshold or a larger dose).",))
    near = c.t_h[c.window > 1.0 + 0.02 * (c.params.window_max - 1.0)]
    peaks = {name: _peak_h(c, name) for name in ("occupancy", "mtorc1", "window",
                                                  "spine_density")}
    advice = f"read where the window first rises above {level:g}"
    mistakes = {
        "opens_h": {
            f"is when occupancy peaks (the drug), not when the window opens; {advice}":
                peaks["occupancy"],
            f"is when mTORC1 peaks (the acute arm), not when the window opens; {advice}":
                peaks["mtorc1"],
            f"is when the window peaks; it opens earlier: {advice}": peaks["window"],
            f"is when the window first leaves baseline; open means above {level:g}":
                float(near[0]) if near.size else np.nan,
            "is the right time in days; the answer is wanted in hours": opens / 24.0,
        },
        "closes_h": {
            f"is when the window peaks; it closes later, when it falls back below {level:g}":
                peaks["window"],
            "is when spine density peaks; the window closes before the spines do":
                peaks["spine_density"],
            f"is when the window is back at baseline; closed means below {level:g}":
                float(near[-1]) if near.size else np.nan,
            "is the right time in days; the answer is wanted in hours": closes / 24.0,
        },
    }
    results = [_verdict(name, answers[name], right, mistakes[name], tol)
               for name, right in (("opens_h", opens), ("closes_h", closes))]
    return Feedback(correct=all(ok for ok, _ in results),
                    messages=tuple(m for _, m in results))


def check_peak_order(course: PlasticityCourse, stages: Sequence[str]) -> Feedback:
    """Check an ordering of stages by the time of their peak, and name the first pair out of order.

    Stages that peak within 15 min of each other may come in either order
    (the window peaks with the synaptic protein it is read from; the surge
    with occupancy).

    Parameters
    ----------
    course : PlasticityCourse
    stages : sequence of str
        At least two distinct names of :data:`PEAK_STAGES`, earliest peak first.

    Returns
    -------
    Feedback
        One line: correct, with the peak times; or the first pair in the wrong order.
    """
    c = check_instance("course", course, PlasticityCourse)
    if (not isinstance(stages, list | tuple) or len(stages) < 2
            or not all(isinstance(s, str) and s in PEAK_STAGES for s in stages)
            or len(set(stages)) != len(stages)):
        raise ValueError(f"stages must be a list of at least two distinct names among "
                         f"{PEAK_STAGES}, got {stages!r}")
    peaks = [_peak_h(c, s) for s in stages]
    for i in range(len(stages) - 1):
        (a, ta), (b, tb) = (stages[i], peaks[i]), (stages[i + 1], peaks[i + 1])
        if ta > tb + 0.25:
            return Feedback(correct=False, messages=(
                f"{a} peaks at {ta:.1f} h, after {b} ({tb:.1f} h): they are the wrong way "
                f"round.",))
    chain = " → ".join(f"{s} ({t:.1f} h)" for s, t in zip(stages, peaks, strict=True))
    return Feedback(correct=True, messages=(f"correct: {chain}.",))
