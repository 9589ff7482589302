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
