"""Figures of Chapter 6: the whole model, one person's levels, the cohort, trials, predictions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from .. import networks as nw
from .. import pharmacology as ph
from .. import selfmodel as sm
from .. import unified as un
from .. import units
from .style import LINESTYLES, PALETTE, _finish, new_figure, style

ARM_COLOURS = {
    "ketamine": PALETTE["blue"], "ketamine + therapy": PALETTE["green"],
    "ketamine course": PALETTE["purple"], "ketamine course + therapy": PALETTE["vermillion"],
    "midazolam": PALETTE["orange"], "saline": PALETTE["grey"],
    "saline + therapy": PALETTE["sky"],
}

#: The boxes of the model diagram: (label, chapter, x, y, colour).
_BOXES = (
    ("dose, route,\nschedule", "input", 0.9, 4.0, "grey"),
    ("setting\n(context)", "input", 0.9, 1.6, "grey"),
    ("psychotherapy", "input", 6.9, 0.35, "grey"),
    ("concentration →\nNMDA occupancy", "Ch. 1", 3.1, 4.0, "blue"),
    ("LHb block →\nreward restored", "Ch. 2", 5.4, 5.5, "orange"),
    ("cascade → spines;\nplasticity window", "Ch. 3", 5.4, 4.0, "green"),
    ("SN and DMN\ndisintegration", "Ch. 4", 5.4, 2.2, "purple"),
    ("relaxed priors:\nminimal and\nbiographical self", "Ch. 5", 7.9, 2.2, "vermillion"),
    ("CADSS (0-92),\nego dissolution\n(0-100)", "Ch. 6", 10.3, 2.9, "sky"),
    ("MADRS (0-60)\nover weeks", "Ch. 6", 10.3, 4.9, "black"),
)
_ARROWS = ((0, 3), (3, 4), (3, 5), (3, 6), (1, 6), (6, 7), (5, 7), (2, 7), (7, 8), (7, 9),
           (4, 9), (5, 9))


def model_diagram() -> Figure:
    """The whole model: what enters, each level and its chapter, what comes out."""
    with style():
        fig, ax = new_figure(figsize=(10.0, 4.8))
        ax.set_axis_off()
        ax.grid(False)
        ax.set_xlim(-0.3, 11.6)
        ax.set_ylim(-0.4, 6.4)
        w, h = 1.9, 1.05
        for label, chapter, x, y, colour in _BOXES:
            fc = PALETTE[colour]
            light = colour in ("sky", "orange", "grey", "purple")
            ax.add_patch(mpl.patches.FancyBboxPatch(
                (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04", fc=fc, ec="none",
                alpha=0.9 if colour != "grey" else 0.35))
            ax.text(x, y + 0.06, label, ha="center", va="center", fontsize=8.5,
                    color="black" if light else "white")
            ax.text(x + w / 2 - 0.05, y + h / 2 - 0.02, chapter, ha="right", va="top",
                    fontsize=7, color="black" if light else "white", fontweight="bold")
        for a, b in _ARROWS:
            xa, ya = _BOXES[a][2], _BOXES[a][3]
            xb, yb = _BOXES[b][2], _BOXES[b][3]
            dx, dy = xb - xa, yb - ya
            scale = min(w / 2 / abs(dx) if dx else np.inf, h / 2 / abs(dy) if dy else np.inf)
            ax.annotate("", xy=(xb - dx * scale, yb - dy * scale),
                        xytext=(xa + dx * scale, ya + dy * scale),
                        arrowprops={"arrowstyle": "-|>", "color": PALETTE["black"], "lw": 1.0})
        ax.text(-0.2, -0.3, "Arrows are the stable entry points each chapter offers the next; "
                "the MADRS reads the acute action (Ch. 2-3) and the self-belief (Ch. 5).",
                fontsize=8.5, color=PALETTE["grey"])
        ax.set_title("The unified model: every level from dose to outcome, each from its "
                     "chapter", loc="left")
    return fig


# --- one person through every level -------------------------------------------------------

_PANELS = (
    ("A. Occupancy (Ch. 1)", "time (h)", "NMDA occupancy (0-1)"),
    ("B. Acute action (Ch. 2-3)", "time (days)", "relief (0-1)"),
    ("C. Networks (Ch. 4)", "time (h)", "fall of within-network FC (1)"),
    ("D. Experience (Ch. 5-6)", "time (h)", "score (points)"),
    ("E. Self-belief (Ch. 5)", "time (days)", "revision (0-1)"),
    ("F. Depression (Ch. 6)", "time (days)", "MADRS (points)"),
)


class _Levels:
    """The six panels of one person's course, as artists that can be updated."""

    def __init__(self, fig: Figure, axes: np.ndarray, hours: float = 12.0) -> None:
        a = axes.ravel()
        self.hours = hours
        c = PALETTE
        self.occ, = a[0].plot([], [], color=c["blue"])
        a[0].set_xlim(0, hours)
        a[0].set_ylim(0, 1)
        self.reward, = a[1].plot([], [], color=c["orange"], label="reward r (Ch. 2)")
        self.plast, = a[1].plot([], [], color=c["green"], ls="--", label="plasticity b (Ch. 3)")
        self.window, = a[1].plot([], [], color=c["black"], ls=":", lw=1.2,
                                 label="window (w − 1)/2")
        a[1].set_xlim(0, 7)
        a[1].set_ylim(0, 1)
        a[1].legend(fontsize=7, loc="upper right")
        self.sn, = a[2].plot([], [], color=c["orange"], label="SN")
        self.dmn, = a[2].plot([], [], color=c["purple"], ls="--", label="DMN")
        a[2].set_xlim(0, hours)
        a[2].set_ylim(-0.02, 0.6)
        a[2].legend(fontsize=7, loc="upper right")
        self.cadss, = a[3].plot([], [], color=c["orange"], label="CADSS range (0-92)")
        self.ego, = a[3].plot([], [], color=c["purple"], ls="--", label="ego dissolution (0-100)")
        a[3].set_xlim(0, hours)
        a[3].set_ylim(0, 100)
        a[3].legend(fontsize=7, loc="upper right")
        self.belief, = a[4].plot([], [], color=c["blue"], lw=1.2, label="belief μ₃")
        self.kept, = a[4].plot([], [], color=c["black"], label="consolidated m")
        a[4].set_xlim(0, 56)
        a[4].set_ylim(-0.05, 0.6)
        a[4].legend(fontsize=7, loc="upper right")
        self.madrs, = a[5].plot([], [], color=c["blue"], label="this treatment")
        self.placebo, = a[5].plot([], [], color=c["grey"], ls="--", label="midazolam, same person")
        self.resp = a[5].axhline(0, color=c["vermillion"], ls=":", lw=1.2,
                                 label="response (50 % fall)")
        a[5].axhline(10, color=c["green"], ls=":", lw=1.2, label="remission (≤ 10)")
        a[5].set_xlim(0, 56)
        a[5].set_ylim(0, 45)
        a[5].legend(fontsize=7, loc="upper right")
        for ax, (title, xl, yl) in zip(a, _PANELS, strict=True):
            _finish(ax, title, xl, yl)
        self.title = fig.suptitle("", x=0.01, ha="left", fontweight="bold", fontsize=11)
        self.artists = (self.occ, self.reward, self.plast, self.window, self.sn, self.dmn,
                        self.cadss, self.ego, self.belief, self.kept, self.madrs, self.placebo,
                        self.resp, self.title)

    def set(self, course: un.UnifiedCourse, placebo: un.UnifiedCourse | None, label: str
            ) -> None:
        e = course.exposure
        t = course.t_h
        days = t / 24.0
        fine = e.fine_t_h <= self.hours
        self.occ.set_data(e.fine_t_h[fine], e.fine_occupancy[fine])
        week = days <= 7
        self.reward.set_data(days[week] - 1 / 48, e.reward_relief[week])
        self.plast.set_data(days[week] - 1 / 48, e.plasticity_relief[week])
        self.window.set_data(days[week] - 1 / 48, (e.window[week] - 1.0) / 2.0)
        d = e.drive
        dfine = d.fine_t_h <= self.hours
        self.sn.set_data(d.fine_t_h[dfine], d.fine_sn[dfine])
        self.dmn.set_data(d.fine_t_h[dfine], d.fine_dmn[dfine])
        hour = np.concatenate([[0.0], t[t <= self.hours]])
        k = hour.size - 1
        self.cadss.set_data(np.repeat(hour, 2)[1:-1], np.repeat(course.cadss[:k], 2))
        self.ego.set_data(np.repeat(hour, 2)[1:-1], np.repeat(course.ego_score[:k], 2))
        span = course.self_model.params.support_evidence - course.self_model.params.belief_start
        start = course.self_model.params.belief_start
        self.belief.set_data(days, (course.self_model.biographical_self - start) / span)
        self.kept.set_data(days, course.self_model.revision)
        b = course.person.baseline_madrs
        self.madrs.set_data(np.concatenate([[0.0], days]), np.concatenate([[b], course.madrs]))
        if placebo is not None:
            self.placebo.set_data(np.concatenate([[0.0], days]),
                                  np.concatenate([[b], placebo.madrs]))
        self.resp.set_ydata([0.5 * b, 0.5 * b])
        self.title.set_text(
            f"{label}: MADRS {b:.0f} → {course.at(24):.1f} at 24 h, {course.at(672):.1f} at "
            f"4 weeks; peak CADSS {course.cadss.max():.0f}, ego {course.ego_score.max():.0f}")


