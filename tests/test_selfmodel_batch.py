"""The self-model for many people at once (:mod:`ketamodel.selfmodel.batch`).

:func:`~ketamodel.selfmodel.batch.simulate_batch` promises that row ``i`` is
:func:`~ketamodel.selfmodel.model.simulate_drive` for person ``i``. The tests hold it to
that promise and to what follows from it:

- each row against the one-person filter, with and without therapy, noise and either
  message, and with the factors of :func:`~ketamodel.selfmodel.batch.batch_factors`;
- no row depends on the other people: splitting or reordering the batch changes nothing;
- the noise is that of the seeds (or of the draws given as ``innovations``), reproducibly;
- shapes, dtypes and the documented ranges of every output;
- :func:`~ketamodel.selfmodel.batch.hourly_operator` against the dense means it stands for;
- bad input refused with a ``ValueError`` that names the parameter.

The people are synthetic drug courses (a bump of disintegration and of the plasticity
window, each person with their own time, depth and width), so that no test needs the
network model of Chapter 4 and the file runs in a few seconds.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from ketamodel import selfmodel as sm
from ketamodel.selfmodel import batch as sb

P = sm.SelfModelParams()
HOURS = 96
FAST = settings(max_examples=15, deadline=None, database=None)
TINY = np.finfo(float).tiny
# Within an hour of the fine grid, a sample off the quarter hours shared by everyone.
OFF_GRID_H = 30.0 + 1.0 / 3600.0
# The one-person filter runs on Python floats, the batch on arrays: the same equations in
# the same order, so the module promises agreement to 1e-12 (in practice it is bit for bit).
ROW = dict(rtol=1e-12, atol=1e-12)
PER_PERSON = ("biographical_self", "consolidated_self", "learning_rate", "dissociation",
              "ego_dissolution", "revision", "belief_revision")
# (peak h, SN depth, DMN depth, width h, window gain): the fourth has no drug at all
PEOPLE = ((3.0, 0.30, 0.45, 1.0, 2.0), (10.0, 0.60, 0.20, 3.0, 0.5), (24.0, 0.10, 0.70, 0.5, 4.0),
          (5.0, 0.0, 0.0, 1.0, 0.0), (40.0, 0.90, 0.90, 6.0, 1.0), (1.0, 0.45, 0.05, 0.25, 8.0))
SEEDS = (3, 1, 4, 1, 5, 9)                      # a repeated seed: two people, the same draws


def _drive(peak_h, sn_depth, dmn_depth, width_h, window_gain, hours=HOURS):
    """A person's drug course as a :class:`~ketamodel.selfmodel.drive.Drive`.

    D is a Gaussian bump at ``peak_h`` on a quarter-hour grid plus :data:`OFF_GRID_H`; the
    SN's dips below 0 afterwards (read as no relaxation); the window is a wider bump
    8 h later.
    """
    fine = np.union1d(np.arange(4 * hours + 1) / 4.0, [OFF_GRID_H])
    bump = np.exp(-0.5 * ((fine - peak_h) / width_h) ** 2)
    later = np.exp(-0.5 * ((fine - peak_h - 3 * width_h) / width_h) ** 2)
    d_sn, d_dmn = sn_depth * bump - 0.05 * sn_depth * later, dmn_depth * bump
    edges = np.arange(hours + 1.0)
    t_h = edges[1:]
    window = 1.0 + window_gain * np.exp(-0.5 * ((t_h - peak_h - 8.0) / (4.0 * width_h)) ** 2)
    return sm.Drive(t_h=t_h, occupancy=sm.bin_means(fine, 0.5 * bump, edges),
                    sn_disintegration=sm.bin_means(fine, d_sn, edges),
                    dmn_disintegration=sm.bin_means(fine, d_dmn, edges), window=window,
                    context=0.0, fine_t_h=fine, fine_sn=d_sn, fine_dmn=d_dmn)


def _factors(drives, params=P):
    """(sn_factor, dmn_factor, window) of the drives, stacked: one row per person."""
    sn = np.stack([sm.hourly_factor(d, "SN", params.sn_sensitivity) for d in drives])
    dmn = np.stack([sm.hourly_factor(d, "DMN", params.dmn_sensitivity) for d in drives])
    return sn, dmn, np.stack([d.window for d in drives])


def _as_batch(course):
    """A one-person course in the batch's terms (``belief_revision`` computed as documented)."""
    p = course.params
    span = p.support_evidence - p.belief_start
    return {"biographical_self": course.biographical_self,
            "consolidated_self": course.consolidated_self,
            "learning_rate": course.learning_rate, "dissociation": course.dissociation,
            "ego_dissolution": course.ego_dissolution, "revision": course.revision,
            "belief_revision": (course.biographical_self - p.belief_start) / span}


