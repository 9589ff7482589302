"""Chapter 5's library: the self-model's update equations, its filter, and its claims."""

import inspect
import math
from dataclasses import fields, replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ketamodel import networks as nw
from ketamodel import pharmacology as ph
from ketamodel import plasticity as pl
from ketamodel import selfmodel as sm

P = sm.SelfModelParams()
INSIDE = sm.CASES[2]
FAST = settings(max_examples=25, deadline=None, database=None)
TWO_WEEKS_H = 14 * 24.0
NOISY, NEUTRAL, EYES = "noisy clinical room", "neutral", "eyes closed, music, support"


@pytest.fixture(scope="module")
def infusion():
    return ph.standard_infusion()


@pytest.fixture(scope="module")
def drug(infusion):
    # One standard infusion, eight weeks, neutral setting (builds the network table once).
    return sm.drug_drive(infusion, sm.EIGHT_WEEKS_H, NEUTRAL)


@pytest.fixture(scope="module")
def drives(infusion):
    # The same infusion in each setting, eight weeks (one network table per setting).
    return {k: sm.drug_drive(infusion, sm.EIGHT_WEEKS_H, k) for k in (NOISY, NEUTRAL, EYES)}


@pytest.fixture(scope="module")
def smooth_cases():
    return sm.four_cases(noise=False)


@pytest.fixture(scope="module")
def by_relax(drives):
    # (setting, relaxed levels) -> therapy inside the window, inputs at their expected values.
    return {(k, r): sm.simulate_drive(d, therapy=sm.Therapy(), relax=r, noise=False)
            for k, d in drives.items() for r in sm.RELAX}


@pytest.fixture(scope="module")
def drug_alone(drives):
    # setting -> drug alone, and drug with therapy inside the window (noise=False)
    return {k: (sm.simulate_drive(d, noise=False),
                sm.simulate_drive(d, therapy=sm.Therapy(), noise=False))
            for k, d in drives.items()}


def _short_drive(context):
    # Two weeks after one infusion: long enough for the window, short enough for hypothesis
    # (drug_drive keeps it for the next call).
    return sm.drug_drive(ph.standard_infusion(), TWO_WEEKS_H, context)


# ======================================================================================
# 1. The update equations, by hand
# ======================================================================================
def test_step_variance_by_hand():
    # Omega = t e^omega: 2 h at omega = log 0.5 -> 2 * 0.5 = 1; 1 h at omega = 0 -> 1.
    assert sm.step_variance(2.0, math.log(0.5)) == pytest.approx(1.0, rel=1e-15)
    assert sm.step_variance(1.0, 0.0) == 1.0
    assert np.allclose(sm.step_variance(np.array([1.0, 3.0]), math.log(2.0)), [2.0, 6.0],
                       rtol=1e-15, atol=0)


def test_predict_mean_by_hand():
    # m + lambda (mu - m): mu = 3, m = 1, lambda = 0.5 -> 1 + 0.5 * 2 = 2.
    assert sm.predict_mean(3.0, 1.0, 0.5) == 2.0
    assert sm.predict_mean(3.0, 1.0) == 3.0                  # lambda = 1: a random walk
    assert sm.predict_mean(3.0, 1.0, 0.0) == 1.0             # lambda = 0: the set-point alone
    assert np.array_equal(sm.predict_mean(np.array([3.0, -1.0]), 1.0, 0.5), [2.0, 0.0])


def test_predict_precision_by_hand_with_and_without_autoconnection():
    # 1/(lambda^2/pi + Omega): pi = 2, Omega = 0.5:
    #   lambda = 1   -> 1/(0.5 + 0.5) = 1
    #   lambda = 0.5 -> 1/(0.25/2 + 0.5) = 1/0.625 = 1.6
    #   lambda = 0   -> 1/Omega = 2 (the memory is gone, only the drift's variance is left)
    assert sm.predict_precision(2.0, 0.5) == pytest.approx(1.0, rel=1e-15)
    assert sm.predict_precision(2.0, 0.5, 0.5) == pytest.approx(1.6, rel=1e-15)
    assert sm.predict_precision(2.0, 0.5, 0.0) == pytest.approx(2.0, rel=1e-15)
    # A prediction is never more precise than the belief it starts from (lambda = 1).
    assert sm.predict_precision(2.0, 1e-9) < 2.0


def test_prediction_error_and_prior_share_by_hand():
    assert sm.prediction_error(1.0, -2.0) == 3.0
    assert sm.prior_share(3.0, 4.0) == 0.75
    assert np.array_equal(sm.prior_share(np.array([1.0, 2.0]), 4.0), [0.25, 0.5])


def test_posterior_by_hand_with_two_children():
    # Parent: mu_hat = -1, pi_hat = 3. Children: precisions (1, 2), couplings (1, 0.5),
    # errors (2, -1).
    #   pi = 3 + 1^2 * 1 + 0.5^2 * 2 = 3 + 1 + 0.5 = 4.5
    #   mu = -1 + (1 * 1/4.5) * 2 + (0.5 * 2/4.5) * (-1) = -1 + 2/4.5 - 1/4.5 = -1 + 1/4.5 = -7/9
    pi = sm.posterior_precision(3.0, (1.0, 2.0), (1.0, 0.5))
    assert pi == pytest.approx(4.5, rel=1e-15)
    mu = sm.posterior_mean(-1.0, pi, (2.0, -1.0), (1.0, 2.0), (1.0, 0.5))
    assert mu == pytest.approx(-7.0 / 9.0, rel=1e-14)


def test_the_exercise_example_by_hand():
    # Prior -2 with precision 3, evidence +2 with precision 1 (check_update's example):
    # pi = 4, learning rate 1/4, mu = -2 + 0.25 * 4 = -1.
    pi = sm.posterior_precision(3.0, (1.0,), (1.0,))
    assert pi == 4.0
    assert sm.posterior_mean(-2.0, pi, (sm.prediction_error(2.0, -2.0),), (1.0,), (1.0,)) == -1.0


def test_posterior_works_elementwise_on_a_cohort():
    pi_hat = np.array([3.0, 1.0])
    pi = sm.posterior_precision(pi_hat, (np.array([1.0, 3.0]),), (1.0,))
    assert np.array_equal(pi, [4.0, 4.0])
    mu = sm.posterior_mean(np.array([-2.0, 0.0]), pi, (np.array([3.0, 4.0]),),
                           (np.array([1.0, 3.0]),), (1.0,))
    assert np.array_equal(mu, [-1.25, 3.0])        # -2 + 3/4; 0 + (3/4) * 4