def person_levels(course: un.UnifiedCourse, placebo: un.UnifiedCourse | None = None,
                  label: str = "One person") -> Figure:
    """One person's course at every level, from occupancy to the MADRS over eight weeks.

    ``placebo`` (the same person on midazolam) is drawn beside the MADRS.
    """
    with style():
        fig, axes = new_figure(2, 3, figsize=(11.0, 6.4))
        levels = _Levels(fig, axes)
        levels.set(course, placebo, label)
    return fig


#: The dashboard's choices.
#: The dashboard's doses, mg/kg of ketamine hydrochloride, as trials state them (0.5 standard).
DASHBOARD_DOSES = (0.1, 0.3, 0.5, 0.7, 0.9)
DASHBOARD_ROUTES = ("iv", "im", "intranasal", "oral")
DASHBOARD_THERAPY = ("none", "12 h", "day 3", "day 14")


def _dose(dose_hcl_mg_per_kg: float, route: str) -> ph.Dose:
    base = float(units.hcl_salt_to_base_mg(float(dose_hcl_mg_per_kg)))
    return ph.Dose(base, route, duration_min=40.0 if route == "iv" else 0.0)


def _therapy(choice: str) -> sm.Therapy | None:
    start = {"none": None, "12 h": 12.0, "day 3": 72.0, "day 14": 336.0}[choice]
    return None if start is None else sm.Therapy(start_h=start)


