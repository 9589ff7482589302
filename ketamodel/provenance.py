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

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType

from .params import ASSUMED_PREFIX, source_keys

#: A BibTeX key written in running text: letters, a year, letters (``jahr1990voltage``).
_KEY_IN_TEXT = re.compile(r"\b([a-z]+\d{4}[a-z][a-z0-9]*)\b")

#: The model modules, in the order of the book's chapters.
MODEL_MODULES = ("pharmacology", "circuits", "reward", "plasticity", "networks", "selfmodel",
                 "unified")


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
    def note_keys(self) -> list[str]:
        """BibTeX keys mentioned inside the note.

        For example the source of a range that an assumed value was chosen to match.
        """
        return _KEY_IN_TEXT.findall(self.note)

    @property
    def note(self) -> str:
        """The explanation after the key(s), or the reason for an assumption."""
        if self.assumed:
            return self.source[len(ASSUMED_PREFIX):].strip()
        return self.source.split(";", 1)[1].strip() if ";" in self.source else ""


def parameter_classes(module_names: tuple[str, ...] = MODEL_MODULES) -> list[type]:
    """Every dataclass in the named modules with a :func:`~ketamodel.params.param` field.

    A model may be a module or a subpackage; the classes of a subpackage's
    modules count as the model's, in the order of the modules' files and,
    within a file, of declaration.
    """
    found = []
    for name in module_names:
        module = importlib.import_module(f"ketamodel.{name}")
        prefix = module.__name__
        classes = {obj for sub in modules_of(module) for _, obj in
                   inspect.getmembers(sub, inspect.isclass)
                   if (obj.__module__ == prefix or obj.__module__.startswith(prefix + "."))
                   and dataclasses.is_dataclass(obj)
                   and any("source" in f.metadata for f in dataclasses.fields(obj))}
        found += sorted(classes, key=lambda c: (c.__module__, inspect.getsourcelines(c)[1]))
    return found


def modules_of(module: ModuleType) -> list[ModuleType]:
    """The module itself and, for a package, every module in it."""
    mods = [module]
    if hasattr(module, "__path__"):
        mods += [importlib.import_module(info.name) for info in
                 pkgutil.iter_modules(module.__path__, module.__name__ + ".")]
    return mods


def parameters(module_names: tuple[str, ...] = MODEL_MODULES) -> list[ParameterRow]:
    """All parameters of the models, one row per field, in module and declaration order.

    A field declared without :func:`~ketamodel.params.param` (no unit or source in its
    metadata) is still listed, with an empty unit and source, so that the
    audit in the tests can flag it. ``module`` is the model's name
    (``"pharmacology"``), also for a class defined in one of its submodules.
    """
    rows = []
    for name in module_names:
        for cls in parameter_classes((name,)):
            for f in dataclasses.fields(cls):
                rows.append(ParameterRow(module=name, cls=cls.__name__,
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
    """Escape table pipes and turn BibTeX keys in running text into citations."""
    return _KEY_IN_TEXT.sub(lambda m: "{cite:t}`" + m.group(1) + "`", text.replace("|", "\\|"))


def table_markdown(module: str, rows: list[ParameterRow] | None = None) -> str:
    """MyST Markdown tables of one module's parameters, one per class, citing with ``{cite:p}``.

    Assumed values are marked with a bold **assumed** and the reason; the last
    column says over what range the robustness appendix varies each value
    (:func:`ketamodel.robustness.report.range_text`).
    """
    from .robustness.report import range_text

    rows = parameters() if rows is None else rows
    classes = {c.__name__: c for c in parameter_classes()}
    lines: list[str] = []
    current = None
    for r in rows:
        if r.module != module:
            continue
        if r.cls != current:
            current = r.cls
            lines += ["", f"**`{r.cls}`**", "",
                      "| parameter | value | unit | source | varied over |",
                      "|---|---|---|---|---|"]
        if r.assumed:
            src = f"**assumed**: {_escape(r.note)}"
        else:
            src = "{cite:p}`" + ",".join(r.keys) + "`"
            if r.note:
                src += f"; {_escape(r.note)}"
        lines.append(f"| `{r.name}` | {r.default:g} | {_escape(r.unit)} | {src} | "
                     f"{range_text(classes[r.cls], r.name)} |")
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------------------
# Audit: used by the tests, and by anyone checking a change to the models
# --------------------------------------------------------------------------------------
_BIB_ENTRY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")
_ROLE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`|:cite(?::[a-z]+)?:`([^`]+)`")


def bib_keys(bibtex: str) -> set[str]:
    """The keys of the entries in a BibTeX text."""
    return set(_BIB_ENTRY.findall(bibtex))


def audit_rows(rows: list[ParameterRow], known_keys: set[str]) -> list[str]:
    """Problems with parameter rows; empty when all is well.

    A problem is a missing unit or source, an assumption without a reason, or a
    source key that is not in the bibliography.
    """
    problems = []
    for r in rows:
        where = f"{r.module}.{r.cls}.{r.name}"
        if not r.unit.strip():
            problems.append(f"{where}: no unit")
        if not r.source.strip():
            problems.append(f"{where}: no source")
        elif r.assumed and not r.note:
            problems.append(f"{where}: 'assumed:' without a reason")
        elif not r.assumed:
            if not r.keys:
                problems.append(f"{where}: source {r.source!r} names no key")
            for key in r.keys:
                if key not in known_keys:
                    problems.append(f"{where}: source key {key!r} is not in references.bib")
        for key in r.note_keys:
            if key not in known_keys:
                problems.append(f"{where}: key {key!r} in the note is not in references.bib")
    return problems


def cited_keys(text: str) -> set[str]:
    """BibTeX keys cited in a text.

    Both MyST roles (``{cite:p}`a,b```) and reST roles (``:cite:p:`a```) count.
    """
    keys: set[str] = set()
    for a, b in _ROLE.findall(text):
        keys |= {k.strip() for k in (a or b).split(",") if k.strip()}
    return keys


def module_level_literals(source: str, allowed: set[str] = frozenset()) -> list[str]:
    """Numeric literals assigned at the top level of a module, outside ``allowed`` names.

    A biological number belongs in a parameter dataclass; a module-level
    constant is allowed only for physical constants and unit conversions,
    listed by name in ``allowed``. Returns ``"name (line n): value"`` items.
    """
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = [n.id for t in node.targets for n in ast.walk(t)
                       if isinstance(n, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        else:
            continue
        if node.value is None or set(targets) <= set(allowed):
            continue
        for sub in ast.walk(node.value):
            if (isinstance(sub, ast.Constant) and isinstance(sub.value, int | float)
                    and not isinstance(sub.value, bool)):
                found.append(f"{', '.join(targets)} (line {node.lineno}): {sub.value!r}")
    return found
