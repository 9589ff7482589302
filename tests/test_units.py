"""Tests of ketamodel.units: mass and molar concentrations, salt and base."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import units

# Standard atomic weights (IUPAC, conventional values), g/mol.
_ATOMIC = {"C": 12.011, "H": 1.008, "Cl": 35.45, "N": 14.007, "O": 15.999}


def _molar_mass(**counts: int) -> float:
    return sum(_ATOMIC[el] * n for el, n in counts.items())


def test_molar_masses_match_the_molecular_formulae():
    # The constants are physical: recompute them from the formulae with standard atomic
    # weights. Tolerance 0.05 g/mol (the constants are given to 0.1 g/mol).
    assert units.KETAMINE_G_PER_MOL == pytest.approx(_molar_mass(C=13, H=16, Cl=1, N=1, O=1),
                                                     abs=0.05)
    assert units.KETAMINE_HCL_G_PER_MOL == pytest.approx(
        _molar_mass(C=13, H=17, Cl=2, N=1, O=1), abs=0.05)
    assert units.NORKETAMINE_G_PER_MOL == pytest.approx(_molar_mass(C=12, H=14, Cl=1, N=1, O=1),
                                                        abs=0.05)


def test_237_7_ng_per_mL_of_ketamine_is_one_micromolar():
    # facts.md "Units": 1 µM = 237.7 ng/mL for racemic ketamine base (C13H16ClNO).
    # Exact arithmetic up to floating point.
    assert float(units.ng_per_mL_to_uM(237.7)) == pytest.approx(1.0, rel=1e-12)
    assert float(units.uM_to_ng_per_mL(1.0)) == pytest.approx(237.7, rel=1e-12)


def test_other_molar_mass_is_used_when_given():
    # 223.7 ng/mL of norketamine is 1 µM of norketamine, not of ketamine.
    c = units.ng_per_mL_to_uM(223.7, units.NORKETAMINE_G_PER_MOL)
    assert float(c) == pytest.approx(1.0, rel=1e-12)
    assert float(units.ng_per_mL_to_uM(223.7)) < 1.0


def test_arrays_keep_their_shape():
    x = np.array([[0.0, 100.0], [237.7, 475.4]])
    y = units.ng_per_mL_to_uM(x)
    assert y.shape == x.shape
    np.testing.assert_allclose(y, [[0.0, 100.0 / 237.7], [1.0, 2.0]], rtol=1e-12)


@settings(database=None, max_examples=200)
@given(st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False))
def test_round_trip_returns_the_input(c_ng_per_mL):
    back = units.uM_to_ng_per_mL(units.ng_per_mL_to_uM(c_ng_per_mL))
    assert float(back) == pytest.approx(c_ng_per_mL, rel=1e-12)


def test_hcl_salt_to_base_factor_is_0_867():
    # facts.md "Units": x mg/kg ketamine HCl = 0.867·x mg/kg base (237.7/274.2, computed).
    # Tolerance 0.0005: the published factor is rounded to three decimals.
    assert float(units.hcl_salt_to_base_mg(1.0)) == pytest.approx(0.867, abs=5e-4)
    np.testing.assert_allclose(units.hcl_salt_to_base_mg([0.0, 10.0, 50.0]),
                               [0.0, 10.0 * 237.7 / 274.2, 50.0 * 237.7 / 274.2], rtol=1e-12)


@pytest.mark.parametrize("func, name", [
    (units.ng_per_mL_to_uM, "conc_ng_per_mL"),
    (units.uM_to_ng_per_mL, "conc_uM"),
    (units.hcl_salt_to_base_mg, "dose_mg_hcl"),
])
@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, [1.0, -0.1]])
def test_negative_or_nan_input_is_refused_naming_the_parameter(func, name, bad):
    with pytest.raises(ValueError, match=name):
        func(bad)


@pytest.mark.parametrize("func", [units.ng_per_mL_to_uM, units.uM_to_ng_per_mL])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.0, -237.7, None, "237.7",
                                 True, [237.7], np.array([237.7, 223.7]), 1 + 0j])
def test_bad_molar_mass_is_refused_naming_it(func, bad):
    # A NaN or infinite molar mass once passed silently (NaN or 0 concentrations), and
    # None or a string raised a TypeError from the division.
    with pytest.raises(ValueError, match=r"molar_mass_g_per_mol must be .*\(0, inf\)"):
        func(1.0, bad)


@pytest.mark.parametrize("func, name", [
    (units.ng_per_mL_to_uM, "conc_ng_per_mL"),
    (units.uM_to_ng_per_mL, "conc_uM"),
    (units.hcl_salt_to_base_mg, "dose_mg_hcl"),
])
@pytest.mark.parametrize("bad", ["100", ["1", "2"], [[1.0], [1.0, 2.0]], None, {"c": 1.0},
                                 [True, False], [1.0, 2j]])
def test_what_is_not_a_number_is_refused_naming_the_parameter(func, name, bad):
    with pytest.raises(ValueError, match=rf"{name} must be a number or an array of numbers"):
        func(bad)


def test_molar_mass_may_be_any_positive_number():
    assert float(units.uM_to_ng_per_mL(2.0, np.float32(100.0))) == pytest.approx(200.0)
    assert float(units.ng_per_mL_to_uM(50.0, 100)) == pytest.approx(0.5)
