"""The interactive-figure helper: live widget in a kernel, explorable frames in the book."""

import base64
import io
import json
import re

import ipywidgets as ipw
import pytest

from ketamodel import plotting, sphinxext, widgets
from ketamodel.widgets import figure as figure_module
from ketamodel.widgets import frames

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


def _fragile_builder(x):
    """A figure whose update refuses x > 0.5, as a model refuses values outside its range."""
    fig, update = plotting.circuit_explorer()

    def fragile(x):
        if x > 0.5:
            raise ValueError("x must be at most 0.5")
        return update(0.75, 0.95)
    return fig, fragile


def test_an_error_while_drawing_is_shown_not_swallowed():
    f = widgets.interactive_figure(_fragile_builder, x=(0.0, 1.0, 0.1, 0.2))
    box = f.widget()
    f.controls["x"].value = 0.9
    assert "x must be at most 0.5" in box.children[1].value
    f.controls["x"].value = 0.3
    assert box.children[1].value == ""


# --- controls: labels and units ----------------------------------------------------------------

@pytest.mark.parametrize(("name", "label", "unit"), [
    ("dose_mg_per_kg", "dose", "mg/kg"), ("duration_min", "duration", "min"),
    ("ke0_per_min", "ke0", "1/min"), ("body_weight_kg", "body weight", "kg"),
    ("conc_uM", "conc", "µM"), ("route", "route", ""), ("nmda_share_e", "NMDA share e", ""),
])
def test_label_and_unit_are_read_from_the_name(name, label, unit):
    assert widgets.split_name(name) == (label, unit)


def test_controls_are_labelled_with_parameter_and_unit(pk_figure):
    assert pk_figure.controls["dose_mg_per_kg"].description == "dose (mg/kg)"
    assert pk_figure.controls["duration_min"].description == "duration (min)"
    assert pk_figure.specs["route"].title == "route"


def test_a_dimensionless_model_share_is_labelled_as_a_fraction():
    fig = widgets.interactive_figure(plotting.circuit_explorer,
                                     nmda_share_e=(0.0, 1.0, 0.05, 0.75),
                                     nmda_share_i=widgets.Slider(0.0, 1.0, 0.05, 0.95,
                                                                 label="φ_I"))
    assert fig.specs["nmda_share_e"].title == "NMDA share e (fraction)"
    assert fig.specs["nmda_share_i"].title == "φ_I (fraction)"


def test_a_slider_must_be_whole_steps_from_its_low_end():
    with pytest.raises(ValueError, match="duration_min.*whole steps"):
        widgets.interactive_figure(plotting.pk_explorer, duration_min=(0.0, 120.0, 7.0, 40.0))


# --- the frame grid ----------------------------------------------------------------------------

def _specs(**controls):
    return [widgets.controls.make_control(k, v)[0] for k, v in controls.items()]


def test_static_values_keep_the_default_and_both_ends_on_the_live_lattice():
    dose, = _specs(dose_mg_per_kg=(0.1, 2.0, 0.05, 0.5))
    values = widgets.static_values(dose, 11)
    assert values == (0.1, 0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9, 2.0)
    lattice = dose.lattice()
    assert all(v in lattice for v in values) and list(values) == sorted(values)
    assert widgets.static_values(dose, 100) == tuple(lattice)          # all 39 positions
    route, = _specs(route=["iv", "intranasal", "im", "oral"])
    assert widgets.static_values(route, 2) == ("iv", "intranasal", "im", "oral")


def test_two_controls_that_fit_get_every_combination_in_order():
    specs = _specs(nmda_share_e=(0.0, 1.0, 0.05, 0.75), nmda_share_i=(0.0, 1.0, 0.05, 0.95))
    grid = widgets.frame_grid(specs, max_frames=96)
    assert grid.mode == "all"
    sizes = [len(v) for v in grid.values]
    assert len(grid) == sizes[0] * sizes[1] <= 96 and min(sizes) >= frames.BUDGET.min_steps
    assert list(grid.keys) == sorted(set(grid.keys))
    assert grid.default in grid.keys
    assert grid.point(grid.default) == {"nmda_share_e": 0.75, "nmda_share_i": 0.95}


