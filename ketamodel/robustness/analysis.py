r"""Global sensitivity of every claim: Morris screening, Sobol indices and the share that holds.

For a claim (:data:`~ketamodel.robustness.claims.CLAIMS`) over its space
(:class:`~ketamodel.robustness.space.Space`, every factor mapped to [0, 1]):

- **share**: the fraction of a scrambled Sobol' sequence of points of the
  space (:class:`scipy.stats.qmc.Sobol`) at which the margin is positive,
  with a 95 % Wilson interval. It is the share of the plausible space, under
  the uniform (or, for the default rule, log-uniform) spreads, in which the
  claim holds.
- **Morris screening** (SALib, ``SALib.sample.morris`` and
  ``SALib.analyze.morris``): ``trajectories`` one-at-a-time paths over a
  grid of ``levels``; :math:`\mu^*` is the mean absolute elementary effect of a
  factor on the margin (how much it matters), :math:`\sigma` their spread
  (non-linearity or interaction).
- **Sobol indices** (SALib, ``SALib.sample.sobol`` and ``SALib.analyze.sobol``,
  Saltelli's scheme without second order): the first-order :math:`S_1` and
  total :math:`S_T` shares of the margin's variance; for the cheap claims only.

Evaluations run through :func:`ketamodel.sweep.sweep`, so any of these can
be given a Dask client. Margins are clipped to ±:data:`MARGIN_CLIP` so that
a ratio of zero (an infinite margin) does not swamp the statistics. The
results of every claim are cached in ``data/robustness.json`` by ``python -m
ketamodel.robustness`` with a :func:`fingerprint` of the model's code and
the settings; :func:`load_results` refuses a stale file.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from ..params import check_integer
from ..sweep import sweep
from .claims import CLAIMS, Claim

#: Margins are clipped to [-MARGIN_CLIP, MARGIN_CLIP].
MARGIN_CLIP = 10.0

#: Where the cached results live.
RESULTS_PATH = Path(__file__).with_name("data") / "robustness.json"

#: The budget: Morris trajectories and grid levels, Sobol base samples and share points.
SETTINGS = {
    "cheap": {"trajectories": 20, "levels": 4, "sobol_n": 128, "share_n": 512},
    "heavy": {"trajectories": 4, "levels": 4, "sobol_n": 0, "share_n": 64},
    "seed": 20261203,
}

#: The library's code a claim's margin can depend on (its fingerprint covers these).
MODEL_CODE = ("params.py", "units.py", "circuits.py", "pharmacology", "reward", "plasticity",
              "networks", "selfmodel", "unified", "robustness/claims.py",
              "robustness/space.py", "sweep.py")


def _claim(key: object) -> Claim:
    if not isinstance(key, str) or key not in CLAIMS:
        raise ValueError(f"key must be one of {tuple(CLAIMS)}, got {key!r}")
    return CLAIMS[key]


@dataclass(frozen=True)
class MarginOf:
    """The margins of one claim at a block of unit-cube rows (picklable, for :func:`sweep`).

    Where the claim cannot be judged (its margin is NaN) the result is NaN,
    or ``fill`` when given. A point whose parameters the model refuses (a
    ``ValueError``) is an error naming the claim: the spreads must not reach it.
    """

    key: str
    fill: float | None = None

    def __call__(self, block: np.ndarray) -> np.ndarray:
        """One clipped margin per row of ``block``."""
        claim = _claim(self.key)
        space = claim.space()
        out = np.empty(len(block))
        for i, row in enumerate(block):
            try:
                out[i] = claim.margin(space.params(row))
            except ValueError as err:
                raise ValueError(f"{self.key}: the model refused a point of the space "
                                 f"({err}); narrow the spreads") from err
        if self.fill is not None:
            out[np.isnan(out)] = self.fill
        return np.clip(out, -MARGIN_CLIP, MARGIN_CLIP)


def _problem(labels: tuple[str, ...]) -> dict:
    return {"num_vars": len(labels), "names": list(labels), "bounds": [[0.0, 1.0]] * len(labels)}


def _finite(key: str, y: np.ndarray) -> np.ndarray:
    if np.isnan(y).any():
        raise ValueError(f"{key}: {int(np.isnan(y).sum())} of {y.size} values are NaN (a claim "
                         "that cannot be judged there needs its undefined score)")
    return y


@dataclass(frozen=True)
class Morris:
    """Morris screening of one function of the unit cube.

    Attributes
    ----------
    labels : tuple of str
    mu_star, mu_star_conf, sigma, mu : ndarray
        Per factor: mean absolute elementary effect, its 95 % bootstrap half-width,
        the effects' standard deviation and their mean (signed).
    samples : ndarray
        The trajectories' points (rows) on [0, 1].
    values : ndarray
        The function at each point.
    """

    labels: tuple[str, ...]
    mu_star: np.ndarray
    mu_star_conf: np.ndarray
    sigma: np.ndarray
    mu: np.ndarray
    samples: np.ndarray
    values: np.ndarray

    def ranking(self) -> tuple[str, ...]:
        """The labels from the most influential (largest μ*) to the least."""
        return tuple(self.labels[i] for i in np.argsort(-self.mu_star, kind="stable"))


def morris_of(fn: object, labels: tuple[str, ...], *, trajectories: int = 20, levels: int = 4,
              seed: int = 0, client: object = None, partition_rows: int = 64) -> Morris:
    """Morris screening of ``fn`` (a function of (n, k) unit-cube rows, as for :func:`sweep`).

    Parameters
    ----------
    fn : callable
        ``fn(block) -> one value per row``.
    labels : tuple of str
        The k factors' names.
    trajectories : int
        ≥ 2; each costs k + 1 evaluations.
    levels : int
        Even, ≥ 2: the grid of each factor.
    seed : int
    client : dask.distributed.Client, optional
    partition_rows : int
        Points per partition of the sweep (:func:`~ketamodel.sweep.sweep`).
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    r = check_integer("trajectories", trajectories, low=2)
    p = check_integer("levels", levels, low=2)
    if p % 2:
        raise ValueError(f"levels must be even (Morris' grid), got {p}")
    if not labels:
        raise ValueError("labels must name at least one factor")
    problem = _problem(tuple(labels))
    x = sample.sample(problem, N=r, num_levels=p, seed=check_integer("seed", seed, low=0))
    y = _finite("morris", np.asarray(sweep(fn, x, client=client, partition_rows=partition_rows),
                                     dtype=float))
    res = analyze.analyze(problem, x, y, num_levels=p, seed=seed, print_to_console=False)
    return Morris(tuple(labels), *(np.asarray(res[k], dtype=float)
                                   for k in ("mu_star", "mu_star_conf", "sigma", "mu")),
                  samples=x, values=y)


