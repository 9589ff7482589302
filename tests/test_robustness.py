"""The robustness layer: spaces and ranges, the claims registry, Morris and Sobol, the cache."""

from __future__ import annotations

import json
import math
import re
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import circuits, provenance
from ketamodel import networks as nw
from ketamodel import pharmacology as ph
from ketamodel import selfmodel as sm
from ketamodel.params import param
from ketamodel.robustness import CLAIMS, analysis, claims_of, factor_of, space_of
from ketamodel.robustness.space import DEFAULT_FACTOR, Space

ROOT = Path(__file__).resolve().parents[1]


# -- spaces --------------------------------------------------------------------------------

def test_assumed_values_vary_by_a_factor_of_two_log_uniformly():
    f = factor_of(circuits.CircuitParams, "w_ee")
    assert f.assumed and f.log
    assert math.isclose(f.low, 1.6 / DEFAULT_FACTOR) and math.isclose(f.high, 1.6 * DEFAULT_FACTOR)
    assert math.isclose(float(f.value(0.5)), 1.6)          # the geometric middle
    assert math.isclose(f.unit_of(1.6), 0.5)


def test_declared_log_spreads_and_clipped_rules_are_labelled():
    ic50 = factor_of(ph.ReceptorParams, "ic50_uM")
    assert ic50.log and not ic50.rule and (ic50.low, ic50.high) == (0.49, 0.92)
    cw = factor_of(nw.NetworkParams, "context_weight")       # 0.8 x 2 clipped at 1
    assert cw.rule and cw.why.endswith("clipped to the valid range") and cw.high == 1.0
    assert not factor_of(circuits.CircuitParams, "w_ee").why.endswith("clipped to the valid range")


def test_values_never_overshoot_their_bounds():
    for cls in (circuits.CircuitParams, nw.NetworkParams, sm.SelfModelParams):
        space = space_of([cls])
        for corner in (np.zeros(len(space)), np.ones(len(space))):
            x = space.values(corner[None, :])[0]
            assert all(f.low <= v <= f.high for f, v in zip(space.factors, x, strict=True))
            space.params(corner)                     # the model accepts every corner


def test_sourced_values_are_held_unless_a_spread_is_reported():
    assert factor_of(ph.PKParams, "v1_L_per_kg") is None          # sourced, no spread
    k10 = factor_of(ph.PKParams, "k10_per_min")                   # kamp2020ketamine's CI
    assert not k10.assumed and not k10.log and k10.low < 0.0109 < k10.high
    assert math.isclose(k10.high / k10.low, 90 / 69, rel_tol=1e-3)
    assert factor_of(ph.PKParams, "k13_per_min") is None          # an assumed switch at 0


def test_the_default_rule_stays_inside_the_valid_range():
    f = factor_of(nw.NetworkParams, "occupancy_half")            # 0.5 in (0, 1)
    assert f.high < 1.0 and math.isclose(f.low, 0.25)
    g = factor_of(sm.SelfModelParams, "baseline_consolidation")  # 1 in [0, 1]
    assert g.high == 1.0 and math.isclose(g.low, 0.5)


def test_every_declared_spread_is_valid_and_explained():
    n_spread = 0
    for cls in provenance.parameter_classes():
        for f in fields(cls):
            if "unit" not in f.metadata:
                continue
            factor = factor_of(cls, f.name)       # raises if a spread is out of range
            if f.metadata.get("spread") is not None:
                n_spread += 1
                assert len(factor.why) > 20, factor.label
    assert n_spread >= 14


def test_params_of_a_row_replace_only_the_varied_fields():
    space = space_of([nw.NetworkParams])
    objs = space.params(space.default_row())
    assert objs[nw.NetworkParams] == nw.NetworkParams() or all(
        math.isclose(getattr(objs[nw.NetworkParams], f.name), getattr(nw.NetworkParams(), f.name))
        for f in fields(nw.NetworkParams))
    low = space.params(np.zeros(len(space)))[nw.NetworkParams]
    assert math.isclose(low.context_weight, 0.4) and math.isclose(low.within_loss, 0.15)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5))
def test_values_stay_inside_their_ranges(row):
    space = space_of([nw.NetworkParams])
    x = space.values(np.array([row]))[0]
    for f, v in zip(space.factors, x, strict=True):
        assert f.low - 1e-12 <= v <= f.high + 1e-12
    space.params(row)                                   # every point is a valid object


