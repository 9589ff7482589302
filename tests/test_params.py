"""Tests of ketamodel.params: fields with unit and source, and input checks."""

import math
import re
from dataclasses import dataclass, fields

import numpy as np
import pytest

from ketamodel import circuits, pharmacology
from ketamodel.params import (
    ASSUMED_PREFIX,
    check_array,
    check_instance,
    check_integer,
    check_params,
    check_scalar,
    param,
    source_keys,
)


@dataclass(frozen=True)
class _Example:
    rate_per_min: float = param(0.1, "1/min", "key2020a, key2021b; computed from x")
    share: float = param(0.5, "1", "assumed: for a test", high=1.0)
    offset_mV: float = param(-70.0, "mV", "assumed: for a test", low=-100.0, low_open=False,
                             high=0.0, high_open=True)

    def __post_init__(self) -> None:
        check_params(self)


# --------------------------------------------------------------------------------------
# param and source_keys
# --------------------------------------------------------------------------------------
def test_param_carries_default_unit_source_and_range():
    f = {f.name: f for f in fields(_Example)}
    assert f["rate_per_min"].default == 0.1
    assert f["rate_per_min"].metadata["unit"] == "1/min"
    assert f["rate_per_min"].metadata["source"] == "key2020a, key2021b; computed from x"
    md = f["offset_mV"].metadata
    assert (md["low"], md["high"], md["low_open"], md["high_open"]) == (-100.0, 0.0, False,
                                                                         True)
    # Defaults: positive numbers, (0, inf).
    md = f["rate_per_min"].metadata
    assert (md["low"], md["high"], md["low_open"], md["high_open"]) == (0.0, math.inf, True,
                                                                         False)


def test_source_keys_parses_keys_before_the_note():
    assert source_keys("key1, key2; note") == ["key1", "key2"]
    assert source_keys("olofsen2012estimation; computed: ln 2 / 6.1 min") == [
        "olofsen2012estimation"]
    assert source_keys("clements1981pharmacokinetics") == ["clements1981pharmacokinetics"]
    # A semicolon in the note does not add keys; empty items are dropped.
    assert source_keys("a2000x,, b2001y ; see p. 3; and p. 4") == ["a2000x", "b2001y"]


def test_source_keys_of_an_assumed_value_is_empty():
    assert source_keys("assumed: chosen for teaching, see key9999z") == []
    assert source_keys(ASSUMED_PREFIX + " anything") == []


@pytest.mark.parametrize("cls", [pharmacology.PKParams, pharmacology.ReceptorParams,
                                 pharmacology.MgBlockParams, pharmacology.TrappingParams,
                                 circuits.CircuitParams])
def test_every_model_parameter_has_a_unit_and_a_source(cls):
    # STYLE.md: the name carries the unit, the field carries the source (a BibTeX key or
    # "assumed: <why>" with a reason).
    for f in fields(cls):
        md = f.metadata
        assert md.get("unit"), f"{cls.__name__}.{f.name} has no unit"
        src = md.get("source", "")
        if src.startswith(ASSUMED_PREFIX):
            assert len(src) > len(ASSUMED_PREFIX) + 5, f"{cls.__name__}.{f.name}: no reason"
        else:
            keys = source_keys(src)
            assert keys, f"{cls.__name__}.{f.name} names no source"
            assert all(re.fullmatch(r"[a-z]+\d{4}[a-z]+", k) for k in keys), keys
        cls()                                         # the defaults pass their own checks


# --------------------------------------------------------------------------------------
# check_params
# --------------------------------------------------------------------------------------
def test_check_params_names_class_field_unit_and_range():
    with pytest.raises(ValueError, match=re.escape("_Example.share (1) must be in (0, 1]")):
        _Example(share=1.5)
    with pytest.raises(ValueError, match=re.escape("_Example.offset_mV (mV) must be in "
                                                   "[-100, 0)")):
        _Example(offset_mV=0.0)
    assert _Example(offset_mV=-100.0).offset_mV == -100.0     # closed lower bound


# --------------------------------------------------------------------------------------
# check_scalar
# --------------------------------------------------------------------------------------
def test_check_scalar_returns_a_float():
    x = check_scalar("dose", np.float32(2.5))
    assert type(x) is float and x == 2.5
    assert check_scalar("n", 3) == 3.0


@pytest.mark.parametrize("value, kwargs, expected", [
    (-1.0, {}, "dose must be in [0, inf), got -1.0"),
    (0.0, {"low_open": True}, "dose must be in (0, inf), got 0.0"),
    (1.5, {"high": 1.0}, "dose must be in [0, 1], got 1.5"),
    (1.0, {"high": 1.0, "high_open": True}, "dose must be in [0, 1), got 1.0"),
    (-11.0, {"low": -10.0, "high": 10.0}, "dose must be in [-10, 10], got -11.0"),
    (math.nan, {}, "dose must be a finite number in [0, inf), got nan"),
    (math.inf, {}, "dose must be a finite number in [0, inf), got inf"),
    ("abc", {}, "dose must be a number in [0, inf), got 'abc'"),
    (None, {}, "dose must be a number in [0, inf), got None"),
    (True, {}, "dose must be a number in [0, inf), got True (a boolean)"),
    (np.False_, {}, "dose must be a number in [0, inf), got np.False_ (a boolean)"),
    ("1.5", {}, "dose must be a number in [0, inf), got '1.5' (a string)"),
    (1 + 2j, {}, "dose must be a real number in [0, inf), got (1+2j)"),
    (np.complex128(0.5), {}, "dose must be a real number in [0, inf)"),
    ([0.5], {}, "dose must be a number in [0, inf), got [0.5]"),
    (np.array([0.5, 0.6]), {}, "dose must be a single number in [0, inf), got an array of "
                               "shape (2,)"),
    ({"dose": 1}, {}, "dose must be a number in [0, inf), got {'dose': 1}"),
])
def test_check_scalar_message_gives_name_range_and_value(value, kwargs, expected):
    with pytest.raises(ValueError, match=re.escape(expected)):
        check_scalar("dose", value, **kwargs)


