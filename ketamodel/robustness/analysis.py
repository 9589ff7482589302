r"""Global sensitivity of every claim: Morris screening, Sobol indices and the share that holds.

For a claim (:data:`~ketamodel.robustness.claims.CLAIMS`) over its space
(:class:`~ketamodel.robustness.space.Space`, every factor mapped to [0, 1]):

- **share**: the fraction of points of the space at which the margin is
  positive, over ``replicates`` independently scrambled Sobol' sequences
  (:class:`scipy.stats.qmc.Sobol`, randomised quasi-Monte Carlo), with a 95 %
  t-interval over the replicates (a Wilson interval on all points when every
  replicate gives the same share). It is the share of the plausible space,
  under the uniform (or log-uniform) spreads, in which the claim holds.
- **regional sensitivity**: for each factor, the Kolmogorov-Smirnov distance
  between its values at the points where the claim holds and where it fails
  (on the share points, at no extra cost): the factors that decide *whether*
  the claim holds.
- **Morris screening** (SALib, ``SALib.sample.morris`` and
  ``SALib.analyze.morris``): ``trajectories`` one-at-a-time paths over a
  grid of ``levels``; each step moves one factor by
  :math:`\Delta = p / (2(p - 1))` of its (transformed) range (2/3 for
  :math:`p = 4`), and its elementary effect is the change of the margin over
  :math:`\Delta`. :math:`\mu^*`, their mean absolute value, says how much the
  factor moves the margin (per unit of its range), :math:`\sigma`, their
  spread, whether that depends on the others.
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

#: The budget (Morris trajectories and grid levels, Sobol base samples, per chapter where the
#: model is cheap enough for more, and share points as replicates x points per replicate).
SETTINGS = {
    "cheap": {"trajectories": 20, "levels": 4, "sobol_n": 128, "share_n": 32,
              "replicates": 16},
    "heavy": {"trajectories": 4, "levels": 4, "sobol_n": 0, "share_n": 8, "replicates": 8},
    "sobol_n_by_chapter": {"2": 4096, "4": 512},
    "seed": 20261203,
}

#: The library's code a claim's margin can depend on (its fingerprint covers these).
MODEL_CODE = ("params.py", "units.py", "_blas.py", "circuits.py", "pharmacology", "reward",
              "plasticity", "networks", "selfmodel", "unified", "robustness/claims.py",
              "robustness/space.py", "robustness/analysis.py", "sweep.py")

#: Data the results depend on (the human connectivity the networks are fitted to).
MODEL_DATA = ("networks/data/SHA256SUMS",)

#: Libraries whose version the results depend on.
MODEL_LIBRARIES = ("numpy", "scipy", "SALib")


def _claim(key: object) -> Claim:
    if not isinstance(key, str) or key not in CLAIMS:
        raise ValueError(f"key must be one of {tuple(CLAIMS)}, got {key!r}")
    return CLAIMS[key]


@dataclass(frozen=True)
class MarginOf:
    """The margins of one claim at a block of unit-cube rows (picklable, for sweeps).

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
    """Morris screening of ``fn``, a function of (n, k) unit-cube rows as for a sweep.

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


def share_points(k: int, n: int, seed: int, replicates: int = 1) -> np.ndarray:
    """``replicates`` scrambled Sobol' sequences of ``n`` points (a power of 2) on the unit cube.

    Replicate ``r`` is scrambled with seed ``(seed, r)`` (with one replicate,
    ``seed`` itself); rows are the replicates' points one after the other.
    """
    from scipy.stats import qmc

    count = check_integer("n", n, low=1)
    if count & (count - 1):
        raise ValueError(f"n must be a power of 2 (Sobol' sequence), got {count}")
    dim = check_integer("k", k, low=1)
    s0 = check_integer("seed", seed, low=0)
    reps = check_integer("replicates", replicates, low=1)
    seeds = [s0] if reps == 1 else [np.random.SeedSequence((s0, r)) for r in range(reps)]
    return np.vstack([qmc.Sobol(d=dim, scramble=True, seed=np.random.default_rng(sd))
                      .random(count) for sd in seeds])


def share_interval(holds: np.ndarray, replicates: int) -> tuple[float, float]:
    """95 % interval of the share from ``replicates`` equal blocks of ``holds`` (RQMC).

    A t-interval over the replicates' shares; when they are all equal (e.g.
    every point holds) the Wilson interval of all points instead.
    """
    from scipy import stats

    h = np.asarray(holds, dtype=bool).reshape(replicates, -1)
    shares = h.mean(axis=1)
    if replicates < 2 or np.ptp(shares) == 0:
        return wilson(int(h.sum()), h.size)
    half = float(stats.t.ppf(0.975, replicates - 1) * shares.std(ddof=1) / np.sqrt(replicates))
    return max(0.0, float(shares.mean()) - half), min(1.0, float(shares.mean()) + half)


def regional(samples: np.ndarray, holds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per factor, the KS distance (and p-value) between points that hold and points that fail.

    Zeros (p-values of 1) when every point holds or every point fails.
    """
    from scipy import stats

    h = np.asarray(holds, dtype=bool)
    k = samples.shape[1]
    if h.all() or not h.any():
        return np.zeros(k), np.ones(k)
    res = [stats.ks_2samp(samples[h, j], samples[~h, j]) for j in range(k)]
    return (np.array([r.statistic for r in res], dtype=float),
            np.array([r.pvalue for r in res], dtype=float))


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
    s1, s1_conf, st, st_conf : tuple of float
        Sobol, per factor (empty for a heavy claim).
    ks, ks_p : tuple of float
        Regional sensitivity per factor: the KS distance between the factor's
        values where the claim holds and where it fails, and its p-value.
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
    s1_conf: tuple[float, ...]
    st: tuple[float, ...]
    st_conf: tuple[float, ...]
    ks: tuple[float, ...]
    ks_p: tuple[float, ...]
    evaluations: int

    @property
    def verdict(self) -> str:
        """The share in words (:func:`verdict_of`)."""
        return verdict_of(self.share)

    @property
    def splits(self) -> bool:
        """True when the claim holds at some share points and fails at others."""
        return bool(any(self.ks))

    def deciders(self, count: int = 3) -> tuple[str, ...]:
        """The ``count`` factors that decide the claim, most influential first.

        Where the claim holds in part of the space, those that best separate
        holding from failing points (the KS distance); where it holds (or
        fails) everywhere, those that move its margin most (Morris μ*).
        """
        score = self.ks if self.splits else self.mu_star
        order = np.argsort(-np.asarray(score), kind="stable")
        return tuple(self.labels[i] for i in order[:check_integer("count", count, low=1)])


