"""Figures of Chapter 4: FC matrices, network graphs, measures, the dose × context map."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from .. import networks as nw
from .style import PALETTE, _finish, new_figure, style

#: One colour per network, in ``NETWORKS`` order (Okabe–Ito).
NETWORK_COLOURS = dict(zip(nw.NETWORKS, (
    PALETTE["purple"], PALETTE["sky"], PALETTE["green"], PALETTE["vermillion"],
    PALETTE["yellow"], PALETTE["orange"], PALETTE["blue"]), strict=True))
SHORT = {"Vis": "Vis", "SomMot": "SMot", "DorsAttn": "DAN", "SalVentAttn": "SN",
         "Limbic": "Limb", "Cont": "FPN", "Default": "DMN"}
STATE_COLOURS = (PALETTE["grey"], PALETTE["vermillion"], PALETTE["blue"])
FC_CMAP = "viridis"


def _order(brain: nw.Atlas) -> np.ndarray:
    """Parcels grouped by network (both hemispheres together), for display."""
    return np.argsort(brain.network, kind="stable")


def _matrix(ax: Axes, m: np.ndarray, brain: nw.Atlas, *, vmin: float, vmax: float,
            cmap: str = FC_CMAP, labels: bool = True):
    order = _order(brain)
    shown = m[np.ix_(order, order)].copy()
    image = ax.imshow(shown, vmin=vmin, vmax=vmax, cmap=cmap, interpolation="nearest")
    counts = np.bincount(brain.network, minlength=len(nw.NETWORKS))
    edges = np.cumsum(counts)[:-1] - 0.5
    for e in edges:
        ax.axhline(e, color="white", lw=0.6)
        ax.axvline(e, color="white", lw=0.6)
    centres = np.cumsum(counts) - counts / 2 - 0.5
    ax.set_xticks(centres, [SHORT[k] for k in nw.NETWORKS] if labels else [], fontsize=7,
                  rotation=90)
    ax.set_yticks(centres, [SHORT[k] for k in nw.NETWORKS] if labels else [], fontsize=7)
    ax.tick_params(length=0)
    ax.grid(False)
    return image


def toy_examples(fractions: Sequence[float] = (0.0, 0.3, 0.6)) -> Figure:
    """The toy graph as weight moves from within to between modules, with its measures."""
    w0, labels = nw.modular_graph()
    n = len(fractions)
    with style():
        fig, axes = new_figure(2, n, figsize=(3.0 * n, 5.6))
        pos = nx.circular_layout(nx.complete_graph(len(labels)))
        colours = [NETWORK_COLOURS[nw.NETWORKS[i]] for i in (0, 3, 6)]
        for j, f in enumerate(fractions):
            w = nw.mix(w0, labels, f)
            fc_like = w + np.eye(len(labels))
            im = axes[0, j].imshow(w, vmin=0, vmax=0.7, cmap=FC_CMAP)
            axes[0, j].set_xticks([])
            axes[0, j].set_yticks([])
            axes[0, j].grid(False)
            seg = nw.system_segregation(fc_like, labels)
            q = nw.modularity(w, labels)
            e = nw.global_efficiency(w)
            p = nw.participation_coefficient(w, labels).mean()
            axes[0, j].set_title(f"{f:.0%} moved\nSS {seg:.2f}, Q {q:.2f}\nE {e:.2f}, "
                                 f"P {p:.2f}", loc="left", fontsize=9)
            g = nx.from_numpy_array(w)
            widths = [3.0 * d["weight"] for _, _, d in g.edges(data=True)]
            nx.draw_networkx(g, pos=pos, ax=axes[1, j], width=widths, with_labels=False,
                             node_size=120, node_color=[colours[c] for c in labels],
                             edge_color=PALETTE["grey"])
            axes[1, j].set_axis_off()
        fig.colorbar(im, ax=axes[0, :], shrink=0.8, label="weight")
        fig.suptitle("Moving weight out of the modules lowers segregation and modularity",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


def baseline_comparison(base: nw.Baseline, validation: np.ndarray) -> Figure:
    """Discovery FC, the fitted model, the validation FC, and how model and validation agree."""
    brain = base.atlas
    ag = nw.agreement(base.fc, validation, brain)
    with style():
        fig = new_figure(figsize=(10.0, 6.6))[0]
        fig.clear()
        grid = fig.add_gridspec(2, 3)
        mats = (("A. Discovery group (fitted to)", base.target),
                ("B. Model at baseline", base.fc),
                ("C. Validation group (held out)", validation))
        for j, (title, m) in enumerate(mats):
            ax = fig.add_subplot(grid[0, j])
            im = _matrix(ax, m, brain, vmin=-0.1, vmax=0.8)
            ax.set_title(title, loc="left", fontsize=10)
        fig.colorbar(im, ax=fig.axes[:3], shrink=0.8, label="FC (Pearson r)")
        ax = fig.add_subplot(grid[1, 0])
        iu = np.triu_indices(brain.n_parcels, 1)
        ax.scatter(validation[iu], base.fc[iu], s=2, alpha=0.3, color=PALETTE["blue"],
                   rasterized=True)
        ax.plot([-0.1, 1], [-0.1, 1], color=PALETTE["grey"], ls=":")
        _finish(ax, f"D. Edge by edge: r = {ag.r:.2f}", "validation FC", "model FC")
        ax = fig.add_subplot(grid[1, 1:])
        x = np.arange(len(nw.NETWORKS))
        for key, colour, dx in (("within", PALETTE["blue"], -0.3),
                                ("between", PALETTE["orange"], 0.1)):
            model = [getattr(ag, f"{key}_model")[n] for n in nw.NETWORKS]
            emp = [getattr(ag, f"{key}_empirical")[n] for n in nw.NETWORKS]
            ax.bar(x + dx, model, 0.2, color=colour, label=f"{key}, model")
            ax.bar(x + dx + 0.2, emp, 0.2, color=colour, alpha=0.45, hatch="//",
                   label=f"{key}, validation")
        ax.set_xticks(x, [SHORT[k] for k in nw.NETWORKS])
        ax.legend(fontsize=8, ncols=2, loc="upper right")
        _finish(ax, f"E. Mean FC within and between networks (block r = {ag.block_r:.3f})",
                None, "mean FC (r)")
        ax.set_ylim(0, 0.85)
        fig.suptitle("A coupling fitted to one group reproduces the other group's networks",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


def timeseries_check(t_s: np.ndarray, x: np.ndarray, analytic_fc: np.ndarray,
                     labels: Sequence[str], *, shown_s: float = 200.0) -> Figure:
    """A sample path of a few nodes (its first ``shown_s``), and its FC against the Lyapunov FC.

    The sample FC is computed from the whole run.
    """
    sample = np.corrcoef(x.T)
    iu = np.triu_indices(x.shape[1], 1)
    part = t_s <= shown_s
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.0, 3.4), width_ratios=(2, 1))
        shown = min(x.shape[1], 4)
        for i in range(shown):
            a.plot(t_s[part], x[part, i] + 4 * i, lw=0.8, label=labels[i])
        a.set_yticks([])
        a.legend(fontsize=8, loc="upper right", ncols=shown)
        _finish(a, f"A. Activity of four nodes, first {shown_s:g} s (offset)", "time (s)",
                "activity (a.u.)")
        b.scatter(analytic_fc[iu], sample[iu], s=12, color=PALETTE["blue"])
        lo = min(analytic_fc[iu].min(), sample[iu].min()) - 0.05
        b.plot([lo, 1], [lo, 1], color=PALETTE["grey"], ls=":")
        err = np.abs(sample[iu] - analytic_fc[iu]).max()
        _finish(b, f"B. Whole run: largest difference {err:.3f}",
                "FC from the Lyapunov equation", "FC of the sample path")
        fig.suptitle("A simulated run agrees with the analytic FC", x=0.01, ha="left",
                     fontweight="bold", fontsize=11)
    return fig


def _pct(x: float) -> str:
    """A signed percentage without a negative zero."""
    return f"{round(100 * x) + 0:+d} %"


def _network_graph(ax: Axes, state: nw.NetworkState) -> None:
    """The seven networks as nodes (size: within FC) joined by their mean between FC."""
    block = state.measures.block.block
    g = nx.Graph()
    angle = np.linspace(0, 2 * np.pi, len(nw.NETWORKS), endpoint=False) + np.pi / 2
    pos = {k: (np.cos(a), np.sin(a)) for k, a in zip(nw.NETWORKS, angle, strict=True)}
    for i, a in enumerate(nw.NETWORKS):
        g.add_node(a)
        for j in range(i + 1, len(nw.NETWORKS)):
            g.add_edge(a, nw.NETWORKS[j], weight=block[i, j])
    widths = [max(0.0, 12 * (d["weight"] - 0.15)) for _, _, d in g.edges(data=True)]
    sizes = [2400 * max(block[i, i], 0.02) for i in range(len(nw.NETWORKS))]
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, edge_color=PALETTE["grey"])
    nx.draw_networkx_nodes(g, pos, ax=ax, node_size=sizes,
                           node_color=[NETWORK_COLOURS[k] for k in nw.NETWORKS])
    nx.draw_networkx_labels(g, pos, ax=ax, labels=SHORT, font_size=8)
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.set_axis_off()


def network_states(states: Mapping[str, nw.NetworkState]) -> Figure:
    """For each state: FC, its change from baseline, and the network-level graph."""
    names = list(states)
    ref = nw.simulate(0.0)
    with style():
        fig, axes = new_figure(3, len(names), figsize=(3.3 * len(names), 9.6))
        axes = np.atleast_2d(axes).reshape(3, len(names))
        for j, name in enumerate(names):
            s = states[name]
            im_fc = _matrix(axes[0, j], s.fc, s.atlas, vmin=-0.1, vmax=0.8)
            axes[0, j].set_title(f"{name}\noccupancy {s.occupancy:.2f}, {s.context_name}",
                                 loc="left", fontsize=9)
            im_d = _matrix(axes[1, j], s.fc - ref.fc, s.atlas, vmin=-0.3, vmax=0.3,
                           cmap="PuOr_r")
            dis = s.disintegration
            axes[1, j].set_title(f"within-network FC: SN {_pct(-dis['SalVentAttn'])},\n"
                                 f"DMN {_pct(-dis['Default'])}", loc="left", fontsize=9)
            _network_graph(axes[2, j], s)
            axes[2, j].set_title(s.state, loc="left", fontsize=9)
        fig.colorbar(im_fc, ax=axes[0, :], shrink=0.8, label="FC (r)")
        fig.colorbar(im_d, ax=axes[1, :], shrink=0.8, label="FC − baseline")
        fig.suptitle("Disrupting SN or DMN dissolves its own block of the FC matrix",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


def state_measures(states: Mapping[str, nw.NetworkState]) -> Figure:
    """Within and between FC of SN and DMN, and the global measures, for each state."""
    names = list(states)
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(10.0, 3.8))
        x = np.arange(len(names))
        bars = (("SN within", "SalVentAttn", "within", PALETTE["vermillion"], ""),
                ("SN between", "SalVentAttn", "between", PALETTE["vermillion"], "//"),
                ("DMN within", "Default", "within", PALETTE["blue"], ""),
                ("DMN between", "Default", "between", PALETTE["blue"], "//"))
        for k, (label, net, kind, colour, hatch) in enumerate(bars):
            values = [getattr(states[n].measures.block, kind)[net] for n in names]
            a.bar(x + (k - 1.5) * 0.2, values, 0.2, color=colour, hatch=hatch,
                  alpha=1.0 if not hatch else 0.55, label=label)
        a.set_xticks(x, names, fontsize=8)
        a.legend(fontsize=8, ncols=2)
        _finish(a, "A. Mean FC of SN and DMN", None, "mean FC (r)")
        rows = (("system segregation", lambda m: m.segregation),
                ("modularity × 5", lambda m: 5 * m.modularity),
                ("global efficiency", lambda m: m.efficiency),
                ("participation (SN)", lambda m: m.participation["SalVentAttn"]))
        for k, (label, f) in enumerate(rows):
            b.bar(x + (k - 1.5) * 0.2, [f(states[n].measures) for n in names], 0.2,
                  label=label, color=(PALETTE["black"], PALETTE["green"], PALETTE["orange"],
                                      PALETTE["purple"])[k])
        b.set_xticks(x, names, fontsize=8)
        b.legend(fontsize=8, ncols=2, loc="upper right")
        b.set_ylim(0, 1.15)
        _finish(b, "B. Whole-brain measures", None, "value")
        fig.suptitle("Segregation falls in both disrupted states; under the default rule, "
                     "without GSR, between-network FC falls too", x=0.01, ha="left",
                     fontweight="bold", fontsize=11)
    return fig


def dose_context(grid: nw.DoseContextMap, *, marks: Mapping[str, float] | None = None
                 ) -> Figure:
    """The state over occupancy × context, with SN and DMN disintegration as contours."""
    cmap = ListedColormap(STATE_COLOURS)
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5], cmap.N)
    with style():
        fig, ax = new_figure(figsize=(7.4, 4.6))
        extent = (grid.context[0], grid.context[-1], grid.occupancy[0], grid.occupancy[-1])
        ax.imshow(grid.state, origin="lower", aspect="auto", cmap=cmap, norm=norm,
                  extent=extent, interpolation="nearest", alpha=0.55)
        cx, oy = np.meshgrid(grid.context, grid.occupancy)
        for z, colour, name in ((grid.sn_disintegration, PALETTE["vermillion"], "SN"),
                                (grid.dmn_disintegration, PALETTE["blue"], "DMN")):
            cs = ax.contour(cx, oy, z, levels=(0.1, 0.2, 0.3, 0.4, 0.5), colors=colour,
                            linewidths=1.2)
            ax.clabel(cs, fmt=lambda v, n=name: f"{n} {v:.0%}", fontsize=7)
        for label, value in (marks or {}).items():
            ax.axhline(value, color=PALETTE["black"], ls=":", lw=1)
            ax.text(grid.context[0] + 0.02, value + 0.01, label, fontsize=8)
        for i, s in enumerate(nw.STATES):
            ax.plot([], [], "s", color=STATE_COLOURS[i], alpha=0.55, ms=10, label=s)
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=3)
        ax.set_xticks((-1, 0, 1), ("−1\nnoisy clinical room", "0\nneutral",
                                   "+1\neyes closed,\nmusic, support"))
        ax.grid(False)
        _finish(ax, "Context chooses the network, dose how far it is disrupted",
                "context c", "NMDA receptor occupancy")
    return fig


def network_course(course: nw.NetworkCourse, occupancy_label: str = "") -> Figure:
    """Occupancy and the disintegration of SN and DMN along a dose."""
    with style():
        fig, (a, b) = new_figure(2, 1, figsize=(7.4, 4.8), sharex=True)
        a.plot(course.t_min, course.occupancy, color=PALETTE["black"])
        _finish(a, f"A. NMDA receptor occupancy {occupancy_label}", None, "occupancy")
        b.plot(course.t_min, 100 * course.sn_disintegration, color=PALETTE["vermillion"],
               label="SN")
        b.plot(course.t_min, 100 * course.dmn_disintegration, color=PALETTE["blue"],
               ls="--", label="DMN")
        b.legend()
        _finish(b, "B. Fall of within-network FC", "time (min)", "fall (%)")
        fig.suptitle(f"The networks follow occupancy: {nw.context_label(course.context)}",
                     x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


@lru_cache(maxsize=256)
def _explorer_state(occupancy: float, context: str) -> nw.NetworkState:
    return nw.simulate(occupancy, context)


def network_explorer(occupancy: float = 0.54, context: str = "neutral"
                     ) -> tuple[Figure, Callable[..., bool]]:
    """Occupancy and context → the change of FC from baseline, and each network's fall.

    Returns the figure and ``update(occupancy, context)`` for
    :func:`ketamodel.widgets.interactive_figure`.
    """
    ref = nw.simulate(0.0)
    brain = ref.atlas
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(8.8, 4.0), width_ratios=(1.1, 1))
        image = _matrix(a, np.zeros_like(ref.fc), brain, vmin=-0.3, vmax=0.3, cmap="PuOr_r")
        fig.colorbar(image, ax=a, shrink=0.8, label="FC − baseline")
        a.set_title("A. Change of FC from baseline", loc="left")
        x = np.arange(len(nw.NETWORKS))
        within = b.bar(x - 0.2, np.zeros(len(x)), 0.4, label="within-network FC",
                       color=[NETWORK_COLOURS[k] for k in nw.NETWORKS])
        between = b.bar(x + 0.2, np.zeros(len(x)), 0.4, label="between-network FC",
                        color=[NETWORK_COLOURS[k] for k in nw.NETWORKS], alpha=0.5,
                        hatch="//")
        b.axhline(0, color=PALETTE["black"], lw=0.8)
        b.set_xticks(x, [SHORT[k] for k in nw.NETWORKS])
        b.set_ylim(-80, 30)
        b.legend(fontsize=8, loc="lower left")
        _finish(b, "B. Change from baseline", None, "change (%)")
        title = fig.suptitle("", x=0.01, ha="left", fontweight="bold", fontsize=11)
    artists = [image, title, *within, *between]
    for artist in artists:
        artist.set_animated(True)

    def update(occupancy: float, context: str) -> bool:
        s = _explorer_state(float(occupancy), str(context))
        image.set_data((s.fc - ref.fc)[np.ix_(_order(brain), _order(brain))])
        for bar, k in zip(within, nw.NETWORKS, strict=True):
            bar.set_height(-100 * s.disintegration[k])
        for bar, k in zip(between, nw.NETWORKS, strict=True):
            bar.set_height(100 * s.desegregation[k])
        title.set_text(f"{s.state}: segregation {s.measures.segregation:.2f} "
                       f"(baseline {ref.measures.segregation:.2f})")
        return False

    update(occupancy, context)
    return fig, update
