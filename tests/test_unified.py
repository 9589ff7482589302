"""Chapter 6's library: the outcome layer, the cohort, trials, calibration and predictions.

Every tolerance says why it is what it is. Cohorts are made once per module
(exposures are kept between calls, so later cohorts of the same schedule are quick).
"""

import math
import warnings
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ketamodel import pharmacology as ph
from ketamodel import provenance
from ketamodel import selfmodel as sm
from ketamodel import unified as uf
from ketamodel.unified import calibration as cal
from ketamodel.unified import validation as val

ROOT = Path(__file__).resolve().parents[1]
FAST = settings(max_examples=40, deadline=None, database=None)
INFUSION = ph.standard_infusion()
E = math.exp(1.0)


def _equal_courses(a, b):
    """Names of the array fields in which two dataclasses (courses or tables) differ."""
    return [f.name for f in fields(a) if isinstance(getattr(a, f.name), np.ndarray)
            and not np.array_equal(getattr(a, f.name), getattr(b, f.name))]


def _one_person(cl_factor, context_offset=0.0, baseline=30.0):
    """A table of one typical person (z = 0: responsiveness 1) by hand."""
    return uf.PatientTable(
        patient_id=np.array([0]), female=np.array([False]), cl_factor=np.array([cl_factor]),
        baseline_madrs=np.array([baseline]), network_sensitivity=np.array([1.0]),
        context_offset=np.array([context_offset]), responsiveness_z=np.array([0.0]),
        placebo_z=np.array([0.0]))


# ======================================================================================
# 1. The outcome layer, by hand
# ======================================================================================
def test_madrs_by_hand():
    # B (1 - n)(1 - a)(1 - w_s s), w_s = 0.4: 30 * 0.8 * 0.5 * 0.9 = 10.8
    assert uf.madrs(30.0, 0.2, 0.5, 0.25) == pytest.approx(10.8, rel=1e-14)
    # without the self-belief's share, 30 * 0.8 * 0.5 = 12
    op = replace(uf.OutcomeParams(), self_share=0.0)
    assert uf.madrs(30.0, 0.2, 0.5, 0.25, op) == pytest.approx(12.0, rel=1e-14)
    # an acute relief above 1 is clipped at 1: nothing is left
    assert uf.madrs(30.0, 0.0, 3.0, 0.0) == 0.0
    # a belief worse than at the start raises severity: 30 * (1 + 0.4 * 0.5) = 36
    assert uf.madrs(30.0, 0.0, 0.0, -0.5) == pytest.approx(36.0, rel=1e-14)
    # ... with s clipped at -1 and the score at the top of the scale: 50 * 1.4 = 70 -> 60
    assert uf.madrs(50.0, 0.0, 0.0, -5.0) == 60.0


@pytest.mark.parametrize("b, n, a, s", [(30.0, 0.2, 0.5, 0.25), (45.0, 0.9, 0.1, -0.3),
                                        (22.0, 0.0, 0.99, 1.0), (60.0, 0.5, 0.0, 0.0)])
def test_the_three_reliefs_multiply(b, n, a, s):
    # Each relief acts on what the others leave: the score over B is the product of each
    # relief's own share (rounding only).
    alone = [uf.madrs(b, n, 0.0, 0.0) / b, uf.madrs(b, 0.0, a, 0.0) / b,
             uf.madrs(b, 0.0, 0.0, s) / b]
    assert uf.madrs(b, n, a, s) == pytest.approx(b * np.prod(alone), rel=1e-13)


def test_madrs_is_monotone_in_each_relief():
    grid = np.linspace(0.0, 0.95, 12)
    n, a, s = np.meshgrid(grid, grid, np.linspace(-1.0, 1.0, 12), indexing="ij")
    m = uf.madrs(40.0, n, a, s)
    for axis in range(3):
        assert np.all(np.diff(m, axis=axis) <= 1e-12)      # more relief, never higher
    assert np.all((m >= 0.0) & (m <= 60.0))


@FAST
@given(st.floats(0.0, 60.0), st.floats(0.0, 0.95), st.floats(0.0, 1e3), st.floats(-1e3, 1e3))
def test_madrs_stays_on_the_scale(b, n, a, s):
    m = float(uf.madrs(b, n, a, s))
    assert 0.0 <= m <= 60.0
    if s >= 0:
        assert m <= b                        # relief never raises the score above baseline


def test_responsiveness_median_bounds_and_slope():
    z = np.linspace(-6.0, 6.0, 241)
    u = uf.responsiveness(z, 2.0)
    assert uf.responsiveness(0.0, 2.0) == 1.0                      # median 1 at z = 0
    assert np.all((u > 0.0) & (u < 2.0))
    assert np.all(np.diff(u) > 0)                                   # monotone in z
    # mean 1: u(z) + u(-z) = 2 exactly (up to rounding)
    assert np.allclose(u + u[::-1], 2.0, rtol=0, atol=1e-14)
    # about 1 + sd z near the middle: the error is O(z^3), (2 sd)^2 sd z^3 / 12 ~ 3e-6 here
    small = np.array([-1e-2, -1e-3, 1e-3, 1e-2])
    for sd in (0.5, 1.0, 2.0):
        assert np.allclose(uf.responsiveness(small, sd), 1.0 + sd * small, rtol=0, atol=1e-5)
    assert np.all(uf.responsiveness(z, 0.0) == 1.0)                # sd 0: everyone alike


@FAST
@given(st.floats(-100.0, 100.0), st.floats(-100.0, 100.0), st.floats(0.0, 3.0))
def test_responsiveness_bounded_and_monotone(z1, z2, sd):
    u1, u2 = (float(uf.responsiveness(z, sd)) for z in (z1, z2))
    assert 0.0 <= u1 <= 2.0
    if abs(2 * sd * z1) <= 30.0:             # beyond that the bound is reached in doubles
        assert 0.0 < u1 < 2.0
    if z1 <= z2:
        assert u1 <= u2


def test_responsiveness_of_an_extreme_z_does_not_warn():
    # 2 / (1 + exp(-2 sd z)) would overflow exp for a large negative z; expit does not
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert uf.responsiveness(-200.0, 2.0) == pytest.approx(0.0, abs=1e-300)


def test_nonspecific_relief_is_zero_before_the_first_treatment():
    t = np.array([0.0, 5.0, 10.0])
    assert np.all(uf.nonspecific_relief(t, 0.3, first_h=10.0) == 0.0)
    assert uf.nonspecific_relief(10.5, 0.3, first_h=10.0) > 0.0


def test_nonspecific_relief_builds_with_onset_by_hand():
    # n (1 - e^(-(t - t0)/tau)): one time constant after the first treatment, n (1 - 1/e)
    got = uf.nonspecific_relief(12.0, 0.3, first_h=10.0, onset_h=2.0, last_h=500.0)
    assert got == pytest.approx(0.3 * (1 - 1 / E), rel=1e-14)
    t = np.linspace(10.0, 30.0, 81)
    quick = uf.nonspecific_relief(t, 0.3, first_h=10.0, onset_h=1.0, last_h=500.0)
    slow = uf.nonspecific_relief(t, 0.3, first_h=10.0, onset_h=4.0, last_h=500.0)
    assert np.all(np.diff(quick) >= 0) and np.all(np.diff(slow) >= 0)   # it builds
    assert np.all(quick >= slow)                                         # quicker onset


