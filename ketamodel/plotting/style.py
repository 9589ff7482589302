"""The book's one figure style: palette, line styles, rc settings and figure helpers.

Every helper returns a :class:`matplotlib.figure.Figure` built without
pyplot's global state, so a notebook cell shows it exactly once and nothing
leaks between cells. The palette is Okabe & Ito's, safe for the common forms
of colour blindness; lines also differ in style so the figures survive
greyscale printing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe–Ito colour-blind-safe palette.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
    "grey": "#7F7F7F",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (3, 1, 1, 1, 1, 1))]

STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (7.0, 4.0),
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": mpl.cycler(color=CYCLE),
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.0,
    "figure.constrained_layout.use": True,
}


class BookFigure(Figure):
    """A matplotlib figure that shows itself in Jupyter without pyplot (as PNG)."""

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        with style():
            self.savefig(buf, format="png")
        return buf.getvalue()


@contextmanager
def style() -> Iterator[None]:
    """Context in which matplotlib uses the book's style."""
    with mpl.rc_context(STYLE):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] | None = None,
               **subplot_kw: Any) -> tuple[Figure, Any]:
    """A figure in the book's style (no pyplot state) and its axes."""
    with style():
        fig = BookFigure(figsize=figsize or STYLE["figure.figsize"], layout="constrained")
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def _finish(ax: Axes, title: str | None = None, xlabel: str | None = None,
            ylabel: str | None = None) -> None:
    if title:
        ax.set_title(title, loc="left")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)



def _time_axis(t_min: np.ndarray) -> tuple[np.ndarray, str]:
    if t_min[-1] > 600:
        return t_min / 60.0, "time (h)"
    return t_min, "time (min)"