def test_beyond_two_controls_the_first_two_are_combined_and_the_others_vary_alone():
    specs = _specs(**PK_CONTROLS)
    grid = widgets.frame_grid(specs, max_frames=96)
    assert grid.mode == "pair"
    n_dose, n_route, n_dur = (len(v) for v in grid.values)
    assert len(grid) == n_dose * n_route + n_dur - 1 == 53
    for key in grid.keys:
        if key[2] != grid.default[2]:                 # duration moved: the others at defaults
            assert key[:2] == grid.default[:2]
    assert {k[:2] for k in grid.keys} >= {(i, j) for i in range(n_dose) for j in range(n_route)}
    line = grid.describe(specs)
    assert "Dose and route are combined; duration varies alone" in line
    assert "53 precomputed frames" in line


def test_a_small_budget_falls_back_to_one_control_at_a_time():
    specs = _specs(**PK_CONTROLS)
    grid = widgets.frame_grid(specs, max_frames=20)
    assert grid.mode == "one-at-a-time" and len(grid) <= 20
    assert all(sum(a != b for a, b in zip(k, grid.default, strict=True)) <= 1
               for k in grid.keys)
    assert all(len(v) >= 2 for v in grid.values)        # every control still changes it
    assert "Each control varies alone" in grid.describe(specs)


def test_more_budget_never_means_fewer_frames():
    specs = _specs(**PK_CONTROLS)
    counts = [len(widgets.frame_grid(specs, n)) for n in (12, 20, 40, 60, 96, 200, 1000)]
    assert counts == sorted(counts) and all(c <= n for c, n in
                                            zip(counts, (12, 20, 40, 60, 96, 200, 1000),
                                                strict=True))


def test_a_budget_too_small_for_two_values_per_control_is_refused():
    with pytest.raises(ValueError, match="controls.*at least 8 frames"):
        widgets.frame_grid(_specs(**PK_CONTROLS), max_frames=5)


def test_frames_for_budget():
    assert frames.frames_for_budget(15_000, 1_500_000, 96) == 96
    assert frames.frames_for_budget(15_000, 300_000, 96) == 20
    assert frames.frames_for_budget(15_000, -1, 96) == 0


# --- the explorable figure ---------------------------------------------------------------------

def test_explorer_fits_its_byte_budget_and_names_the_values_in_every_alt_text(pk_figure):
    ex = pk_figure.explorer(budget_bytes=300_000)
    assert 0 < ex.nbytes <= 300_000 and len(ex.frames) == len(ex.grid)
    assert [tuple(f["key"]) for f in ex.frames] == list(ex.grid.keys)
    for f in ex.frames:
        point = ex.grid.point(f["key"])
        for c in ex.controls:
            assert f"{c.label} {c.format(point[c.name])}" in f["alt"]
        assert f["title"] in f["alt"]
    assert all(png[:8] == b"\x89PNG\r\n\x1a\n" for png in ex.images)
    assert pk_figure.values() == {"dose_mg_per_kg": 0.5, "route": "iv", "duration_min": 40.0}


def test_frames_share_one_palette_so_static_parts_do_not_flicker(pk_figure):
    from PIL import Image

    ex = pk_figure.explorer(budget_bytes=200_000)
    palettes = {bytes(Image.open(io.BytesIO(b)).getpalette()) for b in ex.images}
    assert len(palettes) == 1 and Image.open(io.BytesIO(ex.images[0])).mode == "P"


def test_values_the_model_refuses_become_error_frames():
    ex = widgets.interactive_figure(_fragile_builder, x=(0.0, 1.0, 0.1, 0.2)).explorer()
    errors = [f for f in ex.frames if "error" in f]
    assert errors and all(ex.grid.point(f["key"])["x"] > 0.5 for f in errors)
    assert "Cannot draw these values: x must be at most 0.5" in errors[0]["error"]