def test_nonspecific_relief_fades_by_hand():
    # Onset complete at the last treatment (1 - e^-50 is 1 in doubles): one fade time
    # constant later it is 1/e of its value there.
    kw = dict(first_h=0.0, onset_h=2.0, last_h=100.0, fade_h=336.0)
    at_last = uf.nonspecific_relief(100.0, 0.3, **kw)
    assert at_last == pytest.approx(0.3, rel=1e-14)
    assert uf.nonspecific_relief(436.0, 0.3, **kw) == pytest.approx(at_last / E, rel=1e-12)
    t = np.linspace(100.0, 2000.0, 50)
    assert np.all(np.diff(uf.nonspecific_relief(t, 0.3, **kw)) < 0)     # it fades
    # without last_h the fading starts at first_h
    assert np.array_equal(uf.nonspecific_relief(t, 0.3, first_h=5.0, fade_h=50.0),
                          uf.nonspecific_relief(t, 0.3, first_h=5.0, last_h=5.0, fade_h=50.0))


def test_nonspecific_relief_is_never_above_its_level():
    t = np.linspace(0.0, 3000.0, 601)[None, :]
    level = np.array([0.0, 0.1, 0.5, 0.95])[:, None]
    n = uf.nonspecific_relief(t, level, first_h=1.0, last_h=200.0, fade_h=336.0)
    assert n.shape == (4, 601)                                  # level broadcasts against t
    assert np.all((n >= 0.0) & (n <= level))
    # a level above 0.95 is clipped to it
    assert uf.nonspecific_relief(1e5, 2.0) == pytest.approx(0.95, rel=1e-14)


@pytest.mark.parametrize("kwargs, name", [
    (dict(fade_h=0.0), "fade_h"), (dict(fade_h=-1.0), "fade_h"), (dict(fade_h=math.nan), "fade_h"),
    (dict(first_h=10.0, last_h=5.0), "last_h"), (dict(onset_h=0.0), "onset_h"),
    (dict(first_h=-1.0), "first_h")])
def test_nonspecific_relief_refuses_bad_times(kwargs, name):
    with pytest.raises(ValueError, match=name):
        uf.nonspecific_relief([1.0, 2.0], 0.3, **kwargs)


def test_rate_gives_whole_numbers_on_the_scale():
    rng = np.random.default_rng(0)
    expected = np.linspace(-20.0, 80.0, 1001)
    r = uf.rate(expected, rng.standard_normal(expected.size), 2.0)
    assert np.all(r == np.rint(r)) and np.all((r >= 0.0) & (r <= 60.0))
    assert r.min() == 0.0 and r.max() == 60.0                   # both ends are reached
    assert uf.rate(10.4, 0.0, 2.0) == 10.0
    assert uf.rate(10.0, 1.0, 2.0) == 12.0                      # expected + sd z, rounded


def test_response_and_remission_thresholds():
    # response: a fall of at least 50 % (inclusive); remission: at most 10 points
    assert uf.responded(30.0, 15.0) and not uf.responded(30.0, 15.01)
    assert uf.remitted(10.0) and not uf.remitted(10.5)
    assert np.array_equal(uf.responded([30.0, 40.0], [15.0, 21.0]), [True, False])
    assert uf.responded(30.0, 12.0, uf.Scales(response_fall=0.6))
    assert not uf.responded(30.0, 12.5, uf.Scales(response_fall=0.6))
    assert uf.remitted(12.0, uf.Scales(remission_madrs=12.0))


def test_cadss_and_ego_are_linear_on_their_ranges():
    assert uf.cadss(0.5) == pytest.approx(46.0, rel=1e-15)         # 0-92
    assert uf.ego_score(0.25) == pytest.approx(25.0, rel=1e-15)    # 0-100
    assert uf.cadss(1.0) == 92.0 and uf.ego_score(0.0) == 0.0


# ======================================================================================
# 1b. The levels below the clinic
# ======================================================================================
@pytest.fixture(scope="module")
def course_exposure():
    # four infusions 84 h apart: four reward windows with drug-free gaps between them
    return uf.exposure(uf.ARMS["ketamine course"].doses, 400.0)


def test_exposure_quantities_stay_in_their_ranges(course_exposure):
    e = course_exposure
    for name in ("occupancy", "plasticity_relief", "reward_relief", "acute_action"):
        v = getattr(e, name)
        assert v.shape == e.t_h.shape and np.all((v >= 0.0) & (v <= 1.0)), name
    assert np.all(e.window >= 1.0 - 1e-12)
    # either route relieves: A = 1 - (1 - r)(1 - b), at least each of them
    assert np.all(e.acute_action >= np.maximum(e.reward_relief, e.plasticity_relief) - 1e-15)
    assert len(uf.dose_groups(e.doses)) == 4
    assert uf.exposure(e.doses, 400.0) is e                     # kept for the next call


def test_doses_within_a_day_form_one_group():
    # a group ends a day after its last dose ends (here at 640 min, so at 2080 min)
    a = ph.Dose(0.2, "iv", start_min=0.0, duration_min=40.0)
    b = ph.Dose(0.2, "iv", start_min=600.0, duration_min=40.0)
    same = ph.Dose(0.2, "iv", start_min=2079.0, duration_min=40.0)
    later = ph.Dose(0.2, "iv", start_min=2080.0, duration_min=40.0)
    assert uf.dose_groups((b, a)) == [(a, b)]                       # ordered by start
    assert uf.dose_groups((a, b, same)) == [(a, b, same)]
    assert uf.dose_groups((a, b, later)) == [(a, b), (later,)]


def test_the_reward_relief_is_zero_between_dose_windows(course_exposure):
    # The windows are cut where the step between samples exceeds a segment: the relief is
    # not interpolated across the drug-free gaps between infusions, it is 0 there.
    e = course_exposure
    t = e.reward_t_h
    gap = np.flatnonzero(np.diff(t) > 1.0)              # segments are 3 minutes
    assert gap.size == 3
    for k in gap:
        inside = (e.t_h - 1.0 >= t[k]) & (e.t_h <= t[k + 1])   # hours wholly in the gap
        assert inside.sum() > 40
        assert np.all(e.reward_relief[inside] == 0.0)


def test_every_array_of_a_kept_exposure_is_read_only(course_exposure):
    # A kept (cached) Exposure is shared between calls: changing one of its arrays in place
    # would change what the next exposure() call returns.
    e = course_exposure
    for name in ("t_h", "occupancy", "plasticity_relief", "window", "fine_t_h",
                 "fine_occupancy", "reward_relief", "acute_action", "reward_t_h",
                 "reward_rho"):
        assert not getattr(e, name).flags.writeable, name


