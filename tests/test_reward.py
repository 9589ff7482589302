"""Chapter 2's library: LHb bursts, trapping block in a firing neuron, dopamine, PRT, agent."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import pharmacology as ph
from ketamodel import reward as rw

HP = rw.HabenulaParams()


# ----------------------------------------------------------------------------- habenula
@settings(max_examples=50, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(-120, 0), st.floats(-120, 0))
def test_burst_fraction_is_bounded_and_falls_with_block_and_depolarisation(b1, b2, v1, v2):
    lo_b, hi_b = sorted((b1, b2))
    lo_v, hi_v = sorted((v1, v2))
    f = rw.burst_fraction
    assert 0.0 <= f(lo_b, lo_v) <= 1.0
    assert f(hi_b, lo_v) <= f(lo_b, lo_v) + 1e-15      # more block, no more bursts
    assert f(lo_b, hi_v) <= f(lo_b, lo_v) + 1e-15      # more depolarised, no more bursts


def test_bursts_need_both_nmda_receptors_and_t_channels():
    v = HP.v_rest_depressed_mV
    assert rw.burst_fraction(1.0, v) == 0.0                 # full NMDA block
    assert rw.burst_fraction(0.0, v, t_block=1.0) == 0.0    # full T-type block
    assert rw.burst_fraction(0.0, v) > 0.1


def test_t_channel_availability_is_half_at_the_half_inactivation_potential():
    assert rw.t_availability(HP.t_half_inactivation_mV) == pytest.approx(0.5)
    # One slope below: 1 / (1 + e^-1).
    v = HP.t_half_inactivation_mV - HP.t_inactivation_slope_mV
    assert rw.t_availability(v) == pytest.approx(1 / (1 + np.exp(-1.0)))


def test_a_hyperpolarised_rest_bursts_more_and_fires_faster():
    healthy = rw.burst_fraction(0.0, HP.v_rest_healthy_mV)
    depressed = rw.burst_fraction(0.0, HP.v_rest_depressed_mV)
    assert depressed > 3 * healthy
    assert rw.firing_rate(0.0, HP.v_rest_depressed_mV) > rw.firing_rate(0.0, HP.v_rest_healthy_mV)


def test_burst_fraction_broadcasts_to_a_grid():
    grid = rw.burst_fraction(np.linspace(0, 1, 5)[:, None], np.linspace(-90, -50, 3)[None, :])
    assert grid.shape == (5, 3)
    assert np.all(np.diff(grid, axis=0) <= 0) and np.all(np.diff(grid, axis=1) <= 0)


def test_shapes_that_do_not_broadcast_are_refused():
    with pytest.raises(ValueError, match="nmda_block"):
        rw.burst_fraction(np.zeros(3), np.zeros(4) - 60)


# ----------------------------------------------------------------------------- block
STEP_T_H = np.array([0.0, 0.5, 0.5 + 1e-4, 2.0])     # 1 µM for 30 min, then washout
STEP_C = np.array([1.0, 1.0, 0.0, 0.0])


def test_block_reaches_the_trapping_equilibrium_and_decays_faster_in_a_firing_neuron():
    eq = float(ph.TrappingParams().equilibrium_block(1.0))
    silent = rw.habenula_block(STEP_T_H, STEP_C, 0.0)
    firing = rw.habenula_block(STEP_T_H, STEP_C, 2.0)
    assert silent.block[silent.t_h <= 0.5][-1] == pytest.approx(eq, abs=0.01)
    assert firing.block[firing.t_h <= 0.5][-1] == pytest.approx(eq, abs=0.01)
    after = np.searchsorted(silent.t_h, 0.6)
    # Trapped drug leaves when channels open: ten minutes into washout the silent neuron
    # keeps much of its block, the firing one has lost nearly all of it.
    assert silent.block[after] > 0.2
    assert firing.block[after] < 0.01
    assert np.all(firing.block[firing.t_h > 0.51] <= silent.block[silent.t_h > 0.51] + 1e-12)


@pytest.mark.parametrize("f_Hz", [2.0, 5.0])
def test_grouped_periods_agree_with_the_exact_train(f_Hz):
    exact = ph.simulate_trapping_course(STEP_T_H * 3600, STEP_C, f_Hz)
    fast = rw.habenula_block(STEP_T_H, STEP_C, f_Hz, max_simulated_Hz=0.2)
    assert fast.simulated_Hz == pytest.approx(0.2, rel=1e-3)
    expected = np.interp(fast.t_h * 3600, exact.t_s, exact.blocked_fraction)
    assert np.max(np.abs(fast.block - expected)) < 0.02
    # Without grouping, only the 1-min concentration steps differ from the exact call.
    same = rw.habenula_block(STEP_T_H, STEP_C, f_Hz, max_simulated_Hz=f_Hz)
    expected = np.interp(same.t_h * 3600, exact.t_s, exact.blocked_fraction)
    assert np.max(np.abs(same.block - expected)) < 0.005


def test_the_silent_neuron_in_coarse_steps_matches_one_second_steps():
    exact = ph.simulate_trapping_course(STEP_T_H * 3600, STEP_C, 0.0)
    coarse = rw.habenula_block(STEP_T_H, STEP_C, 0.0, silent_step_s=60.0)
    expected = np.interp(coarse.t_h * 3600, exact.t_s, exact.blocked_fraction)
    assert np.max(np.abs(coarse.block - expected)) < 0.01


def test_any_species_concentration_course_drives_the_block():
    # A made-up, rodent-like course: fast rise, 20-min half-life, over two days at 5 Hz.
    t_h = np.linspace(0, 48, 2000)
    conc = 3.0 * (1 - np.exp(-t_h / 0.05)) * np.exp(-t_h * np.log(2) / (20 / 60))
    res = rw.habenula_block(t_h, conc, 5.0)
    assert res.t_h[-1] == pytest.approx(48.0)
    assert 0.5 < res.block.max() <= 1.0
    assert res.block[-1] < 1e-3
    assert np.all((res.block >= 0) & (res.block <= 1))


def test_a_concentration_series_whose_times_do_not_increase_is_refused():
    with pytest.raises(ValueError, match="t_h"):
        rw.habenula_block([0.0, 2.0, 1.0], [1.0, 1.0, 0.0], 1.0)
    with pytest.raises(ValueError, match="conc_uM"):
        rw.habenula_block([0.0, 1.0], [1.0, 1.0, 0.0], 1.0)


# ----------------------------------------------------------------------------- dopamine
def test_removing_bursts_restores_the_full_prediction_error():
    assert rw.rpe_gain(0.0) == 1.0
    g = rw.rpe_gain(np.linspace(0, 1, 11))
    assert np.all(np.diff(g) < 0) and np.all(g > 0)
    w = rw.DopamineParams().burst_weight
    assert rw.dopamine_rpe(1.0, 0.25, 0.2) == pytest.approx(1 / (1 + 0.2 * w) - 0.25)
    # The gain scales the response to reward, not the expectation: an omitted reward
    # gives the same negative error with or without bursts.
    assert rw.dopamine_rpe(0.0, 0.25, 0.2) == rw.dopamine_rpe(0.0, 0.25, 0.0) == -0.25


# ----------------------------------------------------------------------------- PRT
def test_bias_and_discriminability_match_hand_computed_counts():
    # Rich: 40 correct, 10 incorrect; lean: 30 correct, 20 incorrect.
    log_b = 0.5 * np.log10((40.5 * 20.5) / (10.5 * 30.5))
    log_d = 0.5 * np.log10((40.5 * 30.5) / (10.5 * 20.5))
    assert rw.log_response_bias(40, 10, 30, 20) == pytest.approx(log_b)
    assert rw.log_discriminability(40, 10, 30, 20) == pytest.approx(log_d)
    # The same from trials: one block with those counts.
    stim = np.array([0] * 50 + [1] * 50)
    choice = np.array([0] * 40 + [1] * 10 + [1] * 30 + [0] * 20)
    m = rw.prt_measures(stim, choice, np.zeros(100, dtype=int))
    assert m.response_bias[0, 0] == pytest.approx(log_b)
    assert m.discriminability[0, 0] == pytest.approx(log_d)
    assert m.rich_hit_rate[0, 0] == pytest.approx(0.8)


def test_an_unbiased_perfect_observer_has_zero_bias():
    assert rw.log_response_bias(50, 0, 50, 0) == pytest.approx(0.0)
    assert rw.log_discriminability(50, 0, 50, 0) > 1.0


def _longest_run(row):
    best = run = 1
    for a, b in zip(row[:-1], row[1:], strict=True):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


def test_trial_sequences_follow_the_published_design():
    seq = rw.trial_sequence(7, n_sessions=20)
    assert seq.stimulus.shape == (20, 300)
    for row in seq.stimulus:
        for k in range(3):
            block = row[seq.block == k]
            assert block.sum() == 50                     # 50 lean, 50 rich
            assert _longest_run(block) <= 3
    assert np.array_equal(seq.stimulus, rw.trial_sequence(7, n_sessions=20).stimulus)
    assert not np.array_equal(seq.stimulus, rw.trial_sequence(8, n_sessions=20).stimulus)


def test_odd_blocks_are_refused():
    with pytest.raises(ValueError, match="trials_per_block"):
        rw.trial_sequence(0, trials_per_block=99)


# ----------------------------------------------------------------------------- agent
def test_agents_are_deterministic_with_a_seed_and_choice_probabilities_are_probabilities():
    a = rw.simulate_agents(n_agents=200, seed=3)
    b = rw.simulate_agents(n_agents=200, seed=3)
    assert np.array_equal(a.choice, b.choice) and np.array_equal(a.reward, b.reward)
    assert np.all((a.p_rich >= 0) & (a.p_rich <= 1))
    assert np.all(a.reward[a.choice != a.stimulus] == 0)          # no reward when wrong


def test_rewards_follow_the_design_probabilities():
    s = rw.simulate_agents(n_agents=2000, seed=4)
    rich_hits = (s.stimulus == 0) & (s.choice == 0)
    lean_hits = (s.stimulus == 1) & (s.choice == 1)
    assert s.reward[rich_hits].mean() == pytest.approx(0.75, abs=0.01)
    assert s.reward[lean_hits].mean() == pytest.approx(0.30, abs=0.01)


def test_default_agents_develop_a_bias_toward_the_rich_stimulus():
    bias = rw.simulate_agents(n_agents=2000, seed=5).measures().response_bias.mean(axis=0)
    assert bias[0] > 0.1 and bias[-1] > bias[0]


def test_likelihood_is_highest_near_the_generating_parameters():
    true = rw.AgentParams(rho=2.0, epsilon=0.2)
    s = rw.simulate_agents(true, n_agents=20, seed=6)
    base = rw.neg_log_likelihood(true, s.stimulus, s.choice, s.reward)
    for other in (rw.AgentParams(rho=0.5, epsilon=0.2), rw.AgentParams(rho=2.0, epsilon=0.01)):
        assert rw.neg_log_likelihood(other, s.stimulus, s.choice, s.reward) > base


def test_fit_space_round_trips():
    p = rw.AgentParams(rho=2.5, gamma=0.8, epsilon=0.3, lam=0.7, q0=0.2)
    q = rw.AgentParams.from_fit_space(p.fit_space())
    assert q.rho == pytest.approx(2.5) and q.epsilon == pytest.approx(0.3)
    assert q.lam == pytest.approx(0.7) and q.q0 == pytest.approx(0.2)


def test_fit_recovers_reward_sensitivity_and_learning_rate():
    # Twenty 300-trial sessions of one simulated person: rho and epsilon within 25 %.
    true = rw.AgentParams(rho=2.0, gamma=1.35, epsilon=0.2, lam=0.52, q0=-0.1)
    s = rw.simulate_agents(true, n_agents=20, sequence=rw.trial_sequence(11, n_sessions=20),
                           seed=12)
    fit = rw.fit_agent(s.stimulus, s.choice, s.reward, q0_on_rich=s.q0_on_rich, n_starts=1)
    assert fit.params.rho == pytest.approx(2.0, rel=0.25)
    assert fit.params.epsilon == pytest.approx(0.2, rel=0.25)
    assert fit.neg_log_likelihood <= rw.neg_log_likelihood(
        true, s.stimulus, s.choice, s.reward, q0_on_rich=s.q0_on_rich) + 1e-6
    assert fit.n_trials == 6000


def test_low_rho_and_low_epsilon_give_the_same_final_bias_by_different_paths():
    c = rw.low_rho_or_low_epsilon(1.0, n_agents=1000)
    assert c.low_epsilon[-1] == pytest.approx(c.low_rho[-1], abs=0.03)
    assert c.low_rho[-1] < c.reference[-1] - 0.15
    # Low rho: the small bias is there from block 1. Low epsilon: it builds up.
    assert c.low_rho[-1] - c.low_rho[0] < 0.04
    assert c.low_epsilon[-1] - c.low_epsilon[0] > 0.05
    assert c.low_epsilon[-1] - c.low_epsilon[0] > 2 * (c.low_rho[-1] - c.low_rho[0])
    assert c.epsilon_matched < rw.AgentParams().epsilon / 3


# ----------------------------------------------------------------------------- ketamine
@pytest.fixture(scope="module")
def course():
    return rw.ketamine_reward(ph.standard_infusion(), 24.0)


def test_ketamine_blocks_bursts_and_raises_rho_while_the_drug_is_there(course):
    assert course.block.max() > 0.3
    i_peak = np.argmax(course.block)
    assert course.t_h[i_peak] < 2.0
    assert course.burst_fraction[i_peak] < 0.6 * course.burst_fraction[0]
    assert course.rho[i_peak] > 1.3 * course.rho[0]
    # Gone by a day: the acute effect lasts hours (plasticity is Chapter 3).
    assert course.rho[-1] == pytest.approx(course.rho[0], rel=0.02)
    assert np.all((course.block >= 0) & (course.block <= 1))


def test_healthy_depressed_and_after_ketamine_agents(course):
    g = rw.agent_groups(course, 1.0)
    assert g.healthy.rho == pytest.approx(rw.AgentParams().rho, rel=0.01)
    assert g.depressed.rho < g.after_ketamine.rho < g.healthy.rho
    bias = {name: rw.simulate_agents(getattr(g, name), n_agents=2000, seed=1).measures()
            .response_bias.mean(axis=0)[-1] for name in ("healthy", "depressed",
                                                        "after_ketamine")}
    assert bias["depressed"] < bias["after_ketamine"] < bias["healthy"]


def test_no_coupling_means_no_effect_on_rho():
    link = rw.RewardLinkParams(coupling=0.0)
    c = rw.reward_course([0.0, 1.0, 3.0], [0.0, 1.0, 0.0], link=link)
    assert np.allclose(c.rho, link.rho_max)


# --------------------------------------------------------------------------------------
# Block under a firing schedule
# --------------------------------------------------------------------------------------
def test_one_phase_schedule_is_the_plain_block():
    t = np.linspace(0.0, 2.0, 121)
    c = 0.5 * np.exp(-t)
    plain = rw.habenula_block(t, c, 2.0)
    sched = rw.habenula_block_schedule(t, c, [0.0], [2.0])
    np.testing.assert_allclose(sched.block, plain.block, atol=1e-12)
    assert np.all(sched.firing_Hz == 2.0)


def test_silence_after_loading_keeps_the_block_and_firing_releases_it():
    # Load while the drug is there, then wash out: a silent neuron keeps trapped drug
    # (slow escape), one that fires loses it within minutes.
    import dataclasses
    slow = dataclasses.replace(ph.TrappingParams(), escape_per_s=2e-5)
    t = np.array([0.0, 0.25, 0.2501, 3.0])
    c = np.array([1.0, 1.0, 0.0, 0.0])
    silent = rw.habenula_block_schedule(t, c, [0.0, 0.25], [2.0, 0.0], params=slow)
    firing = rw.habenula_block_schedule(t, c, [0.0, 0.25], [2.0, 2.0], params=slow)
    loaded = silent.at(0.25)
    assert loaded > 0.5
    assert silent.at(3.0) > 0.9 * loaded * np.exp(-2e-5 * 2.75 * 3600) - 0.02
    assert firing.at(0.35) < 0.05
    # Times increase, firing recorded per phase, continuity at the change.
    assert np.all(np.diff(silent.t_h) > 0)
    assert silent.firing_Hz[0] == 2.0 and silent.firing_Hz[-1] == 0.0
    assert abs(firing.at(0.25) - silent.at(0.25)) < 1e-9


def test_schedules_that_do_not_start_at_zero_or_exceed_the_course_are_refused():
    t, c = [0.0, 1.0], [1.0, 0.0]
    with pytest.raises(ValueError, match="start_h"):
        rw.habenula_block_schedule(t, c, [0.1], [1.0])
    with pytest.raises(ValueError, match="start_h"):
        rw.habenula_block_schedule(t, c, [0.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="firing_Hz"):
        rw.habenula_block_schedule(t, c, [0.0, 0.5], [1.0])


# --------------------------------------------------------------------------------------
# Bias by rho, the vectorised likelihood
# --------------------------------------------------------------------------------------
def test_bias_by_rho_rises_with_rho_and_matches_separate_simulations():
    rho = np.array([0.0, 1.0, 2.0, 4.0])
    table = rw.bias_by_rho(rho, n_agents=400, seed=3)
    assert table.shape == (4, 3)
    assert np.all(np.diff(table[:, -1]) > 0)
    # Without reward sensitivity, only the instruction acts: no bias (within noise).
    assert np.all(np.abs(table[0]) < 0.03)
    # Common random numbers: each row is exactly a separate run with the same seed.
    for r, row in zip(rho[1:], table[1:], strict=True):
        sep = rw.simulate_agents(rw.AgentParams(rho=r), n_agents=400, seed=3)
        np.testing.assert_allclose(row, sep.measures().response_bias.mean(axis=0), atol=1e-12)


def test_bias_by_rho_refuses_too_many_agents():
    with pytest.raises(ValueError, match="n_agents"):
        rw.bias_by_rho(np.ones(20), n_agents=100_000)


def test_vectorised_likelihood_equals_the_plain_one():
    from ketamodel.reward import fit as ag
    s = rw.simulate_agents(rw.AgentParams(rho=1.5), n_agents=3, seed=4)
    arrays = ag._code_arrays(s.stimulus, s.choice, s.reward, 2)
    x = np.array([rw.AgentParams().fit_space(),
                  rw.AgentParams(rho=0.5, epsilon=0.02, lam=0.9, q0=0.4).fit_space()])
    flags = s.q0_on_rich
    plain = [ag._nll(rw.AgentParams.from_fit_space(row), *arrays, flags) for row in x]
    batch = ag._nll_batch(x[:, None, :], *(a[None] for a in arrays), flags[None])
    np.testing.assert_allclose(batch[:, 0], plain, rtol=1e-12)


# --------------------------------------------------------------------------------------
# The self-check
# --------------------------------------------------------------------------------------
def test_the_self_check_accepts_the_right_answer_and_names_each_mistake():
    from ketamodel.reward import selfcheck as sc
    counts = (42, 8, 31, 19)
    b = float(rw.log_response_bias(*counts))
    d = float(rw.log_discriminability(*counts))
    ok = rw.check_prt_answer(*counts, log_b=round(b, 3), log_d=round(d, 3))
    assert ok.correct and all("correct" in m for m in ok.messages)
    rc, ri, lc, li = (x + 0.5 for x in counts)
    cases = {
        "natural logarithm": 0.5 * np.log(rc * li / (ri * lc)),
        "factor 1/2": np.log10(rc * li / (ri * lc)),
        "log d": d,
        "wrong sign": -b,
    }
    for words, wrong in cases.items():
        fb = rw.check_prt_answer(*counts, log_b=round(wrong, 3), log_d=round(d, 3))
        assert not fb.correct
        assert words in fb.messages[0], (words, fb.messages[0])
        assert "correct" in fb.messages[1]
    # Without the 0.5: visible with small counts.
    small = (5, 1, 3, 2)
    raw = 0.5 * np.log10(5 * 2 / (1 * 3))
    fb = rw.check_prt_answer(*small, log_b=round(raw, 3),
                             log_d=round(float(rw.log_discriminability(*small)), 3))
    assert "0.5 added" in fb.messages[0]
    # Nothing recognisable: says so, and in which direction.
    fb = rw.check_prt_answer(*counts, log_b=b + 1.234, log_d=d)
    assert "too high" in fb.messages[0] and "none of the usual mistakes" in fb.messages[0]
    assert sc.TOLERANCE < 0.01
    assert "✅" in ok._repr_markdown_() and "❌" in fb._repr_markdown_()


def test_the_self_check_refuses_non_counts():
    with pytest.raises(ValueError, match="rich_correct"):
        rw.check_prt_answer(4.5, 1, 1, 1, log_b=0.0, log_d=0.0)
    with pytest.raises(ValueError, match="log_b"):
        rw.check_prt_answer(4, 1, 1, 1, log_b=float("nan"), log_d=0.0)


# --------------------------------------------------------------------------------------
# Counterbalancing, the likelihood surface and recovery
# --------------------------------------------------------------------------------------
def test_counterbalanced_agents_alternate_the_key_of_q0():
    s = rw.simulate_agents(n_agents=6, seed=0)
    assert s.q0_on_rich.tolist() == [True, False] * 3
    assert rw.simulate_agents(n_agents=4, seed=0, counterbalance=False).q0_on_rich.all()
    # A negative q0 on the rich key holds the early bias down; counterbalanced, half the
    # agents carry it on the lean key instead, which raises the early bias.
    p = rw.AgentParams(q0=-1.0)
    on = rw.simulate_agents(p, n_agents=2000, seed=1, counterbalance=False)
    mixed = rw.simulate_agents(p, n_agents=2000, seed=1)
    b_on = on.measures().response_bias[:, 0].mean()
    b_mixed = mixed.measures().response_bias[:, 0].mean()
    assert b_on < b_mixed          # a negative q0 on the rich key lowers the early bias


def test_q0_flags_of_the_wrong_shape_are_refused():
    s = rw.simulate_agents(n_agents=2, seed=0)
    with pytest.raises(ValueError, match="q0_on_rich"):
        rw.neg_log_likelihood(rw.AgentParams(), s.stimulus, s.choice, s.reward,
                              q0_on_rich=[True, False, True])
    with pytest.raises(ValueError, match="q0_on_rich"):
        rw.likelihood_surface(s.stimulus, s.choice, s.reward, q0_on_rich=[[0.5], [1]])


def test_the_surface_minimum_is_the_likelihood_at_that_point():
    s = rw.simulate_agents(rw.AgentParams(rho=1.5), n_agents=3, seed=2)
    surf = rw.likelihood_surface(s.stimulus, s.choice, s.reward, rho=[1.0, 1.5, 2.0],
                                 epsilon=[0.05, 0.12, 0.3], q0_on_rich=s.q0_on_rich[:, None])
    assert surf.nll.shape == (3, 3, 3)
    for i in range(3):
        j, k = np.unravel_index(surf.nll[i].argmin(), (3, 3))
        p = rw.AgentParams(rho=surf.best_rho[i], epsilon=surf.best_epsilon[i])
        assert (surf.rho[j], surf.epsilon[k]) == (surf.best_rho[i], surf.best_epsilon[i])
        direct = rw.neg_log_likelihood(p, s.stimulus[i], s.choice[i], s.reward[i],
                                       q0_on_rich=bool(s.q0_on_rich[i]))
        assert surf.nll[i, j, k] == pytest.approx(direct, rel=1e-12)


def test_recovery_separates_low_rho_from_normal_and_more_sessions_tighten_it():
    low1 = rw.recover(rw.AgentParams(rho=1.0), n_participants=20, n_sessions=1, seed=5)
    norm1 = rw.recover(rw.AgentParams(), n_participants=20, n_sessions=1, seed=5)
    low4 = rw.recover(rw.AgentParams(rho=1.0), n_participants=20, n_sessions=4, seed=5)
    assert np.median(low1.best_rho) < 2.0 < np.median(norm1.best_rho)
    iqr = [np.subtract(*np.percentile(np.log(r.best_rho), [75, 25])) for r in (low1, low4)]
    assert iqr[1] < iqr[0]
    assert abs(np.median(low4.best_rho) - 1.0) < 0.35


def test_rho_from_block_is_the_chain_of_the_course(course):
    # The same chain as reward_course, at each moment of it.
    np.testing.assert_allclose(rw.rho_from_block(course.block, course.v_rest_mV), course.rho,
                               rtol=1e-12)
    hp = rw.HabenulaParams()
    assert float(rw.rho_from_block(0.0, hp.v_rest_healthy_mV)) == pytest.approx(3.7, abs=0.01)
    with pytest.raises(ValueError, match="habenula"):
        rw.rho_from_block(0.0, -70.0, habenula=rw.DopamineParams())
