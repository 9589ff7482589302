"""Tests of ketamodel.pharmacology.trapping: the kinetic scheme of trapping block."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import pharmacology as ph


# --------------------------------------------------------------------------------------
# Trapping block
# --------------------------------------------------------------------------------------
@settings(database=None, max_examples=60, deadline=None)
@given(st.floats(0.0, 100.0), st.sampled_from([0.0, 0.1, 0.5, 1.0, 5.0, 20.0, 100.0]),
       st.floats(0.5, 20.0))
def test_trapping_state_is_a_probability_distribution(conc, freq, duration):
    r = ph.simulate_trapping(conc, freq, duration)
    assert r.final_state.shape == (len(ph.TRAP_STATES),)
    assert r.final_state.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.all((r.final_state >= 0) & (r.final_state <= 1))
    assert np.all((r.blocked_fraction >= 0) & (r.blocked_fraction <= 1))
    assert np.all(r.trapped_fraction <= r.blocked_fraction + 1e-12)


def _cycles(rates):
    """Every simple cycle (length >= 3) of the graph of the scheme's transitions."""
    graph = nx.Graph([pair for pair, rate in rates.items() if rate > 0])
    seen, cycles = set(), []
    for cycle in nx.simple_cycles(graph.to_directed()):
        key = frozenset(cycle)
        if len(cycle) >= 3 and key not in seen:
            seen.add(key)
            cycles.append(cycle)
    return cycles


@pytest.mark.parametrize("conc_uM", [0.0, 0.3, 1.0, 30.0])
@pytest.mark.parametrize("trap_share", [1.0, 5 / 6, 0.5, 0.0])
def test_every_cycle_obeys_microscopic_reversibility(conc_uM, trap_share):
    # Kolmogorov's criterion, with agonist bound: around every cycle, the product of the
    # rates is the same in both directions; otherwise a channel at equilibrium with its
    # ligands would carry a net flux.
    p = ph.TrappingParams(trap_share=trap_share)
    rates = ph.trapping_rates(conc_uM, True, p)
    assert all((b, a) in rates for a, b in rates)       # every step has its reverse
    cycles = _cycles(rates)
    if conc_uM > 0 and 0 < trap_share < 1:
        assert len(cycles) >= 3          # C-O-B-T, C-O-B-S and B-T-C-S at least
    for cycle in cycles:
        pairs = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        forward = math.prod(rates.get(pair, 0.0) for pair in pairs)
        backward = math.prod(rates.get((b, a), 0.0) for a, b in pairs)
        assert forward == pytest.approx(backward, rel=1e-12, abs=1e-300), cycle


@pytest.mark.parametrize("trap_share", [1.0, 5 / 6, 0.0])
def test_without_agonist_only_closing_is_one_way(trap_share):
    # Without agonist the channel cannot open: closing (O->C, B->T, B->S) is one-way by
    # construction, lumping agonist unbinding into closing; the release that drives gating is
    # outside the scheme. Among the closed states the drug steps are in detailed balance:
    # k_CT / k_TC = p·kappa and k_CS / k_SC = (1 - p)·kappa, kappa = kon·c / koff.
    p = ph.TrappingParams(trap_share=trap_share)
    rates = {k: v for k, v in ph.trapping_rates(1.0, False, p).items() if v > 0}
    reachable = {dst for _, dst in rates}           # states something flows into
    one_way = {pair for pair in rates if pair[::-1] not in rates and pair[0] in reachable}
    assert one_way <= {("O", "C"), ("B", "T"), ("B", "S")}
    assert ("O", "C") in one_way
    kappa = p.kon_per_M_per_s * 1e-6 / p.koff_per_s
    if trap_share > 0:
        assert rates["C", "T"] / rates["T", "C"] == pytest.approx(trap_share * kappa)
    if trap_share < 1:
        assert rates["C", "S"] / rates["S", "C"] == pytest.approx((1 - trap_share) * kappa)


def test_generator_columns_sum_to_zero_and_rates_are_non_negative():
    for bound in (True, False):
        q = ph.trapping_generator(1.0, bound, ph.TrappingParams(trap_share=0.8))
        np.testing.assert_allclose(q.sum(axis=0), 0.0, atol=1e-12)
        off_diagonal = q - np.diag(np.diag(q))
        assert off_diagonal.min() >= 0.0


def test_equilibrium_block_does_not_depend_on_firing():
    # With microscopic reversibility the block settles at K/(1+K), K = kon·c/koff (0.6 at
    # 1 µM), at every frequency, silence included; only the time to get there differs.
    p = ph.TrappingParams()
    expected = float(p.equilibrium_block(1.0))
    assert expected == pytest.approx(0.6, rel=1e-9)
    for f in (0.0, 0.1, 1.0, 5.0, 20.0):
        assert ph.simulate_trapping(1.0, f, 3600).blocked_fraction[-1] == pytest.approx(
            expected, abs=1e-3), f


def test_block_is_use_dependent_in_speed():
    # Same 60 s at 1 µM: more openings, faster block.
    block = [ph.simulate_trapping(1.0, f, 60).blocked_fraction[-1] for f in (0.0, 0.1, 1.0, 5.0)]
    assert block[0] < block[1] < block[2] < block[3]
    assert block[2] > 2 * block[0]


def test_closed_channels_are_blocked_only_slowly():
    # Without any opening the drug reaches closed channels only at the slow closed-state rate:
    # block relaxes with rate k_esc·(1 + K), so after 60 s it is 0.6·(1 - exp(-0.3)) ≈ 0.156.
    p = ph.TrappingParams()
    k = p.kon_per_M_per_s * 1e-6 / p.koff_per_s
    r = ph.simulate_trapping(1.0, 0.0, 60)
    expected = k / (1 + k) * (1 - math.exp(-p.escape_per_s * (1 + k) * 60))
    assert r.blocked_fraction[-1] == pytest.approx(expected, rel=1e-6)


