"""The book's figures: one style, titles that say what to see, axes with units."""

import numpy as np
import pytest

from ketamodel import circuits, plotting
from ketamodel import pharmacology as pk

OKABE_ITO = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
             "#000000"}


def _figures():
    r = pk.simulate(pk.standard_infusion(), t_end_min=360)
    trap = {"1 Hz": pk.simulate_trapping(1.0, 1.0, 10)}
    return {
        "concentration": plotting.concentration(r),
        "compare": plotting.compare({"iv": r}),
        "mg_block": plotting.mg_block(),
        "trapping": plotting.trapping(trap, equilibrium=0.6),
        "occupancy_assumptions": plotting.occupancy_assumptions(0.73),
        "nmda_share_map": plotting.nmda_share_map(
            circuits.share_map(np.linspace(0, 1, 5), np.linspace(0, 1, 5), 0.93, n=51),
            default=(0.75, 0.95)),
        "inverted_u": plotting.inverted_u({"dose": 0.57}),
        "excitation_time_course": plotting.excitation_time_course(r),
        "pk_explorer": plotting.pk_explorer()[0],
        "circuit_explorer": plotting.circuit_explorer()[0],
        "model_overview": plotting.model_overview(),
    }


FIGURES = _figures()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_has_a_title_and_renders(name):
    fig = FIGURES[name]
    assert isinstance(fig, plotting.BookFigure)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert any(titles), f"{name} has no title"
    png = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and len(png) > 5_000


@pytest.mark.parametrize("name", sorted(set(FIGURES) - {"model_overview"}))
def test_every_axis_is_labelled_with_a_unit_or_a_fraction(name):
    for ax in FIGURES[name].axes:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            if label:
                assert "(" in label or "fraction" in label or "occupancy" in label, (name, label)
        if ax.get_visible() and ax.lines:
            assert ax.get_ylabel(), f"{name}: an axis with data has no y label"


def test_palette_is_okabe_ito():
    assert set(plotting.CYCLE) <= OKABE_ITO
    assert set(plotting.PALETTE.values()) - {"#7F7F7F"} <= OKABE_ITO


def test_lines_use_the_palette():
    for name, fig in FIGURES.items():
        for ax in fig.axes:
            for line in ax.lines:
                colour = line.get_color()
                if isinstance(colour, str) and colour.startswith("#"):
                    assert colour.upper() in OKABE_ITO | {"#7F7F7F"}, (name, colour)


# --------------------------------------------------------------------------------------
# Chapter 5: the self-model's figures
# --------------------------------------------------------------------------------------
def _selfmodel_inputs():
    from ketamodel import selfmodel as sm

    infusion = pk.standard_infusion()
    th = sm.Therapy(start_h=1.0)            # a session inside the first 24 h (hours 2 and 3)
    sn = sm.simulate(infusion, 96.0, relax="SN", therapy=th, seed=1)
    dmn = sm.simulate(infusion, 96.0, relax="DMN", therapy=th, seed=1)
    rng = np.random.default_rng(0)
    truth = np.where(np.arange(120) < 60, -2.0, 1.0)
    u = truth + rng.normal(0.0, 1.0, truth.size)
    levels = {"loose prior": sm.one_level(u, log_volatility=-2.0),
              "precise prior": sm.one_level(u, prior_precision=50.0, log_volatility=-8.0)}
    cases = sm.four_cases(infusion, t_end_h=24 * 24.0, noise=False)
    drives = {name: sm.drug_drive(infusion, 24.0, name) for name in
              ("noisy clinical room", "neutral", "eyes closed, music, support")}
    return dict(sn=sn, dmn=dmn, levels=levels, truth=truth, cases=cases, drives=drives)


SELFMODEL_INPUTS = _selfmodel_inputs()


def _selfmodel_figures():
    i = SELFMODEL_INPUTS
    return {
        "precision_weighting": plotting.precision_weighting(),
        "one_level_example": plotting.one_level_example(i["levels"], truth=i["truth"]),
        "two_selves": plotting.two_selves(i["sn"], i["dmn"]),
        "four_cases": plotting.four_cases(i["cases"]),
        "compare_beliefs": plotting.compare_beliefs({"SN relaxed": i["sn"],
                                                     "DMN relaxed": i["dmn"]}, days=2.0),
        "relaxation_courses": plotting.relaxation_courses(i["drives"]),
        "selfmodel_explorer": plotting.selfmodel_explorer()[0],
    }


