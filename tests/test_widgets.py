"""The interactive-figure helper: live widget in a kernel, still PNG in the static book."""

import base64

import ipywidgets as ipw
import pytest

from ketamodel import plotting, widgets

PK_CONTROLS = {
    "dose_mg_per_kg": (0.1, 2.0, 0.05, 0.5),
    "route": ["iv", "intranasal", "im", "oral"],
    "duration_min": (0.0, 120.0, 5.0, 40.0),
}


@pytest.fixture()
def pk_figure():
    return widgets.interactive_figure(plotting.pk_explorer, **PK_CONTROLS)


def test_controls_are_made_from_specs(pk_figure):
    c = pk_figure.controls
    assert isinstance(c["dose_mg_per_kg"], ipw.FloatSlider)
    assert (c["dose_mg_per_kg"].min, c["dose_mg_per_kg"].max) == (0.1, 2.0)
    assert isinstance(c["route"], ipw.Dropdown) and c["route"].value == "iv"
    assert pk_figure.values() == {"dose_mg_per_kg": 0.5, "route": "iv", "duration_min": 40.0}


def test_bundle_has_a_live_widget_and_a_still_png(pk_figure):
    bundle = pk_figure._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_still_png_shows_the_defaults_even_after_sliders_moved(pk_figure):
    still = pk_figure._repr_mimebundle_()["image/png"]
    pk_figure.controls["dose_mg_per_kg"].value = 1.5          # the reader moves a slider
    assert pk_figure._repr_mimebundle_()["image/png"] == still


def test_moving_a_slider_redraws_the_figure(pk_figure):
    box = pk_figure.widget()
    image = box.children[2]
    before = image.value
    pk_figure.controls["dose_mg_per_kg"].value = 1.0
    assert image.value != before
    assert len(pk_figure.callback_ms) == 1
    assert "Peak plasma 355 ng/mL" in pk_figure.figure.axes[0].get_title(loc="left")


def test_redraw_returns_the_same_png_for_the_same_values(pk_figure):
    a = pk_figure.redraw(dose_mg_per_kg=0.8)
    pk_figure.redraw(dose_mg_per_kg=0.3)
    assert pk_figure.redraw(dose_mg_per_kg=0.8) == a


def test_circuit_explorer_reports_the_peak():
    fig = widgets.interactive_figure(plotting.circuit_explorer,
                                     nmda_share_e=(0.0, 1.0, 0.05, 0.75),
                                     nmda_share_i=(0.0, 1.0, 0.05, 0.95))
    fig.redraw()
    assert fig.figure.axes[0].get_title(loc="left") == "Peak 2.55× baseline at occupancy 0.54"
    fig.redraw(nmda_share_i=0.5)
    assert fig.figure.axes[0].get_title(loc="left").startswith("Peak 1.00× baseline")


@pytest.mark.parametrize("spec", [(1.0, 0.0, 0.1, 0.5), (0.0, 1.0, 0.0, 0.5), (0.0, 1.0, 0.1, 2.0),
                                  "iv", 3.0, []])
def test_bad_control_spec_is_refused_with_its_name(spec):
    with pytest.raises(ValueError, match="dose_mg_per_kg"):
        widgets.interactive_figure(plotting.pk_explorer, dose_mg_per_kg=spec)


def test_no_controls_is_refused():
    with pytest.raises(ValueError, match="controls"):
        widgets.interactive_figure(plotting.pk_explorer)


def test_an_error_while_drawing_is_shown_not_swallowed():
    def builder(x):
        fig, update = plotting.circuit_explorer()

        def fragile(x):
            if x > 0.5:
                raise ValueError("x must be at most 0.5")
            return update(0.75, 0.95)
        return fig, fragile

    f = widgets.interactive_figure(builder, x=(0.0, 1.0, 0.1, 0.2))
    box = f.widget()
    f.controls["x"].value = 0.9
    assert "x must be at most 0.5" in box.children[1].value
    f.controls["x"].value = 0.3
    assert box.children[1].value == ""
