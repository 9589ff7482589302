"""The robustness appendix's tables, as MyST Markdown generated from the registry and the cache."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from .. import provenance
from .analysis import ClaimRobustness
from .claims import CLAIMS
from .space import factor_of


def short(label: str) -> str:
    """``Class.field`` without the class's ``Params`` suffix (``Habenula.tonic_Hz``)."""
    cls, name = label.split(".", 1)
    return f"{cls.removesuffix('Params')}.{name}"


def range_text(cls: type, name: str) -> str:
    """How one parameter is varied: ``"held"``, ``"×½–×2"`` (the default rule) or ``"low–high"``."""
    f = factor_of(cls, name)
    if f is None:
        return "held"
    if f.rule:
        clipped = ", clipped" if f.why.endswith("clipped to the valid range") else ""
        return f"{f.low:.3g} to {f.high:.3g} (×½ to ×2{clipped})"
    return f"{f.low:g} to {f.high:g}" + (", log-uniform" if f.log else "")


def spreads_markdown() -> str:
    """A table of every parameter with a stated spread: value, range and why."""
    lines = ["| parameter | value | varied over | why |", "|---|---|---|---|"]
    for cls in provenance.parameter_classes():
        for g in fields(cls):
            if g.metadata.get("spread") is None:
                continue
            f = factor_of(cls, g.name)
            unit = g.metadata["unit"]
            value = f"{f.default:g}" + ("" if unit == "1" else f" {provenance._escape(unit)}")
            lines.append(f"| `{f.label}` | {value} | {f.low:g} to {f.high:g} | "
                         f"{provenance._escape(f.why)} |")
    return "\n".join(lines)


def claims_markdown() -> str:
    """The registry: each claim, what its margin measures, what it varies and what it holds."""
    lines = ["| claim | as the chapter states it | margin | varies, and holds fixed |",
             "|---|---|---|---|"]
    for c in CLAIMS.values():
        classes = ", ".join(f"`{k.__name__.removesuffix('Params')}`" for k in c.classes)
        held = provenance._escape(c.held)
        lines.append(f"| `{c.key}` | {c.text} | {c.margin_unit} | "
                     f"{len(c.space())} parameters of {classes}"
                     + (f"; holds {held}" if held else "") + " |")
    return "\n".join(lines)


def results_markdown(results: Mapping[str, ClaimRobustness], count: int = 3,
                     chapter: int | None = None) -> str:
    """Per claim (of one ``chapter``, or all): the share that holds, the verdict, the deciders.

    "Whether it holds" names the factors that best separate the points where
    the claim holds from those where it fails (KS distance); "how strongly"
    those that move its margin most (Morris μ*).
    """
    lines = ["| claim | margin, book's values | holds in (95 % interval) | verdict "
             "| whether it holds (KS) | how strongly (μ*) |",
             "|---|---|---|---|---|---|"]
    for k, claim in CLAIMS.items():
        if k not in results or (chapter is not None and claim.chapter != chapter):
            continue
        r = results[k]
        top = sorted(zip(r.mu_star, r.labels, strict=True), reverse=True)[:count]
        moved = "; ".join(f"`{short(label)}` ({mu:.2g})" for mu, label in top)
        if r.splits:
            ks = sorted(zip(r.ks, r.labels, strict=True), reverse=True)[:count]
            split = "; ".join(f"`{short(label)}` ({d:.2f})" for d, label in ks)
        else:
            split = "— (it " + ("holds" if r.share == 1 else "fails") + " at every point)"
        lines.append(f"| `{k}` | {r.margin_default:.2f} | {100 * r.share:.0f} % "
                     f"({100 * r.share_ci[0]:.0f}–{100 * r.share_ci[1]:.0f} %) of "
                     f"{r.n_share} | {r.verdict} | {split} | {moved} |")
    return "\n".join(lines)