def _assert_rows_equal(a, b):
    for name in PER_PERSON:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def _innovations(seeds, hours=HOURS):
    """The draws of :func:`~ketamodel.selfmodel.model.simulate_drive` for each seed."""
    out = np.empty((len(seeds), 2, hours))
    for i, s in enumerate(seeds):
        rng = np.random.default_rng(s)
        out[i, 0], out[i, 1] = rng.standard_normal(hours), rng.standard_normal(hours)
    return out


@pytest.fixture(scope="module")
def drives():
    return [_drive(*person) for person in PEOPLE]


@pytest.fixture(scope="module")
def factors(drives):
    return _factors(drives)


@pytest.fixture(scope="module")
def noisy(factors):
    return sm.simulate_batch(*factors, therapy=sm.Therapy(), seeds=SEEDS)


# ======================================================================================
# (a) Each row is the one-person filter
# ======================================================================================
@pytest.mark.parametrize("therapy", [None, sm.Therapy()], ids=["drug", "drug+therapy"])
@pytest.mark.parametrize("message", sm.MESSAGES)
@pytest.mark.parametrize("seeds", [None, SEEDS, (0, 10, 20, 30, 40, 50)],
                         ids=["smooth", "seeds", "other-seeds"])
def test_each_row_is_the_one_person_filter(drives, factors, therapy, message, seeds):
    batch = sm.simulate_batch(*factors, therapy=therapy, message=message, seeds=seeds)
    for i, d in enumerate(drives):
        one = sm.simulate_drive(d, therapy=therapy, message=message,
                                seed=0 if seeds is None else seeds[i], noise=seeds is not None)
        for name, want in _as_batch(one).items():
            np.testing.assert_allclose(getattr(batch, name)[i], want, **ROW, err_msg=name)
        assert np.array_equal(batch.therapy, one.therapy)
        assert np.array_equal(batch.t_h, one.t_h)


@FAST
@given(st.floats(0.5, 80.0), st.floats(0.0, 0.99), st.floats(0.0, 0.99), st.floats(0.25, 10.0),
       st.floats(0.0, 20.0), st.integers(0, 2**32 - 1), st.booleans())
def test_a_row_is_the_one_person_filter_for_any_course(peak, sn_depth, dmn_depth, width, gain,
                                                       seed, therapy):
    # The person sits beside a fixed other one, so that the batch has more than one row.
    person, other = _drive(peak, sn_depth, dmn_depth, width, gain), _drive(*PEOPLE[0])
    schedule = sm.Therapy() if therapy else None
    batch = sm.simulate_batch(*_factors([other, person]), therapy=schedule, seeds=[7, seed])
    one = sm.simulate_drive(person, therapy=schedule, seed=seed)
    for name, want in _as_batch(one).items():
        np.testing.assert_allclose(getattr(batch, name)[1], want, **ROW, err_msg=name)


def test_innovations_are_the_draws_of_the_seeds(drives, factors, noisy):
    # Given as numbers instead of seeds, the same draws make the same course: the same
    # arithmetic on the same inputs, so exactly; and each row is the one-person filter.
    given_draws = sm.simulate_batch(*factors, therapy=sm.Therapy(),
                                    innovations=_innovations(SEEDS))
    _assert_rows_equal(given_draws, noisy)
    one = sm.simulate_drive(drives[2], therapy=sm.Therapy(), seed=SEEDS[2])
    np.testing.assert_allclose(given_draws.biographical_self[2], one.biographical_self, **ROW)