# ======================================================================================
# 2. Calibration
# ======================================================================================
@pytest.fixture(scope="module")
def calibration():
    data = uf.calibration_data()          # the calibration cohort (2000 people), a few seconds
    return data, uf.calibrate(data)


def test_calibration_reproduces_the_calibrated_constants(calibration):
    # OutcomeParams holds the fit to three decimals; 0.01 leaves room for the solver's
    # tolerance (responsiveness_sd sits at its bound of 2).
    _, fit = calibration
    assert fit.success
    stored = uf.OutcomeParams()
    for name in uf.CALIBRATED_FIELDS:
        assert getattr(fit.params, name) == pytest.approx(getattr(stored, name), abs=0.01), name
    # a boundary solution, reported as such
    assert fit.at_bound == ("responsiveness_sd",)
    assert fit.params.responsiveness_sd == pytest.approx(cal.BOUNDS[1][3], abs=1e-6)


def test_calibration_can_hold_a_field_fixed(calibration):
    # a fixed field keeps its start value exactly and is never reported at a bound; the
    # others are refitted (the fit is worse or equal: it has one freedom fewer)
    data, fit = calibration
    start = replace(uf.OutcomeParams(), responsiveness_sd=1.0)
    held = uf.calibrate(data, start, fixed=("responsiveness_sd",))
    assert held.params.responsiveness_sd == 1.0
    assert "responsiveness_sd" not in held.at_bound
    assert np.sum(held.residuals ** 2) >= np.sum(fit.residuals ** 2) - 1e-9
    for bad in ("responsiveness_sd", ("visit_sd",), tuple(uf.CALIBRATED_FIELDS)):
        with pytest.raises(ValueError, match="fixed"):
            uf.calibrate(data, fixed=bad)


def test_calibration_residuals_are_within_two_standard_errors(calibration):
    _, fit = calibration
    assert fit.residuals.shape == (len(uf.CALIBRATION_POINTS),)
    assert np.all(np.abs(fit.residuals) < 2.0), fit.residuals
    target = np.array([p.value for p in uf.CALIBRATION_POINTS])
    se = np.array([p.se for p in uf.CALIBRATION_POINTS])
    assert np.allclose(fit.residuals, (fit.model - target) / se, rtol=1e-12)


def test_calibration_points_are_the_published_numbers():
    # six arm-level results: A's raw falls on each arm and its response rates, B's response
    # rate and d; A's adjusted difference is a check, not fitted (no result counts twice)
    values = [p.value for p in uf.CALIBRATION_POINTS]
    assert values == [16.5, 8.8, 0.64, 0.28, 0.71, 1.46]
    assert [p.unit for p in uf.CALIBRATION_POINTS] == ["MADRS points"] * 2 + ["share"] * 3 + [
        "1"]
    assert cal.ARM_SIZES_A == (47, 25)
    keys = [p.key for p in uf.CALIBRATION_POINTS]
    assert keys == ["murrough2013antidepressant"] * 4 + ["zarate2006randomized"] * 2
    assert [p.value for p in cal.CHECK_POINTS] == [7.95]
    assert cal.CHECK_POINTS[0].key == "murrough2013antidepressant"
    assert not {p.name for p in cal.CHECK_POINTS} & {p.name for p in uf.CALIBRATION_POINTS}


def test_calibration_standard_errors_follow_from_the_arm_sizes():
    se = [p.se for p in uf.CALIBRATION_POINTS]
    # a raw fall over its t statistic, t(46) = 10.31 and t(24) = 4.63 (arms of 47 and 25);
    # binomial SEs for the rates; d's from its 95 % interval 0.91-2.01
    want = [16.5 / 10.31, 8.8 / 4.63, math.sqrt(0.64 * 0.36 / 47), math.sqrt(0.28 * 0.72 / 25),
            math.sqrt(0.71 * 0.29 / 17), (2.01 - 0.91) / (2 * 1.959964)]
    assert np.allclose(se, want, rtol=1e-12)
    assert se[:2] == pytest.approx([1.600, 1.901], abs=1e-3)        # as the module says
    # the check point: A's adjusted difference, SE from its 95 % interval 3.20-12.71
    check = cal.CHECK_POINTS[0]
    assert check.se == pytest.approx((12.71 - 3.20) / (2 * 1.959964), rel=1e-12)
    assert check.se == pytest.approx(2.426, abs=1e-3)
    assert check.value == pytest.approx((3.20 + 12.71) / 2, abs=0.01)   # the CI's middle


def test_the_analytic_expectation_agrees_with_the_noisy_cohort(calibration):
    # The fit takes each rating's expectation over its noise analytically; the same cohort
    # rated with noise must agree within 3 standard errors (the draws are seeded).
    data, _ = calibration
    table = uf.patient_table(cal.CALIBRATION_N, cal.CALIBRATION_SEED)
    for arm, seed in (("ketamine", 1), ("midazolam", 2)):
        want = cal.expected_arm(data, uf.ARMS[arm], uf.OutcomeParams())
        c = uf.simulate_cohort(table, uf.ARMS[arm], seed=seed)
        fall = c.baseline - c.at(24.0)
        resp = float(np.mean(uf.responded(c.baseline, c.at(24.0))))
        n = fall.size
        assert abs(fall.mean() - want.fall_mean) < 3 * fall.std(ddof=1) / math.sqrt(n), arm
        assert abs(resp - want.response) < 3 * math.sqrt(want.response * (1 - want.response)
                                                         / n), arm


# ======================================================================================
# 3. The cohort
# ======================================================================================
@pytest.fixture(scope="module")
def partitions():
    # arm -> (the cohort of 40 run whole, the same 40 run as two tables of 20)
    whole = uf.patient_table(40, 3)
    first, second = uf.patient_table(20, 3), uf.patient_table(20, 3, first_id=20)
    out = {}
    for name in ("ketamine", "midazolam", "ketamine + therapy"):
        a = uf.ARMS[name]
        out[name] = (uf.simulate_cohort(whole, a, seed=5),
                     uf.simulate_cohort(first, a, seed=5), uf.simulate_cohort(second, a, seed=5))
    return out


@pytest.fixture(scope="module")
def arms300():
    table = uf.patient_table(300, 1)
    return {name: uf.simulate_cohort(table, uf.ARMS[name], seed=1)
            for name in ("ketamine", "midazolam", "saline")}


def test_a_table_made_in_parts_is_the_table_made_whole():
    whole = uf.patient_table(40, 3)
    parts = uf.concat_tables([uf.patient_table(20, 3), uf.patient_table(20, 3, first_id=20)])
    assert _equal_courses(whole, parts) == []
    assert _equal_courses(whole.take(np.arange(20, 40)),
                          uf.patient_table(20, 3, first_id=20)) == []


