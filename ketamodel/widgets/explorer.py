"""The explorable figure of the static book: frames drawn at build time, swapped in the page.

:func:`render` draws an :class:`~ketamodel.widgets.InteractiveFigure`
at every point of its :class:`~ketamodel.widgets.frames.FrameGrid`;
:func:`explorer_html` writes the result as one HTML fragment:

- a still ``<img>`` of the figure at its default values, which is what a
  reader without JavaScript sees;
- labelled, keyboard-operable controls (``<input type="range">`` and
  ``<select>``), the figure's titles as text (legible on a narrow screen and
  announced by screen readers as the frame changes) and a line saying what
  the static grid holds, all hidden until the script runs;
- the frames (data URIs; the book's Sphinx extension moves them to image
  files) and their alt text, as JSON read by ``ketamodel-explorer.js``.

The page needs nothing else: no kernel and no third-party request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from . import frames as fr
from .controls import Control

if TYPE_CHECKING:
    from .figure import InteractiveFigure

#: Marks the fragment; the Sphinx extension and the script look for it.
MARKER = "data-km-explorer"
_ids = itertools.count()


@dataclass
class Explorer:
    """An interactive figure drawn over its frame grid.

    Attributes
    ----------
    grid : FrameGrid
        The control values drawn.
    images : list of bytes
        The distinct frames, as PNG.
    frames : list of dict
        One per key of the grid, in its order: ``key``, and ``image`` (an index
        into ``images``) with ``alt`` and ``title`` (the figure's titles, which
        the page also shows as text), or ``error`` when the model refused those
        values.
    render_s : float
        Seconds spent drawing and encoding the frames.
    """

    controls: list[Control]
    grid: fr.FrameGrid
    images: list[bytes]
    frames: list[dict[str, Any]]
    width: int
    height: int
    builder: str = ""
    render_s: float = 0.0
    budget_bytes: int = fr.BUDGET.figure_bytes
    notes: list[str] = field(default_factory=list)

    @property
    def nbytes(self) -> int:
        """Bytes of all distinct frames."""
        return sum(len(b) for b in self.images)

    def default_frame(self) -> dict[str, Any]:
        """The frame at the default values."""
        return next(f for f in self.frames if tuple(f["key"]) == self.grid.default)


def describe_figure(fig: Figure) -> str:
    """What a figure plots, from its axis labels: "A and B against X"."""
    groups: dict[str, list[str]] = {}
    for ax in fig.axes:
        y = ax.get_ylabel()
        if not y:
            continue
        # an axis without its own x label (stacked or twin axes) takes that of a sharer
        x = ax.get_xlabel() or next((s.get_xlabel() for s in ax.get_shared_x_axes()
                                     .get_siblings(ax) if s.get_xlabel()), "")
        groups.setdefault(x, []).append(y)
    parts = [" and ".join(ys) + (f" against {x}" if x else "") for x, ys in groups.items()]
    return "Plot of " + "; ".join(parts) if parts else "Figure"


def titles(fig: Figure) -> str:
    """The figure's titles (its suptitle and the axes' titles), joined by semicolons."""
    texts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    if getattr(fig, "_suptitle", None) is not None:
        texts.insert(0, fig._suptitle.get_text())
    return "; ".join(t.strip() for t in texts if t.strip())


def alt_text(fig: Figure, controls: Sequence[Control], point: dict[str, Any]) -> str:
    """Alt text of a frame: what is plotted, at which values, and its titles."""
    values = ", ".join(f"{c.label} {c.format(point[c.name])}" for c in controls)
    said = titles(fig)
    return f"{describe_figure(fig)}, at {values}." + (f" {said}." if said else "")


def render(figure: InteractiveFigure, budget_bytes: int | None = None,
           budget: fr.Budget | None = None) -> Explorer:
    """Draw the figure over the largest frame grid that fits the budget.

    The frame size is estimated from sample frames (the defaults and the
    extreme values); if the frames drawn exceed ``budget_bytes`` after all,
    the grid is made coarser and the missing frames drawn (frames already
    drawn are kept). The figure is left at the values its controls show.
    ``budget`` (by default :data:`~ketamodel.widgets.frames.BUDGET`) bounds the
    frames and the positions per slider; ``budget_bytes`` is by default its
    ``figure_bytes``.
    """
    budget = fr.BUDGET if budget is None else budget
    budget_bytes = budget.figure_bytes if budget_bytes is None else budget_bytes
    t0 = time.perf_counter()
    controls = list(figure.specs.values())
    drawn: dict[tuple[Any, ...], tuple[Any, str, str]] = {}

    def draw(point: dict[str, Any]) -> tuple[Any, str, str]:
        key = tuple(point[c.name] for c in controls)
        if key not in drawn:
            try:
                image = figure.image(**point)
            except Exception as exc:             # shown to the reader as in the live figure
                drawn[key] = (None, f"Cannot draw these values: {exc}", "")
            else:
                drawn[key] = (image, alt_text(figure.figure, controls, point),
                              titles(figure.figure))
        return drawn[key]

    defaults = {c.name: c.default for c in controls}
    ends = [{c.name: fr.static_values(c, 2)[i] for c in controls} for i in (0, -1)]
    samples = [im for im, _, _ in (draw(p) for p in [defaults, *ends]) if im is not None]
    if not samples:
        raise ValueError(f"{figure.builder_name}: the figure cannot be drawn at its defaults: "
                         f"{drawn[tuple(defaults.values())][1]}")
    encoder = fr.PaletteEncoder(samples, budget.palette_colours)
    encoded: dict[int, bytes] = {}

    def png(image: Any) -> bytes:
        if id(image) not in encoded:
            encoded[id(image)] = encoder.png(image)
        return encoded[id(image)]

    estimate = 1.1 * max(len(png(s)) for s in samples)
    limit = fr.frames_for_budget(estimate, budget_bytes, budget.max_frames)
    while True:
        grid = fr.frame_grid(controls, limit, budget)
        images: list[bytes] = []
        index: dict[bytes, int] = {}
        frames = []
        for key in grid.keys:
            image, text, title = draw(grid.point(key))
            if image is None:
                frames.append({"key": list(key), "error": text})
                continue
            data = png(image)
            if data not in index:
                index[data] = len(images)
                images.append(data)
            frames.append({"key": list(key), "image": index[data], "alt": text,
                           "title": title})
        total = sum(len(b) for b in images)
        if total <= budget_bytes or len(grid) <= 1:
            break
        limit = min(len(grid) - 1, int(len(grid) * budget_bytes / total))
    figure.restore()
    width, height = samples[0].size
    return Explorer(controls=controls, grid=grid, images=images, frames=frames, width=width,
                    height=height, builder=figure.builder_name,
                    render_s=time.perf_counter() - t0, budget_bytes=budget_bytes)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _control_html(uid: str, i: int, c: Control, values: tuple[Any, ...], default: int) -> str:
    cid = f"{uid}-{i}"
    label = f'<label for="{cid}">{html.escape(c.title)}</label>'
    if c.kind == "choice":
        options = "".join(f'<option value="{j}"{" selected" if j == default else ""}>'
                          f"{html.escape(c.format(v))}</option>" for j, v in enumerate(values))
        return (f'<div class="km-control km-choice">{label}'
                f'<select id="{cid}" data-km-control="{i}">{options}</select></div>')
    shown = html.escape(c.format(values[default], unit=False))
    return (f'<div class="km-control km-slider">{label}'
            f'<input type="range" id="{cid}" data-km-control="{i}" min="0" '
            f'max="{len(values) - 1}" step="1" value="{default}" '
            f'aria-valuetext="{html.escape(c.format(values[default]))}">'
            f'<output for="{cid}" aria-hidden="true">{shown}</output></div>')


def explorer_html(ex: Explorer) -> str:
    """The HTML fragment of an explorable figure (see the module's docstring)."""
    digest = hashlib.sha256(b"".join(ex.images)).hexdigest()[:8]
    uid = f"km-explorer-{next(_ids) + 1}-{digest}"
    first = ex.default_frame()
    src = _data_uri(ex.images[first["image"]])
    data = {
        "controls": [{"name": c.name, "label": c.label, "unit": c.unit, "kind": c.kind,
                      "suffix": c.suffix,
                      "values": [c.format(v, unit=False) for v in values], "default": d}
                     for c, values, d in zip(ex.controls, ex.grid.values, ex.grid.default,
                                             strict=True)],
        "mode": ex.grid.mode,
        "images": [_data_uri(b) for b in ex.images],
        "frames": ex.frames,
    }
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      default=str).replace("</", "<\\/")
    controls = "".join(_control_html(uid, i, c, v, d) for i, (c, v, d) in
                       enumerate(zip(ex.controls, ex.grid.values, ex.grid.default,
                                     strict=True)))
    manifest = {"builder": ex.builder, "frames": len(ex.frames), "images": len(ex.images),
                "bytes": ex.nbytes, "render_s": round(ex.render_s, 3), "mode": ex.grid.mode,
                "controls": {c.name: _spec(c) for c in ex.controls}}
    manifest_json = json.dumps(manifest, separators=(",", ":"), default=str)
    return (
        f'<div class="km-explorer" id="{uid}" {MARKER}="{html.escape(manifest_json)}">'
        f'<div class="km-explorer-controls" role="group" aria-label="Figure controls" hidden>'
        f"{controls}</div>"
        f'<p class="km-explorer-readout" aria-live="polite" hidden>'
        f'{html.escape(first["title"])}</p>'
        f'<p class="km-explorer-message" role="status" aria-live="polite"></p>'
        f'<img class="km-explorer-frame" src="{src}" alt="{html.escape(first["alt"])}" '
        f'width="{ex.width}" height="{ex.height}">'
        f'<p class="km-explorer-note" hidden>{html.escape(ex.grid.describe(ex.controls))}</p>'
        f'<noscript><p class="km-explorer-note">This figure is shown at its default values. '
        f"With JavaScript on, controls appear here to explore it; the notebook (JupyterLab, "
        f"Binder or Colab) has live sliders.</p></noscript>"
        f'<script type="application/json" class="km-explorer-data">{blob}</script></div>'
    )


def _spec(c: Control) -> list[Any]:
    """The control as the spec that declares it (for the benchmark and for readers)."""
    if c.kind == "choice":
        return list(c.options)
    return [c.low, c.high, c.step, c.default]
