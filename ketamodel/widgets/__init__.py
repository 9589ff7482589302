"""Interactive figures in one call: live sliders in a kernel, explorable frames in the book.

:func:`interactive_figure` takes a figure *builder* — a function that draws
the figure at given parameter values and returns ``(figure, update)`` — and
control specifications. In a running kernel (JupyterLab, Binder, Colab) the
reader gets sliders and the figure redraws in place. When the book is built,
the same call draws the figure over a grid of control values and the HTML
page swaps these frames as the reader moves its controls, with no kernel; a
still PNG at the default values is what a viewer without JavaScript shows.

- :mod:`~ketamodel.widgets.controls`: a control's range, label and unit;
- :mod:`~ketamodel.widgets.frames`: which values the static figure is drawn
  at, within the budget of frames and bytes;
- :mod:`~ketamodel.widgets.explorer`: the frames drawn, written as HTML;
- ``ketamodel.widgets.figure``: :class:`InteractiveFigure` itself.

Example
-------
>>> from ketamodel import plotting, widgets
>>> widgets.interactive_figure(plotting.pk_explorer,
...                            dose_mg_per_kg=(0.1, 2.0, 0.05, 0.5),
...                            route=["iv", "intranasal", "im", "oral"],
...                            duration_min=(0.0, 120.0, 5.0, 40.0))  # doctest: +SKIP
"""

from __future__ import annotations

from .controls import Choice, Control, Slider, split_name
from .explorer import Explorer, explorer_html
from .figure import STATIC_ENV, InteractiveFigure, interactive_figure, static_mode
from .frames import BUDGET, Budget, FrameGrid, frame_grid, static_values

__all__ = [
    "BUDGET", "STATIC_ENV", "Budget", "Choice", "Control", "Explorer", "FrameGrid",
    "InteractiveFigure", "Slider", "explorer_html", "frame_grid", "interactive_figure",
    "split_name", "static_mode", "static_values",
]
