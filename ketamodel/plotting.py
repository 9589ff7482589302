"""One shared figure style and the figures of the book.

Every helper returns a :class:`matplotlib.figure.Figure` built without
pyplot's global state, so a notebook cell shows it exactly once and nothing
leaks between cells. The palette is Okabe & Ito's, safe for the common forms
of colour blindness; lines also differ in style so the figures survive
greyscale printing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import circuits, pharmacology
from .units import KETAMINE_G_PER_MOL

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


# --------------------------------------------------------------------------------------
# Chapter 1: pharmacology
# --------------------------------------------------------------------------------------
def _time_axis(t_min: np.ndarray) -> tuple[np.ndarray, str]:
    if t_min[-1] > 600:
        return t_min / 60.0, "time (h)"
    return t_min, "time (min)"


def concentration(result: pharmacology.PKResult, *, title: str | None = None,
                  norketamine: bool = True, mark_occupancy: bool = True) -> Figure:
    """Plasma, effect-site and norketamine concentrations over time, with NMDA occupancy.

    The left axis is in ng/mL and a secondary axis gives µM of ketamine.
    """
    with style():
        fig, axes = new_figure(2 if mark_occupancy else 1, 1, figsize=(7.0, 5.2 if
                                                                      mark_occupancy else 3.6),
                               sharex=True,
                               **({"height_ratios": [2, 1]} if mark_occupancy else {}))
        ax = axes[0] if mark_occupancy else axes
        t, tlabel = _time_axis(result.t_min)
        ax.plot(t, result.plasma_ng_per_mL, label="ketamine, plasma", color=PALETTE["blue"])
        ax.plot(t, result.effect_site_ng_per_mL, "--", label="ketamine, effect site",
                color=PALETTE["orange"])
        if norketamine:
            ax.plot(t, result.norketamine_ng_per_mL, ":", label="norketamine, plasma",
                    color=PALETTE["green"])
        ax.set_ylim(bottom=0)
        sec = ax.secondary_yaxis("right", functions=(lambda x: x / KETAMINE_G_PER_MOL,
                                                     lambda x: x * KETAMINE_G_PER_MOL))
        sec.set_ylabel("ketamine (µM)")
        ax.legend(loc="upper right")
        _finish(ax, title or "Concentration rises during dosing, the effect site lags plasma",
                None, "concentration (ng/mL)")
        if mark_occupancy:
            axes[1].plot(t, result.occupancy, color=PALETTE["vermillion"])
            axes[1].set_ylim(0, 1)
            _finish(axes[1], None, tlabel, "NMDA occupancy")
        else:
            ax.set_xlabel(tlabel)
    return fig


def compare(results: Mapping[str, pharmacology.PKResult], *, quantity: str = "plasma_ng_per_mL",
            ylabel: str = "ketamine, plasma (ng/mL)", title: str | None = None,
            logy: bool = False) -> Figure:
    """Overlay one quantity from several simulations (e.g. routes or schedules)."""
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.8))
        for k, (label, r) in enumerate(results.items()):
            t, tlabel = _time_axis(r.t_min)
            ax.plot(t, getattr(r, quantity), linestyle=LINESTYLES[k % len(LINESTYLES)],
                    label=label)
        if logy:
            ax.set_yscale("log")
        else:
            ax.set_ylim(bottom=0)
        ax.legend()
        _finish(ax, title or "Same dose, different routes", tlabel, ylabel)
    return fig


def mg_block(v_mV: np.ndarray | None = None, mg_levels_mM: Sequence[float] = (0.1, 1.0, 2.0)
             ) -> Figure:
    """Unblocked fraction of NMDA conductance vs membrane potential for several [Mg²⁺]."""
    v = np.linspace(-100, 40, 281) if v_mV is None else np.asarray(v_mV)
    with style():
        fig, ax = new_figure(figsize=(6.0, 3.6))
        for k, mg in enumerate(mg_levels_mM):
            ax.plot(v, pharmacology.mg_unblocked_fraction(v, mg),
                    linestyle=LINESTYLES[k % len(LINESTYLES)], label=f"[Mg²⁺] = {mg:g} mM")
        ax.axvline(-70, color=PALETTE["grey"], lw=1)
        ax.annotate("rest", (-70, 0.45), xytext=(4, 0), textcoords="offset points",
                    color=PALETTE["grey"])
        ax.set_ylim(0, 1.02)
        ax.legend(loc="upper left")
        _finish(ax, "Mg²⁺ blocks NMDA channels at rest; depolarisation relieves it",
                "membrane potential (mV)", "unblocked fraction")
    return fig


def trapping(results: Mapping[str, pharmacology.TrappingResult], *, title: str | None = None
             ) -> Figure:
    """Fraction of channels blocked by ketamine over time, one line per protocol."""
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.6))
        for k, (label, r) in enumerate(results.items()):
            ax.plot(r.t_s, r.blocked_fraction, linestyle=LINESTYLES[k % len(LINESTYLES)],
                    label=label)
        ax.set_ylim(0, 1)
        ax.legend()
        _finish(ax, title or "Block grows faster when the channel opens more often",
                "time (s)", "fraction of channels blocked")
    return fig


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
        _finish(ax, "Moderate NMDA block excites cortex, near-complete block silences it",
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


def pk_explorer(dose_mg_per_kg: float = 0.5, route: str = "iv", duration_min: float = 40.0,
                t_end_min: float = 360.0) -> tuple[Figure, Callable[..., bool]]:
    """A figure of concentration and occupancy that can be updated in place.

    Returns the figure and ``update(dose_mg_per_kg, route, duration_min)``,
    which recomputes the model and moves the lines (for
    :func:`ketamodel.widgets.interactive_figure`). The concentration axis is
    logarithmic and fixed (1–3000 ng/mL), so every dose fits without
    redrawing the axes, and the fast fall (redistribution) and the slow fall
    (elimination) appear as two straight stretches.
    """
    def run(dose: float, rte: str, dur: float) -> pharmacology.PKResult:
        return pharmacology.simulate(
            pharmacology.Dose(dose, route=rte, duration_min=dur if rte == "iv" else 0.0),
            t_end_min, dt_min=1.0)

    r = run(dose_mg_per_kg, route, duration_min)
    ref = pharmacology.ReferenceLevels()
    with style():
        fig, (ax, ax_occ) = new_figure(2, 1, figsize=(7.0, 4.8), sharex=True,
                                       height_ratios=[2, 1])
        lp, = ax.plot(r.t_min, r.plasma_ng_per_mL, label="plasma", color=PALETTE["blue"])
        le, = ax.plot(r.t_min, r.effect_site_ng_per_mL, "--", label="effect site",
                      color=PALETTE["orange"])
        ax.axhspan(ref.analgesic_low_ng_per_mL, ref.analgesic_high_ng_per_mL,
                   color=PALETTE["green"], alpha=0.15, lw=0,
                   label=f"analgesic, {ref.analgesic_low_ng_per_mL:.0f}–"
                         f"{ref.analgesic_high_ng_per_mL:.0f} ng/mL")
        ax.axhspan(ref.anaesthesia_low_ng_per_mL, ref.anaesthesia_high_ng_per_mL,
                   color=PALETTE["purple"], alpha=0.15, lw=0,
                   label=f"anaesthetic, {ref.anaesthesia_low_ng_per_mL:.0f}–"
                         f"{ref.anaesthesia_high_ng_per_mL:.0f} ng/mL")
        ax.set_yscale("log")
        ax.set_ylim(1, 3000)
        ax.legend(loc="lower right", ncols=2, fontsize=8)
        title = ax.set_title("", loc="left")
        _finish(ax, None, None, "ketamine (ng/mL)")
        lo, = ax_occ.plot(r.t_min, r.occupancy, color=PALETTE["vermillion"])
        ax_occ.set_ylim(0, 1)
        _finish(ax_occ, None, "time (min)", "NMDA occupancy")

    for artist in (lp, le, lo, title):
        artist.set_animated(True)

    def update(dose_mg_per_kg: float, route: str, duration_min: float) -> bool:
        res = run(dose_mg_per_kg, route, duration_min)
        lp.set_ydata(res.plasma_ng_per_mL)
        le.set_ydata(res.effect_site_ng_per_mL)
        lo.set_ydata(res.occupancy)
        t_peak, c_peak = res.peak()
        title.set_text(f"Peak plasma {c_peak:.0f} ng/mL at {t_peak:.0f} min; peak occupancy "
                       f"{res.occupancy.max():.2f}")
        return False

    update(dose_mg_per_kg, route, duration_min)
    return fig, update


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


# --------------------------------------------------------------------------------------
# The model in one picture (landing page)
# --------------------------------------------------------------------------------------
LEVELS = (
    ("Molecule", "NMDA receptor block\n(trapping, Mg²⁺)", "Ch. 1"),
    ("Circuit", "interneurons silenced →\nglutamate surge", "Ch. 1"),
    ("Reward", "lateral habenula bursts\nblocked → reward restored", "Ch. 2"),
    ("Plasticity", "BDNF → TrkB → mTORC1 →\nnew spines (hours–days)", "Ch. 3"),
    ("Networks", "SN and DMN desegregate\nand disintegrate", "Ch. 4"),
    ("Self", "relaxed priors: minimal self (SN),\nbiographical self (DMN)", "Ch. 5"),
)


def model_overview() -> Figure:
    """The unified model of ketamine as a ladder of levels, from molecule to self."""
    with style():
        fig, ax = new_figure(figsize=(8.0, 5.6))
        ax.set_axis_off()
        ax.grid(False)
        ax.set_xlim(0, 10)
        ax.set_ylim(-0.6, len(LEVELS) + 0.2)
        colours = [PALETTE[c] for c in ("blue", "sky", "orange", "green", "purple",
                                        "vermillion")]
        for k, (level, what, chapter) in enumerate(LEVELS):
            y = k
            ax.add_patch(mpl.patches.FancyBboxPatch(
                (0.2, y), 2.3, 0.72, boxstyle="round,pad=0.05", fc=colours[k], ec="none",
                alpha=0.9))
            light = colours[k] in (PALETTE["sky"], PALETTE["orange"], PALETTE["purple"])
            ax.text(1.35, y + 0.36, level, ha="center", va="center",
                    color="black" if light else "white", fontweight="bold", fontsize=11)
            ax.text(2.8, y + 0.36, what, ha="left", va="center", fontsize=9.5)
            ax.text(5.65, y + 0.36, chapter, ha="left", va="center", fontsize=9,
                    color=PALETTE["grey"])
            if k < len(LEVELS) - 1:
                ax.annotate("", xy=(1.35, y + 1.0), xytext=(1.35, y + 0.78),
                            arrowprops={"arrowstyle": "-|>", "color": PALETTE["black"]})
        ax.add_patch(mpl.patches.FancyBboxPatch(
            (7.3, 0.0), 2.5, 5.72, boxstyle="round,pad=0.05", fc="#F2F2F2", ec=PALETTE["grey"]))
        ax.text(8.55, 4.9, "Outcomes", ha="center", fontweight="bold")
        ax.text(8.55, 3.95, "dissociative (SN) and\npsychedelic (DMN)\nstates; lasting "
                "change\nwith psychotherapy\n(Ch. 4–6)", ha="center", va="center", fontsize=9)
        ax.text(8.55, 1.9, "fast, transient\nantidepressant effect\n(reward and\nplasticity, "
                "Ch. 2–3)", ha="center", va="center", fontsize=9)
        for y_from, y_to in ((5.36, 4.1), (4.36, 3.8), (3.36, 2.1), (2.36, 1.8)):
            ax.annotate("", xy=(7.25, y_to), xytext=(6.3, y_from),
                        arrowprops={"arrowstyle": "-|>", "color": PALETTE["grey"], "lw": 1})
        ax.text(0.2, -0.45, "Dose and context enter at the bottom; Chapter 6 links all levels "
                "in one simulation.",
                fontsize=9, color=PALETTE["grey"])
        ax.set_title("One model of ketamine, from molecule to self", loc="left")
    return fig