SELFMODEL_FIGURES = _selfmodel_figures()


@pytest.mark.parametrize("name", sorted(SELFMODEL_FIGURES))
def test_selfmodel_figure_has_titles_labels_and_renders(name):
    fig = SELFMODEL_FIGURES[name]
    assert isinstance(fig, plotting.BookFigure)
    assert any(ax.get_title(loc="left") for ax in fig.axes), f"{name} has no title"
    for ax in fig.axes:
        if ax.get_visible() and ax.lines:
            # a row that shares its y axis is labelled once, on its left
            shared = ax.get_shared_y_axes().get_siblings(ax)
            assert any(s.get_ylabel() for s in shared), f"{name}: an axis with data has no y label"
    assert any(ax.get_xlabel() for ax in fig.axes), f"{name} has no x label"
    png = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and len(png) > 5_000


@pytest.mark.parametrize("name", sorted(SELFMODEL_FIGURES))
def test_selfmodel_axes_carry_a_unit(name):
    for ax in SELFMODEL_FIGURES[name].axes:
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            if label:
                assert "(" in label or "fraction" in label or "occupancy" in label, (name, label)


@pytest.mark.parametrize("name, label", [
    ("precision_weighting", "probability density (1/a.u.)"),
    ("one_level_example", "learning rate π_u/π (1)"),
    ("relaxation_courses", "factor ρ on prior precision (1)"),
])
def test_the_labels_that_lacked_a_unit_carry_it(name, label):
    assert label in [ax.get_ylabel() for ax in SELFMODEL_FIGURES[name].axes]


def test_selfmodel_lines_use_the_palette():
    for name, fig in SELFMODEL_FIGURES.items():
        for ax in fig.axes:
            for line in ax.lines:
                colour = line.get_color()
                if isinstance(colour, str) and colour.startswith("#"):
                    assert colour.upper() in OKABE_ITO | {"#7F7F7F"}, (name, colour)


def _therapy_marks(ax):
    return [line for line in ax.lines if line.get_marker() == "|"]


def test_two_selves_shows_the_first_day_and_marks_therapy_in_the_top_row():
    fig = SELFMODEL_FIGURES["two_selves"]
    sn = SELFMODEL_INPUTS["sn"]
    top = [ax for ax in fig.axes if ax.get_title(loc="left").startswith(("A.", "B."))]
    assert len(top) == 2
    for ax in fig.axes:
        for line in ax.lines:
            x = np.asarray(line.get_xdata(), dtype=float)
            if x.size:
                assert x.max() <= 24.0                 # hours=24 by default (courses: 96 h)
    # the session of hours 2 and 3 (the one at 25 h is past the first day), in each column's
    # top row and its narrative row
    want = sn.t_h[sn.therapy & (sn.t_h <= 24.0)].tolist()
    assert want == [2.0, 3.0]
    for ax in top:
        marks = _therapy_marks(ax)
        assert len(marks) == 1 and list(marks[0].get_xdata()) == want
    # the minimal self drawn is the course's
    minimal = [line for line in top[0].lines if line.get_label() == "minimal self μ₂"]
    assert np.array_equal(minimal[0].get_ydata(), sn.minimal_self[:24])


def test_two_selves_takes_the_hours_to_show():
    i = SELFMODEL_INPUTS
    fig = plotting.two_selves(i["sn"], i["dmn"], hours=96.0)
    top = [ax for ax in fig.axes if ax.get_title(loc="left").startswith("A.")][0]
    assert list(_therapy_marks(top)[0].get_xdata()) == [2.0, 3.0, 26.0, 27.0, 50.0, 51.0]


def _panel(fig, letter):
    return [ax for ax in fig.axes if ax.get_title(loc="left").startswith(letter + ".")][0]