def test_generators_as_seeds_draw_as_the_seeds_do(factors, noisy):
    gens = [np.random.default_rng(s) for s in SEEDS]
    _assert_rows_equal(sm.simulate_batch(*factors, therapy=sm.Therapy(), seeds=gens), noisy)


def test_batch_factors_are_the_hourly_factor(drives):
    # Two summations of the same few trapezoids of each hour (rho <= 1), in different
    # orders: they agree to a few ulps of 1.
    fine = drives[0].fine_t_h
    g = np.array([0.0, 1.0, 6.0, 6.0, 20.0, 50.0])
    for level, field in (("SN", "fine_sn"), ("DMN", "fine_dmn")):
        d = np.stack([getattr(x, field) for x in drives])
        got = sm.batch_factors(fine, d, g, HOURS)
        want = np.stack([sm.hourly_factor(x, level, gi) for x, gi in zip(drives, g, strict=True)])
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
        assert got.shape == (len(drives), HOURS)
        assert np.all(got > 0) and np.all(got <= 1.0)
    # g = 0, or a network that never disintegrates: nothing relaxed
    assert np.all(got[0] == pytest.approx(1.0, abs=1e-15))
    assert np.all(got[3] == pytest.approx(1.0, abs=1e-15))


def test_a_cohort_from_batch_factors_is_the_one_person_filter(drives):
    # The factors differ from hourly_factor's in the last bits (above); the filter does not
    # amplify them, so the rows still agree to 1e-12.
    fine = drives[0].fine_t_h
    n = len(drives)
    sn = sm.batch_factors(fine, np.stack([d.fine_sn for d in drives]),
                          np.full(n, P.sn_sensitivity), HOURS)
    dmn = sm.batch_factors(fine, np.stack([d.fine_dmn for d in drives]),
                           np.full(n, P.dmn_sensitivity), HOURS)
    window = np.stack([d.window for d in drives])
    batch = sm.simulate_batch(sn, dmn, window, therapy=sm.Therapy(), seeds=SEEDS)
    for i, d in enumerate(drives):
        one = sm.simulate_drive(d, therapy=sm.Therapy(), seed=SEEDS[i])
        for name, want in _as_batch(one).items():
            np.testing.assert_allclose(getattr(batch, name)[i], want, **ROW, err_msg=name)


def test_the_filter_runs_hour_major_and_leaves_its_inputs_alone(factors, noisy):
    # _run_batch takes (hours, people) arrays and returns mu3, m, learning rate and the two
    # indices the same way round; simulate_batch only transposes them.
    sn, dmn, window = (np.ascontiguousarray(f.T) for f in factors)
    therapy = noisy.therapy
    ext = np.where(therapy, P.therapy_precision, P.exteroceptive_precision)
    z = _innovations(SEEDS)
    u_i = (P.everyday_evidence + z[:, 0] / math.sqrt(P.interoceptive_precision)).T.copy()
    u_e = (np.where(therapy, P.support_evidence, P.everyday_evidence)
           + z[:, 1] / np.sqrt(ext)).T.copy()
    inputs = [a.copy() for a in (u_i, u_e, ext, sn, dmn, window)]
    out = sb._run_batch(u_i, u_e, ext, sn, dmn, window, P, True)
    assert len(out) == 5 and all(a.shape == (HOURS, len(SEEDS)) for a in out)
    for got, name in zip(out, ("biographical_self", "consolidated_self", "learning_rate",
                               "dissociation", "ego_dissolution"), strict=True):
        assert np.array_equal(got.T, getattr(noisy, name)), name
    for before, after in zip(inputs, (u_i, u_e, ext, sn, dmn, window), strict=True):
        assert np.array_equal(before, after)


# ======================================================================================
# (b) No row depends on the other people
# ======================================================================================
def _rows(course, index):
    return {name: getattr(course, name)[index] for name in PER_PERSON}


@pytest.mark.parametrize("cuts", [(2,), (1, 3, 5), (1, 2, 3, 4, 5)], ids=["2+4", "1+2+2+1", "1s"])
def test_splitting_the_batch_changes_no_row(factors, noisy, cuts):
    # Every operation of the filter is elementwise, person by person: bit for bit.
    bounds = (0, *cuts, len(SEEDS))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        part = sm.simulate_batch(*(f[lo:hi] for f in factors), therapy=sm.Therapy(),
                                 seeds=SEEDS[lo:hi])
        for name, rows in _rows(noisy, slice(lo, hi)).items():
            assert np.array_equal(getattr(part, name), rows), (name, lo, hi)


