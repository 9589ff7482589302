"""The frames of an explorable figure: which control values to draw, and within what budget.

The static book cannot run the model, so an interactive figure is drawn in
advance at a grid of its control values (*frames*); the page swaps frames as
the reader moves a control. The grid is chosen by :func:`frame_grid`:

1. **every combination** of the controls' values, if that fits the budget
   with at least ``min_steps`` positions per slider;
2. otherwise the **first two controls combined** (every pair of their values),
   and each further control varied **alone**, the others at their defaults;
3. otherwise **one control at a time** around the defaults.

A slider's static values are every ``k``-th value of the live slider counted
from its default, plus both ends of its range; a dropdown keeps every option.
The :class:`Budget` is a number of frames per figure (which bounds the build
time) and a number of bytes per figure and for all the figures of one
notebook (:data:`BUDGET` holds the book's). Frames are
palette PNGs sharing one palette per figure, so a swap changes only what the
model changed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from PIL import Image

from .controls import Control


@dataclass(frozen=True)
class Budget:
    """What the static figures may cost: in build time (frames) and in page weight (bytes).

    Attributes
    ----------
    min_steps : int
        Fewest positions per slider that the preferred grids must give.
    max_steps : int
        Most positions per slider (finer static grids cost build time for little insight).
    max_frames : int
        Most frames per figure (each costs a model run and a drawing at build time).
    figure_bytes : int
        Bytes of frames per figure.
    page_bytes : int
        Bytes of frames for all the figures of one page (one notebook).
    palette_colours : int
        Colours of the palette shared by the frames of a figure.
    """

    min_steps: int = 5
    max_steps: int = 11
    max_frames: int = 96
    figure_bytes: int = 1_500_000
    page_bytes: int = 3_000_000
    palette_colours: int = 64


#: The budget the book is built with.
BUDGET = Budget()

MODES = ("all", "pair", "one-at-a-time")


@dataclass(frozen=True)
class FrameGrid:
    """The control values an explorable figure is drawn at.

    Attributes
    ----------
    names : tuple of str
        The controls, in the builder's order.
    values : tuple of tuple
        The static values of each control, in increasing order (options in
        their given order).
    default : tuple of int
        Index of each control's default value in ``values``.
    mode : {"all", "pair", "one-at-a-time"}
        Every combination; the first two controls combined and the others
        alone; or each control alone.
    keys : tuple of tuple of int
        The frames, each as one index per control, sorted.
    """

    names: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    default: tuple[int, ...]
    mode: str
    keys: tuple[tuple[int, ...], ...]

    def __len__(self) -> int:
        return len(self.keys)

    def point(self, key: Sequence[int]) -> dict[str, Any]:
        """The control values of a frame, by name."""
        return {n: v[i] for n, v, i in zip(self.names, self.values, key, strict=True)}

    def describe(self, controls: Sequence[Control]) -> str:
        """One line for under the figure: what the static grid holds and what it does not."""
        counts = ", ".join(f"{c.label} ({_count(len(v), c)})"
                           for c, v in zip(controls, self.values, strict=True))
        head = f"Static figure, {len(self)} precomputed frames: {counts}."
        if len(controls) == 1:
            return head + " Run the notebook for every value."
        if self.mode == "all":
            return head + " Every combination is drawn; run the notebook for finer steps."
        if self.mode == "pair":
            alone = _join([c.label for c in controls[2:]])
            verb = "varies" if len(controls) == 3 else "vary"
            return (f"{head} {_upper_first(controls[0].label)} and {controls[1].label} are "
                    f"combined; {alone} {verb} alone, with the other controls at their default "
                    f"values (moving it resets them). Run the notebook to combine every control.")
        return (f"{head} Each control varies alone, with the others at their default values "
                f"(moving one resets the others). Run the notebook to combine them.")


def _count(n: int, control: Control) -> str:
    return f"{n} options" if control.kind == "choice" else f"{n} values"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def static_values(control: Control, steps: int) -> tuple[Any, ...]:
    """About ``steps`` values of a control for the static figure, its default among them.

    A dropdown keeps all its options. A slider keeps every ``k``-th value of
    its live range counted from the default, ``k`` the smallest stride giving
    at most ``steps`` positions, plus both ends of the range.
    """
    if control.kind == "choice":
        return tuple(control.options)
    lattice = control.lattice()
    n = len(lattice) - 1
    d = lattice.index(min(lattice, key=lambda v: abs(v - control.default)))
    stride = 1 if steps >= n + 1 else max(1, math.ceil(n / max(steps - 1, 1)))
    picked = {0, n, *range(d % stride, n + 1, stride)}
    return tuple(lattice[i] for i in sorted(picked))


def _keys(mode: str, sizes: Sequence[int], default: Sequence[int]) -> list[tuple[int, ...]]:
    """The frames of a grid mode, as index tuples."""
    if mode == "all":
        return list(product(*(range(s) for s in sizes)))
    combined = 2 if mode == "pair" else 0
    keys = set()
    if combined:
        for i, j in product(range(sizes[0]), range(sizes[1])):
            keys.add((i, j, *default[2:]))
    for c in range(combined, len(sizes)):
        for i in range(sizes[c]):
            keys.add(tuple(default[:c]) + (i,) + tuple(default[c + 1:]))
    keys.add(tuple(default))
    return sorted(keys)


def frame_count(mode: str, sizes: Sequence[int]) -> int:
    """Frames in a grid of that mode, with ``sizes`` values per control."""
    if mode == "all":
        return math.prod(sizes)
    if mode == "pair":
        return sizes[0] * sizes[1] + sum(s - 1 for s in sizes[2:])
    return 1 + sum(s - 1 for s in sizes)


def _modes(n_controls: int) -> tuple[str, ...]:
    if n_controls == 1:
        return ("all",)
    return ("all", "pair", "one-at-a-time") if n_controls > 2 else ("all", "one-at-a-time")


def frame_grid(controls: Sequence[Control], max_frames: int | None = None,
               budget: Budget = BUDGET) -> FrameGrid:
    """The grid of control values to draw an explorable figure at.

    Parameters
    ----------
    controls : sequence of Control
        The figure's controls, in order; the first two are the ones combined
        when not every combination fits.
    max_frames : int, optional
        The most frames allowed; by default ``budget.max_frames``.
    budget : Budget
        Its ``min_steps`` and ``max_steps`` bound the positions per slider.

    Returns
    -------
    FrameGrid
        The first mode of "all", "pair", "one-at-a-time" that fits
        ``max_frames`` with at least ``min_steps`` positions per slider,
        as fine as fits (up to ``max_steps``); failing that, one control
        at a time with as many positions as fit.

    Raises
    ------
    ValueError
        When even each control alone, a slider at its ends and its default, exceeds
        ``max_frames``.
    """
    if not controls:
        raise ValueError("controls: an explorable figure needs at least one control")
    max_frames = budget.max_frames if max_frames is None else max_frames
    lo, hi = budget.min_steps, budget.max_steps
    attempts = [(mode, steps) for mode in _modes(len(controls)) for steps in range(hi, lo - 1, -1)]
    attempts += [(_modes(len(controls))[-1], steps) for steps in range(lo - 1, 1, -1)]
    for mode, steps in attempts:
        values = [static_values(c, steps) for c in controls]
        sizes = [len(v) for v in values]
        if frame_count(mode, sizes) <= max_frames:
            default = tuple(v.index(c.default) if c.kind == "choice" else
                            v.index(min(v, key=lambda x, c=c: abs(x - c.default)))
                            for c, v in zip(controls, values, strict=True))
            mode = "all" if len(controls) == 1 else mode
            return FrameGrid(names=tuple(c.name for c in controls),
                             values=tuple(tuple(v) for v in values), default=default,
                             mode=mode, keys=tuple(_keys(mode, sizes, default)))
    least = frame_count(_modes(len(controls))[-1],
                        [len(static_values(c, 2)) for c in controls])
    raise ValueError(f"controls: the static figure needs at least {least} frames (each slider "
                     f"at its ends and its default, every option) but the budget allows "
                     f"{max_frames}; give fewer controls or options, or a smaller figure")


def frames_for_budget(frame_bytes: float, budget_bytes: float, max_frames: int) -> int:
    """How many frames of about ``frame_bytes`` each fit ``budget_bytes`` (at most max_frames)."""
    if frame_bytes <= 0:
        return max_frames
    return max(0, min(max_frames, int(budget_bytes // frame_bytes)))


class PaletteEncoder:
    """Encodes the frames of one figure as PNGs with one shared palette.

    The palette is made from sample frames (the default and the extremes), so
    static parts of the figure keep exactly their colour from frame to frame.
    """

    def __init__(self, samples: Sequence[Image.Image],
                 colours: int = BUDGET.palette_colours) -> None:
        rgb = [s.convert("RGB") for s in samples]
        width = sum(im.width for im in rgb)
        sheet = Image.new("RGB", (width, max(im.height for im in rgb)), "white")
        x = 0
        for im in rgb:
            sheet.paste(im, (x, 0))
            x += im.width
        self.palette = sheet.quantize(colours, method=Image.Quantize.FASTOCTREE,
                                      dither=Image.Dither.NONE)

    def png(self, image: Image.Image) -> bytes:
        """The image as a palette PNG."""
        indexed = image.convert("RGB").quantize(palette=self.palette, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        indexed.save(buf, format="png", compress_level=6)
        return buf.getvalue()
