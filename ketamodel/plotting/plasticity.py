"""Figures of Chapter 3: the plasticity cascade, its time course, the window and its claims."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import pharmacology, plasticity
from ..units import hcl_salt_to_base_mg
from .style import CYCLE, LINESTYLES, PALETTE, _finish, new_figure, style

#: How each array of a course is named on an axis (with its unit).
AXIS_LABELS = {
    "occupancy": "NMDA occupancy\n(fraction)",
    "surge": "pyramidal firing\n(× no drug)",
    "eef2k_off": "eEF2 kinase off\n(fraction)",
    "norketamine_ng_per_mL": "norketamine\n(ng/mL)",
    "bdnf": "BDNF\n(× baseline)",
    "mtorc1": "mTORC1\n(× baseline)",
    "synaptic_protein": "synaptic protein\n(× baseline)",
    "spine_formation_per_day": "spine formation\n(1/day)",
    "spine_density": "spine density\n(× baseline)",
    "behaviour": "effect index\n(0-1)",
    "window": "window\n(× learning rate)",
}

#: The stages of the cascade drawn in :func:`cascade_time_course`, earliest first,
#: with their label and colour (as in :func:`plasticity_cascade`).
STAGE_LABELS = {
    "occupancy": ("NMDA occupancy", "orange"),
    "surge": ("glutamate surge", "vermillion"),
    "bdnf": ("BDNF", "sky"),
    "trkb": ("TrkB", "blue"),
    "mtorc1": ("mTORC1", "purple"),
    "synaptic_protein": ("synaptic protein", "green"),
    "spine_formation_per_day": ("spine formation", "black"),
    "spine_density": ("spine density", "grey"),
}


# --------------------------------------------------------------------------------------
# The cascade as a diagram
# --------------------------------------------------------------------------------------
def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, colour: str,
         dashed: bool = False) -> tuple[float, float, float, float]:
    ax.add_patch(mpl.patches.FancyBboxPatch(
        (x, y), w, h, boxstyle="round,pad=0.05", fc=colour, ec="none", alpha=0.2))
    ax.add_patch(mpl.patches.FancyBboxPatch(
        (x, y), w, h, boxstyle="round,pad=0.05", fc="none", ec=colour, lw=1.5,
        ls="--" if dashed else "-"))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8.5)
    return x, y, w, h


def _arrow(ax: Axes, a: tuple[float, ...], b: tuple[float, ...], colour: str,
           label: str = "", dashed: bool = False, head: str = "-|>") -> None:
    """An arrow from the edge of box ``a`` to the edge of box ``b``, labelled at its middle."""
    (xa, ya, wa, ha), (xb, yb, wb, hb) = a, b
    ca, cb = np.array([xa + wa / 2, ya + ha / 2]), np.array([xb + wb / 2, yb + hb / 2])
    u = (cb - ca) / np.hypot(*(cb - ca))

    def edge(w: float, h: float) -> float:
        return min((w / 2 + 0.07) / abs(u[0]) if u[0] else np.inf,
                   (h / 2 + 0.07) / abs(u[1]) if u[1] else np.inf)

    start, end = ca + u * edge(wa, ha), cb - u * edge(wb, hb)
    ax.annotate("", xy=tuple(end), xytext=tuple(start),
                arrowprops={"arrowstyle": head, "color": colour, "lw": 1.7,
                            "ls": "--" if dashed else "-"})
    if label:
        mid = (start + end) / 2
        ax.text(mid[0], mid[1] + 0.08, label, ha="center", va="bottom", fontsize=7.8,
                color=colour)


def plasticity_cascade(params: plasticity.PlasticityParams | None = None) -> Figure:
    """The chapter's cascade: three routes to BDNF, one chain to spines, with each stage's τ.

    The time constants written in the boxes are those of ``params`` (all
    *assumed*; see :mod:`ketamodel.plasticity.params`).
    """
    p = params or plasticity.PlasticityParams()
    lifetime_d = 1.0 / p.spine_turnover_per_day
    with style():
        fig, ax = new_figure(figsize=(9.4, 5.6))
        ax.set_axis_off()
        ax.grid(False)
        ax.set_xlim(0, 10.0)
        ax.set_ylim(0, 6.6)
        top, w, h = 4.3, 2.2, 1.15
        ket = _box(ax, 0.1, top, w, h, "ketamine\nblocks NMDA receptors\n(occupancy θ)",
                   PALETTE["orange"])
        surge = _box(ax, 2.6, top, w, h, "glutamate surge\n(interneurons disinhibited)\n"
                     f"AMPA activation, τ {p.tau_ampa_min:g} min", PALETTE["vermillion"])
        rest = _box(ax, 5.1, top, w, h, "block at rest\neEF2 kinase off\n"
                    f"τ {p.tau_eef2_min:g} min", PALETTE["blue"])
        hnk = _box(ax, 7.6, top, w, h, "hydroxynorketamine?\ncontested, off by default\n"
                   f"τ {p.tau_hnk_min:g} min", PALETTE["grey"], dashed=True)
        bdnf = _box(ax, 3.85, 2.6, w, 0.85,
                    f"BDNF released, translated\nτ {p.tau_bdnf_min:g} min", PALETTE["sky"])
        low, wb, hb = 0.75, 1.55, 1.15
        xs = [0.1 + k * 2.0 for k in range(5)]
        trkb = _box(ax, xs[0], low, wb, hb, f"TrkB\nτ {p.tau_trkb_h:g} h", PALETTE["sky"])
        mtor = _box(ax, xs[1], low, wb, hb, f"mTORC1\nτ {p.tau_mtorc1_h:g} h",
                    PALETTE["purple"])
        prot = _box(ax, xs[2], low, wb, hb, "synaptic proteins\n"
                    f"synthesis τ {p.tau_synthesis_h:g} h\nturnover τ {p.tau_protein_h:g} h",
                    PALETTE["green"])
        form = _box(ax, xs[3], low, wb, hb, f"new spines\nmature, τ {p.tau_formation_h:g} h",
                    PALETTE["black"])
        dens = _box(ax, xs[4], low, wb, hb,
                    f"spine density\nspine lifetime\n≈ {lifetime_d:.1f} days", PALETTE["black"])
        _arrow(ax, ket, surge, PALETTE["vermillion"])
        for (x0, x1, y, colour, ls) in (
                (1.3, rest[0] + w / 2, top + h + 0.3, PALETTE["blue"], "-"),
                (0.7, hnk[0] + w / 2, top + h + 0.65, PALETTE["grey"], "--")):
            ax.plot([x0, x0, x1], [top + h + 0.07, y, y], color=colour, lw=1.7, ls=ls)
            ax.annotate("", xy=(x1, top + h + 0.07), xytext=(x1, y + 0.01),
                        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.7, "ls": ls})
        ax.text(8.0, top + h + 0.72, "metabolised (norketamine as a stand-in)", fontsize=7.8,
                color=PALETTE["grey"], ha="center", va="bottom")
        for src, colour, dashed in ((surge, PALETTE["vermillion"], False),
                                    (rest, PALETTE["blue"], False), (hnk, PALETTE["grey"], True)):
            _arrow(ax, src, bdnf, colour, dashed=dashed)
        _arrow(ax, bdnf, trkb, PALETTE["sky"])
        _arrow(ax, trkb, mtor, PALETTE["purple"])
        _arrow(ax, mtor, prot, PALETTE["green"])
        _arrow(ax, prot, form, PALETTE["black"])
        _arrow(ax, form, dens, PALETTE["black"])
        ax.text(xs[3] - 0.22, low + hb + 0.12, "ablation cuts here", ha="center", va="bottom",
                fontsize=7.8, color=PALETTE["vermillion"])
        for box, text in ((mtor, "→ acute effect"), (prot, "→ plasticity window"),
                          (dens, "→ lasting effect")):
            ax.text(box[0] + wb / 2, low - 0.28, text, ha="center", va="top", fontsize=8.5,
                    color=PALETTE["green"], fontweight="bold")
        ax.set_title("Three routes to BDNF, one chain to spines: minutes → hours → days → weeks",
                     loc="left")
    return fig


# --------------------------------------------------------------------------------------
# Time courses
# --------------------------------------------------------------------------------------
def _log_time(ax: Axes, t_end_h: float) -> None:
    """A logarithmic time axis from 1 min to ``t_end_h``, ticked in minutes, hours, days, weeks."""
    every = ((1 / 60, "1 min"), (10 / 60, "10 min"), (1.0, "1 h"), (6.0, "6 h"),
             (24.0, "1 d"), (72.0, "3 d"), (168.0, "1 wk"), (336.0, "2 wk"), (1008.0, "6 wk"))
    ax.set_xscale("log")
    ax.set_xlim(1 / 60, t_end_h)
    ticks = [(t, s) for t, s in every if t <= t_end_h * 1.001]
    ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
    ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())


def _excess_share(course: plasticity.PlasticityCourse, name: str) -> np.ndarray:
    """A level's excess over baseline as a share of its own peak excess (0-1)."""
    y = getattr(course, name)
    excess = y - y[0]
    top = float(excess.max())
    return excess / top if top > 0 else excess


