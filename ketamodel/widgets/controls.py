"""The controls of an interactive figure: a slider or a list of options, with label and unit.

A control is declared once, as ``(low, high, step, default)`` for a slider, a
list of options (the first is the default) for a dropdown, a
:class:`~ketamodel.widgets.Slider`
or :class:`~ketamodel.widgets.Choice` when the label or unit should be given, or a ready
ipywidgets control. The same :class:`Control` makes the live ipywidgets
control in a kernel and the static control of the book's explorable figure,
and gives the values the static figure is drawn at.

The label and unit come from the parameter's name, which carries its unit in
this library (``dose_mg_per_kg`` → "dose", "mg/kg"); for a name without a
unit, from the model parameter of that name (its ``unit`` metadata, see
:func:`ketamodel.params.param`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw

#: Unit words that may end a parameter's name, and how they are written.
UNIT_WORDS = {
    "g": "g", "mg": "mg", "ug": "µg", "ng": "ng", "kg": "kg", "L": "L", "mL": "mL",
    "h": "h", "min": "min", "s": "s", "ms": "ms", "Hz": "Hz", "mV": "mV",
    "M": "M", "mM": "mM", "uM": "µM", "nM": "nM", "pct": "%",
}

#: Words of parameter names that are written in capitals in a label.
ACRONYMS = {"nmda": "NMDA", "ampa": "AMPA", "gaba": "GABA", "bdnf": "BDNF", "trkb": "TrkB",
            "mtorc1": "mTORC1", "dmn": "DMN", "sn": "SN", "iv": "IV", "pk": "PK"}


@dataclass(frozen=True)
class Slider:
    """A slider from ``low`` to ``high`` in steps of ``step``, starting at ``default``.

    ``label`` and ``unit`` override those read from the parameter's name.
    """

    low: float
    high: float
    step: float
    default: float
    label: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Choice:
    """A dropdown of ``options``; the first is the default unless ``default`` is given."""

    options: tuple[Any, ...]
    default: Any = None
    label: str | None = None


def split_name(name: str) -> tuple[str, str]:
    """A parameter's label and unit, read from its name.

    Parameters
    ----------
    name : str
        A name such as ``"dose_mg_per_kg"``, ``"duration_min"`` or ``"ke0_per_min"``.

    Returns
    -------
    tuple of str
        ``("dose", "mg/kg")``, ``("duration", "min")``, ``("ke0", "1/min")``; the
        unit is ``""`` when the name does not end with one. Acronyms are written
        in capitals (``nmda_share_e`` → ``("NMDA share e", "")``).
    """
    words = name.split("_")
    start = next((i for i in range(1, len(words)) if _unit(words[i:])), len(words))
    label = " ".join(ACRONYMS.get(w.lower(), w) for w in words[:start])
    return label, _unit(words[start:]) if start < len(words) else ""


def _unit(words: list[str]) -> str:
    """``["mg", "per", "kg"]`` → ``"mg/kg"``; ``["per", "min"]`` → ``"1/min"``; else ``""``."""
    if words[0] == "per":
        words = ["1", *words]
    parts = words[0::2]
    if any(w != "per" for w in words[1::2]) or len(words) % 2 == 0:
        return ""
    if not all(p in UNIT_WORDS or (i == 0 and p == "1") for i, p in enumerate(parts)):
        return ""
    return "/".join(UNIT_WORDS.get(p, p) for p in parts)


@functools.lru_cache(maxsize=1)
def _model_units() -> dict[str, str]:
    """Unit of each model parameter, by name (names with two different units are left out)."""
    from .. import provenance

    units: dict[str, set[str]] = {}
    for row in provenance.parameters():
        units.setdefault(row.name, set()).add(row.unit)
    return {name: next(iter(u)) for name, u in units.items() if len(u) == 1}


@dataclass(frozen=True)
class Control:
    """One control of an interactive figure.

    Attributes
    ----------
    name : str
        The builder's argument.
    label, unit : str
        What the control is called and the unit of its values (``""`` for none).
    kind : {"slider", "choice"}
        A slider over numbers, or a list of options.
    default : object
        The value the figure starts at.
    low, high, step : float
        The slider's range and step (``None`` for a choice).
    options : tuple
        The options of a choice (empty for a slider).
    """

    name: str
    label: str
    unit: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()

    @property
    def integer(self) -> bool:
        """True for a slider whose range, step and default are all integers."""
        return self.kind == "slider" and all(
            isinstance(v, int) and not isinstance(v, bool)
            for v in (self.low, self.high, self.step, self.default))

    @property
    def title(self) -> str:
        """The label with the unit, e.g. ``"dose (mg/kg)"``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label

    def lattice(self) -> list[Any]:
        """Every value the live control can take, in order."""
        if self.kind == "choice":
            return list(self.options)
        n = int(round((self.high - self.low) / self.step))
        return [self.value_at(i) for i in range(n + 1)]

    def value_at(self, i: int) -> Any:
        """The ``i``-th value of a slider, rounded to the precision of its step."""
        if self.integer:
            return self.low + i * self.step
        return round(min(self.high, self.low + i * self.step), self.decimals + 2)

    @property
    def decimals(self) -> int:
        """Decimal places that show every value of a slider (0 for integers)."""
        if self.kind != "slider":
            return 0
        d = 0
        while d < 10 and abs(round(self.step, d) - self.step) > 1e-12 * max(1.0, self.step):
            d += 1
        return d

    @property
    def suffix(self) -> str:
        """The text after a value (such as ``" mg/kg"``), empty for a fraction or an option."""
        return f" {self.unit}" if self.kind == "slider" and self.unit not in ("", "fraction") \
            else ""

    def format(self, value: Any, unit: bool = True) -> str:
        """A value as a reader sees it: ``"0.5 mg/kg"``, ``"40 min"``, ``"iv"``."""
        if self.kind == "choice":
            return str(value)
        text = f"{value:.{self.decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        return text + self.suffix if unit else text

    def widget(self, width: str = "420px") -> ipw.ValueWidget:
        """The live ipywidgets control, labelled with name and unit."""
        style = {"description_width": "initial"}
        if self.kind == "choice":
            return ipw.Dropdown(options=list(self.options), value=self.default,
                                description=self.title, style=style)
        cls = ipw.IntSlider if self.integer else ipw.FloatSlider
        kwargs = {} if self.integer else {"readout_format": f".{self.decimals}f"}
        return cls(value=self.default, min=self.low, max=self.high, step=self.step,
                   description=self.title, continuous_update=True, style=style,
                   layout=ipw.Layout(width=width), **kwargs)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _slider(name: str, low: Any, high: Any, step: Any, default: Any, label: str | None = None,
            unit: str | None = None) -> Control:
    spec = (low, high, step, default)
    if not all(_is_number(v) for v in spec) or not low <= default <= high or step <= 0 \
            or low >= high:
        raise ValueError(f"{name}: a slider needs finite numbers low <= default <= high, "
                         f"low < high and step > 0, got {spec!r}")
    n = (high - low) / step
    if abs(n - round(n)) > 1e-6 * max(1.0, n) or abs((default - low) / step
                                                      - round((default - low) / step)) > 1e-6:
        raise ValueError(f"{name}: a slider's range and default must be whole steps from its "
                         f"low end (low={low!r}, high={high!r}, step={step!r}, "
                         f"default={default!r})")
    auto_label, auto_unit = split_name(name)
    if unit is None:
        unit = auto_unit or _model_unit(name, low, high)
    return Control(name=name, label=label or auto_label, unit=unit, kind="slider",
                   default=default, low=low, high=high, step=step)


