"""Where every number comes from: the registry of the models' parameters.

Every parameter class of the library (a frozen dataclass whose fields were
declared with :func:`ketamodel.params.param`) is found here, and each of its
fields listed with its default, unit and source. The book's appendix
"Parameters and their sources" is generated from :func:`parameters`, and the
tests audit the same rows.

>>> from ketamodel import provenance
>>> rows = provenance.parameters()
>>> rows[0].module, rows[0].cls
('pharmacology', 'PKParams')
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from dataclasses import dataclass

from .params import ASSUMED_PREFIX, source_keys

#: The model modules, in the order of the book's chapters.
MODEL_MODULES = ("pharmacology", "circuits")


@dataclass(frozen=True)
class ParameterRow:
    """One parameter: where it lives, its default, unit and source."""

    module: str
    cls: str
    name: str
    default: float
    unit: str
    source: str

    @property
    def assumed(self) -> bool:
        """True when the value is a teaching choice, not a measurement."""
        return self.source.startswith(ASSUMED_PREFIX)

    @property
    def keys(self) -> list[str]:
        """BibTeX keys named by the source (empty for an assumed value)."""
        return source_keys(self.source)

    @property
    def note(self) -> str:
        """The explanation after the key(s), or the reason for an assumption."""
        if self.assumed:
            return self.source[len(ASSUMED_PREFIX):].strip()
        return self.source.split(";", 1)[1].strip() if ";" in self.source else ""


def parameter_classes(module_names: tuple[str, ...] = MODEL_MODULES) -> list[type]:
    """Every dataclass in the named modules that has at least one :func:`~ketamodel.params.param` field."""
    found = []
    for name in module_names:
        module = importlib.import_module(f"ketamodel.{name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (obj.__module__ == module.__name__ and dataclasses.is_dataclass(obj)
                    and any("source" in f.metadata for f in dataclasses.fields(obj))):
                found.append(obj)
    return found


def parameters(module_names: tuple[str, ...] = MODEL_MODULES) -> list[ParameterRow]:
    """All parameters of the models, one row per field, in module and declaration order.

    A field declared without :func:`~ketamodel.params.param` (no unit or source in its
    metadata) is still listed, with an empty unit and source, so that the
    audit in the tests can flag it.
    """
    rows = []
    for cls in parameter_classes(module_names):
        for f in dataclasses.fields(cls):
            rows.append(ParameterRow(module=cls.__module__.rsplit(".", 1)[-1], cls=cls.__name__,
                                     name=f.name, default=f.default,
                                     unit=f.metadata.get("unit", ""),
                                     source=f.metadata.get("source", "")))
    return rows


def summary(rows: list[ParameterRow] | None = None) -> str:
    """One line: how many parameters, how many from the literature, how many assumed."""
    rows = parameters() if rows is None else rows
    n_assumed = sum(r.assumed for r in rows)
    return (f"{len(rows)} parameters, {len(rows) - n_assumed} from the literature, "
            f"{n_assumed} assumed")


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def table_markdown(module: str, rows: list[ParameterRow] | None = None) -> str:
    """A MyST Markdown table of one module's parameters, citing sources with ``{cite:p}``.

    Assumed values are marked with a bold **assumed** and the reason.
    """
    rows = parameters() if rows is None else rows
    lines = ["| class | parameter | value | unit | source |", "|---|---|---|---|---|"]
    for r in rows:
        if r.module != module:
            continue
        if r.assumed:
            src = f"**assumed**: {_escape(r.note)}"
        else:
            src = "{cite:p}`" + ",".join(r.keys) + "`"
            if r.note:
                src += f"; {_escape(r.note)}"
        lines.append(f"| `{r.cls}` | `{r.name}` | {r.default:g} | {_escape(r.unit)} | {src} |")
    return "\n".join(lines)