@pytest.mark.parametrize("name, days", [("compare_beliefs", 2.0), ("four_cases", 5.0)])
def test_panel_b_shows_the_revision_over_the_whole_course(name, days):
    fig = SELFMODEL_FIGURES[name]
    a, b = _panel(fig, "A"), _panel(fig, "B")
    courses = ([SELFMODEL_INPUTS["sn"], SELFMODEL_INPUTS["dmn"]] if name == "compare_beliefs"
               else list(SELFMODEL_INPUTS["cases"].courses.values()))
    assert len(b.lines) == len(courses)
    for line, c in zip(b.lines, courses, strict=True):
        assert np.array_equal(line.get_xdata(), c.t_h / 24.0)        # the whole course
        assert np.allclose(line.get_ydata(), 100 * c.revision, rtol=1e-15, atol=0)
    for line in a.lines:
        assert np.max(line.get_xdata()) <= days                       # panel A: `days`
    assert np.max(b.lines[0].get_xdata()) > days


def test_relaxation_courses_draws_the_factor_the_model_uses():
    # The hourly mean of rho on the fine grid (sm.hourly_factor), not rho of the hourly mean
    # disintegration (neutral DMN, first hour: 0.183 against 0.074).
    from ketamodel import selfmodel as sm

    p = sm.SelfModelParams()
    fig = SELFMODEL_FIGURES["relaxation_courses"]
    b = _panel(fig, "B")
    steps = [patch for patch in b.patches if patch.get_label().startswith(("SN", "DMN"))]
    assert len(steps) == 6
    for patch, (label, level) in zip(steps, [(k, lv) for k in SELFMODEL_INPUTS["drives"]
                                             for lv in ("SN", "DMN")], strict=True):
        assert patch.get_label() == f"{level}, {label}"
        d = SELFMODEL_INPUTS["drives"][label]
        g = p.sn_sensitivity if level == "SN" else p.dmn_sensitivity
        values = patch.get_data().values
        assert np.allclose(values, sm.hourly_factor(d, level, g)[: values.size], rtol=1e-12)


def test_the_selfmodel_explorer_updates_for_every_setting_and_timing():
    from ketamodel import networks as nw
    from ketamodel import selfmodel as sm
    from ketamodel.plotting import selfmodel as figs

    fig, update = plotting.selfmodel_explorer()
    a, b = fig.axes[:2]
    titles = set()
    for context in nw.CONTEXTS:
        for therapy in figs.THERAPY_CHOICES:
            assert update(context, 6.0, therapy) is False
            title = fig._suptitle.get_text()
            assert title.startswith(f"{context}, g = 6, therapy {therapy}: lasting revision")
            titles.add(title)
            # the drawn lines are the model's course
            c = sm.simulate_drive(sm.drug_drive(pk.standard_infusion(), sm.EIGHT_WEEKS_H,
                                                context),
                                  therapy=figs._explorer_therapy(therapy), noise=False)
            assert np.array_equal(a.lines[0].get_ydata(), c.dissociation[:48])
            assert np.array_equal(a.lines[1].get_ydata(), c.ego_dissolution[:48])
            assert np.array_equal(b.lines[1].get_ydata(), c.consolidated_self)
            assert len(b.lines[2].get_xdata()) == c.therapy.sum()
    assert len(titles) == len(nw.CONTEXTS) * len(figs.THERAPY_CHOICES)
    assert update("neutral", 0.0, "none") is False
    assert np.all(a.lines[0].get_ydata() == 0.0)           # g = 0: nothing relaxed
    with pytest.raises(ValueError, match="therapy"):
        update("neutral", 6.0, "day 2")


# --------------------------------------------------------------------------------------
# Chapter 6: the unified model's figures
# --------------------------------------------------------------------------------------
UNIFIED_NAMES = ("model_diagram", "person_levels", "dashboard", "calibration_fit",
                 "arm_courses", "trial_replicates", "ego_scatter", "dose_phenomenology",
                 "predictions_figure", "relapse_curves")


@pytest.fixture(scope="module")
def unified_inputs():
    from ketamodel import selfmodel as sm
    from ketamodel import unified as un

    course = un.simulate(pk.standard_infusion(), therapy=sm.Therapy())
    placebo = un.simulate(pk.standard_infusion(), therapy=sm.Therapy(), treatment="midazolam")
    trial = un.virtual_trial(["ketamine", "midazolam", "saline"], 60, seed=0)
    table = un.patient_table(40, 0)
    predictions = {name: (un.run_prediction(name, n=40),
                          un.run_prediction(name, n=40, failing=True))
                   for name in un.PREDICTIONS}
    relapse = predictions["relapse after a course"][0]
    return dict(
        course=course, placebo=placebo, trial=trial,
        fit=un.calibrate(un.calibration_data(n=200, seed=0)),
        reps=un.replicate(trial["ketamine"], trial["midazolam"], 10, 5, n_rep=50, seed=0),
        quiet=un.simulate_cohort(table, un.ARMS["ketamine + therapy"], noise=False),
        noisy=un.simulate_cohort(table, un.ARMS["ketamine + therapy"]),
        map=un.phenomenology_map((0.2, 0.433), n=5), predictions=predictions,
        kept={"ketamine": relapse.detail["single kept"],
              "ketamine course": relapse.detail["course kept"]})


