"""Tests of ketamodel.circuits: the E-I rate model under NMDA receptor block.

Every circuit parameter is assumed (chosen for teaching), so these tests check the
qualitative claims of the chapter (inverted U, disinhibition needs interneurons that
lean on NMDA receptors, stability) rather than published numbers. The equations are
re-implemented here from the module docstring, so the library is checked against an
independent integration with scipy.
"""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from ketamodel import circuits as ci
from ketamodel import pharmacology as ph
from ketamodel import units

P = ci.CircuitParams()
GRID = np.linspace(0.0, 1.0, 401)


def _rhs(p, occ):
    """dE/dt, dI/dt (1/ms) of the docstring equations, written independently."""
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-p.gain * (x - p.threshold)))

    ge, gi = 1.0 - p.nmda_share_e * occ, 1.0 - p.nmda_share_i * occ

    def f(_t, y):
        e, i = y
        return [(-e + sigmoid(ge * (p.w_ee * e + p.drive_e) - p.w_ei * i)) / p.tau_e_ms,
                (-i + sigmoid(gi * (p.w_ie * e + p.drive_i) - p.w_ii * i)) / p.tau_i_ms]
    return f


def _normalised(state, p=P):
    return (float(state.excitatory_Hz) / p.max_rate_e_Hz,
            float(state.inhibitory_Hz) / p.max_rate_i_Hz)


@pytest.fixture(scope="module")
def default_curve():
    return ci.steady_state(GRID)


def _rise(p):
    """Peak pyramidal rate over the occupancy grid relative to the drug-free rate."""
    e = ci.steady_state(GRID, p).excitatory_Hz
    return e.max() / e[0]


# --------------------------------------------------------------------------------------
# The inverted U
# --------------------------------------------------------------------------------------
def test_moderate_block_raises_pyramidal_firing(default_curve):
    # Disinhibition (homayoun2007nmda, qualitative): at the top of the inverted U the
    # pyramidal rate is more than 1.5 × the drug-free rate (criterion of the chapter).
    e = default_curve.excitatory_Hz
    assert e.max() > 1.5 * e[0]


def test_peak_of_the_inverted_u_is_sub_anaesthetic(default_curve):
    # The rise happens at occupancies reached by the antidepressant infusion (0.4-0.7),
    # not at anaesthetic ones.
    peak = ci.peak_occupancy()
    assert 0.4 < peak < 0.7
    assert peak == pytest.approx(GRID[np.argmax(default_curve.excitatory_Hz)], abs=0.01)


def test_anaesthetic_occupancy_lowers_pyramidal_firing():
    # sleigh2019electroencephalographic: loss of responsiveness at an effect-site level of
    # 1.64 ± 0.17 µg/mL; with the model's Hill curve (IC50 0.49 µM, n_H = 1) that is an
    # occupancy of 0.93 (tolerance 0.01). There the pyramidal rate is below the drug-free
    # rate: the falling arm of the inverted U (moghaddam1997activation, direction only).
    occ_lor = float(ph.occupancy(units.ng_per_mL_to_uM(1640.0)))
    assert occ_lor == pytest.approx(0.93, abs=0.01)
    baseline = float(ci.steady_state(0.0).excitatory_Hz)
    assert float(ci.steady_state(occ_lor).excitatory_Hz) < baseline


def test_interneuron_rate_falls_with_occupancy(default_curve):
    # Interneurons lose their NMDA drive: their rate decreases monotonically.
    assert np.all(np.diff(default_curve.inhibitory_Hz) < 0)


def test_rates_lie_within_the_maximal_rates(default_curve):
    assert np.all((default_curve.excitatory_Hz > 0) & (default_curve.excitatory_Hz
                                                       < P.max_rate_e_Hz))
    assert np.all((default_curve.inhibitory_Hz > 0) & (default_curve.inhibitory_Hz
                                                       < P.max_rate_i_Hz))


@pytest.mark.parametrize("share_i", [0.8, 0.85, 0.9, 0.95, 1.0])
def test_inverted_u_survives_changes_of_the_interneuron_nmda_share(share_i):
    # facts.md 2: how much more interneurons depend on NMDA drive is not measured; the
    # inverted U must survive changes of the assumed share (0.8-1.0, default 0.95).
    p = ci.CircuitParams(nmda_share_i=share_i)
    e = ci.steady_state(GRID, p).excitatory_Hz
    assert 0.4 < ci.peak_occupancy(p) < 0.7
    assert e.max() > 1.5 * e[0]
    assert e[-1] < e[0]


