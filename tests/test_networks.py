"""Chapter 4's library: the atlas, the shipped FC, the measures, the OU model, the baseline
fit and ketamine's disruption of SN and DMN.

The numbers checked here come from /work/shared/science/facts.md (section "5. networks",
"Scales and definitions" and "Library notes"); each tolerance says where it comes from.
"""

import hashlib
import importlib
from pathlib import Path

import bct
import networkx as nx
import numpy as np
import pytest
import scipy.linalg
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ketamodel import networks as nw

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "ketamodel" / "networks" / "data"
#: The pristine copy of the matrices the project was given (../shared next to the repo).
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "hcp_group_fc"
CSVS = [f"schaefer{n}_7networks_{g}_group_fc.csv" for n in (100, 200)
        for g in ("main", "holdout")]

# The submodules (the package re-exports functions of the same name as some of them).
_baseline = importlib.import_module("ketamodel.networks.fitting")

SN, DMN = "SalVentAttn", "Default"
NOISY, EYES_CLOSED = "noisy clinical room", "eyes closed, music, support"

# facts.md, Library notes: parcels per network (LH, RH) of the Schaefer label files.
FACTS_COUNTS = {
    100: {"Vis": (9, 8), "SomMot": (6, 8), "DorsAttn": (8, 7), "SalVentAttn": (7, 5),
          "Limbic": (3, 2), "Cont": (4, 9), "Default": (13, 11)},
    200: {"Vis": (14, 15), "SomMot": (16, 19), "DorsAttn": (13, 13), "SalVentAttn": (11, 11),
          "Limbic": (6, 6), "Cont": (13, 17), "Default": (27, 19)},
}
FACTS_TOTALS = {
    100: {"Vis": 17, "SomMot": 14, "DorsAttn": 15, "SalVentAttn": 12, "Limbic": 5,
          "Cont": 13, "Default": 24},
    200: {"Vis": 29, "SomMot": 35, "DorsAttn": 26, "SalVentAttn": 22, "Limbic": 12,
          "Cont": 30, "Default": 46},
}
# facts.md, Library notes: 1-based index ranges (inclusive), LH range then RH range.
FACTS_RANGES_100 = {
    "SalVentAttn": ((24, 30), (74, 78)), "Default": ((38, 50), (90, 100)),
    "Vis": ((1, 9), (51, 58)), "SomMot": ((10, 15), (59, 66)),
    "DorsAttn": ((16, 23), (67, 73)), "Limbic": ((31, 33), (79, 80)),
    "Cont": ((34, 37), (81, 89)),
}
FACTS_RANGES_200 = {"SalVentAttn": ((44, 54), (148, 158)), "Default": ((74, 100), (182, 200))}


@pytest.fixture(scope="module")
def base():
    return nw.baseline(100)


@pytest.fixture(scope="module")
def brain():
    return nw.atlas(100)


@pytest.fixture(scope="module")
def discovery():
    return nw.empirical_fc(100, "discovery")


def _positive(w):
    """What bctpy and networkx are given: negative entries and the diagonal set to zero."""
    a = np.where(w > 0, w, 0.0)
    np.fill_diagonal(a, 0.0)
    return a


def _random_positive(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.01, 1.0, (n, n))
    a = 0.5 * (a + a.T)
    np.fill_diagonal(a, 1.0)
    return a