@pytest.fixture(scope="module")
def unified_figures(unified_inputs):
    import matplotlib.pyplot as plt

    i = unified_inputs
    before = plt.get_fignums()
    figs = {
        "model_diagram": plotting.model_diagram(),
        "person_levels": plotting.person_levels(i["course"], i["placebo"], label="Typical"),
        "dashboard": plotting.dashboard(),
        "calibration_fit": plotting.calibration_fit(i["fit"]),
        "arm_courses": plotting.arm_courses(i["trial"]),
        "trial_replicates": plotting.trial_replicates(i["reps"], 7.95, (3.20, 12.71),
                                                      (0.64, 0.28)),
        "ego_scatter": plotting.ego_scatter(i["quiet"], i["noisy"]),
        "dose_phenomenology": plotting.dose_phenomenology(i["map"]),
        "predictions_figure": plotting.predictions_figure(i["predictions"]),
        "relapse_curves": plotting.relapse_curves(i["kept"]),
    }
    # the figures keep no pyplot state: nothing is left open to close
    assert plt.get_fignums() == before
    dashboard, update = figs["dashboard"]
    figs["dashboard"] = dashboard
    figs["dashboard update"] = update
    for name in UNIFIED_NAMES:
        figs[name]._repr_png_()                  # draw once, so tick labels hold their text
    return figs


def _categorical(axis):
    """Whether an axis is labelled by its ticks (names, not numbers)."""
    texts = [t.get_text().replace("\u2212", "-") for t in axis.get_ticklabels()]
    texts = [t for t in texts if t]
    if not texts:
        return False
    try:
        [float(t) for t in texts]
    except ValueError:
        return True
    return False


def _lines(ax, label):
    return [line for line in ax.lines if line.get_label() == label]


def test_unified_names_are_the_modules_figures():
    from ketamodel.plotting import unified as figs

    public = {name for name, obj in vars(figs).items() if callable(obj)
              and getattr(obj, "__module__", "") == figs.__name__ and not name.startswith("_")}
    assert public == set(UNIFIED_NAMES)


@pytest.mark.parametrize("name", UNIFIED_NAMES)
def test_unified_figure_has_a_title_and_renders(unified_figures, name):
    fig = unified_figures[name]
    assert isinstance(fig, plotting.BookFigure)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert any(titles) or (fig._suptitle and fig._suptitle.get_text()), f"{name} has no title"
    png = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and len(png) > 5_000


@pytest.mark.parametrize("name", UNIFIED_NAMES)
def test_unified_axes_are_labelled_with_units(unified_figures, name):
    fig = unified_figures[name]
    for ax in fig.axes:
        if not (ax.get_visible() and ax.axison):
            continue
        has_data = bool(ax.lines or ax.collections or ax.images or ax.patches)
        for axis, label in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
            if _categorical(axis):
                continue                     # named ticks
            if label:
                assert "(" in label and label.rstrip().endswith(")"), (name, label)
            elif has_data and any(t.get_text() for t in axis.get_ticklabels()):
                # a numeric axis without a label: only where a neighbour shares and labels it
                shared = axis.get_view_interval()
                assert any(other is not ax and (other.get_xlabel() if axis is ax.xaxis
                                                else other.get_ylabel())
                           and np.allclose((other.xaxis if axis is ax.xaxis
                                            else other.yaxis).get_view_interval(), shared)
                           for other in fig.axes), (name, ax.get_title(loc="left"))


def test_calibration_fit_panel_b_carries_a_unit(unified_figures):
    # a share and a d are dimensionless: the book writes their unit as (1)
    label = _panel(unified_figures["calibration_fit"], "B").get_xlabel()
    assert label.rstrip().endswith("(1)"), label