def test_child_lists_of_unequal_length_are_refused():
    # zip(strict=True): a coupling without a child (or the reverse) is a programming error.
    with pytest.raises(ValueError):
        sm.posterior_precision(1.0, (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError):
        sm.posterior_mean(0.0, 2.0, (1.0,), (1.0, 2.0), (1.0, 1.0))


def test_an_infinitely_precise_prior_does_not_move():
    pi = sm.posterior_precision(np.inf, (1.0, 4.0), (1.0, 1.0))
    assert pi == np.inf
    assert sm.posterior_mean(-2.0, pi, (3.0, 5.0), (1.0, 4.0), (1.0, 1.0)) == -2.0
    # ... and a very precise one barely moves: the shift is pi_u/pi * delta = 1/(1e12 + 1) * 3.
    big = sm.posterior_precision(1e12, (1.0,), (1.0,))
    assert abs(sm.posterior_mean(-2.0, big, (3.0,), (1.0,), (1.0,)) + 2.0) < 4e-12


def test_without_a_prior_the_posterior_is_the_precision_weighted_mean_of_the_inputs():
    # Inputs 1 (precision 1) and 3 (precision 3), prior at -2 with precision 0:
    # (1 * 1 + 3 * 3)/(1 + 3) = 10/4 = 2.5, whatever the prior's mean.
    def post(pi_hat, mu_hat=-2.0):
        pi = sm.posterior_precision(pi_hat, (1.0, 3.0), (1.0, 1.0))
        return sm.posterior_mean(mu_hat, pi, (1.0 - mu_hat, 3.0 - mu_hat), (1.0, 3.0),
                                 (1.0, 1.0))

    assert post(0.0) == pytest.approx(2.5, rel=1e-15)
    assert post(0.0, mu_hat=40.0) == pytest.approx(2.5, rel=1e-14)
    # As pi_hat -> 0 the mean tends to 2.5: the gap is pi_hat/(pi_hat + 4) * (2.5 + 2),
    # below 1.2 pi_hat.
    for pi_hat in (1e-2, 1e-5, 1e-9):
        assert 0.0 < 2.5 - post(pi_hat) < 1.2 * pi_hat


def test_error_precision_by_hand_and_its_limits():
    # (1/pi_hat + 1/Pi)^-1: the variances add. pi_hat = 4, Pi = 0.5 (the model's minimal
    # self and an everyday hour) -> 4 * 0.5/4.5 = 4/9; pi_hat = 1, Pi = 1 -> 1/2.
    assert sm.error_precision(4.0, 0.5) == pytest.approx(4.0 / 9.0, rel=1e-15)
    assert sm.error_precision(1.0, 1.0) == 0.5
    assert sm.error_precision(3.0, 6.0) == pytest.approx(1.0 / (1 / 3 + 1 / 6), rel=1e-15)
    # Symmetric, below both, and tending to the smaller one as the other grows.
    assert sm.error_precision(0.5, 4.0) == sm.error_precision(4.0, 0.5)
    for big in (1e3, 1e6, 1e9):
        e = sm.error_precision(2.0, big)
        # 2 - 2B/(2 + B) = 4/(2 + B) (rel 1e-6: the subtraction loses ~1e-7 at B = 1e9)
        assert e < 2.0 and 2.0 - e == pytest.approx(4.0 / (2.0 + big), rel=1e-6)
    assert np.allclose(sm.error_precision(np.array([1.0, 4.0]), np.array([1.0, 4.0])),
                       [0.5, 2.0], rtol=1e-15, atol=0)


def test_relaxation_index_by_hand_and_its_limits():
    # (1 - rho) E/(rho pi + E): rho = 0.5, pi = 4, E = 1 -> 0.5/3 = 1/6.
    assert sm.relaxation_index(0.5, 4.0, 1.0) == pytest.approx(1.0 / 6.0, rel=1e-14)
    assert sm.relaxation_index(1.0, 4.0, 1.0) == 0.0
    # It is the fraction of the prior's share that the relaxation removes.
    for rho in (0.9, 0.5, 0.01):
        usual = sm.prior_share(4.0, 4.0 + 1.0)
        relaxed = sm.prior_share(rho * 4.0, rho * 4.0 + 1.0)
        assert sm.relaxation_index(rho, 4.0, 1.0) == pytest.approx(1 - relaxed / usual,
                                                                   rel=1e-12)
    # Monotone as the factor falls, towards 1: 1 - I = rho (pi + E)/(rho pi + E) ~ 9 rho
    # for pi = 4, E = 0.5.
    rho = np.geomspace(1.0, 1e-9, 300)
    index = sm.relaxation_index(rho, 4.0, 0.5)
    assert index[0] == 0.0 and np.all(np.diff(index) > 0) and np.all(index < 1.0)
    assert 1.0 - index[-1] == pytest.approx(9e-9, rel=1e-6)
    # A very precise prior needs a deep relaxation: at rho = 0.5, pi = 100 and E = 1,
    # 0.5/51 = 0.0098, against 0.5/1.5 = 1/3 for pi = 1.
    assert sm.relaxation_index(0.5, 100.0, 1.0) == pytest.approx(0.5 / 51, rel=1e-12)
    assert sm.relaxation_index(0.5, 1.0, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-12)


@FAST
@given(st.floats(1e-6, 1.0), st.floats(1e-6, 1.0), st.floats(1e-3, 1e3),
       st.floats(1e-3, 1e3))
def test_relaxation_index_falls_as_the_factor_rises(a, b, pi_hat, e):
    lo, hi = sorted((a, b))
    assume(hi - lo > 1e-6 * hi)
    i_lo, i_hi = sm.relaxation_index(lo, pi_hat, e), sm.relaxation_index(hi, pi_hat, e)
    assert 0.0 <= i_hi < i_lo < 1.0


def test_relaxation_index_is_never_negative():
    # The previous form 1 - rho (pi + E)/(rho pi + E) gave -2.2e-16 here (rho within an ulp
    # of 1, as a sensitivity near 0 gives); (1 - rho) E/(rho pi + E) cannot.
    rho = 0.9999999999999999
    index = sm.relaxation_index(rho, 2.5491173545977577, 0.4302173134549483)
    assert index >= 0.0
    assert index == pytest.approx((1 - rho) * 0.4302173134549483
                                  / (rho * 2.5491173545977577 + 0.4302173134549483),
                                  rel=1e-15)
    rho = 1.0 - np.geomspace(1e-16, 1e-3, 500)
    assert np.all(sm.relaxation_index(rho, 2.549, np.linspace(0.01, 50.0, 500)) >= 0.0)


# ======================================================================================
# 2. A single level is a Kalman filter; so is the biographical self
# ======================================================================================
def _kalman(y, x0, var0, q, r, lam=1.0, set_point=0.0):
    """A scalar random-walk (or mean-reverting) Kalman filter, from the textbook equations.

    State x' = m + lam (x - m) + w, w ~ N(0, q); observation y = x + v, v ~ N(0, r).
    Returns the predictions, their variances, the posterior means, their variances and the
    gains, one row each.
    """
    n = len(y)
    x, var = x0, var0
    out = np.empty((5, n))
    for k in range(n):
        x_pred = set_point + lam * (x - set_point)
        var_pred = lam ** 2 * var + q
        if np.isinf(var_pred):               # no prior: the observation is all there is
            gain, var = 1.0, r
        else:
            gain = var_pred / (var_pred + r)
            var = (1.0 - gain) * var_pred
        x = x_pred + gain * (y[k] - x_pred)
        out[:, k] = x_pred, var_pred, x, var, gain
    return out


@pytest.mark.parametrize("prior_mean, prior_precision, input_precision, omega, dt", [
    (0.0, 1.0, 1.0, -4.0, 1.0),
    (-1.0, 0.5, 2.0, -1.5, 2.0),
    (3.0, 50.0, 0.1, -8.0, 0.5),
])
def test_one_level_is_a_random_walk_kalman_filter(prior_mean, prior_precision,
                                                  input_precision, omega, dt):
    rng = np.random.default_rng(11)
    u = np.cumsum(rng.normal(0.0, 0.3, 200)) + rng.normal(0.0, 1.0, 200)
    r = sm.one_level(u, prior_mean=prior_mean, prior_precision=prior_precision,
                     input_precision=input_precision, log_volatility=omega, dt_h=dt)
    x_pred, var_pred, x, var, gain = _kalman(u, prior_mean, 1.0 / prior_precision,
                                             q=dt * math.exp(omega), r=1.0 / input_precision)
    assert np.array_equal(r.inputs, u)
    # 1e-12: the same quantities by other arithmetic (variances, not precisions): rounding only
    assert np.allclose(r.prediction, x_pred, rtol=0, atol=1e-12)
    assert np.allclose(r.mean, x, rtol=0, atol=1e-12)
    assert np.allclose(r.prediction_precision, 1.0 / var_pred, rtol=1e-12, atol=0)
    assert np.allclose(r.precision, 1.0 / var, rtol=1e-12, atol=0)
    assert np.allclose(r.learning_rate, gain, rtol=1e-12, atol=0)


def test_one_level_settles_at_the_steady_precision():
    # The learning rate settles where the drift's variance balances the evidence; from a
    # prior 100 times too precise or 100 times too loose, within 400 steps (the contraction
    # per step is 1/(1 + E P_hat)^2 ~ 0.97 at omega = -4, E = 1).
    steady = sm.steady_precision(-4.0, 1.0, 1.0)
    for prior in (100 * steady, steady / 100):
        r = sm.one_level(np.zeros(400), prior_precision=prior, log_volatility=-4.0)
        assert r.precision[-1] == pytest.approx(steady, rel=1e-9)
        assert r.learning_rate[-1] == pytest.approx(1.0 / steady, rel=1e-9)


def test_one_level_without_a_prior_starts_at_the_first_observation():
    u = np.array([1.5, -0.5, 2.0, 0.0])
    r = sm.one_level(u, prior_mean=-7.0, prior_precision=0.0, input_precision=2.0)
    _, _, x, var, _ = _kalman(u, -7.0, np.inf, q=math.exp(-4.0), r=0.5)
    assert r.mean[0] == 1.5 and r.learning_rate[0] == 1.0 and r.prediction_precision[0] == 0.0
    assert np.allclose(r.mean, x, rtol=0, atol=1e-12)
    assert np.allclose(r.precision, 1.0 / var, rtol=1e-12, atol=0)


def test_one_level_with_a_very_precise_prior_barely_moves():
    r = sm.one_level(np.full(50, 5.0), prior_mean=-2.0, prior_precision=1e12,
                     log_volatility=-30.0)
    # 50 steps of learning rate ~1e-12 to 3e-12 (the drift loosens the prior a little each
    # step) on an error of 7: measured shift 1.2e-9.
    assert np.abs(r.mean + 2.0).max() < 1e-8


def _riccati_limit(q, lam, h2_over_r, n=200_000):
    """Posterior variance P <- 1/(1/(lam^2 P + q) + h^2/r) iterated until it stops changing."""
    var = 1.0
    for _ in range(n):
        pred = lam * lam * var + q
        new = 1.0 / (1.0 / pred + h2_over_r)
        if abs(new - var) <= 1e-16 * new:
            return new
        var = new
    raise AssertionError("did not converge")


def _kalman_of_the_hierarchy(c):
    """The narrative level of a course, re-filtered as a Kalman filter of the hierarchy.

    Written from the generative model, not from model._run: each hour
        x3' = m + lam (x3 - m) + w,           w ~ N(0, Q),  lam = exp(-1 h/T_r), Q = e^omega3
        x2  = kappa x3 + eta,                 eta ~ N(0, 1/(rho_SN pi2_0))  (no memory)
        u_j = x2 + eps_j,                     eps_j ~ N(0, 1/pi_j)
    so that the precision-weighted mean of the senses, ubar = (pi_i u_i + pi_e u_e)/Pi, is a
    measurement ubar = kappa x3 + v with Var v = R = 1/(rho_SN pi2_0) + 1/Pi; pi_e is the
    therapist's precision in session hours. The drug (rho_DMN) divides the predicted
    variance. m, the set point, is the consolidated self-model, which follows the
    posterior mean at (eps + beta (w - 1))/T_c per hour from belief_start. The first
    posterior variance is the drug-free everyday steady state of the Riccati recursion.
    Also the same variance recursion for a course without therapy (every hour everyday
    evidence), from which the indices are read ("quiet"). Returns a dict of arrays.
    """
    p = c.params
    lam, q, kappa = math.exp(-1.0 / p.reversion_h), math.exp(p.narrative_log_volatility), \
        p.coupling
    pi_i = p.interoceptive_precision
    pi_e = np.where(c.therapy, p.therapy_precision, p.exteroceptive_precision)
    big_pi = pi_i + pi_e
    ubar = (pi_i * c.interoceptive + pi_e * c.exteroceptive) / big_pi
    r = 1.0 / (c.sn_factor * p.minimal_self_precision) + 1.0 / big_pi
    r_everyday = (1.0 / (c.sn_factor * p.minimal_self_precision)
                  + 1.0 / (pi_i + p.exteroceptive_precision))
    var = _riccati_limit(q, lam, kappa ** 2 / (1.0 / p.minimal_self_precision
                                               + 1.0 / (pi_i + p.exteroceptive_precision)))
    var_quiet = var
    x = m = p.belief_start
    rate_c = (p.baseline_consolidation + p.plasticity_gain * (c.drive.window - 1.0)) \
        / p.consolidation_h
    out = {k: np.empty(c.t_h.size) for k in ("mean", "precision", "gain", "m", "quiet_free")}
    for k in range(c.t_h.size):
        x_pred = m + lam * (x - m)
        var_pred = (lam ** 2 * var + q) / c.dmn_factor[k]
        gain = var_pred * kappa / (kappa ** 2 * var_pred + r[k])
        x = x_pred + gain * (ubar[k] - kappa * x_pred)
        var = (1.0 - gain * kappa) * var_pred
        m = m + rate_c[k] * (x - m)
        quiet_free = lam ** 2 * var_quiet + q            # predicted variance, no drug
        var_quiet = 1.0 / (c.dmn_factor[k] / quiet_free + kappa ** 2 / r_everyday[k])
        out["mean"][k], out["precision"][k], out["gain"][k] = x, 1.0 / var, gain
        out["m"][k], out["quiet_free"][k] = m, quiet_free
    out["everyday_measurement_precision"] = 1.0 / r_everyday
    out["measurement_precision"] = 1.0 / r
    return out


def _check_kalman(c, ref):
    # 1e-10: the same filter in precisions (the model) and in variances (here); rounding only
    assert np.allclose(c.biographical_self, ref["mean"], rtol=0, atol=1e-10)
    assert np.allclose(c.biographical_self_precision, ref["precision"], rtol=1e-10, atol=0)
    assert np.allclose(c.consolidated_self, ref["m"], rtol=0, atol=1e-10)
    # learning rate: kappa pi_delta/pi3 with the everyday pi_delta; in an everyday hour that
    # is the Kalman gain itself (the share of the hour's error ubar - kappa mu3_hat taken)
    kappa = c.params.coupling
    assert np.allclose(c.learning_rate, kappa * ref["everyday_measurement_precision"]
                       / ref["precision"], rtol=1e-10, atol=0)
    everyday = ~c.therapy
    assert np.allclose(c.learning_rate[everyday], ref["gain"][everyday], rtol=1e-10, atol=0)


@pytest.mark.parametrize("params", [
    P, sm.SelfModelParams(coupling=1.5, reversion_h=30.0, narrative_log_volatility=-6.0,
                          minimal_self_precision=2.0, support_evidence=0.5,
                          interoceptive_precision=0.7, therapy_precision=9.0)],
    ids=["default", "other"])
def test_the_narrative_self_is_exactly_a_kalman_filter_without_the_drug(params):
    th = sm.Therapy(start_h=5.0, sessions=4, interval_h=30.0, duration_h=3.0)
    c = sm.simulate_drive(sm.no_drug(24 * 21.0), therapy=th, params=params, seed=3,
                          noise=True)
    assert c.message == "exact"
    assert np.all(c.sn_factor == 1.0) and np.all(c.dmn_factor == 1.0)
    assert c.therapy.sum() == 12
    ref = _kalman_of_the_hierarchy(c)
    _check_kalman(c, ref)
    # In a session the evidence is more precise (Pi = 0.25 + 4 at the defaults), so the
    # narrative belief takes a larger share of the error than the everyday learning rate:
    # the filter's gain and the course's rate differ there (measured: 4.6x at the defaults).
    assert np.all(ref["gain"][c.therapy] > 1.5 * c.learning_rate[c.therapy])
    # Not a trivial agreement: the belief and its precision moved in therapy (measured at
    # the defaults: a range of 0.17, and 237.2 -> 244.6; the agreement is within 2e-15).
    assert np.ptp(c.biographical_self) > 0.05
    assert np.ptp(c.biographical_self_precision) > 0.1


def test_with_the_drug_it_is_the_same_kalman_filter_with_relaxed_precisions(drug):
    # rho_DMN divides the predicted variance; rho_SN multiplies minimal_self_precision in the
    # measurement noise. Noise on, therapy inside the window.
    c = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=5, noise=True)
    assert c.sn_factor.min() < 0.5 and c.dmn_factor.min() < 0.1
    ref = _kalman_of_the_hierarchy(c)
    _check_kalman(c, ref)
    # The indices come from the drug alone: the ego-dissolution index (1 - rho) E/(rho pi_hat
    # + E) with E = kappa^2/R of an everyday hour and pi_hat the drug-free prediction of the
    # course without therapy ...
    e = P.coupling ** 2 * ref["everyday_measurement_precision"]
    rho, pi_hat = c.dmn_factor, 1.0 / ref["quiet_free"]
    assert np.allclose(c.ego_dissolution, (1 - rho) * e / (rho * pi_hat + e),
                       rtol=1e-10, atol=1e-15)
    # ... and the exact observer's dissociation: the prior precision of the bodily state is
    # that of kappa x3 + eta, 1/(1/(rho_SN pi2_0) + kappa^2 var3_pred/rho_DMN), against the
    # drug-free 1/(1/pi2_0 + kappa^2 var3_pred); its factor is their ratio.
    pi2_0, pi_i = P.minimal_self_precision, P.interoceptive_precision
    body = 1.0 / (1.0 / (c.sn_factor * pi2_0) + P.coupling ** 2 * ref["quiet_free"] / rho)
    body_free = 1.0 / (1.0 / pi2_0 + P.coupling ** 2 * ref["quiet_free"])
    f = body / body_free
    assert np.allclose(c.dissociation_marginal, (1 - f) * pi_i / (f * body_free + pi_i),
                       rtol=1e-10, atol=1e-15)


def test_the_kalman_reference_can_tell_the_messages_apart(drug):
    # The comparison above fails for the HGF message (a check that it can fail: measured,
    # the means differ by up to 1.56).
    c = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=5, message="hgf")
    ref = _kalman_of_the_hierarchy(c)
    assert np.abs(c.biographical_self - ref["mean"]).max() > 0.1
    assert np.all(c.biographical_self_precision > ref["precision"])