# --------------------------------------------------------------------------------------
# 1. Atlas
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [100, 200])
def test_atlas_counts_per_network_and_hemisphere_are_those_of_the_label_files(n):
    a = nw.atlas(n)
    assert a.n_parcels == n and len(a.network) == n and len(a.names) == n
    assert a.counts() == FACTS_TOTALS[n]
    for k, name in enumerate(nw.NETWORKS):
        for hemi, expected in zip(("LH", "RH"), FACTS_COUNTS[n][name], strict=True):
            assert np.sum((a.network == k) & (a.hemisphere == hemi)) == expected, (name, hemi)
    # Left hemisphere first, then the right.
    assert list(a.hemisphere) == ["LH"] * (n // 2) + ["RH"] * (n // 2)
    assert list(a.labels) == [nw.NETWORKS[k] for k in a.network]


@pytest.mark.parametrize("n, ranges", [(100, FACTS_RANGES_100), (200, FACTS_RANGES_200)])
def test_atlas_index_ranges_are_those_of_the_label_files(n, ranges):
    a = nw.atlas(n)
    for name, ((l0, l1), (r0, r1)) in ranges.items():
        expected = [*range(l0, l1 + 1), *range(r0, r1 + 1)]
        got = a.indices(name) + 1                                   # 1-based, as the files
        assert got.tolist() == expected, name
        assert set(a.hemisphere[np.arange(l0, l1 + 1) - 1]) == {"LH"}
        assert set(a.hemisphere[np.arange(r0, r1 + 1) - 1]) == {"RH"}
    if n == 100:                          # the seven ranges tile the 100 parcels exactly
        covered = sorted(i for name in ranges for i in nw.atlas(100).indices(name))
        assert covered == list(range(100))


def test_network_aliases_and_names(brain):
    assert np.array_equal(brain.indices("SN"), brain.indices("SalVentAttn"))
    assert np.array_equal(brain.indices("salience"), brain.indices("SalVentAttn"))
    assert np.array_equal(brain.indices("DMN"), brain.indices("Default"))
    assert nw.network_name("DMN") == "Default" and nw.network_name("SN") == "SalVentAttn"
    assert nw.network_name("Cont") == "Cont"
    assert brain.names[23] == "LH_SalVentAttn_1" and brain.names[99] == "RH_Default_11"
    assert set(nw.NETWORK_NAMES) == set(nw.NETWORKS)


@pytest.mark.parametrize("bad", ["Auditory", "sn", "", "Salience network", 3, None])
def test_unknown_network_name_is_refused(brain, bad):
    with pytest.raises(ValueError, match="must be a network, one of"):
        brain.indices(bad)
    with pytest.raises(ValueError, match="must be a network, one of"):
        nw.network_name(bad)


@pytest.mark.parametrize("bad", [0, 99, 101, 300, 400, 1000, True, -100, "100"])
def test_atlas_size_other_than_100_or_200_is_refused(bad):
    with pytest.raises(ValueError, match="n_parcels"):
        nw.atlas(bad)
    with pytest.raises(ValueError, match="n_parcels"):
        nw.empirical_fc(bad)


def test_brain_graph_carries_network_and_hemisphere_and_keeps_edges_above_threshold(
        brain, discovery):
    threshold = 0.3
    g = nw.brain_graph(discovery, brain, threshold=threshold)
    assert isinstance(g, nx.Graph) and g.number_of_nodes() == 100
    upper = np.triu(discovery > threshold, 1)
    assert g.number_of_edges() == int(upper.sum())
    assert not any(u == v for u, v in g.edges())                    # no self-loops
    for i in (0, 23, 49, 50, 73, 99):
        node = g.nodes[i]
        assert node["network"] == brain.labels[i]
        assert node["hemisphere"] == brain.hemisphere[i]
        assert node["name"] == brain.names[i]
    assert g.nodes[23]["network"] == "SalVentAttn" and g.nodes[23]["hemisphere"] == "LH"
    assert g.nodes[73]["network"] == "SalVentAttn" and g.nodes[73]["hemisphere"] == "RH"
    for u, v, w in list(g.edges(data="weight"))[:50]:
        assert w == discovery[u, v] and w > threshold
    # A lower threshold keeps more edges; the default keeps every positive one.
    assert nw.brain_graph(discovery, brain).number_of_edges() == int(
        np.triu(discovery > 0, 1).sum())
    assert nw.brain_graph(discovery, brain, threshold=0.5).number_of_edges() < g.number_of_edges()


def test_brain_graph_refuses_bad_shapes_and_objects(brain, discovery):
    with pytest.raises(ValueError, match="weights"):
        nw.brain_graph(np.eye(99), brain)
    with pytest.raises(ValueError, match="weights"):
        nw.brain_graph(np.ones((100, 50)), brain)
    with pytest.raises(ValueError, match="weights"):
        nw.brain_graph(np.eye(200), brain)
    asym = discovery.copy()
    asym[0, 1] += 0.1
    with pytest.raises(ValueError, match="symmetric"):
        nw.brain_graph(asym, brain)
    with pytest.raises(ValueError, match="brain"):
        nw.brain_graph(discovery, "Schaefer100")


# --------------------------------------------------------------------------------------
# 2. Data
# --------------------------------------------------------------------------------------
def _sums(path):
    listed = {}
    for line in path.read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    return listed


def test_shipped_matrices_match_their_checksums():
    listed = _sums(DATA / "SHA256SUMS")
    assert sorted(listed) == sorted(CSVS)
    assert nw.checksums() == listed
    for name in CSVS:
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert digest == listed[name], name
        assert nw.sha256(DATA / name) == digest
    for n, g, name in [(100, "discovery", CSVS[0]), (100, "validation", CSVS[1]),
                       (200, "discovery", CSVS[2]), (200, "validation", CSVS[3])]:
        assert nw.fc_path(n, g).resolve() == (DATA / name).resolve()


@pytest.mark.skipif(not SHARED.is_dir(), reason="the project's ../shared copy is not present")
def test_shipped_matrices_are_the_files_the_project_was_given():
    given_sums = _sums(SHARED / "SHA256SUMS")
    assert given_sums == _sums(DATA / "SHA256SUMS")
    for name in CSVS:
        assert nw.sha256(DATA / name) == given_sums[name], name
    assert (DATA / "LICENSE-BrainSpace").read_bytes() == (
        SHARED / "LICENSE-BrainSpace").read_bytes()


def test_the_brainspace_licence_is_shipped():
    text = (DATA / "LICENSE-BrainSpace").read_text()
    assert "BSD 3-Clause" in text and "BrainSpace" in text
    assert "Redistribution and use" in text
    readme = (DATA / "README.md").read_text()
    assert "LICENSE-BrainSpace" in readme and "10.1038/s42003-020-0794-7" in readme


@pytest.mark.parametrize("n", [100, 200])
@pytest.mark.parametrize("group", ["discovery", "validation"])
def test_matrices_are_symmetric_correlations(n, group):
    fc = nw.empirical_fc(n, group)
    assert fc.shape == (n, n)
    assert np.array_equal(fc, fc.T)
    assert np.all(np.diag(fc) == 1.0)
    off = fc[~np.eye(n, dtype=bool)]
    assert -1.0 < off.min() < 0.0 < off.max() < 1.0             # "a few small negative entries"
    assert np.mean(off < 0) < 0.1


@pytest.mark.parametrize("n", [100, 200])
@pytest.mark.parametrize("group", ["discovery", "validation"])
def test_rows_follow_the_seven_network_order(n, group):
    # The data README's check: with the atlas labels, every network but Limbic (a known
    # low-signal network) has a higher mean FC within itself than with the rest of the
    # brain; a shuffled labelling (seed fixed) does not show it for every network.
    fc = nw.empirical_fc(n, group)
    labels = nw.atlas(n).labels
    b = nw.within_between(fc, labels)
    for name in nw.NETWORKS:
        if name != "Limbic":
            assert b.within[name] > b.between[name] + 0.1, name
    shuffled = np.random.default_rng(0).permutation(labels)
    s = nw.within_between(fc, shuffled)
    assert not all(s.within[k] > s.between[k] for k in nw.NETWORKS if k != "Limbic")
    assert max(abs(s.within[k] - s.between[k]) for k in nw.NETWORKS) < 0.1


def test_the_two_groups_are_different_people_with_the_same_networks():
    a, b = nw.empirical_fc(100, "discovery"), nw.empirical_fc(100, "validation")
    iu = np.triu_indices(100, 1)
    assert not np.array_equal(a, b)
    assert np.corrcoef(a[iu], b[iu])[0, 1] > 0.99           # the noise ceiling, about 0.997


def test_empirical_fc_returns_a_copy():
    first = nw.empirical_fc(100)
    first[0, 1] = first[1, 0] = 99.0
    first[:, 5] = 0.0
    again = nw.empirical_fc(100)
    assert again[0, 1] != 99.0 and again[1, 0] != 99.0 and np.all(again[:, 5] != 0.0)
    assert np.array_equal(again, np.loadtxt(DATA / CSVS[0], delimiter=","))


@pytest.mark.parametrize("bad", ["main", "holdout", "test", "", None, 1])
def test_unknown_group_is_refused(bad):
    with pytest.raises(ValueError, match="group"):
        nw.empirical_fc(100, bad)


# --------------------------------------------------------------------------------------
# 3. Measures against bctpy, networkx and their definitions
# --------------------------------------------------------------------------------------
def _matrices():
    fc = nw.empirical_fc(100, "discovery")
    rng = np.random.default_rng(7)
    return [pytest.param(fc, nw.atlas(100).network, id="discovery-FC-100"),
            pytest.param(_random_positive(30, 3), rng.integers(0, 4, 30), id="random-30")]


@pytest.mark.parametrize("w, labels", _matrices())
def test_global_efficiency_matches_bctpy(w, labels):
    # bct.efficiency_wei: lengths 1/w, E = sum 1/d / (n(n-1)); positive weights, no diagonal.
    assert nw.global_efficiency(w) == pytest.approx(bct.efficiency_wei(_positive(w)), rel=1e-12)


@pytest.mark.parametrize("w, labels", _matrices())
def test_modularity_matches_bctpy_and_networkx(w, labels):
    q = nw.modularity(w, labels)
    a = _positive(w)
    assert q == pytest.approx(bct.modularity_und(a, kci=labels + 1)[1], abs=1e-12)
    g = nx.from_numpy_array(a)
    communities = [set(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)]
    assert q == pytest.approx(nx.community.modularity(g, communities, weight="weight"),
                              abs=1e-12)
    q2 = nw.modularity(w, labels, resolution=0.5)
    assert q2 == pytest.approx(nx.community.modularity(g, communities, weight="weight",
                                                       resolution=0.5), abs=1e-12)
    assert q2 == pytest.approx(bct.modularity_und(a, gamma=0.5, kci=labels + 1)[1], abs=1e-12)


@pytest.mark.parametrize("w, labels", _matrices())
def test_participation_coefficient_matches_bctpy(w, labels):
    p = nw.participation_coefficient(w, labels)
    assert p.shape == (len(labels),)
    assert np.allclose(p, bct.participation_coef(_positive(w), labels + 1), rtol=0, atol=1e-12)


def test_labels_may_be_strings_or_numbers(brain, discovery):
    by_name = nw.modularity(discovery, brain.labels)
    assert by_name == nw.modularity(discovery, brain.network)
    assert np.array_equal(nw.participation_coefficient(discovery, brain.labels),
                          nw.participation_coefficient(discovery, list(brain.network)))


def test_global_efficiency_matches_networkx_weighted_shortest_paths():
    # networkx's own global_efficiency counts hops; build the weighted one from its
    # Dijkstra with length = 1/w. One node is isolated: its pairs contribute 0.
    rng = np.random.default_rng(11)
    n = 9
    w = rng.uniform(0.05, 1.0, (n, n))
    w = np.triu(w * (rng.random((n, n)) < 0.5), 1)
    w = w + w.T
    w[8, :] = w[:, 8] = 0.0
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for i, j in zip(*np.nonzero(np.triu(w, 1)), strict=True):
        g.add_edge(int(i), int(j), length=1.0 / w[i, j])
    total = 0.0
    for i, lengths in nx.all_pairs_dijkstra_path_length(g, weight="length"):
        total += sum(1.0 / d for j, d in lengths.items() if j != i)
    expected = total / (n * (n - 1))
    assert expected > 0.1
    assert nw.global_efficiency(w) == pytest.approx(expected, rel=1e-12)
    # An indirect path can beat the direct edge: lengths, not weights, are summed.
    chain = np.array([[0.0, 1.0, 0.05], [1.0, 0.0, 1.0], [0.05, 1.0, 0.0]])
    assert nw.global_efficiency(chain) == pytest.approx((4 * 1.0 + 2 * 0.5) / 6)


def test_global_efficiency_of_a_subnormal_weight_warns_not():
    # An edge of weight 1e-310 has length 1/w = inf (overflow): it contributes ~0, as it
    # should, but numpy warns, and the project turns warnings into errors (pyproject.toml).
    w = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1e-310], [0.0, 1e-310, 0.0]])
    assert nw.global_efficiency(w) == pytest.approx(2.0 / 6.0)


