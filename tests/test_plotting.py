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