@pytest.mark.parametrize(("ranges", "message"), [
    ({"NetworkParams.hill": (3.0, 1.0)}, r"NetworkParams\.hill: the range needs low < high"),
    ({"NetworkParams.hill": (2.0, 2.0)}, r"NetworkParams\.hill: the range needs low < high"),
    ({"NetworkParams.within_loss": (0.1, 0.9)}, r"NetworkParams\.within_loss: high 0\.9 is "
     r"outside the parameter's valid range \[0, 0\.66\]"),
    ({"NetworkParams.occupancy_half": (-0.1, 0.6)}, r"NetworkParams\.occupancy_half: low -0\.1"),
    ({"NetworkParams.hill": (3.0, 4.0)}, r"must hold the book's value 2"),
    ({"NetworkParams.nonsense": (0.0, 1.0)}, r"'NetworkParams\.nonsense' is not a factor"),
    ({"NetworkParams.hill": (1.0,)}, r"NetworkParams\.hill: a range is \(low, high\)"),
    ({"NetworkParams.hill": ("a", 3.0)}, r"NetworkParams\.hill low must be a number"),
])
def test_bad_ranges_name_the_parameter(ranges, message):
    with pytest.raises(ValueError, match=message):
        space_of([nw.NetworkParams]).with_ranges(ranges)


def test_a_good_range_replaces_the_factor():
    s = space_of([nw.NetworkParams]).with_ranges({"NetworkParams.hill": (1.5, 3.0)})
    f = {g.label: g for g in s.factors}["NetworkParams.hill"]
    assert (f.low, f.high, f.log, f.rule) == (1.5, 3.0, True, False)   # still log-uniform


@pytest.mark.parametrize(("spread", "why", "message"), [
    ((2.0, 1.0), "x", "spread must be two increasing numbers"),
    ((1.0,), "x", "spread must be two increasing numbers"),
    (("a", 2.0), "x", "spread must be two increasing numbers"),
    ((1.0, 2.0), " ", "spread_why must say why"),
])
def test_param_refuses_a_bad_spread(spread, why, message):
    with pytest.raises(ValueError, match=message):
        param(1.5, "1", "assumed: x", spread=spread, spread_why=why)
    with pytest.raises(ValueError, match="spread_log needs a positive spread"):
        param(0.5, "1", "assumed: x", spread=(0.0, 1.0), spread_why="why not",
              spread_log=True)


def test_samples_of_the_wrong_shape_or_range_are_refused():
    space = space_of([nw.NetworkParams])
    with pytest.raises(ValueError, match=r"samples must have shape \(n, 5\)"):
        space.values(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="samples must lie in"):
        space.values(np.full((1, 5), 1.5))
    with pytest.raises(ValueError, match="exclude names fields not in these classes"):
        space_of([nw.NetworkParams], exclude=("NetworkParams.nope",))
    assert isinstance(space, Space) and len(space) == 5


# -- the registry -------------------------------------------------------------------------

def test_every_chapter_has_claims_and_every_claim_holds_at_the_books_values():
    for chapter in range(1, 7):
        assert claims_of(chapter), chapter
    cheap = [c for c in CLAIMS.values() if not c.heavy]
    for c in cheap:
        assert c.at_defaults() > 0, c.key
    with pytest.raises(ValueError, match=r"chapter must be a whole number in \[1, 6\]"):
        claims_of(7)


def _checks_cell(chapter: int) -> str:
    path = next((ROOT / "chapters").glob(f"0{chapter}_*.ipynb"))
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return "\n".join(s for s in code if "assert" in s)


@pytest.mark.parametrize("chapter", range(1, 7))
def test_the_registry_covers_every_chapters_checks(chapter):
    """Each chapter's Checks assert each of its claims and the appendix's verdict on it."""
    checks = _checks_cell(chapter)
    for c in claims_of(chapter):
        assert re.search(rf"""["']{re.escape(c.key)}["']""", checks), (chapter, c.key)
    assert "robustness" in checks


