"""Bad input gets a clear error, everywhere: a fuzz test of every public callable.

DESIGN.md: negative doses, concentrations or times, NaN, wrong shapes and
wrong types → a ``ValueError`` that names the parameter. This file holds
every public function, method and constructor of the model modules
(``provenance.MODEL_MODULES``, subpackages included) to that rule:

- the callables are found by introspection, so a new one is held to it at
  once; a callable with parameters but without an entry in :data:`VALID` (valid
  example arguments) or :data:`NOT_FUZZED` (with the reason) makes
  :func:`test_every_public_callable_has_an_entry` fail;
- for each numeric, string or flag parameter named in its entry, the callable
  is called with a bad value for that parameter and the valid values for the
  others (parameters left out keep their defaults and are not fuzzed), and
  must raise a ``ValueError`` whose message names the parameter;
- every field of a parameter dataclass (declared with ``param()``) is fuzzed
  the same way through the constructor, out of its declared range too.

A gap that lives in a module being rewritten is listed in
:data:`KNOWN_GAPS` (expected to fail, strictly: remove the entry once fixed).
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import circuits, provenance
from ketamodel import networks as nw
from ketamodel import pharmacology as ph
from ketamodel import plasticity as pl
from ketamodel import reward as rw
from ketamodel import selfmodel as sm
from ketamodel import unified as uf


# --------------------------------------------------------------------------------------
# The table: valid example arguments of every public callable
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """Valid arguments of one callable, and what else its parameters refuse.

    ``valid`` holds a valid value of every required parameter and of each optional
    one to fuzz. ``of`` makes the object whose method is called. ``signed`` names
    parameters whose valid range includes moderate negative numbers (only values
    below -1e6 are then tried). ``bad_shapes`` gives, per parameter, arrays of a
    shape it must refuse. ``kinds`` overrides the kind read from a parameter's
    annotation (a ``Sequence[float]`` of several numbers reads as a scalar; it is an
    array).
    """

    valid: dict[str, Any]
    of: Callable[[], Any] | None = None
    signed: frozenset[str] = frozenset()
    bad_shapes: dict[str, list[Any]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def _n_states() -> int:
    return len(ph.TRAP_STATES)


def _fc6() -> np.ndarray:
    """A small valid FC matrix of two networks of three nodes (one negative edge)."""
    fc = np.full((6, 6), 0.1)
    fc[:3, :3] = fc[3:, 3:] = 0.5
    fc[0, 5] = fc[5, 0] = -0.2
    np.fill_diagonal(fc, 1.0)
    return fc


_LABELS6 = [0, 0, 0, 1, 1, 1]
_STABLE3 = [[0.0, 0.3, 0.1], [0.2, 0.0, 0.1], [0.1, 0.1, 0.0]]
_SQUARE_ONLY = [lambda: np.zeros((3, 2)), lambda: np.zeros((1, 1)), lambda: np.zeros((2, 2, 2))]


# unified: a small cohort (4 people, 48 h) and a small calibration cohort, made once
_U_VISITS = (0.0, 24.0)
_U_TABLE = uf.patient_table(4, 0)
_U_KETAMINE = uf.simulate_cohort(_U_TABLE, uf.ARMS["ketamine"], t_end_h=48.0,
                                 visits_h=_U_VISITS, noise=False)
_U_MIDAZOLAM = uf.simulate_cohort(_U_TABLE, uf.ARMS["midazolam"], t_end_h=48.0,
                                  visits_h=_U_VISITS, noise=False)
_U_DATA = uf.calibration_data(n=20, seed=0)
_U_KEPT = _U_KETAMINE.response_kept(24.0)
# a Validation by hand (validate itself is fuzzed through its own entry)
_U_VALIDATION = uf.Validation(points=uf.VALIDATION_POINTS,
                              model=tuple(p.value for p in uf.VALIDATION_POINTS),
                              inside=(True,) * len(uf.VALIDATION_POINTS))
_U_BATCH = dict(sn_factor=np.full((2, 3), 0.5), dmn_factor=np.full((2, 3), 0.8),
                window=np.full((2, 3), 1.5))
_U_BATCH_SHAPES = [lambda: np.full((2, 4), 0.5), lambda: np.full((3, 3), 0.5),
                   lambda: np.full(3, 0.5), lambda: np.full((2, 3, 1), 0.5)]


VALID: dict[str, Entry] = {
    # pharmacology: doses
    "pharmacology.Dose": Entry(dict(dose_mg_per_kg=0.5, route="iv", start_min=0.0,
                                    duration_min=40.0, bioavailability=1.0)),
    "pharmacology.Dose.infusion": Entry(dict(rate_mg_per_kg_per_h=1.5, duration_h=24.0,
                                             start_h=0.0)),
    "pharmacology.standard_infusion": Entry(dict(start_min=0.0, hcl_salt=True)),
    "pharmacology.repeated_infusions": Entry(dict(n=2, interval_h=24.0, dose_mg_per_kg=0.5,
                                                  duration_min=40.0)),
    "pharmacology.anaesthetic_bolus": Entry(dict(dose_mg_per_kg=2.0)),
    # pharmacology: kinetics
    "pharmacology.PKParams.bioavailability": Entry(dict(route="iv"), of=ph.PKParams),
    "pharmacology.simulate": Entry(dict(doses=ph.standard_infusion(), t_end_min=60.0,
                                        body_weight_kg=70.0, dt_min=1.0)),
    "pharmacology.PKResult.peak": Entry(
        dict(name="plasma_ng_per_mL"), of=lambda: ph.simulate(ph.standard_infusion(), 60.0)),
    "pharmacology.PKResult.auc": Entry(
        dict(name="plasma_ng_per_mL"), of=lambda: ph.simulate(ph.standard_infusion(), 60.0)),
    "pharmacology.PKResult.at": Entry(
        dict(t_min=30.0, name="plasma_ng_per_mL"),
        of=lambda: ph.simulate(ph.standard_infusion(), 60.0)),
    # pharmacology: receptor
    "pharmacology.occupancy": Entry(dict(conc_uM=1.0)),
    "pharmacology.occupancy_under": Entry(dict(conc_uM=1.0, free_fraction=0.8, ic50_factor=1.0,
                                               brain_to_plasma=1.0)),
    "pharmacology.conc_for_occupancy": Entry(dict(occ=0.5)),
    "pharmacology.mg_unblocked_fraction": Entry(dict(v_mV=-60.0, mg_mM=1.0),
                                                signed=frozenset({"v_mV"})),
    # pharmacology: trapping
    "pharmacology.TrappingParams.equilibrium_block": Entry(dict(conc_uM=1.0),
                                                           of=ph.TrappingParams),
    "pharmacology.TrappingResult.at": Entry(dict(t_s=1.0),
                                            of=lambda: ph.simulate_trapping(1.0, 1.0, 2.0)),
    "pharmacology.trapping_rates": Entry(dict(conc_uM=1.0, agonist_bound=True)),
    "pharmacology.trapping_generator": Entry(dict(conc_uM=1.0, agonist_bound=False)),
    "pharmacology.simulate_trapping_course": Entry(
        dict(t_s=[0.0, 2.0], conc_uM=[1.0, 0.5], frequency_Hz=1.0, initial=None),
        bad_shapes={"t_s": [lambda: np.zeros((2, 1)), lambda: 2.0],
                    "conc_uM": [lambda: np.ones((2, 1)), lambda: np.ones(3)]}),
    "pharmacology.simulate_trapping": Entry(
        dict(conc_uM=1.0, frequency_Hz=1.0, duration_s=2.0, initial=None),
        bad_shapes={"initial": [lambda: np.full(_n_states() - 1, 1.0 / (_n_states() - 1)),
                                lambda: np.full(_n_states() + 1, 1.0 / (_n_states() + 1)),
                                lambda: np.full((_n_states(), 1), 1.0 / _n_states())]}),
    # circuits
    "circuits.CircuitState.relative_excitation": Entry(dict(baseline_Hz=10.0),
                                                       of=lambda: circuits.steady_state(0.5)),
    "circuits.steady_state": Entry(dict(occupancy=0.5)),
    "circuits.jacobian": Entry(dict(occupancy=0.5)),
    "circuits.peak_occupancy": Entry(dict(n=5)),
    "circuits.share_map": Entry(
        dict(nmda_share_e=[0.75], nmda_share_i=[0.95], probe_occupancy=0.5, n=3),
        bad_shapes={"nmda_share_e": [lambda: np.full((1, 1), 0.75), lambda: 0.75],
                    "nmda_share_i": [lambda: np.full((1, 1), 0.95), lambda: 0.95]}),
    # reward
    "reward.t_availability": Entry(dict(v_mV=-70.0, t_block=0.0), signed=frozenset({"v_mV"})),
    "reward.nmda_drive_factor": Entry(dict(nmda_block=0.3)),
    "reward.burst_fraction": Entry(dict(nmda_block=0.3, v_rest_mV=-70.0, t_block=0.0),
                                   signed=frozenset({"v_rest_mV"})),
    "reward.firing_rate": Entry(dict(nmda_block=0.3, v_rest_mV=-70.0, t_block=0.0),
                                signed=frozenset({"v_rest_mV"})),
    "reward.habenula_block": Entry(
        dict(t_h=[0.0, 0.1], conc_uM=[1.0, 0.0], firing_Hz=1.0, max_simulated_Hz=0.2,
             silent_step_s=60.0, conc_step_min=1.0, output_dt_min=1.0, initial=None),
        bad_shapes={"t_h": [lambda: np.zeros((2, 1)), lambda: 2.0],
                    "conc_uM": [lambda: np.ones((2, 1)), lambda: np.ones(3)]}),
    "reward.rpe_gain": Entry(dict(burst_fraction=0.2)),
    "reward.dopamine_rpe": Entry(dict(reward=1.0, expected=0.5, burst_fraction=0.2)),
    "reward.trial_sequence": Entry(dict(seed=0, n_sessions=1, n_blocks=3, trials_per_block=100,
                                        max_run=3)),
    "reward.log_response_bias": Entry(dict(rich_correct=40, rich_incorrect=10, lean_correct=30,
                                           lean_incorrect=20)),
    "reward.log_discriminability": Entry(dict(rich_correct=40, rich_incorrect=10,
                                              lean_correct=30, lean_incorrect=20)),
    "reward.prt_measures": Entry(
        dict(stimulus=[0, 1, 0, 1], choice=[0, 1, 1, 1], block=[0, 0, 1, 1]),
        bad_shapes={"stimulus": [lambda: np.zeros(3), lambda: np.zeros((1, 1, 4))],
                    "block": [lambda: np.zeros((4, 1)), lambda: np.zeros(5)]}),
    "reward.AgentParams.from_fit_space": Entry(
        dict(x=[0.0, 0.0, 0.0, 0.0, 0.0]), signed=frozenset({"x"}),
        bad_shapes={"x": [lambda: np.zeros(4), lambda: np.zeros((5, 1))]}),
    "reward.simulate_agents": Entry(dict(n_agents=5, seed=0)),
    "reward.neg_log_likelihood": Entry(
        dict(params=rw.AgentParams(), stimulus=[0, 1, 1], choice=[0, 1, 0], reward=[1, 0, 0]),
        bad_shapes={"choice": [lambda: np.zeros(2), lambda: np.zeros((1, 1, 3))]}),
    "reward.likelihood_surface": Entry(
        dict(stimulus=[[0, 1, 1]], choice=[[0, 1, 0]], reward=[[1, 0, 0]], rho=[1.0, 2.0],
             epsilon=[0.1, 0.2]),
        bad_shapes={"rho": [lambda: np.ones((2, 2))], "epsilon": [lambda: np.ones((2, 2))]}),
    "reward.recover": Entry(dict(params=rw.AgentParams(), n_participants=2, n_sessions=1,
                                 rho=[1.0, 2.0], epsilon=[0.1, 0.2], seed=0)),
    "reward.fit_agent": Entry(
        dict(stimulus=[0, 1, 1], choice=[0, 1, 0], reward=[1, 0, 0], n_starts=1, seed=0),
        bad_shapes={"reward": [lambda: np.zeros(2), lambda: np.zeros((1, 1, 3))]}),
    "reward.low_rho_or_low_epsilon": Entry(dict(rho_low=1.0, n_agents=100, seed=0)),
    "reward.rho_from_gain": Entry(dict(gain=0.5)),
    "reward.rho_from_block": Entry(dict(nmda_block=0.3, v_rest_mV=-70.0),
                                   signed=frozenset({"v_rest_mV"})),
    "reward.bias_by_rho": Entry(dict(rho=[1.0, 2.0], n_agents=5, seed=0),
                                bad_shapes={"rho": [lambda: np.ones((2, 2)),
                                                    lambda: np.ones(0)]}),
    "reward.habenula_block_schedule": Entry(
        dict(t_h=[0.0, 0.1], conc_uM=[1.0, 0.0], start_h=[0.0, 0.05], firing_Hz=[1.0, 0.0],
             output_dt_min=1.0),
        bad_shapes={"start_h": [lambda: np.array([0.05, 0.0]), lambda: np.array([0.0, 0.2])],
                    "firing_Hz": [lambda: np.ones(3)]}),
    "reward.ScheduledBlock.at": Entry(
        dict(t_h=0.05), of=lambda: rw.habenula_block_schedule([0.0, 0.1], [1.0, 0.0], [0.0],
                                                              [1.0])),
    "reward.check_prt_answer": Entry(
        dict(rich_correct=40, rich_incorrect=10, lean_correct=30, lean_incorrect=20,
             log_b=0.2, log_d=0.4), signed=frozenset({"log_b", "log_d"})),
    "reward.reward_course": Entry(
        dict(t_h=[0.0, 0.1], conc_uM=[1.0, 0.0], v_rest_mV=-70.0, segment_h=0.05),
        signed=frozenset({"v_rest_mV"}),
        bad_shapes={"t_h": [lambda: np.zeros((2, 1))], "conc_uM": [lambda: np.ones(3)]}),
    "reward.ketamine_reward": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=0.5, v_rest_mV=-70.0, segment_h=0.1),
        signed=frozenset({"v_rest_mV"})),
    "reward.agent_groups": Entry(
        dict(course=rw.reward_course([0.0, 0.1], [1.0, 0.0]), t_after_h=0.05)),
    "reward.RewardCourse.rho_at": Entry(
        dict(t_h=0.05), of=lambda: rw.reward_course([0.0, 0.1], [1.0, 0.0])),
    # plasticity
    "plasticity.PlasticityParams.scaled": Entry(dict(factor=2.0), of=pl.PlasticityParams),
    "plasticity.cascade_matrices": Entry(dict(ablate_spine_formation=False)),
    "plasticity.check_course": Entry(
        dict(t_h=[0.0, 1.0], occupancy=[0.5, 0.0], norketamine_ng_per_mL=[1.0, 0.0]),
        bad_shapes={"t_h": [lambda: np.zeros((2, 1)), lambda: 2.0],
                    "occupancy": [lambda: np.full(3, 0.5), lambda: np.full((2, 1), 0.5)],
                    "norketamine_ng_per_mL": [lambda: np.ones(3)]}),
    "plasticity.surge_of": Entry(dict(occupancy=0.5)),
    "plasticity.simulate_course": Entry(
        dict(t_h=[0.0, 1.0], occupancy=[0.5, 0.0], norketamine_ng_per_mL=[1.0, 0.0],
             ablate_spine_formation=False, hnk_route=True),
        bad_shapes={"t_h": [lambda: np.zeros((2, 1))], "occupancy": [lambda: np.ones(3)],
                    "norketamine_ng_per_mL": [lambda: np.ones(3)]}),
    "plasticity.PlasticityCourse.at": Entry(
        dict(t_h=0.5, name="window"), of=lambda: pl.simulate_course([0.0, 1.0], [0.5, 0.0])),
    "plasticity.PlasticityCourse.window_at": Entry(
        dict(t_h=0.5), of=lambda: pl.simulate_course([0.0, 1.0], [0.5, 0.0])),
    "plasticity.simulate": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=2.0, ablate_spine_formation=False,
             hnk_route=False, coarse_step_h=0.5)),
    "plasticity.window_function": Entry(
        dict(course=pl.simulate_course([0.0, 1.0], [0.5, 0.0]))),
    "plasticity.window_interval": Entry(
        dict(course=pl.simulate_course([0.0, 1.0], [0.5, 0.0]), threshold=1.5)),
    "plasticity.open_hours": Entry(
        dict(course=pl.simulate_course([0.0, 1.0], [0.5, 0.0]), threshold=1.5)),
    "plasticity.conclusions": Entry(dict()),
    "plasticity.ordering_kept": Entry(dict()),
    "plasticity.time_scale_orderings": Entry(dict(factors=[2.0])),
    "plasticity.check_window_reading": Entry(
        dict(course=pl.simulate(ph.standard_infusion(), 96.0), opens_h=8.0, closes_h=60.0,
             threshold=1.5, tolerance=0.1)),
    "plasticity.check_peak_order": Entry(
        dict(course=pl.simulate_course([0.0, 1.0], [0.5, 0.0]), stages=["bdnf", "mtorc1"])),
    # networks
    "networks.atlas": Entry(dict(n_parcels=100)),
    "networks.Atlas.indices": Entry(dict(network="SN"), of=lambda: nw.atlas(100)),
    "networks.network_name": Entry(dict(name="DMN")),
    "networks.brain_graph": Entry(
        dict(weights=nw.empirical_fc(100), brain=nw.atlas(100), threshold=0.3),
        signed=frozenset({"threshold"}),
        bad_shapes={"weights": [lambda: np.eye(99), lambda: np.ones((100, 50))]}),
    "networks.fc_path": Entry(dict(n_parcels=100, group="discovery")),
    "networks.check_parcels": Entry(dict(n_parcels=200)),
    "networks.baseline": Entry(dict(n_parcels=100)),
    "networks.empirical_fc": Entry(dict(n_parcels=200, group="validation")),
    "networks.sha256": Entry(dict(path=nw.fc_path(100))),
    "networks.within_between": Entry(dict(fc=_fc6(), labels=_LABELS6, negative="keep"),
                                     bad_shapes={"fc": _SQUARE_ONLY}),
    "networks.system_segregation": Entry(dict(fc=_fc6(), labels=_LABELS6, negative="zero"),
                                         bad_shapes={"fc": _SQUARE_ONLY}),
    "networks.participation_coefficient": Entry(dict(weights=_fc6(), labels=_LABELS6),
                                                bad_shapes={"weights": _SQUARE_ONLY}),
    "networks.modularity": Entry(dict(weights=_fc6(), labels=_LABELS6, resolution=1.0),
                                 bad_shapes={"weights": _SQUARE_ONLY}),
    "networks.global_efficiency": Entry(dict(weights=_fc6()),
                                        bad_shapes={"weights": _SQUARE_ONLY}),
    "networks.measures": Entry(dict(fc=_fc6(), labels=_LABELS6),
                               bad_shapes={"fc": _SQUARE_ONLY}),
    "networks.largest_eigenvalue": Entry(dict(coupling=_STABLE3),
                                         bad_shapes={"coupling": _SQUARE_ONLY}),
    "networks.stationary_covariance": Entry(
        dict(coupling=_STABLE3, tau_s=2.0, noise=0.5),
        bad_shapes={"coupling": _SQUARE_ONLY, "noise": [lambda: np.eye(2), lambda: np.eye(4)]}),
    "networks.functional_connectivity": Entry(
        dict(coupling=_STABLE3, noise=np.eye(3)),
        bad_shapes={"coupling": _SQUARE_ONLY, "noise": [lambda: np.eye(2)]}),
    "networks.correlation": Entry(dict(covariance=np.eye(3) + 0.1),
                                  bad_shapes={"covariance": _SQUARE_ONLY}),
    "networks.simulate_timeseries": Entry(
        dict(coupling=_STABLE3, t_end_s=1.0, dt_s=0.01, tau_s=1.0, noise=1.0, seed=0),
        bad_shapes={"coupling": _SQUARE_ONLY}),
    "networks.regress_global_signal": Entry(dict(covariance=np.eye(3) + 0.1),
                                            bad_shapes={"covariance": _SQUARE_ONLY}),
    "networks.block_means": Entry(dict(fc=nw.empirical_fc(100), brain=nw.atlas(100)),
                                  bad_shapes={"fc": [lambda: np.eye(99)]}),
    "networks.fit_baseline": Entry(dict(target=nw.empirical_fc(100), brain=nw.atlas(100)),
                                   bad_shapes={"target": [lambda: np.eye(99)]}),
    "networks.agreement": Entry(
        dict(model=nw.empirical_fc(100), empirical=nw.empirical_fc(100, "validation"),
             brain=nw.atlas(100)),
        bad_shapes={"model": [lambda: np.eye(99)], "empirical": [lambda: np.eye(200)]}),
    "networks.context_value": Entry(dict(context=0.4), signed=frozenset({"context"})),
    "networks.context_label": Entry(dict(context="neutral"), signed=frozenset({"context"})),
    "networks.disruption": Entry(dict(occupancy=0.5, context=-0.5, params=nw.NetworkParams()),
                                 signed=frozenset({"context"})),
    "networks.simulate": Entry(dict(occupancy=0.5, context="noisy clinical room", n_parcels=100),
                               signed=frozenset({"context"})),
    "networks.simulate_course": Entry(
        dict(t_min=[0.0, 10.0], occupancy=[0.5, 0.2], context=0.5, n_parcels=100),
        signed=frozenset({"context"}),
        bad_shapes={"t_min": [lambda: np.zeros((2, 1)), lambda: np.array([10.0, 0.0])],
                    "occupancy": [lambda: np.full(3, 0.5), lambda: np.full((2, 1), 0.5)]}),
    "networks.dose_context_map": Entry(
        dict(occupancy=[0.0, 0.5], context=[-1.0, 1.0]), signed=frozenset({"context"}),
        bad_shapes={"occupancy": [lambda: np.full((2, 1), 0.5), lambda: np.zeros(0),
                                  lambda: np.zeros(2501)],
                    "context": [lambda: np.zeros((1, 2)), lambda: np.zeros(0)]}),
    "networks.modular_graph": Entry(dict(n_modules=3, size=4, within=0.6, between=0.1)),
    "networks.mix": Entry(
        dict(weights=nw.modular_graph()[0], labels=nw.modular_graph()[1], fraction=0.5),
        bad_shapes={"weights": _SQUARE_ONLY, "labels": [lambda: np.zeros(5)]}),
    "networks.check_segregation": Entry(dict(weights=_fc6(), labels=_LABELS6, answer=0.5),
                                        signed=frozenset({"answer"})),
    "networks.check_coupling": Entry(dict(coupling=_STABLE3),
                                     bad_shapes={"coupling": _SQUARE_ONLY}),
    # selfmodel
    "selfmodel.Therapy": Entry(dict(start_h=1.0, sessions=3, interval_h=24.0, duration_h=2.0)),
    "selfmodel.one_level": Entry(
        dict(inputs=[0.5, -0.5, 1.0], prior_mean=-1.0, prior_precision=1.0, input_precision=1.0,
             log_volatility=-4.0, dt_h=1.0),
        signed=frozenset({"inputs", "prior_mean", "log_volatility"}),
        bad_shapes={"inputs": [lambda: np.zeros((3, 1)), lambda: 0.5]}),
    "selfmodel.check_update": Entry(
        dict(prior_mean=-2.0, prior_precision=3.0, evidence=1.0, evidence_precision=1.0,
             answer=-1.25), signed=frozenset({"prior_mean", "evidence", "answer"})),
    "selfmodel.steady_precision": Entry(
        dict(log_volatility=-9.0, autoconnection=0.99, evidence_precision=4.0, dt_h=1.0),
        signed=frozenset({"log_volatility"})),
    "selfmodel.precision_factor": Entry(dict(disintegration=[0.1, -0.05], sensitivity=6.0),
                                        signed=frozenset({"disintegration"})),
    "selfmodel.disintegration": Entry(
        dict(occupancy=[0.2, 0.5], context="neutral", n_parcels=100, rule="eigenvalue"),
        signed=frozenset({"context"})),
    "selfmodel.bin_means": Entry(
        dict(t_h=np.array([0.0, 1.0, 2.0]), values=np.array([0.0, 1.0, 0.0]),
             edges_h=np.array([0.0, 0.5, 2.0])),
        signed=frozenset({"values"}),
        bad_shapes={"t_h": [lambda: np.array([0.0, 2.0, 1.0]), lambda: np.zeros((3, 1)),
                            lambda: np.array([0.0, 2.0])],
                    "values": [lambda: np.zeros(2), lambda: np.zeros((3, 1))],
                    "edges_h": [lambda: np.array([0.0, 3.0]), lambda: np.array([1.0, 0.5]),
                                lambda: np.array([1.0])]}),
    "selfmodel.no_drug": Entry(dict(t_end_h=48.0)),
    "selfmodel.hourly_factor": Entry(
        dict(drive=sm.drive_from_network_course(nw.simulate_course([0.0, 60.0], [0.5, 0.1]),
                                                None, 4.0), level="DMN", sensitivity=6.0)),
    "selfmodel.drive_from_course": Entry(
        dict(course=pl.simulate(ph.standard_infusion(), 24.0), context="neutral", t_end_h=24.0,
             n_parcels=100, rule="eigenvalue"), signed=frozenset({"context"})),
    "selfmodel.drive_from_network_course": Entry(
        dict(course=nw.simulate_course([0.0, 60.0], [0.5, 0.1]), window=None, t_end_h=4.0)),
    "pharmacology.dose_tuple": Entry(dict(doses=ph.standard_infusion())),
    "selfmodel.drug_drive": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=48.0, context="neutral", n_parcels=100),
        signed=frozenset({"context"})),
    "selfmodel.simulate": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=48.0, context="neutral", relax="both",
             message="hgf", seed=0, noise=True, n_parcels=100), signed=frozenset({"context"})),
    "selfmodel.simulate_drive": Entry(dict(drive=sm.no_drug(48.0), relax="SN", message="exact",
                                           seed=0, noise=True)),
    # doses is left out (the default, one standard infusion) so that the object fuzz hands
    # it wrong objects; the late sessions start 48 h after the early ones and end by 120 h
    "selfmodel.four_cases": Entry(
        dict(delay_h=48.0, context="neutral", relax="DMN",
             message="hgf", t_end_h=120.0, seed=0, noise=False, n_parcels=100),
        signed=frozenset({"context"})),
    # params is left out so that the object fuzz hands it wrong objects (about 1 s: the four
    # cases for each field doubled)
    "selfmodel.ranking_robustness": Entry(dict(doses=ph.standard_infusion(),
                                               therapy=sm.Therapy(), factors=(2.0,))),
    # p is left out so that the object fuzz hands it wrong objects
    "selfmodel.initial_precision": Entry(dict(message="hgf")),
    "selfmodel.therapy_steps": Entry(
        dict(therapy=sm.Therapy(), t_h=np.arange(1.0, 73.0)),
        bad_shapes={"t_h": [lambda: np.ones((72, 1))]}),
    # selfmodel: the filter for many people at once (seeds: tests/test_selfmodel_batch.py,
    # since seeds and innovations cannot both be given)
    "selfmodel.simulate_batch": Entry(
        dict(**_U_BATCH, message="hgf", innovations=np.zeros((2, 2, 3))),
        signed=frozenset({"innovations"}),
        bad_shapes={"sn_factor": _U_BATCH_SHAPES, "dmn_factor": _U_BATCH_SHAPES,
                    "window": [lambda: np.full((2, 4), 1.5), lambda: np.full(3, 1.5)],
                    "innovations": [lambda: np.zeros((2, 3)), lambda: np.zeros((2, 2, 4)),
                                    lambda: np.zeros((3, 2, 3)), lambda: np.zeros((2, 1, 3))]}),
    "selfmodel.batch_factors": Entry(
        dict(fine_t_h=[0.0, 0.5, 1.0, 2.0], disintegration=np.full((2, 4), 0.3),
             sensitivity=[1.0, 6.0], n_hours=2),
        signed=frozenset({"disintegration"}),
        bad_shapes={"fine_t_h": [lambda: np.array([0.0, 2.0, 1.0, 3.0]),
                                 lambda: np.array([0.5, 1.0, 1.5, 2.0]),
                                 lambda: np.array([0.0, 0.5, 1.0, 1.5]),
                                 lambda: np.zeros((4, 1))],
                    "disintegration": [lambda: np.full((2, 3), 0.3), lambda: np.full(4, 0.3),
                                       lambda: np.full((3, 4), 0.3)],
                    "sensitivity": [lambda: np.ones((2, 1))]}),
    # unified: the outcome layer
    "unified.responsiveness": Entry(dict(z=[0.5, -1.0], sd=0.8), signed=frozenset({"z"})),
    # fade_h is left out: inf is valid there (no fading), which the fuzz would try as bad
    # (tests/test_unified.py checks its refusals)
    "unified.nonspecific_relief": Entry(
        dict(t_h=[1.0, 24.0], level=[0.3, 0.2], first_h=0.0, onset_h=2.0, last_h=1.0),
        signed=frozenset({"t_h"})),
    "unified.madrs": Entry(
        dict(baseline=[35.0, 30.0], nonspecific=[0.2, 0.3], acute=[0.5, 0.0],
             self_revision=[0.1, -0.2]),
        signed=frozenset({"self_revision"})),
    # an expected score below 0 is valid (the rating is clipped to the scale after the noise;
    # tests/test_unified.py rates scores from -20 to 80)
    "unified.rate": Entry(dict(expected=[20.0, 10.5], z=[0.5, -0.5], visit_sd=2.0),
                          signed=frozenset({"expected", "z"})),
    "unified.responded": Entry(dict(baseline=[30.0, 30.0], score=[10.0, 20.0])),
    "unified.remitted": Entry(dict(score=[10.0, 20.0])),
    "unified.cadss": Entry(dict(dissociation=[0.0, 0.5])),
    "unified.ego_score": Entry(dict(ego_dissolution=[0.0, 0.5])),
    # unified: levels and one person
    "unified.exposure": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=48.0, context="neutral", cl_factor=1.0,
             ablate_spine_formation=False, n_parcels=100), signed=frozenset({"context"})),
    "unified.check_t_end": Entry(dict(t_end_h=48.0)),    # annotated object: tested directly
    "unified.dose_groups": Entry(dict(doses=(ph.standard_infusion(),))),
    "unified.Person": Entry(dict(cl_factor=1.0, baseline_madrs=35.8, network_sensitivity=1.0,
                                 responsiveness=1.0, placebo_responsiveness=1.0)),
    "unified.simulate": Entry(
        dict(doses=ph.standard_infusion(), t_end_h=48.0, context="neutral", treatment="saline",
             relax="SN", ablate_spine_formation=False, seed=0, noise=True),
        signed=frozenset({"context"})),
    "unified.UnifiedCourse.at": Entry(
        dict(t_h=24.0), of=lambda: uf.simulate(ph.standard_infusion(), 48.0)),
    # unified: the cohort
    # an arm's name is free text (any non-empty string), not a choice among names: it is not
    # fuzzed here (tests/test_unified.py checks that an empty or non-string name is refused)
    "unified.Arm": Entry(dict(name="k", treatment="ketamine", doses=(ph.standard_infusion(),)),
                         kinds={"name": "object"}),
    "unified.patient_table": Entry(dict(n=3, seed=0, first_id=5)),
    "unified.block_normals": Entry(dict(seed=0, stream=1, ids=np.arange(3), size=2)),
    "unified.concat_tables": Entry(dict(tables=[_U_TABLE, _U_TABLE])),
    "unified.PatientTable.take": Entry(dict(index=[0, 2]), of=lambda: _U_TABLE),
    "unified.simulate_cohort": Entry(
        dict(table=_U_TABLE, arm=uf.ARMS["ketamine"], context="neutral", t_end_h=48.0,
             visits_h=[0.0, 24.0], relax="DMN", ablate_spine_formation=False, seed=0,
             noise=True),
        signed=frozenset({"context"}), kinds={"visits_h": "array"},
        bad_shapes={"visits_h": [lambda: np.array([1.0, 24.0]), lambda: np.array([0.0, 0.0]),
                                 lambda: np.array([0.0, 72.0]), lambda: np.zeros((2, 1))]}),
    "unified.CohortCourse.at": Entry(dict(visit_h=24.0), of=lambda: _U_KETAMINE),
    "unified.CohortCourse.response_kept": Entry(dict(from_visit_h=24.0), of=lambda: _U_KETAMINE),
    "unified.ResponseKept.resampled_rmst_days": Entry(
        dict(people=np.array([0, 1, 1, 3])), of=lambda: _U_KEPT,
        bad_shapes={"people": [lambda: np.zeros((2, 2), dtype=int), lambda: np.array([0, 9])]}),
    "unified.rmst_days": Entry(
        dict(t_h=np.array([0.0, 24.0, 72.0]), share=np.array([1.0, 0.5, 0.25])),
        bad_shapes={"t_h": [lambda: np.array([0.0, 72.0, 24.0]), lambda: np.zeros((3, 1))],
                    "share": [lambda: np.ones(2), lambda: np.array([1.0, 1.5, 0.5])]}),
    "unified.acute_state": Entry(
        dict(table=_U_TABLE, doses=ph.standard_infusion(), context="neutral", t_end_h=24.0,
             relax="SN"), signed=frozenset({"context"})),
    # unified: trials
    "unified.arm": Entry(dict(name="midazolam")),
    "unified.virtual_trial": Entry(
        dict(arms=["ketamine", "saline"], n=4, ratio=[1, 1], seed=0, context="neutral",
             t_end_h=48.0, visits_h=[0.0, 24.0]),
        signed=frozenset({"context"}), kinds={"visits_h": "array"}),
    "unified.wilson": Entry(dict(k=3, n=10, z=1.96)),
    "unified.summarise": Entry(dict(course=_U_KETAMINE, visit_h=24.0)),
    "unified.compare": Entry(dict(treated=_U_KETAMINE, control=_U_MIDAZOLAM, visit_h=24.0)),
    "unified.replicate": Entry(dict(treated=_U_KETAMINE, control=_U_MIDAZOLAM, n_treated=2,
                                    n_control=2, n_rep=3, visit_h=24.0, seed=0)),
    # unified: calibration
    "unified.calibration_data": Entry(dict(n=20, seed=0)),
    "unified.calibrate": Entry(dict(data=_U_DATA)),
    "unified.model_statistics": Entry(dict(data=_U_DATA)),
    "unified.expected_arm": Entry(dict(data=_U_DATA, arm=uf.ARMS["saline"],
                                       params=uf.OutcomeParams())),
    # unified: predictions and the phenomenology map (small cohorts; the default doses)
    "unified.partial_spearman": Entry(
        dict(x=np.arange(8.0), y=np.arange(8.0) ** 2, z=np.cos(np.arange(8.0))),
        signed=frozenset({"x", "y", "z"})),
    "unified.ego_and_improvement": Entry(dict(n=20, seed=0, self_share=0.4, relax="both")),
    "unified.dissociation_and_dose": Entry(
        dict(doses_mg_per_kg=[0.2, 0.433], n=2, seed=0), kinds={"doses_mg_per_kg": "array"},
        bad_shapes={"doses_mg_per_kg": [lambda: np.array([0.433, 0.2]),
                                        lambda: np.array([0.433]),
                                        lambda: np.full((2, 1), 0.3)]}),
    "unified.therapy_in_window": Entry(dict(n=2, seed=0, outside_h=336.0, after_h=672.0,
                                            relax="none")),
    "unified.relapse_after_course": Entry(dict(n=20, seed=0, ablate_spine_formation=False)),
    # the quickest prediction (about a second with its default 200 people)
    "unified.run_prediction": Entry(dict(name="dissociation and dose", failing=False)),
    # rho is any number (at most 0, or NaN, gives inf by design), so it is not fuzzed as a
    # scalar with a range (tests/test_unified.py checks it)
    "unified.n_for_correlation": Entry(dict(rho=0.3, power=0.8), kinds={"rho": "object"}),
    # unified: validation (20 people: the smallest cohort it takes)
    "unified.validate": Entry(dict(n=20, seed=0)),
    "unified.Validation.row": Entry(dict(name=uf.VALIDATION_POINTS[0].name),
                                    of=lambda: _U_VALIDATION),
    # pharmacology: Chapter 1's self-checking exercise
    "pharmacology.check_occupancy": Entry(dict(conc_ng_per_mL=150.0, answer=0.56),
                                          signed=frozenset({"answer"})),
    # unified: the chapter's exercise
    "unified.check_odds_ratio": Entry(dict(treated=0.64, control=0.28, answer=4.57),
                                      signed=frozenset({"answer"})),
    "unified.phenomenology_map": Entry(
        dict(doses_mg_per_kg=[0.433], contexts=["neutral", 0.5], n=2, seed=0),
        kinds={"doses_mg_per_kg": "array", "contexts": "array"}, signed=frozenset({"contexts"}),
        bad_shapes={"doses_mg_per_kg": [lambda: np.zeros(0), lambda: np.full((1, 1), 0.3)],
                    "contexts": [lambda: [], lambda: ["no such setting"]]}),
}

_HGF_KERNEL = ("an update equation of selfmodel.hgf: it takes arrays (a cohort in one "
               "call) and deliberately checks nothing (the module's docstring): the model "
               "that calls it validates, and tests/test_selfmodel.py checks it by hand")

#: Public callables that take input but are not fuzzed, each with the reason.
NOT_FUZZED: dict[str, str] = {
    "pharmacology.PKResult": "a result container, built by simulate from checked input",
    "pharmacology.TrappingResult": "a result container, built by simulate_trapping",
    "circuits.CircuitState": "a result container, built by steady_state",
    "circuits.ShareMap": "a result container, built by share_map",
    "reward.HabenulaBlock": "a result container, built by habenula_block",
    "reward.PRTSequence": "a result container, built by trial_sequence",
    "reward.PRTMeasures": "a result container, built by prt_measures",
    "reward.AgentSession": "a result container, built by simulate_agents",
    "reward.AgentFit": "a result container, built by fit_agent",
    "reward.BiasComparison": "a result container, built by low_rho_or_low_epsilon",
    "reward.RewardCourse": "a result container, built by reward_course",
    "reward.AgentGroups": "a result container, built by agent_groups",
    "reward.ScheduledBlock": "a result container, built by habenula_block_schedule",
    "reward.LikelihoodSurface": "a result container, built by likelihood_surface",
    "reward.Feedback": "a result container, built by check_prt_answer",
    "plasticity.PlasticityCourse": "a result container, built by simulate_course",
    "plasticity.WindowFunction": "the window of a course as a callable, built by "
                                 "window_function",
    "plasticity.Conclusions": "a result container, built by conclusions",
    "plasticity.OrderingRow": "a result container, built by time_scale_orderings",
    "networks.Atlas": "a result container, built by atlas",
    "networks.BlockFC": "a result container, built by within_between",
    "networks.Measures": "a result container, built by measures",
    "networks.Baseline": "a result container, built by fit_baseline",
    "networks.Agreement": "a result container, built by agreement",
    "networks.NetworkState": "a result container, built by simulate",
    "networks.NetworkCourse": "a result container, built by simulate_course",
    "networks.DoseContextMap": "a result container, built by dose_context_map",
    "networks.check_matrix": "the validator itself: name is the caller's parameter name and "
                             "values is what it checks (tests/test_networks.py)",
    "networks.check_labels": "the validator of labels (any numbers or strings) for the "
                             "measures, which the fuzz of those reaches",
    "networks.topology": "a step of fit_baseline, on a matrix fit_baseline has checked",
    "networks.coupling_from_gains": "a step of fit_baseline and simulate, on gains and a "
                                    "topology they built",
    "networks.occupancy_effect": "a step of disruption, which checks occupancy and is fuzzed",
    "networks.within_gains": "a step of redistribute; delta is the dict disruption builds",
    "networks.between_direction": "a step of redistribute; delta is the dict disruption "
                                  "builds",
    "networks.coupling_lost": "a sum over the gains redistribute starts from, on a "
                              "Baseline; its delta goes through check_delta, tested in "
                              "tests/test_networks.py",
    "networks.check_delta": "the validator of the disruption dict, tested in "
                            "tests/test_networks.py",
    "networks.redistribute": "a step of simulate on a Baseline and the dict of disruptions "
                             "that simulate builds from checked input",
    "selfmodel.Cases": "a result container, built by four_cases",
    "selfmodel.RobustnessRow": "a result container, built by ranking_robustness",
    "selfmodel.Drive": "a result container, built by drug_drive, drive_from_course, "
                       "drive_from_network_course and no_drug",
    "selfmodel.OneLevel": "a result container, built by one_level",
    "selfmodel.SelfModelCourse": "a result container, built by simulate_drive",
    "selfmodel.step_variance": _HGF_KERNEL,
    "selfmodel.predict_mean": _HGF_KERNEL,
    "selfmodel.predict_precision": _HGF_KERNEL,
    "selfmodel.prediction_error": _HGF_KERNEL,
    "selfmodel.posterior_precision": _HGF_KERNEL,
    "selfmodel.posterior_mean": _HGF_KERNEL,
    "selfmodel.prior_share": _HGF_KERNEL,
    "selfmodel.relaxation_index": _HGF_KERNEL,
    "selfmodel.error_precision": _HGF_KERNEL,
    "selfmodel.BatchCourse": "a result container, built by simulate_batch",
    "selfmodel.hourly_operator": "a step of batch_factors, on a grid batch_factors has "
                                 "checked (its docstring says so); tested against the "
                                 "trapezoidal rule in tests/test_selfmodel_batch.py",
    "unified.Exposure": "a result container, built by exposure",
    "unified.UnifiedCourse": "a result container, built by simulate",
    "unified.PatientTable": "a result container, built by patient_table, concat_tables and "
                            "take (tests/test_unified.py builds one by hand)",
    "unified.CohortCourse": "a result container, built by simulate_cohort",
    "unified.Trial": "a result container, built by virtual_trial",
    "unified.ArmSummary": "a result container, built by summarise",
    "unified.Comparison": "a result container, built by compare",
    "unified.Replicates": "a result container, built by replicate",
    "unified.CalibrationPoint": "a constant of the calibration (CALIBRATION_POINTS)",
    "unified.CalibrationData": "a result container, built by calibration_data",
    "unified.CalibrationFit": "a result container, built by calibrate",
    "unified.ArmExpectation": "a result container, built by expected_arm",
    "unified.Prediction": "a result container, built by the prediction functions",
    "unified.PhenomenologyMap": "a result container, built by phenomenology_map",
    "unified.AcuteState": "a result container, built by acute_state",
    "unified.ResponseKept": "a result container, built by CohortCourse.response_kept "
                            "(tests/test_unified.py builds one by hand)",
    "unified.Validation": "a result container, built by validate",
    "unified.ValidationPoint": "a constant of the validation (VALIDATION_POINTS)",
    "selfmodel.check_consolidation": "the validator of a consolidation too fast for an hourly "
                                     "step, called by simulate_drive and simulate_batch on the "
                                     "parameters and window they have checked",
}

#: (callable, parameter) pairs that do not yet refuse bad input clearly, in modules
#: outside this test's reach; each is expected to fail (strictly: fix, then remove).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


# --------------------------------------------------------------------------------------
# Discovery
# --------------------------------------------------------------------------------------
PARAMETER_CLASSES = provenance.parameter_classes()


def _public_callables() -> dict[str, Callable]:
    """``"model.name"`` or ``"model.Class.method"`` → the callable, for every public one."""
    found: dict[str, Callable] = {}
    for model in provenance.MODEL_MODULES:
        package = importlib.import_module(f"ketamodel.{model}")
        prefix = package.__name__
        for module in provenance.modules_of(package):
            for name, obj in vars(module).items():
                if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                if not (obj.__module__ == prefix or obj.__module__.startswith(prefix + ".")):
                    continue                                   # imported from elsewhere
                found[f"{model}.{name}"] = obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if attr.startswith("_"):
                            continue
                        if isinstance(member, classmethod | staticmethod) or inspect.isfunction(
                                member):
                            found[f"{model}.{name}.{attr}"] = getattr(obj, attr)
    return found


CALLABLES = _public_callables()


def _signature(key: str) -> inspect.Signature:
    """Signature of a callable without ``self``."""
    obj = CALLABLES[key]
    sig = inspect.signature(obj)
    params = list(sig.parameters.values())
    if key.count(".") == 2 and params and params[0].name == "self":
        sig = sig.replace(parameters=params[1:])
    return sig


def _takes_input(key: str) -> bool:
    return bool(_signature(key).parameters)


def _kind(p: inspect.Parameter) -> str:
    """The kind of a parameter from its annotation: array, scalar, integer, flag, choice, object."""
    ann = p.annotation
    text = ann if isinstance(ann, str) else inspect.formatannotation(ann)
    if re.search(r"\b(ArrayLike|ndarray)\b", text):
        return "array"
    if re.fullmatch(r"\s*bool(\s*\|\s*None)?\s*", text):
        return "flag"
    if re.search(r"\bfloat\b", text):
        return "scalar"
    if re.search(r"\bint\b", text):
        return "integer"
    if re.search(r"\bstr\b", text):
        return "choice"
    return "object"


FUZZED_KINDS = ("array", "scalar", "integer", "flag", "choice")


def _function_cases() -> Iterator[Any]:
    for key in sorted(VALID):
        if key not in CALLABLES:
            continue                       # reported by test_every_entry_names_a_callable
        sig = _signature(key).parameters
        for name in VALID[key].valid:
            if name in sig and VALID[key].kinds.get(name, _kind(sig[name])) in FUZZED_KINDS:
                marks = ()
                if (key, name) in KNOWN_GAPS:
                    marks = (pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[key, name]),)
                yield pytest.param(key, name, id=f"{key}-{name}", marks=marks)


def _field_cases() -> Iterator[Any]:
    for cls in PARAMETER_CLASSES:
        for f in fields(cls):
            if "unit" in f.metadata:
                yield pytest.param(cls, f.name, id=f"{cls.__module__}.{cls.__name__}.{f.name}")


FUNCTION_CASES = list(_function_cases())
FIELD_CASES = list(_field_cases())


# --------------------------------------------------------------------------------------
# Bad values
# --------------------------------------------------------------------------------------
_NAN, _INF = math.nan, math.inf

#: Not a number at all, for any numeric parameter.
_NOT_NUMBERS = ["abc", "0.5", "", b"1", {}, {"a": 1.0}, object(), 1 + 2j, np.complex128(0.5j),
                True, False, np.True_, [[1.0], [1.0, 2.0]], [1.0, None], ["0.5"], [True, False],
                [1.0, "a"], [1 + 1j], np.array([0.5, 1j])]
#: Not finite.
_NOT_FINITE = [_NAN, _INF, -_INF, np.float64(_NAN), [0.5, _NAN], np.array([0.5, _INF])]
#: Not one number, for a scalar parameter.
_NOT_SCALARS = [[0.5], [0.5, 0.5], np.array([0.5, 0.5]), np.ones((2, 2)), np.array([0.5]), []]
#: Not a choice among names.
_NOT_CHOICES = [1.0, 0, True, ["iv"], ("iv",), np.array(["iv", "im"]), {}, "no such choice",
                "", b"iv"]
#: Not True or False.
_NOT_FLAGS = [1, 0, 1.0, "True", "yes", [True], np.array([True, False]), {}]


def _fixed_bad(kind: str, p: inspect.Parameter, entry: Entry) -> list[Any]:
    """The deterministic bad values for a parameter of this kind."""
    none_is_valid = p.default is None
    extra = [] if none_is_valid else [None]
    shapes = [make() for make in entry.bad_shapes.get(p.name, [])]
    negatives = [-1e9] if p.name in entry.signed else [-1.0, -1e-9, -1e9, [0.5, -1.0]]
    if kind == "choice":
        return _NOT_CHOICES + extra
    if kind == "flag":
        return _NOT_FLAGS + extra
    bad = _NOT_NUMBERS + _NOT_FINITE + negatives + extra + shapes
    if kind in ("scalar", "integer"):
        bad += _NOT_SCALARS
    if kind == "integer":
        bad += [-1, 2.5, np.float64(3.0), "3"]
    return bad


def _random_bad(kind: str, p: inspect.Parameter, entry: Entry) -> st.SearchStrategy:
    """Randomly drawn bad values for a parameter of this kind."""
    if kind == "choice":
        return st.one_of(st.text(max_size=8).map(lambda s: "no such: " + s),
                         st.floats(allow_nan=True), st.integers(), st.none())
    if kind == "flag":
        return st.one_of(st.integers(), st.floats(), st.text(max_size=5))
    if p.name in entry.signed:
        # below -1e6, as the fixed values and Entry say (-1e6 itself may be valid)
        negative = st.floats(max_value=-1e6, exclude_max=True, allow_infinity=False)
    else:
        negative = st.floats(max_value=0.0, exclude_max=True, allow_infinity=False)
    finite = st.floats(0.0, 1.0)
    bad_element = st.one_of(negative, st.just(_NAN), st.sampled_from([_INF, -_INF]))
    if kind == "integer":
        return st.one_of(st.integers(max_value=-1), st.floats(allow_nan=True),
                         st.text(max_size=5))
    if kind == "scalar":
        return st.one_of(negative, st.text(max_size=5),
                         st.lists(finite, min_size=2, max_size=4),
                         st.lists(bad_element, min_size=1, max_size=3))
    # An array: one bad element among good ones.
    return st.one_of(negative, st.tuples(st.lists(finite, max_size=3), bad_element).map(
        lambda t: [*t[0], t[1]]), st.text(max_size=5))


def _names(message: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def _expect_refusal(call: Callable[..., Any], label: str, kwargs: dict[str, Any], name: str,
                    bad: Any) -> None:
    """``call(**kwargs)`` with ``kwargs[name] = bad`` must raise a ValueError naming ``name``."""
    args = {**kwargs, name: bad}
    try:
        call(**args)
    except ValueError as error:
        if not _names(str(error), name):
            pytest.fail(f"{label}({name}={bad!r}) raised a ValueError that does not name "
                        f"{name!r}: {error}")
        return
    except Exception as error:                   # noqa: BLE001 - anything else is a gap
        pytest.fail(f"{label}({name}={bad!r}) raised {type(error).__name__} ({error}), not a "
                    f"ValueError naming {name!r}")
    pytest.fail(f"{label}({name}={bad!r}) was accepted; it must raise a ValueError naming "
                f"{name!r}")


_FUZZ = settings(max_examples=12, deadline=None, database=None)


def _bound(key: str) -> Callable[..., Any]:
    """The callable, bound to an example object for a method."""
    entry = VALID[key]
    if entry.of is None:
        return CALLABLES[key]
    return getattr(entry.of(), key.rsplit(".", 1)[1])


# --------------------------------------------------------------------------------------
# The table is complete and current
# --------------------------------------------------------------------------------------
def test_every_public_callable_has_an_entry():
    # A new public function, method or class of a model module must say how to call it
    # validly (VALID), so that it is fuzzed, or why it is not (NOT_FUZZED).
    missing = [key for key in sorted(CALLABLES)
               if _takes_input(key) and key not in VALID and key not in NOT_FUZZED
               and CALLABLES[key] not in PARAMETER_CLASSES]
    assert missing == [], ("public callables without an entry in tests/test_fuzz.py VALID "
                           "(valid example arguments) or NOT_FUZZED (a reason): "
                           f"{missing}")


def test_every_entry_names_a_callable_and_its_parameters():
    stale = [key for key in [*VALID, *NOT_FUZZED, *(k for k, _ in KNOWN_GAPS)]
             if key not in CALLABLES]
    assert stale == [], f"entries for callables that no longer exist: {stale}"
    for key, entry in VALID.items():
        sig = _signature(key).parameters
        unknown = sorted(set(entry.valid) - set(sig))
        assert unknown == [], f"{key} has no parameter(s) {unknown}: update its entry"
        required = sorted(n for n, p in sig.items() if p.default is inspect.Parameter.empty
                          and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
        assert set(required) <= set(entry.valid), (
            f"{key} needs {sorted(set(required) - set(entry.valid))}: add valid values")


@pytest.mark.parametrize("key", sorted(VALID))
def test_the_valid_example_is_accepted(key):
    # The fuzz below changes one argument of this call: the call itself must work.
    _bound(key)(**VALID[key].valid)


def test_the_fuzz_covers_the_model():
    # A floor, so that a broken discovery cannot pass by fuzzing nothing.
    assert len(CALLABLES) >= 25
    assert len(FUNCTION_CASES) >= 35
    assert len(FIELD_CASES) >= 40


# --------------------------------------------------------------------------------------
# The fuzz
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("key, name", FUNCTION_CASES)
def test_bad_argument_is_refused_naming_the_parameter(key, name):
    entry = VALID[key]
    call = _bound(key)
    p = _signature(key).parameters[name]
    kind = entry.kinds.get(name, _kind(p))
    for bad in _fixed_bad(kind, p, entry):
        _expect_refusal(call, key, entry.valid, name, bad)

    @_FUZZ
    @given(_random_bad(kind, p, entry))
    def random_value(bad):
        _expect_refusal(call, key, entry.valid, name, bad)

    random_value()


def _field_bad(f: Any) -> tuple[list[Any], st.SearchStrategy]:
    """Fixed and random values outside a parameter field's declared range."""
    md = f.metadata
    low, high = md["low"], md["high"]
    fixed = [low - max(1.0, abs(low)), low - 1e-6 * max(1.0, abs(low))]
    outside = [st.floats(max_value=low, exclude_max=True, allow_infinity=False)]
    if md["low_open"]:
        fixed.append(low)
        outside.append(st.just(low))
    if math.isfinite(high):
        fixed += [high + max(1.0, abs(high)), high * (1 + 1e-6) + 1e-9]
        outside.append(st.floats(min_value=high, exclude_min=True, allow_infinity=False))
        if md["high_open"]:
            fixed.append(high)
    not_numbers = _NOT_NUMBERS + _NOT_FINITE + _NOT_SCALARS + [None]
    return fixed + not_numbers, st.one_of(*outside)


