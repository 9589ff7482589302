"""The model in one picture (the landing page's figure)."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.figure import Figure

from .style import PALETTE, new_figure, style

LEVELS = (
    ("Molecule", "NMDA receptor block\n(trapping, Mg²⁺)", "Ch. 1"),
    ("Circuit", "less inhibition →\nglutamate surge (proposed)", "Ch. 1"),
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

