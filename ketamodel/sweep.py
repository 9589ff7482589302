"""Sweeps: one pure function over the rows of a table, on this machine or on a Dask cluster.

A sweep maps a function over a table of samples (rows: points of a
parameter space, or virtual patients' ids) split into partitions of
``partition_rows`` rows. The partitions, and the seed each one gets, depend
only on the table and ``partition_rows``, never on where they run, so a sweep
gives identical results serially with NumPy (the default) and over the
workers of a ``dask.distributed`` client::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")       # or Client() for a local cluster
    margins = sweep(MarginOf("ch5.only_inside_window"), samples, client=client)

Dask is an optional extra (``pip install ketamodel[scale]``); the book never
needs it. :func:`cohort_sweep` runs Chapter 6's cohort the same way for up to
10⁶ virtual patients, keeping a summary per person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .params import check_array, check_integer

#: Rows per partition unless told otherwise.
DEFAULT_PARTITION_ROWS = 256


def partitions(n_rows: int, partition_rows: int = DEFAULT_PARTITION_ROWS) -> list[slice]:
    """Row slices of an ``n_rows``-row table, ``partition_rows`` each (the last may be short)."""
    n = check_integer("n_rows", n_rows, low=0)
    size = check_integer("partition_rows", partition_rows, low=1)
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def _is_client(client: object) -> bool:
    return callable(getattr(client, "map", None)) and callable(getattr(client, "gather", None))


def _call(fn: Callable[..., Any], block: np.ndarray, seed: tuple[int, int] | None) -> np.ndarray:
    out = fn(block) if seed is None else fn(block, np.random.default_rng(seed))
    arr = np.asarray(out)
    if arr.ndim == 0 or len(arr) != len(block):
        raise ValueError(f"fn must return one row per row of its block ({len(block)}), got "
                         f"shape {arr.shape}")
    return arr


def sweep(fn: Callable[..., Any], table: ArrayLike, *, client: object = None,
          partition_rows: int = DEFAULT_PARTITION_ROWS, seed: int | None = None) -> np.ndarray:
    """``fn`` over the rows of ``table``, partition by partition; the results stacked in row order.

    Parameters
    ----------
    fn : callable
        ``fn(block)`` (or ``fn(block, rng)`` when ``seed`` is given) returns
        one result (a number or a row) per row of ``block``, a 2-D slice of
        ``table``. It must be a pure function of its arguments; with a Dask
        client it must also pickle (a module-level function or a class such
        as :class:`~ketamodel.robustness.analysis.MarginOf`).
    table : array_like
        (n, k) numbers, one row per point.
    client : dask.distributed.Client, optional
        When given, the partitions run on its workers (``client.map``), else
        one after the other here.
    partition_rows : int
        Rows per partition, ≥ 1. The results do not depend on it unless
        ``fn`` draws random numbers (then each partition's draws come from
        its own seed).
    seed : int, optional
        ≥ 0. Partition ``i`` gets ``numpy.random.default_rng((seed, i))``.

    Returns
    -------
    ndarray
        ``fn``'s results for every row, in the order of ``table``.

    Examples
    --------
    >>> import numpy as np
    >>> sweep(lambda b: b.sum(axis=1), np.arange(6.0).reshape(3, 2), partition_rows=2)
    array([ 1.,  5.,  9.])
    """
    if not callable(fn):
        raise ValueError(f"fn must be callable, got {fn!r}")
    rows = check_array("table", table, low=-np.inf, high=np.inf, ndim=2)
    if seed is not None:
        seed = check_integer("seed", seed, low=0)
    if client is not None and not _is_client(client):
        raise ValueError(f"client must be a dask.distributed Client (with map and gather), got "
                         f"{type(client).__name__}")
    parts = partitions(len(rows), partition_rows)
    blocks = [rows[s] for s in parts]
    seeds = [None if seed is None else (seed, i) for i in range(len(parts))]
    if not parts:
        return np.empty((0,))
    if client is None:
        results = [_call(fn, b, s) for b, s in zip(blocks, seeds, strict=True)]
    else:
        futures = client.map(_call, [fn] * len(blocks), blocks, seeds, pure=False)
        results = client.gather(futures)
    return np.concatenate(results)


@dataclass(frozen=True)
class CohortSummary:
    """One arm of a large cohort, a row per person (see :func:`cohort_sweep`).

    Attributes
    ----------
    patient_id : ndarray
    visits_h : ndarray
    madrs : ndarray
        Ratings at the visits (people × visits).
    cadss_peak, ego_peak : ndarray
        Peak indices on their scales.
    """

    patient_id: np.ndarray
    visits_h: np.ndarray
    madrs: np.ndarray
    cadss_peak: np.ndarray
    ego_peak: np.ndarray

    def response_rate(self, visit_h: float) -> float:
        """Share of people whose rating at ``visit_h`` is at most half their baseline."""
        hit = np.flatnonzero(np.isclose(self.visits_h, visit_h))
        if not hit.size:
            raise ValueError(f"visit_h must be one of the visits {tuple(self.visits_h)}, got "
                             f"{visit_h!r}")
        return float(np.mean(self.madrs[:, hit[0]] <= 0.5 * self.madrs[:, 0]))


@dataclass(frozen=True)
class CohortPartition:
    """Chapter 6's cohort for a block of patient ids: the function :func:`cohort_sweep` maps.

    Calling it with a (rows, 1) block of consecutive ids returns, per person,
    the ratings at ``visits_h`` then the peak CADSS and ego scores.
    """

    arm: str = "ketamine"
    seed: int = 0
    visits_h: tuple[float, ...] = (0.0, 24.0, 168.0, 672.0)
    context: str = "neutral"

    def __call__(self, block: np.ndarray) -> np.ndarray:
        """Ratings at the visits, peak CADSS and peak ego score, a row per id of ``block``."""
        from .unified import ARMS, patient_table, simulate_cohort

        ids = np.asarray(block)[:, 0].astype(np.int64)
        if ids.size and np.any(np.diff(ids) != 1):
            raise ValueError("a cohort partition needs consecutive patient ids")
        table = patient_table(len(ids), self.seed, first_id=int(ids[0]))
        c = simulate_cohort(table, ARMS[self.arm], seed=self.seed, visits_h=self.visits_h,
                            context=self.context, t_end_h=max(self.visits_h[-1], 1.0))
        return np.column_stack([c.madrs, c.cadss_peak, c.ego_peak])


def cohort_sweep(n: int, *, arm: str = "ketamine", seed: int = 0,
                 visits_h: Sequence[float] = (0.0, 24.0, 168.0, 672.0),
                 context: str = "neutral", client: object = None,
                 partition_rows: int = 5000) -> CohortSummary:
    """Chapter 6's cohort of ``n`` virtual patients (up to 10⁶), one partition of ids at a time.

    Person ``i``'s draws depend only on ``seed`` and ``i``
    (:func:`~ketamodel.unified.patients.block_normals`), so the summary is the
    same for any ``partition_rows`` and with or without a Dask ``client``,
    and equals the rows of :func:`~ketamodel.unified.cohort.simulate_cohort`
    on the whole table. Memory is what one partition needs plus the summary
    (about 50 MB per 10⁶ people with four visits).

    Parameters
    ----------
    n : int
        People, 1 to 10⁶.
    arm : str
        One of :data:`~ketamodel.unified.trials.ARMS`.
    seed : int
    visits_h : sequence of float
        Rating visits, h, from 0 (baseline).
    context : str
    client : dask.distributed.Client, optional
    partition_rows : int
        People per partition.
    """
    from .unified import ARMS

    count = check_integer("n", n, low=1, high=1_000_000)
    if not isinstance(arm, str) or arm not in ARMS:
        raise ValueError(f"arm must be one of {tuple(ARMS)}, got {arm!r}")
    visits = tuple(float(v) for v in check_array("visits_h", visits_h, low=0.0, high=4320.0,
                                                 ndim=1))
    if not visits or visits[0] != 0.0 or any(np.diff(visits) <= 0):
        raise ValueError(f"visits_h must start at 0 and increase, got {visits}")
    if any(not v.is_integer() for v in visits):
        raise ValueError(f"visits_h must be whole hours, got {visits}")
    from .networks import context_value

    context_value(context)                # a bad context fails here, not on a worker
    fn = CohortPartition(arm, check_integer("seed", seed, low=0), visits, context)
    ids = np.arange(count, dtype=float)[:, None]
    out = sweep(fn, ids, client=client, partition_rows=partition_rows)
    k = len(visits)
    return CohortSummary(patient_id=np.arange(count), visits_h=np.array(visits),
                         madrs=out[:, :k], cadss_peak=out[:, k], ego_peak=out[:, k + 1])
