"""Tests of ketamodel.pharmacology.doses: doses, long infusions and their bounds.

The steady state of a constant-rate infusion in a linear model is rate /
clearance, whatever the volumes:

    C_ss (ng/mL) = rate (mg/kg/h) × 1e6 (ng/mg) / 60 (min/h) / CL (mL/min/kg)

so 1 mg/kg/h with CL = 19.1 mL/min/kg gives 16 667 ng/kg/min ÷ 19.1 mL/min/kg
≈ 873 ng/mL.
"""

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamodel import pharmacology as ph

PK = ph.PKParams()
MAX_RATE = ph.Dose.MAX_INFUSION_RATE_MG_PER_KG_PER_H
MAX_SINGLE = ph.Dose.MAX_SINGLE_DOSE_MG_PER_KG


def _steady_state_ng_per_mL(rate_mg_per_kg_per_h: float, pk: ph.PKParams = PK) -> float:
    """rate / CL, with the rate in ng/kg/min and CL in mL/min/kg."""
    rate_ng_per_kg_per_min = rate_mg_per_kg_per_h * 1e6 / 60.0
    return rate_ng_per_kg_per_min / pk.clearance_mL_per_min_per_kg


def _two_compartment_infusion_ng_per_mL(rate_mg_per_kg_per_h: float, t_min: np.ndarray,
                                        pk: ph.PKParams = PK) -> np.ndarray:
    """Plasma level during a constant-rate infusion, two-compartment closed form.

    C(t) = R/V1 · [A/α (1 − e^(−αt)) + B/β (1 − e^(−βt))], with α, β the roots of
    s² − (k10 + k12 + k21) s + k10·k21 = 0, A = (α − k21)/(α − β), B = (k21 − β)/(α − β).
    """
    k10, k12, k21 = pk.k10_per_min, pk.k12_per_min, pk.k21_per_min
    total = k10 + k12 + k21
    root = math.sqrt(total ** 2 - 4 * k10 * k21)
    alpha, beta = (total + root) / 2, (total - root) / 2
    a = (alpha - k21) / (alpha - beta)
    b = (k21 - beta) / (alpha - beta)
    r_ng_per_kg_per_min = rate_mg_per_kg_per_h * 1e6 / 60.0
    v1_mL_per_kg = pk.v1_L_per_kg * 1000.0
    return r_ng_per_kg_per_min / v1_mL_per_kg * (a / alpha * (1 - np.exp(-alpha * t_min))
                                                  + b / beta * (1 - np.exp(-beta * t_min)))


# --------------------------------------------------------------------------------------
# Long infusions a clinician would give are one Dose
# --------------------------------------------------------------------------------------
def test_24_hour_anaesthetic_maintenance_infusion_is_one_dose():
    # 1.5 and 3 mg/kg/h for 24 h (36 and 72 mg/kg) are ordinary maintenance rates; the
    # second holds more than any bolus and must still be one Dose.
    d = ph.Dose.infusion(1.5, 24)
    assert d == ph.Dose(36.0, route="iv", duration_min=1440.0)
    assert d.rate_mg_per_kg_per_h == pytest.approx(1.5, rel=1e-12)
    high = ph.Dose(72.0, duration_min=24 * 60)
    assert high.rate_mg_per_kg_per_h == pytest.approx(3.0, rel=1e-12)


def test_days_of_analgosedation_are_one_dose():
    # 1 mg/kg/h for 5 days is 120 mg/kg in all, far above any bolus.
    d = ph.Dose(120.0, duration_min=5 * 24 * 60)
    assert d.rate_mg_per_kg_per_h == pytest.approx(1.0, rel=1e-12)
    assert ph.Dose.infusion(1.0, 5 * 24) == d
    week = ph.Dose.infusion(2.0, 168, start_h=1.0)
    assert (week.dose_mg_per_kg, week.start_min, week.duration_min) == (336.0, 60.0, 10080.0)


def test_steady_state_numbers_follow_from_the_clearance():
    # CL = k10·V1 = 0.0109/min × 1752.2 mL/kg = 19.10 mL/min/kg (computed), so
    # 1.5 mg/kg/h = 25 000 ng/kg/min gives 1309 ng/mL and 1 mg/kg/h gives 872.6 ng/mL.
    # Tolerance 0.1 ng/mL, the rounding of the hand-computed figures.
    assert PK.clearance_mL_per_min_per_kg == pytest.approx(19.099, abs=1e-3)
    assert _steady_state_ng_per_mL(1.5) == pytest.approx(1308.97, abs=0.1)
    assert _steady_state_ng_per_mL(1.0) == pytest.approx(872.64, abs=0.1)