@pytest.mark.parametrize("cls, name", FIELD_CASES)
def test_bad_parameter_field_is_refused_naming_the_field(cls, name):
    f = {f.name: f for f in fields(cls)}[name]
    fixed, random_outside = _field_bad(f)
    label = f"{cls.__name__}"
    for bad in fixed:
        _expect_refusal(cls, label, {}, name, bad)

    @_FUZZ
    @given(random_outside)
    def random_value(bad):
        _expect_refusal(cls, label, {}, name, bad)

    random_value()


def _object_cases() -> Iterator[Any]:
    """Every (callable, parameter) whose parameter takes a parameter object or a dose."""
    for key in sorted(VALID):
        if key not in CALLABLES:
            continue
        for name, p in _signature(key).parameters.items():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue                   # **kwargs passed on: the callee's own parameters
            if _kind(p) == "object" and name not in VALID[key].valid:
                marks = ()
                if (key, name) in KNOWN_GAPS:
                    marks = (pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[key, name]),)
                yield pytest.param(key, name, id=f"{key}-{name}", marks=marks)


OBJECT_CASES = list(_object_cases())


def test_object_parameters_are_found():
    names = {name for _, name in (case.values for case in OBJECT_CASES)}
    assert {"params", "pk", "receptor"} <= names


@pytest.mark.parametrize("key, name", OBJECT_CASES)
def test_wrong_object_is_refused_naming_the_parameter(key, name):
    # A parameter object of the wrong kind (or a number, a string, a dict) must be refused
    # with a ValueError naming the parameter, not an AttributeError deep inside the model.
    call = _bound(key)
    for bad in ["nope", 1.0, {"ic50_uM": 1.0}, object(), circuits.CircuitState(
            np.zeros(1), np.zeros(1), np.zeros(1))]:
        _expect_refusal(call, key, VALID[key].valid, name, bad)


@pytest.mark.parametrize("bad", [0.5, "standard", None, {"dose": 0.5}, [0.5], []])
def test_simulate_refuses_what_is_not_a_dose(bad):
    with pytest.raises(ValueError, match="doses"):
        ph.simulate(bad, 60.0)