def _hgf_recursion(c):
    """The HGF's value-coupling recursion (the previous model), written out by hand.

    pi3_hat = rho_DMN/(lam^2/pi3 + Q); pi2_hat = rho_SN pi2_0; mu2 from the senses;
    pi3 = pi3_hat + kappa^2 pi2_hat; mu3 = mu3_hat + kappa pi2_hat/pi3 (mu2 - kappa mu3_hat).
    The first pi3 is the steady state with evidence kappa^2 pi2_0 each hour.
    """
    p = c.params
    lam, q, kappa = math.exp(-1.0 / p.reversion_h), math.exp(p.narrative_log_volatility), \
        p.coupling
    pi_i, pi2_0 = p.interoceptive_precision, p.minimal_self_precision
    pi_e = np.where(c.therapy, p.therapy_precision, p.exteroceptive_precision)
    pi3 = 1.0 / _riccati_limit(q, lam, kappa ** 2 * pi2_0)
    mu3 = m = p.belief_start
    rate_c = (p.baseline_consolidation + p.plasticity_gain * (c.drive.window - 1.0)) \
        / p.consolidation_h
    mu2s, mu3s, pi3s = (np.empty(c.t_h.size) for _ in range(3))
    for k in range(c.t_h.size):
        mu3_hat = m + lam * (mu3 - m)
        pi3_hat = c.dmn_factor[k] / (lam ** 2 / pi3 + q)
        mu2_hat, pi2_hat = kappa * mu3_hat, c.sn_factor[k] * pi2_0
        pi2 = pi2_hat + pi_i + pi_e[k]
        mu2 = mu2_hat + (pi_i * (c.interoceptive[k] - mu2_hat)
                         + pi_e[k] * (c.exteroceptive[k] - mu2_hat)) / pi2
        pi3 = pi3_hat + kappa ** 2 * pi2_hat
        mu3 = mu3_hat + kappa * pi2_hat / pi3 * (mu2 - mu2_hat)
        m = m + rate_c[k] * (mu3 - m)
        mu2s[k], mu3s[k], pi3s[k] = mu2, mu3, pi3
    return mu2s, mu3s, pi3s


def test_the_hgf_message_is_the_hgf_recursion_and_overstates_certainty(drug):
    th = sm.Therapy()
    exact = sm.simulate_drive(drug, therapy=th, seed=9)
    hgf = sm.simulate_drive(drug, therapy=th, seed=9, message="hgf")
    assert hgf.message == "hgf" and np.array_equal(hgf.interoceptive, exact.interoceptive)
    mu2, mu3, pi3 = _hgf_recursion(hgf)
    assert np.allclose(hgf.minimal_self, mu2, rtol=0, atol=1e-10)
    assert np.allclose(hgf.biographical_self, mu3, rtol=0, atol=1e-10)
    assert np.allclose(hgf.biographical_self_precision, pi3, rtol=1e-10, atol=0)
    # It adds kappa^2 pi2_hat > kappa^2 pi_delta every hour: more certain in every hour
    # (measured at the defaults: 323.5 against 237.2 before the drug).
    assert np.all(hgf.biographical_self_precision > exact.biographical_self_precision)
    assert sm.initial_precision(message="hgf") > 1.3 * sm.initial_precision()
    # The learning rate has the same numerator in both, kappa pi_delta(everyday): the rates
    # stand in the inverse ratio of the precisions.
    assert np.allclose(hgf.learning_rate * hgf.biographical_self_precision,
                       exact.learning_rate * exact.biographical_self_precision,
                       rtol=1e-12, atol=0)


def test_the_minimal_self_and_the_dissociation_index_by_hand(drug):
    # mu2 = (pi2_hat kappa mu3_hat + pi_i u_i + pi_e u_e)/(pi2_hat + Pi); the dissociation
    # index uses the bodily precision alone: (1 - rho) pi_i/(rho pi2_0 + pi_i).
    c = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=2)
    lam = math.exp(-1.0 / P.reversion_h)
    m_before = np.concatenate([[P.belief_start], c.consolidated_self[:-1]])
    mu3_before = np.concatenate([[P.belief_start], c.biographical_self[:-1]])
    mu2_hat = P.coupling * (m_before + lam * (mu3_before - m_before))
    pi2_hat = c.sn_factor * P.minimal_self_precision
    pi_e = np.where(c.therapy, P.therapy_precision, P.exteroceptive_precision)
    pi_i = P.interoceptive_precision
    mu2 = (pi2_hat * mu2_hat + pi_i * c.interoceptive + pi_e * c.exteroceptive) \
        / (pi2_hat + pi_i + pi_e)
    assert np.allclose(c.minimal_self, mu2, rtol=0, atol=1e-12)
    assert np.allclose(c.minimal_self_precision, pi2_hat + pi_i + pi_e, rtol=1e-14, atol=0)
    rho = c.sn_factor
    assert np.allclose(c.dissociation, (1 - rho) * pi_i / (rho * P.minimal_self_precision
                                                           + pi_i), rtol=1e-12, atol=1e-15)


# ======================================================================================
# 3. Steady states
# ======================================================================================
def _iterate(omega_log, lam, e, dt=1.0, n=200_000):
    """P <- (lam^2 P + Omega)/(1 + E (lam^2 P + Omega)) until it stops changing."""
    omega = dt * math.exp(omega_log)
    var = 1.0
    for _ in range(n):
        pred = lam * lam * var + omega
        new = pred / (1.0 + e * pred)
        if abs(new - var) <= 1e-16 * new:
            return 1.0 / new
        var = new
    raise AssertionError("did not converge")


@pytest.mark.parametrize("omega_log, lam, e, dt", [
    (-9.0, math.exp(-1.0 / 72.0), 4.0 / 9.0, 1.0),   # the biographical self's defaults
    (-2.0, 1.0, 0.25, 1.0),                          # a random walk
    (-4.0, 1.0, 1.0, 3.0),                           # a longer step
    (0.0, 0.5, 0.0, 1.0),                            # no evidence, lam < 1
    (-3.0, 0.9, 0.0, 2.0),
])
def test_steady_precision_is_the_limit_of_the_recursion(omega_log, lam, e, dt):
    # rel 1e-10: the iteration stops when a step changes P by < 1e-16 of it; with a
    # contraction of at most ~0.99 per step that leaves it within ~1e-14 of the limit.
    assert sm.steady_precision(omega_log, lam, e, dt) == pytest.approx(
        _iterate(omega_log, lam, e, dt), rel=1e-10)


def test_without_evidence_the_steady_variance_is_the_stationary_one():
    # E = 0, lambda < 1: P = Omega/(1 - lambda^2); Omega = 1, lambda = 0.5 -> 4/3.
    assert 1.0 / sm.steady_precision(0.0, 0.5, 0.0) == pytest.approx(4.0 / 3.0, rel=1e-14)
    lam = math.exp(-1.0 / 72.0)
    omega = math.exp(-9.0)
    assert 1.0 / sm.steady_precision(-9.0, lam, 0.0) == pytest.approx(omega / (1 - lam ** 2),
                                                                      rel=1e-12)


@pytest.mark.parametrize("omega_log, lam, e", [(-20.0, 1.0, 4.0), (-20.0, 1 - 1e-9, 1e3),
                                               (5.0, 0.3, 1e-6), (-9.0, 1.0, 1e-9)])
def test_steady_precision_is_a_fixed_point_at_extremes(omega_log, lam, e):
    # Where the recursion converges too slowly to iterate: the fixed point's residual.
    pi = sm.steady_precision(omega_log, lam, e)
    var = 1.0 / pi
    pred = lam * lam * var + math.exp(omega_log)
    assert pred / (1.0 + e * pred) == pytest.approx(var, rel=1e-12)


@pytest.mark.parametrize("kw, name", [
    (dict(log_volatility=-51.0), "log_volatility"), (dict(log_volatility=11.0), "log_volatility"),
    (dict(log_volatility=math.nan), "log_volatility"), (dict(autoconnection=0.0), "autoconnection"),
    (dict(autoconnection=1.01), "autoconnection"), (dict(autoconnection="1"), "autoconnection"),
    (dict(evidence_precision=-1.0), "evidence_precision"),
    (dict(evidence_precision=math.inf), "evidence_precision"),
    (dict(dt_h=0.0), "dt_h"), (dict(dt_h=-1.0), "dt_h"),
    # a random walk without evidence has no steady state (its variance grows without bound)
    (dict(autoconnection=1.0, evidence_precision=0.0), "autoconnection"),
    (dict(autoconnection=1.0, evidence_precision=0.0), "evidence_precision"),
])
def test_steady_precision_refuses_bad_input(kw, name):
    args = dict(log_volatility=-9.0, autoconnection=0.99, evidence_precision=1.0, dt_h=1.0) | kw
    with pytest.raises(ValueError, match=name):
        sm.steady_precision(**args)


def test_the_initial_precision_is_the_drug_free_steady_state():
    # exact: evidence kappa^2 error_precision(pi2_0, pi_i + pi_e); hgf: kappa^2 pi2_0.
    lam = math.exp(-1.0 / P.reversion_h)
    everyday = P.interoceptive_precision + P.exteroceptive_precision
    assert sm.initial_precision() == sm.initial_precision(P, "exact") == sm.steady_precision(
        P.narrative_log_volatility, lam,
        P.coupling ** 2 * sm.error_precision(P.minimal_self_precision, everyday))
    assert sm.initial_precision(P, "hgf") == sm.steady_precision(
        P.narrative_log_volatility, lam, P.coupling ** 2 * P.minimal_self_precision)
    # No drug, no therapy: the narrative precision never moves from it, in either message
    # (pi3 does not depend on the inputs' values).
    for message in sm.MESSAGES:
        c = sm.simulate(None, 24.0 * 12, message=message, seed=1)
        assert np.allclose(c.biographical_self_precision, sm.initial_precision(P, message),
                           rtol=1e-12, atol=0), message
    # With therapy the exact message counts the session's more precise evidence: pi3 rises
    # in the session hours and relaxes back; the HGF message ignores Pi and stays put.
    th = sm.Therapy(start_h=3.0, sessions=1)
    exact = sm.simulate(None, 24.0 * 12, therapy=th, seed=1)
    hgf = sm.simulate(None, 24.0 * 12, therapy=th, message="hgf", seed=1)
    pi0 = sm.initial_precision()
    assert np.all(exact.biographical_self_precision[exact.therapy] > pi0 + 0.1)
    # (measured: 1.8e-6 above it 11 days after the session)
    assert exact.biographical_self_precision[-1] == pytest.approx(pi0, rel=1e-5)
    assert np.allclose(hgf.biographical_self_precision, sm.initial_precision(P, "hgf"),
                       rtol=1e-12, atol=0)


def test_the_narrative_prior_is_over_precise():
    # By hand at the defaults: Omega = e^-9 = 1.2341e-4, lambda^2 = e^(-2/72) = 0.972604,
    # E = pi_delta = 4 * 0.5/4.5 = 0.44444: b = 1 + E Omega - lambda^2 = 0.027450,
    # sqrt(b^2 + 4 E lambda^2 Omega) = 0.031095, P = 2 Omega/(b + sqrt) = 4.2159e-3,
    # pi3 = 237.20, over 500 hours of the minimal self's evidence; the learning rate is
    # kappa E/pi3 = 0.0018737. The HGF message (E = 4): 323.45, rate 0.0013741.
    pi3 = sm.initial_precision(P)
    assert pi3 == pytest.approx(237.20, rel=1e-4)
    assert sm.initial_precision(P, "hgf") == pytest.approx(323.45, rel=1e-4)
    c = sm.simulate(None, 48.0, seed=0)
    assert np.allclose(c.learning_rate, 0.0018737, rtol=1e-4, atol=0)
    assert np.allclose(c.learning_rate, (4.0 / 9.0) / pi3, rtol=1e-12, atol=0)
    hgf = sm.simulate(None, 48.0, seed=0, message="hgf")
    assert np.allclose(hgf.learning_rate, 0.0013741, rtol=1e-4, atol=0)