@pytest.mark.parametrize("name", ["ketamine", "midazolam", "ketamine + therapy"])
def test_a_cohort_run_in_parts_is_the_cohort_run_whole(partitions, name):
    # Exactly: every draw depends only on the seed and the person's id.
    whole, first, second = partitions[name]
    stacked = replace(whole, **{f.name: np.concatenate([getattr(first, f.name),
                                                        getattr(second, f.name)])
                                for f in fields(whole)
                                if isinstance(getattr(whole, f.name), np.ndarray)
                                and getattr(whole, f.name).shape[:1] == (40,)})
    assert _equal_courses(whole, stacked) == []
    assert _equal_courses(whole.table, uf.concat_tables([first.table, second.table])) == []
    assert np.array_equal(whole.visits_h, first.visits_h)
    assert np.array_equal(whole.t_h, second.t_h)


def test_same_seed_same_cohort_other_seed_other_ratings(partitions):
    whole, _, _ = partitions["ketamine"]
    again = uf.simulate_cohort(whole.table, whole.arm, seed=5)
    assert _equal_courses(whole, again) == []
    other = uf.simulate_cohort(whole.table, whole.arm, seed=6)
    assert not np.array_equal(whole.madrs, other.madrs)
    assert np.array_equal(whole.acute_action, other.acute_action)       # the drug is the same


def test_ratings_are_whole_numbers_on_the_scale(arms300):
    for c in arms300.values():
        assert np.all(c.madrs == np.rint(c.madrs))
        assert np.all((c.madrs >= 0.0) & (c.madrs <= 60.0))
        assert c.madrs.shape == (300, len(uf.VISITS_H))
        assert np.all((c.madrs_expected >= 0.0) & (c.madrs_expected <= 60.0))


def test_true_baselines_lie_between_entry_and_the_top_of_the_scale():
    p = uf.CohortParams()
    b = uf.patient_table(5000, 0).baseline_madrs
    assert np.all((b >= p.entry_madrs) & (b <= 60.0))
    # a mean well above the entry threshold: truncation moves it little (4.5 points of SD,
    # 3.5 SD above entry: well under 0.1 points), 5000 people: SE 0.06
    assert b.mean() == pytest.approx(p.baseline_madrs_mean, abs=0.25)


def test_clearances_stay_inside_the_exposure_nodes():
    # truncated at 4 SD of a log-normal with CV 0.13, times 1.2 for women: 0.596 to 2.014
    cl = uf.patient_table(20000, 0).cl_factor
    assert cl.min() >= uf.CL_NODES[0] and cl.max() <= uf.CL_NODES[-1]


def test_saline_below_midazolam_below_ketamine_at_24_h(arms300):
    fall = {k: float(np.mean(c.baseline - c.at(24.0))) for k, c in arms300.items()}
    assert fall["saline"] < fall["midazolam"] < fall["ketamine"], fall
    assert np.all(arms300["saline"].acute_action == 0.0)
    assert np.all(arms300["midazolam"].acute_action == 0.0)


def test_response_kept_starts_at_one_and_never_rises(arms300):
    c = arms300["ketamine"]
    kept = c.response_kept(24.0)
    assert kept.n_responders == int(np.sum(uf.responded(c.baseline, c.at(24.0))))
    assert kept.share[0] == 1.0
    assert np.all(np.diff(kept.share) <= 0) and np.all((kept.share >= 0) & (kept.share <= 1))
    assert np.array_equal(kept.t_h, c.visits_h[2:] - 24.0)
    assert kept.rmst_days == uf.rmst_days(kept.t_h, kept.share)
    assert kept.resampled_rmst_days(np.arange(300)) == kept.rmst_days


def test_rmst_days_by_hand():
    # share 1 for 48 h, 2/3 for 96 h: (48 + 64) / 24 days; the last share counts for nothing
    share = np.array([1.0, 2 / 3, 1 / 3])
    assert uf.rmst_days(np.array([0.0, 48.0, 144.0]), share) == pytest.approx(112 / 24,
                                                                            rel=1e-14)


def test_a_constructed_response_kept_by_hand():
    kept = uf.ResponseKept(t_h=np.array([0.0, 48.0, 144.0]),
                           kept=np.array([[True, True, False], [True, False, False],
                                          [True, True, True]]),
                           responders=np.array([True, False, True, True]))
    assert kept.n_responders == 3
    assert np.allclose(kept.share, [1.0, 2 / 3, 1 / 3], rtol=1e-15)
    assert kept.rmst_days == pytest.approx(112 / 24, rel=1e-14)
    assert kept.resampled_rmst_days(np.arange(4)) == kept.rmst_days
    # person 0 twice and person 1 (not a responder): rows [0, 0] -> share 1, 1, 0
    assert kept.resampled_rmst_days(np.array([0, 0, 1])) == pytest.approx(6.0, rel=1e-14)
    assert math.isnan(kept.resampled_rmst_days(np.array([1])))        # no responder
    empty = uf.ResponseKept(t_h=np.array([0.0, 24.0]), kept=np.zeros((0, 2), dtype=bool),
                            responders=np.zeros(3, dtype=bool))
    assert np.all(np.isnan(empty.share))


def test_a_lost_response_is_not_counted_again(arms300):
    # Ratings by hand (baseline 30, response at <= 15): person 0 responds, loses it, responds
    # again (kept until the first loss only); person 2 is not a responder at 24 h.
    c = arms300["ketamine"]
    crafted = replace(c, table=c.table.take([0, 1, 2, 3]),
                      visits_h=np.array([0.0, 24.0, 72.0, 168.0]),
                      madrs=np.array([[30.0, 10.0, 20.0, 10.0], [30.0, 15.0, 15.0, 14.0],
                                      [30.0, 16.0, 10.0, 10.0], [30.0, 10.0, 10.0, 16.0]]))
    kept = crafted.response_kept(24.0)
    assert np.array_equal(kept.responders, [True, True, False, True])
    assert np.array_equal(kept.kept, [[True, False, False], [True, True, True],
                                      [True, True, False]])
    assert np.array_equal(kept.t_h, [0.0, 48.0, 144.0])
    assert kept.rmst_days == pytest.approx(112 / 24, rel=1e-14)


@pytest.mark.parametrize("cl", [0.5, 3.0])
def test_clearances_outside_the_nodes_are_refused(cl):
    table = replace(uf.patient_table(3, 0), cl_factor=np.array([1.0, cl, 1.0]))
    with pytest.raises(ValueError, match="cl_factor"):
        uf.simulate_cohort(table, uf.ARMS["ketamine"], t_end_h=48.0, visits_h=(0.0, 24.0))
    with pytest.raises(ValueError, match="cl_factor"):
        uf.acute_state(table, INFUSION)


def test_a_cohort_of_one_at_a_node_is_the_single_person_model():
    # At an exposure node nothing is interpolated: the cohort's batch filter and the single
    # person's filter must agree to rounding (they sum in a different order).
    cl = float(uf.CL_NODES[3])
    for name in ("ketamine", "ketamine + therapy", "saline"):
        a = uf.ARMS[name]
        c = uf.simulate_cohort(_one_person(cl), a, noise=False)
        p = uf.simulate(a.doses, therapy=a.therapy, treatment=a.treatment,
                        person=uf.Person(cl_factor=cl, baseline_madrs=30.0))
        assert np.allclose(c.madrs_expected[0], p.madrs, rtol=0, atol=1e-9), name
        assert c.cadss_peak[0] == pytest.approx(p.cadss.max(), abs=1e-9)
        assert c.ego_peak[0] == pytest.approx(p.ego_score.max(), abs=1e-9)