@lru_cache(maxsize=8)
def _placebo(therapy: str) -> un.UnifiedCourse:
    return un.simulate(_dose(0.5, "iv"), therapy=_therapy(therapy), treatment="midazolam")


def dashboard(dose_mg_per_kg: float = 0.5, route: str = "iv", context: str = "neutral",
              therapy: str = "12 h") -> tuple[Figure, Callable[..., bool]]:
    """Dose, route, setting and therapy → every level at once, for the typical person.

    ``dose_mg_per_kg`` is of ketamine hydrochloride, as trials state it (0.5
    is the standard infusion's 0.433 mg/kg of base), one of
    :data:`DASHBOARD_DOSES`; an IV dose runs over 40 min, the others are
    given at once. Every combination of the choices is computed when the
    dashboard is made (a few seconds), so that each move only runs the
    self-model and the outcome layer. Returns the figure and
    ``update(dose_mg_per_kg, route, context, therapy)`` for
    :func:`ketamodel.widgets.interactive_figure`.
    """
    for d in DASHBOARD_DOSES:
        for r in DASHBOARD_ROUTES:
            for c in nw.CONTEXTS:
                e = un.exposure(_dose(d, r), context=c)
                e.acute_action  # noqa: B018 - computes the reward course now, not on a move
    for t in DASHBOARD_THERAPY:
        _placebo(t)
    with style():
        fig, axes = new_figure(2, 3, figsize=(11.0, 6.4))
        levels = _Levels(fig, axes)
    for artist in levels.artists:
        artist.set_animated(True)

    def update(dose_mg_per_kg: float, route: str, context: str, therapy: str) -> bool:
        course = un.simulate(_dose(dose_mg_per_kg, str(route)), context=str(context),
                             therapy=_therapy(str(therapy)))
        levels.set(course, _placebo(str(therapy)),
                   f"{float(dose_mg_per_kg):g} mg/kg (salt) {route}, {context}, "
                   f"therapy {therapy}")
        return False

    update(dose_mg_per_kg, route, context, therapy)
    return fig, update