def test_partial_trapping_releases_a_share_quickly():
    # A partial trapping blocker (memantine-like, trap share 5/6: blanpied1997trapping) loaded to
    # the same equilibrium loses about one sixth of its block within seconds of washout in a
    # silent synapse (release time constant 0.79 s: kotermanski2009memantine), a full trapping
    # blocker almost nothing.
    full, partial = ph.TrappingParams(), ph.TrappingParams(trap_share=5 / 6)
    lost = []
    for p in (full, partial):
        loaded = ph.simulate_trapping(1.0, 5.0, 600, params=p)
        assert loaded.blocked_fraction[-1] == pytest.approx(0.6, abs=1e-3)
        wash = ph.simulate_trapping(0.0, 0.0, 10, params=p, initial=loaded.final_state)
        lost.append(1 - wash.blocked_fraction[-1] / loaded.blocked_fraction[-1])
    assert lost[0] < 0.05
    assert lost[1] == pytest.approx(1 / 6 + (1 - 1 / 6) * lost[0], abs=0.03)


@pytest.fixture(scope="module")
def loaded():
    """State after 10 min at 1 µM with 1 Hz stimulation."""
    return ph.simulate_trapping(1.0, 1.0, 600)


def test_trapped_drug_stays_without_stimulation(loaded):
    # Washout with no stimulation: the drug leaves closed channels only at the escape
    # rate, so after 60 s exp(-0.002·60) ≈ 89 % of the block remains (kotermanski2009memantine:
    # "nearly all" trapped; the rate is assumed). Tolerance 1 %.
    before = loaded.blocked_fraction[-1]
    after = ph.simulate_trapping(0.0, 0.0, 60, initial=loaded.final_state).blocked_fraction[-1]
    escape = ph.TrappingParams().escape_per_s
    assert after / before == pytest.approx(math.exp(-escape * 60), rel=0.01)
    assert after / before > 0.8


def test_stimulation_releases_trapped_drug(loaded):
    # Washout with 1 Hz stimulation: channels open and the drug leaves, so block falls
    # much faster than without stimulation.
    quiet = ph.simulate_trapping(0.0, 0.0, 60, initial=loaded.final_state)
    active = ph.simulate_trapping(0.0, 1.0, 60, initial=loaded.final_state)
    assert active.blocked_fraction[-1] < 0.6 * quiet.blocked_fraction[-1]


def test_trapping_time_axis():
    r = ph.simulate_trapping(1.0, 2.0, 10)
    np.testing.assert_allclose(r.t_s, np.arange(0, 21) * 0.5)
    r0 = ph.simulate_trapping(1.0, 0.0, 5)
    np.testing.assert_allclose(r0.t_s, [0, 1, 2, 3, 4, 5])


# --------------------------------------------------------------------------------------
# A changing concentration
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("freq", [0.0, 1.0, 5.0])
def test_course_at_a_constant_level_is_the_fixed_concentration_train(freq):
    fixed = ph.simulate_trapping(1.0, freq, 120)
    course = ph.simulate_trapping_course([0.0, 120.0], [1.0, 1.0], freq)
    np.testing.assert_allclose(course.t_s, fixed.t_s)
    np.testing.assert_allclose(course.blocked_fraction, fixed.blocked_fraction, atol=1e-12)


def test_course_follows_a_step_down_like_a_washout():
    # 1 µM for 300 s then 0: the same as loading and washing out in two calls (within the
    # one period that straddles the step).
    t = [0.0, 300.0, 300.001, 600.0]
    course = ph.simulate_trapping_course(t, [1.0, 1.0, 0.0, 0.0], 1.0)
    load = ph.simulate_trapping(1.0, 1.0, 300)
    wash = ph.simulate_trapping(0.0, 1.0, 300, initial=load.final_state)
    assert course.blocked_fraction[-1] == pytest.approx(wash.blocked_fraction[-1], abs=2e-3)


def test_slow_escape_makes_block_use_dependent_during_an_infusion():
    # With the standard infusion's effect site, a silent synapse lags an active one if trapped
    # drug escapes ten times more slowly than the default; with the default rate it nearly
    # keeps up (0.44 vs 0.46 at 45 min). Both rates are assumed.
    r = ph.simulate(ph.standard_infusion(), 60, dt_min=0.5)
    block = {}
    for esc in (0.002, 0.0002):
        p = ph.TrappingParams(escape_per_s=esc)
        for f in (0.0, 1.0):
            block[esc, f] = ph.simulate_trapping_course(r.t_min * 60, r.effect_site_uM, f,
                                                        params=p).at(45 * 60)
    assert block[0.002, 1.0] - block[0.002, 0.0] < 0.03
    assert block[0.0002, 1.0] > 2 * block[0.0002, 0.0]
    assert block[0.0002, 1.0] == pytest.approx(block[0.002, 1.0], abs=0.01)


@pytest.mark.parametrize("args, name", [
    (([0.0, 1.0], [1.0], 1.0), "t_s"), (([1.0, 2.0], [1.0, 1.0], 1.0), "t_s"),
    (([0.0, 2.0, 1.0], [1.0, 1.0, 1.0], 1.0), "t_s"), (([0.0, 1.0], [1.0, -1.0], 1.0), "conc_uM"),
    (([0.0, 86400.0], [1.0, 1.0], 100.0), "frequency_Hz")])
def test_course_rejects_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        ph.simulate_trapping_course(*args)