@pytest.mark.parametrize("cl, offset", [(1.0, 0.0), (0.8, 0.3), (1.6, -0.7)])
def test_interpolation_between_nodes_is_close_to_the_exact_exposure(cl, offset):
    # Linear interpolation in log clearance (nodes 26 % apart) and in context (0.5 apart):
    # the expected MADRS within 0.25 points, peak scores within 1 point of their ranges
    # (measured: below 0.06 and 0.5).
    a = uf.ARMS["ketamine + therapy"]
    c = uf.simulate_cohort(_one_person(cl, offset), a, noise=False)
    p = uf.simulate(a.doses, therapy=a.therapy, context=offset,
                    person=uf.Person(cl_factor=cl, baseline_madrs=30.0))
    assert np.max(np.abs(c.madrs_expected[0] - p.madrs)) < 0.25
    assert abs(c.cadss_peak[0] - p.cadss.max()) < 1.0
    assert abs(c.ego_peak[0] - p.ego_score.max()) < 1.0


# ======================================================================================
# 4. Trials
# ======================================================================================
@pytest.fixture(scope="module")
def trial():
    return uf.virtual_trial(["ketamine", "midazolam"], 60, ratio=(2, 1), seed=0)


def test_virtual_trial_randomises_everyone_once(trial):
    k, m = trial["ketamine"], trial["midazolam"]
    assert (len(k.table), len(m.table)) == (40, 20)                      # 2:1
    ids = np.concatenate([k.table.patient_id, m.table.patient_id])
    assert np.array_equal(np.sort(ids), np.arange(60))
    with pytest.raises(ValueError, match="arm"):
        trial["saline"]


def test_summaries_hold_their_means_and_rates(trial):
    for c in trial.arms:
        s = uf.summarise(c, 24.0)
        change = c.baseline - c.at(24.0)
        assert s.n == len(c.table) and s.change_mean == pytest.approx(change.mean(), rel=1e-14)
        assert s.change_ci[0] < s.change_mean < s.change_ci[1]
        assert s.response_ci[0] <= s.response_rate <= s.response_ci[1]
        assert s.remission_ci[0] <= s.remission_rate <= s.remission_ci[1]
        half = stats.t.ppf(0.975, s.n - 1) * change.std(ddof=1) / math.sqrt(s.n)
        assert s.change_ci[1] - s.change_mean == pytest.approx(half, rel=1e-12)


def test_compare_difference_sign_and_welch_interval(trial):
    k, m = trial["ketamine"], trial["midazolam"]
    comp = uf.compare(k, m, 24.0)
    assert comp.difference > 0 and comp.cohens_d > 0                # ketamine relieves more
    assert comp.difference_ci[0] < comp.difference < comp.difference_ci[1]
    assert comp.odds_ratio_ci[0] < comp.odds_ratio < comp.odds_ratio_ci[1]
    # Welch's interval as scipy computes it
    welch = stats.ttest_ind(k.baseline - k.at(24.0), m.baseline - m.at(24.0),
                            equal_var=False).confidence_interval(0.95)
    assert comp.difference_ci == pytest.approx((welch.low, welch.high), rel=1e-9)
    back = uf.compare(m, k, 24.0)
    assert back.difference == pytest.approx(-comp.difference, rel=1e-14)
    assert back.odds_ratio == pytest.approx(1 / comp.odds_ratio, rel=1e-12)


def test_wilson_interval_by_hand():
    # 5/10: centre 0.5, half-width 1.96 sqrt(0.025 + 1.96^2/400) / (1 + 1.96^2/10)
    assert uf.wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    lo, hi = uf.wilson(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-15) and hi == pytest.approx(0.2775, abs=1e-4)
    a, b = uf.wilson(3, 10), uf.wilson(7, 10)
    assert a == pytest.approx((1 - b[1], 1 - b[0]), rel=1e-12)           # symmetric


def test_replicate_is_reproducible_with_a_seed(trial):
    k, m = trial["ketamine"], trial["midazolam"]
    one = uf.replicate(k, m, 10, 5, n_rep=50, seed=1)
    two = uf.replicate(k, m, 10, 5, n_rep=50, seed=1)
    other = uf.replicate(k, m, 10, 5, n_rep=50, seed=2)
    assert np.array_equal(one.difference, two.difference)
    assert np.array_equal(one.response_treated, two.response_treated)
    assert not np.array_equal(one.difference, other.difference)
    assert one.difference.shape == (50,) and (one.n_treated, one.n_control) == (10, 5)
    # drawing everyone gives the whole arms' difference, every time
    full = uf.replicate(k, m, 40, 20, n_rep=3, seed=0)
    assert np.allclose(full.difference, uf.compare(k, m).difference, rtol=1e-12)


# ======================================================================================
# 5. The predictions
# ======================================================================================
@pytest.fixture(scope="module")
def predictions():
    # name -> (as stated, assumption changed), 120 people each (the chapter uses more)
    return {name: (uf.run_prediction(name, n=120), uf.run_prediction(name, failing=True, n=120))
            for name in uf.PREDICTIONS}


@pytest.mark.parametrize("name", ["dissociation and dose", "psychotherapy in the window",
                                  "relapse after a course"])
def test_a_prediction_holds_as_stated_and_fails_when_changed(predictions, name):
    stated, changed = predictions[name]
    assert stated.name == changed.name == name
    assert stated.holds and stated.ci[0] > stated.null, stated
    assert not changed.holds, changed
    for p in (stated, changed):
        assert p.ci[0] <= p.value <= p.ci[1]


def test_ego_dissolution_holds_in_the_mechanism_not_in_the_ratings(predictions):
    # As a trial would see it (the fall in ratings) the prediction does not hold at 120
    # people, while the mechanism itself (the expected revision of the self-belief) goes
    # with ego dissolution strongly; without therapy there is no revision to correlate.
    stated, changed = predictions["ego dissolution and improvement"]
    assert not stated.holds
    assert stated.detail["belief rho day 28"] > 0.5
    assert stated.detail["belief ci day 28"][0] > 0.0
    assert not changed.detail["belief rho day 28"] > 0.5
    assert stated.ci[0] <= stated.value <= stated.ci[1]


def test_predictions_and_their_changes_agree(predictions):
    assert set(uf.FAILING) == set(uf.PREDICTIONS)
    for name, (_, change) in uf.PREDICTIONS.items():
        assert uf.FAILING[name] == change
    stated, _ = predictions["relapse after a course"]
    with pytest.raises(TypeError):
        stated.detail["n"] = 1                                      # read-only detail
    with pytest.raises(ValueError, match="name"):
        uf.run_prediction("no such prediction")