def _model_unit(name: str, low: float, high: float) -> str:
    """The unit of the model parameter of that name; a dimensionless share is a fraction."""
    unit = _model_units().get(name, "")
    if unit == "1":
        return "fraction" if 0 <= low and high <= 1 else ""
    return unit


def _choice(name: str, options: Any, default: Any = None, label: str | None = None) -> Control:
    options = tuple(options)
    if not options or any(_is_number(o) for o in options):
        raise ValueError(f"{name}: a dropdown needs a non-empty list of options that are not "
                         f"numbers (use (low, high, step, default) for a slider), got "
                         f"{list(options)!r}")
    default = options[0] if default is None else default
    if default not in options:
        raise ValueError(f"{name}: the default {default!r} is not one of {list(options)!r}")
    return Control(name=name, label=label or split_name(name)[0], unit="", kind="choice",
                   default=default, options=options)


def from_widget(name: str, w: ipw.ValueWidget) -> Control:
    """The :class:`Control` that a ready ipywidgets control stands for."""
    if isinstance(w, ipw.IntSlider | ipw.FloatSlider):
        return _slider(name, w.min, w.max, w.step, w.value, label=w.description or None)
    if hasattr(w, "options"):
        return _choice(name, [o[0] if isinstance(o, tuple) else o for o in w.options],
                       w.value, label=w.description or None)
    if isinstance(w, ipw.Checkbox | ipw.ToggleButton):
        return Control(name=name, label=w.description or split_name(name)[0], unit="",
                       kind="choice", default=w.value, options=(False, True))
    raise ValueError(f"{name}: a {type(w).__name__} cannot be shown in the static book; use "
                     f"a slider, a dropdown, a checkbox, (low, high, step, default) or a list")


def make_control(name: str, spec: Any) -> tuple[Control, ipw.ValueWidget | None]:
    """The control for a spec, and the ready widget when the spec was one."""
    if isinstance(spec, ipw.ValueWidget):
        return from_widget(name, spec), spec
    if isinstance(spec, Slider):
        return _slider(name, spec.low, spec.high, spec.step, spec.default, spec.label,
                       spec.unit), None
    if isinstance(spec, Choice):
        return _choice(name, spec.options, spec.default, spec.label), None
    if isinstance(spec, tuple) and len(spec) == 4 and all(_is_number(v) for v in spec):
        return _slider(name, *spec), None
    if isinstance(spec, list | tuple) and spec and not any(_is_number(v) for v in spec):
        return _choice(name, spec), None
    raise ValueError(f"{name}: expected (low, high, step, default), a list of options, a "
                     f"Slider, a Choice or a widget, got {spec!r}")
