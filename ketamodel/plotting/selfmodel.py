"""Figures of Chapter 5: precision weighting, the two selves, the four cases, the explorer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import networks as nw
from .. import pharmacology
from .. import selfmodel as sm
from .style import LINESTYLES, PALETTE, _finish, new_figure, style

CASE_COLOURS = dict(zip(sm.CASES, (PALETTE["orange"], PALETTE["sky"], PALETTE["blue"],
                                   PALETTE["vermillion"]), strict=True))
BELIEF = "self-valence (a.u.)"


def _gauss(x: np.ndarray, mean: float, precision: float) -> np.ndarray:
    return np.sqrt(precision / (2 * np.pi)) * np.exp(-0.5 * precision * (x - mean) ** 2)


def precision_weighting(prior_mean: float = -2.0, evidence: float = 1.0,
                        evidence_precision: float = 1.0,
                        prior_precisions: Sequence[float] = (0.25, 1.0, 4.0)) -> Figure:
    """A prior meets evidence: the posterior for three prior precisions, and its mean for all.

    Panel A draws the evidence and, per prior precision, the prior (dashed) and
    the posterior (solid); panel B the posterior mean against the prior
    precision, from "follow the evidence" to "keep the prior".
    """
    x = np.linspace(-5.0, 3.5, 400)
    colours = (PALETTE["green"], PALETTE["blue"], PALETTE["vermillion"])
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.0, 3.8))
        a.plot(x, _gauss(x, evidence, evidence_precision), color=PALETTE["black"], lw=1.5,
               label=f"evidence (π = {evidence_precision:g})")
        for p, colour in zip(prior_precisions, colours, strict=False):
            post = p + evidence_precision
            mean = float(sm.posterior_mean(prior_mean, post, (evidence - prior_mean,),
                                           (evidence_precision,), (1.0,)))
            a.plot(x, _gauss(x, prior_mean, p), color=colour, ls="--", lw=1.2)
            a.plot(x, _gauss(x, mean, post), color=colour, label=f"prior π = {p:g}: "
                   f"posterior at {mean:+.2f}")
        a.plot([], [], color=PALETTE["grey"], ls="--", lw=1.2, label="dashed: each prior")
        a.set_ylim(0, 1.45)
        a.legend(fontsize=8, loc="upper left")
        _finish(a, "A. The more precise the prior, the less it moves", BELIEF,
                "probability density (1/a.u.)")
        grid = np.logspace(-2, 2, 200)
        means = prior_mean + evidence_precision / (grid + evidence_precision) * (
            evidence - prior_mean)
        b.semilogx(grid, means, color=PALETTE["blue"])
        b.axhline(evidence, color=PALETTE["black"], ls=":", lw=1.2, label="the evidence")
        b.axhline(prior_mean, color=PALETTE["vermillion"], ls=":", lw=1.2, label="the prior")
        b.legend(fontsize=8, loc="center left")
        _finish(b, "B. The posterior mean against prior precision",
                "prior precision (1/a.u.², log scale)", "posterior mean (a.u.)")
    return fig


def one_level_example(results: Mapping[str, sm.OneLevel], truth: np.ndarray | None = None
                      ) -> Figure:
    """One belief tracking noisy evidence, for several settings.

    ``results`` maps a label to a :class:`~ketamodel.selfmodel.onelevel.OneLevel`.

    Panel A: the observations (dots, of the first result), the hidden value
    (grey) and each belief; panel B: each belief's learning rate.
    """
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.0, 3.6))
        first = next(iter(results.values()))
        steps = np.arange(1, first.inputs.size + 1)
        a.plot(steps, first.inputs, ".", color=PALETTE["grey"], ms=3, label="observations")
        if truth is not None:
            a.plot(steps, truth, color=PALETTE["black"], lw=1.0, label="hidden value")
        for i, (label, r) in enumerate(results.items()):
            a.plot(steps, r.mean, ls=LINESTYLES[i % len(LINESTYLES)], label=label)
            b.plot(steps, r.learning_rate, ls=LINESTYLES[i % len(LINESTYLES)], label=label)
        a.legend(fontsize=8, loc="lower right")
        _finish(a, "A. A precise prior follows the change late", "step (h)", BELIEF)
        b.set_ylim(0, 1.02)
        b.legend(fontsize=8)
        _finish(b, "B. The learning rate settles at its steady state", "step (h)",
                "learning rate π_u/π (1)")
    return fig


def _days(c: sm.SelfModelCourse) -> np.ndarray:
    return c.t_h / 24.0


def _sessions(ax: object, c: sm.SelfModelCourse, y: float, colour: str) -> None:
    if c.therapy.any():
        t = _days(c)[c.therapy]
        ax.plot(t, np.full(t.size, y), "|", color=colour, ms=9, mew=2)


def two_selves(sn: sm.SelfModelCourse, dmn: sm.SelfModelCourse, hours: float = 24.0
               ) -> Figure:
    """The minimal and the biographical self when the SN or the DMN is relaxed.

    Columns: the SN's prior relaxed, the DMN's; rows: the minimal self (with
    the bodily signals), the biographical self, and the two indices. Both
    courses should share drug, therapy and seed.
    """
    with style():
        fig, axes = new_figure(3, 2, figsize=(9.0, 7.4), sharex=True, sharey="row")
        for col, (name, c) in enumerate((("SN relaxed", sn), ("DMN relaxed", dmn))):
            keep = c.t_h <= hours
            t = c.t_h[keep]
            a, b, i = axes[:, col]
            a.plot(t, c.interoceptive[keep], ".", color=PALETTE["grey"], ms=3,
                   label="bodily signal")
            a.plot(t, c.minimal_self[keep], color=PALETTE["green"], label="minimal self μ₂")
            on = c.therapy[keep]
            if on.any():
                a.plot(t[on], np.full(on.sum(), 4.0), "|", color=PALETTE["vermillion"], ms=9,
                       mew=2, label="therapy (hours)")
            a.set_ylim(-7.5, 5.0)
            if col == 0:
                a.legend(fontsize=8, loc="upper right", ncol=2)
            _finish(a, f"{'AB'[col]}. {name}: the bodily self", None,
                    BELIEF if col == 0 else None)
            b.plot(t, c.biographical_self[keep], color=PALETTE["blue"],
                   label="biographical self μ₃")
            b.plot(t, c.consolidated_self[keep], color=PALETTE["black"], ls="--",
                   label="consolidated m")
            on = c.therapy[keep]
            if on.any():
                b.plot(t[on], np.full(on.sum(), 1.0), "|", color=PALETTE["vermillion"],
                       ms=9, mew=2, label="therapy (hours)")
            b.set_ylim(min(-2.3, float(c.biographical_self[keep].min()) - 0.2), 2.0)
            if col == 0:
                b.legend(fontsize=8, loc="upper right", ncol=2)
            _finish(b, f"{'CD'[col]}. The narrative self", None, BELIEF if col == 0 else None)
            i.plot(t, c.dissociation[keep], color=PALETTE["orange"], label="dissociation")
            i.plot(t, c.ego_dissolution[keep], color=PALETTE["purple"], ls="--",
                   label="ego dissolution")
            i.set_ylim(0, 1)
            if col == 0:
                i.legend(fontsize=8, loc="upper right")
            _finish(i, f"{'EF'[col]}. The two indices", "time since the drug (h)",
                    "index (0-1)" if col == 0 else None)
        fig.suptitle("Relaxing the SN's prior or the DMN's: where the drug acts in the "
                     "hierarchy", x=0.01, ha="left", fontweight="bold", fontsize=11)
    return fig


def four_cases(cases: sm.Cases, days: float = 5.0) -> Figure:
    r"""The four cases: the biographical belief over the first days, and what lasts.

    Panel A: the belief :math:`\mu_3` over ``days`` with the window's
    multiplier; panel B: the revision of the consolidated self-model over the
    whole course (percent of the way to the therapist's evidence).
    """
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.4, 4.0))
        drug = cases.courses[sm.CASES[0]]
        for i, (name, c) in enumerate(cases.courses.items()):
            keep = _days(c) <= days
            a.plot(_days(c)[keep], c.biographical_self[keep], color=CASE_COLOURS[name],
                   ls=LINESTYLES[i], lw=1.6, label=name,
                   marker="o" if i == 0 else None, markevery=12, ms=3)
            b.plot(_days(c), 100 * c.revision, color=CASE_COLOURS[name], ls=LINESTYLES[i],
                   label=f"{name}: {100 * c.lasting_revision:.1f} %")
        w = a.twinx()
        keep = _days(drug) <= days
        w.fill_between(_days(drug)[keep], 1.0, drug.drive.window[keep], color=PALETTE["green"],
                       alpha=0.15, lw=0)
        w.set_ylim(1.0, 4.0)
        w.set_ylabel("plasticity window w (shaded)")
        w.grid(False)
        a.legend(fontsize=7, loc="upper right")
        _finish(a, "A. The narrative belief in the first days",
                "time since the start (days)", "biographical self μ₃ (a.u.)")
        top = max(100 * float(c.revision.max()) for c in cases.courses.values())
        b.set_ylim(-2, max(12.0, 1.2 * top))
        b.legend(fontsize=7, loc="upper right")
        _finish(b, "B. What lasts: the consolidated self-model",
                "time since the start (days)", "revision of m (% of the way)")
    return fig


def compare_beliefs(courses: Mapping[str, sm.SelfModelCourse], days: float = 7.0,
                    title: str = "The same evidence, different beliefs") -> Figure:
    """Biographical belief over the first days, and what lasts (label → course)."""
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.0, 3.6))
        for i, (label, c) in enumerate(courses.items()):
            keep = _days(c) <= days
            a.plot(_days(c)[keep], c.biographical_self[keep], ls=LINESTYLES[i], label=label)
            b.plot(_days(c), 100 * c.revision, ls=LINESTYLES[i],
                   label=f"{label}: {100 * c.lasting_revision:.2f} %")
        a.legend(fontsize=8)
        _finish(a, f"A. {title}", "time (days)", "biographical self μ₃ (a.u.)")
        b.legend(fontsize=8)
        _finish(b, "B. What lasts: the consolidated self-model", "time (days)",
                "revision of m (% of the way)")
    return fig


THERAPY_CHOICES = ("none", "1 h", "12 h", "day 1", "day 3", "day 7", "day 14")


def _explorer_drive(context: str) -> sm.Drive:
    # drug_drive keeps each schedule's drive, so this is a lookup after the first call
    return sm.drug_drive(pharmacology.standard_infusion(), sm.EIGHT_WEEKS_H, context)


def _explorer_therapy(choice: str) -> sm.Therapy | None:
    if choice not in THERAPY_CHOICES:
        raise ValueError(f"therapy must be one of {THERAPY_CHOICES}, got {choice!r}")
    if choice == "none":
        return None
    if choice.endswith(" h"):
        return sm.Therapy(start_h=float(choice.split()[0]))
    return sm.Therapy(start_h=24.0 * float(choice.split()[1]) + 12.0)


def selfmodel_explorer(context: str = "neutral", sensitivity: float = 6.0,
                       therapy: str = "12 h") -> tuple[Figure, Callable[..., bool]]:
    r"""Setting, prior sensitivity and the timing of therapy → the two indices and what lasts.

    One standard infusion at time 0; the sensitivity :math:`g` is given to
    both levels; therapy is three two-hour sessions a day apart, the first 1 h
    or 12 h after the drug, or 12 h into the chosen day. Inputs are at their
    expected values (no noise).
    Returns the figure and ``update(context, sensitivity, therapy)`` for
    :func:`ketamodel.widgets.interactive_figure`. The drug's drive is computed
    for every setting here, so that no move of a control waits for it.
    """
    for name in nw.CONTEXTS:
        _explorer_drive(name)
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(9.0, 3.8))
        hours = np.arange(1, 49)
        diss, = a.plot(hours, np.zeros(hours.size), color=PALETTE["orange"],
                       label="dissociation (SN)")
        ego, = a.plot(hours, np.zeros(hours.size), color=PALETTE["purple"], ls="--",
                      label="ego dissolution (DMN)")
        a.set_ylim(0, 1)
        a.legend(fontsize=8, loc="upper right")
        _finish(a, "A. The acute state", "time since the drug (h)", "index (0-1)")
        days = np.arange(1, int(sm.EIGHT_WEEKS_H) + 1) / 24.0
        belief, = b.plot(days, np.zeros(days.size), color=PALETTE["blue"], lw=1.0,
                         label="biographical self μ₃")
        kept, = b.plot(days, np.zeros(days.size), color=PALETTE["black"],
                       label="consolidated m")
        marks, = b.plot([], [], "|", color=PALETTE["vermillion"], ms=10, mew=2,
                        label="therapy")
        b.set_ylim(-2.2, 1.1)
        b.legend(fontsize=8, loc="upper right")
        _finish(b, "B. Eight weeks", "time since the drug (days)", BELIEF)
        title = fig.suptitle("", x=0.01, ha="left", fontweight="bold", fontsize=11)
    for artist in (diss, ego, belief, kept, marks, title):
        artist.set_animated(True)

    def update(context: str, sensitivity: float, therapy: str) -> bool:
        g = float(sensitivity)
        p = sm.SelfModelParams(sn_sensitivity=g, dmn_sensitivity=g)
        c = sm.simulate_drive(_explorer_drive(str(context)), therapy=_explorer_therapy(
            str(therapy)), params=p, noise=False)
        diss.set_ydata(c.dissociation[:hours.size])
        ego.set_ydata(c.ego_dissolution[:hours.size])
        belief.set_ydata(c.biographical_self)
        kept.set_ydata(c.consolidated_self)
        t = _days(c)[c.therapy]
        marks.set_data(t, np.full(t.size, 0.05))
        state = nw.context_label(context)
        title.set_text(f"{state}, g = {g:g}, therapy {therapy}: lasting revision "
                       f"{100 * c.lasting_revision:.1f} %")
        return False

    update(context, sensitivity, therapy)
    return fig, update


def relaxation_courses(drives: Mapping[str, sm.Drive], params: sm.SelfModelParams | None = None,
                       hours: float = 12.0) -> Figure:
    r"""From occupancy to relaxed priors, per setting.

    ``drives`` maps a label to a :class:`~ketamodel.selfmodel.drive.Drive`.

    Panel A: occupancy (the same in every setting); panel B: the factor
    :math:`\rho` on the minimal self's (SN, solid) and the biographical self's
    (DMN, dashed) prior precision.
    """
    p = params or sm.SelfModelParams()
    colours = (PALETTE["orange"], PALETTE["grey"], PALETTE["purple"])
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(10.0, 3.6))
        first = next(iter(drives.values()))
        keep = first.t_h <= hours
        edges = np.concatenate([[0.0], first.t_h[keep]])
        a.stairs(first.occupancy[keep], edges, color=PALETTE["black"], lw=2, baseline=None)
        a.set_ylim(0, 1)
        _finish(a, "A. NMDA receptor occupancy (hourly mean)", "time since the drug (h)",
                "occupancy")
        for (label, d), colour in zip(drives.items(), colours, strict=False):
            keep = d.t_h <= hours
            edges = np.concatenate([[0.0], d.t_h[keep]])
            sn = sm.hourly_factor(d, "SN", p.sn_sensitivity)
            dmn = sm.hourly_factor(d, "DMN", p.dmn_sensitivity)
            b.stairs(sn[keep], edges, color=colour, lw=2, baseline=None, label=f"SN, {label}")
            b.stairs(dmn[keep], edges, color=colour, lw=2, ls="--", baseline=None,
                     label=f"DMN, {label}")
        b.set_ylim(0, 1.05)
        b.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
        _finish(b, "B. The setting decides which prior relaxes", "time since the drug (h)",
                "factor ρ on prior precision (1)")
    return fig
