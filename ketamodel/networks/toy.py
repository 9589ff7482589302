"""A small synthetic modular graph for hand-sized examples.

Three modules of four nodes, weights set by hand: ``within`` inside a module,
``between`` across. :func:`mix` moves weight from inside the modules to
between them, the toy version of disintegration plus desegregation.
Deterministic; the numbers are didactic, not data.
"""

from __future__ import annotations

import numpy as np

from ..params import check_integer, check_scalar
from .metrics import check_labels, check_matrix


def modular_graph(n_modules: int = 3, size: int = 4, *, within: float = 0.6,
                  between: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """A weight matrix of ``n_modules`` modules of ``size`` nodes, and the module labels.

    Parameters
    ----------
    n_modules : int
        2 to 10.
    size : int
        Nodes per module, 2 to 20.
    within, between : float
        Weights inside a module and across modules, 0-1.

    Returns
    -------
    weights : ndarray
        Symmetric, zero diagonal.
    labels : ndarray of int
        The module of each node.
    """
    k = check_integer("n_modules", n_modules, low=2, high=10)
    m = check_integer("size", size, low=2, high=20)
    w_in = check_scalar("within", within, low=0.0, high=1.0)
    w_out = check_scalar("between", between, low=0.0, high=1.0)
    labels = np.repeat(np.arange(k), m)
    same = labels[:, None] == labels[None, :]
    weights = np.where(same, w_in, w_out)
    np.fill_diagonal(weights, 0.0)
    return weights, labels


def mix(weights: np.ndarray, labels: np.ndarray, fraction: float) -> np.ndarray:
    """Move ``fraction`` (0-1) of each within-module weight to the between-module edges.

    The total weight is kept: what leaves the within-module edges is spread
    evenly over the between-module edges.
    """
    f = check_scalar("fraction", fraction, low=0.0, high=1.0)
    w = check_matrix("weights", weights, symmetric=True)
    codes, _ = check_labels(labels, w.shape[0])
    lab = codes
    same = (lab[:, None] == lab[None, :]) & ~np.eye(len(lab), dtype=bool)
    other = lab[:, None] != lab[None, :]
    moved = f * w[same].sum()
    w[same] *= 1.0 - f
    w[other] += moved / other.sum()
    return w
