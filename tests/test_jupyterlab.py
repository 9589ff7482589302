"""The live notebooks in JupyterLab: every interactive figure answers its controls.

JupyterLab is started from this environment (the one running the tests, with
jupyterlab-myst and the widget manager) on 127.0.0.1, with a random port and
token, on a temporary copy of ``chapters/`` (so the notebooks in the
repository are never written). Each chapter that has an interactive figure is
opened in headless Chromium, which can reach nothing but 127.0.0.1, and all
its cells are run. Then every control of every interactive figure is moved
with the keyboard (a dropdown gets its next option) and the figure must
change. The tests fail on an error or stderr output in the notebook, an error
line under a figure, a JavaScript or console error, Markdown that MyST did not
render, and any request that leaves 127.0.0.1. Screenshots of each figure
before and after are saved to ``_build/screenshots/`` for a human look.

jupyterlab-myst renders a notebook on its own, so references to other pages
of the book (glossary terms, labels in other chapters) cannot resolve there;
it logs them as console errors. Such an error is accepted only for a target
that the built book does define.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from docutils.nodes import make_id
from playwright.sync_api import Browser, Locator, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ketamodel.sphinxext import toc_pages

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",      # anything not on loopback goes nowhere
]
VIEWPORT = {"width": 1400, "height": 1000}
RUN_ALL_TIMEOUT_S = 300
# The cells of the notebook on show (a hidden tab's notebook is not it).
NOTEBOOK_CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"
SHOTS = ROOT / "_build" / "screenshots"
# JupyterLab settings for a quiet, deterministic session: start the notebook's kernel
# without asking, render every cell (no windowing), fetch no news and no updates.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True,
                                               "windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
MYST_PLUGIN = "jupyterlab-myst:mime-renderer"
WIDGETS_PLUGIN = "@jupyter-widgets/jupyterlab-manager:plugin"
UNRESOLVED = re.compile(r"Cross reference target was not found: (.+)")


def _live_chapters() -> list[str]:
    """Chapters (of _toc.yml) with at least one call of ``interactive_figure(``."""
    found = []
    for page in toc_pages(ROOT):
        path = ROOT / f"{page}.ipynb"
        if page.startswith("chapters/") and path.is_file():
            nb = nbformat.read(path, as_version=4)
            if any(c.cell_type == "code" and "interactive_figure(" in c.source for c in nb.cells):
                found.append(page)
    return found


LIVE_CHAPTERS = _live_chapters()


# --- JupyterLab and the browser ---------------------------------------------------------------

@dataclass
class Lab:
    """A running JupyterLab server."""

    base: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(log: Path, n: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-n:]) if log.exists() else ""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1, serving a copy of the chapters, from this environment."""
    try:
        import jupyterlab  # noqa: F401
        import jupyterlab_myst  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"JupyterLab with jupyterlab-myst is needed (requirements.txt): {exc}")
    tmp = tmp_path_factory.mktemp("jupyterlab")
    notebooks = tmp / "book"
    shutil.copytree(ROOT / "chapters", notebooks / "chapters",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    settings = tmp / "settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.pop("KETAMODEL_STATIC_EXPLORER", None)        # the live widgets, not the book's frames
    env |= {"JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_DATA_DIR": str(tmp / "data"),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
            "IPYTHONDIR": str(tmp / "ipython"), "MPLCONFIGDIR": str(tmp / "mpl"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            # the kernel imports this checkout's library
            "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])}
    port, token = _free_port(), secrets.token_hex(24)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")                   # containers and CI often run as root
    log = tmp / "jupyterlab.log"
    with log.open("w") as out:
        process = subprocess.Popen(cmd, env=env, cwd=notebooks, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Lab(base=f"http://127.0.0.1:{port}", token=token, root=notebooks, log=log,
                 process=process)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(server.url("api/status"), timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{_log_tail(log)}")
                time.sleep(0.5)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)   # the server and the kernels it started
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# --- one session per chapter ---------------------------------------------------------------

@dataclass
class ControlCheck:
    """One control of one interactive figure, moved once."""

    figure: int                     # index of the code cell
    control: str                    # its label in the widget
    kind: str                       # "slider" or "dropdown"
    changed_src: bool = False
    changed_pixels: bool = False
    message: str = ""               # the figure's error line afterwards
    problem: str = ""


@dataclass
class Session:
    """What happened when a chapter was opened, run and explored in JupyterLab."""

    chapter: str
    seconds: float = 0.0
    plugins: dict[str, bool] = field(default_factory=dict)
    cells: list[dict] = field(default_factory=list)
    run_result: str = ""
    figures: list[int] = field(default_factory=list)
    controls: list[ControlCheck] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failure: str = ""


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


_KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.status === 'idle' && w.content && w.content.widgets.length); }"""

_RUN_ALL = """async (timeout) => {
  const run = window.jupyterapp.commands.execute('notebook:run-all-cells');
  const late = new Promise(r => setTimeout(() => r('timed out'), timeout));
  try { return String(await Promise.race([run.then(() => 'done'), late])); }
  catch (e) { return 'failed: ' + e; } }"""

_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map((w, i) => {
  const m = w.model;
  const outputs = m.type === 'code' ? m.outputs.toJSON() : [];
  return {index: i, type: m.type, tags: m.getMetadata('tags') || [],
          count: m.type === 'code' ? m.executionCount : null,
          errors: outputs.filter(o => o.output_type === 'error')
                         .map(o => o.ename + ': ' + o.evalue),
          stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
                         .map(o => [].concat(o.text).join('').slice(0, 300)),
          widget: outputs.some(o => o.data &&
                               'application/vnd.jupyter.widget-view+json' in o.data),
          text: m.type === 'markdown' ? w.node.innerText : ''}; })"""


def _figure_image(cell: Locator) -> tuple[str, bytes]:
    image = cell.locator(".widget-image").first
    return image.get_attribute("src") or "", image.screenshot()


def _explore_figure(page: Page, index: int, session: Session) -> None:
    """Move every control of the interactive figure in code cell ``index``."""
    cell = page.locator(NOTEBOOK_CELLS).nth(index)
    cell.locator(".widget-image").first.scroll_into_view_if_needed()
    stem = Path(session.chapter).name
    sliders = cell.locator(".widget-slider")
    dropdowns = cell.locator(".widget-dropdown")
    moves = [("slider", k) for k in range(sliders.count())] + \
            [("dropdown", k) for k in range(dropdowns.count())]
    if not moves:
        session.controls.append(ControlCheck(index, "-", "-", problem="no controls found"))
    for n, (kind, k) in enumerate(moves):
        box = (sliders if kind == "slider" else dropdowns).nth(k)
        label = box.locator(".widget-label").first.inner_text().strip() or f"{kind} {k}"
        check = ControlCheck(index, label, kind)
        session.controls.append(check)
        src, pixels = _figure_image(cell)
        if n == 0:
            cell.locator(".jp-OutputArea").first.screenshot(
                path=str(SHOTS / f"jupyterlab-{stem}-cell{index}-before.png"))
        try:
            if kind == "slider":
                handle = box.locator(".noUi-handle").first
                handle.focus()
                page.keyboard.press("ArrowRight")
            else:
                select = box.locator("select").first
                options = select.locator("option").count()
                current = select.evaluate("s => s.selectedIndex")
                select.select_option(index=(current + 1) % options)
            page.wait_for_function(
                "([i, src]) => { const c = window.jupyterapp.shell.currentWidget.content"
                ".widgets[i].node; const im = c.querySelector('.widget-image');"
                " return im && im.getAttribute('src') !== src && im.complete; }",
                arg=[index, src], timeout=15_000)
        except PlaywrightError as exc:
            check.problem = exc.message.splitlines()[0]
        new_src, new_pixels = _figure_image(cell)
        check.changed_src = new_src != src
        check.changed_pixels = new_pixels != pixels
        check.message = cell.locator(".widget-html-content").first.inner_text().strip()
    cell.locator(".jp-OutputArea").first.screenshot(
        path=str(SHOTS / f"jupyterlab-{stem}-cell{index}-after.png"))


def _run_session(browser: Browser, lab: Lab, chapter: str) -> Session:
    session = Session(chapter=chapter)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(60_000)
    page = context.new_page()

    def route(r: Route) -> None:
        if _loopback(r.request.url):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    page.route("**/*", route)
    page.on("request", lambda r: _loopback(r.url) or session.blocked.append(r.url))
    page.on("console", lambda m: m.type == "error" and session.console_errors.append(m.text))
    page.on("pageerror", lambda e: session.page_errors.append(str(e)))
    t0 = time.perf_counter()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        # A workspace of its own, reset: the notebooks of earlier chapters stay closed.
        stem = Path(chapter).name
        page.goto(lab.url(f"lab/workspaces/{stem}/tree/{chapter}.ipynb") + "&reset",
                  wait_until="load")
        page.wait_for_function(_KERNEL_IDLE, timeout=90_000, polling=250)
        session.plugins = page.evaluate(
            "ids => Object.fromEntries(ids.map(id => [id, "
            "window.jupyterapp.isPluginActivated(id)]))", [MYST_PLUGIN, WIDGETS_PLUGIN])
        page.locator(NOTEBOOK_CELLS).first.click()
        session.run_result = page.evaluate(_RUN_ALL, RUN_ALL_TIMEOUT_S * 1000)
        page.wait_for_function(_KERNEL_IDLE, timeout=60_000, polling=250)
        session.cells = page.evaluate(_CELLS)
        session.figures = [c["index"] for c in session.cells if c["widget"]]
        for index in session.figures:
            _explore_figure(page, index, session)
        page.screenshot(path=str(SHOTS / f"jupyterlab-{Path(chapter).name}.png"))
    except PlaywrightError as exc:
        session.failure = exc.message.splitlines()[0]
        try:                                     # what the page showed when it failed
            page.screenshot(path=str(SHOTS / f"jupyterlab-{Path(chapter).name}-failed.png"))
        except PlaywrightError:
            pass
    finally:
        session.seconds = time.perf_counter() - t0
        context.close()
    return session


@pytest.fixture(scope="module")
def session(browser: Browser, lab: Lab) -> Iterator[object]:
    """``session(chapter)``: the chapter opened, run and explored once per module."""
    done: dict[str, Session] = {}

    def get(chapter: str) -> Session:
        if chapter not in done:
            done[chapter] = _run_session(browser, lab, chapter)
        s = done[chapter]
        assert not s.failure, f"{chapter}: the JupyterLab session failed: {s.failure}\n" \
            f"server log:\n{_log_tail(lab.log)}"
        return s

    yield get


@pytest.fixture(scope="module")
def book_ids(built_book: Path) -> set[str]:
    """Every element id of the built book (the targets a reference can resolve to), in the
    normal form of :func:`docutils.nodes.make_id` (jupyterlab-myst lower-cases a target)."""
    ids: set[str] = set()
    for page in built_book.rglob("*.html"):
        ids.update(make_id(i) for i in re.findall(
            r'\bid="([^"]+)"', page.read_text(encoding="utf-8", errors="replace")))
    return ids


def _listing(items: list) -> str:
    return "".join(f"\n  - {i}" for i in items)


# --- the tests ---------------------------------------------------------------------------------

pytestmark = pytest.mark.skipif(not LIVE_CHAPTERS, reason="no chapter has an interactive figure")


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_myst_and_widgets_are_active_and_markdown_is_rendered(session, chapter: str) -> None:
    s = session(chapter)
    assert s.plugins.get(MYST_PLUGIN), f"{chapter}: jupyterlab-myst is not active: {s.plugins}"
    assert s.plugins.get(WIDGETS_PLUGIN), f"{chapter}: the widget manager is not active"
    raw = [f"cell {c['index']}: {m.group(0)!r}" for c in s.cells if c["type"] == "markdown"
           for m in [re.search(r"```\{|:::\{|\{(cite|ref|term|doc)(:[a-z]+)?\}`", c["text"])]
           if m]
    assert not raw, f"{chapter}: MyST syntax shown as text (not rendered):{_listing(raw)}"


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_all_cells_run_without_errors(session, chapter: str) -> None:
    s = session(chapter)
    assert s.run_result == "done", f"{chapter}: running all cells: {s.run_result}"
    code = [c for c in s.cells if c["type"] == "code"]
    not_run = [c["index"] for c in code if not c["count"]]
    assert not not_run, f"{chapter}: code cells not run: {not_run}"
    errors = [f"cell {c['index']}: {e}" for c in code if "raises-exception" not in c["tags"]
              for e in c["errors"] + c["stderr"]]
    assert not errors, f"{chapter}: errors or stderr output in the notebook:{_listing(errors)}"


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_every_control_changes_its_figure(session, chapter: str) -> None:
    s = session(chapter)
    assert s.figures, f"{chapter}: no interactive figure was displayed as a live widget"
    problems = [f"cell {c.figure}, {c.kind} {c.control!r}: " +
                (c.problem or c.message or ("the image did not change" if not c.changed_src
                                            else "the image's pixels did not change"))
                for c in s.controls
                if c.problem or c.message or not (c.changed_src and c.changed_pixels)]
    assert not problems, f"{chapter}: interactive figures that did not answer:" \
        f"{_listing(problems)}"
    figures_moved = {c.figure for c in s.controls}
    assert figures_moved == set(s.figures), (figures_moved, s.figures)


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_no_javascript_or_console_errors(session, book_ids: set[str], chapter: str) -> None:
    s = session(chapter)
    problems = list(s.page_errors)
    for text in s.console_errors:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        targets = [m.group(1).strip() for m in map(UNRESOLVED.match, lines) if m]
        if targets and len(targets) == len(lines):
            # jupyterlab-myst renders the notebook alone: a reference to another page of the
            # book is fine if the book defines it; a reference to nothing is an error.
            problems += sorted({f"reference to an undefined target {t!r}" for t in targets
                                if make_id(t) not in book_ids})
        else:
            problems.append(text[:300])
    assert not problems, f"{chapter}: errors in the browser:{_listing(problems)}"


@pytest.mark.parametrize("chapter", LIVE_CHAPTERS)
def test_nothing_leaves_loopback(session, chapter: str) -> None:
    s = session(chapter)
    assert not s.blocked, f"{chapter}: requests to third parties:{_listing(s.blocked)}"
