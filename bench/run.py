"""Benchmark the book on this machine: builds, explorable figures, notebooks and callbacks.

Usage::

    .venv/bin/python bench/run.py                 # everything (a few minutes)
    .venv/bin/python bench/run.py --skip-build    # notebooks and callbacks only
    .venv/bin/python bench/run.py --out bench.json --check   # exit 1 if a target is missed

Measures, each next to a baseline measured in the same run so that results
from different machines can be compared:

* cold build: the book's sources copied to an empty temporary folder (no
  execution cache) and built with ``jupyter-book build -W -n --keep-going``;
  once with still figures only (``KETAMODEL_STATIC_EXPLORER=0``) and once as
  the book is built, with every interactive figure drawn as explorable
  frames; the ratio of the two is the build-time cost of the frames;
* warm rebuild: the same copy built again, nothing changed;
* explorable figures, read from the built HTML (each explorer carries what
  it was drawn from): frames and bytes per figure and per page, and the
  seconds spent drawing them;
* each notebook of the table of contents executed with nbclient (kernel
  ``python3``, working directory = the notebook's folder), as in a reader's
  kernel and as in a book build (frames drawn);
  baseline for builds and notebooks: an empty notebook's execution time;
* model entry points that the book promises to be fast (e.g. 1000 PRT agents
  × 300 trials): median and 95th percentile of repeated calls; baseline: a
  loop of 300 NumPy steps on arrays of 1000 numbers (the agents' loop without
  the model);
* each interactive figure's callback: ``InteractiveFigure.redraw`` over many
  varied control values, median and 95th percentile of ``callback_ms``;
  baseline: an Agg ``canvas.draw()`` of a one-line figure of the same size
  plus the PNG encoding. The figures are those the build drew (found in its
  HTML); with ``--skip-build``, those found by reading the notebooks.

Prints a table and writes JSON (default ``_build/bench.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
ROOT_FILES = ["_config.yml", "_toc.yml", "intro.md", "references.bib"]
BOOK_DIRS = ["chapters", "appendices"]

# Targets (seconds, except callbacks in milliseconds).
TARGET_CALLBACK_P95_MS = 50.0
TARGET_CHAPTER_S = 30.0
TARGET_COLD_BUILD_S = 120.0
TARGET_WARM_BUILD_S = 15.0
TARGET_FRAMES_BUILD_RATIO = 1.3        # cold build with frames / without
TARGET_PAGE_FRAMES_MB = 3.0            # frames per page
TARGET_AGENTS_MS = 100.0               # 1000 PRT agents x 300 trials
TARGET_PLASTICITY_MS = 50.0            # the plasticity cascade over 6 weeks
TARGET_NETWORK_MS = 50.0               # FC and measures of the 100-parcel brain, one state
TARGET_SELFMODEL_MS = 50.0             # the self-model over 8 weeks, hour by hour
TARGET_COHORT_MS = 2000.0              # a virtual cohort of 1000 patients over 8 weeks


@dataclass
class Result:
    """One line of the table."""

    name: str
    value: float | None
    unit: str                      # "s" or "ms"
    baseline: float | None = None  # same unit
    target: float | None = None    # value must be below it
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def status(self) -> str:
        if self.value is None:
            return "ERROR"
        if self.target is None:
            return "-"
        return "pass" if self.value < self.target else "MISS"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ratio": self.ratio, "status": self.status}


def _env(frames: bool | None = None) -> dict[str, str]:
    """Environment for builds and kernels: matplotlib state kept under _build, no GUI.

    ``frames`` sets ``KETAMODEL_STATIC_EXPLORER`` (True: draw explorable frames, False: still
    figures only); None leaves it as inherited (a build sets it itself).
    """
    from ketamodel.widgets import STATIC_ENV

    mpl = ROOT / "_build" / ".mplconfig"
    mpl.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLCONFIGDIR=str(mpl), MPLBACKEND="Agg",
               PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop(STATIC_ENV, None)
    if frames is not None:
        env[STATIC_ENV] = "1" if frames else "0"
    return env


# --- builds -------------------------------------------------------------------------------------

def _toc_files() -> list[str]:
    from ketamodel.sphinxext import toc_pages

    return toc_pages(ROOT)


def copy_book(dest: Path) -> None:
    """Copy the book's sources (not _build, not the venv) into ``dest``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    roots = set(ROOT_FILES) | {str(b) for b in config.get("bibtex_bibfiles", [])}
    dirs = set(BOOK_DIRS) | {f.split("/")[0] for f in _toc_files() if "/" in f}
    for name in sorted(roots):
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    for name in sorted(dirs):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


