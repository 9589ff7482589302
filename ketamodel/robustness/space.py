r"""The plausible parameter space: which numbers vary, over what range, and why.

Every parameter declared with :func:`ketamodel.params.param` either states a
``spread`` (its lowest and highest plausible value, with ``spread_why``) or
falls under the book's default rule:

- an *assumed* value is varied by a factor of two either way, log-uniformly
  (:math:`\theta \in [\theta_0/2,\, 2\theta_0]`, clipped inside its valid
  range): it was chosen for teaching, and a factor of two is the least
  uncertainty an unmeasured rate or weight can honestly claim;
- a sourced value is held at its source's number unless its ``spread``
  gives the reported spread (a confidence interval, a range across studies);
- an assumed value of zero (a switch that is off) is held, not varied.

A :class:`Space` is the list of :class:`Factor` objects of some parameter
classes. It turns a table of samples on the unit cube (rows: points,
columns: factors) into parameter objects, one per row
(:meth:`Space.params`), and checks any range a user gives
(:meth:`Space.with_ranges`): a range with ``low >= high``, or outside the
parameter's valid range, is a ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import ArrayLike

from ..params import ASSUMED_PREFIX, check_array, check_scalar

#: The factor of the default rule for assumed values.
DEFAULT_FACTOR = 2.0


@dataclass(frozen=True)
class Factor:
    """One varied parameter.

    Attributes
    ----------
    cls : type
        The parameter class (e.g. :class:`~ketamodel.circuits.CircuitParams`).
    name : str
        The field.
    default : float
        The book's value.
    low, high : float
        The plausible range.
    log : bool
        True when sampled log-uniformly (the default rule, or a spread declared
        with ``spread_log``), else uniformly.
    assumed : bool
        True when the value is a teaching choice.
    why : str
        Why this range.
    rule : bool
        True when the range comes from the default rule, not a declared spread.
    """

    cls: type
    name: str
    default: float
    low: float
    high: float
    log: bool
    assumed: bool
    why: str
    rule: bool = False

    @property
    def label(self) -> str:
        """``Class.field``, as the tables and figures name it."""
        return f"{self.cls.__name__}.{self.name}"

    def value(self, u: ArrayLike) -> np.ndarray:
        """The parameter's value at ``u`` in [0, 1] (0 gives ``low``, 1 gives ``high``)."""
        x = np.asarray(u, dtype=float)
        if self.log:
            v = np.exp(np.log(self.low) + x * (np.log(self.high) - np.log(self.low)))
        else:
            v = self.low + x * (self.high - self.low)
        return np.clip(v, self.low, self.high)          # no overshoot by round-off

    def unit_of(self, value: float) -> float:
        """Where ``value`` lies on [0, 1] from ``low`` to ``high`` (the inverse of ``value``)."""
        if self.log:
            return float((math.log(value) - math.log(self.low))
                         / (math.log(self.high) - math.log(self.low)))
        return float((value - self.low) / (self.high - self.low))


def _inside(md: Mapping, x: float) -> bool:
    lo_ok = x > md["low"] if md["low_open"] else x >= md["low"]
    hi_ok = x < md["high"] if md["high_open"] else x <= md["high"]
    return bool(lo_ok and hi_ok)


def check_range(label: str, md: Mapping, low: float, high: float, default: float) -> None:
    """``ValueError`` naming ``label`` unless ``low < high``, both valid and ``default`` inside.

    ``md`` is the field's :func:`~ketamodel.params.param` metadata.
    """
    lo = check_scalar(f"{label} low", low, low=-math.inf)
    hi = check_scalar(f"{label} high", high, low=-math.inf)
    if not lo < hi:
        raise ValueError(f"{label}: the range needs low < high, got low {lo:g}, high {hi:g}")
    for end, x in (("low", lo), ("high", hi)):
        if not _inside(md, x):
            left = "(" if md["low_open"] else "["
            right = ")" if md["high_open"] or math.isinf(md["high"]) else "]"
            raise ValueError(f"{label}: {end} {x:g} is outside the parameter's valid range "
                             f"{left}{md['low']:g}, {md['high']:g}{right}")
    if not lo <= default <= hi:
        raise ValueError(f"{label}: the range [{lo:g}, {hi:g}] must hold the book's value "
                         f"{default:g}")


