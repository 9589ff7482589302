"""The interactive figure: live sliders in a kernel, an explorable figure in the static book.

:func:`interactive_figure` takes a figure *builder* — a function that draws
the figure at given parameter values and returns ``(figure, update)`` — and
control specifications. What it returns displays as

- **in a kernel** (JupyterLab, Binder, Colab): ipywidgets controls above the
  figure, which redraws in place as a control moves;
- **when the book is built** (the book's Sphinx extension sets the
  environment variable :data:`STATIC_ENV` before the notebooks run): an
  explorable figure, drawn over a grid of control values
  (:mod:`~ketamodel.widgets.frames`) and written as HTML
  (:mod:`~ketamodel.widgets.explorer`) that needs no kernel;
- **anywhere else** (a viewer without a kernel or JavaScript): a still PNG of
  the figure at its default values, which every output also carries.
"""

from __future__ import annotations

import base64
import io
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as ipw
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ..plotting import style
from . import explorer as ex
from . import frames as fr
from .controls import Control, make_control

Builder = Callable[..., tuple[Figure, Callable[..., bool | None]]]

#: Environment variable that asks for the static explorable figure ("1") as output.
STATIC_ENV = "KETAMODEL_STATIC_EXPLORER"



@dataclass
class _Page:
    """Bytes of frames already spent by the figures shown in this process (one notebook)."""

    spent_bytes: int = 0


_page = _Page()


def static_mode() -> bool:
    """True when outputs should carry the static explorable figure (a book build)."""
    return os.environ.get(STATIC_ENV, "") == "1"


class _Renderer:
    """Draws a figure fast: the static background once, then only animated artists.

    Artists that change on every update (lines, a title) are marked
    ``set_animated(True)`` by the builder; axes, ticks and labels are drawn
    once and reused (blitting), which keeps a redraw to a few milliseconds.
    """

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self.background: Any = None
        self.animated: list[Any] = []

    def image(self, full: bool = False) -> PILImage.Image:
        """The figure as it is now, as an RGBA image (a view of the canvas: copy to keep)."""
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
        return PILImage.frombuffer("RGBA", self.canvas.get_width_height(),
                                   self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def png(self, full: bool = False) -> bytes:
        buf = io.BytesIO()
        # RGB, not RGBA: the figure is opaque, and a quarter fewer bytes encode faster.
        self.image(full).convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()


@dataclass
class InteractiveFigure:
    """A figure with controls: live widgets in a kernel, explorable frames in the book.

    Attributes
    ----------
    figure : Figure
        The matplotlib figure, updated in place.
    controls : dict
        The live control widgets by parameter name.
    specs : dict
        The :class:`~ketamodel.widgets.controls.Control` of each parameter
        (label, unit, range), which the static figure is made from.
    callback_ms : list of float
        Duration of each redraw (model + drawing + PNG), for benchmarks.
    """

    figure: Figure
    update: Callable[..., bool | None]
    controls: dict[str, ipw.ValueWidget]
    defaults: dict[str, Any]
    specs: dict[str, Control] = field(default_factory=dict)
    builder_name: str = ""
    callback_ms: list[float] = field(default_factory=list)
    _image: ipw.Image | None = None
    _message: ipw.HTML | None = None
    _box: ipw.VBox | None = None
    _renderer: _Renderer | None = None
    _static_html: str | None = None

    def _render(self) -> _Renderer:
        if self._renderer is None:
            self._renderer = _Renderer(self.figure)
        return self._renderer

    def png(self, full: bool = False) -> bytes:
        """The figure as it is now, as PNG bytes."""
        return self._render().png(full)

    def image(self, **values: Any) -> PILImage.Image:
        """The figure drawn at ``values`` (others at their current value), as an RGB image."""
        full = bool(self.update(**(self.values() | values)))
        return self._render().image(full).convert("RGB")

    def values(self) -> dict[str, Any]:
        """The current value of every control."""
        return {k: w.value for k, w in self.controls.items()}

    def restore(self) -> None:
        """Draw the figure again at the values the controls show."""
        self.png(bool(self.update(**self.values())))

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

    def explorer(self, budget_bytes: int | None = None,
                 budget: fr.Budget | None = None) -> ex.Explorer:
        """The figure drawn over a grid of control values, for the static book.

        Parameters
        ----------
        budget_bytes : int, optional
            Bytes the frames may take; by default the budget's ``figure_bytes``,
            or what is left of its ``page_bytes`` after the figures already
            shown by this process, if less.
        budget : Budget, optional
            By default :data:`~ketamodel.widgets.frames.BUDGET`.
        """
        budget = fr.BUDGET if budget is None else budget
        if budget_bytes is None:
            budget_bytes = min(budget.figure_bytes, budget.page_bytes - _page.spent_bytes)
        try:
            return ex.render(self, budget_bytes, budget)
        except ValueError as exc:
            raise ValueError(f"{self.builder_name}: {exc} (this figure may use "
                             f"{max(budget_bytes, 0)} bytes of frames; the figures of a page "
                             f"share {budget.page_bytes})") from exc

    def static_html(self) -> str:
        """The explorable figure as an HTML fragment (drawn once, then kept)."""
        if self._static_html is None:
            explorer = self.explorer()
            _page.spent_bytes += explorer.nbytes
            self._static_html = ex.explorer_html(explorer)
        return self._static_html

    def _repr_mimebundle_(self, include: Sequence[str] | None = None,
                          exclude: Sequence[str] | None = None) -> dict[str, Any]:
        full = bool(self.update(**self.defaults))
        bundle: dict[str, Any] = {
            "image/png": base64.b64encode(self.png(full)).decode("ascii"),
            "text/plain": "Interactive figure (run the notebook to move the sliders)",
        }
        self.restore()
        if static_mode():
            bundle["text/html"] = self.static_html()
        else:
            live = dict(self.widget()._repr_mimebundle_() or {})
            live.pop("text/plain", None)
            bundle |= live
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
        a list of options (the first is the default) for a dropdown, a
        :class:`~ketamodel.widgets.Slider` or
        :class:`~ketamodel.widgets.Choice` to give a label or unit,
        or a ready ipywidgets control. The label and unit shown come from the
        parameter's name (``dose_mg_per_kg`` → "dose (mg/kg)"). When the static
        book cannot hold every combination of values, the first two controls
        are the ones combined.

    Returns
    -------
    InteractiveFigure
        Displays as sliders + figure in a kernel, as an explorable figure in
        the built book, and as a still PNG at the default values elsewhere.
    """
    if not controls:
        raise ValueError("controls: give at least one parameter to vary")
    made = {name: make_control(name, spec) for name, spec in controls.items()}
    specs = {name: c for name, (c, _) in made.items()}
    widgets = {name: w if w is not None else c.widget() for name, (c, w) in made.items()}
    defaults = {name: c.default for name, c in specs.items()}
    fig, update = builder(**defaults)
    name = f"{getattr(builder, '__module__', '')}:{getattr(builder, '__qualname__', '')}"
    return InteractiveFigure(figure=fig, update=update, controls=widgets, defaults=defaults,
                             specs=specs, builder_name=name)