@FAST
@given(st.permutations(range(len(PEOPLE))), st.integers(1, len(PEOPLE) - 1),
       st.integers(0, 2**32 - 1), st.sampled_from(sm.MESSAGES))
def test_any_split_and_order_changes_no_row(order, cut, seed, message):
    sn, dmn, window = _factors([_drive(*person) for person in PEOPLE])
    z = np.random.default_rng(seed).standard_normal((len(PEOPLE), 2, HOURS))
    whole = sm.simulate_batch(sn, dmn, window, message=message, innovations=z)
    idx = np.array(order)
    for part in (idx[:cut], idx[cut:]):
        got = sm.simulate_batch(sn[part], dmn[part], window[part], message=message,
                                innovations=z[part])
        for name, rows in _rows(whole, part).items():
            assert np.array_equal(getattr(got, name), rows), name


# ======================================================================================
# (c) The noise is the seeds'
# ======================================================================================
def test_the_same_seeds_give_the_same_course(factors, noisy):
    _assert_rows_equal(sm.simulate_batch(*factors, therapy=sm.Therapy(), seeds=SEEDS), noisy)
    # two people with the same seed and the same course would have the same row; here the
    # courses differ (people 1 and 3 share seed 1), so the rows differ
    assert not np.array_equal(noisy.biographical_self[1], noisy.biographical_self[3])


def test_other_seeds_give_other_beliefs_but_the_same_indices(factors, noisy):
    other = sm.simulate_batch(*factors, therapy=sm.Therapy(), seeds=[s + 100 for s in SEEDS])
    for i in range(len(SEEDS)):
        assert not np.array_equal(other.biographical_self[i], noisy.biographical_self[i])
        assert not np.array_equal(other.consolidated_self[i], noisy.consolidated_self[i])
    # precisions, and so the indices and the learning rate, do not depend on the inputs'
    # values, only on their precisions
    for name in ("learning_rate", "dissociation", "ego_dissolution"):
        assert np.array_equal(getattr(other, name), getattr(noisy, name)), name


def test_a_persons_row_depends_on_their_own_seed_only(factors, noisy):
    seeds = list(SEEDS)
    seeds[2] = 12345
    other = sm.simulate_batch(*factors, therapy=sm.Therapy(), seeds=seeds)
    changed = [not np.array_equal(other.biographical_self[i], noisy.biographical_self[i])
               for i in range(len(seeds))]
    assert changed == [i == 2 for i in range(len(seeds))]


def test_no_noise_is_zero_innovations_and_differs_from_noise(factors, noisy):
    smooth = sm.simulate_batch(*factors, therapy=sm.Therapy())
    _assert_rows_equal(sm.simulate_batch(*factors, therapy=sm.Therapy(),
                                         innovations=np.zeros((len(SEEDS), 2, HOURS))), smooth)
    assert np.all(np.any(smooth.biographical_self != noisy.biographical_self, axis=1))


# ======================================================================================
# (d) Shapes, dtypes and ranges
# ======================================================================================
def test_shapes_and_dtypes(factors, noisy):
    for name in PER_PERSON:
        a = getattr(noisy, name)
        assert a.shape == (len(SEEDS), HOURS) and a.dtype == np.float64, name
        assert np.all(np.isfinite(a)), name
    assert noisy.t_h.shape == (HOURS,) and noisy.t_h.dtype == np.float64
    assert np.array_equal(noisy.t_h, np.arange(1.0, HOURS + 1))
    assert noisy.therapy.dtype == np.bool_
    assert np.array_equal(noisy.therapy, sm.therapy_steps(sm.Therapy(), noisy.t_h))
    assert noisy.therapy.sum() == 6                  # three two-hour sessions
    assert noisy.params == P
    one = sm.simulate_batch(*(f[:1] for f in factors))
    assert one.biographical_self.shape == (1, HOURS)