# ======================================================================================
# 4. Determinism
# ======================================================================================
def test_the_same_seed_gives_the_same_course(drug):
    a = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=4)
    b = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=4)
    for name in ("interoceptive", "exteroceptive", "minimal_self", "biographical_self",
                 "consolidated_self", "dissociation", "ego_dissolution", "revision"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_different_seeds_give_different_inputs(drug):
    a = sm.simulate_drive(drug, seed=1)
    b = sm.simulate_drive(drug, seed=2)
    assert not np.any(a.interoceptive == b.interoceptive)
    assert not np.array_equal(a.biographical_self, b.biographical_self)


def test_a_generator_is_accepted_and_is_the_seed_it_was_made_from(drug):
    a = sm.simulate_drive(drug, seed=np.random.default_rng(7))
    b = sm.simulate_drive(drug, seed=7)
    assert np.array_equal(a.interoceptive, b.interoceptive)
    assert np.array_equal(a.exteroceptive, b.exteroceptive)


def test_the_noise_has_the_precision_of_each_input(drug):
    # Sample precision of the noise: 1344 h of interoception at 0.25 (sd 2), 1338 h of
    # everyday life at 0.25 and 6 h of therapy at 4. A 10 % tolerance on the sd is ~4 sd of
    # its sampling error (sd/sqrt(2n) ~ 2 %).
    c = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=8)
    assert np.std(c.interoceptive - P.everyday_evidence) == pytest.approx(2.0, rel=0.1)
    off = ~c.therapy
    assert np.std(c.exteroceptive[off] - P.everyday_evidence) == pytest.approx(2.0, rel=0.1)
    assert np.abs(c.exteroceptive[c.therapy] - P.support_evidence).max() < 2.0  # sd 0.5


def test_without_noise_the_inputs_are_their_expected_values(drug):
    th = sm.Therapy()
    c = sm.simulate_drive(drug, therapy=th, noise=False, seed=123)
    assert np.all(c.interoceptive == P.everyday_evidence)
    assert np.array_equal(c.exteroceptive,
                          np.where(c.therapy, P.support_evidence, P.everyday_evidence))
    # the seed does not matter without noise (but it is still checked: section 9)
    d = sm.simulate_drive(drug, therapy=th, noise=False, seed=0)
    assert np.array_equal(c.biographical_self, d.biographical_self)


