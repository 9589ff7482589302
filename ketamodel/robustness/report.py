"""The robustness appendix's tables, as MyST Markdown generated from the registry and the cache."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from .. import provenance
from .analysis import ClaimRobustness
from .claims import CLAIMS
from .space import factor_of


def range_text(cls: type, name: str) -> str:
    """How one parameter is varied: ``"held"``, ``"×½–×2"`` (the default rule) or ``"low–high"``."""
    f = factor_of(cls, name)
    if f is None:
        return "held"
    if f.why.startswith("a factor of two"):
        return f"{f.low:.3g} to {f.high:.3g} (×½ to ×2)"
    return f"{f.low:g} to {f.high:g}"


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
    """The registry: each claim, its chapter, what its margin measures, what it varies and holds."""
    lines = ["| claim | chapter | as the chapter states it | margin | varies | holds fixed |",
             "|---|---|---|---|---|---|"]
    for c in CLAIMS.values():
        classes = ", ".join(f"`{k.__name__}`" for k in c.classes)
        lines.append(f"| `{c.key}` | {c.chapter} | {c.text} | {c.margin_unit} | "
                     f"{len(c.space())} parameters of {classes} | "
                     f"{provenance._escape(c.held) or '—'} |")
    return "\n".join(lines)


def results_markdown(results: Mapping[str, ClaimRobustness], count: int = 3,
                     chapter: int | None = None) -> str:
    """Per claim (of one ``chapter``, or all): the share that holds, the verdict, the deciders."""
    lines = ["| claim | margin at the book's values | holds in (95 % interval) | verdict "
             "| decided most by (Morris μ*) |", "|---|---|---|---|---|"]
    for k, claim in CLAIMS.items():
        if k not in results or (chapter is not None and claim.chapter != chapter):
            continue
        r = results[k]
        top = sorted(zip(r.mu_star, r.labels, strict=True), reverse=True)[:count]
        deciders = "; ".join(f"`{label}` ({mu:.2g})" for mu, label in top)
        lines.append(f"| `{k}` | {r.margin_default:.2f} | {100 * r.share:.0f} % "
                     f"({100 * r.share_ci[0]:.0f}–{100 * r.share_ci[1]:.0f} %) | "
                     f"{r.verdict} | {deciders} |")
    return "\n".join(lines)
