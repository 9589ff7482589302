"""Figures of Chapter 1's circuit: firing against occupancy and over time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import circuits, pharmacology
from ..units import KETAMINE_G_PER_MOL
from .style import LINESTYLES, PALETTE, _finish, _time_axis, new_figure, style


def _rates_vs_occupancy(ax: Axes, occ: np.ndarray, excitatory_Hz: np.ndarray,
                        inhibitory_Hz: np.ndarray, e_top: float | None = None,
                        i_top: float | None = None) -> tuple[Any, Any]:
    """Pyramidal rate on ``ax`` and interneuron rate on a twin right axis; the two lines."""
    le, = ax.plot(occ, excitatory_Hz, label="pyramidal cells (E)", color=PALETTE["blue"])
    ax.set_ylim(0, e_top)
    ax2 = ax.twinx()
    li, = ax2.plot(occ, inhibitory_Hz, "--", label="interneurons (I)", color=PALETTE["orange"])
    ax2.set_ylim(0, i_top)
    ax2.set_ylabel("interneuron rate (Hz)")
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    return le, li


def inverted_u(marks: Mapping[str, float] | None = None,
               params: circuits.CircuitParams | None = None, n: int = 201) -> Figure:
    """Pyramidal and interneuron firing vs NMDA occupancy, with doses marked by occupancy."""
    occ = np.linspace(0.0, 1.0, n)
    s = circuits.steady_state(occ, params)
    with style():
        fig, ax = new_figure(figsize=(7.0, 4.0))
        le, li = _rates_vs_occupancy(ax, occ, s.excitatory_Hz, s.inhibitory_Hz)
        ax.axhline(float(s.excitatory_Hz[0]), color=PALETTE["grey"], lw=1, ls=":")
        for k, (label, o) in enumerate((marks or {}).items()):
            colour = [PALETTE["green"], PALETTE["vermillion"], PALETTE["purple"],
                      PALETTE["black"]][k % 4]
            ax.axvline(o, color=colour, lw=1.5, ls=LINESTYLES[(k + 1) % len(LINESTYLES)])
            ax.annotate(label, (o, 0.03), xycoords=("data", "axes fraction"), rotation=90,
                        va="bottom", ha="right", fontsize=8, color=colour,
                        xytext=(-3, 0), textcoords="offset points",
                        bbox={"fc": "white", "ec": "none", "alpha": 0.8, "pad": 1})
        ax.legend([le, li], [le.get_label(), li.get_label()], loc="upper left")
        _finish(ax, "In this model, moderate NMDA block excites cortex, near-complete block "
                    "quiets it",
                "NMDA receptor occupancy", "pyramidal rate (Hz)")
    return fig


def excitation_time_course(result: pharmacology.PKResult,
                           params: circuits.CircuitParams | None = None,
                           title: str | None = None) -> Figure:
    """Pyramidal firing over time, following the NMDA occupancy of a simulation.

    The circuit settles in milliseconds and the drug changes over minutes, so
    the circuit is taken at its steady state at each time point.
    """
    state = circuits.steady_state(result.occupancy, params)
    baseline = float(circuits.steady_state(0.0, params).excitatory_Hz)
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.2))
        t, tlabel = _time_axis(result.t_min)
        ax.plot(t, state.excitatory_Hz, label="pyramidal cells", color=PALETTE["blue"])
        ax.axhline(baseline, color=PALETTE["grey"], ls=":", lw=1.5, label="no drug")
        ax.set_ylim(bottom=0)
        ax.legend()
        _finish(ax, title or "Cortical excitation rises with occupancy and stays raised",
                tlabel, "pyramidal rate (Hz)")
    return fig


def circuit_explorer(nmda_share_e: float = 0.75, nmda_share_i: float = 0.95,
                     n: int = 201) -> tuple[Figure, Callable[..., bool]]:
    """Pyramidal and interneuron firing vs occupancy, with the NMDA shares as controls.

    Returns the figure and ``update(nmda_share_e, nmda_share_i)`` for
    :func:`ketamodel.widgets.interactive_figure`; the axes are fixed so that
    a change redraws only the curves.
    """
    occ = np.linspace(0.0, 1.0, n)
    ref = pharmacology.ReferenceLevels()
    lor = float(pharmacology.occupancy(ref.loss_of_responsiveness_ng_per_mL
                                       / KETAMINE_G_PER_MOL))
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.8))
        le, li = _rates_vs_occupancy(ax, occ, occ, occ, e_top=25, i_top=100)
        lb, = ax.plot(occ, occ, ":", lw=1.5, label="E without drug", color=PALETTE["grey"])
        ax.axvline(lor, color=PALETTE["vermillion"], lw=1.2, ls="-.")
        ax.annotate("loss of responsiveness", (lor, 0.97), xycoords=("data", "axes fraction"),
                    rotation=90, va="top", ha="right", fontsize=8, color=PALETTE["vermillion"])
        ax.legend([le, lb, li], [le.get_label(), lb.get_label(), li.get_label()],
                  loc="upper left")
        title = ax.set_title("", loc="left")
        _finish(ax, None, "NMDA receptor occupancy", "pyramidal rate (Hz)")
    for artist in (le, lb, li, title):
        artist.set_animated(True)

    def update(nmda_share_e: float, nmda_share_i: float) -> bool:
        p = circuits.CircuitParams(nmda_share_e=nmda_share_e, nmda_share_i=nmda_share_i)
        s = circuits.steady_state(occ, p)
        le.set_ydata(s.excitatory_Hz)
        lb.set_ydata(np.full_like(occ, s.excitatory_Hz[0]))
        li.set_ydata(s.inhibitory_Hz)
        k = int(np.argmax(s.excitatory_Hz))
        title.set_text(f"Peak {s.excitatory_Hz[k] / s.excitatory_Hz[0]:.2f}× baseline "
                       f"at occupancy {occ[k]:.2f}")
        return False

    update(nmda_share_e, nmda_share_i)
    return fig, update



def nmda_share_map(share_map: circuits.ShareMap, *, default: tuple[float, float] | None = None,
                   probe_label: str = "probe occupancy") -> Figure:
    """Two maps over (φ_E, φ_I): the height of the peak and the rate at a probe occupancy.

    Contours mark where the rise vanishes (peak ratio 1.05) and where the
    probe occupancy stops suppressing firing (ratio 1); ``default`` (a star)
    marks the model's own (φ_E, φ_I).
    """
    m = share_map
    with style():
        fig, (ax1, ax2) = new_figure(1, 2, figsize=(8.0, 3.6), sharey=True)
        for ax, z, name in ((ax1, m.peak_ratio, "height of the peak"),
                            (ax2, m.probe_ratio, f"rate at {probe_label}")):
            ax.grid(False)
            mesh = ax.pcolormesh(m.nmda_share_e, m.nmda_share_i, np.log10(np.maximum(z, 1e-3)),
                                 shading="nearest", cmap="cividis", vmin=-2, vmax=1)
            level = 1.05 if ax is ax1 else 1.0
            if z.min() < level < z.max():
                cs = ax.contour(m.nmda_share_e, m.nmda_share_i, z, levels=[level],
                                colors=PALETTE["vermillion"], linewidths=1.5)
                ax.clabel(cs, fmt={level: "no rise" if ax is ax1 else "no suppression"},
                          fontsize=8)
            if default is not None:
                ax.plot(*default, "*", color="white", ms=12, mec=PALETTE["black"])
            ax.set_title(name, loc="left", fontsize=10)
            _finish(ax, None, "NMDA share of pyramidal drive φ_E (fraction)", None)
        cbar = fig.colorbar(mesh, ax=[ax1, ax2], ticks=[-2, -1, 0, 1])
        cbar.ax.set_yticklabels(["0.01", "0.1", "1", "10"])
        cbar.set_label("pyramidal rate / no-drug rate (ratio)")
        ax1.set_ylabel("NMDA share of interneuron drive φ_I (fraction)")
        ax2.set_ylabel("φ_I (fraction)")
        fig.suptitle("The rise needs a high φ_I, the falling limb a high φ_E",
                     x=0.02, ha="left", fontweight="bold", fontsize=11)
    return fig