def cascade_time_course(course: plasticity.PlasticityCourse, *, threshold: float = 1.5,
                        title: str = "A wave down the cascade: each stage peaks later and "
                                     "lasts longer") -> Figure:
    """Every stage of one course on a log time axis, and the window with its open interval.

    Parameters
    ----------
    course : PlasticityCourse
        From :func:`~ketamodel.plasticity.dosing.simulate`.
    threshold : float
        The multiplier above which the window counts as open
        (:func:`~ketamodel.plasticity.window.window_interval`).
    title : str
    """
    opens, closes = plasticity.window_interval(course, threshold)
    t_peak = float(course.t_h[np.argmax(course.occupancy)])
    t = np.maximum(course.t_h, 1e-3)
    with style():
        fig, (ax, ax_w) = new_figure(2, 1, figsize=(8.8, 6.6), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 2]})
        for k, (name, (label, colour)) in enumerate(STAGE_LABELS.items()):
            ax.plot(t, _excess_share(course, name), color=PALETTE[colour],
                    ls=LINESTYLES[k % len(LINESTYLES)], label=label)
        ax.set_ylim(0, 1.08)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        _finish(ax, title, None, "excess over baseline\n(fraction of its own peak)")
        ax_w.plot(t, course.window, color=PALETTE["green"], label="window")
        ax_w.axhline(threshold, color=PALETTE["grey"], ls=":", lw=1.2,
                     label=f"open above {threshold:g}")
        if np.isfinite(opens):
            ax_w.axvspan(opens, closes, color=PALETTE["green"], alpha=0.12, lw=0,
                         label="open")
        for a in (ax, ax_w):
            a.axvline(t_peak, color=PALETTE["orange"], lw=1.2, ls="--")
        ax_w.text(t_peak * 1.08, course.params.window_max * 0.93, "drug peak", fontsize=8,
                  color=PALETTE["orange"], va="top")
        ax_w.set_ylim(0.9, course.params.window_max)
        ax_w.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        _log_time(ax_w, float(course.t_h[-1]))
        _finish(ax_w, None, "time since the start of the dose (log scale)",
                AXIS_LABELS["window"])
    return fig