def test_margins_are_clipped_and_a_refused_point_is_an_error(monkeypatch):
    fn = analysis.MarginOf("ch2.ketamine_partway")
    out = fn(np.full((2, len(CLAIMS["ch2.ketamine_partway"].space())), 0.5))
    assert out.shape == (2,) and np.all(np.abs(out) <= analysis.MARGIN_CLIP)
    with pytest.raises(ValueError, match="key must be one of"):
        analysis.MarginOf("ch9.nothing")(np.zeros((1, 1)))

    def refuse(p):
        raise ValueError("no such person")

    fake = replace(CLAIMS["ch4.segregation_falls"], key="ch4.fake", margin=refuse)
    monkeypatch.setitem(CLAIMS, "ch4.fake", fake)
    with pytest.raises(ValueError, match=r"ch4\.fake: the model refused a point"):
        analysis.MarginOf("ch4.fake")(np.full((1, 5), 0.5))
    infinite = replace(fake, key="ch4.inf", margin=lambda p: -math.inf)
    monkeypatch.setitem(CLAIMS, "ch4.inf", infinite)
    assert analysis.MarginOf("ch4.inf")(np.full((1, 5), 0.5))[0] == -analysis.MARGIN_CLIP


def test_a_nan_margin_needs_an_undefined_score(monkeypatch):
    """analyse counts undefined points apart; without an undefined score NaN is an error."""
    def half_nan(p):
        return math.nan if p[nw.NetworkParams].hill > 2.0 else 0.5

    quick = {"trajectories": 2, "levels": 4, "sobol_n": 0, "share_n": 8, "replicates": 2}
    monkeypatch.setitem(analysis.SETTINGS, "heavy", quick)
    base = replace(CLAIMS["ch4.segregation_falls"], heavy=True, chapter=4)
    monkeypatch.setitem(CLAIMS, "ch4.nan", replace(base, key="ch4.nan", margin=half_nan))
    with pytest.raises(ValueError, match="values are NaN"):
        analysis.analyse("ch4.nan")
    monkeypatch.setitem(CLAIMS, "ch4.nan", replace(base, key="ch4.nan", margin=half_nan,
                                                    undefined=-1.0))
    r = analysis.analyse("ch4.nan")
    assert 0.2 < r.share_undefined < 0.8 and math.isclose(r.share, 1 - r.share_undefined)
    assert r.splits and r.deciders(1) == ("NetworkParams.hill",)


def test_a_circuit_without_a_single_state_cannot_judge_chapter_1s_claims():
    bad = replace(circuits.CircuitParams(), gain=8.0, w_ee=1.86)     # both inside the space
    p = {circuits.CircuitParams: bad, ph.PKParams: ph.PKParams(),
         ph.ReceptorParams: ph.ReceptorParams()}
    with pytest.raises(RuntimeError, match="did not settle"):
        circuits.peak_occupancy(bad)
    claim = CLAIMS["ch1.inverted_u"]
    assert math.isnan(claim.margin(p)) and claim.undefined == -1.0
    space = claim.space()
    default = space.default_row()
    row = np.array([[f.unit_of(getattr(bad, f.name)) if f.cls is circuits.CircuitParams
                     else default[j] for j, f in enumerate(space.factors)]])
    assert math.isnan(analysis.MarginOf(claim.key)(row)[0])
    assert analysis.MarginOf(claim.key, fill=claim.undefined)(row)[0] == -1.0


# -- Morris and Sobol on functions with a known answer ------------------------------------

def _linear(block: np.ndarray) -> np.ndarray:
    """3 x0 + 1 x1 + 0 x2: x0 matters most, x2 not at all."""
    return 3.0 * block[:, 0] + 1.0 * block[:, 1] + 0.0 * block[:, 2]


def test_morris_ranks_a_linear_function_and_finds_the_dead_parameter():
    m = analysis.morris_of(_linear, ("a", "b", "dead"), trajectories=10, seed=1)
    assert m.ranking() == ("a", "b", "dead")
    np.testing.assert_allclose(m.mu_star, [3.0, 1.0, 0.0], atol=1e-12)   # exact for a line
    np.testing.assert_allclose(m.sigma, 0.0, atol=1e-12)                 # no interaction
    assert m.samples.shape == (10 * 4, 3)