def test_simulate_is_the_drive_then_the_filter(infusion, drug):
    a = sm.simulate(infusion, therapy=sm.Therapy(), seed=3, message="hgf")
    b = sm.simulate_drive(drug, therapy=sm.Therapy(), seed=3, message="hgf")
    assert a.t_h.size == 1344 and a.message == b.message == "hgf"
    for name in ("biographical_self", "consolidated_self", "dissociation", "learning_rate"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# ======================================================================================
# 5. Bounds and invariants
# ======================================================================================
def _hull(*points):
    return min(points), max(points)


_PARAMS = st.fixed_dictionaries({
    "belief_start": st.floats(-5.0, 5.0),
    "everyday_evidence": st.floats(-5.0, 5.0),
    "support_evidence": st.floats(-5.0, 5.0),
    "narrative_log_volatility": st.floats(-15.0, 0.0),
    "interoceptive_precision": st.floats(0.05, 20.0),
    "exteroceptive_precision": st.floats(0.05, 20.0),
    "minimal_self_precision": st.floats(0.05, 20.0),
    "therapy_precision": st.floats(0.05, 20.0),
    "coupling": st.floats(0.25, 4.0),
    "reversion_h": st.floats(5.0, 500.0),
    "consolidation_h": st.floats(20.0, 2000.0),
    "baseline_consolidation": st.floats(0.0, 1.0),
    "plasticity_gain": st.floats(0.0, 3.0),
    "sn_sensitivity": st.floats(0.0, 20.0),
    "dmn_sensitivity": st.floats(0.0, 20.0),
})
_THERAPY = st.integers(1, 12).flatmap(lambda d: st.builds(
    sm.Therapy, start_h=st.integers(0, 150).map(float), sessions=st.integers(1, 5),
    interval_h=st.integers(max(d, 12), 36).map(float), duration_h=st.just(float(d))))


@settings(max_examples=40, deadline=None, database=None)
@given(_PARAMS, st.one_of(st.none(), _THERAPY), st.sampled_from(sm.RELAX),
       st.sampled_from(sm.MESSAGES), st.sampled_from(sorted(nw.CONTEXTS)), st.booleans(),
       st.integers(0, 2 ** 32 - 1))
def test_beliefs_stay_in_the_hull_and_indices_in_range(kw, therapy, relax, message, context,
                                                       noise, seed):
    # With inputs at their expected values every update is a convex combination (in both
    # messages the narrative weight kappa^2 pi_delta/pi3 or kappa^2 pi2_hat Pi/(pi2_hat +
    # Pi)/pi3 is in (0, 1)): mu3 and m stay within [belief_start, everyday/kappa,
    # support/kappa], the minimal self within [kappa belief_start, everyday, support].
    assume(abs(kw["support_evidence"] - kw["belief_start"]) > 0.1)
    p = sm.SelfModelParams(**kw)
    c = sm.simulate_drive(_short_drive(context), therapy=therapy, relax=relax, params=p,
                          message=message, seed=seed, noise=noise)
    for name in ("minimal_self_precision", "biographical_self_precision", "learning_rate"):
        x = getattr(c, name)
        assert np.all(np.isfinite(x)) and np.all(x > 0), name
    # in an everyday hour, kappa * rate = kappa^2 pi_delta/(pi3_hat + kappa^2 pi_delta) < 1
    # (in a session pi3 holds the therapist's pi_delta instead, which can be the smaller)
    assert np.all(p.coupling * c.learning_rate[~c.therapy] < 1.0)
    # 1e-12: the hourly factor can exceed 1 by ~3e-14 in rounding, and an index then falls
    # below 0 by ~2e-15 (a library bug: test_the_hourly_factor_never_exceeds_one)
    for name in ("dissociation", "ego_dissolution", "dissociation_marginal"):
        x = getattr(c, name)
        assert np.all(x >= -1e-12) and np.all(x <= 1.0), name
    assert np.all((c.sn_factor > 0) & (c.sn_factor <= 1 + 1e-12))
    assert np.all((c.dmn_factor > 0) & (c.dmn_factor <= 1 + 1e-12))
    if relax == "none":
        assert np.all(c.dissociation_marginal == 0.0)
    if relax in ("none", "DMN"):
        assert np.all(c.dissociation == 0.0) and np.all(c.sn_factor == 1.0)
    if relax in ("none", "SN"):
        assert np.all(c.ego_dissolution == 0.0) and np.all(c.dmn_factor == 1.0)
    assert np.array_equal(c.revision, (c.consolidated_self - p.belief_start)
                          / (p.support_evidence - p.belief_start))
    if noise:
        return
    k, tol = p.coupling, 1e-9
    lo, hi = _hull(p.belief_start, p.everyday_evidence / k, p.support_evidence / k)
    for name in ("biographical_self", "consolidated_self"):
        x = getattr(c, name)
        assert np.all(x >= lo - tol) and np.all(x <= hi + tol), name
    lo2, hi2 = _hull(k * p.belief_start, p.everyday_evidence, p.support_evidence)
    assert np.all(c.minimal_self >= lo2 - tol) and np.all(c.minimal_self <= hi2 + tol)


def test_with_a_coupling_other_than_one_the_minimal_self_leaves_the_hull_of_the_evidence():
    # The hull [belief_start, everyday, support] holds for the minimal self only if kappa = 1:
    # with kappa = 2 and nothing but -2 around, mu2 = (pi2_0 kappa mu3_hat + ... )/pi2 is
    # pulled towards kappa * (-2) = -4.
    p = sm.SelfModelParams(coupling=2.0)
    c = sm.simulate(None, 48.0, params=p, noise=False)
    assert c.minimal_self.min() < -2.5
    assert np.all(c.biographical_self >= -2.0 - 1e-12)         # within [-2, -1] = [s, e/k]


def test_nothing_moves_when_everything_agrees_with_the_belief(drug):
    # Depression's fixed point: belief, everyday life and body all at -2, no therapy: the
    # drug relaxes the priors but there is no error to learn from.
    for message in sm.MESSAGES:
        c = sm.simulate_drive(drug, noise=False, message=message)
        assert np.all(c.biographical_self == P.belief_start)
        assert np.all(c.consolidated_self == P.belief_start)
        assert np.all(c.revision == 0.0) and c.lasting_revision == 0.0


def test_revision_is_zero_until_the_first_session(drug):
    c = sm.simulate_drive(drug, therapy=sm.Therapy(start_h=100.0), noise=False)
    before = c.t_h <= 100.0
    assert np.all(c.revision[before] == 0.0)
    first = np.flatnonzero(c.therapy)[0]
    assert c.t_h[first] == 101.0 and c.revision[first] > 0.0
    # The first session's step moves m by its consolidation rate times mu3's move.
    rate = (P.baseline_consolidation + P.plasticity_gain * (c.drive.window[first] - 1)) \
        / P.consolidation_h
    span = P.support_evidence - P.belief_start
    # (rel 1e-9: m - belief_start loses ~ 1e-11 of a move of ~ 1e-4 to rounding at -2)
    assert c.revision[first] == pytest.approx(
        rate * (c.biographical_self[first] - P.belief_start) / span, rel=1e-9)


def test_the_revision_does_not_depend_on_where_the_therapist_stands(drug):
    # Everything is linear in the inputs: with everyday evidence at the belief the only
    # driver is s - m0, so the fraction of the way moved is the same for any s.
    th = sm.Therapy()
    base = sm.simulate_drive(drug, therapy=th, noise=False)
    for s in (-1.0, 0.0, 3.0):
        other = sm.simulate_drive(drug, therapy=th, noise=False,
                                  params=sm.SelfModelParams(support_evidence=s))
        assert np.allclose(other.revision, base.revision, rtol=0, atol=1e-12), s


def test_without_the_window_share_therapy_alone_keeps_exactly_nothing():
    # epsilon = 0: the consolidation rate is beta (w - 1)/T_c, 0 without the drug.
    p = sm.SelfModelParams(baseline_consolidation=0.0)
    c = sm.simulate(None, 24.0 * 7, therapy=sm.Therapy(), params=p, noise=True, seed=4)
    assert np.ptp(c.biographical_self) > 0.01                     # the belief moved ...
    assert np.all(c.consolidated_self == P.belief_start)          # ... nothing consolidated
    assert np.all(c.revision == 0.0)


# ======================================================================================
# 6. The chapter's claims (measured at the defaults with noise=False unless said; the
#    sessions start 12 h after the drug, or from 1 h, during its peak, where said)
# ======================================================================================
EARLY = sm.Therapy(start_h=1.0)


def test_only_therapy_inside_the_window_revises_the_self_model(smooth_cases):
    # Measured: drug alone 0.0 (nothing to learn from), therapy alone 0.0066, inside the
    # window 0.0802, after the window 0.0077: 10-12x every other case.
    lasting = smooth_cases.lasting()
    assert list(lasting) == list(sm.CASES)
    inside = lasting.pop(INSIDE)
    assert 0.07 < inside < 0.09
    for name, value in lasting.items():
        assert inside > 8 * value, name
    assert lasting["drug alone"] == 0.0
    assert 0.005 < lasting["therapy alone"] < lasting["drug + therapy after the window"] < 0.01


def test_the_four_cases_share_inputs_and_sessions(smooth_cases):
    cs = sm.four_cases(seed=2, t_end_h=TWO_WEEKS_H * 2)
    courses = list(cs.courses.values())
    for c in courses[1:]:
        assert np.array_equal(c.interoceptive, courses[0].interoceptive)
    assert cs.therapy_after == replace(cs.therapy_inside,
                                       start_h=cs.therapy_inside.start_h + sm.DEFAULT_DELAY_H)
    assert not courses[0].therapy.any()
    assert courses[1].therapy.sum() == courses[2].therapy.sum() == courses[3].therapy.sum() == 6
    assert np.array_equal(courses[1].therapy, courses[2].therapy)
    assert np.flatnonzero(courses[3].therapy)[0] == np.flatnonzero(courses[2].therapy)[0] + 336
    assert np.all(courses[1].sn_factor == 1.0)                    # therapy alone: no drug
    assert smooth_cases.therapy_inside == sm.Therapy()
    # the default sessions start 12 h after the drug: hours 13-14, 37-38, 61-62
    assert courses[2].t_h[courses[2].therapy].tolist() == [13.0, 14.0, 37.0, 38.0, 61.0, 62.0]


def test_four_cases_passes_its_options_to_every_case(infusion):
    p = sm.SelfModelParams(plasticity_gain=2.0)
    cs = sm.four_cases(infusion, context=EYES, relax="DMN", params=p, message="hgf",
                       t_end_h=240.0, delay_h=100.0, noise=False)
    inside = sm.simulate(infusion, 240.0, context=EYES, relax="DMN", params=p, message="hgf",
                         therapy=sm.Therapy(), noise=False)
    got = cs.courses[INSIDE]
    assert np.array_equal(got.biographical_self, inside.biographical_self)
    for c in cs.courses.values():
        assert c.message == "hgf" and c.relax == "DMN" and c.params == p
        assert c.t_h[-1] == 240.0
    assert cs.therapy_after.start_h == sm.Therapy().start_h + 100.0
    with pytest.raises(ValueError, match="n_parcels"):
        sm.four_cases(infusion, n_parcels=7, t_end_h=TWO_WEEKS_H * 2)
    with pytest.raises(ValueError, match="plasticity_params"):
        sm.four_cases(infusion, plasticity_params="fast", t_end_h=TWO_WEEKS_H * 2)


def test_across_seeds_therapy_inside_the_window_wins():
    # Measured, seeds 0-9 (noise=True): inside 0.045-0.110 (mean 0.077); its lead over the
    # best other case 0.046 (seed 7) to 0.077. Other cases range -0.044 to +0.047.
    leads, inside = [], []
    for seed in range(10):
        lasting = sm.four_cases(seed=seed).lasting()
        best_other = max(v for k, v in lasting.items() if k != INSIDE)
        leads.append(lasting[INSIDE] - best_other)
        inside.append(lasting[INSIDE])
    assert min(leads) > 0.03
    assert np.mean(inside) > 0.06


def test_the_afterglow_sessions_in_the_hours_after_the_peak_keep_most(drug):
    # Measured lasting revision by the first session's start (exact message): 0 h 0.0504,
    # 1 h 0.0505, 4 h 0.0576, 8 h 0.0795, 12 h 0.0802, day 1 0.0556, day 2 0.0269, day 3
    # 0.0156, day 7 0.0075 (therapy alone: 0.0066). With the HGF message the best start is
    # 4 h (0.105; 12 h 0.042): its narrative precision comes back within about a day.
    starts = (0, 1, 4, 8, 12, 24, 48, 72, 168)
    exact, hgf = ([sm.simulate_drive(drug, therapy=sm.Therapy(start_h=float(s)), noise=False,
                                     message=msg).lasting_revision for s in starts]
                  for msg in sm.MESSAGES)
    assert starts[int(np.argmax(exact))] == 12
    assert exact[starts.index(1)] < 0.7 * exact[starts.index(12)]       # the peak does less
    assert np.all(np.diff(exact[starts.index(12):]) < 0)                 # then it fades
    assert exact[-1] < 0.01
    assert starts[int(np.argmax(hgf))] == 4


def test_sn_relaxation_dissociates_and_dmn_relaxation_dissolves_the_ego(drug):
    # Measured (neutral, drug alone, seed 1; the indices do not depend on the noise): SN
    # alone: dissociation peak 0.096, ego dissolution 0; DMN alone: 0 and 0.570.
    sn, dmn = (sm.simulate_drive(drug, relax=r, seed=1) for r in ("SN", "DMN"))
    assert sn.dissociation.max() == pytest.approx(0.096, abs=0.005)
    assert dmn.ego_dissolution.max() == pytest.approx(0.570, abs=0.01)
    assert np.all(sn.ego_dissolution == 0.0) and np.all(dmn.dissociation == 0.0)
    # For an exact observer the signatures overlap: a relaxed narrative prior loosens the
    # prior on the body too (dissociation_marginal, measured 0.456 with only the DMN relaxed;
    # 0.096 with only the SN).
    assert dmn.dissociation_marginal.max() == pytest.approx(0.456, abs=0.01)
    assert sn.dissociation_marginal.max() == pytest.approx(0.096, abs=0.005)
    none = sm.simulate_drive(drug, relax="none", seed=1)
    assert np.all(none.dissociation_marginal == 0.0)


@pytest.fixture(scope="module")
def by_relax_early(drives):
    # as by_relax, with the sessions from 1 h, during the drug's peak
    return {(k, r): sm.simulate_drive(d, therapy=EARLY, relax=r, noise=False)
            for k, d in drives.items() for r in sm.RELAX}


def test_the_decomposition_only_dmn_relaxation_revises(by_relax):
    # Measured lasting revision (sessions from 12 h), relaxed: DMN only / both / SN only /
    # none:
    #   noisy clinical room          0.0237 / 0.0236 / 0.0086 / 0.0086
    #   neutral                      0.0804 / 0.0802 / 0.0086 / 0.0086
    #   eyes closed, music, support  0.0818 / 0.0818 / 0.0086 / 0.0086
    last = {k: c.lasting_revision for k, c in by_relax.items()}
    for context in (NOISY, NEUTRAL, EYES):
        assert last[context, "none"] == pytest.approx(0.0086, abs=0.0005)   # no drug effect
        assert last[context, "DMN"] > 2 * last[context, "none"], context
        # by 12 h the SN's relaxation has passed: relaxing it too changes (almost) nothing
        # (measured: at most 0.5 %, in the noisy room)
        assert last[context, "SN"] == pytest.approx(last[context, "none"], rel=0.01), context
        assert last[context, "both"] == pytest.approx(last[context, "DMN"], rel=0.01), context
    # Why the dissociative setting fails: its DMN is barely relaxed (0.29x the neutral room's).
    assert last[NOISY, "DMN"] < 0.4 * last[NEUTRAL, "DMN"]
    assert last[NOISY, "both"] < 0.4 * last[NEUTRAL, "both"]


def test_with_sessions_during_the_peak_a_relaxed_sn_shields_the_narrative_self(by_relax_early):
    # Measured lasting revision (sessions from 1 h), relaxed: DMN only / both / SN only / none:
    #   noisy clinical room          0.0215 / 0.0170 / 0.0068 / 0.0088
    #   neutral                      0.0511 / 0.0505 / 0.0076 / 0.0088
    #   eyes closed, music, support  0.0534 / 0.0534 / 0.0087 / 0.0088
    # In the noisy room the relaxed SN lowers the precision of the minimal self's error, so
    # relaxing it too cuts the revision by a fifth (both 0.79x DMN only; SN only 0.77x none).
    last = {k: c.lasting_revision for k, c in by_relax_early.items()}
    assert last[NOISY, "both"] < 0.9 * last[NOISY, "DMN"]
    assert last[NOISY, "SN"] < 0.9 * last[NOISY, "none"]
    # ... but mainly the noisy room's DMN is barely relaxed (DMN only 0.42x the neutral's).
    assert last[NOISY, "DMN"] < 0.6 * last[NEUTRAL, "DMN"]
    for context in (NEUTRAL, EYES):
        assert last[context, "both"] > 5 * last[context, "SN"], context


def test_the_setting_decides_which_self_is_relaxed(drug_alone):
    # Measured peaks, drug alone (noise=False):
    #   noisy clinical room          dissociation 0.262, ego dissolution 0.0013
    #   neutral                      dissociation 0.096, ego dissolution 0.570
    #   eyes closed, music, support  dissociation 0.007, ego dissolution 0.932
    diss = {k: c.dissociation.max() for k, (c, _) in drug_alone.items()}
    ego = {k: c.ego_dissolution.max() for k, (c, _) in drug_alone.items()}
    assert diss[NOISY] > 0.2 and ego[NOISY] < 0.01
    assert diss[EYES] < 0.02 and ego[EYES] > 0.85
    assert diss[NOISY] > 2 * diss[NEUTRAL] > 2 * 5 * diss[EYES]
    assert 0.4 < ego[NEUTRAL] < 0.7


@pytest.mark.parametrize("message", sm.MESSAGES)
def test_neither_index_depends_on_therapy(drug, message):
    # Both indices come from the drug alone: an everyday hour's evidence and, for the
    # narrative prior, a parallel recursion without therapy. The same drug with and
    # without sessions (from 1 h, while both priors are relaxed) gives the same indices,
    # while the beliefs differ.
    alone = sm.simulate_drive(drug, message=message, seed=6)
    with_therapy = sm.simulate_drive(drug, therapy=EARLY, message=message, seed=6)
    assert with_therapy.therapy.sum() == 6
    for name in ("dissociation", "ego_dissolution", "dissociation_marginal"):
        assert np.array_equal(getattr(alone, name), getattr(with_therapy, name)), name
    assert not np.array_equal(alone.biographical_self, with_therapy.biographical_self)
    assert not np.array_equal(alone.biographical_self_precision,
                              with_therapy.biographical_self_precision) or message == "hgf"


def test_the_dissociation_index_does_not_depend_on_therapy_in_any_setting(drug_alone):
    for context, (alone, with_therapy) in drug_alone.items():
        assert with_therapy.therapy.sum() == 6
        assert np.array_equal(alone.dissociation, with_therapy.dissociation), context
        assert np.array_equal(alone.ego_dissolution, with_therapy.ego_dissolution), context


def test_plasticity_makes_the_revision_last(drug):
    # Measured lasting revision inside the window by plasticity_gain beta (epsilon = 1):
    # 0 -> 0.0563, 0.5 -> 0.0691, 1 -> 0.0802, 2 -> 0.0987, 3 -> 0.1130.
    th = sm.Therapy()
    lasting = [sm.simulate_drive(drug, therapy=th, noise=False,
                                 params=sm.SelfModelParams(plasticity_gain=g)).lasting_revision
               for g in (0.0, 0.5, 1.0, 2.0, 3.0)]
    assert np.all(np.diff(lasting) > 0)
    assert lasting[0] < 0.85 * lasting[2] and lasting[4] > 1.25 * lasting[2]
    # And with noise (seed 0): more with the gain than without.
    no_gain = sm.simulate_drive(drug, therapy=th, seed=0,
                                params=sm.SelfModelParams(plasticity_gain=0.0))
    assert no_gain.lasting_revision < 0.9 * sm.simulate_drive(drug, therapy=th,
                                                              seed=0).lasting_revision


def test_with_the_window_as_a_gate_only_the_drug_lets_therapy_last():
    # epsilon = 0, beta = 1. Measured: drug alone 0, therapy alone 0 (exactly: no window),
    # inside the window 0.0683, after the window 1.6e-8 (the window's tail: w - 1 > 0 but
    # below 1e-4 two weeks on). epsilon = 0 and beta = 0: nothing consolidates at all.
    gate = sm.four_cases(params=sm.SelfModelParams(baseline_consolidation=0.0),
                         noise=False).lasting()
    assert gate["drug alone"] == 0.0 and gate["therapy alone"] == 0.0
    assert 0.055 < gate[INSIDE] < 0.08
    assert 0.0 <= gate["drug + therapy after the window"] < 1e-6
    shut = sm.four_cases(params=sm.SelfModelParams(baseline_consolidation=0.0,
                                                   plasticity_gain=0.0), noise=False)
    for name, c in shut.courses.items():
        assert np.all(c.revision == 0.0), name


def test_the_hgf_message_changes_the_sizes_not_the_ranking(smooth_cases):
    # Measured inside the window: sessions from 12 h, "hgf" 0.0418 against "exact" 0.0802
    # (its over-certain narrative belief closes within about a day); sessions from 1 h,
    # "hgf" 0.0760 against 0.0505. The inside case stays first (other cases 0.0058-0.0066).
    hgf = sm.four_cases(noise=False, message="hgf").lasting()
    exact = smooth_cases.lasting()
    assert hgf[INSIDE] < 0.7 * exact[INSIDE]
    for name, value in hgf.items():
        if name != INSIDE:
            assert hgf[INSIDE] > 5 * value, name
    early_hgf = sm.four_cases(noise=False, message="hgf", therapy=EARLY).lasting()[INSIDE]
    early_exact = sm.four_cases(noise=False, therapy=EARLY).lasting()[INSIDE]
    assert early_hgf > 1.3 * early_exact


def test_drug_alone_revises_only_if_everyday_life_is_kinder_than_the_belief(drug):
    # The claim rests on everyday_evidence. At the default (-2, the belief itself) drug
    # alone revises nothing (0.0); at a neutral 0 it revises 0.475 against 0.302 without the
    # drug (the relaxed narrative prior lets the everyday evidence in faster).
    assert sm.simulate_drive(drug, noise=False).lasting_revision == 0.0
    neutral = sm.SelfModelParams(everyday_evidence=0.0)
    drug_alone = sm.simulate_drive(drug, params=neutral, noise=False).lasting_revision
    no_drug = sm.simulate(None, params=neutral, noise=False).lasting_revision
    assert drug_alone > 0.4 and 0.25 < no_drug < 0.35
    assert drug_alone > no_drug + 0.1


@pytest.fixture(scope="module")
def robustness(infusion):
    return sm.ranking_robustness(infusion)


def test_the_ranking_is_robust_except_where_the_chapter_says(robustness, smooth_cases):
    # Every field halved and doubled (the volatility e^omega, not omega, for the
    # log-volatility; baseline_consolidation cannot be doubled): 29 runs. Measured: the
    # inside case stays first in 26; it fails where everyday evidence is worse than the
    # belief predicts (belief_start x 0.5: inside -0.234 against -0.219; everyday_evidence
    # x 2; coupling x 0.5), where every case loses ground and the drug with therapy most.
    names = [f.name for f in fields(sm.SelfModelParams)]
    assert [(r.parameter, r.factor) for r in robustness] == [
        (n, k) for n in names for k in (0.5, 2.0)
        if not (n == "baseline_consolidation" and k == 2.0)]
    failures = {(r.parameter, r.factor) for r in robustness if not r.holds}
    assert failures == {("belief_start", 0.5), ("everyday_evidence", 2.0), ("coupling", 0.5)}
    for r in robustness:
        assert r.holds == (r.inside > r.best_other)
        if not r.holds:
            assert r.inside < 0 and r.best_other < 0, r
    # A row is the four cases with that one field changed ...
    row = next(r for r in robustness if (r.parameter, r.factor) == ("therapy_precision", 2.0))
    last = sm.four_cases(params=sm.SelfModelParams(therapy_precision=8.0), noise=False).lasting()
    assert row.inside == last[INSIDE]
    assert row.best_other == max(v for k, v in last.items() if k != INSIDE)
    # ... for the log-volatility, the volatility multiplied: omega + log 2
    row = next(r for r in robustness
               if (r.parameter, r.factor) == ("narrative_log_volatility", 2.0))
    p = sm.SelfModelParams(narrative_log_volatility=P.narrative_log_volatility + math.log(2))
    assert row.inside == sm.four_cases(params=p, noise=False).lasting()[INSIDE]
    # support_evidence scales out of the revision (section 5): both rows are the default's.
    for r in robustness:
        if r.parameter == "support_evidence":
            assert r.inside == pytest.approx(smooth_cases.lasting()[INSIDE], abs=1e-12)


@pytest.mark.parametrize("factors", [(0.0,), (-1.0,), (math.nan,), ("2",), (), [2.0], 2.0,
                                     (2.0, 101.0)])
def test_ranking_robustness_refuses_bad_factors(factors):
    with pytest.raises(ValueError, match="factors"):
        sm.ranking_robustness(factors=factors)


@pytest.mark.parametrize("kw, name", [(dict(doses="nope"), "doses"),
                                      (dict(therapy="weekly"), "therapy"),
                                      (dict(therapy=sm.Therapy(start_h=1000.0)), "therapy")])
def test_ranking_robustness_refuses_bad_doses_and_therapy(kw, name):
    with pytest.raises(ValueError, match=name):
        sm.ranking_robustness(factors=(2.0,), **kw)


def test_ranking_robustness_skips_a_set_the_model_refuses():
    # consolidation_h 3 h is valid, 1.5 h is in its range but overshoots in the window
    # ((1 + (w - 1))/1.5 > 1): that run is skipped, the others kept.
    rows = sm.ranking_robustness(params=sm.SelfModelParams(consolidation_h=3.0),
                                 factors=(0.5,))
    got = [r.parameter for r in rows]
    assert "consolidation_h" not in got
    assert got == [f.name for f in fields(sm.SelfModelParams) if f.name != "consolidation_h"]


# ======================================================================================
# 7. The network table; 8. drives
# ======================================================================================
@pytest.mark.parametrize("context", [NOISY, EYES])
def test_the_table_interpolates_the_network_model(context):
    # Documented: within 0.005 of a direct solution. Measured: at most 2e-4 (at 0.13 with
    # eyes closed, where D_SN crosses 0).
    for occ in (0.13, 0.47, 0.81):
        s = nw.simulate(occ, context)
        sn, dmn = sm.disintegration(occ, context)
        assert abs(float(sn) - s.disintegration[sm.LEVEL_NETWORKS["SN"]]) < 0.005
        assert abs(float(dmn) - s.disintegration[sm.LEVEL_NETWORKS["DMN"]]) < 0.005


def test_disintegration_is_zero_without_drug_and_keeps_the_shape_of_occupancy():
    sn, dmn = sm.disintegration(np.zeros((2, 3)), NEUTRAL)
    assert sn.shape == (2, 3) and np.allclose(sn, 0.0, atol=1e-12)
    assert np.allclose(dmn, 0.0, atol=1e-12)
    # The DMN's loss grows with occupancy in every setting.
    for context in nw.CONTEXTS:
        _, dmn = sm.disintegration(np.linspace(0.0, 1.0, 41), context)
        assert np.all(np.diff(dmn) >= 0.0) and dmn[-1] > 0.1


def test_the_self_model_steps_once_an_hour_and_has_no_dt_h():
    assert sm.STEP_H == 1.0
    assert "dt_h" not in {f.name for f in fields(sm.Drive)}
    for f in (sm.no_drug, sm.drive_from_course, sm.drive_from_network_course, sm.drug_drive,
              sm.simulate, sm.simulate_drive, sm.four_cases, sm.therapy_steps,
              sm.initial_precision):
        assert "dt_h" not in inspect.signature(f).parameters, f.__name__
    with pytest.raises(TypeError):
        sm.simulate(None, 24.0, dt_h=0.5)


def test_no_drug_is_nothing_relaxed_and_a_closed_window():
    d = sm.no_drug(10.0)
    assert np.array_equal(d.t_h, np.arange(1.0, 11.0))
    assert np.array_equal(d.fine_t_h, np.arange(0.0, 11.0))
    assert np.all(d.occupancy == 0) and np.all(d.sn_disintegration == 0)
    assert np.all(d.dmn_disintegration == 0) and np.all(d.window == 1.0)
    assert np.all(d.fine_sn == 0) and np.all(d.fine_dmn == 0)
    assert np.all(sm.hourly_factor(d, "SN", 50.0) == 1.0)
    for name in ("t_h", "window", "fine_t_h", "fine_sn", "fine_dmn"):
        with pytest.raises(ValueError):
            getattr(d, name)[0] = 2.0                             # the arrays are read-only


@pytest.mark.parametrize("t_end_h", [10.5, 0.5, 0.0, -24.0, 4321.0])
def test_a_course_lasts_whole_hours(t_end_h, infusion, network_course):
    with pytest.raises(ValueError, match="t_end_h"):
        sm.no_drug(t_end_h)
    with pytest.raises(ValueError, match="t_end_h"):
        sm.simulate(None, t_end_h)
    with pytest.raises(ValueError, match="t_end_h"):
        sm.drug_drive(infusion, t_end_h)
    with pytest.raises(ValueError, match="t_end_h"):
        sm.drive_from_network_course(network_course, None, t_end_h)


def test_drug_drive_conserves_occupancy_and_keeps_the_window(infusion, drug):
    course = pl.simulate(infusion, sm.EIGHT_WEEKS_H)
    assert drug.t_h[0] == 1.0 and drug.t_h[-1] == sm.EIGHT_WEEKS_H and drug.t_h.size == 1344
    assert np.sum(drug.occupancy) == pytest.approx(np.trapezoid(course.occupancy, course.t_h),
                                                   rel=1e-10)
    assert np.all(drug.window >= 1.0) and drug.window.max() > 1.5
    assert drug.context == 0.0
    # the drug is gone by the end: nothing relaxed, the window closed
    assert drug.occupancy[-1] < 1e-6 and drug.window[-1] == pytest.approx(1.0, abs=1e-3)


def test_the_drive_keeps_the_course_at_its_own_resolution(infusion, drug):
    course = pl.simulate(infusion, sm.EIGHT_WEEKS_H)
    assert np.array_equal(drug.fine_t_h, course.t_h)
    assert drug.fine_t_h[0] == 0.0 and drug.fine_t_h[-1] == sm.EIGHT_WEEKS_H
    sn, dmn = sm.disintegration(course.occupancy, NEUTRAL)
    assert np.array_equal(drug.fine_sn, sn) and np.array_equal(drug.fine_dmn, dmn)
    # the first hour is sampled every 2 min: the infusion's rise is resolved
    assert np.sum(drug.fine_t_h <= 1.0) > 20
    edges = np.arange(0.0, sm.EIGHT_WEEKS_H + 1)
    assert np.allclose(drug.sn_disintegration, sm.bin_means(course.t_h, sn, edges),
                       rtol=0, atol=1e-15)


def _hour_means(t, y, hours):
    """Mean of the piecewise-linear (t, y) over each hour (0, 1], ..., when every whole hour
    is a sample (checked): np.trapezoid of the samples inside each hour."""
    out = []
    for k in range(1, hours + 1):
        inside = (t >= k - 1) & (t <= k)
        assert t[inside][0] == k - 1 and t[inside][-1] == k
        out.append(np.trapezoid(y[inside], t[inside]))
    return np.array(out)


def test_the_hourly_factor_is_the_mean_of_rho_not_rho_of_the_mean(drug):
    # The model's factor is the mean over the hour of rho = (1 - max(D, 0))^g on the fine
    # grid; rho of the hourly mean D is different where D changes within the hour
    # (measured, neutral, DMN in the first hour: 0.183 against 0.074).
    for level, g in (("SN", P.sn_sensitivity), ("DMN", P.dmn_sensitivity)):
        fine = drug.fine_sn if level == "SN" else drug.fine_dmn
        rho = np.maximum(1.0 - np.clip(fine, 0.0, None), 0.0) ** g
        want = _hour_means(drug.fine_t_h, rho, 1344)
        got = sm.hourly_factor(drug, level, g)
        assert np.allclose(got, want, rtol=1e-12, atol=1e-15), level
        of_mean = sm.precision_factor(drug.sn_disintegration if level == "SN"
                                      else drug.dmn_disintegration, g)
        assert np.abs(got - of_mean).max() > 0.04, level
    assert sm.hourly_factor(drug, "DMN", 6.0)[0] == pytest.approx(0.183, abs=0.002)
    assert sm.precision_factor(drug.dmn_disintegration[0], 6.0) == pytest.approx(0.074,
                                                                                 abs=0.002)
    # ... and it is the factor the model uses
    c = sm.simulate_drive(drug, noise=False)
    assert np.array_equal(c.sn_factor, sm.hourly_factor(drug, "SN", P.sn_sensitivity))
    assert np.array_equal(c.dmn_factor, sm.hourly_factor(drug, "DMN", P.dmn_sensitivity))


def test_the_hourly_factor_never_exceeds_one(drug):
    c = sm.simulate_drive(drug, noise=False)
    assert c.sn_factor.max() <= 1.0 and c.dmn_factor.max() <= 1.0
    assert c.dissociation.min() >= 0.0 and c.ego_dissolution.min() >= 0.0


def test_the_hourly_factor_by_hand():
    # D_SN rises linearly from 0 to 0.5 at 0.5 h and back to 0 at 1 h, then 0. With g = 2:
    # rho = 1, 0.25, 1 at the samples, linear between them: the hour's mean is
    # (1 + 0.25)/2 = 0.625, while rho of the mean D (0.25) is 0.75^2 = 0.5625.
    # The DMN's sample at 1.5 h (0.6) falls inside the second hour: rho (g = 1) is 1 at 0,
    # 0.4 at 1.5 h and 1 at 2 h: the first hour's mean (1 + 0.6)/2 = 0.8 (rho at 1 h:
    # 1 - 0.6/1.5 = 0.6), the second's (0.6 + 0.4)/2 * 0.5 + (0.4 + 1)/2 * 0.5 = 0.6.
    t = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    d = sm.Drive(t_h=np.array([1.0, 2.0]), occupancy=np.zeros(2), sn_disintegration=np.zeros(2),
                 dmn_disintegration=np.zeros(2), window=np.ones(2), context=0.0, fine_t_h=t,
                 fine_sn=np.array([0.0, 0.5, 0.0, 0.0, 0.0]),
                 fine_dmn=np.array([0.0, 0.2, 0.4, 0.6, 0.0]))
    assert np.allclose(sm.hourly_factor(d, "SN", 2.0), [0.625, 1.0], rtol=1e-14)
    assert sm.precision_factor(0.25, 2.0) == 0.5625
    assert np.allclose(sm.hourly_factor(d, "DMN", 1.0), [0.8, 0.6], rtol=1e-14)
    assert np.all(sm.hourly_factor(d, "DMN", 0.0) == 1.0)


def test_drive_from_course_ends_at_a_whole_hour_and_refuses_to_run_past_the_course(infusion):
    course = pl.simulate(infusion, 24.5)
    d = sm.drive_from_course(course)
    assert d.t_h[-1] == 24.0 and d.t_h.size == 24
    assert d.fine_t_h[-1] == 24.0 and d.fine_t_h.size == d.fine_sn.size == d.fine_dmn.size
    assert sm.drive_from_course(course, t_end_h=12.0).t_h[-1] == 12.0
    with pytest.raises(ValueError, match="t_end_h"):
        sm.drive_from_course(course, t_end_h=24.5)
    with pytest.raises(ValueError, match="t_end_h"):
        sm.drive_from_course(course, t_end_h=25.0)
    with pytest.raises(ValueError, match="course"):
        sm.drive_from_course("a course")


@pytest.fixture(scope="module")
def network_course(infusion):
    # Five times, 0-120 min, at the occupancy of one infusion.
    pk = ph.simulate(infusion, 120.0)
    t = np.linspace(0.0, 120.0, 5)
    return nw.simulate_course(t, np.interp(t, pk.t_min, pk.occupancy), NEUTRAL)


def test_a_network_course_drives_the_self_model(network_course):
    d = sm.drive_from_network_course(network_course, None, 6.0)
    assert np.all(d.window == 1.0)
    assert d.sn_disintegration[:2].min() > 0.1 and d.dmn_disintegration[:2].min() > 0.1
    assert d.context == network_course.context
    c = sm.simulate_drive(d, noise=False)
    assert c.dissociation[0] > 0 and c.dissociation[-1] == 0.0
    # Its first two hours: the mean of the linearly interpolated course (trapezoid over 0,
    # 30, 60 min and over 60, 90, 120 min).
    sn = network_course.sn_disintegration
    assert d.sn_disintegration[0] == pytest.approx((sn[0] / 2 + sn[1] + sn[2] / 2) / 2,
                                                   rel=1e-12)
    assert d.sn_disintegration[1] == pytest.approx((sn[2] / 2 + sn[3] + sn[4] / 2) / 2,
                                                   rel=1e-12)


def test_a_network_course_drops_to_zero_within_a_second_of_its_end(network_course):
    # The course ends at 2 h with D_SN = 0.124: the hour (2, 3] holds only the one-second
    # drop, sn[-1] * (1/3600 h)/2 (previously it ramped over the whole hour: sn[-1]/2);
    # later hours are exactly 0.
    d = sm.drive_from_network_course(network_course, None, 6.0)
    sn, dmn = network_course.sn_disintegration, network_course.dmn_disintegration
    assert d.sn_disintegration[2] == pytest.approx(sn[-1] / 7200, rel=1e-9)
    assert d.dmn_disintegration[2] == pytest.approx(dmn[-1] / 7200, rel=1e-9)
    assert np.all(d.sn_disintegration[3:] == 0.0) and np.all(d.dmn_disintegration[3:] == 0.0)
    assert np.all(d.occupancy[3:] == 0.0)
    assert np.all(sm.hourly_factor(d, "SN", 6.0)[3:] == 1.0)


def test_a_network_course_is_zero_before_it_starts(infusion):
    # A course from 30 to 150 min: nothing before 0.5 h (the drug not yet given), reached
    # within a second; the first hour is the mean of 0 on [0, 0.5) and of the linear course on
    # [0.5, 1]: (sn[0] + sn[1])/2 * 0.5.
    pk = ph.simulate(infusion, 150.0)
    t = np.linspace(30.0, 150.0, 5)
    course = nw.simulate_course(t, np.interp(t, pk.t_min, pk.occupancy), NEUTRAL)
    d = sm.drive_from_network_course(course, None, 6.0)
    sn = course.sn_disintegration
    assert d.fine_sn[0] == 0.0 and d.fine_sn[d.fine_t_h < 0.5].max() == 0.0
    assert d.sn_disintegration[0] == pytest.approx((sn[0] + sn[1]) / 2 * 0.5 + sn[0] / 7200,
                                                   rel=1e-9)
    assert np.all(d.sn_disintegration[3:] == 0.0)


def test_a_network_course_with_a_window_function(infusion, network_course):
    w = pl.window_function(pl.simulate(infusion, 3.0))
    d = sm.drive_from_network_course(network_course, w, 6.0)
    assert np.all(d.window >= 1.0) and d.window[:3].max() > 1.001
    assert np.all(d.window[4:] == 1.0)                 # past the window's end (3 h) + an hour


def test_the_window_drops_to_one_within_a_second_of_its_end(infusion, network_course):
    w = pl.window_function(pl.simulate(infusion, 3.0))
    d = sm.drive_from_network_course(network_course, w, 6.0)
    w_end = float(w(np.array([3.0]))[0])
    assert d.window[3] - 1.0 <= (w_end - 1.0) / 3600


def test_bin_means_is_the_mean_of_the_linear_curve_inside_a_sample_interval():
    # v(t) = t on [0, 1], edges [0, 0.5, 1]: the means are 0.25 and 0.75 (the edge is merged
    # into the sample grid; before, the area was split in proportion to width: 0.5, 0.5).
    means = sm.bin_means(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([0.0, 0.5, 1.0]))
    assert np.allclose(means, [0.25, 0.75], rtol=1e-14)
    # A hat 0 -> 1 -> 0 on [0, 1, 2] over the bins [0.5, 1.5] and [1.5, 2]: (0.375 + 0.375)/1
    # = 0.75 and 0.125/0.5 = 0.25.
    means = sm.bin_means(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 0.0]),
                         np.array([0.5, 1.5, 2.0]))
    assert np.allclose(means, [0.75, 0.25], rtol=1e-14)