def test_relapse_curves_x_axis_carries_a_unit(unified_figures):
    # the unit in parentheses, as elsewhere in the book
    label = unified_figures["relapse_curves"].axes[0].get_xlabel()
    assert label.rstrip().endswith(")"), label


@pytest.mark.parametrize("name", UNIFIED_NAMES)
def test_unified_lines_use_the_palette(unified_figures, name):
    for ax in unified_figures[name].axes:
        for line in ax.lines:
            colour = line.get_color()
            if isinstance(colour, str) and colour.startswith("#"):
                assert colour.upper() in OKABE_ITO | {"#7F7F7F"}, (name, colour)


def test_model_diagram_has_every_level_and_its_arrows(unified_figures):
    from matplotlib.patches import FancyBboxPatch

    from ketamodel.plotting import unified as figs

    ax = unified_figures["model_diagram"].axes[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == len(figs._BOXES) == 10
    texts = [t.get_text() for t in ax.texts]
    for chapter in ("Ch. 1", "Ch. 2", "Ch. 3", "Ch. 4", "Ch. 5", "Ch. 6"):
        assert chapter in texts
    arrows = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == len(figs._ARROWS)


def test_person_levels_draws_the_persons_course(unified_figures, unified_inputs):
    fig = unified_figures["person_levels"]
    course, placebo = unified_inputs["course"], unified_inputs["placebo"]
    b = course.person.baseline_madrs
    f = _panel(fig, "F")
    (treated,), (control,) = _lines(f, "this treatment"), _lines(f, "midazolam, same person")
    assert np.array_equal(treated.get_ydata(), np.concatenate([[b], course.madrs]))
    assert np.array_equal(treated.get_xdata(), np.concatenate([[0.0], course.t_h / 24.0]))
    assert np.array_equal(control.get_ydata(), np.concatenate([[b], placebo.madrs]))
    (response,) = _lines(f, "response (50 % fall)")
    assert list(response.get_ydata()) == [0.5 * b, 0.5 * b]
    a = _panel(fig, "A")
    e = course.exposure
    assert np.array_equal(a.lines[0].get_ydata(), e.fine_occupancy[e.fine_t_h <= 12.0])
    assert fig._suptitle.get_text().startswith(
        f"Typical: MADRS {b:.0f} → {course.at(24):.1f} at 24 h, {course.at(672):.1f} at 4 weeks")


def test_the_dashboard_updates_to_the_chosen_course(unified_figures):
    from ketamodel import networks as nw
    from ketamodel import unified as un
    from ketamodel.plotting import unified as figs

    fig, update = unified_figures["dashboard"], unified_figures["dashboard update"]
    f = _panel(fig, "F")
    dose, route, context = figs.DASHBOARD_DOSES[-1], "im", list(nw.CONTEXTS)[-1]
    assert update(dose, route, context, "none") is False
    want = un.simulate(figs._dose(dose, route), context=context, therapy=None)
    (treated,) = _lines(f, "this treatment")
    assert np.array_equal(treated.get_ydata()[1:], want.madrs)
    title = fig._suptitle.get_text()
    assert route in title and context in title and "therapy none" in title
    assert update(figs.DASHBOARD_DOSES[0], "iv", "neutral", "12 h") is False
    assert fig._suptitle.get_text() != title


def _calibration_panel(unified_figures, unified_inputs, letter, rows):
    from ketamodel import unified as un

    ax = _panel(unified_figures["calibration_fit"], letter)
    points, fit = un.CALIBRATION_POINTS, unified_inputs["fit"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [points[k].name for k in rows]
    model = [line for line in ax.lines if line.get_marker() == "o"]
    assert [float(line.get_xdata()[0]) for line in model] == [fit.model[k] for k in rows]


def test_calibration_fit_panel_a_marks_the_falls(unified_figures, unified_inputs):
    # the points in MADRS points: the raw falls on ketamine and on midazolam
    _calibration_panel(unified_figures, unified_inputs, "A", [0, 1])


def test_calibration_fit_panel_b_marks_the_rates_and_the_effect_size(unified_figures,
                                                                      unified_inputs):
    # the response rates and Cohen's d, not the falls in points
    _calibration_panel(unified_figures, unified_inputs, "B", [2, 3, 4, 5])


def test_arm_courses_draw_each_arms_mean_and_response(unified_figures, unified_inputs):
    fig, trial = unified_figures["arm_courses"], unified_inputs["trial"]
    a, b = _panel(fig, "A"), _panel(fig, "B")
    for run in trial.arms:
        (mean,), (resp,) = _lines(a, run.arm.name), _lines(b, run.arm.name)
        assert np.allclose(mean.get_ydata(), run.madrs.mean(axis=0), rtol=1e-15)
        share = (run.madrs <= 0.5 * run.baseline[:, None]).mean(axis=0)
        assert np.allclose(resp.get_ydata(), 100 * share[1:], rtol=1e-15)
        assert np.allclose(resp.get_xdata(), run.visits_h[1:] / 24.0, rtol=1e-15)


def test_trial_replicates_show_every_virtual_trial(unified_figures, unified_inputs):
    fig, reps = unified_figures["trial_replicates"], unified_inputs["reps"]
    a, b = _panel(fig, "A"), _panel(fig, "B")
    heights = [p.get_height() for p in a.patches if p.get_label() != "published 95 % CI"]
    assert sum(heights) == reps.difference.size == 50
    (published,) = _lines(a, "published")
    assert list(published.get_xdata()) == [7.95, 7.95]
    offsets = b.collections[0].get_offsets()
    assert np.allclose(offsets, np.column_stack([100 * reps.response_control,
                                                 100 * reps.response_treated]), rtol=1e-15)
    (star,) = _lines(b, "published")
    assert (star.get_xdata()[0], star.get_ydata()[0]) == pytest.approx((28.0, 64.0))


def test_ego_scatter_plots_each_person(unified_figures, unified_inputs):
    fig = unified_figures["ego_scatter"]
    quiet, noisy = unified_inputs["quiet"], unified_inputs["noisy"]
    a, b = _panel(fig, "A"), _panel(fig, "B")
    assert np.allclose(a.collections[0].get_offsets(),
                       np.column_stack([quiet.ego_peak, quiet.belief_revision[:, 671]]),
                       rtol=1e-15)
    fall = 100 * (noisy.baseline - noisy.at(672.0)) / noisy.baseline
    assert np.allclose(b.collections[0].get_offsets(), np.column_stack([noisy.ego_peak, fall]),
                       rtol=1e-15)


def test_dose_phenomenology_shows_the_map(unified_figures, unified_inputs):
    fig, m = unified_figures["dose_phenomenology"], unified_inputs["map"]
    for letter, values in (("A", m.cadss), ("B", m.ego)):
        ax = _panel(fig, letter)
        assert np.array_equal(ax.images[0].get_array(), values)
        assert len(ax.texts) == values.size                  # every cell has its number
        assert [t.get_text() for t in ax.get_yticklabels()] == [
            f"{d:g}" for d in m.doses_mg_per_kg]


def test_predictions_figure_says_which_hold(unified_figures, unified_inputs):
    fig, results = unified_figures["predictions_figure"], unified_inputs["predictions"]
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == len(results) == 4
    for ax, (stated, changed) in zip(axes, results.values(), strict=True):
        words = [t.get_text().strip() for t in ax.texts]
        assert words == ["holds" if p.holds else "fails" for p in (stated, changed)]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["as stated",
                                                                 "assumption\nchanged"]


def test_relapse_curves_step_through_each_arms_share(unified_figures, unified_inputs):
    fig, kept = unified_figures["relapse_curves"], unified_inputs["kept"]
    ax = fig.axes[0]
    assert len(ax.lines) == len(kept) == 2
    for line, (name, kp) in zip(ax.lines, kept.items(), strict=True):
        assert np.allclose(line.get_xdata(), kp.t_h / 24.0 + 1.0, rtol=1e-15)
        assert np.allclose(line.get_ydata(), 100 * kp.share, rtol=1e-15)
        assert line.get_drawstyle() == "steps-post"
        assert line.get_label().startswith(f"{name}: {kp.n_responders} responders")
        assert f"{kp.rmst_days:.1f} days" in line.get_label()
    # any mapping of names to ResponseKept, one arm or an unknown name too
    one = plotting.relapse_curves({"my arm": kept["ketamine"]})
    assert len(one.axes[0].lines) == 1 and one.axes[0].lines[0].get_color() == "#000000"
