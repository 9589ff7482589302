r"""Measures of segregation and integration: plain functions of a matrix and labels.

A matrix here is a functional connectivity (or any symmetric weight) matrix;
``labels`` gives each node's network (any numbers or strings, e.g.
``Atlas.labels``). The choices, which change the numbers and are stated with
every figure:

- **diagonal**: never an edge (self-correlation is 1 by definition);
- **negative edges**: kept in the mean FC of :func:`within_between` (what a
  seed study averages); set to zero for system segregation (the reference
  code's default, :cite:p:`chan2014decreased`) and for the graph measures,
  whose weights must be positive (:cite:p:`rubinov2010complex`).

Definitions:

- within-network FC of network :math:`s`: the mean of the upper triangle of
  its block; between-network FC: the mean over pairs with one node in
  :math:`s` and one outside (*disintegration*: within falls;
  *desegregation*: between rises; :cite:p:`marguilho2023unified`);
- system segregation :math:`SS = (\bar W - \bar B)/\bar W`, :math:`\bar W` the
  mean of all within-network edges, :math:`\bar B` of all between-network
  edges (:cite:p:`chan2014decreased`); per network, the same with the
  edges of one network;
- participation coefficient
  :math:`P_i = 1 - \sum_s (k_{is}/k_i)^2` (:cite:p:`guimera2005functional`), 0
  when :math:`k_i = 0`;
- modularity of the given partition,
  :math:`Q = \frac{1}{2m}\sum_{ij} (A_{ij} - \gamma k_i k_j/2m)\,\delta(c_i, c_j)`
  (:cite:p:`newman2006modularity`);
- weighted global efficiency
  :math:`E = \frac{1}{n(n-1)}\sum_{i \ne j} 1/d_{ij}`, with :math:`d_{ij}` the
  shortest path when an edge of weight :math:`w` has length :math:`1/w`
  (:cite:p:`latora2001efficient`).

networkx has modularity (about 30 ms per call on 100 nodes, too slow for a
slider) and only an unweighted global efficiency; these are computed with
numpy and SciPy's shortest paths, and the tests check every one against
networkx and bctpy on the same matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse.csgraph
from numpy.typing import ArrayLike

from ..params import check_array, check_scalar

#: Tolerance of the symmetry check (absolute, on the matrix entries).
SYMMETRY_TOL = 1e-8


def check_matrix(name: str, values: Any, *, symmetric: bool = False,
                 n: int | None = None) -> np.ndarray:
    """A finite square float matrix, or ``ValueError`` naming ``name`` and the problem.

    Parameters
    ----------
    name : str
        The parameter's name.
    values : array_like
    symmetric : bool
        Require symmetry (to :data:`SYMMETRY_TOL`).
    n : int, optional
        Required size.
    """
    m = check_array(name, values, low=-np.inf, high=np.inf, ndim=2)
    if m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise ValueError(f"{name} must be a square matrix of at least 2 × 2, got shape "
                         f"{m.shape}")
    if n is not None and m.shape[0] != n:
        raise ValueError(f"{name} must be {n} × {n} (one row per node), got {m.shape}")
    if symmetric and not np.allclose(m, m.T, rtol=0.0, atol=SYMMETRY_TOL):
        i, j = np.unravel_index(np.argmax(np.abs(m - m.T)), m.shape)
        raise ValueError(f"{name} must be symmetric, but entry ({i}, {j}) is {m[i, j]:g} "
                         f"and ({j}, {i}) is {m[j, i]:g}")
    return m


def check_labels(labels: Any, n: int) -> tuple[np.ndarray, tuple]:
    """Node labels as integer codes and the distinct labels in order of first appearance.

    Raises
    ------
    ValueError
        If ``labels`` is not a flat sequence of ``n`` numbers or strings, or
        names fewer than 2 networks.
    """
    try:
        arr = np.asarray(labels, dtype=object) if not isinstance(labels, np.ndarray) else labels
    except ValueError:
        raise ValueError("labels must be a flat sequence, one network per node") from None
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"labels must give one network per node ({n}), got shape "
                         f"{arr.shape}")
    if not all(isinstance(x, str | int | np.integer | np.str_) and not isinstance(x, bool)
               for x in arr.tolist()):
        raise ValueError("labels must be whole numbers or strings, one per node")
    keys = [str(type(x).__name__ in ("str", "str_")) + str(x) for x in arr.tolist()]
    order = list(dict.fromkeys(keys))
    if len(order) < 2:
        raise ValueError("labels must name at least 2 networks")
    codes = np.asarray([order.index(k) for k in keys])
    first = [arr.tolist()[keys.index(k)] for k in order]
    return codes, tuple(x.item() if isinstance(x, np.generic) else x for x in first)


def _positive(w: np.ndarray) -> np.ndarray:
    a = np.where(w > 0, w, 0.0)
    np.fill_diagonal(a, 0.0)
    return a


@dataclass(frozen=True)
class BlockFC:
    """Mean FC within and between networks.

    Attributes
    ----------
    networks : tuple
        The labels, in order of first appearance.
    within, between : dict
        Per network: mean FC within its block (upper triangle) and with every node
        outside it.
    block : ndarray
        ``k × k`` mean FC between networks; diagonal = ``within``.
    within_mean, between_mean : float
        Means over all within-network and all between-network edges, pooled.
    """

    networks: tuple
    within: dict
    between: dict
    block: np.ndarray
    within_mean: float
    between_mean: float

    def segregation(self) -> dict:
        """Per network, :math:`(W_s - B_s)/W_s` from this object's (signed or zeroed) means.

        NaN for a network whose mean within-network FC is not positive: there the
        ratio has no meaning.
        """
        return {k: (self.within[k] - self.between[k]) / self.within[k]
                if self.within[k] > 0 else float("nan") for k in self.networks}


def within_between(fc: ArrayLike, labels: Any, *, negative: str = "keep") -> BlockFC:
    """Mean FC within each network, between it and the rest, and between every pair.

    Parameters
    ----------
    fc : array_like
        Symmetric ``n × n``; the diagonal is ignored.
    labels : sequence
        The network of each node; every network needs at least 2 nodes.
    negative : str
        ``"keep"`` (default, the signed mean) or ``"zero"`` (negative edges count as 0).
    """
    m = check_matrix("fc", fc, symmetric=True)
    codes, names = check_labels(labels, m.shape[0])
    if not isinstance(negative, str) or negative not in ("keep", "zero"):
        raise ValueError(f"negative must be 'keep' or 'zero', got {negative!r}")
    return _within_between(m, codes, names, negative)


# The private kernels (_within_between, _participation, _modularity, _efficiency) take
# checked input: a square symmetric float matrix, codes and names from check_labels. Each
# public function checks its input once, and measures() checks once for all of them.
def _within_between(m: np.ndarray, codes: np.ndarray, names: tuple, negative: str) -> BlockFC:
    if negative == "zero":
        m = np.where(m > 0, m, 0.0)
    m = m.copy()
    np.fill_diagonal(m, 0.0)
    onehot = np.eye(len(names))[codes]
    size = onehot.sum(axis=0)
    if np.any(size < 2):
        raise ValueError(f"every network needs at least 2 nodes; {names[int(np.argmin(size))]!r} "
                         f"has {int(size.min())}")
    sums = onehot.T @ m @ onehot
    pairs = np.outer(size, size) - np.diag(size)          # ordered pairs, no self-pairs
    block = sums / pairs
    within_sum = np.diag(sums)
    between_sum = sums.sum(axis=1) - within_sum
    n = m.shape[0]
    within = within_sum / (size * (size - 1))
    between = between_sum / (size * (n - size))
    w_mean = within_sum.sum() / (size * (size - 1)).sum()
    b_mean = between_sum.sum() / (size * (n - size)).sum()
    return BlockFC(networks=names, within=dict(zip(names, within.tolist(), strict=True)),
                   between=dict(zip(names, between.tolist(), strict=True)), block=block,
                   within_mean=float(w_mean), between_mean=float(b_mean))


def system_segregation(fc: ArrayLike, labels: Any, *, negative: str = "zero") -> float:
    r"""System segregation :math:`(\bar W - \bar B)/\bar W` (:cite:p:`chan2014decreased`).

    Pooled over all edges (not averaged per network first); diagonal ignored;
    negative edges set to zero unless ``negative="keep"``.

    Raises
    ------
    ValueError
        If the mean within-network FC is not positive (the ratio has no meaning).
    """
    b = within_between(fc, labels, negative=negative)
    if b.within_mean <= 0:
        raise ValueError("system segregation needs a positive mean within-network FC, got "
                         f"{b.within_mean:g}")
    return (b.within_mean - b.between_mean) / b.within_mean


def participation_coefficient(weights: ArrayLike, labels: Any) -> np.ndarray:
    r""":math:`P_i = 1 - \sum_s (k_{is}/k_i)^2` for every node (positive weights, no diagonal).

    Returns
    -------
    ndarray
        One value per node, in [0, 1 − 1/k] for k networks; 0 for a node with no edge.
    """
    a = _positive(check_matrix("weights", weights, symmetric=True))
    codes, names = check_labels(labels, a.shape[0])
    return _participation(a, codes, len(names))


def _participation(a: np.ndarray, codes: np.ndarray, k: int) -> np.ndarray:
    k_is = a @ np.eye(k)[codes]
    k_i = k_is.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 1.0 - np.sum((k_is / k_i[:, None]) ** 2, axis=1)
    return np.where(k_i > 0, p, 0.0)


def modularity(weights: ArrayLike, labels: Any, *, resolution: float = 1.0) -> float:
    r"""Newman's modularity :math:`Q` of the partition ``labels`` (positive weights, no diag.)."""
    a = _positive(check_matrix("weights", weights, symmetric=True))
    codes, names = check_labels(labels, a.shape[0])
    gamma = check_scalar("resolution", resolution, low=0.0, high=1e3)
    return _modularity(a, codes, len(names), gamma)


