"""Figures of Chapter 1's pharmacology: concentrations, routes, Mg²⁺ block, trapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import pharmacology
from ..units import KETAMINE_G_PER_MOL
from .style import LINESTYLES, PALETTE, _finish, _time_axis, new_figure, style


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


def trapping(results: Mapping[str, pharmacology.TrappingResult], *, title: str | None = None,
             equilibrium: float | None = None) -> Figure:
    """Fraction of channels blocked over time, one line per protocol.

    ``equilibrium``, if given, draws the equilibrium block (the same for every
    protocol at one concentration) as a dotted line.
    """
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.6))
        for k, (label, r) in enumerate(results.items()):
            ax.plot(r.t_s, r.blocked_fraction, linestyle=LINESTYLES[k % len(LINESTYLES)],
                    label=label)
        if equilibrium is not None:
            ax.axhline(equilibrium, color=PALETTE["grey"], lw=1.2, ls=":",
                       label=f"equilibrium, {equilibrium:.2f}")
        ax.set_ylim(0, 1)
        ax.legend()
        _finish(ax, title or "Block is reached faster when the channel opens more often",
                "time (s)", "fraction of channels blocked")
    return fig


def occupancy_assumptions(conc_uM: float, *, ic50_factors: Sequence[float] | None = None,
                          free_fractions: Sequence[float] = (1.0, 0.53),
                          brain_to_plasma: Sequence[float] = (1.0, 2.0),
                          title: str | None = None) -> Figure:
    """Occupancy at one concentration as the assumptions behind it change.

    One line per (free fraction, brain-to-plasma ratio) pair, against a factor
    on the IC50 (logarithmic axis), with the model's own assumptions marked.
    """
    factors = np.geomspace(1.0, 10.0, 61) if ic50_factors is None else np.asarray(ic50_factors)
    base = float(pharmacology.occupancy(conc_uM))
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.6))
        k = 0
        for lam in brain_to_plasma:
            for fu in free_fractions:
                occ = [float(pharmacology.occupancy_under(conc_uM, free_fraction=fu,
                                                          ic50_factor=m, brain_to_plasma=lam))
                       for m in factors]
                ax.plot(factors, occ, linestyle=LINESTYLES[k % len(LINESTYLES)],
                        label=f"unbound fraction {fu:g}, brain/plasma {lam:g}")
                k += 1
        ax.plot([1.0], [base], "o", color=PALETTE["black"], label=f"this model, {base:.2f}")
        ax.set_xscale("log")
        ax.set_xticks([1, 2, 3, 5, 10], labels=["1", "2", "3", "5", "10"])
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
        _finish(ax, title or "Occupancy at the same concentration spans a several-fold range",
                "factor on the IC50 (e.g. Mg²⁺ competition), assumed", "NMDA occupancy")
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