def test_check_scalar_accepts_closed_bounds():
    assert check_scalar("x", 0.0) == 0.0
    assert check_scalar("x", 1.0, high=1.0) == 1.0


def test_check_scalar_accepts_numpy_numbers_and_0d_arrays():
    assert check_scalar("x", np.int64(3)) == 3.0
    assert check_scalar("x", np.array(2.5)) == 2.5


def test_check_scalar_shortens_a_long_value_in_the_message():
    with pytest.raises(ValueError) as info:
        check_scalar("dose", "x" * 1000)
    assert len(str(info.value)) < 120


# --------------------------------------------------------------------------------------
# check_integer
# --------------------------------------------------------------------------------------
def test_check_integer_returns_an_int():
    assert check_integer("n", np.int32(4), low=1) == 4
    assert type(check_integer("n", 4)) is int


@pytest.mark.parametrize("value, expected", [
    (0, "n must be a whole number in [1, inf), got 0"),
    (2.0, "n must be a whole number in [1, inf), got 2.0"),
    (True, "n must be a whole number in [1, inf), got True"),
    ("3", "n must be a whole number in [1, inf), got '3'"),
    (None, "n must be a whole number in [1, inf), got None"),
    (11, "n must be a whole number in [1, 10], got 11"),
])
def test_check_integer_message_gives_name_range_and_value(value, expected):
    high = 10 if value == 11 else math.inf
    with pytest.raises(ValueError, match=re.escape(expected)):
        check_integer("n", value, low=1, high=high)


# --------------------------------------------------------------------------------------
# check_array
# --------------------------------------------------------------------------------------
def test_check_array_returns_a_float_array():
    a = check_array("conc", [0, 1, 2])
    assert a.dtype == float
    np.testing.assert_array_equal(a, [0.0, 1.0, 2.0])
    assert check_array("conc", []).size == 0


def test_check_array_message_gives_name_range_and_values():
    with pytest.raises(ValueError, match=re.escape("conc must lie in [0, 1], got values from "
                                                   "-0.5 to 2")):
        check_array("conc", [-0.5, 0.3, 2.0], high=1.0)
    with pytest.raises(ValueError, match=r"conc must contain only finite numbers in \[0, inf\)"):
        check_array("conc", [0.1, math.nan])
    with pytest.raises(ValueError, match=r"conc must have 1 dimension\(s\), got shape \(2, 2\)"):
        check_array("conc", [[1, 2], [3, 4]], ndim=1)


@pytest.mark.parametrize("value, expected", [
    ("abc", "conc must be a number or an array of numbers in [0, inf), got 'abc' (dtype <U3)"),
    (["1", "2"], "conc must be a number or an array of numbers in [0, inf), got ['1', '2']"),
    ([[1.0, 2.0], [3.0]], "conc must be a number or an array of numbers in [0, inf), got a "
                          "ragged or unreadable sequence [[1.0, 2.0], [3.0]]"),
    (None, "conc must be a number or an array of numbers in [0, inf), got None"),
    ({"a": 1.0}, "conc must be a number or an array of numbers in [0, inf), got {'a': 1.0}"),
    ([1.0, None], "conc must be a number or an array of numbers in [0, inf), got [1.0, None]"),
    ([True, False], "conc must be a number or an array of numbers in [0, inf), got booleans "
                    "[True, False]"),
    (np.array([1.0, 2j]), "conc must be a number or an array of numbers in [0, inf)"),
    (1j, "conc must be a number or an array of numbers in [0, inf), got 1j (dtype complex128)"),
])
def test_check_array_refuses_what_is_not_numbers_naming_the_parameter(value, expected):
    # Never NumPy's own message ("could not convert string to float", "inhomogeneous
    # shape"), never a silent conversion (None → NaN, True → 1, 2j → 0).
    with pytest.raises(ValueError, match=re.escape(expected)):
        check_array("conc", value)


def test_check_array_accepts_numbers_of_every_numpy_kind():
    np.testing.assert_array_equal(check_array("x", np.array([1, 2], dtype=np.uint8)), [1, 2])
    np.testing.assert_array_equal(check_array("x", np.array([0.5], dtype=np.float32)), [0.5])
    np.testing.assert_array_equal(check_array("x", np.array([1, 2.5], dtype=object)),
                                  [1.0, 2.5])
    assert check_array("x", 3).shape == ()
    assert check_array("x", [[1, 2], [3, 4]]).shape == (2, 2)


def test_check_array_returns_a_copy_not_the_callers_array():
    a = np.array([1.0, 2.0])
    b = check_array("x", a)
    b[0] = 9.0
    assert a[0] == 1.0


# --------------------------------------------------------------------------------------
# check_instance
# --------------------------------------------------------------------------------------
def test_check_instance_returns_the_object_or_names_the_parameter():
    p = _Example()
    assert check_instance("params", p, _Example) is p
    with pytest.raises(ValueError, match=re.escape("params must be a _Example, got 'abc' "
                                                   "(a str)")):
        check_instance("params", "abc", _Example)
    with pytest.raises(ValueError, match=re.escape("x must be a int or float, got None")):
        check_instance("x", None, (int, float))