def test_sobol_indices_of_an_additive_function_match_the_analytic_shares():
    """f = x0 + 2 x1 on the unit square: variances 1/12 and 4/12, so S = 0.2 and 0.8."""
    s = analysis.sobol_of(lambda b: b[:, 0] + 2 * b[:, 1], ("x0", "x1"), n=1024, seed=2)
    np.testing.assert_allclose(s.s1, [0.2, 0.8], atol=0.05)
    np.testing.assert_allclose(s.st, [0.2, 0.8], atol=0.05)


def _ishigami(block: np.ndarray) -> np.ndarray:
    x = np.pi * (2 * block - 1)
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function_with_interactions():
    """Known values (a = 7, b = 0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244."""
    s = analysis.sobol_of(_ishigami, ("x1", "x2", "x3"), n=4096, seed=3)
    np.testing.assert_allclose(s.s1, [0.314, 0.442, 0.0], atol=0.04)
    np.testing.assert_allclose(s.st, [0.558, 0.442, 0.244], atol=0.04)
    flat = analysis.sobol_of(lambda b: np.zeros(len(b)), ("a", "b"), n=8)
    assert not np.any(flat.st) and not np.any(flat.s1)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"trajectories": 1}, "trajectories must be a whole number in"),
    ({"levels": 3}, "levels must be even"),
    ({"seed": -1}, "seed must be a whole number"),
])
def test_morris_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        analysis.morris_of(_linear, ("a", "b", "dead"), **kwargs)


def test_sobol_and_share_need_powers_of_two():
    with pytest.raises(ValueError, match="n must be a power of 2"):
        analysis.sobol_of(_linear, ("a", "b", "dead"), n=100)
    with pytest.raises(ValueError, match="n must be a power of 2"):
        analysis.share_points(3, 100, 0)
    u = analysis.share_points(3, 64, 0)
    assert u.shape == (64, 3) and np.all((u >= 0) & (u < 1))
    r = analysis.share_points(3, 16, 0, replicates=4)
    assert r.shape == (64, 3) and not np.array_equal(r[:16], r[16:32])
    np.testing.assert_array_equal(r, analysis.share_points(3, 16, 0, replicates=4))


def test_the_share_interval_uses_the_replicates_and_falls_back_to_wilson():
    holds = np.array([1, 1, 0, 1] * 4 + [1, 0, 0, 1] * 4, dtype=bool)    # shares .75 and .5
    lo, hi = analysis.share_interval(holds, 2)
    assert lo < 0.625 < hi and hi - lo > 0.5             # two replicates: a wide t-interval
    assert analysis.share_interval(np.ones(64, bool), 8) == analysis.wilson(64, 64)


def test_regional_sensitivity_finds_the_factor_that_splits():
    u = analysis.share_points(3, 256, 1)
    ks, p = analysis.regional(u, u[:, 1] > 0.7)
    assert np.argmax(ks) == 1 and ks[1] > 0.9 and p[1] < 1e-10 and max(ks[0], ks[2]) < 0.2
    assert not analysis.regional(u, np.ones(256, bool))[0].any()


def test_wilson_interval_and_verdicts():
    lo, hi = analysis.wilson(50, 100)
    assert math.isclose(lo, 0.4038, abs_tol=1e-3) and math.isclose(hi, 0.5962, abs_tol=1e-3)
    assert analysis.wilson(0, 10)[0] == 0.0 and math.isclose(analysis.wilson(10, 10)[1], 1.0)
    with pytest.raises(ValueError, match="hits must be at most n"):
        analysis.wilson(11, 10)
    assert [analysis.verdict_of(x) for x in (1.0, 0.9, 0.6, 0.2, 0.01)] == [
        "robust", "robust", "holds in most of the space", "holds in part of the space",
        "holds only in a corner"]
    with pytest.raises(ValueError, match=r"share must be in \[0, 1\]"):
        analysis.verdict_of(-0.1)


# -- the cache ------------------------------------------------------------------------------

def test_the_cached_results_are_fresh_and_complete():
    """Fails when the model's code, the claims or the settings changed since the cache was made.

    Regenerate with ``python -m ketamodel.robustness`` (about 45 min; ``--local 2``
    halves it on two cores).
    """
    results = analysis.load_results()
    assert set(results) == set(CLAIMS)
    for key, r in results.items():
        assert r.labels == CLAIMS[key].space().labels, key
        assert 0 <= r.share <= 1 and r.share_ci[0] <= r.share <= r.share_ci[1] + 1e-12
        assert len(r.mu_star) == len(r.labels)
        assert bool(r.st) != CLAIMS[key].heavy, key          # Sobol for the cheap ones only
        assert r.margin_default > 0, key                     # every claim holds as the book has it
        assert len(r.ks) == len(r.labels) and len(r.s1_conf) == len(r.st)