def test_system_segregation_by_hand():
    # facts.md, Scales and definitions: SS = (W - B)/W, W the mean of within-system edges,
    # B of between-system edges; diagonal out; negative edges zeroed (the reference code's
    # default). Within: 0.6 and 0.4 -> W = 0.5. Between (zeroed): 0.2, 0, 0, 0.2 -> B = 0.1.
    w = np.array([[1.0, 0.6, 0.2, -0.2],
                  [0.6, 1.0, -0.1, 0.2],
                  [0.2, -0.1, 1.0, 0.4],
                  [-0.2, 0.2, 0.4, 1.0]])
    labels = ["a", "a", "b", "b"]
    assert nw.system_segregation(w, labels) == pytest.approx(0.8, abs=1e-12)
    # Kept, the negatives pull B down to (0.2 - 0.2 - 0.1 + 0.2)/4 = 0.025: SS = 0.95.
    assert nw.system_segregation(w, labels, negative="keep") == pytest.approx(0.95, abs=1e-12)
    # The diagonal is never an edge: changing it changes nothing.
    w2 = w.copy()
    np.fill_diagonal(w2, 0.0)
    assert nw.system_segregation(w2, labels) == pytest.approx(0.8, abs=1e-12)
    with pytest.raises(ValueError, match="negative"):
        nw.system_segregation(w, labels, negative="drop")


def test_system_segregation_zeroes_negative_edges_by_default(discovery, brain):
    zeroed = np.where(discovery > 0, discovery, 0.0)
    assert np.any(discovery < 0)
    ss = nw.system_segregation(discovery, brain.labels)
    assert ss == pytest.approx(nw.system_segregation(zeroed, brain.labels), abs=1e-14)
    assert ss != pytest.approx(nw.system_segregation(discovery, brain.labels, negative="keep"),
                               abs=1e-6)


def test_system_segregation_needs_a_positive_within_mean():
    w = np.full((4, 4), 0.2)
    w[0, 1] = w[1, 0] = w[2, 3] = w[3, 2] = -0.1
    with pytest.raises(ValueError, match="within"):
        nw.system_segregation(w, [0, 0, 1, 1])


def _loop_within_between(fc, labels):
    """Within and between FC by explicit loops over node pairs (the definitions)."""
    n = len(labels)
    names = list(dict.fromkeys(labels))
    within = {k: [] for k in names}
    between = {k: [] for k in names}
    block = {(a, b): [] for a in names for b in names}
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            block[labels[i], labels[j]].append(fc[i, j])
            if i < j and labels[i] == labels[j]:
                within[labels[i]].append(fc[i, j])
            if labels[i] != labels[j]:
                between[labels[i]].append(fc[i, j])
    w_all = [x for k in names for x in within[k]]
    b_all = [fc[i, j] for i in range(n) for j in range(i + 1, n) if labels[i] != labels[j]]
    return ({k: np.mean(v) for k, v in within.items()}, {k: np.mean(v) for k, v in between.items()},
            {k: np.mean(v) for k, v in block.items()}, np.mean(w_all), np.mean(b_all))


@pytest.mark.parametrize("negative", ["keep", "zero"])
def test_within_between_matches_an_explicit_loop(discovery, brain, negative):
    labels = [str(x) for x in brain.labels]
    fc = discovery if negative == "keep" else np.where(discovery > 0, discovery, 0.0)
    within, between, block, w_mean, b_mean = _loop_within_between(fc, labels)
    b = nw.within_between(discovery, brain.labels, negative=negative)
    assert b.networks == nw.NETWORKS
    for k in nw.NETWORKS:
        assert b.within[k] == pytest.approx(within[k], abs=1e-12)
        assert b.between[k] == pytest.approx(between[k], abs=1e-12)
    for x, a in enumerate(nw.NETWORKS):
        for y, c in enumerate(nw.NETWORKS):
            assert b.block[x, y] == pytest.approx(block[a, c], abs=1e-12)
    assert np.allclose(np.diag(b.block), [within[k] for k in nw.NETWORKS], atol=1e-12)
    assert b.within_mean == pytest.approx(w_mean, abs=1e-12)
    assert b.between_mean == pytest.approx(b_mean, abs=1e-12)
    seg = b.segregation()
    assert seg["Vis"] == pytest.approx((within["Vis"] - between["Vis"]) / within["Vis"])


def test_measures_bundles_the_functions(discovery, brain):
    m = nw.measures(discovery, brain.labels)
    assert m.segregation == pytest.approx(nw.system_segregation(discovery, brain.labels))
    assert m.modularity == nw.modularity(discovery, brain.labels)
    assert m.efficiency == nw.global_efficiency(discovery)
    p = nw.participation_coefficient(discovery, brain.labels)
    for k in nw.NETWORKS:
        assert m.participation[k] == pytest.approx(p[brain.labels == k].mean())
    assert m.block.within == nw.within_between(discovery, brain.labels).within
    zeroed = nw.within_between(discovery, brain.labels, negative="zero")
    assert m.network_segregation == zeroed.segregation()


def test_measures_of_a_network_without_positive_within_fc_raise_a_value_error():
    # A valid FC whose network "a" has no positive within-network edge, while the pooled
    # within mean is positive (so system segregation is defined: (0.5 - 0)/0.5 = 1).
    w = np.eye(4)
    w[2, 3] = w[3, 2] = 1.0
    assert nw.system_segregation(w, ["a", "a", "b", "b"]) == 1.0
    try:
        m = nw.measures(w, ["a", "a", "b", "b"])
    except ValueError as error:
        assert "a" in str(error)
    else:
        assert np.isnan(m.network_segregation["a"])


