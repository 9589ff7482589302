"""Figures of Chapter 2: the reward circuit, habenular bursts, trapping block and the PRT."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .. import pharmacology, reward
from .style import CYCLE, LINESTYLES, PALETTE, _finish, new_figure, style


# --------------------------------------------------------------------------------------
# The circuit
# --------------------------------------------------------------------------------------
def reward_circuit() -> Figure:
    """The chapter's circuit: ketamine → LHb (NMDA, T-type, Kir4.1) → RMTg → VTA → reward."""
    boxes = {
        "astro": ((0.2, 3.3), "astrocyte\nKir4.1 ↑ in depression\n→ rest hyperpolarised",
                  PALETTE["grey"]),
        "lhb": ((3.55, 3.3), "lateral habenula (LHb)\nbursts need NMDA\nand T-type Ca²⁺ channels",
                PALETTE["vermillion"]),
        "rmtg": ((6.9, 3.3), "RMTg\nGABA neurons", PALETTE["purple"]),
        "vta": ((6.9, 0.6), "VTA dopamine\nresponse to reward\n(prediction error δ)",
                PALETTE["blue"]),
        "learn": ((3.55, 0.6), "reward learning\nρ scales the reward\n(PRT response bias)",
                  PALETTE["green"]),
        "ket": ((0.2, 0.6), "ketamine\nblocks (and is trapped in)\nNMDA channels",
                PALETTE["orange"]),
    }
    w, h = 2.5, 1.5
    with style():
        fig, ax = new_figure(figsize=(8.0, 4.2))
        ax.set_axis_off()
        ax.grid(False)
        ax.set_xlim(0, 9.6)
        ax.set_ylim(0, 5.2)
        centre = {}
        for key, ((x, y), text, colour) in boxes.items():
            ax.add_patch(mpl.patches.FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.06", fc=colour, ec="none", alpha=0.22))
            ax.add_patch(mpl.patches.FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.06", fc="none", ec=colour, lw=1.5))
            ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=8.8)
            centre[key] = (x + w / 2, y + h / 2)

        def arrow(a: str, b: str, label: str, colour: str, style_: str = "-|>",
                  offset: tuple[float, float] = (0.0, 0.12)) -> None:
            (xa, ya), (xb, yb) = centre[a], centre[b]
            dx, dy = xb - xa, yb - ya
            n = np.hypot(dx, dy)
            ux, uy = dx / n, dy / n
            pad_x, pad_y = w / 2 + 0.08, h / 2 + 0.08
            s = min(pad_x / abs(ux) if ux else np.inf, pad_y / abs(uy) if uy else np.inf)
            start = (xa + ux * s, ya + uy * s)
            end = (xb - ux * s, yb - uy * s)
            ax.annotate("", xy=end, xytext=start,
                        arrowprops={"arrowstyle": style_, "color": colour, "lw": 1.8})
            ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1],
                    label, ha="center", va="bottom", fontsize=8, color=colour)

        arrow("astro", "lhb", "K⁺ uptake", PALETTE["grey"])
        arrow("lhb", "rmtg", "Glu", PALETTE["vermillion"])
        arrow("rmtg", "vta", "inhibits", PALETTE["purple"], "-[",
              offset=(0.55, -0.1))
        arrow("vta", "learn", "dopamine", PALETTE["blue"])
        arrow("ket", "lhb", "blocks bursts", PALETTE["orange"], "-[", offset=(-0.45, -0.1))
        ax.set_title("Habenular bursts shrink dopamine's response to reward; ketamine "
                     "blocks the bursts", loc="left")
    return fig


