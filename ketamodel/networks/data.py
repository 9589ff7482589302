"""The human functional connectivity shipped with the book, and its checksums.

Two independent groups of Human Connectome Project participants, a
*discovery* group and a *validation* group, as distributed in the BrainSpace
toolbox (:cite:p:`vosdewael2020brainspace`; BSD 3-Clause licence, in
``ketamodel/networks/data/``): group-mean resting-state functional
connectivity, the Pearson correlation between parcel time series, for the
Schaefer 100- and 200-parcel atlases in 7-network order. The model's
baseline is fitted to the discovery group only; the validation group is kept
to test it.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from .parcellation import check_parcels

#: Where the matrices, their licence and their checksums live.
DATA_DIR = Path(__file__).with_name("data")

#: The two groups and the file name each has in the toolbox.
GROUPS = {"discovery": "main", "validation": "holdout"}


def fc_path(n_parcels: int = 100, group: str = "discovery") -> Path:
    """The CSV file of one group's matrix (``n_parcels`` 100 or 200)."""
    n = check_parcels(n_parcels)
    if not isinstance(group, str) or group not in GROUPS:
        raise ValueError(f"group must be one of {tuple(GROUPS)}, got {group!r}")
    return DATA_DIR / f"schaefer{n}_7networks_{GROUPS[group]}_group_fc.csv"


@lru_cache(maxsize=4)
def _read(path: Path) -> np.ndarray:
    fc = np.loadtxt(path, delimiter=",")
    fc.setflags(write=False)
    return fc


def empirical_fc(n_parcels: int = 100, group: str = "discovery") -> np.ndarray:
    """One group's functional connectivity, an ``n × n`` correlation matrix (a fresh copy).

    Parameters
    ----------
    n_parcels : int
        100 or 200 (Schaefer parcels, 7-network order; :func:`~ketamodel.networks.parcellation`).
    group : str
        ``"discovery"`` (the toolbox's ``main`` group) or ``"validation"`` (``holdout``).

    Returns
    -------
    ndarray
        Symmetric, diagonal 1, a few small negative entries.
    """
    return _read(fc_path(n_parcels, group)).copy()


def checksums() -> dict[str, str]:
    """The SHA-256 of each shipped file, as listed in ``SHA256SUMS``."""
    listed = {}
    for line in (DATA_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    return listed


def sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