# --------------------------------------------------------------------------------------
# What produces the disinhibition
# --------------------------------------------------------------------------------------
def test_equal_nmda_shares_depend_on_block_times_share_only():
    # With equal shares both populations lose the same fraction g = 1 - share·θ of their
    # excitatory drive, so the circuit sees only the product share·θ.
    a = ci.CircuitParams(nmda_share_e=0.5, nmda_share_i=0.5)
    b = ci.CircuitParams(nmda_share_e=0.8, nmda_share_i=0.8)
    x = np.linspace(0.0, 0.5, 11)                     # share·θ
    np.testing.assert_allclose(ci.steady_state(x / 0.5, a).excitatory_Hz,
                               ci.steady_state(x / 0.8, b).excitatory_Hz, rtol=1e-7)


def test_interneurons_leaning_on_nmda_receptors_make_the_rise_large():
    # The model's rise with equal shares is not zero (GABA inhibition is not blocked and the
    # interneurons sit closer to threshold), but it is less than half the rise with the
    # default shares (interneurons 0.95, pyramidal cells 0.75).
    equal = _rise(ci.CircuitParams(nmda_share_e=0.75, nmda_share_i=0.75)) - 1.0
    default = _rise(P) - 1.0
    assert equal < 0.5 * default


def test_pyramidal_cells_leaning_on_nmda_receptors_give_no_disinhibition():
    # Reversed shares (pyramidal 0.95, interneurons 0.75): the rate never rises more
    # than 5 % above the drug-free rate, and block ends by silencing the cells.
    p = ci.CircuitParams(nmda_share_e=0.95, nmda_share_i=0.75)
    e = ci.steady_state(GRID, p).excitatory_Hz
    assert e.max() < 1.05 * e[0]
    assert e[-1] < 0.1 * e[0]


# --------------------------------------------------------------------------------------
# The steady state
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("occ", [0.0, 0.3, 0.54, 0.8, 0.93, 1.0])
def test_steady_state_is_the_fixed_point_reached_by_integration(occ):
    # Integrate the equations with scipy from a different start (E = 0.9, I = 0) for
    # 2 s (200 τE) and compare. Tolerance 1e-6 in normalised activity.
    sol = solve_ivp(_rhs(P, occ), (0.0, 2000.0), [0.9, 0.0], method="LSODA",
                    rtol=1e-10, atol=1e-12)
    assert sol.success
    e, i = _normalised(ci.steady_state(occ))
    assert sol.y[0, -1] == pytest.approx(e, abs=1e-6)
    assert sol.y[1, -1] == pytest.approx(i, abs=1e-6)
    de, di = _rhs(P, occ)(0.0, [e, i])
    assert abs(de) < 1e-9 and abs(di) < 1e-9


@pytest.mark.parametrize("occ", np.linspace(0.0, 1.0, 21))
def test_steady_state_is_stable(occ):
    eig = np.linalg.eigvals(ci.jacobian(occ))
    assert np.all(eig.real < 0)


@pytest.mark.parametrize("occ", [0.0, 0.54, 0.93])
def test_jacobian_matches_finite_differences(occ):
    # Central differences of the independently written equations; tolerance 1e-6 relative.
    e, i = _normalised(ci.steady_state(occ))
    f = _rhs(P, occ)
    h = 1e-6
    num = np.empty((2, 2))
    for k, dx in enumerate(([h, 0.0], [0.0, h])):
        up = np.array(f(0.0, [e + dx[0], i + dx[1]]))
        down = np.array(f(0.0, [e - dx[0], i - dx[1]]))
        num[:, k] = (up - down) / (2 * h)
    np.testing.assert_allclose(ci.jacobian(occ), num, rtol=1e-6, atol=1e-9)