def _modularity(a: np.ndarray, codes: np.ndarray, n_networks: int, gamma: float) -> float:
    two_m = a.sum()
    if two_m <= 0:
        raise ValueError("weights has no positive edge, so modularity is undefined")
    onehot = np.eye(n_networks)[codes]
    k = a.sum(axis=1)
    within = np.trace(onehot.T @ a @ onehot)
    expected = np.sum((onehot.T @ k) ** 2)
    return float(within / two_m - gamma * expected / two_m ** 2)


def global_efficiency(weights: ArrayLike) -> float:
    r"""Weighted global efficiency (lengths :math:`1/w`; positive weights, no diagonal).

    Pairs with no path contribute 0. SciPy's Floyd–Warshall on the dense length matrix.
    """
    return _efficiency(_positive(check_matrix("weights", weights, symmetric=True)))


def _efficiency(a: np.ndarray) -> float:
    n = a.shape[0]
    lengths = np.zeros_like(a)
    with np.errstate(over="ignore"):        # a subnormal weight: an infinite length
        np.divide(1.0, a, out=lengths, where=a > 0)
    d = scipy.sparse.csgraph.shortest_path(lengths, method="FW", directed=False)
    off = ~np.eye(n, dtype=bool)
    inv = np.zeros_like(d)
    np.divide(1.0, d, out=inv, where=np.isfinite(d) & off & (d > 0))
    return float(inv[off].sum() / (n * (n - 1)))


