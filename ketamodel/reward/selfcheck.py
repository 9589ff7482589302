r"""Self-checking exercises of Chapter 2: feedback that says what went wrong.

An answer is compared with the right one *and* with the answers that the
usual mistakes give, so that the feedback can name the mistake.

>>> from ketamodel import reward
>>> print(reward.check_prt_answer(40, 10, 30, 20, log_b=0.207, log_d=0.379))
log b: correct (0.207).
log d: correct (0.379).
>>> print(reward.check_prt_answer(40, 10, 30, 20, log_b=0.476, log_d=0.379).messages[0])
log b: 0.476 is what the natural logarithm gives; the PRT uses log10.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..params import check_integer, check_scalar

#: How close an answer must be to count, in the units of log b and log d (answers to 3 decimals).
TOLERANCE = 0.003


@dataclass(frozen=True)
class Feedback:
    """The verdict on an answer, one message per quantity checked.

    Attributes
    ----------
    correct : bool
        Every quantity within :data:`TOLERANCE` of the right value.
    messages : tuple of str
        For each quantity: "correct", or which mistake the answer matches, or how far off it is.
    """

    correct: bool
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return "\n".join(self.messages)

    def _repr_markdown_(self) -> str:
        mark = "✅" if self.correct else "❌"
        return "\n".join(f"{mark if i == 0 else '&nbsp;&nbsp;&nbsp;'} {m}<br>"
                         for i, m in enumerate(self.messages))


def _formula(rc: float, ri: float, lc: float, li: float, *, add: float = 0.5,
             log: Callable[[float], float] = np.log10, half: float = 0.5,
             which: str = "b") -> float:
    rc, ri, lc, li = (x + add for x in (rc, ri, lc, li))
    ratio = (rc * li) / (ri * lc) if which == "b" else (rc * lc) / (ri * li)
    return float(half * log(ratio))


def _mistakes(counts: tuple[int, int, int, int], which: str) -> dict[str, float]:
    """The value each common mistake gives for log b (``which="b"``) or log d."""
    other = "d" if which == "b" else "b"
    return {
        "is the value without the 0.5 added to every count (it keeps empty cells finite)":
            _formula(*counts, add=0.0, which=which) if min(counts) > 0 else np.nan,
        "is what the natural logarithm gives; the PRT uses log10":
            _formula(*counts, log=np.log, which=which),
        "is the value without the factor 1/2":
            _formula(*counts, half=1.0, which=which),
        f"is log {other}: the two formulas are swapped":
            _formula(*counts, which=other),
        "has the wrong sign: rich and lean (or correct and incorrect) are swapped":
            -_formula(*counts, which=which),
    }


def check_prt_answer(rich_correct: int, rich_incorrect: int, lean_correct: int,
                     lean_incorrect: int, *, log_b: float, log_d: float) -> Feedback:
    r"""Check a hand computation of :math:`\log b` and :math:`\log d` from one block's counts.

    The right values are those of :func:`~ketamodel.reward.prt.log_response_bias` and
    :func:`~ketamodel.reward.prt.log_discriminability`. A wrong answer is compared
    with what the usual mistakes give (natural log, no 0.5 correction, no factor
    1/2, the formulas or the stimuli swapped), and the feedback names the one
    it matches.

    Parameters
    ----------
    rich_correct, rich_incorrect, lean_correct, lean_incorrect : int
        Counts of one block, whole numbers in [0, 1000].
    log_b, log_d : float
        The answers, in [-10, 10].

    Returns
    -------
    Feedback
        Prints one line per quantity.
    """
    counts = tuple(check_integer(name, value, high=1000) for name, value in (
        ("rich_correct", rich_correct), ("rich_incorrect", rich_incorrect),
        ("lean_correct", lean_correct), ("lean_incorrect", lean_incorrect)))
    answers = {"b": check_scalar("log_b", log_b, low=-10.0, high=10.0),
               "d": check_scalar("log_d", log_d, low=-10.0, high=10.0)}
    messages, ok = [], True
    for which, answer in answers.items():
        right = _formula(*counts, which=which)
        if abs(answer - right) <= TOLERANCE:
            messages.append(f"log {which}: correct ({right:.3f}).")
            continue
        ok = False
        found = [text for text, value in _mistakes(counts, which).items()
                 if np.isfinite(value) and abs(value - right) > TOLERANCE
                 and abs(answer - value) <= TOLERANCE]
        if found:
            messages.append(f"log {which}: {answer:g} {found[0]}.")
        else:
            side = "high" if answer > right else "low"
            messages.append(f"log {which}: {answer:g} is too {side} and matches none of the "
                            f"usual mistakes; recount the four cells of the block.")
    return Feedback(correct=ok, messages=tuple(messages))
