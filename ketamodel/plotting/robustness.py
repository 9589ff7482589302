"""Figures of the robustness appendix: where each claim holds, and what decides it."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from ..robustness.analysis import ClaimRobustness, Morris
from ..robustness.claims import CLAIMS
from ..robustness.report import short
from .style import CYCLE, PALETTE, _finish, new_figure

#: One colour per chapter (Okabe–Ito).
CHAPTER_COLOURS = dict(zip(range(1, 7), CYCLE, strict=False))


def claim_shares(results: Mapping[str, ClaimRobustness]) -> Figure:
    """The share of the plausible space in which each claim holds, with its 95 % interval.

    One bar per claim, coloured by chapter; the dotted lines mark the
    verdicts' thresholds (10 %, 50 % and 90 %).
    """
    keys = [k for k in CLAIMS if k in results]
    if not keys:
        raise ValueError("results must hold at least one claim of CLAIMS")
    fig, ax = new_figure(figsize=(7.0, 0.36 * len(keys) + 1.4))
    y = np.arange(len(keys))[::-1]
    for yi, k in zip(y, keys, strict=True):
        r = results[k]
        colour = CHAPTER_COLOURS[CLAIMS[k].chapter]
        ax.barh(yi, r.share, color=colour, height=0.7)
        if r.share_undefined:
            ax.barh(yi, r.share_undefined, left=1 - r.share_undefined, height=0.7,
                    color=PALETTE["grey"], alpha=0.6,
                    label="no single steady state" if yi == y[0] else None)
        ax.plot(r.share_ci, [yi, yi], color=PALETTE["black"], lw=1.2)
    for x in (0.1, 0.5, 0.9):
        ax.axvline(x, color=PALETTE["grey"], ls=":", lw=1)
    ax.set_yticks(y, keys)
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    if any(results[k].share_undefined for k in keys):
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=8)
    ax.set_xlabel("share of the plausible space where the claim holds (95 % interval)")
    fig.suptitle("Some claims hold everywhere, others in part of the space",
                 x=0.02, ha="left", fontsize=11, fontweight="bold")
    return fig


def deciders(results: Mapping[str, ClaimRobustness], count: int = 4) -> Figure:
    """For each claim, the ``count`` parameters with the largest Morris μ* (what moves its margin).

    μ* is the mean absolute elementary effect: the change of the claim's
    margin when the parameter jumps by 2/3 of its range (four levels),
    divided by 2/3, so per unit of the range; the whiskers are its 95 %
    bootstrap interval.
    """
    keys = [k for k in CLAIMS if k in results]
    if not keys:
        raise ValueError("results must hold at least one claim of CLAIMS")
    ncols = 2
    nrows = -(-len(keys) // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(7.4, 1.45 * nrows + 0.6))
    axes = np.atleast_1d(axes).ravel()
    for ax, k in zip(axes, keys, strict=False):
        r = results[k]
        order = np.argsort(-np.asarray(r.mu_star), kind="stable")[:count]
        mu = np.asarray(r.mu_star)[order]
        conf = np.asarray(r.mu_star_conf)[order]
        yy = np.arange(len(order))[::-1]
        ax.barh(yy, mu, xerr=conf, color=CHAPTER_COLOURS[CLAIMS[k].chapter], height=0.65,
                error_kw={"lw": 0.8})
        ax.set_yticks(yy, [short(r.labels[i]) for i in order], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", visible=False)
        ax.set_title(k, loc="left", fontsize=8)
    for ax in axes[len(keys):]:
        ax.set_visible(False)
    fig.suptitle("A few assumed parameters move each claim's margin (Morris μ*)",
                 x=0.02, ha="left", fontsize=11, fontweight="bold")
    fig.supxlabel("μ*: mean absolute change of the margin per unit of the parameter's range",
                  fontsize=9)
    return fig


def morris_plane(m: Morris, title: str | None = None, count: int = 5) -> Figure:
    """Morris μ* against σ for one claim, the ``count`` most influential factors named.

    Far right: the parameter matters; high: its effect depends on the
    others (or is non-linear).
    """
    fig, ax = new_figure(figsize=(6.0, 4.0))
    ax.scatter(m.mu_star, m.sigma, color=PALETTE["blue"], s=22, zorder=3)
    for i in np.argsort(-m.mu_star, kind="stable")[:count]:
        ax.annotate(short(m.labels[i]), (m.mu_star[i], m.sigma[i]), fontsize=8,
                    xytext=(4, 3), textcoords="offset points")
    top = max(float(np.max(m.mu_star)), float(np.max(m.sigma)), 1e-9) * 1.1
    ax.plot([0, top], [0, top], color=PALETTE["grey"], ls=":", lw=1)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    _finish(ax, title or "A few parameters matter; the rest barely move the margin",
            "μ* (mean absolute elementary effect)", "σ (spread of the effects)")
    return fig