def _two_compartment(pk: ph.PKParams) -> ph.PKParams:
    """The same set without a second peripheral compartment, if the model has one."""
    if getattr(pk, "k13_per_min", 0.0) == 0.0:
        return pk
    return dataclasses.replace(pk, k13_per_min=0.0, k31_per_min=0.0)


def test_24_hour_infusion_follows_the_two_compartment_closed_form():
    # The model is solved exactly (matrix exponential), so the whole 24-h curve must
    # match the closed form to round-off (relative 1e-9); after 24 h (about 8 terminal
    # half-lives of 3 h) plasma is within 0.5 % of rate / CL.
    pk = _two_compartment(PK)
    t_end = 24 * 60.0
    r = ph.simulate(ph.Dose.infusion(1.5, 24), t_end_min=t_end, pk=pk)
    expected = _two_compartment_infusion_ng_per_mL(1.5, r.t_min, pk)
    css = _steady_state_ng_per_mL(1.5, pk)
    np.testing.assert_allclose(r.plasma_ng_per_mL, expected, rtol=1e-9, atol=1e-9 * css)
    assert r.plasma_ng_per_mL[-1] == pytest.approx(css, rel=5e-3)
    assert r.plasma_ng_per_mL[-1] < css


@pytest.mark.parametrize("rate_mg_per_kg_per_h", [1.0, 1.5])
def test_five_day_infusion_reaches_rate_over_clearance_in_plasma_and_effect_site(
        rate_mg_per_kg_per_h):
    # Five days is 40 terminal half-lives: what is left of the approach, e^(-β·7200 min),
    # is ~1e-12, so plasma and effect site must both equal rate / CL to 1e-6.
    days = 5
    r = ph.simulate(ph.Dose.infusion(rate_mg_per_kg_per_h, days * 24),
                    t_end_min=days * 24 * 60.0)
    css = _steady_state_ng_per_mL(rate_mg_per_kg_per_h)
    assert r.t_min[-1] == pytest.approx(days * 24 * 60.0)
    assert r.plasma_ng_per_mL[-1] == pytest.approx(css, rel=1e-6)
    assert r.effect_site_ng_per_mL[-1] == pytest.approx(css, rel=1e-6)
    # The plateau holds over the last day, not only at the last point.
    last_day = r.t_min >= (days - 1) * 24 * 60.0
    np.testing.assert_allclose(r.plasma_ng_per_mL[last_day], css, rtol=1e-6)
    np.testing.assert_allclose(r.effect_site_ng_per_mL[last_day], css, rtol=1e-6)


def test_steady_state_scales_with_rate_and_ignores_body_weight():
    # Linear kinetics: twice the rate, twice the plateau; concentrations per mg/kg do
    # not depend on the body weight. Tolerance 1e-9 (the same arithmetic).
    one = ph.simulate(ph.Dose.infusion(1.0, 72), t_end_min=72 * 60.0)
    two = ph.simulate(ph.Dose.infusion(2.0, 72), t_end_min=72 * 60.0, body_weight_kg=110.0)
    np.testing.assert_allclose(two.plasma_ng_per_mL, 2 * one.plasma_ng_per_mL, rtol=1e-9,
                               atol=1e-9)
    assert two.total_dose_mg == pytest.approx(2.0 * 72 * 110.0)


def test_concentrations_fall_after_a_long_infusion_stops():
    # After 3 days at 1 mg/kg/h, plasma falls once the pump stops: lower 1 h later and
    # lower still 6 h later (the redistribution and elimination phases).
    r = ph.simulate(ph.Dose.infusion(1.0, 72), t_end_min=78 * 60.0)
    end, later, much_later = (r.at(t) for t in (72 * 60.0, 73 * 60.0, 78 * 60.0))
    assert end == pytest.approx(_steady_state_ng_per_mL(1.0), rel=1e-6)
    assert end > later > much_later > 0