def analyse(key: str, *, client: object = None) -> ClaimRobustness:
    """Share, regional sensitivity, Morris and (if cheap) Sobol of a claim, by :data:`SETTINGS`."""
    claim = _claim(key)
    space = claim.space()
    budget = SETTINGS["heavy" if claim.heavy else "cheap"]
    seed = SETTINGS["seed"]
    rows = 8 if claim.heavy else 64
    reps = budget["replicates"]
    u = share_points(len(space), budget["share_n"], seed, reps)
    margins = np.asarray(sweep(MarginOf(key), u, client=client, partition_rows=rows))
    undefined = np.isnan(margins)
    if undefined.any() and claim.undefined is None:
        _finite(key, margins)
    holds = np.zeros(len(u), dtype=bool)
    holds[~undefined] = margins[~undefined] > 0
    ks, ks_p = regional(u, holds)
    fn = MarginOf(key, fill=claim.undefined)
    m = morris_of(fn, space.labels, trajectories=budget["trajectories"],
                  levels=budget["levels"], seed=seed, client=client, partition_rows=rows)
    evaluations = len(u) + len(m.samples)
    s1 = s1_conf = st = st_conf = ()
    n_sobol = SETTINGS["sobol_n_by_chapter"].get(str(claim.chapter), budget["sobol_n"])
    if n_sobol:
        s = sobol_of(fn, space.labels, n=n_sobol, seed=seed, client=client,
                     partition_rows=rows)
        s1, s1_conf, st, st_conf = (tuple(map(float, a))
                                    for a in (s.s1, s.s1_conf, s.st, s.st_conf))
        evaluations += n_sobol * (len(space) + 2)
    return ClaimRobustness(
        key=key, labels=space.labels, low=tuple(f.low for f in space.factors),
        high=tuple(f.high for f in space.factors), margin_default=claim.at_defaults(),
        share=float(holds.mean()), share_ci=share_interval(holds, reps), n_share=len(u),
        share_undefined=float(np.mean(undefined)),
        mu_star=tuple(map(float, m.mu_star)), mu_star_conf=tuple(map(float, m.mu_star_conf)),
        sigma=tuple(map(float, m.sigma)), s1=s1, s1_conf=s1_conf, st=st, st_conf=st_conf,
        ks=tuple(map(float, ks)), ks_p=tuple(map(float, ks_p)), evaluations=evaluations)


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
    """SHA-256 of the model's code (docstrings and comment lines aside), data, libraries, settings.

    It changes when anything a cached result depends on changes.
    """
    from importlib.metadata import version

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(json.dumps(SETTINGS, sort_keys=True).encode())

    def add(label: str, text: str) -> None:
        for part in (label, text):
            data = part.encode()
            h.update(len(data).to_bytes(8, "big") + data)

    for name in MODEL_CODE:
        target = root / name
        files = sorted(target.rglob("*.py"), key=lambda f: f.relative_to(root).as_posix()) \
            if target.is_dir() else [target]
        for f in files:
            add(f.relative_to(root).as_posix(), _code_without_docstrings(f))
    for name in MODEL_DATA:
        add(name, (root / name).read_text(encoding="utf-8"))
    for lib in MODEL_LIBRARIES:
        add(lib, version(lib))
    return h.hexdigest()


def save_results(results: list[ClaimRobustness], path: Path = RESULTS_PATH) -> Path:
    """Write ``results`` with the current :func:`fingerprint` as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"fingerprint": fingerprint(), "settings": SETTINGS,
           "claims": [asdict(r) for r in results]}
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return path


def load_results(path: Path = RESULTS_PATH, *, check: bool = True,
                 complete: bool = True) -> dict[str, ClaimRobustness]:
    """The cached results by claim key; ``ValueError`` if stale (``check``) or incomplete.

    ``complete=False`` accepts a file that lacks some claims.

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
    if check and complete and missing:
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