# --- calibration, cohort, trials -----------------------------------------------------------

def calibration_fit(fit: un.CalibrationFit) -> Figure:
    """The calibration points (±1.96 SE) and the calibrated model's values."""
    points = un.CALIBRATION_POINTS
    with style():
        fig, axes = new_figure(1, 2, figsize=(10.0, 3.6))
        for ax, unit, title, xl in (
                (axes[0], "MADRS points", "A. Falls at 24 h",
                 "MADRS fall (points)"),
                (axes[1], None, "B. Response rates and effect size at 24 h",
                 "share responding (1), or Cohen's d (1)")):
            rows = [k for k, p in enumerate(points)
                    if (p.unit == "MADRS points") == (unit is not None)]
            for y, k in enumerate(rows):
                p = points[k]
                ax.errorbar(p.value, y, xerr=1.959964 * p.se, fmt="s", color=PALETTE["black"],
                            ms=5, capsize=3, label="published ± 1.96 SE" if y == 0 else None)
                ax.plot(fit.model[k], y, "o", color=PALETTE["vermillion"], ms=7,
                        label="calibrated model" if y == 0 else None)
            ax.set_yticks(range(len(rows)), [points[k].name for k in rows], fontsize=8)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.legend(fontsize=8, loc="best")
            _finish(ax, title, xl, None)
        inside = bool(np.all(np.abs(fit.residuals) < 1.959964))
        fig.suptitle("The calibrated model " + ("meets every calibration point within its "
                                                "interval" if inside else
                                                "misses a calibration point"),
                     x=0.01, ha="left", fontsize=10, fontweight="bold")
    return fig


def arm_courses(trial: un.Trial) -> Figure:
    """Mean MADRS (95 % CI) and the share responding at each visit, per arm."""
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(10.5, 3.9))
        for k, run in enumerate(trial.arms):
            colour = ARM_COLOURS.get(run.arm.name, PALETTE["black"])
            days = run.visits_h / 24.0
            mean = run.madrs.mean(axis=0)
            half = 1.959964 * run.madrs.std(axis=0, ddof=1) / np.sqrt(len(run.table))
            ls = LINESTYLES[k % len(LINESTYLES)]
            a.plot(days, mean, color=colour, ls=ls, marker="o", ms=3, label=run.arm.name)
            a.fill_between(days, mean - half, mean + half, color=colour, alpha=0.15, lw=0)
            share = (run.madrs <= (1 - run.scales.response_fall) * run.baseline[:, None]).mean(0)
            b.plot(days[1:], 100 * share[1:], color=colour, ls=ls, marker="o", ms=3,
                   label=run.arm.name)
        a.set_ylim(0, None)
        b.set_ylim(0, 100)
        a.legend(fontsize=7, loc="upper right")
        _finish(a, "A. Severity over eight weeks", "time since the first infusion (days)",
                "mean MADRS (points)")
        _finish(b, "B. Response (≥ 50 % fall)", "time since the first infusion (days)",
                "responding (%)")
    return fig