def test_partial_spearman_known_answer():
    # y = x + noise, z independent: the partial correlation is the plain one up to
    # O(1/n) (the correction r_xz r_yz with each r ~ 1/sqrt(n)); Spearman's rho of a
    # bivariate normal with r = 1/sqrt(2) is (6/pi) asin(r/2) = 0.690.
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2000)
    y = x + rng.standard_normal(2000)
    z = rng.standard_normal(2000)
    rho, (lo, hi) = uf.partial_spearman(x, y, z)
    assert rho == pytest.approx(stats.spearmanr(x, y)[0], abs=0.005)
    assert rho == pytest.approx(6 / math.pi * math.asin(1 / (2 * math.sqrt(2))), abs=0.04)
    # Fisher's z with Bonett and Wright's standard error, sqrt((1 + rho^2 / 2) / (n - 4))
    half = 1.959964 * math.sqrt((1 + rho * rho / 2) / (2000 - 4))
    assert (lo, hi) == pytest.approx((math.tanh(math.atanh(rho) - half),
                                      math.tanh(math.atanh(rho) + half)), rel=1e-12)


def test_partial_spearman_is_the_correlation_of_rank_residuals():
    # the formula against its definition: regress the ranks of x and y on those of z
    rng = np.random.default_rng(1)
    x, z = rng.standard_normal(50), rng.standard_normal(50)
    y = x + 2 * z + rng.standard_normal(50)
    rx, ry, rz = (stats.rankdata(v) for v in (x, y, z))
    design = np.column_stack([np.ones(50), rz])

    def residual(v):
        return v - design @ np.linalg.lstsq(design, v, rcond=None)[0]

    want = np.corrcoef(residual(rx), residual(ry))[0, 1]
    assert uf.partial_spearman(x, y, z)[0] == pytest.approx(want, rel=1e-10)


def test_partial_spearman_removes_a_common_cause():
    # x and y both follow z: strongly correlated, but not given z (|rho| < 0.1: 2000 people,
    # SE of a null partial correlation 0.022)
    rng = np.random.default_rng(2)
    z = rng.standard_normal(2000)
    x, y = z + 0.3 * rng.standard_normal(2000), z + 0.3 * rng.standard_normal(2000)
    assert stats.spearmanr(x, y)[0] > 0.8
    assert abs(uf.partial_spearman(x, y, z)[0]) < 0.1


def test_partial_spearman_refuses_and_returns_nan():
    rng = np.random.default_rng(3)
    x, y, z = rng.standard_normal((3, 10))
    rho, ci = uf.partial_spearman(np.ones(10), y, z)
    assert math.isnan(rho) and all(math.isnan(c) for c in ci)
    assert math.isnan(uf.partial_spearman(x, y, np.full(10, 2.0))[0])
    with pytest.raises(ValueError, match="one length"):
        uf.partial_spearman(x, y[:9], z)
    with pytest.raises(ValueError, match="x"):
        uf.partial_spearman(x[:4], y[:4], z[:4])


def test_partial_spearman_given_x_itself_is_undefined():
    # z a monotone function of x (|r_xz| = 1 on ranks): 0/0, no correlation to speak of,
    # and no confident interval either
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((2, 50))
    for z in (x ** 3, -x, y + 1.0):
        rho, ci = uf.partial_spearman(x, y, z)
        assert math.isnan(rho) and all(math.isnan(c) for c in ci)


def test_n_for_correlation_by_hand():
    # ((z_0.975 + z_0.8) / atanh 0.3)^2 + 4 = 85.9 (a plain correlation needs one fewer)
    want = ((1.959964 + stats.norm.ppf(0.8)) / math.atanh(0.3)) ** 2 + 4
    assert uf.n_for_correlation(0.3) == pytest.approx(want, rel=1e-12)
    assert uf.n_for_correlation(0.3) == pytest.approx(85.93, abs=0.01)
    assert uf.n_for_correlation(0.0) == math.inf
    assert uf.n_for_correlation(-0.2) == math.inf
    assert uf.n_for_correlation(math.nan) == math.inf
    ns = [uf.n_for_correlation(r) for r in (0.1, 0.2, 0.5, 0.9)]
    assert ns == sorted(ns, reverse=True)                       # stronger, fewer people
    assert uf.n_for_correlation(0.3, power=0.9) > uf.n_for_correlation(0.3)
    with pytest.raises(ValueError, match="power"):
        uf.n_for_correlation(0.3, power=1.0)


@pytest.mark.parametrize("bad", ["0.3x", "0.3", None, [0.3], True, 1 + 1j])
def test_n_for_correlation_names_a_bad_rho(bad):
    with pytest.raises(ValueError, match="rho"):
        uf.n_for_correlation(bad)


# ======================================================================================
# 6. Validation
# ======================================================================================
@pytest.fixture(scope="module")
def validation():
    return uf.validate(n=300)


def test_validate_gives_one_finite_value_per_point(validation):
    assert validation.points == uf.VALIDATION_POINTS
    assert len(validation.model) == len(validation.inside) == len(uf.VALIDATION_POINTS)
    assert all(math.isfinite(m) for m in validation.model)
    for p, m, ok in zip(validation.points, validation.model, validation.inside, strict=True):
        assert ok == (p.low <= m <= p.high), p.name
    counted = [p.counted for p in validation.points]
    assert validation.n_counted == sum(counted) == len(counted) - 2      # two are calibration
    assert validation.n_met == sum(c and ok for c, ok in zip(counted, validation.inside,
                                                               strict=True))
    assert 0 <= validation.n_met <= validation.n_counted
    p = uf.VALIDATION_POINTS[3]
    assert validation.row(p.name) == (p, validation.model[3], validation.inside[3])
    with pytest.raises(ValueError, match="name"):
        validation.row("no such point")


def test_validation_points_are_sourced_and_hold_their_value():
    keys = provenance.bib_keys((ROOT / "references.bib").read_text(encoding="utf-8"))
    for p in uf.VALIDATION_POINTS:
        assert p.low <= p.value <= p.high, p.name
        assert p.key in keys, p.key
    assert len({p.name for p in uf.VALIDATION_POINTS}) == len(uf.VALIDATION_POINTS)
    # the points in effect calibration points are shown, not counted, and say why
    uncounted = [p for p in uf.VALIDATION_POINTS if not p.counted]
    assert [p.key for p in uncounted] == ["kishimoto2016singledose", "han2016efficacy"]
    assert all(p.note for p in uncounted)
    # pooled rates without an interval: the assumed tolerance either side
    assumed = [p for p in uf.VALIDATION_POINTS if p.unit == "share"
               and p.interval.startswith("assumed")]
    assert [p.key for p in assumed] == ["han2016efficacy"] * 3 + ["ibrahim2012course"]
    for p in assumed:
        assert (p.high - p.value, p.value - p.low) == pytest.approx(
            (val.RATE_TOLERANCE, val.RATE_TOLERANCE), rel=1e-12)
    # Su 2023: 15 and 5 of 42 responding at day 2 or 3, with Wilson intervals
    su = [p for p in uf.VALIDATION_POINTS if p.key == "su2023randomized"]
    assert [p.value for p in su] == [15 / 42, 5 / 42]
    assert [(p.low, p.high) for p in su] == [uf.wilson(15, 42), uf.wilson(5, 42)]
    # Ibrahim 2012: mean 13.2 days to relapse, SE 2.2: a normal 95 % interval
    (days,) = [p for p in uf.VALIDATION_POINTS if p.key == "ibrahim2012course"
               and p.unit == "days"]
    assert (days.low, days.high) == pytest.approx((13.2 - 1.959964 * 2.2,
                                                   13.2 + 1.959964 * 2.2), rel=1e-12)
    # "lost" by days 10-12: within 1.96 SE of d for two arms of 117 (234 patients)
    assert val.LOST_D == pytest.approx(1.959964 * math.sqrt(2 / 117), rel=1e-12)
    assert val.LOST_D == pytest.approx(0.256, abs=1e-3)
    assert not any("remission" in p.name for p in uf.VALIDATION_POINTS)