# --------------------------------------------------------------------------------------
# Bursts
# --------------------------------------------------------------------------------------
def burst_requirements(params: reward.HabenulaParams | None = None,
                       dopamine: reward.DopamineParams | None = None) -> Figure:
    """Burst fraction and the gain of dopamine's reward response against NMDA block."""
    hp = params or reward.HabenulaParams()
    block = np.linspace(0.0, 1.0, 201)
    cases = [
        (f"depressed rest, {hp.v_rest_depressed_mV:g} mV", hp.v_rest_depressed_mV, 0.0),
        ("depressed rest, half the T-channels blocked", hp.v_rest_depressed_mV, 0.5),
        (f"healthy rest, {hp.v_rest_healthy_mV:g} mV", hp.v_rest_healthy_mV, 0.0),
    ]
    with style():
        fig, (ax, ax_g) = new_figure(1, 2, figsize=(8.6, 3.6))
        for k, (label, v, tb) in enumerate(cases):
            fb = reward.burst_fraction(block, v, t_block=tb, params=hp)
            ax.plot(block, fb, color=CYCLE[k], ls=LINESTYLES[k], label=label)
            ax_g.plot(block, reward.rpe_gain(fb, params=dopamine), color=CYCLE[k],
                      ls=LINESTYLES[k])
        ax.legend(loc="upper right", fontsize=8)
        _finish(ax, "(a) Bursting", "NMDA block of LHb neurons",
                "fraction of LHb cells bursting")
        ax_g.set_ylim(0, 1.05)
        _finish(ax_g, "(b) Dopamine's response to reward", "NMDA block of LHb neurons",
                "gain g")
        fig.suptitle("Bursts need NMDA drive and available T-channels; fewer bursts leave "
                     "dopamine a fuller response", x=0.01, ha="left", fontweight="bold",
                     fontsize=11)
    return fig


# --------------------------------------------------------------------------------------
# Trapping block in the habenula
# --------------------------------------------------------------------------------------
def habenula_block_courses(courses: Mapping[str, reward.HabenulaBlock | reward.ScheduledBlock],
                           *,
                           conc: tuple[np.ndarray, np.ndarray] | None = None,
                           title: str = "NMDA block of LHb neurons",
                           log_time: bool = False) -> Figure:
    """Block of LHb neurons over time, one line per case, over the drug level (µM) if given.

    Parameters
    ----------
    courses : dict
        Label → a :class:`~ketamodel.reward.block.HabenulaBlock` or
        :class:`~ketamodel.reward.block.ScheduledBlock`.
    conc : tuple, optional
        ``(t_h, conc_uM)``: the concentration that drove them, drawn on a second axis.
    title : str
    log_time : bool
        A logarithmic time axis (from the first positive time).
    """
    with style():
        fig, ax = new_figure(figsize=(7.4, 3.8))
        if conc is not None:
            ax_c = ax.twinx()
            ax_c.fill_between(conc[0], conc[1], color=PALETTE["grey"], alpha=0.18, lw=0)
            ax_c.set_ylabel("drug at the receptor (µM), shaded", color=PALETTE["grey"])
            ax_c.set_ylim(0, 1.15 * float(np.max(conc[1])) or 1.0)
            ax_c.grid(False)
            ax.set_zorder(ax_c.get_zorder() + 1)
            ax.patch.set_visible(False)
        for k, (label, res) in enumerate(courses.items()):
            ax.plot(res.t_h, res.block, color=CYCLE[k % len(CYCLE)],
                    ls=LINESTYLES[k % len(LINESTYLES)], label=label)
        if log_time:
            ax.set_xscale("log")
            first = min(float(r.t_h[1]) for r in courses.values())
            ax.set_xlim(first, max(float(r.t_h[-1]) for r in courses.values()))
        ax.set_ylim(0, None)
        ax.legend(loc="upper right", fontsize=8)
        _finish(ax, title, "time since the dose (h)", "fraction of NMDA channels blocked")
    return fig


# --------------------------------------------------------------------------------------
# The PRT and the agent
# --------------------------------------------------------------------------------------
def rho_or_epsilon(comparison: reward.BiasComparison) -> Figure:
    """Response bias per block: reference agents, low ρ and a low ε matched on the last block.

    Parameters
    ----------
    comparison : BiasComparison
        From :func:`~ketamodel.reward.agent.low_rho_or_low_epsilon`.
    """
    c = comparison
    blocks = c.block + 1
    with style():
        fig, ax = new_figure(figsize=(6.6, 3.8))
        for k, (label, y) in enumerate((
                ("reference agents", c.reference),
                (f"low reward sensitivity, ρ = {c.rho_low:g}", c.low_rho),
                (f"low learning rate, ε = {c.epsilon_matched:.3f}", c.low_epsilon))):
            ax.plot(blocks, y, "o", color=CYCLE[k], ls=LINESTYLES[k], label=label, ms=6)
        ax.axhline(0.0, color=PALETTE["grey"], lw=0.8)
        ax.set_xticks(blocks)
        ax.legend(loc="upper left", fontsize=8)
        _finish(ax, "Same final bias, different paths: low ρ is flat, low ε climbs",
                "block of 100 trials", "response bias, log b")
    return fig