def trial_replicates(reps: un.Replicates, real_difference: float,
                     real_ci: tuple[float, float], real_response: tuple[float, float]) -> Figure:
    """What trials of a real trial's size find if the model is true, against what it found."""
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(10.0, 3.6))
        a.hist(reps.difference, bins=40, color=PALETTE["sky"], alpha=0.8,
               label=f"{reps.difference.size} virtual trials")
        a.axvline(real_difference, color=PALETTE["black"], label="published")
        a.axvspan(*real_ci, color=PALETTE["black"], alpha=0.1, label="published 95 % CI")
        a.legend(fontsize=8, loc="upper right")
        _finish(a, f"A. Difference at {reps.visit_h:g} h, {reps.n_treated} vs {reps.n_control}",
                "fall, ketamine − control (MADRS points)", "virtual trials (count)")
        b.scatter(100 * reps.response_control, 100 * reps.response_treated, s=4,
                  color=PALETTE["blue"], alpha=0.25, label="virtual trials")
        b.plot(100 * real_response[1], 100 * real_response[0], "*", ms=14,
               color=PALETTE["vermillion"], label="published")
        b.set_xlim(0, 100)
        b.set_ylim(0, 100)
        b.legend(fontsize=8, loc="lower right")
        _finish(b, "B. Response rates", "control responding (%)", "ketamine responding (%)")
    return fig


def ego_scatter(quiet: un.CohortCourse, noisy: un.CohortCourse,
                        day: float = 28.0) -> Figure:
    """Peak ego dissolution against the revision of the self-belief, and against the MADRS fall."""
    k = int(day * 24) - 1
    with style():
        fig, (a, b) = new_figure(1, 2, figsize=(10.0, 3.8))
        sc = a.scatter(quiet.ego_peak, quiet.belief_revision[:, k], c=quiet.context, s=8,
                       cmap="cividis", vmin=-1, vmax=1)
        fig.colorbar(sc, ax=a, label="context (−1 noisy room … 1 eyes closed)")
        _finish(a, f"A. The self-belief at day {day:g} (expected)",
                "peak ego-dissolution score (0-100)", "revision of the self-belief (0-1)")
        fall = 100 * (noisy.baseline - noisy.at(day * 24)) / noisy.baseline
        b.scatter(noisy.ego_peak, fall, s=8, color=PALETTE["blue"], alpha=0.5)
        _finish(b, f"B. What a trial would see at day {day:g}",
                "peak ego-dissolution score (0-100)", "MADRS fall (% of baseline)")
        fig.suptitle("Ego dissolution goes with the revision of the self-belief, but not "
                     "visibly with the ratings", x=0.01, ha="left", fontsize=10,
                     fontweight="bold")
    return fig


def dose_phenomenology(m: un.PhenomenologyMap) -> Figure:
    """Mean peak dissociation and ego dissolution over dose and setting."""
    labels = [nw.context_label(c).replace(", ", ",\n") for c in m.contexts]
    with style():
        fig, axes = new_figure(1, 2, figsize=(10.0, 3.9))
        for ax, values, title, cmap in ((axes[0], m.cadss, "A. Dissociation (CADSS range)",
                                         "Oranges"),
                                        (axes[1], m.ego, "B. Ego dissolution (0-100)",
                                         "Purples")):
            im = ax.imshow(values, aspect="auto", origin="lower", cmap=cmap, vmin=0,
                           vmax=max(float(values.max()), 1.0))
            ax.grid(False)
            for i in range(values.shape[0]):
                for j in range(values.shape[1]):
                    v = values[i, j]
                    ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=8,
                            color="white" if v > 0.6 * values.max() else "black")
            ax.set_xticks(range(len(labels)), labels, fontsize=8)
            ax.set_yticks(range(m.doses_mg_per_kg.size),
                          [f"{d:g}" for d in m.doses_mg_per_kg])
            fig.colorbar(im, ax=ax, label="mean peak score (points)")
            _finish(ax, title, "setting", "dose over 40 min (mg/kg of base)")
    return fig