# ======================================================================================
# 7. One person through every level
# ======================================================================================
@pytest.fixture(scope="module")
def person():
    return {t: uf.simulate(INFUSION, treatment=t) for t in uf.TREATMENTS}


def test_one_infusion_lowers_the_madrs_at_24_h(person):
    c = person["ketamine"]
    assert c.at(0) == c.person.baseline_madrs == 35.8
    assert 0.0 < c.at(24) < c.at(0)
    assert c.at(24) == c.madrs[23]
    assert np.all((c.cadss >= 0) & (c.cadss <= 92)) and np.all((c.ego_score >= 0)
                                                                & (c.ego_score <= 100))
    assert np.array_equal(c.response_h, c.t_h[c.madrs <= 0.5 * 35.8])


def test_placebos_have_no_acute_action(person):
    for t in ("midazolam", "saline"):
        assert np.all(person[t].acute == 0.0), t
        assert person[t].at(24) > person["ketamine"].at(24)
    # a felt placebo relieves more than an unfelt one (active 0.303 > inert 0.197)
    assert np.all(person["midazolam"].nonspecific >= person["saline"].nonspecific)
    assert person["midazolam"].at(24) < person["saline"].at(24)


@pytest.mark.parametrize("field, bad", [
    ("cl_factor", 0.1), ("cl_factor", 6.0), ("baseline_madrs", -1.0), ("baseline_madrs", 61.0),
    ("network_sensitivity", -0.1), ("network_sensitivity", 11.0), ("responsiveness", 2.1),
    ("responsiveness", -0.1), ("placebo_responsiveness", 2.5), ("cl_factor", math.nan)])
def test_person_bounds_are_refused(field, bad):
    with pytest.raises(ValueError, match=field):
        uf.Person(**{field: bad})


# ======================================================================================
# 8. Bad input, wherever it is checked
# ======================================================================================
@pytest.fixture(scope="module")
def small(arms300):
    table = uf.patient_table(3, 0)
    return dict(table=table, course=arms300["ketamine"], control=arms300["midazolam"],
                data=uf.calibration_data(n=20, seed=0))