def build(src: Path, frames: bool | None = None) -> tuple[float, str | None]:
    """Build the book in ``src``; (seconds, None) or (seconds, the build's error lines).

    ``frames=False`` builds still figures only (no explorable frames).
    """
    jb = Path(sys.executable).with_name("jupyter-book")
    t0 = time.perf_counter()
    proc = subprocess.run([str(jb), "build", str(src), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, env=_env(frames), timeout=3600)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr).splitlines()
        errors = [line for line in log if "WARNING" in line or "ERROR" in line] or log[-20:]
        return seconds, "\n".join(errors[-20:])
    return seconds, None


# --- notebooks ----------------------------------------------------------------------------------

def execute_notebook(path: Path | None, frames: bool = False) -> float:
    """Seconds to execute a notebook (kernel start to shutdown); None → an empty notebook.

    ``frames=True`` runs it as a book build does, drawing the explorable frames.
    """
    import nbformat
    from nbclient import NotebookClient

    if path is None:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
        cwd = ROOT
    else:
        nb = nbformat.read(path, as_version=4)
        cwd = path.parent
    env, saved = _env(frames), dict(os.environ)
    os.environ.clear()
    os.environ.update(env)                     # the kernel inherits this environment
    try:
        client = NotebookClient(nb, kernel_name="python3", timeout=600,
                                resources={"metadata": {"path": str(cwd)}},
                                # quiet ipykernel 7's "running over TCP" warning
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        t0 = time.perf_counter()
        client.execute()
        return time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(saved)


def notebooks() -> list[Path]:
    found = []
    for f in _toc_files():
        path = ROOT / (f if f.endswith(".ipynb") else f"{f}.ipynb")
        if path.is_file():
            found.append(path)
    return found


# --- explorable figures, as the build drew them -------------------------------------------------

@dataclass
class Explorable:
    """One explorable figure of the built book, from the manifest its HTML carries."""

    page: str                      # e.g. "chapters/01_nmda_antagonism"
    builder: str                   # "module:qualname" of the figure's builder
    controls: dict[str, Any]       # name -> [low, high, step, default] or a list of options
    mode: str                      # "all", "pair" or "one-at-a-time"
    frames: int
    images: int                    # distinct images among the frames
    bytes: int                     # of the frame files it refers to
    render_s: float                # seconds spent drawing and encoding its frames


def explorables(html: Path) -> tuple[list[Explorable], dict[str, int]]:
    """The explorable figures of a built book, and the bytes of frames of each page."""
    from bs4 import BeautifulSoup

    found: list[Explorable] = []
    pages: dict[str, int] = {}
    for path in sorted(html.rglob("*.html")):
        if path.relative_to(html).parts[0] in ("_static", "_sources", "_images"):
            continue
        text = path.read_text(encoding="utf-8")
        if "data-km-explorer" not in text:
            continue
        page = path.relative_to(html).with_suffix("").as_posix()
        files: dict[Path, int] = {}
        for div in BeautifulSoup(text, "html.parser").select("div[data-km-explorer]"):
            manifest = json.loads(div["data-km-explorer"])
            data = json.loads(div.select_one("script.km-explorer-data").string)
            own = {(path.parent / src).resolve() for src in data["images"]}
            sizes = {f: f.stat().st_size for f in own if f.is_file()}
            files |= sizes
            found.append(Explorable(page=page, builder=manifest["builder"],
                                    controls=manifest["controls"], mode=manifest["mode"],
                                    frames=manifest["frames"], images=manifest["images"],
                                    bytes=sum(sizes.values()), render_s=manifest["render_s"]))
        pages[page] = sum(files.values())
    return found, pages


def _import(qualified: str) -> Callable[..., Any] | None:
    """The object named ``module:qualname``, or None when it cannot be imported."""
    import importlib

    module, _, qualname = qualified.partition(":")
    if not module or not qualname or "<" in qualname or module == "__main__":
        return None
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return obj


def figures_from_build(found: list[Explorable]
                       ) -> tuple[dict[str, tuple[Callable[..., Any], dict[str, Any]]], list[str]]:
    """The figures the build drew, as (builder, controls) by name; and the pages of those whose
    builder cannot be imported (defined in a notebook, say)."""
    figures: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}
    unresolved = []
    for ex in found:
        builder = _import(ex.builder)
        if builder is None:
            unresolved.append(ex.page)
            continue
        controls = {k: tuple(v) if v and isinstance(v[0], int | float) and len(v) == 4
                    else list(v) for k, v in ex.controls.items()}
        name = f"{Path(ex.page).name}:{ex.builder.rpartition(':')[2].split('.')[-1]}"
        _add_unique(figures, name, (builder, controls))
    return figures, unresolved


