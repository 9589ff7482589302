r"""The probabilistic reward task (PRT): trial sequences, response bias and discriminability.

The task of :cite:t:`pizzagalli2005toward` as described by
:cite:t:`huys2013mapping`: on each trial a mouthless face is shown, then a
long or a short mouth for 100 ms, and the participant presses a key for
"long" or "short". Each stimulus appears 50 times per block, never more than 3
times in a row; 3 blocks of 100 trials. One stimulus is *rich*: a correct
response to it is rewarded with probability 0.75, a correct response to the
*lean* one with probability 0.30; there is no penalty. Healthy people come to
favour the rich response (a response bias); people with high depression
scores do not (:cite:p:`pizzagalli2005toward`; :cite:p:`pizzagalli2008reduced`).

Coding used throughout :mod:`ketamodel.reward`: stimulus 0 = rich, 1 = lean;
response 0 = "rich" key, 1 = "lean" key; a response is correct when it equals
the stimulus. Per block, with 0.5 added to every count:

.. math::

    \log b = \tfrac12 \log_{10}\frac{R_c\,L_i}{R_i\,L_c}, \qquad
    \log d = \tfrac12 \log_{10}\frac{R_c\,L_c}{R_i\,L_i}

(:math:`R, L` rich and lean stimuli, :math:`c, i` correct and incorrect
responses). These are the standard forms; we did not see them in the retrieved
text of :cite:t:`pizzagalli2005toward`, and base 10 is the usual convention
(another base only rescales both).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from ..params import (
    check_array,
    check_integer,
    check_params,
    make_rng,
    param,
)


@dataclass(frozen=True)
class PRTDesign:
    """Reward probabilities of the PRT (:cite:p:`huys2013mapping`)."""

    p_reward_rich: float = param(
        0.75, "1", "huys2013mapping; probability that a correct rich response is rewarded "
        "(toolbox surrogate data use 0.78, huys2016emfit)", high=1.0, low_open=False)
    p_reward_lean: float = param(
        0.30, "1", "huys2013mapping; probability that a correct lean response is rewarded "
        "(toolbox surrogate data: 0.33)", high=1.0, low_open=False)

    def __post_init__(self) -> None:
        check_params(self)


@dataclass(frozen=True)
class PRTSequence:
    """Stimuli of one or more PRT sessions.

    Attributes
    ----------
    stimulus : ndarray of int
        Shape (n_sessions, n_trials): 0 = rich, 1 = lean.
    block : ndarray of int
        Shape (n_trials,): the block of each trial, from 0.
    """

    stimulus: np.ndarray
    block: np.ndarray


@cache
def _completions(same_left: int, other_left: int, run: int, max_run: int) -> int:
    """Number of valid ways to finish a block (exact integer).

    ``same_left`` stimuli remain of the kind just shown (``run`` in a row),
    ``other_left`` of the other kind.
    """
    if same_left == 0 and other_left == 0:
        return 1
    total = 0
    if same_left > 0 and run < max_run:
        total += _completions(same_left - 1, other_left, run + 1, max_run)
    if other_left > 0:
        total += _completions(other_left - 1, same_left, 1, max_run)
    return total


def _block(rng: np.random.Generator, n_each: int, max_run: int) -> np.ndarray:
    """One block drawn uniformly among the orders with ``n_each`` of each and runs <= max_run."""
    out = np.empty(2 * n_each, dtype=int)
    last = int(rng.integers(2))
    same, other, run = n_each - 1, n_each, 1
    out[0] = last
    for i in range(1, 2 * n_each):
        stay = _completions(same - 1, other, run + 1, max_run) if (
            same > 0 and run < max_run) else 0
        switch = _completions(other - 1, same, 1, max_run) if other > 0 else 0
        if rng.random() * (stay + switch) < stay:
            same, run = same - 1, run + 1
        else:
            last, same, other, run = 1 - last, other - 1, same, 1
        out[i] = last
    return out


def trial_sequence(seed: int | np.random.Generator = 0, *, n_sessions: int = 1,
                   n_blocks: int = 3, trials_per_block: int = 100,
                   max_run: int = 3) -> PRTSequence:
    """Seeded PRT stimulus sequences: each block has as many rich as lean trials, short runs.

    Each block is drawn uniformly among the orders with ``trials_per_block / 2``
    of each stimulus and no more than ``max_run`` of one in a row (exact
    counting, no rejection). Defaults: 3 blocks of 100, at most 3 in a row
    (:cite:p:`huys2013mapping`).

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Seed (a whole number >= 0) or generator; the same seed gives the same sequence.
    n_sessions : int
        Number of independent sessions, in [1, 100000].
    n_blocks : int
        Blocks per session, in [1, 100].
    trials_per_block : int
        Trials per block, even, in [2, 1000].
    max_run : int
        Longest run of one stimulus, in [1, 100].

    Returns
    -------
    PRTSequence
    """
    rng = make_rng(seed)
    ns = check_integer("n_sessions", n_sessions, low=1, high=100000)
    nb = check_integer("n_blocks", n_blocks, low=1, high=100)
    nt = check_integer("trials_per_block", trials_per_block, low=2, high=1000)
    mr = check_integer("max_run", max_run, low=1, high=100)
    if nt % 2:
        raise ValueError(f"trials_per_block must be even (half rich, half lean), got {nt}")
    stim = np.stack([np.concatenate([_block(rng, nt // 2, mr) for _ in range(nb)])
                     for _ in range(ns)])
    return PRTSequence(stimulus=stim, block=np.repeat(np.arange(nb), nt))


def log_response_bias(rich_correct: ArrayLike, rich_incorrect: ArrayLike,
                      lean_correct: ArrayLike, lean_incorrect: ArrayLike) -> np.ndarray:
    r"""Response bias :math:`\log b` from the four counts (0.5 added to each; see the module)."""
    rc, ri, lc, li = _counts(rich_correct, rich_incorrect, lean_correct, lean_incorrect)
    return 0.5 * np.log10((rc * li) / (ri * lc))


def log_discriminability(rich_correct: ArrayLike, rich_incorrect: ArrayLike,
                         lean_correct: ArrayLike, lean_incorrect: ArrayLike) -> np.ndarray:
    r"""Discriminability :math:`\log d` from the four counts (0.5 added to each)."""
    rc, ri, lc, li = _counts(rich_correct, rich_incorrect, lean_correct, lean_incorrect)
    return 0.5 * np.log10((rc * lc) / (ri * li))


def _counts(*counts: ArrayLike) -> list[np.ndarray]:
    names = ("rich_correct", "rich_incorrect", "lean_correct", "lean_incorrect")
    arrays = [check_array(n, c) for n, c in zip(names, counts, strict=True)]
    try:
        arrays = np.broadcast_arrays(*arrays)
    except ValueError:
        raise ValueError(f"rich_correct, rich_incorrect, lean_correct and lean_incorrect "
                         f"must broadcast together, got shapes {[a.shape for a in arrays]}"
                         ) from None
    return [a + 0.5 for a in arrays]


@dataclass(frozen=True)
class PRTMeasures:
    r"""Signal-detection measures of PRT sessions, per block.

    Attributes
    ----------
    response_bias, discriminability : ndarray
        :math:`\log b` and :math:`\log d`, shape (n_sessions, n_blocks).
    rich_hit_rate, lean_hit_rate : ndarray
        Fraction of correct responses to rich and lean stimuli, same shape.
    """

    response_bias: np.ndarray
    discriminability: np.ndarray
    rich_hit_rate: np.ndarray
    lean_hit_rate: np.ndarray


def prt_measures(stimulus: ArrayLike, choice: ArrayLike, block: ArrayLike) -> PRTMeasures:
    """Response bias and discriminability per block from stimuli and responses.

    Parameters
    ----------
    stimulus, choice : array_like
        0/1 codes (see the module), shape (n_sessions, n_trials) or (n_trials,).
    block : array_like
        Block index of each trial (whole numbers from 0), shape (n_trials,).

    Returns
    -------
    PRTMeasures
    """
    s = check_array("stimulus", stimulus, high=1.0)
    c = check_array("choice", choice, high=1.0)
    b = check_array("block", block, high=1000.0, ndim=1)
    for name, a in (("stimulus", s), ("choice", c), ("block", b)):
        if np.any(a != np.round(a)):
            raise ValueError(f"{name} must hold whole-number codes, got non-integer values")
    if s.ndim == 1:
        s = s[None, :]
    if c.ndim == 1:
        c = c[None, :]
    if s.ndim != 2 or s.shape != c.shape or s.shape[1] != b.size or b.size == 0:
        raise ValueError(f"stimulus and choice must have the same shape (n_sessions, n_trials) "
                         f"and block one value per trial, got {s.shape}, {c.shape} and {b.shape}")
    blocks = np.unique(b)
    correct = c == s
    rich = s == 0
    one = [(rich & correct), (rich & ~correct), (~rich & correct), (~rich & ~correct)]
    counts = np.stack([[m[:, b == k].sum(axis=1) for k in blocks] for m in one], axis=0)
    rc, ri, lc, li = (counts[i].T for i in range(4))
    return PRTMeasures(
        response_bias=log_response_bias(rc, ri, lc, li),
        discriminability=log_discriminability(rc, ri, lc, li),
        rich_hit_rate=rc / np.maximum(rc + ri, 1), lean_hit_rate=lc / np.maximum(lc + li, 1))