_T = uf.ARMS["ketamine"]
BAD = [
    (lambda f: uf.exposure(INFUSION, cl_factor=0.1), "cl_factor"),
    (lambda f: uf.exposure(INFUSION, t_end_h=10.5), "t_end_h"),
    (lambda f: uf.exposure(INFUSION, t_end_h=5000.0), "t_end_h"),
    (lambda f: uf.exposure(INFUSION, n_parcels=150), "n_parcels"),
    (lambda f: uf.exposure(INFUSION, ablate_spine_formation=1), "ablate_spine_formation"),
    (lambda f: uf.simulate(INFUSION, treatment="esketamine"), "treatment"),
    (lambda f: uf.simulate(INFUSION, therapy="weekly"), "therapy"),
    (lambda f: uf.simulate(INFUSION, 48.0).at(49.0), "t_h"),
    (lambda f: uf.Arm("", "ketamine", _T.doses), "name"),
    (lambda f: uf.Arm(3, "ketamine", _T.doses), "name"),
    (lambda f: uf.Arm("a", "esketamine", _T.doses), "treatment"),
    (lambda f: uf.Arm("a", "ketamine", _T.doses, therapy="weekly"), "therapy"),
    (lambda f: uf.simulate_cohort(f["table"], _T, visits_h=(1.0, 24.0)), "visits_h"),
    (lambda f: uf.simulate_cohort(f["table"], _T, visits_h=(0.0, 48.0, 24.0)), "visits_h"),
    (lambda f: uf.simulate_cohort(f["table"], _T, seed=-1), "seed"),
    (lambda f: uf.simulate_cohort(f["table"], _T, relax="all"), "relax"),
    (lambda f: uf.simulate_cohort(f["table"], _T, noise=1), "noise"),
    (lambda f: uf.simulate_cohort("table", _T), "table"),
    (lambda f: uf.simulate_cohort(f["table"], "ketamine"), "arm"),
    (lambda f: uf.acute_state(f["table"], INFUSION, relax="all"), "relax"),
    (lambda f: uf.patient_table(0), "n"),
    (lambda f: uf.patient_table(3, seed=1.5), "seed"),
    (lambda f: uf.patient_table(3, first_id=-1), "first_id"),
    (lambda f: uf.patient_table(3, params=uf.CohortParams(entry_madrs=60.0,
                                                          baseline_madrs_mean=20.0,
                                                          baseline_madrs_sd=1.0)),
     "entry_madrs"),
    (lambda f: uf.concat_tables([]), "tables"),
    (lambda f: uf.concat_tables([f["table"], "table"]), "tables"),
    (lambda f: f["course"].at(5.0), "visit_h"),
    (lambda f: f["course"].response_kept(0.0), "from_visit_h"),
    (lambda f: f["course"].response_kept(5.0), "from_visit_h"),
    (lambda f: uf.virtual_trial(["ketamine"], 10), "arms"),
    (lambda f: uf.virtual_trial(["ketamine", "ketamine"], 10), "arms"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 3), "n"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 10, ratio=(1,)), "ratio"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 10, ratio=(2, 0)), "ratio"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 5, ratio=(10, 1)), "n"),
    (lambda f: uf.simulate_cohort(f["table"], _T, visits_h=(0.0, 24.5)), "visits_h"),
    (lambda f: uf.exposure(uf.ARMS["ketamine course"].doses, 48.0), "doses"),
    (lambda f: uf.wilson(11, 10), "k"),
    (lambda f: uf.wilson(0, 0), "n"),
    (lambda f: uf.wilson(5, 10, z=0.0), "z"),
    (lambda f: uf.compare(f["course"], f["control"], visit_h=-1.0), "visit_h"),
    (lambda f: uf.summarise("course", 24.0), "course"),
    (lambda f: uf.replicate(f["course"], f["control"], 301, 5), "n_treated"),
    (lambda f: uf.replicate(f["course"], f["control"], 5, 1), "n_control"),
    (lambda f: uf.replicate(f["course"], f["control"], 5, 5, n_rep=0), "n_rep"),
    (lambda f: uf.calibrate(data="data"), "data"),
    (lambda f: uf.calibrate(f["data"], start="start"), "start"),
    (lambda f: cal.expected_arm(f["data"], "ketamine", uf.OutcomeParams()), "arm"),
    (lambda f: uf.madrs(61.0, 0.0, 0.0, 0.0), "baseline"),
    (lambda f: uf.madrs(30.0, 0.96, 0.0, 0.0), "nonspecific"),
    (lambda f: uf.madrs(30.0, 0.0, -0.1, 0.0), "acute"),
    (lambda f: uf.madrs(30.0, 0.0, 0.0, math.nan), "self_revision"),
    (lambda f: uf.responsiveness(0.0, 3.5), "sd"),
    (lambda f: uf.responsiveness([0.0, math.inf], 1.0), "z"),
    (lambda f: uf.cadss(1.1), "dissociation"),
    (lambda f: uf.ego_score(-0.1), "ego_dissolution"),
    (lambda f: uf.dissociation_and_dose((0.3, 0.2)), "doses_mg_per_kg"),
    (lambda f: uf.dissociation_and_dose((0.3,)), "doses_mg_per_kg"),
    (lambda f: uf.therapy_in_window(n=5, outside_h=12.0), "outside_h"),
    (lambda f: uf.therapy_in_window(n=5, after_h=100.5), "after_h"),
    (lambda f: uf.relapse_after_course(n=10), "n"),
    (lambda f: uf.relapse_after_course(n=20, follow_h=100.0), "follow_h"),
    (lambda f: uf.ego_and_improvement(n=20, self_share=1.5), "self_share"),
    (lambda f: uf.phenomenology_map(doses_mg_per_kg=()), "doses_mg_per_kg"),
    (lambda f: uf.phenomenology_map(contexts=()), "contexts"),
    (lambda f: uf.phenomenology_map(n=0), "n"),
    (lambda f: uf.validate(n=10), "n"),
    (lambda f: f["course"].at("24"), "visit_h"),
    (lambda f: f["course"].response_kept([24.0]), "from_visit_h"),
    (lambda f: uf.simulate_cohort(f["table"], _T, relax=["both"]), "relax"),
    (lambda f: uf.acute_state(f["table"], INFUSION, relax=np.array(["SN", "DMN"])), "relax"),
    (lambda f: f["table"].take([0, 3]), "index"),
    (lambda f: f["table"].take([-1]), "index"),
    (lambda f: f["table"].take([0.0, 1.0]), "index"),
    (lambda f: f["table"].take(np.array([True, False, True])), "index"),
    (lambda f: f["course"].response_kept(24.0).resampled_rmst_days([300]), "people"),
    (lambda f: f["course"].response_kept(24.0).resampled_rmst_days([-1]), "people"),
    (lambda f: f["course"].response_kept(24.0).resampled_rmst_days([[0, 1]]), "people"),
    (lambda f: uf.rmst_days([0.0, 48.0, 24.0], [1.0, 0.5, 0.25]), "t_h"),
    (lambda f: uf.rmst_days([0.0, 24.0, 48.0], [1.0, 0.5]), "share"),
    (lambda f: uf.rmst_days([0.0, 24.0], [1.0, 1.5]), "share"),
    (lambda f: uf.rmst_days([[0.0, 24.0]], [[1.0, 0.5]]), "t_h"),
    (lambda f: uf.block_normals(-1, 0, np.arange(3), 2), "seed"),
    (lambda f: uf.block_normals(0, 1.0, np.arange(3), 2), "stream"),
    (lambda f: uf.block_normals(0, 0, np.array([0, -1]), 2), "ids"),
    (lambda f: uf.block_normals(0, 0, np.arange(3.0), 2), "ids"),
    (lambda f: uf.block_normals(0, 0, np.arange(3), -2), "size"),
    (lambda f: uf.arm("esketamine"), "name"),
    (lambda f: uf.virtual_trial("ketamine", 10), "arms"),
    (lambda f: uf.virtual_trial(["ketamine", "esketamine"], 10), "arms"),
    (lambda f: uf.virtual_trial(["ketamine", 3], 10), "arms"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 10, ratio=2), "ratio"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 10, ratio=(1.0, 1.0)), "ratio"),
    (lambda f: uf.virtual_trial(["ketamine", "saline"], 10, cohort="cohort"), "cohort"),
    (lambda f: uf.phenomenology_map(contexts="neutral"), "contexts"),
    (lambda f: uf.phenomenology_map(contexts=["neutral", "no such setting"]), "contexts"),
    (lambda f: uf.phenomenology_map(contexts=0.5), "contexts"),
    (lambda f: uf.responsiveness("0.5", 1.0), "z"),
    (lambda f: uf.nonspecific_relief([1.0, math.nan], 0.3), "t_h"),
    (lambda f: uf.nonspecific_relief([1.0, 2.0], [0.3, -0.1]), "level"),
    (lambda f: uf.nonspecific_relief([1.0, 2.0], [0.3, 0.2, 0.1]), "level"),
    (lambda f: uf.rate([10.0, math.inf], 0.0, 2.0), "expected"),
    (lambda f: uf.rate(10.0, "0", 2.0), "z"),
    (lambda f: uf.rate([10.0, 20.0], [0.0, 1.0, 2.0], 2.0), "z"),
    (lambda f: uf.rate(10.0, 0.0, -1.0), "visit_sd"),
    (lambda f: uf.responded([30.0, math.nan], 15.0), "baseline"),
    (lambda f: uf.responded(30.0, "15"), "score"),
    (lambda f: uf.remitted([10.0, -1.0]), "score"),
    (lambda f: uf.run_prediction("dissociation and dose", failing=1), "failing"),
    (lambda f: uf.run_prediction("dissociation and dose", failing="yes"), "failing"),
]


@pytest.mark.parametrize("call, name", BAD, ids=[f"{i}-{name}" for i, (_, name) in
                                                 enumerate(BAD)])
def test_bad_input_is_refused_naming_the_parameter(small, call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call(small)


def test_the_therapy_of_the_standard_arms_is_the_chapters_default():
    # The predictions' and the arms' therapy is Chapter 5's default (sessions from 12 h).
    assert uf.ARMS["ketamine + therapy"].therapy == sm.Therapy()
    assert uf.ARMS["ketamine course"].doses == tuple(ph.repeated_infusions(4, 84.0))


def test_the_scale_range_bounds_scores_and_ratings():
    # a 50-point scale: scores and ratings stop at 50, baselines above it are refused
    short = uf.Scales(madrs_max=50.0)
    assert uf.madrs(50.0, 0.0, 0.0, -1.0, scales=short) == 50.0
    assert uf.madrs(50.0, 0.0, 0.0, -1.0) == 60.0  # 50 x 1.4, clipped to 60
    assert uf.rate(49.0, 3.0, 2.0, scales=short) == 50.0
    assert uf.rate(49.0, 3.0, 2.0) == 55.0
    with pytest.raises(ValueError, match="baseline"):
        uf.madrs(55.0, 0.0, 0.0, 0.0, scales=short)
