"""The parcels of the brain and the seven canonical networks they belong to.

The Schaefer parcellations (:cite:p:`schaefer2018local`) in their
``7Networks_order`` order: left hemisphere first, and within each hemisphere
the seven networks of :cite:t:`yeo2011organization`, each contiguous, in the
order Visual, Somatomotor, Dorsal Attention, Salience/Ventral Attention,
Limbic, (Frontoparietal) Control, Default. The counts per network and
hemisphere are those of the label files; no file is needed to rebuild them.
:func:`brain_graph` gives a weighted networkx graph whose nodes carry their
network and hemisphere.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from ..params import check_instance, check_integer, check_scalar

#: The seven networks in the atlas order (tokens of the Schaefer label names).
NETWORKS = ("Vis", "SomMot", "DorsAttn", "SalVentAttn", "Limbic", "Cont", "Default")

#: Names for figures and text.
NETWORK_NAMES = {
    "Vis": "visual", "SomMot": "somatomotor", "DorsAttn": "dorsal attention",
    "SalVentAttn": "salience / ventral attention", "Limbic": "limbic",
    "Cont": "frontoparietal control", "Default": "default mode",
}

#: Short names accepted wherever a network is named.
ALIASES = {"SN": "SalVentAttn", "DMN": "Default", "salience": "SalVentAttn",
           "default": "Default", "visual": "Vis", "somatomotor": "SomMot",
           "dorsal attention": "DorsAttn", "limbic": "Limbic", "control": "Cont"}

#: Parcels per network, (left hemisphere, right hemisphere), in ``NETWORKS`` order
#: (``Schaefer2018_{100,200}Parcels_7Networks_order`` label files; schaefer2018local).
COUNTS = {
    100: ((9, 6, 8, 7, 3, 4, 13), (8, 8, 7, 5, 2, 9, 11)),
    200: ((14, 16, 13, 11, 6, 13, 27), (15, 19, 13, 11, 6, 17, 19)),
}


def network_name(name: str) -> str:
    """The atlas token of a network named by its token, its alias or its name.

    ``"SN"`` and ``"salience"`` give ``"SalVentAttn"``; ``"DMN"`` gives ``"Default"``.

    Raises
    ------
    ValueError
        For a name that is none of these, listing the accepted ones.
    """
    if isinstance(name, str):
        if name in NETWORKS:
            return name
        if name in ALIASES:
            return ALIASES[name]
    raise ValueError(f"name must be a network, one of {NETWORKS} or {tuple(ALIASES)}, got "
                     f"{name!r}")


@dataclass(frozen=True)
class Atlas:
    """Parcels labelled by network and hemisphere.

    Attributes
    ----------
    n_parcels : int
        100 or 200.
    network : ndarray of int
        The network of each parcel, an index into :data:`NETWORKS` (0-6).
    hemisphere : ndarray of str
        ``"LH"`` or ``"RH"`` for each parcel.
    names : tuple of str
        A short label for each parcel, e.g. ``"LH_SalVentAttn_3"`` (our own
        numbering within network and hemisphere, not the atlas's region names).
    """

    n_parcels: int
    network: np.ndarray
    hemisphere: np.ndarray
    names: tuple[str, ...]

    @property
    def labels(self) -> np.ndarray:
        """The network token of each parcel (an array of str)."""
        return np.asarray(NETWORKS)[self.network]

    def indices(self, network: str) -> np.ndarray:
        """The 0-based indices of the parcels of one network (both hemispheres)."""
        return np.flatnonzero(self.network == NETWORKS.index(network_name(network)))

    def counts(self) -> dict[str, int]:
        """Parcels per network."""
        return {k: int(np.sum(self.network == i)) for i, k in enumerate(NETWORKS)}


def check_parcels(n_parcels: object) -> int:
    """``n_parcels`` as an int, or ``ValueError`` unless it is 100 or 200."""
    n = check_integer("n_parcels", n_parcels, low=100, high=200)
    if n not in COUNTS:
        raise ValueError(f"n_parcels must be one of {tuple(COUNTS)}, got {n_parcels!r}")
    return n


def atlas(n_parcels: int = 100) -> Atlas:
    """The Schaefer atlas of ``n_parcels`` (100 or 200) parcels in 7-network order.

    >>> a = atlas(100)
    >>> a.counts()["SalVentAttn"], a.indices("SN")[:3] + 1
    (12, array([24, 25, 26]))
    """
    n = check_parcels(n_parcels)
    network, hemisphere, names = [], [], []
    for hemi, counts in zip(("LH", "RH"), COUNTS[n], strict=True):
        for k, count in enumerate(counts):
            network += [k] * count
            hemisphere += [hemi] * count
            names += [f"{hemi}_{NETWORKS[k]}_{j + 1}" for j in range(count)]
    return Atlas(n_parcels=n, network=np.asarray(network),
                 hemisphere=np.asarray(hemisphere), names=tuple(names))


def brain_graph(weights: ArrayLike, brain: Atlas, *, threshold: float = 0.0) -> nx.Graph:
    """A weighted undirected graph of the parcels, with each node's network and hemisphere.

    Parameters
    ----------
    weights : array_like
        A symmetric ``n × n`` matrix (e.g. functional connectivity), ``n`` the atlas size.
    brain : Atlas
    threshold : float
        Only edges with weight above it are kept (the diagonal never is); within ±1000.

    Returns
    -------
    networkx.Graph
        Nodes ``0 … n-1`` with attributes ``network`` (token), ``hemisphere`` and
        ``name``; edges with attribute ``weight``.
    """
    from .metrics import check_matrix  # measures imports atlas

    check_instance("brain", brain, Atlas)
    w = check_matrix("weights", weights, symmetric=True, n=brain.n_parcels)
    threshold = check_scalar("threshold", threshold, low=-1e3, high=1e3)
    graph = nx.Graph()
    labels = brain.labels
    for i in range(brain.n_parcels):
        graph.add_node(i, network=str(labels[i]), hemisphere=str(brain.hemisphere[i]),
                       name=brain.names[i])
    rows, cols = np.nonzero(np.triu(w > threshold, 1))
    graph.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), w[rows, cols].tolist(),
                                      strict=True))
    return graph