def _exact_integral(t, v, x):
    """int_t[0]^x of the piecewise-linear (t, v), in closed form (a quadratic per piece)."""
    i = int(np.clip(np.searchsorted(t, x, side="right") - 1, 0, t.size - 2))
    pieces = np.diff(t[: i + 1]) * (v[: i] + v[1: i + 1]) / 2
    slope = (v[i + 1] - v[i]) / (t[i + 1] - t[i])
    return pieces.sum() + v[i] * (x - t[i]) + slope * (x - t[i]) ** 2 / 2


@FAST
@given(st.lists(st.floats(0.01, 5.0), min_size=1, max_size=30),
       st.lists(st.floats(-3.0, 3.0), min_size=31, max_size=31),
       st.lists(st.floats(0.0, 1.0), min_size=2, max_size=10, unique=True))
def test_bin_means_are_exact_for_a_piecewise_linear_curve(steps, values, cuts):
    # Wherever the edges fall (inside sample intervals too), each bin's mean is the exact
    # integral of the linear interpolant over it, divided by its width.
    t = np.concatenate([[0.0], np.cumsum(steps)])
    v = np.array(values[: t.size])
    edges = np.unique(t[-1] * np.sort(np.array(cuts)))
    assume(edges.size >= 2 and np.all(np.diff(edges) > 1e-6 * t[-1]))
    want = [(_exact_integral(t, v, b) - _exact_integral(t, v, a)) / (b - a)
            for a, b in zip(edges[:-1], edges[1:], strict=True)]
    assert np.allclose(sm.bin_means(t, v, edges), want, rtol=1e-9, atol=1e-9)