def sobol_markdown(results: Mapping[str, ClaimRobustness], count: int = 3) -> str:
    """The largest total Sobol indices of each claim that has them, with 95 % half-widths."""
    lines = ["| claim | largest total indices $S_T$ (± 95 % half-width) | sum of $S_1$ |",
             "|---|---|---|"]
    for k in CLAIMS:
        r = results.get(k)
        if r is None or not r.st:
            continue
        top = sorted(zip(r.st, r.st_conf, r.labels, strict=True), reverse=True)[:count]
        cells = "; ".join(f"`{short(label)}` {st:.2f} ± {c:.2f}" for st, c, label in top)
        lines.append(f"| `{k}` | {cells} | {sum(r.s1):.2f} |")
    return "\n".join(lines)


def circuit_regimes(n: int = 64) -> dict[str, float]:
    """Where in Chapter 1's space the circuit has no single state, no rising limb, or a U.

    Over ``n`` points (a power of 2) of the scrambled Sobol' sequence of the
    claim ``ch1.inverted_u`` (the analysis' seed), the shares of points where
    :func:`~ketamodel.circuits.steady_state` finds no single stable state, where
    excitation is highest with no block at all (no disinhibition), and where it
    rises first.
    """
    import numpy as np

    from .. import circuits
    from .analysis import SETTINGS, share_points

    space = CLAIMS["ch1.inverted_u"].space()
    counts = {"no single steady state": 0, "no rise with block": 0, "a rise first": 0}
    points = share_points(len(space), n, SETTINGS["seed"])
    for row in points:
        cp = space.params(row)[circuits.CircuitParams]
        try:
            peak = circuits.peak_occupancy(cp)
        except RuntimeError:
            counts["no single steady state"] += 1
            continue
        counts["no rise with block" if peak == 0.0 else "a rise first"] += 1
    return {k: v / len(points) for k, v in counts.items()} | {"n": float(np.size(points, 0))}


def window_failures(n: int = 32, replicates: int = 4) -> dict[str, int]:
    """Of Chapter 3's window claim, at the analysis' first points: which condition fails.

    Counts the points where the window opens too soon after the drug (2 h or
    less), stays open too briefly (48 h or less), both, or neither.
    """
    import numpy as np

    from .. import pharmacology as ph
    from .. import plasticity as pl
    from .analysis import SETTINGS, share_points
    from .claims import _SIX_WEEKS_H, _half_interval

    space = CLAIMS["ch3.window_after_drug"].space()
    counts = {"holds": 0, "opens too soon": 0, "closes too soon": 0, "both": 0}
    for row in share_points(len(space), n, SETTINGS["seed"], replicates):
        one = pl.simulate(ph.standard_infusion(), _SIX_WEEKS_H,
                          params=space.params(row)[pl.PlasticityParams])
        opens, closes = _half_interval(one.t_h, one.window)
        soon = not opens - float(one.t_h[int(np.argmax(one.occupancy))]) > 2.0
        brief = not closes - opens > 48.0
        counts["both" if soon and brief else "opens too soon" if soon
               else "closes too soon" if brief else "holds"] += 1
    return counts


def share_by_factor(key: str, label: str, edges: tuple[float, ...], n: int = 32,
                    replicates: int = 4) -> dict[str, float]:
    """The share of points where claim ``key`` holds, in bins of one factor's value.

    ``edges`` are the bins' boundaries in the factor's own unit.
    """
    from .analysis import SETTINGS, MarginOf, share_points

    space = CLAIMS[key].space()
    if label not in space.labels:
        raise ValueError(f"label must be one of {space.labels}, got {label!r}")
    u = share_points(len(space), n, SETTINGS["seed"], replicates)
    holds = MarginOf(key)(u) > 0
    x = space.values(u)[:, space.labels.index(label)]
    out = {}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (x >= lo) & (x < hi) if hi != edges[-1] else (x >= lo) & (x <= hi)
        out[f"{lo:g} to {hi:g}"] = float(holds[sel].mean()) if sel.any() else float("nan")
    return out