def test_indices_are_the_relaxation_of_the_factor(factors, noisy):
    sn, dmn, _ = factors
    # dissociation: the minimal self's prior relaxed by the SN factor, the body as evidence
    want = (1.0 - sn) * P.interoceptive_precision / (sn * P.minimal_self_precision
                                                     + P.interoceptive_precision)
    np.testing.assert_allclose(noisy.dissociation, want, rtol=1e-15, atol=0)
    # nothing relaxed, nothing dissolved (exactly: (1 - rho) is 0)
    assert np.all(noisy.dissociation[sn == 1.0] == 0.0)
    assert np.all(noisy.ego_dissolution[dmn == 1.0] == 0.0)
    assert np.all(noisy.dissociation[3] == 0.0) and np.all(noisy.ego_dissolution[3] == 0.0)
    # and any relaxation, however slight, shows
    assert np.all(noisy.dissociation[sn < 1.0] > 0.0)
    assert np.all(noisy.ego_dissolution[dmn < 1.0] > 0.0)


def test_indices_are_the_drugs_alone(factors, noisy):
    # Documented: computed from the drug alone, so neither sessions nor noise change them.
    bare = sm.simulate_batch(*factors)
    for name in ("dissociation", "ego_dissolution"):
        assert np.array_equal(getattr(bare, name), getattr(noisy, name)), name
    # the learning rate does see the sessions (their evidence is more precise)
    assert not np.array_equal(bare.learning_rate, noisy.learning_rate)


def test_revision_lies_between_the_start_and_the_therapists_evidence(factors):
    # Without noise every update is a weighted mean of the belief and evidence at -2
    # (everyday, = the start) or +1 (the therapist): both revisions stay in [0, 1].
    smooth = sm.simulate_batch(*factors, therapy=sm.Therapy())
    for name in ("revision", "belief_revision"):
        a = getattr(smooth, name)
        assert np.all(a >= 0.0) and np.all(a <= 1.0), name
    assert np.all(smooth.revision[:, -1] > 0.0)
    # without therapy the evidence is the start itself: nothing moves, exactly
    bare = sm.simulate_batch(*factors)
    assert np.all(bare.revision == 0.0) and np.all(bare.belief_revision == 0.0)
    span = P.support_evidence - P.belief_start
    np.testing.assert_allclose(smooth.revision, (smooth.consolidated_self - P.belief_start)
                               / span, rtol=1e-15, atol=0)


@FAST
@given(st.integers(1, 5), st.integers(1, 48), st.integers(0, 2**32 - 1),
       st.sampled_from(sm.MESSAGES), st.booleans())
def test_every_output_stays_in_its_range_for_any_factors(people, hours, seed, message, deep):
    # Factors anywhere in (0, 1] (down to the smallest float, and exactly 1), windows in
    # [1, 100] that consolidation allows, any draws.
    rng = np.random.default_rng(seed)
    shape = (people, hours)
    power = 1000.0 if deep else 5.0
    sn, dmn = (np.clip(rng.uniform(size=shape) ** power, TINY, 1.0) for _ in range(2))
    sn[rng.uniform(size=shape) < 0.2] = 1.0
    dmn[rng.uniform(size=shape) < 0.2] = TINY
    window = 1.0 + 99.0 * rng.uniform(size=shape) ** 3
    z = rng.standard_normal((people, 2, hours))
    c = sm.simulate_batch(sn, dmn, window, message=message, innovations=z)
    for name in ("dissociation", "ego_dissolution"):
        a = getattr(c, name)
        assert np.all(a >= 0.0) and np.all(a <= 1.0), name
    assert np.all(c.learning_rate > 0.0) and np.all(c.learning_rate <= 1.0)
    for name in PER_PERSON:
        assert np.all(np.isfinite(getattr(c, name))), name


# ======================================================================================
# (e) hourly_operator
# ======================================================================================
def _dense_operator(t, n_hours):
    """Column j: the hourly means of the hat function of sample j, by bin_means."""
    edges = np.arange(n_hours + 1.0)
    return np.stack([sm.bin_means(t, np.eye(t.size)[j], edges) for j in range(t.size)], axis=1)