def test_a_cheap_claim_recomputes_as_cached():
    cached = analysis.load_results()["ch2.ketamine_partway"]
    fresh = analysis.analyse("ch2.ketamine_partway")
    assert fresh.labels == cached.labels and fresh.share == cached.share
    for name in ("mu_star", "sigma", "st", "ks"):
        np.testing.assert_allclose(getattr(fresh, name), getattr(cached, name), rtol=1e-9,
                                   atol=1e-12, err_msg=name)


def test_a_stale_or_incomplete_cache_is_refused(tmp_path):
    doc = json.loads(analysis.RESULTS_PATH.read_text(encoding="utf-8"))
    stale = dict(doc, fingerprint="0" * 64)
    (tmp_path / "stale.json").write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(ValueError, match="is stale"):
        analysis.load_results(tmp_path / "stale.json")
    part = dict(doc, claims=doc["claims"][:2])
    (tmp_path / "part.json").write_text(json.dumps(part), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks claims"):
        analysis.load_results(tmp_path / "part.json")


def test_the_fingerprint_follows_the_settings(monkeypatch):
    before = analysis.fingerprint()
    assert analysis.fingerprint() == before
    monkeypatch.setitem(analysis.SETTINGS, "seed", 1)
    assert analysis.fingerprint() != before


def test_the_fingerprint_ignores_docstrings_and_comments_but_not_code(tmp_path):
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    a.write_text('"""Doc."""\n\nX = 1  \n', encoding="utf-8")
    b.write_text('"""Another doc,\nover two lines."""\n# a comment\n\nX = 1\n',
                 encoding="utf-8")
    c.write_text('"""Doc."""\n\nX = 2\n', encoding="utf-8")
    code = analysis._code_without_docstrings
    assert code(a) == code(b) != code(c)
    assert {"robustness/analysis.py", "networks", "sweep.py"} <= set(analysis.MODEL_CODE)
    assert analysis.MODEL_DATA and "SALib" in analysis.MODEL_LIBRARIES


def test_the_reports_tables_name_every_claim_once():
    from ketamodel.robustness import report

    results = analysis.load_results()
    table = report.results_markdown(results)
    assert all(table.count(f"`{k}`") == 1 for k in CLAIMS)
    assert report.results_markdown(results, chapter=3).count("| `ch3.") == 2
    assert report.short("HabenulaParams.tonic_Hz") == "Habenula.tonic_Hz"
    assert "ch6." not in report.sobol_markdown(results)             # no Sobol for a cohort
    assert report.range_text(nw.NetworkParams, "hill") == "1 to 4 (×½ to ×2)"
    assert report.range_text(ph.PKParams, "v1_L_per_kg") == "held"
    assert "log-uniform" in report.range_text(ph.ReceptorParams, "ic50_uM")
    assert "`HabenulaParams.nmda_half_drive`" in report.spreads_markdown()


def test_the_figures_render_with_titles_and_labels():
    import io

    from ketamodel import plotting

    results = analysis.load_results()
    key = "ch2.ketamine_partway"
    m = analysis.morris_of(analysis.MarginOf(key), CLAIMS[key].space().labels,
                           trajectories=4, seed=1)
    for fig in (plotting.claim_shares(results), plotting.deciders(results),
                plotting.morris_plane(m)):
        title = fig._suptitle.get_text() if fig._suptitle else fig.axes[0].get_title("left")
        assert title, fig
        visible = [ax for ax in fig.axes if ax.get_visible()]
        assert any(ax.get_xlabel() for ax in visible) or fig._supxlabel is not None
        fig.savefig(io.BytesIO(), format="png")
    shares = plotting.claim_shares(results)
    assert len(shares.axes[0].get_yticklabels()) == len(CLAIMS)
    for fn in (plotting.claim_shares, plotting.deciders):
        with pytest.raises(ValueError, match="at least one claim"):
            fn({})