def _plain_log_ticks(ax: mpl.axes.Axes, x: bool = True) -> None:
    """Tick labels of logarithmic axes as plain numbers (0.01, 2, 10), not powers of ten."""
    fmt = mpl.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    for axis in ((ax.xaxis, ax.yaxis) if x else (ax.yaxis,)):
        axis.set_major_formatter(fmt)
        axis.set_minor_formatter(mpl.ticker.NullFormatter())


def likelihood_surfaces(surfaces: Mapping[str, reward.LikelihoodSurface],
                        true: Mapping[str, reward.AgentParams]) -> Figure:
    """One panel per participant: the likelihood over ρ and ε, its best point and the truth.

    Parameters
    ----------
    surfaces : dict
        Label → a :class:`~ketamodel.reward.fit.LikelihoodSurface` of one participant.
    true : dict
        Label → the parameters that made that participant's choices.
    """
    with style():
        fig, axes = new_figure(1, len(surfaces), figsize=(4.2 * len(surfaces), 3.9))
        axes = np.atleast_1d(axes)
        for ax, (label, surf) in zip(axes, surfaces.items(), strict=True):
            delta = surf.nll[0] - surf.nll[0].min()
            levels = [0, 1, 2, 4, 8, 16, 32]
            cs = ax.contourf(surf.epsilon, surf.rho, delta, levels=levels, cmap="viridis_r",
                             extend="max")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.plot(surf.best_epsilon[0], surf.best_rho[0], "o", color=PALETTE["vermillion"],
                    ms=8, label="best fit")
            t = true[label]
            ax.plot(t.epsilon, t.rho, "*", color="white", mec="black", ms=13, label="truth")
            ax.legend(loc="upper right", fontsize=8, frameon=True, framealpha=0.9)
            _plain_log_ticks(ax)
            ax.grid(False)
            _finish(ax, label, "learning rate ε", "reward sensitivity ρ")
        fig.colorbar(cs, ax=axes.tolist(), label="−log likelihood above the best")
        fig.suptitle("Each participant's likelihood over ρ and ε: low ρ and low ε sit apart",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


def recovery(results: Mapping[str, reward.LikelihoodSurface],
             true: Mapping[str, reward.AgentParams]) -> Figure:
    """Estimated ρ and ε of simulated participants, one column per group, against the truth.

    Parameters
    ----------
    results : dict
        Label → a :class:`~ketamodel.reward.fit.LikelihoodSurface` of a group
        (:func:`~ketamodel.reward.fit.recover`).
    true : dict
        Label → the generating parameters of that group.
    """
    labels = list(results)
    rng = np.random.default_rng(0)
    with style():
        fig, (ax_r, ax_e) = new_figure(1, 2, figsize=(9.0, 3.9))
        for k, label in enumerate(labels):
            res, t = results[label], true[label]
            jitter = k + 0.12 * rng.standard_normal(res.best_rho.size)
            colour = CYCLE[k % len(CYCLE)]
            ax_r.plot(jitter, res.best_rho, "o", color=colour, alpha=0.7, ms=5)
            ax_r.plot([k - 0.35, k + 0.35], [t.rho] * 2, color=PALETTE["black"], lw=2)
            ax_e.plot(jitter, res.best_epsilon, "o", color=colour, alpha=0.7, ms=5)
            ax_e.plot([k - 0.35, k + 0.35], [t.epsilon] * 2, color=PALETTE["black"], lw=2)
        for ax in (ax_r, ax_e):
            ax.set_yscale("log")
            _plain_log_ticks(ax, x=False)
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels, fontsize=8)
            ax.grid(axis="x", visible=False)
        _finish(ax_r, "(a) Estimated ρ (black: truth)", None, "reward sensitivity ρ")
        _finish(ax_e, "(b) Estimated ε (black: truth)", None, "learning rate ε")
        fig.suptitle("One session separates the groups on average; single estimates scatter",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


# --------------------------------------------------------------------------------------
# Ketamine's acute effect
# --------------------------------------------------------------------------------------
def reward_time_course(course: reward.RewardCourse, groups: reward.AgentGroups) -> Figure:
    """Block, bursts and ρ of a depressed LHb over hours after a dose, against healthy ρ."""
    with style():
        fig, (ax, ax_r) = new_figure(2, 1, figsize=(7.4, 5.0), sharex=True)
        ax.plot(course.t_h, course.block, color=PALETTE["orange"], label="NMDA block")
        ax.plot(course.t_h, course.burst_fraction, color=PALETTE["vermillion"], ls="--",
                label="fraction bursting")
        ax.set_ylim(0, None)
        ax.legend(loc="upper right", fontsize=8)
        _finish(ax, "Block halves the bursts at its peak; ρ follows the block", None,
                "fraction")
        ax_r.plot(course.t_h, course.rho, color=PALETTE["blue"], label="depressed, with ketamine")
        ax_r.axhline(groups.healthy.rho, color=PALETTE["green"], ls=":",
                     label=f"healthy, ρ = {groups.healthy.rho:.2f}")
        ax_r.axhline(groups.depressed.rho, color=PALETTE["grey"], ls="-.",
                     label=f"depressed, no drug, ρ = {groups.depressed.rho:.2f}")
        ax_r.set_ylim(0, 1.1 * groups.healthy.rho)
        ax_r.legend(loc="lower right", fontsize=8)
        _finish(ax_r, None, "time since the start of the infusion (h)", "reward sensitivity ρ")
    return fig


_EXPLORER_T_END_H = 24.0
_EXPLORER_AGENTS = 150


@lru_cache(maxsize=1)
def _explorer_course() -> reward.RewardCourse:
    """The depressed LHb's course after the standard infusion (drawn once per process)."""
    return reward.ketamine_reward(pharmacology.standard_infusion(), _EXPLORER_T_END_H)


#: Reward sensitivities at which the explorer's PRT panel is simulated (then interpolated).
_EXPLORER_RHO = np.round(np.arange(0.0, 5.51, 0.1), 2)


@lru_cache(maxsize=1)
def _explorer_bias() -> np.ndarray:
    """Mean response bias per block at each of :data:`_EXPLORER_RHO` (one vectorised run)."""
    return reward.bias_by_rho(_EXPLORER_RHO, n_agents=_EXPLORER_AGENTS, seed=7)


def _bias_at(rho: float) -> np.ndarray:
    table = _explorer_bias()
    return np.array([np.interp(rho, _EXPLORER_RHO, table[:, k]) for k in range(table.shape[1])])


def reward_explorer(t_after_h: float = 1.0, coupling: float = 1.0,
                    v_rest_mV: float = -72.0) -> tuple[Figure, Callable[..., bool]]:
    """Time since the infusion → NMDA block → bursts → ρ → PRT response bias, with controls.

    Returns the figure and ``update(t_after_h, coupling, v_rest_mV)`` for
    :func:`ketamodel.widgets.interactive_figure`. The block is that of the
    depressed default LHb after the standard infusion
    (:func:`~ketamodel.reward.ketamine.ketamine_reward`, 24 h, computed once);
    the resting potential then sets the bursts at that block, and ``coupling``
    (κ, *assumed*) how strongly the reward gain sets ρ. The PRT panel shows the
    mean response bias of 150 simulated agents per group, interpolated in ρ
    from :func:`~ketamodel.reward.agent.bias_by_rho` (the same random numbers
    at every ρ, so only the model moves it).
    """
    course = _explorer_course()
    hp = reward.HabenulaParams()
    block_axis = np.linspace(0.0, 1.0, 101)
    blocks = np.arange(1, 4)
    with style():
        fig, axes = new_figure(2, 2, figsize=(8.6, 6.0))
        (ax_t, ax_b), (ax_r, ax_p) = axes
        ax_t.plot(course.t_h, course.block, color=PALETTE["orange"])
        ax_t.set_ylim(0, 0.6)
        ax_t.set_xlim(0, _EXPLORER_T_END_H)
        v_line = ax_t.axvline(t_after_h, color=PALETTE["black"], lw=1)
        _finish(ax_t, "1. NMDA block after 0.5 mg/kg", "time since the start (h)",
                "fraction blocked")
        curve, = ax_b.plot(block_axis, block_axis, color=PALETTE["vermillion"])
        point, = ax_b.plot([0.0], [0.0], "o", color=PALETTE["black"], ms=7)
        ax_b.set_ylim(0, 0.6)
        _finish(ax_b, "2. Bursts at that block", "NMDA block", "fraction bursting")
        rho_line, = ax_r.plot(course.t_h, course.rho, color=PALETTE["blue"],
                              label="depressed, ketamine")
        healthy_line = ax_r.axhline(0, color=PALETTE["green"], ls=":", label="healthy")
        depressed_line = ax_r.axhline(0, color=PALETTE["grey"], ls="-.",
                                      label="depressed, no drug")
        rho_point, = ax_r.plot([0.0], [0.0], "o", color=PALETTE["black"], ms=7)
        ax_r.set_ylim(0, 5.5)
        ax_r.set_xlim(0, _EXPLORER_T_END_H)
        ax_r.legend(loc="upper right", fontsize=7.5)
        _finish(ax_r, "3. Reward sensitivity ρ", "time since the start (h)", "ρ")
        lines = [ax_p.plot(blocks, np.zeros(3), "o", color=colour, ls=ls, label=label)[0]
                 for colour, ls, label in ((PALETTE["green"], ":", "healthy"),
                                           (PALETTE["grey"], "-.", "depressed, no drug"),
                                           (PALETTE["blue"], "-", "depressed, ketamine"))]
        ax_p.axhline(0.0, color=PALETTE["grey"], lw=0.8)
        ax_p.set_xticks(blocks)
        ax_p.set_ylim(-0.1, 0.6)
        ax_p.legend(loc="upper left", fontsize=7.5)
        _finish(ax_p, "4. PRT response bias", "block of 100 trials", "log b")
        title = fig.suptitle("", x=0.01, ha="left", fontweight="bold", fontsize=11)
    for artist in (v_line, curve, point, rho_line, healthy_line, depressed_line, rho_point,
                   *lines, title):
        artist.set_animated(True)

    def update(t_after_h: float, coupling: float, v_rest_mV: float) -> bool:
        link = reward.RewardLinkParams(coupling=coupling)
        b = float(np.interp(t_after_h, course.t_h, course.block))
        fb_curve = reward.burst_fraction(block_axis, v_rest_mV, params=hp)
        curve.set_ydata(fb_curve)
        fb = float(reward.burst_fraction(b, v_rest_mV, params=hp))
        point.set_data([b], [fb])
        v_line.set_xdata([t_after_h, t_after_h])
        rho_course = reward.rho_from_block(course.block, v_rest_mV, habenula=hp, link=link)
        rho_line.set_ydata(rho_course)

        rho_h, rho_d = (float(reward.rho_from_block(0.0, v, habenula=hp, link=link))
                        for v in (hp.v_rest_healthy_mV, v_rest_mV))
        rho_k = float(np.interp(t_after_h, course.t_h, rho_course))
        healthy_line.set_ydata([rho_h, rho_h])
        depressed_line.set_ydata([rho_d, rho_d])
        rho_point.set_data([t_after_h], [rho_k])
        for line, rho in zip(lines, (rho_h, rho_d, rho_k), strict=True):
            line.set_ydata(_bias_at(rho))
        title.set_text(f"{t_after_h:g} h after the start: block {b:.2f}, bursting {fb:.2f}, "
                       f"ρ {rho_k:.2f} (healthy {rho_h:.2f})")
        return False

    update(t_after_h, coupling, v_rest_mV)
    return fig, update