@dataclass(frozen=True)
class Sobol:
    """First-order and total Sobol indices, with 95 % bootstrap half-widths.

    Attributes
    ----------
    labels : tuple of str
    s1, s1_conf, st, st_conf : ndarray
    """

    labels: tuple[str, ...]
    s1: np.ndarray
    s1_conf: np.ndarray
    st: np.ndarray
    st_conf: np.ndarray


def sobol_of(fn: object, labels: tuple[str, ...], *, n: int = 128, seed: int = 0,
             client: object = None, partition_rows: int = 64) -> Sobol:
    """Sobol indices of ``fn`` on the unit cube; ``n`` (a power of 2) × (k + 2) evaluations."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    count = check_integer("n", n, low=2)
    if count & (count - 1):
        raise ValueError(f"n must be a power of 2 (Sobol' sequence), got {count}")
    problem = _problem(tuple(labels))
    x = sample.sample(problem, count, calc_second_order=False,
                      seed=check_integer("seed", seed, low=0))
    y = _finite("sobol", np.asarray(sweep(fn, x, client=client, partition_rows=partition_rows),
                                    dtype=float))
    if np.ptp(y) == 0:
        zeros = np.zeros(len(labels))
        return Sobol(tuple(labels), zeros, zeros, zeros, zeros)
    res = analyze.analyze(problem, y, calc_second_order=False, seed=seed,
                          print_to_console=False)
    return Sobol(tuple(labels), *(np.asarray(res[k], dtype=float)
                                  for k in ("S1", "S1_conf", "ST", "ST_conf")))


def wilson(hits: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a proportion ``hits``/``n``."""
    k = check_integer("hits", hits, low=0)
    m = check_integer("n", n, low=1)
    if k > m:
        raise ValueError(f"hits must be at most n ({m}), got {k}")
    z = 1.959964
    p = k / m
    centre = (p + z * z / (2 * m)) / (1 + z * z / m)
    half = z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    return max(0.0, centre - half), min(1.0, centre + half)