def behaviour_arms(intact: plasticity.PlasticityCourse,
                   ablated: plasticity.PlasticityCourse) -> Figure:
    """The two arms of the behavioural read-out, with and without new spines, on a log axis.

    Parameters
    ----------
    intact, ablated : PlasticityCourse
        The same dose simulated without and with ``ablate_spine_formation``.
    """
    t = np.maximum(intact.t_h, 1e-3)
    with style():
        fig, (ax, ax_d) = new_figure(2, 1, figsize=(8.8, 6.0), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 2]})
        for k, (y, label) in enumerate((
                (intact.behaviour, "effect, intact"),
                (intact.behaviour_acute, "acute arm (mTORC1)"),
                (intact.behaviour_sustained, "lasting arm (extra spines)"),
                (ablated.behaviour, "effect, spine formation ablated"))):
            colour = (PALETTE["black"], PALETTE["purple"], PALETTE["green"],
                      PALETTE["vermillion"])[k]
            ax.plot(t, y, color=colour, ls=LINESTYLES[k], label=label,
                    lw=2.4 if k in (0, 3) else 1.6)
        ax.set_ylim(0, 1.0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        _finish(ax, "Ablation keeps the acute effect and removes the lasting one; the "
                "arms meet in a trough", None, AXIS_LABELS["behaviour"])
        ax_d.plot(t, intact.spine_density, color=PALETTE["black"], label="intact")
        ax_d.plot(t, ablated.spine_density, color=PALETTE["vermillion"], ls=LINESTYLES[3],
                  label="ablated")
        ax_d.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        _log_time(ax_d, float(intact.t_h[-1]))
        _finish(ax_d, None, "time since the start of the dose (log scale)",
                AXIS_LABELS["spine_density"])
    return fig


def window_sessions(course: plasticity.PlasticityCourse, sessions_h: Sequence[float], *,
                    threshold: float = 1.5, t_max_h: float = 240.0) -> Figure:
    """The window over the first days, with candidate therapy sessions and their multipliers.

    Parameters
    ----------
    course : PlasticityCourse
    sessions_h : sequence of float
        Times of the sessions, h since the start of the dose (within ``t_max_h``).
    threshold : float
        The multiplier above which the window counts as open.
    t_max_h : float
        End of the time axis, h.
    """
    w = plasticity.window_function(course)
    keep = course.t_h <= t_max_h
    s = np.asarray(sessions_h, dtype=float)
    with style():
        fig, ax = new_figure(figsize=(8.2, 3.8))
        ax.plot(course.t_h[keep] / 24.0, course.window[keep], color=PALETTE["green"],
                label="window")
        ax.axhline(threshold, color=PALETTE["grey"], ls=":", lw=1.2,
                   label=f"open above {threshold:g}")
        ax.plot(s / 24.0, w(s), "o", color=PALETTE["blue"], ms=8, label="session")
        for x, y in zip(s, w(s), strict=True):
            ax.annotate(f"×{y:.2f}", (x / 24.0, y), textcoords="offset points",
                        xytext=(0, 9), ha="center", fontsize=8.5, color=PALETTE["blue"])
        ax.set_xlim(0, t_max_h / 24.0)
        ax.set_ylim(0.9, course.params.window_max)
        ax.legend(loc="upper right", fontsize=8)
        _finish(ax, "A session on day 1 falls in the model's window; one during the "
                "infusion does not", "time since the start of the infusion (days)",
                AXIS_LABELS["window"])
    return fig


def compare_courses(courses: Mapping[str, plasticity.PlasticityCourse],
                    names: Sequence[str], *, title: str, log_time: bool = True,
                    t_max_h: float | None = None) -> Figure:
    """Several courses side by side, one panel per array (``names``), one line per course.

    Parameters
    ----------
    courses : dict
        Label → a :class:`~ketamodel.plasticity.course.PlasticityCourse`.
    names : sequence of str
        Keys of :data:`AXIS_LABELS`, one panel each.
    title : str
        What to see.
    log_time : bool
        A logarithmic time axis in hours (True) or a linear one in days.
    t_max_h : float, optional
        End of the time axis, h (default: the longest course).
    """
    end = t_max_h or max(float(c.t_h[-1]) for c in courses.values())
    with style():
        fig, axes = new_figure(len(names), 1, figsize=(8.8, 1.9 + 1.55 * len(names)),
                               sharex=True)
        axes = np.atleast_1d(axes)
        for ax, name in zip(axes, names, strict=True):
            for k, (label, c) in enumerate(courses.items()):
                x = np.maximum(c.t_h, 1e-3) if log_time else c.t_h / 24.0
                ax.plot(x, getattr(c, name), color=CYCLE[k % len(CYCLE)],
                        ls=LINESTYLES[k % len(LINESTYLES)], label=label)
            ax.set_ylabel(AXIS_LABELS[name])
        axes[0].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        if log_time:
            _log_time(axes[-1], end)
            xlabel = "time since the first dose (log scale)"
        else:
            axes[-1].set_xlim(0, end / 24.0)
            xlabel = "time since the first dose (days)"
        _finish(axes[0], title)
        _finish(axes[-1], None, xlabel)
    return fig


# --------------------------------------------------------------------------------------
# The order of the time scales
# --------------------------------------------------------------------------------------
_CLAIM_LABELS = {
    "acute_effect_within_hours": "acute effect\nwithin hours",
    "behaviour_before_spines": "behaviour\nbefore spines",
    "window_opens_after_drug_peak": "window opens\nafter drug peak",
    "window_lasts_days": "window\nlasts days",
    "density_outlasts_window": "spines outlast\nthe window",
    "ablation_keeps_acute_effect": "ablation keeps\nacute effect",
    "ablation_removes_sustained_effect": "ablation removes\nlasting effect",
    "repeats_extend_window": "repeats extend\nthe window",
    "density_returns_within_weeks": "spines back\nwithin weeks",
}


def ordering_table(rows: Sequence[plasticity.OrderingRow]) -> Figure:
    """Which claims hold (green) or fail (vermillion) for each variant of the time constants.

    Parameters
    ----------
    rows : sequence of OrderingRow
        From :func:`~ketamodel.plasticity.robustness.time_scale_orderings`.
    """
    claims = list(_CLAIM_LABELS)
    held = np.array([[getattr(r.conclusions, c) for c in claims] for r in rows], dtype=float)
    cmap = mpl.colors.ListedColormap([PALETTE["vermillion"], PALETTE["green"]])
    labels = [r.label for r in rows]
    with style():
        fig, ax = new_figure(figsize=(8.6, 2.6 + 0.26 * len(rows)))
        ax.imshow(held, cmap=cmap, vmin=0, vmax=1, aspect="auto", alpha=0.75)
        for i, j in zip(*np.nonzero(held == 0), strict=True):
            ax.text(j, i, "fails", ha="center", va="center", fontsize=7.5, color="white",
                    fontweight="bold")
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.set_xticks(range(len(claims)), [_CLAIM_LABELS[c].replace("\n", " ")
                                           for c in claims],
                      fontsize=8, rotation=35, ha="left", rotation_mode="anchor")
        ax.set_xticks(np.arange(-0.5, len(claims)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
        ax.grid(which="minor", color="white", lw=1.0, alpha=1.0)
        ax.grid(which="major", visible=False)
        ax.xaxis.tick_top()
        ax.tick_params(which="both", length=0)
        _finish(ax, "Every claim holds until the order of the time scales breaks")
    return fig


# --------------------------------------------------------------------------------------
# The explorer: dose and schedule → spines and window
# --------------------------------------------------------------------------------------
@lru_cache(maxsize=512)
def _explorer_levels(dose_salt_mg_per_kg: float, n_infusions: int, interval_h: float, *,
                     t_end_h: float = 1008.0) -> tuple[np.ndarray, ...]:
    """Window and density on an hourly grid, and the window's open time and end, h."""
    base = float(hcl_salt_to_base_mg(dose_salt_mg_per_kg))
    doses = pharmacology.repeated_infusions(n_infusions, interval_h, dose_mg_per_kg=base)
    c = plasticity.simulate(doses, t_end_h)
    grid = np.linspace(0.0, t_end_h, int(t_end_h) + 1)
    _, closes = plasticity.window_interval(c)
    return (np.interp(grid, c.t_h, c.window), np.interp(grid, c.t_h, c.spine_density),
            np.array([plasticity.open_hours(c), closes]))


def plasticity_explorer(n_infusions: int = 1, interval_h: int = 84,
                        dose_mg_per_kg: float = 0.5) -> tuple[Figure, Callable[..., bool]]:
    """Number of infusions, interval and dose → the window and spine density over six weeks.

    Returns the figure and ``update(n_infusions, interval_h, dose_mg_per_kg)`` for
    :func:`ketamodel.widgets.interactive_figure`. The dose is that of each
    40-min IV infusion as ketamine hydrochloride (converted to base), as the
    trials dose it; each schedule is simulated once
    (:func:`~ketamodel.plasticity.dosing.simulate`) and kept.
    """
    t_end_h = 1008.0
    days = np.linspace(0.0, t_end_h, int(t_end_h) + 1) / 24.0
    with style():
        fig, (ax_w, ax_d) = new_figure(2, 1, figsize=(8.2, 5.0), sharex=True)
        window, = ax_w.plot(days, np.ones_like(days), color=PALETTE["green"])
        ax_w.axhline(1.5, color=PALETTE["grey"], ls=":", lw=1.2, label="open above 1.5")
        marks, = ax_w.plot([], [], color=PALETTE["orange"], lw=2.5, label="infusion")
        ax_w.set_ylim(0.9, 3.0)
        ax_w.legend(loc="upper right", fontsize=8)
        _finish(ax_w, "1. Plasticity window", None, AXIS_LABELS["window"])
        density, = ax_d.plot(days, np.ones_like(days), color=PALETTE["black"])
        ax_d.set_xlim(0, days[-1])
        _finish(ax_d, "2. Spine density", "time since the first infusion (days)",
                AXIS_LABELS["spine_density"])
        title = fig.suptitle("", x=0.01, ha="left", fontweight="bold", fontsize=11)
    for artist in (window, marks, density, title):
        artist.set_animated(True)

    def update(n_infusions: int, interval_h: int, dose_mg_per_kg: float) -> bool:
        w, d, (open_h, closes_h) = _explorer_levels(float(dose_mg_per_kg), int(n_infusions),
                                                    float(interval_h))
        top = 2.0 if d.max() < 1.95 else 4.0          # a second scale only for the extremes
        rescale = bool(top != ax_d.get_ylim()[1])
        if rescale:
            ax_d.set_ylim(0.97, top)
        window.set_ydata(w)
        density.set_ydata(d)
        starts = np.arange(int(n_infusions)) * float(interval_h) / 24.0
        x = np.repeat(starts, 3)
        y = np.tile([0.9, 1.1, np.nan], starts.size)
        x[2::3] = np.nan
        marks.set_data(x, y)
        end = "never open" if not np.isfinite(closes_h) else (
            f"open {open_h / 24:.1f} d, shut on day {closes_h / 24:.1f}")
        schedule = (f"1 × {dose_mg_per_kg:g} mg/kg" if int(n_infusions) == 1 else
                    f"{int(n_infusions)} × {dose_mg_per_kg:g} mg/kg every "
                    f"{int(interval_h)} h")
        title.set_text(f"{schedule}: window {end}; spines +{100 * (d.max() - 1):.0f} %")
        return rescale

    update(n_infusions, interval_h, dose_mg_per_kg)
    return fig, update