def test_bin_means_of_a_constant_is_the_constant():
    t = np.array([0.0, 0.3, 1.7, 4.0])
    assert np.allclose(sm.bin_means(t, np.full(4, 2.5), np.array([0.0, 1.0, 2.0, 4.0])), 2.5,
                       rtol=1e-14, atol=0)


@pytest.mark.parametrize("t, v, e, name", [
    ([0.0, 2.0, 1.0], [0.0, 1.0, 2.0], [0.0, 1.0], "t_h"),          # not increasing
    ([0.0, 1.0, 1.0], [0.0, 1.0, 2.0], [0.0, 1.0], "t_h"),          # not strictly
    ([0.0, 1.0, 2.0], [0.0, 1.0], [0.0, 1.0], "values"),            # lengths differ
    ([0.0], [1.0], [0.0, 1.0], "t_h"),                              # one sample
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0, 0.5], "edges_h"),      # edges decrease
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0], "edges_h"),           # one edge
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 3.0], "edges_h"),      # past the samples
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [-1.0, 1.0], "edges_h"),     # before them
    ([0.0, math.nan, 2.0], [0.0, 1.0, 2.0], [0.0, 1.0], "t_h"),
    ([0.0, 1.0, 2.0], [0.0, math.inf, 2.0], [0.0, 1.0], "values"),
    ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0], "0 1", "edges_h"),
    ([[0.0, 1.0]], [0.0, 1.0], [0.0, 1.0], "t_h"),
])
def test_bin_means_refuses_bad_input(t, v, e, name):
    with pytest.raises(ValueError, match=name):
        sm.bin_means(t, v, e)


def test_precision_factor_by_hand():
    # (1 - max(D, 0))^g: D = 0.5, g = 2 -> 0.25; D < 0 -> 1; g = 0 -> 1.
    assert np.array_equal(sm.precision_factor([-0.5, 0.0, 0.5], 2.0), [1.0, 1.0, 0.25])
    assert np.all(sm.precision_factor([0.3, 0.9], 0.0) == 1.0)
    assert sm.precision_factor(0.2, 6.0) == pytest.approx(0.8 ** 6, rel=1e-14)


@FAST
@given(st.lists(st.floats(-1.0, 0.99), min_size=2, max_size=20), st.floats(0.0, 50.0))
def test_precision_factor_is_in_0_1_and_falls_with_disintegration(d, g):
    d = np.sort(np.array(d))
    rho = sm.precision_factor(d, g)
    assert np.all(rho > 0.0) and np.all(rho <= 1.0)
    assert np.all(rho[d <= 0] == 1.0)
    assert np.all(np.diff(rho) <= 0.0)
    # and with the sensitivity
    assert np.all(sm.precision_factor(d, min(g + 1.0, 50.0)) <= rho)


def test_precision_factor_falls_strictly_on_a_grid():
    rho = sm.precision_factor(np.linspace(0.0, 0.9, 10), 6.0)
    assert rho[0] == 1.0 and np.all(np.diff(rho) < 0)


def test_precision_factor_stays_positive_at_the_ends_of_its_range():
    # D in [-1, 0.99]: at D = 0.99 and g = 50 the factor is 0.01^50 = 1e-100, not 0.
    assert sm.precision_factor(0.99, 50.0) == pytest.approx(1e-100, rel=1e-10)
    assert sm.precision_factor(-1.0, 50.0) == 1.0


@pytest.mark.parametrize("d", [1.0, [0.2, 1.0], 0.995, 1.5, [-1.5], -1.01, [math.nan], "0.5"])
def test_precision_factor_refuses_a_disintegration_outside_its_range(d):
    with pytest.raises(ValueError, match="disintegration"):
        sm.precision_factor(d, 6.0)


def test_the_indices_stay_below_one_at_the_default_sensitivity_and_reach_it_only_in_rounding():
    # At g = 6 the peaks are far from 1 (measured: ego dissolution 0.932 with eyes closed);
    # at g = 50 the factor is ~1e-20 and the index rounds to 1 (mathematically below it):
    # the documented range 0-1 includes it.
    eyes = _short_drive(EYES)
    c = sm.simulate_drive(eyes, noise=False)
    assert c.ego_dissolution.max() < 0.95
    hard = sm.simulate_drive(eyes, noise=False,
                             params=sm.SelfModelParams(sn_sensitivity=50.0, dmn_sensitivity=50.0))
    assert hard.ego_dissolution.max() <= 1.0 and hard.ego_dissolution.max() > 1 - 1e-12


# ======================================================================================
# 9. Bad input
# ======================================================================================
@pytest.mark.parametrize("field, value", [
    ("belief_start", 11.0), ("everyday_evidence", -10.5), ("narrative_log_volatility", 6.0),
    ("interoceptive_precision", 0.0), ("minimal_self_precision", -1.0), ("coupling", 0.0),
    ("coupling", 11.0), ("support_evidence", math.nan), ("reversion_h", 0.0),
    ("consolidation_h", -5.0), ("plasticity_gain", -0.1), ("sn_sensitivity", 51.0),
    ("dmn_sensitivity", -1.0), ("therapy_precision", math.inf),
    ("baseline_consolidation", -0.1), ("baseline_consolidation", 1.1),
    ("baseline_consolidation", "1"),
])
def test_params_out_of_range_are_refused(field, value):
    with pytest.raises(ValueError, match=field):
        sm.SelfModelParams(**{field: value})


def test_the_baseline_consolidation_may_be_zero_or_one():
    assert P.baseline_consolidation == 1.0
    assert sm.SelfModelParams(baseline_consolidation=0.0).baseline_consolidation == 0.0


@pytest.mark.parametrize("kw, name", [
    (dict(sessions=0), "sessions"), (dict(sessions=2.5), "sessions"),
    (dict(duration_h=0.5), "duration_h"), (dict(duration_h=13.0), "duration_h"),
    (dict(interval_h=1.0, duration_h=2.0), "interval_h"), (dict(start_h=-1.0), "start_h"),
    # the self-model steps hourly: every time is a whole number of hours
    (dict(start_h=1.5), "start_h"), (dict(duration_h=1.5), "duration_h"),
    (dict(interval_h=24.5), "interval_h"), (dict(start_h="1"), "start_h"),
])
def test_bad_therapy_is_refused(kw, name):
    with pytest.raises(ValueError, match=name):
        sm.Therapy(**kw)