def share_points(k: int, n: int, seed: int) -> np.ndarray:
    """``n`` points (a power of 2) of a scrambled Sobol' sequence on the k-dimensional unit cube."""
    from scipy.stats import qmc

    count = check_integer("n", n, low=1)
    if count & (count - 1):
        raise ValueError(f"n must be a power of 2 (Sobol' sequence), got {count}")
    return qmc.Sobol(d=check_integer("k", k, low=1), scramble=True,
                     seed=check_integer("seed", seed, low=0)).random(count)


#: How a claim's share is described, from the share of the space where it holds.
VERDICTS = ((0.9, "robust"), (0.5, "holds in most of the space"),
            (0.1, "holds in part of the space"), (0.0, "holds only in a corner"))


def verdict_of(share: float) -> str:
    """The share in words, by :data:`VERDICTS` (``"robust"`` from 90 %)."""
    for low, word in VERDICTS:
        if share >= low:
            return word
    raise ValueError(f"share must be in [0, 1], got {share!r}")


@dataclass(frozen=True)
class ClaimRobustness:
    """How robust one claim is, and to what (what the appendix shows).

    Attributes
    ----------
    key : str
    labels : tuple of str
        The factors.
    low, high : tuple of float
        Their ranges.
    margin_default : float
        The margin at the book's values.
    share : float
        Share of the space where the claim holds.
    share_ci : (float, float)
    n_share : int
    share_undefined : float
        Share of the points where the claim cannot be judged (a NaN margin); they
        count as not holding in ``share``.
    mu_star, mu_star_conf, sigma : tuple of float
        Morris, per factor.
    s1, st, st_conf : tuple of float
        Sobol, per factor (empty for a heavy claim).
    evaluations : int
        Model evaluations spent.
    """

    key: str
    labels: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    margin_default: float
    share: float
    share_ci: tuple[float, float]
    n_share: int
    share_undefined: float
    mu_star: tuple[float, ...]
    mu_star_conf: tuple[float, ...]
    sigma: tuple[float, ...]
    s1: tuple[float, ...]
    st: tuple[float, ...]
    st_conf: tuple[float, ...]
    evaluations: int

    @property
    def verdict(self) -> str:
        """The share in words (:func:`verdict_of`)."""
        return verdict_of(self.share)

    def deciders(self, count: int = 3) -> tuple[str, ...]:
        """The ``count`` factors with the largest Morris μ*, most influential first."""
        order = np.argsort(-np.asarray(self.mu_star), kind="stable")
        return tuple(self.labels[i] for i in order[:check_integer("count", count, low=1)])


