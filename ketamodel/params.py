"""Parameters that carry their unit and their source, and input checks.

Every number of the models that stands for a biological quantity is a field
of a frozen dataclass declared with :func:`param`. Its metadata holds the
unit and the source: a key of ``references.bib``, or ``"assumed: <why>"`` for
a value chosen for teaching. :mod:`ketamodel.provenance` lists them all.

The ``check_*`` helpers validate inputs at the boundary of the library and
raise :class:`ValueError` with a message that names the parameter, the value
received and the accepted range; values of the wrong kind (a string, ``None``,
a boolean, a ragged list) get the same kind of message, never NumPy's own.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from dataclasses import field, fields
from typing import Any

import numpy as np

ASSUMED_PREFIX = "assumed:"


def param(value: float, unit: str, source: str, *, low: float = 0.0,
          high: float = math.inf, low_open: bool = True, high_open: bool = False,
          spread: tuple[float, float] | None = None, spread_why: str = "",
          spread_log: bool = False) -> Any:
    """Declare a dataclass field that carries its unit, its source and its valid range.

    ``spread`` is the range over which the robustness analysis
    (:mod:`ketamodel.robustness`) varies the value, with ``spread_why`` saying
    why. Without one, an *assumed* value is varied by a factor of two either
    way (log-uniformly, inside its valid range) and a sourced value is held
    at its source's number (:func:`ketamodel.robustness.space.factor_of`).

    Parameters
    ----------
    value : float
        The default value.
    unit : str
        The unit, e.g. ``"mL/min/kg"``; ``"1"`` for a dimensionless number.
    source : str
        A key of ``references.bib``, optionally followed by ``"; "`` and a note
        (``"kamp2020ketamine; computed from 79 L/h per 70 kg"``), or
        ``"assumed: <why>"``.
    low, high : float
        The accepted range, checked by :func:`check_params`.
    low_open, high_open : bool
        Whether the bounds themselves are excluded.
    spread : (float, float), optional
        Lowest and highest plausible value, varied uniformly; it must hold
        ``value`` and lie inside the valid range.
    spread_why : str
        Why that range (required with ``spread``).
    spread_log : bool
        Vary it log-uniformly (for a ratio-like quantity with ``0 < low``).

    Returns
    -------
    dataclasses.Field
        A field with ``default=value`` and metadata ``unit``, ``source``,
        ``low``, ``high``, ``low_open``, ``high_open``, ``spread``, ``spread_why``,
        ``spread_log``.

    Raises
    ------
    ValueError
        When ``spread`` is not two increasing numbers or comes without ``spread_why``.
    """
    if spread is not None:
        if (not isinstance(spread, tuple) or len(spread) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool)
                           for v in spread) or not spread[0] < spread[1]):
            raise ValueError(f"spread must be two increasing numbers (low, high), got "
                             f"{_short_repr(spread)}")
        if not spread_why.strip():
            raise ValueError("spread_why must say why the spread was chosen")
        if spread_log and not spread[0] > 0:
            raise ValueError(f"spread_log needs a positive spread, got {spread!r}")
    return field(default=value, metadata={
        "unit": unit, "source": source, "low": low, "high": high,
        "low_open": low_open, "high_open": high_open,
        "spread": None if spread is None else (float(spread[0]), float(spread[1])),
        "spread_why": spread_why.strip(), "spread_log": bool(spread_log),
    })


def source_keys(source: str) -> list[str]:
    """The BibTeX keys named by a source string (empty for an assumed value).

    The keys are the text before the first ``";"``, separated by commas.
    """
    if source.startswith(ASSUMED_PREFIX):
        return []
    head = source.split(";", 1)[0]
    return [k.strip() for k in head.split(",") if k.strip()]


def _range_text(low: float, high: float, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open else "["
    right = ")" if high_open or math.isinf(high) else "]"
    hi = "inf" if math.isinf(high) else f"{high:g}"
    return f"{left}{low:g}, {hi}{right}"


def _short_repr(value: Any) -> str:
    """``repr`` cut to a readable length, for error messages."""
    return reprlib.repr(value)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool | np.bool_)


def check_scalar(name: str, value: Any, *, low: float = 0.0, high: float = math.inf,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming ``name`` and the range.

    A number is an ``int``, a ``float`` or a NumPy number (a 0-d array counts);
    strings (even ``"1.5"``), booleans, complex numbers, ``None``, lists and
    arrays with more than one element are refused, as are NaN and ±inf.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller knows it.
    value : object
        What was passed.
    low, high : float
        Bounds of the accepted range.
    low_open, high_open : bool
        Whether the bounds are excluded.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ValueError
        With a message that names ``name``, the accepted range and ``value``.
    """
    rng = _range_text(low, high, low_open, high_open)
    if _is_bool(value):
        raise ValueError(f"{name} must be a number in {rng}, got {value!r} (a boolean)")
    if isinstance(value, str | bytes):
        raise ValueError(f"{name} must be a number in {rng}, got {_short_repr(value)} "
                         f"(a string)")
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise ValueError(f"{name} must be a single number in {rng}, got an array of shape "
                         f"{value.shape}")
    if isinstance(value, complex | np.complexfloating) or (
            isinstance(value, np.ndarray) and value.dtype.kind == "c"):
        raise ValueError(f"{name} must be a real number in {rng}, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {rng}, got {_short_repr(value)}"
                         ) from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number in {rng}, got {value!r}")
    too_low = x < low or (low_open and x == low)
    too_high = x > high or (high_open and x == high)
    if too_low or too_high:
        raise ValueError(f"{name} must be in {rng}, got {value!r}")
    return x