# --- interactive figures ------------------------------------------------------------------------

def _add_unique(figures: dict[str, Any], name: str, value: Any) -> None:
    """Store ``value`` under ``name``, or ``name#2``, ``name#3``... if that is taken."""
    unique, n = name, 1
    while unique in figures:
        n += 1
        unique = f"{name}#{n}"
    figures[unique] = value


def _figures() -> dict[str, tuple[Callable[..., Any], dict[str, Any]]]:
    """The book's interactive figures, found in the chapters: name → (builder, controls).

    Every code cell of the notebooks of ``_toc.yml`` (in reading order) that calls
    ``interactive_figure(`` is evaluated with ``ketamodel.widgets.interactive_figure``
    replaced by a recorder of its arguments, in a namespace holding ``km`` (ketamodel),
    ``np`` (numpy) and the notebook's top-level import statements. A figure is named
    ``<notebook stem>:<builder __name__>``. A figure cell that cannot be evaluated this way
    (it uses a variable of an earlier cell, say) stops the benchmark with its location.
    """
    import ast
    import re
    from unittest import mock

    import nbformat
    import numpy as np

    import ketamodel as km
    from ketamodel import widgets

    calls = re.compile(r"\binteractive_figure\s*\(")
    figures: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}
    recorded: list[tuple[Callable[..., Any], dict[str, Any]]] = []

    def record(builder: Callable[..., Any], **controls: Any) -> None:
        recorded.append((builder, controls))

    for path in notebooks():
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        sources = [c.source for c in cells]
        if not any(calls.search(src) for src in sources):
            continue
        imports = []
        for src in sources:
            try:
                tree = ast.parse(src)
            except SyntaxError:                  # IPython magics: not Python, no imports
                continue
            imports += [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        rel = path.relative_to(ROOT).as_posix()
        with mock.patch.object(widgets, "interactive_figure", record):
            namespace: dict[str, Any] = {"km": km, "np": np}
            exec(compile(ast.Module(body=imports, type_ignores=[]), rel, "exec"), namespace)
            for i, src in enumerate(sources):
                if not calls.search(src):
                    continue
                try:
                    exec(compile(src, f"{rel} (code cell {i + 1})", "exec"), namespace)
                except Exception as exc:
                    raise RuntimeError(f"{rel}, code cell {i + 1}: the interactive figure "
                                       f"cannot be evaluated on its own (with km, np and the "
                                       f"notebook's imports): {type(exc).__name__}: {exc}"
                                       ) from exc
        for builder, controls in recorded:
            name = f"{path.stem}:{getattr(builder, '__name__', type(builder).__name__)}"
            _add_unique(figures, name, (builder, controls))
        recorded.clear()
    return figures


def _plain(spec: Any) -> Any:
    """A control spec as ``(low, high, step, default)`` or a list of options."""
    from ketamodel.widgets import Choice, Slider

    if isinstance(spec, Slider):
        return (spec.low, spec.high, spec.step, spec.default)
    if isinstance(spec, Choice):
        return list(spec.options)
    return spec


def _random_value(spec: Any, rng: random.Random) -> Any:
    spec = _plain(spec)
    if isinstance(spec, tuple):
        low, high, step, _ = spec
        return round(low + step * rng.randint(0, int(round((high - low) / step))), 10)
    return rng.choice(list(spec))


def _step_value(spec: Any, current: Any, rng: random.Random) -> Any:
    """A small move, as when dragging a slider: 1-3 steps (or the next option)."""
    spec = _plain(spec)
    if isinstance(spec, tuple):
        low, high, step, _ = spec
        return round(min(high, max(low, current + step * rng.choice([-3, -2, -1, 1, 2, 3]))), 10)
    options = list(spec)
    return options[(options.index(current) + 1) % len(options)]


def callback_times(builder: Callable[..., Any], controls: dict[str, Any], n: int,
                   mode: str = "jump", seed: int = 0) -> tuple[list[float], int]:
    """``callback_ms`` of ``n`` redraws and how many needed a full redraw (axes changed).

    Each redraw moves one control, in turn: to a random value (``mode="jump"``, as
    clicking along a slider) or by a few steps (``mode="drag"``; a dropdown then
    changes only every tenth time).
    """
    from ketamodel import widgets

    fig = widgets.interactive_figure(builder, **controls)
    fig.png()                                   # shown once, as in the notebook
    update, full = fig.update, []

    def counting_update(**values: Any) -> bool | None:
        changed = update(**values)
        full.append(bool(changed))
        return changed

    fig.update = counting_update
    rng = random.Random(seed)
    names = list(controls)
    sliders = [k for k in names if isinstance(controls[k], tuple)] or names
    for i in range(n):
        if mode == "jump":
            name = names[i % len(names)]
            fig.redraw(**{name: _random_value(controls[name], rng)})
        else:
            name = names[i % len(names)] if i % 10 == 9 else sliders[i % len(sliders)]
            fig.redraw(**{name: _step_value(controls[name], fig.values()[name], rng)})
    return list(fig.callback_ms), sum(full)


def bare_redraw_times(size_in: tuple[float, float], dpi: float, n: int) -> list[float]:
    """Milliseconds for Agg ``canvas.draw()`` of a one-line figure plus PNG encoding."""
    import io

    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=size_in, dpi=dpi)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.linspace(0.0, 360.0, 361)
    line, = ax.plot(x, np.sin(x / 30.0))
    rng = np.random.default_rng(0)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        line.set_ydata(np.sin(x / 30.0) * rng.uniform(0.5, 1.5))
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                 "raw", "RGBA", 0, 1)
        image.save(io.BytesIO(), format="png", compress_level=1)
        times.append((time.perf_counter() - t0) * 1000.0)
    return times