def test_oscillating_circuit_is_reported_not_hidden():
    # A parameter set with a limit cycle (checked here by integration): steady_state must
    # raise rather than return a point of the cycle.
    p = ci.CircuitParams(w_ee=14, w_ei=15, w_ie=7, w_ii=1, tau_i_ms=30, drive_e=2.7,
                         drive_i=1.1, threshold=3.4)
    sol = solve_ivp(_rhs(p, 0.0), (0.0, 3000.0), [0.1, 0.1], dense_output=True,
                    rtol=1e-9, atol=1e-12)
    late = sol.sol(np.linspace(2000.0, 3000.0, 2001))[0]
    assert late.max() - late.min() > 0.5
    with pytest.raises(RuntimeError, match="steady state"):
        ci.steady_state(0.0, p)


def test_shapes_and_relative_excitation():
    s0 = ci.steady_state(0.5)
    assert s0.excitatory_Hz.shape == ()
    s2 = ci.steady_state([[0.0, 0.5], [0.7, 1.0]])
    assert s2.excitatory_Hz.shape == (2, 2) and s2.inhibitory_Hz.shape == (2, 2)
    assert float(s2.excitatory_Hz[0, 1]) == pytest.approx(float(s0.excitatory_Hz), rel=1e-9)
    base = float(ci.steady_state(0.0).excitatory_Hz)
    np.testing.assert_allclose(s2.relative_excitation(base), s2.excitatory_Hz / base)


def test_same_call_gives_identical_arrays():
    a, b = ci.steady_state(GRID), ci.steady_state(GRID)
    np.testing.assert_array_equal(a.excitatory_Hz, b.excitatory_Hz)
    np.testing.assert_array_equal(a.inhibitory_Hz, b.inhibitory_Hz)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, name", [
    (lambda: ci.steady_state(1.2), "occupancy"),
    (lambda: ci.steady_state(-0.1), "occupancy"),
    (lambda: ci.steady_state(math.nan), "occupancy"),
    (lambda: ci.steady_state([0.2, math.nan]), "occupancy"),
    (lambda: ci.jacobian(1.2), "occupancy"),
    (lambda: ci.CircuitParams(nmda_share_i=1.5), "nmda_share_i"),
    (lambda: ci.CircuitParams(nmda_share_e=math.nan), "nmda_share_e"),
    (lambda: ci.CircuitParams(tau_e_ms=-10.0), "tau_e_ms"),
])
def test_bad_input_is_refused_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        make()


# --- the two NMDA shares ---------------------------------------------------------------------

def test_share_map_at_the_defaults_matches_the_inverted_u():
    p = ci.CircuitParams()
    m = ci.share_map([p.nmda_share_e], [p.nmda_share_i], 0.93)
    s = ci.steady_state(np.linspace(0, 1, 201))
    assert m.peak_ratio[0, 0] == pytest.approx(s.excitatory_Hz.max() / s.excitatory_Hz[0])
    assert m.peak_occupancy[0, 0] == pytest.approx(ci.peak_occupancy(n=201))
    probe = float(ci.steady_state(0.93).excitatory_Hz) / float(s.excitatory_Hz[0])
    assert m.probe_ratio[0, 0] == pytest.approx(probe)


def test_falling_limb_depends_on_the_pyramidal_share():
    # The referee's runs: with phi_I = 0.95 the loss-of-responsiveness occupancy (0.93)
    # suppresses firing at phi_E = 0.75, but not at phi_E = 0.6 or below.
    m = ci.share_map([0.3, 0.5, 0.6, 0.75], [0.95], 0.93)
    assert m.probe_ratio[0, 3] < 1.0
    assert np.all(m.probe_ratio[0, :3] > 1.0)
    # Lower phi_E moves the peak to higher occupancy.
    assert np.all(np.diff(m.peak_occupancy[0]) <= 0)


def test_no_rise_when_interneurons_rely_much_less_on_nmda():
    m = ci.share_map([0.75], [0.0, 0.3], 0.5)
    np.testing.assert_allclose(m.peak_ratio, 1.0)
    np.testing.assert_allclose(m.peak_occupancy, 0.0)


@pytest.mark.parametrize("args, name", [
    (([1.2], [0.9], 0.5), "nmda_share_e"), (([0.5], [[0.9]], 0.5), "nmda_share_i"),
    (([0.5], [0.9], 1.5), "probe_occupancy")])
def test_share_map_rejects_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        ci.share_map(*args)