def predictions_figure(results: Mapping[str, tuple[un.Prediction, un.Prediction]]) -> Figure:
    """Each prediction as the book states it and with its assumption changed (95 % intervals)."""
    names = list(results)
    with style():
        fig, axes = new_figure(1, len(names), figsize=(2.9 * len(names), 3.6))
        for ax, name in zip(np.atleast_1d(axes), names, strict=True):
            for x, (p, colour, _label) in enumerate(zip(
                    results[name], (PALETTE["blue"], PALETTE["grey"]),
                    ("as stated", "assumption\nchanged"), strict=True)):
                ax.errorbar(x, p.value, yerr=[[p.value - p.ci[0]], [p.ci[1] - p.value]],
                            fmt="o", color=colour, capsize=4, ms=6)
                ax.text(x, p.ci[1], " holds" if p.holds else " fails", ha="center",
                        va="bottom", fontsize=8, color=colour)
            ax.axhline(results[name][0].null, color=PALETTE["black"], lw=0.8, ls=":")
            ax.set_xticks([0, 1], ["as stated", "assumption\nchanged"], fontsize=8)
            ax.set_xlim(-0.6, 1.6)
            lo = min(min(p.ci[0], p.null) for p in results[name])
            hi = max(max(p.ci[1], p.null) for p in results[name])
            ax.set_ylim(lo - 0.1 * (hi - lo + 1e-9), hi + 0.25 * (hi - lo + 1e-9))
            unit = {"ego dissolution and improvement": "partial ρ (1)",
                    "dissociation and dose": "smallest rise (CADSS points)",
                    "psychotherapy in the window": "difference (MADRS points)",
                    "relapse after a course": "difference (days)"}.get(name, "value")
            _finish(ax, name.capitalize().replace(" and ", " &\n", 1) if len(name) > 24
                    else name.capitalize(), None, unit)
        fig.suptitle("The paper's predictions in the cohort, as stated and with the "
                     "assumption each rests on removed", x=0.01, ha="left", fontsize=10,
                     fontweight="bold")
    return fig


def relapse_curves(kept: Mapping[str, un.ResponseKept]) -> Figure:
    """Share of responders still responding, by days since the first visit after the last infusion.

    ``kept`` maps an arm's name to its
    :class:`~ketamodel.unified.cohort.ResponseKept` (e.g. the ``"single kept"``
    and ``"course kept"`` of
    :func:`~ketamodel.unified.predictions.relapse_after_course`); the curves
    are steps, judged at the visits.
    """
    with style():
        fig, ax = new_figure(figsize=(7.0, 3.8))
        for k, (name, kp) in enumerate(kept.items()):
            ax.step(kp.t_h / 24.0 + 1.0, 100 * kp.share, where="post",
                    color=ARM_COLOURS.get(name, PALETTE["black"]),
                    ls=LINESTYLES[k % len(LINESTYLES)], marker="o", ms=3,
                    label=f"{name}: {kp.n_responders} responders, kept "
                    f"{kp.rmst_days:.1f} days on average")
        ax.set_ylim(0, 105)
        ax.legend(fontsize=8, loc="upper right")
        _finish(ax, "Response after a course lasts a few days longer than after one infusion",
                "days since the last infusion (d)", "responders still responding (%)")
    return fig