def model_timings() -> list[tuple[str, Callable[[], Any], float | None, int]]:
    """(name, call, target in ms or None, repeats) of the model entry points that must be fast."""
    from itertools import count

    from ketamodel import networks, pharmacology, plasticity, reward, selfmodel, sweep, unified
    from ketamodel.robustness import analysis as robustness

    sessions = reward.simulate_agents(reward.AgentParams(rho=1.0), n_agents=4, seed=11)
    course = pharmacology.simulate(pharmacology.standard_infusion(), 24 * 60)
    drive = selfmodel.drug_drive(pharmacology.standard_infusion())   # builds the network table
    doses = count(1)

    seeds = count(100)

    def cohort() -> Any:                 # new people each call; exposures cached after the first
        table = unified.patient_table(1000, next(seeds))
        return unified.simulate_cohort(table, unified.ARMS["ketamine + therapy"])

    def new_schedule() -> Any:           # a dose not seen before: PK and cascade run again
        dose = pharmacology.Dose(0.4 + next(doses) * 1e-4, duration_min=40.0)
        return selfmodel.simulate(dose, therapy=selfmodel.Therapy())
    return [
        ("model reward.simulate_agents, 1000 agents x 300 trials",
         lambda: reward.simulate_agents(n_agents=1000, seed=1), TARGET_AGENTS_MS, 15),
        ("model reward.bias_by_rho, 56 values x 150 agents",
         lambda: reward.bias_by_rho(np.arange(0.0, 5.51, 0.1), n_agents=150, seed=7), None, 3),
        ("model reward.fit_agent, 4 sessions x 300 trials",
         lambda: reward.fit_agent(sessions.stimulus, sessions.choice, sessions.reward,
                                  n_starts=1), None, 3),
        ("model plasticity.simulate, 0.5 mg/kg, 6 weeks",
         lambda: plasticity.simulate(pharmacology.standard_infusion(), 42 * 24.0),
         TARGET_PLASTICITY_MS, 15),
        ("model plasticity.simulate, twice weekly for 3 weeks, 6 weeks",
         lambda: plasticity.simulate(pharmacology.repeated_infusions(6, interval_h=84),
                                     42 * 24.0), TARGET_PLASTICITY_MS, 15),
        ("model networks.simulate, 100 parcels, one occupancy and context",
         lambda: networks.simulate(0.54, "noisy clinical room"), TARGET_NETWORK_MS, 15),
        ("model networks.simulate, 200 parcels, one occupancy and context",
         lambda: networks.simulate(0.54, "noisy clinical room", n_parcels=200), None, 5),
        ("model selfmodel.simulate_drive, 8 weeks hourly, with therapy",
         lambda: selfmodel.simulate_drive(drive, therapy=selfmodel.Therapy()),
         TARGET_SELFMODEL_MS, 15),
        ("model selfmodel.simulate, standard infusion and therapy, 8 weeks",
         lambda: selfmodel.simulate(pharmacology.standard_infusion(),
                                    therapy=selfmodel.Therapy()), TARGET_SELFMODEL_MS, 15),
        ("model selfmodel.simulate, a new dose each call, 8 weeks", new_schedule, None, 5),
        ("model unified.simulate_cohort, 1000 patients x 8 weeks, ketamine + therapy",
         cohort, TARGET_COHORT_MS, 10),
        ("model unified.virtual_trial, 4 arms x 300 patients x 8 weeks",
         lambda: unified.virtual_trial(["ketamine", "ketamine + therapy", "midazolam",
                                        "saline"], 1200, seed=next(seeds)), None, 5),
        ("model sweep.cohort_sweep, 100000 patients x 4 weeks, serial (a tenth of 10^6)",
         lambda: sweep.cohort_sweep(100_000, seed=next(seeds)),
         None, 1),
        ("model robustness Morris, ch2.ketamine_partway, 20 trajectories",
         lambda: robustness.analyse("ch2.ketamine_partway"), None, 3),
        ("model reward.habenula_block, 24 h at 2 Hz",
         lambda: reward.habenula_block(course.t_min / 60, course.effect_site_uM, 2.0,
                                       output_dt_min=5), None, 3),
    ]