def test_measures_refuse_bad_input():
    fc = np.eye(4) + 0.2
    with pytest.raises(ValueError, match="fc"):
        nw.within_between(np.ones((4, 3)), [0, 0, 1, 1])
    asym = fc.copy()
    asym[0, 2] = 0.5
    with pytest.raises(ValueError, match="symmetric"):
        nw.within_between(asym, [0, 0, 1, 1])
    with pytest.raises(ValueError, match="labels"):
        nw.within_between(fc, [0, 0, 1])
    with pytest.raises(ValueError, match="2 networks"):
        nw.within_between(fc, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="at least 2 nodes"):
        nw.within_between(fc, [0, 0, 0, 1])
    with pytest.raises(ValueError, match="labels"):
        nw.modularity(fc, [0.5, 0, 1, 1])
    with pytest.raises(ValueError, match="weights"):
        nw.global_efficiency([[0.0, np.nan], [np.nan, 0.0]])
    with pytest.raises(ValueError, match="no positive edge"):
        nw.modularity(-fc, [0, 0, 1, 1])


# --------------------------------------------------------------------------------------
# 4. Invariants of the measures (hypothesis)
# --------------------------------------------------------------------------------------
@st.composite
def labelled_matrices(draw):
    sizes = draw(st.lists(st.integers(2, 3), min_size=2, max_size=3))
    names = ["a", "b", "c"][:len(sizes)]
    labels = [name for name, size in zip(names, sizes, strict=True) for _ in range(size)]
    n = len(labels)
    # No subnormal weights: see test_global_efficiency_of_a_subnormal_weight_warns_not.
    upper = draw(st.lists(st.floats(-0.3, 1.0, allow_subnormal=False), min_size=n * (n - 1) // 2,
                          max_size=n * (n - 1) // 2))
    w = np.eye(n)
    w[np.triu_indices(n, 1)] = upper
    w = np.triu(w, 1) + np.triu(w, 1).T + np.eye(n)
    order = draw(st.permutations(range(n)))
    return w, np.asarray(labels), np.asarray(order)


@settings(max_examples=30, deadline=None)
@given(labelled_matrices())
def test_measures_do_not_depend_on_the_order_of_the_nodes(case):
    w, labels, order = case
    zeroed = nw.within_between(w, labels, negative="zero")
    # Every network needs a positive within-network FC for its own segregation (see
    # test_measures_of_a_network_without_positive_within_fc_raise_a_value_error).
    assume(min(zeroed.within.values()) > 1e-3)
    pw, plab = w[np.ix_(order, order)], labels[order]
    m, pm = nw.measures(w, labels), nw.measures(pw, plab)
    assert pm.segregation == pytest.approx(m.segregation, rel=1e-9, abs=1e-12)
    assert pm.modularity == pytest.approx(m.modularity, rel=1e-9, abs=1e-12)
    assert pm.efficiency == pytest.approx(m.efficiency, rel=1e-9, abs=1e-12)
    for k in set(labels):
        assert pm.participation[k] == pytest.approx(m.participation[k], rel=1e-9, abs=1e-12)
        assert pm.block.within[k] == pytest.approx(m.block.within[k], rel=1e-9, abs=1e-12)
        assert pm.block.between[k] == pytest.approx(m.block.between[k], rel=1e-9, abs=1e-12)
    p = nw.participation_coefficient(w, labels)
    # Node i of the permuted matrix is node order[i] of the original.
    assert np.allclose(nw.participation_coefficient(pw, plab), p[order], rtol=0, atol=1e-12)
    assert pm.block.networks == tuple(dict.fromkeys(plab.tolist()))
    # Ranges: P in [0, 1 - 1/k], Q <= 1, SS <= 1.
    k = len(set(labels))
    assert np.all(p >= 0.0) and np.all(p <= 1.0 - 1.0 / k + 1e-12) and np.all(p < 1.0)
    assert m.modularity <= 1.0
    assert m.segregation <= 1.0
    assert 0.0 <= m.efficiency


# --------------------------------------------------------------------------------------
# 5. The Ornstein-Uhlenbeck network
# --------------------------------------------------------------------------------------
def _stable_asymmetric(n, seed):
    rng = np.random.default_rng(seed)
    g = rng.normal(0.0, 0.35, (n, n))
    np.fill_diagonal(g, 0.0)
    lam = np.max(np.linalg.eigvals(g).real)
    if lam > 0.8:
        g *= 0.8 / lam
    return g


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stationary_covariance_solves_the_lyapunov_equation(seed):
    # facts.md (gilson2016estimation): J S + S J^T + Q = 0, J = (G - I)/tau. Checked there
    # with a residual of about 2e-15; here < 1e-10 relative to |Q|.
    n, tau = 8, 0.7
    g = _stable_asymmetric(n, seed)
    assert not np.allclose(g, g.T)
    rng = np.random.default_rng(100 + seed)
    m = rng.normal(size=(n, n))
    q = m @ m.T + 0.1 * np.eye(n)
    sigma = nw.stationary_covariance(g, tau_s=tau, noise=q)
    jac = (g - np.eye(n)) / tau
    residual = jac @ sigma + sigma @ jac.T + q
    assert np.max(np.abs(residual)) < 1e-10 * np.max(np.abs(q))
    assert np.array_equal(sigma, sigma.T)
    assert np.all(np.linalg.eigvalsh(sigma) > 0)
    # Isotropic noise given as a number.
    s1 = nw.stationary_covariance(g, tau_s=tau, noise=0.3)
    r1 = jac @ s1 + s1 @ jac.T + 0.3 * np.eye(n)
    assert np.max(np.abs(r1)) < 1e-10


def test_symmetric_coupling_with_isotropic_noise_has_the_closed_form():
    # ou module: for symmetric G and Q = s2 I, S = (s2 tau / 2) (I - G)^-1.
    rng = np.random.default_rng(5)
    a = rng.uniform(0.0, 1.0, (6, 6))
    g = 0.5 * (a + a.T)
    np.fill_diagonal(g, 0.0)
    g *= 0.9 / np.linalg.eigvalsh(g)[-1]
    s2, tau = 0.3, 2.0
    expected = s2 * tau / 2.0 * np.linalg.inv(np.eye(6) - g)
    got = nw.stationary_covariance(g, tau_s=tau, noise=s2)
    assert np.allclose(got, expected, rtol=1e-10, atol=0)


def test_fc_depends_on_neither_tau_nor_the_noise_level():
    g = _stable_asymmetric(6, 4)
    fc = nw.functional_connectivity(g)
    for tau, noise in [(0.01, 1.0), (3.0, 1.0), (1.0, 1e-3), (7.0, 250.0)]:
        s = nw.stationary_covariance(g, tau_s=tau, noise=noise)
        assert np.allclose(nw.correlation(s), fc, rtol=0, atol=1e-10)
    rng = np.random.default_rng(9)
    m = rng.normal(size=(6, 6))
    q = m @ m.T + np.eye(6)
    assert np.allclose(nw.functional_connectivity(g, noise=q),
                       nw.functional_connectivity(g, noise=40.0 * q), rtol=0, atol=1e-10)
    assert np.all(np.diag(fc) == 1.0) and np.all(np.abs(fc) <= 1.0)
    # The shape of Q does matter.
    assert not np.allclose(nw.functional_connectivity(g, noise=q), fc, atol=1e-3)


def test_a_sample_path_has_the_analytic_covariance():
    # facts.md: a 5-node Euler-Maruyama run (dt 0.01, 4e5 steps) agreed within 2.5 %. Here,
    # to stay under ~3 s: dt/tau = 0.02, 5e5 steps (T = 1e4 tau), the first 20 tau dropped.
    # Tolerance on each variance, 6 % = bias + 3 sampling SE:
    # - the scheme's bias is of order dt/tau (ou module); computed exactly below from the
    #   discrete Lyapunov equation of the scheme, about 1 %;
    # - a sample variance of an OU mode relaxing at rate lam has relative SE sqrt(2/(lam T));
    #   the slowest mode here has lam = 1 - 0.36, so SE ~ 1.8 %.
    # Correlations: SE ~ 1/sqrt(lam T) ~ 1.3 %, tolerance 0.05 absolute.
    g = np.array([[0.0, 0.5, 0.0, 0.0, 0.0],
                  [0.0, 0.0, 0.5, 0.0, 0.0],
                  [0.0, 0.0, 0.0, 0.5, 0.0],
                  [0.0, 0.0, 0.0, 0.0, 0.5],
                  [0.1, 0.0, 0.0, 0.0, 0.0]])            # a one-way ring: far from symmetric
    dt, steps = 0.02, 500_000
    sigma = nw.stationary_covariance(g)
    step = np.eye(5) + dt * (g - np.eye(5))
    scheme = scipy.linalg.solve_discrete_lyapunov(step, dt * np.eye(5))
    bias = np.max(np.abs(np.diag(scheme) / np.diag(sigma) - 1.0))
    assert bias < 0.015
    t, x = nw.simulate_timeseries(g, steps * dt, dt_s=dt, seed=0)
    assert t.shape == (steps + 1,) and x.shape == (steps + 1, 5)
    assert t[1] == pytest.approx(dt) and np.all(x[0] == 0.0)
    sample = np.cov(x[int(20 / dt):].T)
    assert np.max(np.abs(np.diag(sample) / np.diag(sigma) - 1.0)) < 0.06
    assert np.max(np.abs(nw.correlation(sample) - nw.correlation(sigma))) < 0.05
    # The check can fail: a transposed coupling (a plausible mistake) is 15 % off.
    wrong = nw.stationary_covariance(g.T)
    assert np.max(np.abs(np.diag(wrong) / np.diag(sigma) - 1.0)) > 0.12


def test_the_same_seed_gives_the_same_path():
    g = _stable_asymmetric(4, 1)
    _, a = nw.simulate_timeseries(g, 5.0, dt_s=0.01, seed=3)
    _, b = nw.simulate_timeseries(g, 5.0, dt_s=0.01, seed=3)
    _, c = nw.simulate_timeseries(g, 5.0, dt_s=0.01, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    _, d = nw.simulate_timeseries(g, 5.0, dt_s=0.01, seed=np.random.default_rng(3))
    assert np.array_equal(a, d)


def test_unstable_coupling_is_refused():
    g = np.full((3, 3), 1.05 / 3.0)                     # largest eigenvalue 1.05
    for call in (lambda: nw.stationary_covariance(g), lambda: nw.functional_connectivity(g),
                 lambda: nw.simulate_timeseries(g, 1.0)):
        with pytest.raises(ValueError, match="unstable"):
            call()
    with pytest.raises(ValueError, match="unstable"):
        nw.stationary_covariance(np.eye(3))                       # exactly at the limit
    asym = np.array([[0.0, 2.0], [0.0, 0.0]])                    # eigenvalues 0: stable
    assert nw.largest_eigenvalue(asym) == 0.0
    nw.stationary_covariance(asym)
    rot = np.array([[1.2, -1.0], [1.0, 1.2]])                    # complex pair, real part 1.2
    with pytest.raises(ValueError, match="unstable"):
        nw.stationary_covariance(rot)


def test_ou_refuses_bad_matrices():
    g = _stable_asymmetric(3, 0)
    with pytest.raises(ValueError, match="coupling"):
        nw.stationary_covariance(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="coupling"):
        nw.stationary_covariance([[0.0, np.nan], [0.1, 0.0]])
    with pytest.raises(ValueError, match="noise"):
        nw.stationary_covariance(g, noise=np.array([[1.0, 0.5, 0], [0, 1.0, 0], [0, 0, 1.0]]))
    with pytest.raises(ValueError, match="noise"):
        nw.stationary_covariance(g, noise=np.diag([1.0, -1.0, 1.0]))          # not a covariance
    with pytest.raises(ValueError, match="noise"):
        nw.stationary_covariance(g, noise=np.eye(4))
    with pytest.raises(ValueError, match="covariance"):
        nw.correlation(np.array([[1.0, 0.2], [0.3, 1.0]]))                   # asymmetric
    with pytest.raises(ValueError, match="variances"):
        nw.correlation(np.array([[0.0, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="tau_s"):
        nw.stationary_covariance(g, tau_s=0.0)
    with pytest.raises(ValueError, match="dt_s"):
        nw.simulate_timeseries(g, 1.0, dt_s=0.2, tau_s=1.0)                  # above tau/10


# --------------------------------------------------------------------------------------
# 6. The baseline fit
# --------------------------------------------------------------------------------------
def test_the_fit_uses_the_exact_jacobian(base, discovery):
    # _Fit.jacobian against central finite differences of _Fit.residuals (step 1e-6;
    # truncation error ~ h^2, rounding ~ 1e-16/h: both far below the 1e-4 asked).
    problem = _baseline._Fit(discovery, base.topology, base.atlas.network)
    x0 = base.gains[np.triu_indices(7)] * np.random.default_rng(2).uniform(0.85, 0.95, 28)
    jac = problem.jacobian(x0)
    assert jac.shape == (100 * 99 // 2, 28)
    h = 1e-6
    fd = np.empty_like(jac)
    for k in range(28):
        e = np.zeros(28)
        e[k] = h
        fd[:, k] = (problem.residuals(x0 + e) - problem.residuals(x0 - e)) / (2 * h)
    assert np.linalg.norm(jac - fd) / np.linalg.norm(jac) < 1e-4
    assert np.max(np.abs(jac - fd)) < 1e-4 * np.max(np.abs(jac))
    # The gains vector maps onto a symmetric 7 x 7 matrix.
    s = problem.gains(x0)
    assert np.array_equal(s, s.T) and s[np.triu_indices(7)].tolist() == x0.tolist()


def test_baseline_agrees_with_the_validation_group(base):
    # Measured 0.785 (edges) and 0.994 (28 block means); the noise ceiling, discovery vs
    # validation, is about 0.997. Floors 0.75 and 0.95; within/between FC per network within
    # 0.05 of the validation group's (measured at most 0.014 and 0.017).
    validation = nw.empirical_fc(100, "validation")
    ag = nw.agreement(base.fc, validation, base.atlas)
    assert ag.r >= 0.75
    assert ag.block_r >= 0.95
    iu = np.triu_indices(100, 1)
    ceiling = np.corrcoef(nw.empirical_fc(100)[iu], validation[iu])[0, 1]
    assert ag.r < ceiling and ag.block_r < 1.0
    for k in nw.NETWORKS:
        assert abs(ag.within_model[k] - ag.within_empirical[k]) < 0.05, k
        assert abs(ag.between_model[k] - ag.between_empirical[k]) < 0.05, k
    assert ag.within_empirical == nw.within_between(validation, base.atlas.labels).within
    assert 0.0 < ag.mean_abs_error < 0.2


def test_baseline_is_stable_symmetric_and_built_from_its_gains(base):
    assert base.largest_eigenvalue < 1.0
    assert base.largest_eigenvalue == pytest.approx(np.linalg.eigvalsh(base.coupling)[-1])
    assert base.largest_eigenvalue > 0.9           # "close to instability" (ketamine module)
    assert base.gains.shape == (7, 7) and np.array_equal(base.gains, base.gains.T)
    assert np.all(base.gains >= 0.0)
    assert np.array_equal(base.coupling, base.coupling.T)
    net = base.atlas.network
    assert np.array_equal(base.coupling, base.gains[np.ix_(net, net)] * base.topology)
    assert np.allclose(base.fc, nw.functional_connectivity(base.coupling), atol=1e-12)
    assert np.array_equal(base.target, nw.empirical_fc(100, "discovery"))
    # W: positive part of the target, zero diagonal, largest eigenvalue 1.
    assert np.all(np.diag(base.topology) == 0.0) and np.all(base.topology >= 0.0)
    assert np.linalg.eigvalsh(base.topology)[-1] == pytest.approx(1.0)
    assert nw.baseline(100) is base                                   # fitted once


def test_baseline_is_deterministic_and_never_reads_the_validation_group(base, monkeypatch):
    read = []
    real = _baseline.empirical_fc

    def spy(n_parcels=100, group="discovery"):
        read.append(group)
        return real(n_parcels, group)

    monkeypatch.setattr(_baseline, "empirical_fc", spy)
    again = _baseline._baseline.__wrapped__(100)                     # an uncached fit
    assert read == ["discovery"]
    assert np.array_equal(again.gains, base.gains)
    assert np.array_equal(again.fc, base.fc)
    direct = nw.fit_baseline(real(100, "discovery"), nw.atlas(100))
    assert np.array_equal(direct.gains, base.gains)


def test_fit_baseline_refuses_bad_input(brain):
    with pytest.raises(ValueError, match="target"):
        nw.fit_baseline(np.eye(99), brain)
    with pytest.raises(ValueError, match="brain"):
        nw.fit_baseline(np.eye(100), "atlas")
    with pytest.raises(ValueError, match="model"):
        nw.agreement(np.eye(50), np.eye(100), brain)


# --------------------------------------------------------------------------------------
# 7. Ketamine: occupancy and context
# --------------------------------------------------------------------------------------
def test_no_drug_is_the_baseline(base):
    s = nw.simulate(0.0)
    assert np.max(np.abs(s.fc - base.fc)) < 1e-10
    assert s.state == "baseline" and s.epsilon == 0.0
    assert all(abs(v) < 1e-12 for v in s.disintegration.values())
    assert all(abs(v) < 1e-12 for v in s.desegregation.values())
    assert s.delta == {SN: 0.0, DMN: 0.0}
    assert np.array_equal(s.gains, base.gains)
    for ctx in (NOISY, EYES_CLOSED, 0.3):
        assert nw.simulate(0.0, ctx).state == "baseline"


def test_the_drug_keeps_the_distance_from_instability(base):
    # ketamine module, step 4: epsilon is chosen so that the largest eigenvalue stays at its
    # baseline value (Brent, xtol 1e-6 on epsilon; measured error below 1e-7).
    lam0 = base.largest_eigenvalue
    for occ in (0.05, 0.3, 0.54, 0.8, 1.0):
        for ctx in (-1.0, -0.4, 0.0, 0.7, 1.0):
            s = nw.simulate(occ, ctx)
            assert abs(nw.largest_eigenvalue(s.coupling) - lam0) < 1e-6, (occ, ctx)
            assert s.epsilon > 0.0
            assert np.all(s.gains >= 0.0) and np.array_equal(s.gains, s.gains.T)


def test_disintegration_grows_with_occupancy():
    occupancies = np.linspace(0.0, 1.0, 11)
    sn = [nw.simulate(o, NOISY).disintegration[SN] for o in occupancies]
    dmn = [nw.simulate(o, EYES_CLOSED).disintegration[DMN] for o in occupancies]
    assert np.all(np.diff(sn) > 0) and np.all(np.diff(dmn) > 0)
    assert sn[0] == pytest.approx(0.0, abs=1e-12) and sn[-1] > 0.3
    assert dmn[0] == pytest.approx(0.0, abs=1e-12) and dmn[-1] > 0.3


def test_context_decides_which_network_is_disrupted():
    # The seed paper's hypothesis (marguilho2023unified): SN -> dissociative, DMN ->
    # psychedelic; context shares the effect between them.
    noisy = nw.simulate(0.54, NOISY)
    assert noisy.state == "dissociative (SN-dominated)"
    assert noisy.disintegration[SN] > noisy.disintegration[DMN] > 0.0
    closed = nw.simulate(0.54, EYES_CLOSED)
    assert closed.state == "psychedelic (DMN-dominated)"
    assert closed.disintegration[DMN] > closed.disintegration[SN]
    low = nw.simulate(0.1, NOISY)
    assert low.state == "baseline"
    assert max(low.disintegration[SN], low.disintegration[DMN]) < nw.NetworkParams().state_threshold


def test_desegregation_shows_in_the_relative_measures_not_in_between_fc(base):
    # Chapter 4, 4.6 ("Three results were not written into the rule"): the rule gives the
    # disrupted network more coupling to the others, yet its mean FC with them falls (SN by
    # about 11 %, DMN by about 30 % at 0.54); segregation, its own and the system's, and
    # modularity fall.
    ref = nw.simulate(0.0).measures
    for ctx, target in ((NOISY, SN), (EYES_CLOSED, DMN)):
        s = nw.simulate(0.54, ctx)
        x = nw.NETWORKS.index(target)
        others = np.arange(7) != x
        assert np.all(s.gains[x, others] >= base.gains[x, others])     # more coupling out
        assert np.any(s.gains[x, others] > base.gains[x, others])
        assert s.gains[x, x] < base.gains[x, x]                        # less within
        assert s.desegregation[target] < 0.0                          # yet between-FC falls
        assert s.measures.network_segregation[target] < ref.network_segregation[target] - 0.2
        assert s.measures.segregation < ref.segregation - 0.02
        assert s.measures.modularity < ref.modularity
    assert nw.simulate(0.54, NOISY).desegregation[SN] == pytest.approx(-0.11, abs=0.01)
    assert nw.simulate(0.54, EYES_CLOSED).desegregation[DMN] == pytest.approx(-0.30, abs=0.01)


def test_the_rule_of_disruption():
    p = nw.NetworkParams()
    # h(theta_50) = 1/2; c = -1 loads the SN by (1 + kappa), spares the DMN by (1 - kappa).
    d = nw.disruption(p.occupancy_half, 0.0, p)
    assert d == pytest.approx({SN: 0.5, DMN: 0.5})
    d = nw.disruption(p.occupancy_half, "noisy clinical room", p)
    assert d[SN] == pytest.approx(0.5 * (1 + p.context_weight))
    assert d[DMN] == pytest.approx(0.5 * (1 - p.context_weight))
    assert nw.disruption(0.0, 1.0, p) == {SN: 0.0, DMN: 0.0}


@pytest.mark.parametrize("name, value", list(nw.CONTEXTS.items()))
def test_a_context_given_as_a_number_is_its_preset(name, value):
    by_name, by_value = nw.simulate(0.54, name), nw.simulate(0.54, value)
    assert by_value.context == by_name.context == value
    assert by_value.context_name == by_name.context_name == name
    assert np.array_equal(by_value.fc, by_name.fc) and by_value.state == by_name.state
    assert nw.context_value(name) == value and nw.context_label(value) == name
    assert nw.context_label(0.4) == "c = +0.40"


def test_network_params_keep_every_gain_non_negative():
    with pytest.raises(ValueError, match="within_loss"):
        nw.NetworkParams(within_loss=0.6, context_weight=0.8)        # 0.6 x 1.8 = 1.08
    with pytest.raises(ValueError, match="context_weight"):
        nw.NetworkParams(within_loss=0.5, context_weight=1.0)        # exactly 1
    p = nw.NetworkParams(within_loss=0.55, context_weight=0.8)       # 0.99: allowed
    s = nw.simulate(1.0, NOISY, params=p)
    assert np.all(s.gains >= 0.0) and s.gains[3, 3] > 0.0
    assert nw.largest_eigenvalue(s.coupling) < 1.0


@pytest.mark.parametrize("bad", [-0.1, 1.1, float("nan"), "0.5", None, [0.5]])
def test_bad_occupancy_is_refused(bad):
    with pytest.raises(ValueError, match="occupancy"):
        nw.simulate(bad, NOISY)


@pytest.mark.parametrize("bad", ["noisy room", "Neutral", "", "eyes closed", -1.5, 2.0,
                                 float("nan")])
def test_unknown_context_is_refused(bad):
    with pytest.raises(ValueError, match="context"):
        nw.simulate(0.5, bad)
    with pytest.raises(ValueError, match="context"):
        nw.context_value(bad)


def test_simulate_refuses_other_atlas_sizes_and_wrong_params():
    with pytest.raises(ValueError, match="n_parcels"):
        nw.simulate(0.5, n_parcels=150)
    with pytest.raises(ValueError, match="params"):
        nw.simulate(0.5, params={"hill": 2.0})


def test_simulate_course_is_simulate_at_each_time():
    t = [0.0, 10.0, 20.0, 40.0]
    occ = [0.0, 0.54, 0.3, 0.1]
    c = nw.simulate_course(t, occ, NOISY)
    assert c.context == -1.0
    for name in ("t_min", "occupancy", "sn_disintegration", "dmn_disintegration",
                 "sn_desegregation", "dmn_desegregation", "segregation"):
        assert getattr(c, name).shape == (4,), name
    assert len(c.state) == 4
    for i, o in enumerate(occ):
        s = nw.simulate(o, NOISY)
        assert c.sn_disintegration[i] == s.disintegration[SN]
        assert c.dmn_disintegration[i] == s.disintegration[DMN]
        assert c.sn_desegregation[i] == s.desegregation[SN]
        assert c.dmn_desegregation[i] == s.desegregation[DMN]
        assert c.segregation[i] == s.measures.segregation
        assert c.state[i] == s.state
    with pytest.raises(ValueError, match="t_min"):
        nw.simulate_course([0.0, 0.0], [0.1, 0.2])
    with pytest.raises(ValueError, match="occupancy"):
        nw.simulate_course([0.0, 1.0], [0.1, 0.2, 0.3])


def test_dose_context_map_is_simulate_on_a_grid():
    occ, ctx = [0.0, 0.54], [-1.0, 0.0, 1.0]
    m = nw.dose_context_map(occ, ctx)
    for name in ("sn_disintegration", "dmn_disintegration", "segregation", "state"):
        assert getattr(m, name).shape == (2, 3), name
    assert m.state.tolist()[0] == [0, 0, 0]
    assert nw.STATES[m.state[1, 0]] == "dissociative (SN-dominated)"
    assert nw.STATES[m.state[1, 2]] == "psychedelic (DMN-dominated)"
    s = nw.simulate(0.54, -1.0)
    assert m.sn_disintegration[1, 0] == s.disintegration[SN]
    assert m.dmn_disintegration[1, 0] == s.disintegration[DMN]
    assert m.segregation[1, 0] == s.measures.segregation
    assert np.array_equal(m.occupancy, occ) and np.array_equal(m.context, ctx)


def test_dose_context_map_refuses_too_large_a_grid():
    # At most 2500 cells (about 25 ms each); the check comes before any simulation.
    with pytest.raises(ValueError, match="2500"):
        nw.dose_context_map(np.linspace(0, 1, 51), np.linspace(-1, 1, 50))
    with pytest.raises(ValueError, match="2500"):
        nw.dose_context_map([], [0.0])
    with pytest.raises(ValueError, match="context"):
        nw.dose_context_map([0.5], [1.5])


@settings(max_examples=15, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(-1.0, 1.0))
def test_every_state_is_stable_and_its_fc_a_correlation_matrix(occupancy, context):
    s = nw.simulate(occupancy, context)
    lam = nw.largest_eigenvalue(s.coupling)
    assert lam < 1.0
    if occupancy > 0.0:
        assert abs(lam - nw.baseline(100).largest_eigenvalue) < 1e-6
    assert np.array_equal(s.fc, s.fc.T)
    assert np.all(np.diag(s.fc) == 1.0)
    assert np.all(np.abs(s.fc) <= 1.0)
    assert s.state in nw.STATES
    assert 0.0 <= s.delta[SN] <= 1.8 and 0.0 <= s.delta[DMN] <= 1.8
    assert np.all(s.gains >= 0.0)


# --------------------------------------------------------------------------------------
# 8. The toy graph and the self-check
# --------------------------------------------------------------------------------------
def test_modular_graph():
    w, labels = nw.modular_graph(3, 4, within=0.6, between=0.1)
    assert w.shape == (12, 12) and labels.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert np.array_equal(w, w.T) and np.all(np.diag(w) == 0.0)
    assert w[0, 1] == 0.6 and w[0, 4] == 0.1 and w[11, 8] == 0.6
    assert nw.system_segregation(w, labels) == pytest.approx((0.6 - 0.1) / 0.6)
    w2, l2 = nw.modular_graph(5, 2)
    assert w2.shape == (10, 10) and len(set(l2.tolist())) == 5


def test_mix_keeps_the_total_weight_and_lowers_segregation():
    w, labels = nw.modular_graph()
    fractions = np.linspace(0.0, 0.9, 10)
    mixed = [nw.mix(w, labels, f) for f in fractions]
    assert np.array_equal(mixed[0], w)
    for m in mixed:
        assert m.sum() == pytest.approx(w.sum(), rel=1e-12)
        assert np.array_equal(m, m.T) and np.all(np.diag(m) == 0.0)
    ss = [nw.system_segregation(m, labels) for m in mixed]
    assert np.all(np.diff(ss) < 0)
    assert ss[-1] < 0.0 < ss[0]                       # past some fraction, between > within
    assert np.array_equal(w, nw.modular_graph()[0])   # the input is not changed


def test_the_self_check_recognises_the_right_answer_and_each_mistake():
    # The hand example of test_system_segregation_by_hand: right 0.8. The mistakes, by hand:
    # diagonal counted: W = (1 + .6 + .6 + 1 + 1 + .4 + .4 + 1)/8 = 0.75, (0.75 - 0.1)/0.75;
    # negatives kept: 0.95; divided by B: 0.4/0.1 = 4; per network: W_a = .6, B_a = .1,
    # W_b = .4, B_b = .1 -> mean of 5/6 and 3/4.
    w = np.array([[1.0, 0.6, 0.2, -0.2],
                  [0.6, 1.0, -0.1, 0.2],
                  [0.2, -0.1, 1.0, 0.4],
                  [-0.2, 0.2, 0.4, 1.0]])
    labels = [0, 0, 1, 1]
    ok = nw.check_segregation(w, labels, 0.8)
    assert ok.correct and "correct (0.800)" in str(ok)
    assert nw.check_segregation(w, labels, 0.802).correct           # 3-decimal tolerance
    mistakes = {
        "diagonal": 0.65 / 0.75,
        "negative edges were kept": 0.95,
        "divided by B̄": 4.0,
        "averaged": (5 / 6 + 3 / 4) / 2,
    }
    for words, value in mistakes.items():
        fb = nw.check_segregation(w, labels, round(value, 3))
        assert not fb.correct, words
        assert words in fb.messages[0], (words, fb.messages[0])
    wrong = nw.check_segregation(w, labels, 0.3)
    assert not wrong.correct and "is not right" in wrong.messages[0]
    # The docstring's example.
    doc = np.array([[1, .5, .1, 0], [.5, 1, 0, .1], [.1, 0, 1, .4], [0, .1, .4, 1]])
    assert str(nw.check_segregation(doc, [0, 0, 1, 1], 0.889)) == (
        "System segregation: correct (0.889).")
    with pytest.raises(ValueError, match="answer"):
        nw.check_segregation(w, labels, float("nan"))


# --------------------------------------------------------------------------------------
# The redistribution rules, global signal regression, the null predictor
# --------------------------------------------------------------------------------------
def test_total_rule_gives_back_all_the_lost_coupling(base):
    s = nw.simulate(0.54, "noisy clinical room", rule="total")
    assert s.coupling.sum() == pytest.approx(base.coupling.sum(), rel=1e-12)
    assert nw.largest_eigenvalue(s.coupling) > base.largest_eigenvalue
    # Chapter 4, Section 4.6: under this rule the SN's between-network FC rises (+30 %),
    # under the default rule it falls (-11 %).
    assert s.desegregation["SalVentAttn"] > 0.25
    assert nw.simulate(0.54, "noisy clinical room").desegregation["SalVentAttn"] < -0.05


def test_eigenvalue_rule_gives_back_only_part_of_the_lost_coupling(base):
    s = nw.simulate(0.54, "eyes closed, music, support")
    lost = nw.ketamine.within_gains(base.gains, s.delta, nw.NetworkParams())
    g_lost = nw.fitting.coupling_from_gains(lost, base.topology, base.atlas.network)
    given = (s.coupling.sum() - g_lost.sum()) / (base.coupling.sum() - g_lost.sum())
    assert 0.0 < given < 1.0


def test_total_rule_refuses_an_unstable_brain():
    with pytest.raises(ValueError, match="unstable"):
        nw.simulate(0.54, "eyes closed, music, support", rule="total")


@pytest.mark.parametrize("bad", ["Total", "", None, 1])
def test_unknown_rule_is_refused(bad):
    with pytest.raises(ValueError, match="rule"):
        nw.simulate(0.5, rule=bad)


def test_redistribute_checks_the_disruptions(base):
    p = nw.NetworkParams()
    gains, _ = nw.redistribute(base, {"SN": 0.5}, p)            # aliases are accepted
    same, _ = nw.redistribute(base, {"SalVentAttn": 0.5}, p)
    assert np.array_equal(gains, same)
    for bad in ({"Auditory": 0.5}, {"SN": -0.1}, {"SN": 1 / p.within_loss}, {"SN": np.nan},
                {}, [0.5]):
        with pytest.raises(ValueError):
            nw.redistribute(base, bad, p)


def test_global_signal_regression_is_exact_on_samples():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4000, 5)) @ rng.standard_normal((5, 5))
    g = x.mean(axis=1, keepdims=True)
    beta = (x * g).sum(axis=0) / (g ** 2).sum()
    residual = x - g * beta
    cov = np.cov(x.T, bias=True)
    assert np.allclose(nw.regress_global_signal(cov), np.cov(residual.T, bias=True),
                       atol=1e-10)


def test_global_signal_regression_reverses_segregation(base):
    # Chapter 4, ex4-gsr: without GSR segregation falls in both disrupted states,
    # with it, it rises.
    ref = nw.simulate(0.0)
    for context in ("noisy clinical room", "eyes closed, music, support"):
        s = nw.simulate(0.54, context)
        assert s.measures.segregation < ref.measures.segregation
        before = nw.correlation(nw.regress_global_signal(nw.stationary_covariance(
            ref.coupling)))
        after = nw.correlation(nw.regress_global_signal(nw.stationary_covariance(
            s.coupling)))
        assert (nw.system_segregation(after, s.atlas.labels)
                > nw.system_segregation(before, s.atlas.labels))


def test_regress_global_signal_refuses_a_non_positive_total():
    with pytest.raises(ValueError, match="covariance"):
        nw.regress_global_signal(np.array([[1.0, -1.0], [-1.0, 1.0]]))


def test_block_means_null_predictor(brain, discovery):
    validation = nw.empirical_fc(100, "validation")
    null = nw.block_means(discovery, brain)
    assert np.allclose(np.diag(null), 1.0)
    block = nw.within_between(discovery, brain.labels).block
    i, j = brain.indices("SN")[0], brain.indices("DMN")[0]
    assert null[i, j] == pytest.approx(block[3, 6])
    # Chapter 4, Section 4.4: r = 0.738 with the validation group, below the model's 0.785.
    assert nw.agreement(null, validation, brain).r == pytest.approx(0.738, abs=5e-4)


def test_fit_and_null_refuse_a_matrix_that_is_not_a_correlation(brain, discovery):
    with pytest.raises(ValueError, match="diagonal"):
        nw.fit_baseline(2.0 * discovery, brain)
    bad = discovery.copy()
    bad[0, 1] = bad[1, 0] = 1.5
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        nw.block_means(bad, brain)


def test_agreement_refuses_a_constant_matrix(brain, discovery):
    with pytest.raises(ValueError, match="same value"):
        nw.agreement(np.full((100, 100), 0.3) + 0.7 * np.eye(100), discovery, brain)


def test_coupling_at_the_edge_of_stability_is_refused():
    g = np.array([[0.0, 1.0 - 1e-13], [1.0 - 1e-13, 0.0]])
    with pytest.raises(ValueError, match="unstable"):
        nw.functional_connectivity(g)


def test_coupling_lost_is_the_within_network_loss_before_redistribution(base):
    p = nw.NetworkParams()
    delta = {"SalVentAttn": 0.5, "Default": 0.3}
    lost = nw.ketamine.within_gains(base.gains, delta, p)
    expected = base.coupling.sum() - nw.fitting.coupling_from_gains(
        lost, base.topology, base.atlas.network).sum()
    assert nw.coupling_lost(base, delta, p) == pytest.approx(expected, rel=1e-12)
    assert nw.coupling_lost(base, {"SN": 0.5}, p) == pytest.approx(
        nw.coupling_lost(base, {"SalVentAttn": 0.5}, p), rel=1e-12)
    assert nw.coupling_lost(base, {"SN": 0.0}, p) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        nw.coupling_lost(base, {"Auditory": 0.5}, p)