def test_a_fast_infusion_of_an_ordinary_dose_is_accepted():
    # An induction dose given over 1 min runs at 120 mg/kg/h, far above the rate bound,
    # but holds no more than a bolus may: accepted, as is the widget's 2 mg/kg over 5 min.
    assert ph.Dose(2.0, duration_min=1.0).rate_mg_per_kg_per_h == pytest.approx(120.0)
    ph.Dose(2.0, duration_min=5.0)
    ph.Dose(MAX_SINGLE, duration_min=ph.Dose.MIN_DURATION_MIN)


def test_bounds_are_inclusive():
    ph.Dose(MAX_SINGLE)
    ph.Dose(MAX_SINGLE, route="oral")
    ph.Dose(MAX_RATE * 24, duration_min=24 * 60)                 # exactly 20 mg/kg/h
    ph.Dose.infusion(MAX_RATE, 168)
    assert ph.Dose(0.0, duration_min=60).rate_mg_per_kg_per_h == 0.0
    assert ph.anaesthetic_bolus().rate_mg_per_kg_per_h == 0.0


@settings(database=None, max_examples=100, deadline=None)
@given(st.floats(0.0, MAX_RATE), st.floats(0.01 / 60, 168.0), st.floats(0.0, 1e4))
def test_any_rate_and_duration_within_the_bounds_is_accepted(rate, hours, start_h):
    d = ph.Dose.infusion(rate, hours, start_h=start_h)
    assert d.route == "iv"
    assert d.duration_min == pytest.approx(hours * 60.0, rel=1e-12)
    assert d.start_min == pytest.approx(start_h * 60.0, rel=1e-12)
    assert d.rate_mg_per_kg_per_h == pytest.approx(rate, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------------------
# What is refused, and how it is said
# --------------------------------------------------------------------------------------
def test_too_large_a_bolus_names_the_dose_the_value_and_the_range():
    with pytest.raises(ValueError, match=re.escape(
            "dose_mg_per_kg of an IV bolus must be in [0, 50] mg/kg, got 60")):
        ph.Dose(60.0)
    with pytest.raises(ValueError, match=re.escape(
            "dose_mg_per_kg of a dose by route 'im' must be in [0, 50] mg/kg, got 51")):
        ph.Dose(51, route="im")


def test_too_fast_an_infusion_names_the_dose_the_range_and_the_implied_rate():
    # 600 mg/kg over 24 h is 25 mg/kg/h (a rate typed for a total, say).
    with pytest.raises(ValueError, match="dose_mg_per_kg") as info:
        ph.Dose(600.0, duration_min=24 * 60)
    message = str(info.value)
    assert "got 600.0 mg/kg over 1440 min" in message
    assert "[0, 480] mg/kg" in message                     # 20 mg/kg/h × 24 h
    assert "implied rate of 25 mg/kg/h" in message
    assert "20 mg/kg/h" in message


@pytest.mark.parametrize("args, name, text", [
    ((25.0, 24.0), "rate_mg_per_kg_per_h", "[0, 20], got 25.0"),
    ((-1.0, 24.0), "rate_mg_per_kg_per_h", "[0, 20], got -1.0"),
    ((math.nan, 24.0), "rate_mg_per_kg_per_h", "got nan"),
    ((1.0, 0.0), "duration_h", "(0, 168], got 0.0"),
    ((1.0, 169.0), "duration_h", "(0, 168], got 169.0"),
    ((1.0, 1e-5), "duration_h", "at least 0.01 min"),
    ((1.0, 24.0, -1.0), "start_h", "[0, inf), got -1.0"),
])
def test_infusion_by_rate_refuses_bad_input_naming_the_parameter(args, name, text):
    with pytest.raises(ValueError, match=re.escape(name)) as info:
        ph.Dose.infusion(*args)
    assert text in str(info.value)


def test_an_infusion_longer_than_a_week_is_refused():
    with pytest.raises(ValueError, match=re.escape("duration_min must be in [0, 10080]")):
        ph.Dose(10.0, duration_min=10081.0)


@pytest.mark.parametrize("route", [None, 1.0, ["iv"], np.array(["iv", "im"]), "IV", "rectal"])
def test_a_route_that_is_not_one_of_the_names_is_refused(route):
    with pytest.raises(ValueError, match=r"route must be one of"):
        ph.Dose(0.5, route=route)


@pytest.mark.parametrize("n", [True, 2.0, "2", 0, -1, None])
def test_repeated_infusions_need_a_whole_number(n):
    with pytest.raises(ValueError, match=r"\bn must be a whole number"):
        ph.repeated_infusions(n, 84)
