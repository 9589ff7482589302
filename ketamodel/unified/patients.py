r"""The people of a virtual cohort: what makes each differ, drawn reproducibly.

A :class:`PatientTable` holds, per person, sex and clearance (Chapter 1's
pharmacokinetics), baseline severity, how strongly their networks respond to
the same occupancy, how their set and setting differ from the protocol's,
and how responsive they are. Person ``i`` draws from blocks keyed by
``(seed, stream, block)`` (:func:`block_normals`), so a table split into
parts and concatenated, or run in parts, gives the same numbers
(:func:`patient_table`, :func:`concat_tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from ..params import check_instance, check_integer, params_or_default
from .params import CohortParams


@dataclass(frozen=True)
class PatientTable:
    """What makes each person differ (one entry per person; z are standard normal draws).

    Attributes
    ----------
    patient_id : ndarray of int
    female : ndarray of bool
    cl_factor : ndarray
        Clearance relative to the model's typical one (Chapter 1).
    baseline_madrs : ndarray
        True baseline severity, points.
    network_sensitivity : ndarray
        :math:`s`, mean 1 (see the module).
    context_offset : ndarray
        Added to the protocol's context (clipped to [-1, 1]).
    responsiveness_z, placebo_z : ndarray
        Draws for the responsiveness to the drug and to the non-specific
        relief (:func:`~ketamodel.unified.outcome.responsiveness`).
    """

    patient_id: np.ndarray
    female: np.ndarray
    cl_factor: np.ndarray
    baseline_madrs: np.ndarray
    network_sensitivity: np.ndarray
    context_offset: np.ndarray
    responsiveness_z: np.ndarray
    placebo_z: np.ndarray

    def __len__(self) -> int:
        return int(self.patient_id.size)

    def take(self, index: Sequence[int] | np.ndarray) -> PatientTable:
        """The rows ``index`` (positions, not ids: whole numbers in [0, len); repeats allowed)."""
        idx = _whole_numbers("index", index, high=len(self))
        return PatientTable(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})


def _whole_numbers(name: str, values: object, *, high: int | None = None) -> np.ndarray:
    """``values`` as a 1-D integer array of whole numbers in [0, ``high``), or ValueError.

    For positions in a table (``high`` its length) and for ids (no upper
    bound). Booleans (a mask is not a list of positions), floats (even
    ``2.0``), strings and other objects are refused with a message naming
    ``name``; an empty sequence gives an empty array.
    """
    rng = f"[0, {high})" if high is not None else "[0, inf)"
    what = f"{name} must be a 1-D sequence of whole numbers in {rng}"
    if isinstance(values, str | bytes):
        raise ValueError(f"{what}, got a string {values[:40]!r}")
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):                     # ragged nested sequences
        raise ValueError(f"{what}, got a ragged or unreadable sequence") from None
    if raw.ndim != 1:
        raise ValueError(f"{what}, got shape {raw.shape}")
    if raw.size == 0:
        return np.zeros(0, dtype=np.int64)
    if raw.dtype.kind not in "iu":
        raise ValueError(f"{what}, got values of dtype {raw.dtype}: {str(raw[:5])[:60]}")
    largest = np.iinfo(np.int64).max if high is None else high - 1
    if raw.min() < 0 or raw.max() > largest:
        raise ValueError(f"{what}, got values from {raw.min()} to {raw.max()}")
    return raw.astype(np.int64)


def _lognormal(z: np.ndarray, cv: float) -> np.ndarray:
    sigma = np.sqrt(np.log1p(cv * cv))
    return np.exp(sigma * z)


#: People per block of random draws (see :func:`block_normals`).
BLOCK = 256


def block_normals(seed: int, stream: int, ids: np.ndarray, size: int) -> np.ndarray:
    """Standard normal draws, ``size`` per person, that depend only on (seed, stream, id).

    Ids are grouped in blocks of :data:`BLOCK`; block ``b`` draws from
    ``numpy.random.default_rng((seed, stream, b))``. Any subset of people gets
    the draws it would get in any larger table, which is what makes a
    cohort split into partitions give identical results.

    ``seed``, ``stream`` and ``size`` are whole numbers ≥ 0; ``ids`` a 1-D
    sequence of whole numbers ≥ 0.
    """
    s = check_integer("seed", seed, low=0)
    st = check_integer("stream", stream, low=0)
    ids = _whole_numbers("ids", ids)
    size = check_integer("size", size, low=0)
    out = np.empty((ids.size, size))
    blocks = ids // BLOCK
    for blk in np.unique(blocks):
        rows = blocks == blk
        z = np.random.default_rng((s, st, int(blk))).standard_normal((BLOCK, size))
        out[rows] = z[ids[rows] % BLOCK]
    return out


def patient_table(n: int, seed: int = 0, *, params: CohortParams | None = None,
                  first_id: int = 0) -> PatientTable:
    """``n`` virtual patients, ids ``first_id`` to ``first_id + n - 1``.

    Draws depend only on the seed and the person's id (:func:`block_normals`),
    so the table of ids 0-999 equals the tables of 0-499 and 500-999 put
    together. Baseline severity is a normal truncated to [entry, 60] (drawn
    by its inverse distribution function); clearance and network sensitivity
    are log-normal with the stated CV (clearance's truncated at ±4 SD, so that
    it stays inside the exposure nodes, :data:`~ketamodel.unified.levels.CL_NODES`);
    clearance is that many times higher in women.

    Parameters
    ----------
    n : int
        Number of people, 1 to 10⁶.
    seed : int
        ≥ 0.
    params : CohortParams, optional
    first_id : int
        Id of the first person, ≥ 0.
    """
    from scipy.stats import norm

    count = check_integer("n", n, low=1, high=1_000_000)
    s = check_integer("seed", seed, low=0)
    first = check_integer("first_id", first_id, low=0)
    p = params_or_default("params", params, CohortParams)
    ids = np.arange(first, first + count)
    z = block_normals(s, 0, ids, 7)
    mean, sd = p.baseline_madrs_mean, p.baseline_madrs_sd
    if sd > 0:
        lo, hi = norm.cdf((p.entry_madrs - mean) / sd), norm.cdf((60.0 - mean) / sd)
        if hi - lo < 1e-6:
            raise ValueError(f"entry_madrs ({p.entry_madrs:g}) leaves almost none of the "
                             f"baseline distribution ({mean:g} ± {sd:g}) in range")
        q = lo + (hi - lo) * norm.cdf(z[:, 1])
        base = np.clip(mean + sd * norm.ppf(q), p.entry_madrs, 60.0)
    else:
        base = np.full(count, min(max(mean, p.entry_madrs), 60.0))
    female = norm.cdf(z[:, 6]) < p.female_fraction
    cl = _lognormal(np.clip(z[:, 0], -4.0, 4.0), p.clearance_cv) \
        * np.where(female, p.female_clearance_ratio, 1.0)
    return PatientTable(
        patient_id=ids, female=female, cl_factor=cl, baseline_madrs=base,
        network_sensitivity=_lognormal(z[:, 2], p.network_sensitivity_cv),
        context_offset=p.context_sd * z[:, 3], responsiveness_z=z[:, 4], placebo_z=z[:, 5])


def concat_tables(tables: Sequence[PatientTable]) -> PatientTable:
    """Tables one after the other (e.g. partitions made with ``first_id``)."""
    if not tables:
        raise ValueError("tables must hold at least one PatientTable")
    for t in tables:
        check_instance("tables", t, PatientTable)
    return PatientTable(**{f.name: np.concatenate([getattr(t, f.name) for t in tables])
                           for f in fields(PatientTable)})