@dataclass(frozen=True)
class Measures:
    """Every measure of one matrix (see the module for definitions and choices).

    Attributes
    ----------
    block : BlockFC
        Within / between FC (signed).
    segregation : float
        System segregation (negative edges zeroed).
    network_segregation : dict
        Per network, :math:`(W_s - B_s)/W_s` (negative edges zeroed).
    participation : dict
        Mean participation coefficient of each network's nodes.
    modularity : float
        Of the given partition.
    efficiency : float
        Weighted global efficiency.
    """

    block: BlockFC
    segregation: float
    network_segregation: dict
    participation: dict
    modularity: float
    efficiency: float


def measures(fc: ArrayLike, labels: Any) -> Measures:
    """All measures of :class:`Measures` for one matrix and its labels (a few ms at 100 nodes)."""
    m = check_matrix("fc", fc, symmetric=True)
    codes, names = check_labels(labels, m.shape[0])
    zeroed = _within_between(m, codes, names, "zero")
    if zeroed.within_mean <= 0:
        raise ValueError("fc needs a positive mean within-network FC")
    a = _positive(m)
    p = _participation(a, codes, len(names))
    return Measures(
        block=_within_between(m, codes, names, "keep"),
        segregation=(zeroed.within_mean - zeroed.between_mean) / zeroed.within_mean,
        network_segregation=zeroed.segregation(),
        participation={k: float(p[codes == i].mean()) for i, k in enumerate(names)},
        modularity=_modularity(a, codes, len(names), 1.0), efficiency=_efficiency(a))