def test_hourly_operator_is_sparse_and_hours_by_samples():
    t = np.union1d(np.arange(4 * HOURS + 1) / 4.0, [OFF_GRID_H])
    op = sb.hourly_operator(t, HOURS)
    assert sparse.issparse(op) and op.format == "csr"
    assert op.shape == (HOURS, t.size)
    # an hour touches its own samples and at most one more on each side
    assert op.nnz <= t.size + 3 * HOURS
    assert op.nnz < 0.02 * HOURS * t.size


def test_hourly_operator_is_the_dense_mean_by_hand():
    # Samples at 0, 0.5, 2, 3: an edge (1 h) between samples, an hour with no sample inside.
    # Entry (k, j) is the mean over hour k of sample j's hat function; sample 1's hat is
    # 2/3 at 1 h, sample 2's 1/3, so over [0, 1]: 1/4, 1/4 + (1 + 2/3)/4 = 2/3, (1/3)/4 = 1/12;
    # over [1, 2]: (2/3)/2 = 1/3 and (1/3 + 1)/2 = 2/3; over [2, 3]: 1/2 and 1/2.
    t = np.array([0.0, 0.5, 2.0, 3.0])
    op = sb.hourly_operator(t, 3).toarray()
    want = np.array([[1 / 4, 2 / 3, 1 / 12, 0.0], [0.0, 1 / 3, 2 / 3, 0.0], [0.0, 0.0, 0.5, 0.5]])
    np.testing.assert_allclose(op, want, rtol=0, atol=1e-15)
    np.testing.assert_allclose(op, _dense_operator(t, 3), rtol=0, atol=1e-15)


@FAST
@given(st.lists(st.floats(0.05, 2.5), min_size=2, max_size=40), st.integers(0, 2**32 - 1))
def test_hourly_operator_applied_is_bin_means(steps, seed):
    # Any grid: several samples an hour, hours without a sample inside, samples past the
    # last hour. Entries and results are means of numbers <= 1 over at most ~60 pieces,
    # computed in two orders: they agree to 1e-14.
    t = np.concatenate([[0.0], np.cumsum(steps)])
    n_hours = int(np.floor(t[-1]))
    if n_hours < 1:
        return
    op = sb.hourly_operator(t, n_hours)
    assert op.shape == (n_hours, t.size)
    dense = op.toarray()
    np.testing.assert_allclose(dense, _dense_operator(t, n_hours), rtol=0, atol=1e-14)
    assert np.all(dense >= 0.0)
    np.testing.assert_allclose(dense.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    y = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(t.size, 3))
    edges = np.arange(n_hours + 1.0)
    want = np.stack([sm.bin_means(t, y[:, k], edges) for k in range(3)], axis=1)
    np.testing.assert_allclose(op @ y, want, rtol=0, atol=1e-14)
    # samples after the last hour (and past the next one) take no part
    assert np.all(dense[:, t > n_hours + 2.5] == 0.0)


# ======================================================================================
# (f) Bad input
# ======================================================================================
def _good(people=2, hours=4):
    return dict(sn_factor=np.full((people, hours), 0.5), dmn_factor=np.full((people, hours), 0.8),
                window=np.full((people, hours), 1.5))


def _with(**changes):
    return {**_good(), **changes}