def check_integer(name: str, value: Any, *, low: int = 0, high: float = math.inf) -> int:
    """Return ``value`` as an ``int``, or raise ``ValueError`` naming ``name`` and the range.

    A whole number is an ``int`` or a NumPy integer; floats (even ``2.0``),
    booleans and strings are refused.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller knows it.
    value : object
        What was passed.
    low, high : int or float
        Bounds of the accepted range, both included (``high`` may be ``inf``).
    """
    rng = _range_text(low, high, False, False)
    if _is_bool(value) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be a whole number in {rng}, got {_short_repr(value)}")
    if value < low or value > high:
        raise ValueError(f"{name} must be a whole number in {rng}, got {value!r}")
    return int(value)


def check_whole_hours(name: str, value: Any, *, low: float = 0.0, high: float = math.inf,
                      note: str = "") -> float:
    """``value`` as a number of hours in ``[low, high]`` that is whole, or ``ValueError``.

    For the models that step once an hour; ``note`` is added to the message
    after "hours" (e.g. why the hours must be whole).
    """
    hours = check_scalar(name, value, low=low, high=high)
    if not float(hours).is_integer():
        raise ValueError(f"{name} must be a whole number of hours{note}, got {hours:g}")
    return hours


def check_array(name: str, values: Any, *, low: float = 0.0, high: float = math.inf,
                ndim: int | None = None) -> np.ndarray:
    """Return ``values`` as a float array, or raise ``ValueError`` naming ``name``.

    ``values`` is a number or a (nested) sequence or array of numbers. Every
    element must be finite and lie in ``[low, high]``; ``ndim``, when given,
    is the required number of dimensions. Strings, booleans, complex numbers,
    ``None``, other objects and ragged nested lists are refused with a
    message naming ``name``, like a value out of range.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller knows it.
    values : array_like
        What was passed.
    low, high : float
        Bounds of the accepted range, both included.
    ndim : int, optional
        Required number of dimensions.

    Returns
    -------
    ndarray
        A new float array of the shape of ``values``.

    Raises
    ------
    ValueError
        With a message that names ``name``, the accepted range and what was wrong.
    """
    rng = _range_text(low, high, False, False)
    what = f"{name} must be a number or an array of numbers in {rng}"
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):                     # ragged nested sequences
        raise ValueError(f"{what}, got a ragged or unreadable sequence "
                         f"{_short_repr(values)}") from None
    kind = raw.dtype.kind
    if kind == "O":
        # None, a dict, any other object, or a list mixing numbers with them.
        if not all(isinstance(v, numbers.Real) and not _is_bool(v) for v in raw.flat):
            raise ValueError(f"{what}, got {_short_repr(values)}")
    elif kind == "b":
        raise ValueError(f"{what}, got booleans {_short_repr(values)}")
    elif kind not in "iuf":                             # strings, complex, dates, ...
        raise ValueError(f"{what}, got {_short_repr(values)} (dtype {raw.dtype})")
    arr = raw.astype(float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers in {rng}; found NaN or inf")
    if arr.size and (arr.min() < low or arr.max() > high):
        raise ValueError(f"{name} must lie in {rng}, got values from {arr.min():g} "
                         f"to {arr.max():g}")
    return arr


def check_instance(name: str, value: Any, expected: type | tuple[type, ...]) -> Any:
    """Return ``value`` if it is an ``expected`` instance, else raise a ValueError naming ``name``.

    For parameters that take an object, such as a parameter dataclass
    (``params=CircuitParams(...)``): a wrong object gets the same kind of
    message as a number out of range, not an ``AttributeError`` later on.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller knows it.
    value : object
        What was passed.
    expected : type or tuple of type
        The accepted class(es).
    """
    if not isinstance(value, expected):
        kinds = expected if isinstance(expected, tuple) else (expected,)
        names = " or ".join(k.__name__ for k in kinds)
        raise ValueError(f"{name} must be a {names}, got {_short_repr(value)} "
                         f"(a {type(value).__name__})")
    return value


def params_or_default(name: str, value: Any, cls: type) -> Any:
    """``cls()`` when ``value`` is None, else ``value`` checked to be a ``cls`` instance.

    The one way the models accept an optional parameter object, e.g.
    ``p = params_or_default("params", params, CircuitParams)``.
    """
    return cls() if value is None else check_instance(name, value, cls)


def check_params(obj: Any) -> None:
    """Check every field of a parameter dataclass against its declared range.

    Call it from ``__post_init__``; a value outside its range raises
    ``ValueError`` naming the field, its unit and the range.
    """
    for f in fields(obj):
        if "unit" not in f.metadata:
            continue
        md = f.metadata
        check_scalar(f"{type(obj).__name__}.{f.name} ({md['unit']})", getattr(obj, f.name),
                     low=md["low"], high=md["high"], low_open=md["low_open"],
                     high_open=md["high_open"])


def make_rng(seed: int | np.random.Generator) -> np.random.Generator:
    """A NumPy generator from a seed (a whole number >= 0) or a generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_integer("seed", seed, low=0))
