"""Interactive figures in one call, with a still figure for the static book.

:func:`interactive_figure` takes a figure *builder* — a function that draws
the figure at given parameter values and returns ``(figure, update)`` — and
slider specifications. In a running kernel (JupyterLab, Binder, Colab) the
reader gets sliders and the figure redraws in place. The same output also
carries a PNG of the figure at its default values, so the HTML book (and any
viewer without a kernel) shows a meaningful still figure; the book's
configuration drops the live-widget view, which needs a kernel.

Example
-------
>>> from ketamodel import plotting, widgets
>>> widgets.interactive_figure(plotting.pk_explorer,
...                            dose_mg_per_kg=(0.1, 2.0, 0.05, 0.5),
...                            route=["iv", "intranasal", "im", "oral"],
...                            duration_min=(0.0, 120.0, 5.0, 40.0))  # doctest: +SKIP
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as ipw
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from .plotting import style

Builder = Callable[..., tuple[Figure, Callable[..., bool | None]]]


def _control(name: str, spec: Any) -> tuple[ipw.ValueWidget, Any]:
    """Make a widget from a spec: (low, high, step, default) → slider; a list → dropdown."""
    label = name.replace("_", " ")
    if isinstance(spec, ipw.ValueWidget):
        return spec, spec.value
    if isinstance(spec, tuple) and len(spec) == 4 and all(isinstance(v, int | float)
                                                           for v in spec):
        low, high, step, default = spec
        if not low <= default <= high or step <= 0:
            raise ValueError(f"{name}: a slider needs low <= default <= high and step > 0, "
                             f"got {spec!r}")
        ints = all(isinstance(v, int) for v in spec)
        cls = ipw.IntSlider if ints else ipw.FloatSlider
        w = cls(value=default, min=low, max=high, step=step, description=label,
                continuous_update=True, style={"description_width": "initial"},
                layout=ipw.Layout(width="420px"))
        return w, default
    if isinstance(spec, list | tuple) and spec and not isinstance(spec[0], int | float):
        w = ipw.Dropdown(options=list(spec), value=spec[0], description=label,
                         style={"description_width": "initial"})
        return w, spec[0]
    raise ValueError(f"{name}: expected (low, high, step, default), a list of options or a "
                     f"widget, got {spec!r}")


class _Renderer:
    """Draws a figure to PNG fast: the static background once, then only animated artists.

    Artists that change on every update (lines, a title) are marked
    ``set_animated(True)`` by the builder; axes, ticks and labels are drawn
    once and reused (blitting), which keeps a redraw to a few milliseconds.
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.background: Any = None
        self.animated: list[Any] = []

    def png(self, full: bool = False) -> bytes:
        with style():
            if full or self.background is None:
                self.canvas.draw()
                if self.fig.get_layout_engine() is not None:
                    self.fig.set_layout_engine("none")      # freeze the layout once computed
                self.background = self.canvas.copy_from_bbox(self.fig.bbox)
                self.animated = self.fig.findobj(lambda a: a.get_animated())
            else:
                self.canvas.restore_region(self.background)
            for artist in self.animated:
                self.fig.draw_artist(artist)
        image = PILImage.frombuffer("RGBA", self.canvas.get_width_height(),
                                    self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()


@dataclass
class InteractiveFigure:
    """A figure with controls; displays as live widgets in a kernel, as a PNG elsewhere.

    Attributes
    ----------
    figure : Figure
        The matplotlib figure, updated in place.
    controls : dict
        The control widgets by parameter name.
    callback_ms : list of float
        Duration of each redraw (model + drawing + PNG), for benchmarks.
    """

    figure: Figure
    update: Callable[..., bool | None]
    controls: dict[str, ipw.ValueWidget]
    defaults: dict[str, Any]
    callback_ms: list[float] = field(default_factory=list)
    _image: ipw.Image | None = None
    _message: ipw.HTML | None = None
    _box: ipw.VBox | None = None
    _renderer: _Renderer | None = None

    def png(self, full: bool = False) -> bytes:
        """The figure as it is now, as PNG bytes."""
        if self._renderer is None:
            self._renderer = _Renderer(self.figure)
        return self._renderer.png(full)

    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {k: w.value for k, w in self.controls.items()}

    def redraw(self, **values: Any) -> bytes:
        """Update the model and the figure to ``values`` (others keep their value); return PNG."""
        t0 = time.perf_counter()
        current = self.values() | values
        full = bool(self.update(**current))
        png = self.png(full)
        if self._image is not None:
            self._image.value = png
        self.callback_ms.append((time.perf_counter() - t0) * 1000.0)
        return png

    def _on_change(self, _change: Any = None) -> None:
        """Redraw after a control moved; show an error beside the figure, never hide it."""
        try:
            self.redraw()
        except Exception as exc:                      # shown to the reader, not swallowed
            if self._message is not None:
                self._message.value = f"<b>Cannot draw these values:</b> {exc}"
        else:
            if self._message is not None:
                self._message.value = ""

    def widget(self) -> ipw.VBox:
        """The live widget: controls above the figure, and a line for errors."""
        if self._box is None:
            self._image = ipw.Image(value=self.png(), format="png")
            self._message = ipw.HTML(value="")
            for w in self.controls.values():
                w.observe(self._on_change, names="value")
            self._box = ipw.VBox([ipw.HBox(list(self.controls.values()),
                                           layout=ipw.Layout(flex_flow="row wrap")),
                                  self._message, self._image])
        return self._box

    def _repr_mimebundle_(self, include: Sequence[str] | None = None,
                          exclude: Sequence[str] | None = None) -> dict[str, Any]:
        import base64

        box = self.widget()
        bundle = dict(box._repr_mimebundle_() or {})
        full = bool(self.update(**self.defaults))
        bundle["image/png"] = base64.b64encode(self.png(full)).decode("ascii")
        self.png(bool(self.update(**self.values())))
        bundle["text/plain"] = "Interactive figure (run the notebook to move the sliders)"
        return bundle


def interactive_figure(builder: Builder, **controls: Any) -> InteractiveFigure:
    """Build an interactive figure from a builder and control specifications.

    Parameters
    ----------
    builder : callable
        ``builder(**defaults) -> (figure, update)``; ``update(**values)`` changes
        the figure in place and returns True when the axes changed (a full
        redraw is needed). Artists that change on every update should be
        marked ``set_animated(True)``; the rest is drawn once.
    **controls
        One per builder argument: ``(low, high, step, default)`` for a slider,
        a list of options (the first is the default) for a dropdown, or a
        ready ipywidgets control.

    Returns
    -------
    InteractiveFigure
        Displays as sliders + figure in a kernel and as a still PNG at the
        default values in the static book.
    """
    if not controls:
        raise ValueError("controls: give at least one parameter to vary")
    made = {name: _control(name, spec) for name, spec in controls.items()}
    defaults = {name: default for name, (_, default) in made.items()}
    fig, update = builder(**defaults)
    return InteractiveFigure(figure=fig, update=update,
                             controls={k: w for k, (w, _) in made.items()}, defaults=defaults)