def test_therapy_session_times():
    # the default: three two-hour sessions a day apart from 12 h, all inside the window
    assert sm.Therapy().session_times_h() == (12.0, 36.0, 60.0)
    assert sm.Therapy().duration_h == 2.0
    assert sm.Therapy(start_h=10.0, sessions=2, interval_h=5.0,
                      duration_h=5.0).session_times_h() == (10.0, 15.0)
    # back to back (interval = duration) is allowed
    assert sm.Therapy(start_h=0.0, sessions=3, interval_h=2.0).session_times_h() == (0.0, 2.0,
                                                                                    4.0)


@pytest.mark.parametrize("kw, name", [
    (dict(relax="xyz"), "relax"),
    (dict(relax=None), "relax"),
    (dict(relax=np.array(["both", "SN"])), "relax"),
    (dict(relax=["both"]), "relax"),
    (dict(message="kalman"), "message"),
    (dict(message=None), "message"),
    (dict(message=np.array(["exact", "hgf"])), "message"),
    (dict(t_end_h=10.5), "t_end_h"),
    (dict(t_end_h=0.0), "t_end_h"),
    (dict(t_end_h=24.0, therapy=sm.Therapy(start_h=23.0)), "therapy"),
    (dict(therapy="weekly"), "therapy"),
    (dict(noise="yes"), "noise"),
    (dict(noise=1), "noise"),
    (dict(doses="abc"), "doses"),
    (dict(doses=[]), "doses"),
    (dict(doses=0.5), "doses"),
    (dict(params=sm.SelfModelParams(support_evidence=-2.0)), "support_evidence"),
    (dict(params="default"), "params"),
    (dict(seed=-1), "seed"),
    (dict(seed=1.5), "seed"),
    (dict(doses=ph.standard_infusion(), context="on the moon"), "context"),
])
def test_bad_simulation_input_is_refused_naming_the_parameter(kw, name):
    with pytest.raises(ValueError, match=name):
        sm.simulate(**({"t_end_h": 48.0} | kw))


@pytest.mark.parametrize("kw, name", [(dict(context="on the moon"), "context"),
                                      (dict(context=2.0), "context"),
                                      (dict(network_params="x"), "network_params"),
                                      (dict(plasticity_params=P), "plasticity_params"),
                                      (dict(n_parcels=7), "n_parcels")])
def test_without_drug_the_drug_options_are_still_checked(kw, name):
    with pytest.raises(ValueError, match=name):
        sm.simulate(None, 24.0, **kw)


@pytest.mark.parametrize("seed", ["abc", -1, 2.5, None])
def test_a_bad_seed_is_refused_without_noise_too(seed):
    with pytest.raises(ValueError, match="seed"):
        sm.simulate_drive(sm.no_drug(24.0), seed=seed, noise=False)


@pytest.mark.parametrize("message", ["HGF", "", None, 1, np.array(["exact"])])
def test_initial_precision_refuses_an_unknown_message(message):
    with pytest.raises(ValueError, match="message"):
        sm.initial_precision(P, message)


def test_initial_precision_refuses_what_is_not_params():
    with pytest.raises(ValueError, match="p"):
        sm.initial_precision("default")


@pytest.mark.parametrize("level", ["sn", "Default", None, np.array(["SN", "DMN"]), ["SN"]])
def test_hourly_factor_refuses_an_unknown_level(level):
    with pytest.raises(ValueError, match="level"):
        sm.hourly_factor(sm.no_drug(4.0), level, 6.0)


def test_hourly_factor_refuses_what_is_not_a_drive():
    with pytest.raises(ValueError, match="drive"):
        sm.hourly_factor("a drive", "SN", 6.0)
    with pytest.raises(ValueError, match="sensitivity"):
        sm.hourly_factor(sm.no_drug(4.0), "SN", -1.0)


def test_consolidation_that_would_overshoot_is_refused(drug):
    # (epsilon + beta (w - 1))/T_c > 1 in an hour: T_c = 1 h with the window at 2.1 and
    # beta = 10 -> 12.
    p = sm.SelfModelParams(consolidation_h=1.0, plasticity_gain=10.0)
    assert drug.window.max() > 2.0
    with pytest.raises(ValueError, match="consolidation_h"):
        sm.simulate_drive(drug, params=p)
    # Without the drug the window is 1 and T_c = 1 h is a rate of exactly 1: accepted;
    # half an hour is not ...
    sm.simulate_drive(sm.no_drug(24.0), params=p)
    with pytest.raises(ValueError, match="consolidation_h"):
        sm.simulate_drive(sm.no_drug(24.0), params=sm.SelfModelParams(consolidation_h=0.5))
    # ... unless epsilon = 0, when the rate without the window is 0; with the window,
    # beta (w - 1)/T_c = 1.1 at T_c = 1 h overshoots again.
    gate = sm.SelfModelParams(consolidation_h=0.5, baseline_consolidation=0.0)
    sm.simulate_drive(sm.no_drug(24.0), params=gate)
    with pytest.raises(ValueError, match="consolidation_h"):
        sm.simulate_drive(drug, params=replace(gate, consolidation_h=1.0))
    sm.simulate_drive(drug, params=replace(gate, consolidation_h=2.0))


def test_simulate_drive_refuses_what_is_not_a_drive():
    with pytest.raises(ValueError, match="drive"):
        sm.simulate_drive("eight weeks")


@pytest.mark.parametrize("kw, name", [
    (dict(inputs=[0.0, math.nan]), "inputs"),
    (dict(inputs=[[0.0, 1.0]]), "inputs"),
    (dict(inputs=0.5), "inputs"),
    (dict(inputs=[0.0, 101.0]), "inputs"),
    (dict(inputs=["a"]), "inputs"),
    (dict(prior_mean=math.inf), "prior_mean"),
    (dict(prior_precision=-1.0), "prior_precision"),
    (dict(prior_precision=math.inf), "prior_precision"),
    (dict(input_precision=0.0), "input_precision"),
    (dict(log_volatility=11.0), "log_volatility"),
    (dict(dt_h=0.0), "dt_h"),
])
def test_one_level_refuses_bad_input(kw, name):
    args = dict(inputs=[0.0, 1.0], **kw) if "inputs" not in kw else kw
    with pytest.raises(ValueError, match=name):
        sm.one_level(**args)


@pytest.mark.parametrize("kw, name", [
    (dict(prior_precision=0.0), "prior_precision"),
    (dict(evidence_precision=-1.0), "evidence_precision"),
    (dict(answer=math.nan), "answer"),
    (dict(answer="-1.25"), "answer"),
    (dict(prior_mean=101.0), "prior_mean"),
    (dict(evidence=math.inf), "evidence"),
])
def test_check_update_refuses_bad_numbers(kw, name):
    args = dict(prior_mean=-2.0, prior_precision=3.0, evidence=1.0, evidence_precision=1.0,
                answer=-1.25) | kw
    with pytest.raises(ValueError, match=name):
        sm.check_update(**args)


@pytest.mark.parametrize("kw, name", [
    (dict(delay_h=-1.0), "delay_h"), (dict(delay_h=1.5), "delay_h"),
    (dict(therapy="weekly"), "therapy"),
    (dict(t_end_h=TWO_WEEKS_H), "therapy"),                  # late sessions past the end
    (dict(t_end_h=800.5), "t_end_h"),
    (dict(doses="standard"), "doses"),
    (dict(message="exactly"), "message"), (dict(relax="DMN only"), "relax"),
    (dict(seed="0"), "seed"), (dict(noise="no"), "noise"),
    (dict(context="a spaceship"), "context"), (dict(params={"coupling": 1.0}), "params"),
])
def test_four_cases_refuses_bad_input(kw, name):
    with pytest.raises(ValueError, match=name):
        sm.four_cases(**kw)


def test_dose_tuple():
    d = ph.standard_infusion()
    assert ph.dose_tuple(d) == (d,)
    assert ph.dose_tuple([d, d]) == (d, d)
    for bad in ([], "d", [d, 1.0], None):
        with pytest.raises(ValueError, match="doses"):
            ph.dose_tuple(bad)


def test_drive_functions_refuse_bad_input(network_course):
    with pytest.raises(ValueError, match="course"):
        sm.drive_from_network_course("course", None, 6.0)
    with pytest.raises(ValueError, match="window"):
        sm.drive_from_network_course(network_course, "window", 6.0)
    with pytest.raises(ValueError, match="rule"):
        sm.disintegration(0.5, rule="average")
    with pytest.raises(ValueError, match="rule"):
        sm.disintegration(0.5, rule=np.array(["eigenvalue", "x"]))
    with pytest.raises(ValueError, match="occupancy"):
        sm.disintegration(1.5)
    with pytest.raises(ValueError, match="n_parcels"):
        sm.drug_drive(ph.standard_infusion(), 24.0, n_parcels=300)


# ======================================================================================
# 10. The exercise
# ======================================================================================
def test_check_update_recognises_the_right_answer_and_each_mistake():
    # Prior -2 (precision 3), evidence +2 (precision 1): learning rate 1/4, right -1.
    # The mistakes, by hand: kept the prior -2; followed the evidence +2; unweighted average
    # 0; weights swapped (1 * -2 + 3 * 2)/4 = 1; moved away -2 - 0.25 * 4 = -3; pi_u/pi_hat as
    # the rate -2 + (1/3) * 4 = -0.67; the learning rate itself 0.25. All seven differ.
    ok = sm.check_update(-2.0, 3.0, 2.0, 1.0, -1.0)
    assert ok.correct
    assert str(ok) == "Posterior mean: correct (-1.00; the learning rate is 0.25)."
    assert sm.check_update(-2.0, 3.0, 2.0, 1.0, -1.005).correct      # 2-decimal tolerance
    assert not sm.check_update(-2.0, 3.0, 2.0, 1.0, -1.01).correct
    mistakes = {-2.0: "kept the prior", 2.0: "followed the evidence alone",
                0.0: "without weights", 1.0: "the other's precision",
                -3.0: "moved away from the evidence", -0.67: "π_u/π̂ as the learning rate",
                0.25: "gave the learning rate"}
    seen = set()
    for value, words in mistakes.items():
        fb = sm.check_update(-2.0, 3.0, 2.0, 1.0, value)
        assert not fb.correct, words
        assert words in fb.messages[0], (words, fb.messages[0])
        assert fb.messages[0].startswith(f"Posterior mean: {value:.2f} is what you get")
        seen.add(fb.messages[0])
    assert len(seen) == len(mistakes)
    wrong = sm.check_update(-2.0, 3.0, 2.0, 1.0, 0.9)
    assert not wrong.correct and "is not right" in wrong.messages[0]


def test_a_mistake_that_gives_the_right_answer_is_not_reported():
    # Equal precisions: the unweighted average and the swapped weights are right, -0.5.
    fb = sm.check_update(-2.0, 1.0, 1.0, 1.0, -0.5)
    assert fb.correct


# ======================================================================================
# 11. Therapy steps
# ======================================================================================
def test_a_session_covers_the_hours_that_end_in_it():
    t = np.arange(1.0, 73.0)
    on = sm.therapy_steps(sm.Therapy(start_h=1.0), t)
    # Sessions at 1, 25, 49 h, 2 h each: the hours ending at 2, 3, 26, 27, 50, 51 h.
    assert t[on].tolist() == [2.0, 3.0, 26.0, 27.0, 50.0, 51.0]
    on = sm.therapy_steps(sm.Therapy(), t)                        # from 12 h
    assert t[on].tolist() == [13.0, 14.0, 37.0, 38.0, 61.0, 62.0]
    assert not sm.therapy_steps(None, t).any()
    # A session at 0 covers the first hours; one that ends exactly at the end is inside.
    on = sm.therapy_steps(sm.Therapy(start_h=0.0, sessions=1, duration_h=3.0), t)
    assert t[on].tolist() == [1.0, 2.0, 3.0]
    on = sm.therapy_steps(sm.Therapy(start_h=70.0, sessions=1), t)
    assert t[on].tolist() == [71.0, 72.0]
    with pytest.raises(ValueError, match="therapy"):
        sm.therapy_steps(sm.Therapy(start_h=71.0, sessions=1), t)
    with pytest.raises(ValueError, match="therapy"):
        sm.therapy_steps("weekly", t)
    for bad in ("abc", np.ones((3, 2)), [1.0, math.nan], [-1.0, 1.0]):
        with pytest.raises(ValueError, match="t_h"):
            sm.therapy_steps(sm.Therapy(), bad)


def test_the_course_marks_its_therapy_steps(drug):
    c = sm.simulate_drive(drug, therapy=sm.Therapy(start_h=24.0, sessions=2, interval_h=48.0,
                                                   duration_h=3.0), noise=False)
    assert c.t_h[c.therapy].tolist() == [25.0, 26.0, 27.0, 73.0, 74.0, 75.0]
    assert np.all(c.exteroceptive[c.therapy] == P.support_evidence)
    assert np.all(c.exteroceptive[~c.therapy] == P.everyday_evidence)