@pytest.mark.parametrize("kwargs, name", [
    (_with(sn_factor=np.full(4, 0.5)), "sn_factor"),                      # one person, 1-D
    (_with(sn_factor=np.full((2, 4, 1), 0.5)), "sn_factor"),
    (_with(sn_factor=np.zeros((2, 4))), "sn_factor"),                     # rho = 0
    (_with(sn_factor=np.full((2, 4), 1.5)), "sn_factor"),
    (_with(sn_factor=np.full((2, 4), math.nan)), "sn_factor"),
    (_with(dmn_factor=np.full((2, 4), -0.1)), "dmn_factor"),
    (_with(dmn_factor=np.full((2, 4), math.inf)), "dmn_factor"),
    (_with(window=np.full((2, 4), 0.5)), "window"),                       # below 1
    (_with(window=np.full((2, 4), 101.0)), "window"),
    (_with(window=np.full((2, 4), math.nan)), "window"),
    (_with(window="wide"), "window"),
    (_with(dmn_factor=np.full((2, 5), 0.8)), "dmn_factor"),               # lengths differ
    (_with(window=np.full((3, 4), 1.5)), "window"),                       # people differ
    (_good(hours=0), "sn_factor"),
    (_good(people=0), "sn_factor"),
    (_with(message="kalman"), "message"),
    (_with(therapy="weekly"), "therapy"),
    (_with(therapy=sm.Therapy(start_h=2.0, duration_h=3.0)), "therapy"),  # ends after 4 h
    (_with(params={"coupling": 1.0}), "params"),
    (_with(seeds=[1]), "seeds"),                                          # one for two
    (_with(seeds=[1, 2, 3]), "seeds"),
    (_with(seeds=5), "seeds"),                                            # not a sequence
    (_with(seeds=np.random.default_rng(0)), "seeds"),
    (_with(seeds="12"), "seeds"),
    (_with(seeds=[1, -2]), "seed"),
    (_with(seeds=[1, 2.5]), "seed"),
    (_with(innovations=np.zeros((2, 4))), "innovations"),
    (_with(innovations=np.zeros((2, 2, 5))), "innovations"),
    (_with(innovations=np.zeros((3, 2, 4))), "innovations"),
    (_with(innovations=np.full((2, 2, 4), math.nan)), "innovations"),
    (_with(innovations=np.zeros((2, 2, 4)), seeds=[1, 2]), "seeds or innovations"),
    (_with(window=np.full((2, 4), 90.0), params=sm.SelfModelParams(consolidation_h=50.0)),
     "consolidation_h"),                                                  # an hour overshoots
])
def test_simulate_batch_refuses_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        sm.simulate_batch(**kwargs)


FINE = np.array([0.0, 0.5, 1.0, 2.0])
D2 = np.full((2, 4), 0.3)
G2 = np.array([1.0, 6.0])


@pytest.mark.parametrize("args, name", [
    (([0.5, 1.0, 1.5, 2.0], D2, G2, 2), "fine_t_h"),                     # not from 0
    (([0.0, 1.0, 0.5, 2.0], D2, G2, 2), "fine_t_h"),                     # not increasing
    (([0.0, 1.0, 1.0, 2.0], D2, G2, 2), "fine_t_h"),                     # not strictly
    (([0.0, 0.5, 1.0, 1.5], D2, G2, 2), "fine_t_h"),                     # short of 2 h
    (([0.0, -0.5, 1.0, 2.0], D2, G2, 2), "fine_t_h"),
    (([0.0, math.nan, 1.0, 2.0], D2, G2, 2), "fine_t_h"),
    ((FINE[None], D2, G2, 2), "fine_t_h"),
    ((FINE, np.full((2, 3), 0.3), G2, 2), "disintegration"),             # times differ
    ((FINE, np.full((3, 4), 0.3), G2, 2), "disintegration"),             # people differ
    ((FINE, np.full(4, 0.3), G2, 2), "disintegration"),
    ((FINE, np.full((2, 4), 0.995), G2, 2), "disintegration"),
    ((FINE, np.full((2, 4), -1.5), G2, 2), "disintegration"),
    ((FINE, np.full((2, 4), math.nan), G2, 2), "disintegration"),
    ((FINE, D2, [-1.0, 6.0], 2), "sensitivity"),
    ((FINE, D2, [1.0, 51.0], 2), "sensitivity"),
    ((FINE, D2, [[1.0, 6.0]], 2), "sensitivity"),
    ((FINE, D2, [1.0, math.nan], 2), "sensitivity"),
    ((FINE, D2, G2, 1.5), "n_hours"),                                    # not whole
    ((FINE, D2, G2, 2.0), "n_hours"),                                    # a float
    ((FINE, D2, G2, 0), "n_hours"),
    ((FINE, D2, G2, -1), "n_hours"),
    ((FINE, D2, G2, True), "n_hours"),
    ((FINE, D2, G2, "2"), "n_hours"),
    ((FINE, D2, G2, 3), "fine_t_h"),                                     # past the samples
])
def test_batch_factors_refuses_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        sm.batch_factors(*args)