def factor_of(cls: type, name: str) -> Factor | None:
    """The :class:`Factor` for one field, by its ``spread`` or the default rule; None if held."""
    f = {g.name: g for g in fields(cls)}[name]
    md = f.metadata
    default = float(f.default)
    assumed = md["source"].startswith(ASSUMED_PREFIX)
    label = f"{cls.__name__}.{name}"
    if md.get("spread") is not None:
        low, high = md["spread"]
        check_range(label, md, low, high, default)
        return Factor(cls, name, default, low, high, bool(md.get("spread_log")), assumed,
                      md["spread_why"])
    if not assumed or default <= 0:
        return None
    low, high = default / DEFAULT_FACTOR, default * DEFAULT_FACTOR
    # clip inside the valid range, a hair inside an open bound
    if not _inside(md, high):
        high = md["high"] * (1 - 1e-9) if md["high_open"] else md["high"]
    if not _inside(md, low):
        low = md["low"] + 1e-9 if md["low_open"] else md["low"]
    check_range(label, md, low, high, default)
    clipped = not (math.isclose(low * DEFAULT_FACTOR, default)
                   and math.isclose(high, default * DEFAULT_FACTOR))
    why = "assumed: a factor of two either way (the default rule)" + (
        ", clipped to the valid range" if clipped else "")
    return Factor(cls, name, default, low, high, low > 0, assumed, why, rule=True)


@dataclass(frozen=True)
class Space:
    """The factors varied for one claim, and how samples become parameter objects.

    Attributes
    ----------
    factors : tuple of Factor
    """

    factors: tuple[Factor, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The factors' ``Class.field`` labels."""
        return tuple(f.label for f in self.factors)

    @property
    def classes(self) -> tuple[type, ...]:
        """The parameter classes, in order of first appearance."""
        return tuple(dict.fromkeys(f.cls for f in self.factors))

    def __len__(self) -> int:
        return len(self.factors)

    def check_unit(self, samples: ArrayLike) -> np.ndarray:
        """``samples`` as an (n, k) array on [0, 1], or ``ValueError``."""
        u = check_array("samples", samples, low=0.0, high=1.0)
        if u.ndim != 2 or u.shape[1] != len(self):
            raise ValueError(f"samples must have shape (n, {len(self)}) (one column per "
                             f"factor), got {u.shape}")
        return u

    def values(self, samples: ArrayLike) -> np.ndarray:
        """Parameter values (n, k) of unit-cube ``samples`` (n, k)."""
        u = self.check_unit(samples)
        return np.column_stack([f.value(u[:, j]) for j, f in enumerate(self.factors)]) \
            if len(u) else np.empty((0, len(self)))

    def params(self, row: ArrayLike) -> dict[type, object]:
        """One parameter object per class at one sample ``row`` (on [0, 1]).

        The objects are the classes' defaults with the varied fields replaced;
        their own checks run, so a combination the model forbids raises
        ``ValueError``.
        """
        x = self.values(np.atleast_2d(row))[0]
        out: dict[type, object] = {}
        for cls in self.classes:
            changes = {f.name: float(v) for f, v in zip(self.factors, x, strict=True)
                       if f.cls is cls}
            out[cls] = replace(cls(), **changes)
        return out

    def default_row(self) -> np.ndarray:
        """The book's values as a point of the unit cube."""
        return np.array([f.unit_of(f.default) for f in self.factors])

    def with_ranges(self, ranges: Mapping[str, tuple[float, float]]) -> Space:
        """The space with some factors' ranges replaced (``{"Class.field": (low, high)}``).

        A label that is not a factor, ``low >= high``, a bound outside the
        parameter's valid range, or a range that leaves out the book's value
        raise ``ValueError`` naming the parameter.
        """
        by_label = {f.label: f for f in self.factors}
        out = dict(by_label)
        for label, rng in ranges.items():
            if label not in by_label:
                raise ValueError(f"{label!r} is not a factor of this space; factors are "
                                 f"{tuple(by_label)}")
            f = by_label[label]
            if not isinstance(rng, Sequence) or isinstance(rng, str) or len(rng) != 2:
                raise ValueError(f"{label}: a range is (low, high), got {rng!r}")
            md = {g.name: g for g in fields(f.cls)}[f.name].metadata
            check_range(label, md, rng[0], rng[1], f.default)
            lo, hi = float(rng[0]), float(rng[1])
            out[label] = replace(f, low=lo, high=hi, log=f.log and lo > 0,
                                 why="set by the caller", rule=False)
        return Space(tuple(out.values()))


def space_of(classes: Sequence[type], *, exclude: Sequence[str] = ()) -> Space:
    """Every varied field of ``classes`` (see the module) but the ``Class.field`` in ``exclude``."""
    found = []
    for cls in classes:
        for f in fields(cls):
            if "unit" not in f.metadata:
                continue
            factor = factor_of(cls, f.name)
            if factor is not None and factor.label not in exclude:
                found.append(factor)
    unknown = set(exclude) - {f"{c.__name__}.{g.name}" for c in classes for g in fields(c)}
    if unknown:
        raise ValueError(f"exclude names fields not in these classes: {sorted(unknown)}")
    return Space(tuple(found))
