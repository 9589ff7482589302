"""Sweeps over partitions: serial and Dask runs agree exactly; the cohort scales by partitions."""

from __future__ import annotations

import numpy as np
import pytest

from ketamodel import sweep as sw
from ketamodel import unified as un
from ketamodel.robustness import CLAIMS, analysis


def _double(block: np.ndarray) -> np.ndarray:
    return 2.0 * block[:, 0]


def _noisy(block: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return block[:, 0] + rng.standard_normal(len(block))


def test_a_sweep_is_the_function_over_every_row_in_order():
    table = np.arange(10.0)[:, None]
    for rows in (1, 3, 10, 64):
        np.testing.assert_array_equal(sw.sweep(_double, table, partition_rows=rows),
                                      2.0 * np.arange(10.0))
    assert sw.sweep(_double, np.empty((0, 1))).shape == (0,)
    assert [s.stop for s in sw.partitions(7, 3)] == [3, 6, 7]


def test_seeds_are_split_per_partition_and_reproducible():
    table = np.zeros((9, 1))
    a = sw.sweep(_noisy, table, partition_rows=3, seed=5)
    b = sw.sweep(_noisy, table, partition_rows=3, seed=5)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[:3], np.random.default_rng((5, 0)).standard_normal(3))
    np.testing.assert_array_equal(a[3:6], np.random.default_rng((5, 1)).standard_normal(3))
    assert not np.array_equal(a, sw.sweep(_noisy, table, partition_rows=3, seed=6))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fn": 3}, "fn must be callable"),
    ({"table": [1.0, 2.0]}, r"table must have 2 dimension\(s\)"),
    ({"table": [[np.nan]]}, "table must contain only finite numbers"),
    ({"partition_rows": 0}, "partition_rows must be a whole number"),
    ({"seed": -2}, "seed must be a whole number"),
    ({"client": object()}, "client must be a dask.distributed Client"),
    ({"fn": lambda b: b[:1, 0]}, "fn must return one row per row of its block"),
])
def test_bad_input_is_refused(kwargs, message):
    args = {"fn": _double, "table": np.ones((3, 1)), **kwargs}
    with pytest.raises(ValueError, match=message):
        sw.sweep(args.pop("fn"), args.pop("table"), **args)


def test_the_cohort_sweep_equals_the_whole_cohort_for_any_partitioning():
    visits = (0.0, 24.0, 168.0)
    whole = un.simulate_cohort(un.patient_table(300, 3), un.ARMS["ketamine"], seed=3,
                               visits_h=visits, t_end_h=168.0)
    for rows in (300, 128, 77):
        s = sw.cohort_sweep(300, seed=3, visits_h=visits, partition_rows=rows)
        np.testing.assert_array_equal(s.madrs, whole.madrs)
        np.testing.assert_array_equal(s.cadss_peak, whole.cadss_peak)
        np.testing.assert_array_equal(s.ego_peak, whole.ego_peak)
    assert 0.4 < s.response_rate(24.0) < 0.8
    with pytest.raises(ValueError, match="visit_h must be one of the visits"):
        s.response_rate(5.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n": 0}, r"n must be a whole number in \[1, 1e\+06\]"),
    ({"n": 2_000_000}, r"n must be a whole number in \[1, 1e\+06\]"),
    ({"arm": "aspirin"}, "arm must be one of"),
    ({"visits_h": (24.0, 48.0)}, "visits_h must start at 0 and increase"),
    ({"visits_h": (0.0, 48.0, 24.0)}, "visits_h must start at 0 and increase"),
    ({"seed": -1}, "seed must be a whole number"),
    ({"visits_h": (0.0, 24.5)}, "visits_h must be whole hours"),
    ({"context": "a disco"}, r"context must be a number in \[-1, 1\] or one of"),
])
def test_the_cohort_sweep_refuses_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sw.cohort_sweep(**{"n": 10, **kwargs})


def test_a_partition_needs_consecutive_ids():
    with pytest.raises(ValueError, match="consecutive patient ids"):
        sw.CohortPartition()(np.array([[0.0], [2.0]]))


@pytest.fixture(scope="module")
def dask_client():
    """A local cluster of two worker processes (the ``scale`` extra)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_serial_and_dask_sweeps_agree_exactly(dask_client):
    assert len(dask_client.scheduler_info()["workers"]) == 2
    key = "ch2.ketamine_partway"
    u = analysis.share_points(len(CLAIMS[key].space()), 64, 0)
    fn = analysis.MarginOf(key)
    np.testing.assert_array_equal(sw.sweep(fn, u, client=dask_client, partition_rows=8),
                                  sw.sweep(fn, u, partition_rows=8))
    key = "ch4.segregation_falls"                 # BLAS and eigenvalues on the workers
    u4 = analysis.share_points(len(CLAIMS[key].space()), 4, 0)
    np.testing.assert_array_equal(
        sw.sweep(analysis.MarginOf(key), u4, client=dask_client, partition_rows=2),
        sw.sweep(analysis.MarginOf(key), u4, partition_rows=2))
    table = np.zeros((40, 1))
    np.testing.assert_array_equal(
        sw.sweep(_noisy, table, client=dask_client, partition_rows=7, seed=11),
        sw.sweep(_noisy, table, partition_rows=7, seed=11))


def test_the_cohort_on_dask_equals_the_serial_cohort(dask_client):
    serial = sw.cohort_sweep(400, seed=1, visits_h=(0.0, 24.0), partition_rows=100)
    spread = sw.cohort_sweep(400, seed=1, visits_h=(0.0, 24.0), partition_rows=100,
                             client=dask_client)
    np.testing.assert_array_equal(serial.madrs, spread.madrs)
    np.testing.assert_array_equal(serial.ego_peak, spread.ego_peak)


def test_morris_on_dask_equals_morris_here(dask_client):
    key = "ch2.depression_blunts_reward"
    labels = CLAIMS[key].space().labels
    here = analysis.morris_of(analysis.MarginOf(key), labels, trajectories=4, seed=3)
    there = analysis.morris_of(analysis.MarginOf(key), labels, trajectories=4, seed=3,
                               client=dask_client, partition_rows=5)
    np.testing.assert_array_equal(here.mu_star, there.mu_star)