def test_the_figures_of_a_page_share_its_budget(monkeypatch):
    monkeypatch.setattr(frames, "BUDGET", frames.Budget(figure_bytes=300_000,
                                                       page_bytes=450_000))
    monkeypatch.setattr(figure_module._page, "spent_bytes", 0)
    figs = [widgets.interactive_figure(plotting.pk_explorer, **PK_CONTROLS),
            widgets.interactive_figure(plotting.circuit_explorer,
                                       nmda_share_e=(0.0, 1.0, 0.05, 0.75),
                                       nmda_share_i=(0.0, 1.0, 0.05, 0.95))]
    weights = []
    for f in figs:
        before = figure_module._page.spent_bytes
        f.static_html()
        weights.append(figure_module._page.spent_bytes - before)
    assert weights[0] <= 300_000 and weights[1] <= 450_000 - weights[0]
    assert sum(weights) <= 450_000


def _bundle(fig, monkeypatch, static):
    if static:
        monkeypatch.setenv(widgets.STATIC_ENV, "1")
    else:
        monkeypatch.delenv(widgets.STATIC_ENV, raising=False)
    return fig._repr_mimebundle_()


def test_in_a_kernel_the_bundle_is_the_live_widget_and_a_still(pk_figure, monkeypatch):
    bundle = _bundle(pk_figure, monkeypatch, static=False)
    assert "application/vnd.jupyter.widget-view+json" in bundle and "text/html" not in bundle


def test_at_build_time_the_bundle_is_the_explorer_with_the_still(monkeypatch):
    monkeypatch.setattr(figure_module._page, "spent_bytes", 0)
    fig = widgets.interactive_figure(plotting.circuit_explorer,
                                     nmda_share_e=(0.0, 1.0, 0.05, 0.75),
                                     nmda_share_i=(0.0, 1.0, 0.05, 0.95))
    bundle = _bundle(fig, monkeypatch, static=True)
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    page = bundle["text/html"]
    assert widgets.explorer.MARKER in page and page.count("</script>") == 1
    assert re.search(r'<label for="([^"]+)">NMDA share e \(fraction\)</label>'
                     r'<input type="range" id="\1"', page)
    assert re.search(r'<img class="km-explorer-frame" src="data:image/png;base64,[^"]+" '
                     r'alt="Plot of pyramidal rate \(Hz\) and interneuron rate \(Hz\) against '
                     r'NMDA receptor occupancy, at NMDA share e 0.75, NMDA share i 0.95\. '
                     r'Peak 2.55× baseline at occupancy 0.54\."', page)
    assert "<noscript>" in page and 'class="km-explorer-controls" role="group"' in page
    data = json.loads(re.search(r'<script type="application/json" class="km-explorer-data">'
                                r"(.*)</script>", page).group(1))
    assert data["mode"] == "all" and len(data["frames"]) == len(data["images"]) <= 96
    assert _bundle(fig, monkeypatch, static=True)["text/html"] == page   # drawn once


def test_script_text_in_an_option_cannot_end_the_data_block():
    def builder(mode):
        fig, update = plotting.circuit_explorer()
        return fig, lambda mode: update(0.75 if mode == "a" else 0.5, 0.95)

    fig = widgets.interactive_figure(builder, mode=["a", "</script><b>x"])
    page = widgets.explorer_html(fig.explorer())
    assert page.count("</script>") == 1 and "<\\/script>" in page


# --- the Sphinx side: frames become files, the cache knows the mode ------------------------------

def test_frames_are_moved_to_files_named_by_content(tmp_path):
    png = base64.b64encode(b"\x89PNG fake").decode()
    page = (f'<div data-km-explorer><img src="data:image/png;base64,{png}">'
            f'<script type="application/json">{{"images":["data:image/png;base64,{png}"]}}'
            f"</script></div>")
    text, files = sphinxext.externalise_frames(page, tmp_path, "chapters/01_x.html")
    assert "data:" not in text and len(files) == 1
    name, size = next(iter(files.items()))
    assert text.count(f"../_images/km-frames/{name}") == 2 and size == 9
    assert (tmp_path / "_images" / "km-frames" / name).read_bytes() == b"\x89PNG fake"


def test_the_cache_stamp_changes_with_the_figure_mode(monkeypatch):
    monkeypatch.setenv(widgets.STATIC_ENV, "1")
    explorer = sphinxext.cache_stamp()
    monkeypatch.setenv(widgets.STATIC_ENV, "0")
    assert sphinxext.cache_stamp() != explorer
    assert explorer.startswith(sphinxext.library_fingerprint())