def numpy_loop_ms() -> float:
    """Milliseconds for 300 steps of a few NumPy operations on 1000 numbers (a baseline)."""
    rng = np.random.default_rng(0)
    q, u = np.zeros(4000), rng.random((300, 1000))
    rows = np.arange(1000)
    t0 = time.perf_counter()
    for t in range(300):
        p = 1.0 / (1.0 + np.exp(-(q[:1000] - q[1000:2000])))
        a = (u[t] >= p).astype(int)
        idx = 2 * a * 1000 + rows
        q[idx] += 0.1 * (a - q[idx])
    return (time.perf_counter() - t0) * 1e3


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation."""
    s = sorted(values)
    k = (len(s) - 1) * q / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --- report -------------------------------------------------------------------------------------

def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    return f"{x:.1f} {unit}".strip() if abs(x) >= 10 else f"{x:.2f} {unit}".strip()


def table(results: list[Result]) -> str:
    rows = [("measure", "value", "baseline", "ratio", "target", "status")]
    for r in results:
        rows.append((r.name, _fmt(r.value, r.unit), _fmt(r.baseline, r.unit),
                     "-" if r.ratio is None else f"{r.ratio:.1f}x",
                     "-" if r.target is None else f"< {_fmt(r.target, r.unit)}", r.status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(row, widths, strict=True))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json",
                        help="where to write the JSON results (default: _build/bench.json)")
    parser.add_argument("--skip-build", action="store_true", help="skip the builds")
    parser.add_argument("--skip-notebooks", action="store_true", help="skip notebook execution")
    parser.add_argument("--skip-models", action="store_true",
                        help="skip the timings of the model entry points")
    parser.add_argument("--callbacks", type=int, default=100,
                        help="redraws per interactive figure (default: 100; 0 to skip)")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 if a target is missed or a step fails")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    os.environ.update(_env())
    results: list[Result] = []
    baselines: dict[str, float] = {}
    errors: dict[str, str] = {}

    def report(r: Result) -> None:
        results.append(r)
        print(f"  {r.name}: {_fmt(r.value, r.unit)} ({r.status})", flush=True)

    if not (args.skip_build and args.skip_notebooks):
        print("baseline: empty notebook", flush=True)
        runs = [execute_notebook(None) for _ in range(3)]
        baselines["empty_notebook_s"] = statistics.median(runs)
        report(Result("baseline: empty notebook", baselines["empty_notebook_s"], "s",
                      note=f"median of {len(runs)}"))
    base_s = baselines.get("empty_notebook_s")

    figures: dict[str, tuple[Callable[..., Any], dict[str, Any]]] | None = None
    if not args.skip_build:
        print("builds (temporary copies of the book)", flush=True)
        with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
            seconds_by: dict[str, float | None] = {}
            book, still = Path(tmp) / "book", Path(tmp) / "still"
            for src in (book, still):
                src.mkdir()
                copy_book(src)
            for name, src, frames, target in (
                    ("cold build", book, None, TARGET_COLD_BUILD_S),
                    ("warm rebuild", book, None, TARGET_WARM_BUILD_S),
                    ("cold build, still figures only", still, False, TARGET_COLD_BUILD_S)):
                seconds, error = build(src, frames)
                if error:
                    errors[name] = error
                    print(f"  {name} FAILED after {seconds:.1f} s:\n{error}", flush=True)
                seconds_by[name] = None if error else seconds
                report(Result(name, seconds_by[name], "s", base_s, target))
            cold, plain = seconds_by["cold build"], seconds_by["cold build, still figures only"]
            report(Result("cold build with frames / still figures only",
                          cold / plain if cold and plain else None, "x", None,
                          TARGET_FRAMES_BUILD_RATIO,
                          note=f"frames cost {cold - plain:.1f} s" if cold and plain else ""))
            if cold:
                found, pages = explorables(book / "_build" / "html")
                print("explorable figures (from the built HTML)", flush=True)
                for ex in found:
                    label = f"{Path(ex.page).name}:{ex.builder.rpartition(':')[2]}"
                    note = (f"{ex.mode}, {ex.frames} frames ({ex.images} distinct), "
                            f"{ex.bytes / 1e3:.0f} kB, {ex.render_s:.1f} s to draw")
                    report(Result(f"frames {label}", float(ex.frames), "frames", note=note))
                    report(Result(f"frames {label} drawing", ex.render_s, "s", note=note))
                for page, nbytes in pages.items():
                    n = sum(ex.frames for ex in found if ex.page == page)
                    report(Result(f"frames per page {page}", nbytes / 1e6, "MB", None,
                                  TARGET_PAGE_FRAMES_MB,
                                  note=f"{n} frames in "
                                       f"{sum(ex.page == page for ex in found)} figures"))
                figures, unresolved = figures_from_build(found)
                if unresolved:                   # builders defined in a notebook
                    read = {k: v for k, v in _figures().items()
                            if any(k.startswith(Path(p).name + ":") for p in unresolved)}
                    figures |= {k: v for k, v in read.items() if k not in figures}

    if not args.skip_notebooks:
        print("notebooks (nbclient, kernel python3): as a reader runs them, and as the book "
              "build does (explorable frames drawn)", flush=True)
        for path in notebooks():
            rel = path.relative_to(ROOT).as_posix()
            for frames, label in ((False, ""), (True, " (book build, frames drawn)")):
                try:
                    seconds: float | None = execute_notebook(path, frames)
                except Exception as exc:   # noqa: BLE001 - report and go on with the others
                    errors[rel + label] = f"{type(exc).__name__}: {str(exc)[-2000:]}"
                    print(f"  {rel}{label} FAILED: {errors[rel + label][:500]}", flush=True)
                    seconds = None
                report(Result(f"notebook {rel}{label}", seconds, "s", base_s,
                              TARGET_CHAPTER_S))

    if not args.skip_models:
        print("model entry points", flush=True)
        loop = [numpy_loop_ms() for _ in range(15)]
        baselines["numpy_loop_ms"] = statistics.median(loop)
        report(Result("baseline: 300 NumPy steps on 1000 numbers", baselines["numpy_loop_ms"],
                      "ms", note="median of 15"))
        for name, call, target, repeats in model_timings():
            call()                                   # warm caches and imports
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                call()
                times.append((time.perf_counter() - t0) * 1e3)
            report(Result(f"{name} median", statistics.median(times), "ms",
                          baselines["numpy_loop_ms"], None, note=f"{repeats} calls"))
            report(Result(f"{name} p95", percentile(times, 95), "ms",
                          baselines["numpy_loop_ms"], target, note=f"{repeats} calls"))

    if args.callbacks > 0:
        print(f"interactive figures ({args.callbacks} redraws each)", flush=True)
        from ketamodel import widgets

        if figures is None:                      # no build: read the notebooks
            figures = _figures()
        for name, (builder, controls) in figures.items():
            probe = widgets.interactive_figure(builder, **controls).figure
            size, dpi = tuple(probe.get_size_inches()), probe.dpi
            bare = bare_redraw_times(size, dpi, max(args.callbacks, 20))
            key = f"bare_redraw_{size[0]:g}x{size[1]:g}in_{dpi:g}dpi"
            baselines[f"{key}_median_ms"] = statistics.median(bare)
            baselines[f"{key}_p95_ms"] = percentile(bare, 95)
            report(Result(f"baseline: bare redraw {size[0]:g}x{size[1]:g} in median",
                          baselines[f"{key}_median_ms"], "ms"))
            report(Result(f"baseline: bare redraw {size[0]:g}x{size[1]:g} in p95",
                          baselines[f"{key}_p95_ms"], "ms"))
            for mode in ("jump", "drag"):
                times, n_full = callback_times(builder, controls, args.callbacks, mode)
                note = (f"{len(times)} redraws ({mode}), {n_full} full (axes changed), "
                        f"max {max(times):.1f} ms")
                report(Result(f"callback {name} ({mode}) median", statistics.median(times),
                              "ms", baselines[f"{key}_median_ms"], None, note=note))
                report(Result(f"callback {name} ({mode}) p95", percentile(times, 95), "ms",
                              baselines[f"{key}_p95_ms"], TARGET_CALLBACK_P95_MS, note=note))
                print(f"    {note}", flush=True)

    print()
    print(table(results))
    payload = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "processor": platform.processor()},
        "book": str(ROOT),
        "baselines": baselines,
        "results": [r.as_dict() for r in results],
        "errors": errors,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults written to {args.out}")
    missed = [r.name for r in results if r.status in ("MISS", "ERROR")]
    if missed:
        print("missed or failed: " + ", ".join(missed))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