def analyse(key: str, *, client: object = None) -> ClaimRobustness:
    """Share, Morris and (for a cheap claim) Sobol of one claim, with :data:`SETTINGS`."""
    claim = _claim(key)
    space = claim.space()
    budget = SETTINGS["heavy" if claim.heavy else "cheap"]
    seed = SETTINGS["seed"]
    rows = 8 if claim.heavy else 64
    u = share_points(len(space), budget["share_n"], seed)
    margins = np.asarray(sweep(MarginOf(key), u, client=client, partition_rows=rows))
    undefined = np.isnan(margins)
    if undefined.any() and claim.undefined is None:
        _finite(key, margins)
    hits = int(np.sum(margins[~undefined] > 0))
    fn = MarginOf(key, fill=claim.undefined)
    m = morris_of(fn, space.labels, trajectories=budget["trajectories"],
                  levels=budget["levels"], seed=seed, client=client, partition_rows=rows)
    evaluations = len(u) + len(m.samples)
    s1 = st = st_conf = ()
    if budget["sobol_n"]:
        s = sobol_of(fn, space.labels, n=budget["sobol_n"], seed=seed, client=client,
                     partition_rows=rows)
        s1, st, st_conf = (tuple(map(float, a)) for a in (s.s1, s.st, s.st_conf))
        evaluations += budget["sobol_n"] * (len(space) + 2)
    return ClaimRobustness(
        key=key, labels=space.labels, low=tuple(f.low for f in space.factors),
        high=tuple(f.high for f in space.factors), margin_default=claim.at_defaults(),
        share=hits / len(u), share_ci=wilson(hits, len(u)), n_share=len(u),
        share_undefined=float(np.mean(undefined)),
        mu_star=tuple(map(float, m.mu_star)), mu_star_conf=tuple(map(float, m.mu_star_conf)),
        sigma=tuple(map(float, m.sigma)), s1=s1, st=st, st_conf=st_conf,
        evaluations=evaluations)


def _code_without_docstrings(path: Path) -> str:
    """The file's lines without docstrings, comment lines, trailing spaces and blank lines."""
    text = path.read_text(encoding="utf-8")
    drop: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            drop.update(range(body[0].lineno, body[0].end_lineno + 1))
    keep = (line.rstrip() for i, line in enumerate(text.splitlines(), 1) if i not in drop)
    return "\n".join(line for line in keep if line and not line.lstrip().startswith("#"))


def fingerprint() -> str:
    """SHA-256 of the model's code (docstrings and comment lines aside) and :data:`SETTINGS`.

    It changes when anything a cached result depends on changes.
    """
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(json.dumps(SETTINGS, sort_keys=True).encode())
    for name in MODEL_CODE:
        target = root / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for f in files:
            h.update(f.relative_to(root).as_posix().encode())
            h.update(_code_without_docstrings(f).encode())
    return h.hexdigest()


def save_results(results: list[ClaimRobustness], path: Path = RESULTS_PATH) -> Path:
    """Write ``results`` with the current :func:`fingerprint` as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"fingerprint": fingerprint(), "settings": SETTINGS,
           "claims": [asdict(r) for r in results]}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(path: Path = RESULTS_PATH, *, check: bool = True) -> dict[str, ClaimRobustness]:
    """The cached results by claim key; ``ValueError`` if stale (``check``) or incomplete.

    Regenerate with ``python -m ketamodel.robustness`` (see the appendix).
    """
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if check and doc.get("fingerprint") != fingerprint():
        raise ValueError(f"{path} is stale: the model's code, the claims or the settings "
                         "changed since it was made; run python -m ketamodel.robustness")
    out = {}
    for row in doc["claims"]:
        row = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
        out[row["key"]] = ClaimRobustness(**row)
    missing = set(CLAIMS) - set(out)
    if check and missing:
        raise ValueError(f"{path} lacks claims {sorted(missing)}; run python -m "
                         "ketamodel.robustness")
    return out


def run_all(keys: ArrayLike | None = None, *, client: object = None,
            log: object = None) -> list[ClaimRobustness]:
    """:func:`analyse` for every claim (or the given keys), in registry order."""
    chosen = list(CLAIMS) if keys is None else [_claim(k).key for k in keys]  # type: ignore
    out = []
    for k in chosen:
        out.append(analyse(k, client=client))
        if callable(log):
            log(f"{k}: share {out[-1].share:.2f}, deciders {', '.join(out[-1].deciders())}")
    return out
