"""Printable PDFs of the book: one per page of the table of contents, and the whole book.

When the HTML builder has finished without error, the extension serves the output
folder from 127.0.0.1, opens every page of the table of contents (root page,
chapters, appendices, in reading order) in headless Chromium through Playwright,
waits until MathJax has typeset the math and every image has loaded, and prints
the page with Chromium's own PDF printer (A4, margins, backgrounds, a header
with the book's and the page's title and a footer with page numbers). The print
stylesheet ``ketamodel-print.css`` (from ``ketamodel/static/``) hides what only
makes sense on screen and wraps long code lines. The pages' PDFs are joined, in
reading order and with one bookmark per page, into the whole book.

Output, inside the HTML output folder::

    _static/pdf/<stem>.pdf   one per page of the table of contents
    _static/pdf/book.pdf     the whole book

Each of those pages gets two entries in its download menu, "PDF of this chapter"
and "PDF of the whole book", as relative links (the book stays usable offline).

Environment:

``KETAMODEL_PDF=0``
    Skip the PDFs (and the links to them) for quick local builds; on by default.

A PDF newer than its HTML page (and than the print stylesheet) is kept, so a warm
build reprints only the pages that changed. Chromium is looked for at
``/usr/bin/chromium`` (``KETAMODEL_CHROMIUM`` overrides); when it, Playwright or
pypdf is missing, the build fails with an error that says what to install. A page
whose math is left untypeset or whose images do not load is reported as a
warning, hence an error under ``-W``.
"""

from __future__ import annotations

import asyncio
import functools
import html
import http.server
import os
import posixpath
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Environment variable that turns the PDF step off when set to ``0``.
PDF_ENV = "KETAMODEL_PDF"
#: Environment variable naming another Chromium executable.
CHROMIUM_ENV = "KETAMODEL_CHROMIUM"
#: The Chromium that prints the pages (Debian's package).
CHROMIUM = Path("/usr/bin/chromium")
#: Launch flags that keep Chromium quiet and offline: anything not on loopback (which
#: Chromium never proxies) is sent to a closed port.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",
]
#: Print stylesheet, in ``ketamodel/static/``.
PRINT_CSS = "ketamodel-print.css"
STATIC_DIR = Path(__file__).parent / "static"
#: Where the PDFs go, inside the HTML output folder.
PDF_DIR = "_static/pdf"
#: File name of the whole book.
BOOK_PDF = "book.pdf"
#: Page margins, for the header and footer to sit in.
MARGIN = {"top": "20mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
#: Browser tabs printing at once (Chromium renders each in its own process).
JOBS = max(1, min(2, os.cpu_count() or 1))
#: Seconds a page may take to load, typeset and print.
PAGE_TIMEOUT_S = 120.0

# Runs in the page once it has loaded: waits for MathJax, the images and the fonts,
# then says what did not render.
_READY = r"""
async () => {
  const out = {untypeset: [], broken: [], mathjaxError: null};
  const imgs = Array.from(document.images);
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    try { await window.MathJax.startup.promise; }
    catch (e) { out.mathjaxError = String(e); }
  }
  await Promise.race([
    Promise.all(imgs.map(i => i.complete ? null
                              : new Promise(r => { i.onload = r; i.onerror = r; }))),
    new Promise(r => setTimeout(r, 20000))]);
  await Promise.all(imgs.map(i => i.decode ? i.decode().catch(() => null) : null));
  await document.fonts.ready;
  const article = document.querySelector('article.bd-article') || document.body;
  out.untypeset = Array.from(article.querySelectorAll('span.math, div.math'))
      .filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.trim().slice(0, 60));
  out.broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
      .map(i => (i.getAttribute('src') || '').slice(0, 100));
  return out;
}
"""

_BAND = ("box-sizing:border-box; width:100%; padding:0 16mm; font-size:8px; color:#555; "
         "font-family:sans-serif;")
_HEADER = (f'<div style="{_BAND} display:flex; justify-content:space-between;">'
           '<span>{book}</span><span>{page}</span></div>')
_FOOTER = (f'<div style="{_BAND} text-align:center;"><span class="pageNumber"></span> / '
           '<span class="totalPages"></span></div>')


# --- which pages, and what they are called --------------------------------------------------

def pdf_names(pages: Sequence[str]) -> dict[str, str]:
    """File name of each page's PDF: its stem, or its whole path when two stems clash.

    Parameters
    ----------
    pages : sequence of str
        Document names (``chapters/01_nmda_antagonism``).

    Returns
    -------
    dict
        Document name → file name (``01_nmda_antagonism.pdf``), never ``book.pdf``.
    """
    stems = [posixpath.basename(p) for p in pages]
    names = {}
    for page, stem in zip(pages, stems, strict=True):
        clash = stems.count(stem) > 1 or f"{stem}.pdf" == BOOK_PDF
        names[page] = (page.replace("/", "-") if clash else stem) + ".pdf"
    return names


def reading_order(env: Any) -> list[str]:
    """The documents of the table of contents in reading order, the root first.

    Parameters
    ----------
    env : sphinx.environment.BuildEnvironment
        The build environment (its ``toctree_includes`` give the order).

    Returns
    -------
    list of str
        Document names, each once.
    """
    order: list[str] = []

    def walk(doc: str) -> None:
        if doc in order or doc not in env.all_docs:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def pdf_enabled() -> bool:
    """Whether the PDFs are made (``KETAMODEL_PDF`` is not ``0``)."""
    return os.environ.get(PDF_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def chromium_path() -> Path:
    """The Chromium executable to print with (``KETAMODEL_CHROMIUM`` or Debian's)."""
    return Path(os.environ.get(CHROMIUM_ENV) or CHROMIUM)


# --- printing -----------------------------------------------------------------------------

@dataclass
class PrintedPage:
    """One page printed to PDF."""

    name: str
    pdf: Path
    seconds: float = 0.0
    printed: bool = True                    # False when an up-to-date PDF was kept
    problems: list[str] = field(default_factory=list)


@dataclass
class PdfReport:
    """What :func:`make_pdfs` did."""

    pages: list[PrintedPage]
    book: Path
    seconds: float
    book_pages: int


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] | None = None
          ) -> Iterator[str]:
    """Serve ``directory`` from a thread on an ephemeral port of 127.0.0.1.

    Parameters
    ----------
    directory : Path
        Folder to serve.
    handler : type, optional
        A ``SimpleHTTPRequestHandler`` subclass to serve with (default: one that
        logs nothing).

    Yields
    ------
    str
        Base URL, ending in ``/``.
    """
    handler = functools.partial(handler or _QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _up_to_date(pdf: Path, sources: Sequence[Path]) -> bool:
    if not pdf.is_file():
        return False
    stamp = pdf.stat().st_mtime
    return all(not s.exists() or s.stat().st_mtime < stamp for s in sources)


async def _print_all(base: str, jobs: list[tuple[PrintedPage, str]], book_title: str,
                     chromium: Path) -> None:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = await browser.new_context(service_workers="block")
        context.set_default_timeout(PAGE_TIMEOUT_S * 1000)
        queue: asyncio.Queue[tuple[PrintedPage, str]] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker() -> None:
            tab = await context.new_page()
            while not queue.empty():
                done, title = queue.get_nowait()
                t0 = time.perf_counter()
                try:
                    await tab.goto(base + done.name + ".html", wait_until="load")
                    state = await tab.evaluate(_READY)
                    done.problems += [f"math left as TeX: {m!r}" for m in state["untypeset"]]
                    done.problems += [f"image did not load: {s}" for s in state["broken"]]
                    if state["mathjaxError"]:
                        done.problems.append(f"MathJax failed: {state['mathjaxError']}")
                    done.pdf.parent.mkdir(parents=True, exist_ok=True)
                    tmp = done.pdf.with_suffix(".pdf.part")
                    await tab.pdf(
                        path=str(tmp), format="A4", margin=MARGIN, print_background=True,
                        display_header_footer=True, outline=True, tagged=True,
                        header_template=_HEADER.format(book=html.escape(book_title),
                                                       page=html.escape(title)),
                        footer_template=_FOOTER)
                    tmp.replace(done.pdf)
                except PlaywrightError as exc:
                    done.problems.append(f"browser: {exc.message.splitlines()[0]}")
                done.seconds = time.perf_counter() - t0
            await tab.close()

        await asyncio.gather(*(worker() for _ in range(min(JOBS, len(jobs)) or 1)))
        await context.close()
        await browser.close()


def _in_thread(coro: Any) -> None:
    """Run a coroutine to its end in a thread of its own (whatever loop this one runs)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=run, name="ketamodel-pdf")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def join_pdfs(parts: Sequence[tuple[Path, str]], target: Path,
              metadata: Mapping[str, str] | None = None) -> int:
    """Join PDFs into one, with one bookmark per part (its own bookmarks below it).

    Parameters
    ----------
    parts : sequence of (Path, str)
        Each part's file and bookmark title, in order.
    target : Path
        The joined PDF (written atomically).
    metadata : mapping, optional
        Document information, e.g. ``{"/Title": ...}``.

    Returns
    -------
    int
        Number of pages of the joined PDF.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path, title in parts:
        writer.append(str(path), outline_item=title)
    if metadata:
        writer.add_metadata(dict(metadata))
    writer.page_mode = "/UseOutlines"
    tmp = target.with_suffix(".pdf.part")
    with tmp.open("wb") as fh:
        writer.write(fh)
    tmp.replace(target)
    return len(writer.pages)


def check_tools() -> Path:
    """Chromium's path, once Chromium, Playwright and pypdf are known to be there.

    Raises
    ------
    RuntimeError
        Naming what is missing and how to install it.
    """
    missing = []
    chromium = chromium_path()
    if not chromium.is_file():
        missing.append(f"Chromium at {chromium} (Debian: apt-get install chromium)")
    for module, package in (("playwright", "playwright"), ("pypdf", "pypdf")):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the Python package {package} (pip install -r requirements.txt)")
    if missing:
        raise RuntimeError(
            "the book's PDFs cannot be printed without " + "; ".join(missing)
            + f". Set {PDF_ENV}=0 to build without PDFs.")
    return chromium


def make_pdfs(html_dir: Path, pages: Sequence[str], titles: Mapping[str, str],
              book_title: str, author: str = "", force: bool = False) -> PdfReport:
    """Print each page of a built HTML book to PDF, and join them into the whole book.

    Parameters
    ----------
    html_dir : Path
        Output folder of the HTML builder.
    pages : sequence of str
        Document names in reading order.
    titles : mapping
        Document name → title (shown in the header and as the bookmark).
    book_title : str
        The book's title (header, and the whole book's document title).
    author : str, optional
        The whole book's author, for its document information.
    force : bool, optional
        Print every page, even those whose PDF is newer than the HTML.

    Returns
    -------
    PdfReport
        The pages, the whole book's path, its number of pages and the seconds taken.

    Raises
    ------
    RuntimeError
        When Chromium, Playwright or pypdf is missing.
    """
    t0 = time.perf_counter()
    chromium = check_tools()
    html_dir = Path(html_dir)
    out = html_dir / PDF_DIR
    names = pdf_names(pages)
    css = [html_dir / "_static" / PRINT_CSS, STATIC_DIR / PRINT_CSS, Path(__file__)]
    done = [PrintedPage(name=p, pdf=out / names[p]) for p in pages]
    todo = [(d, titles.get(d.name, d.name)) for d in done
            if force or not _up_to_date(d.pdf, [html_dir / f"{d.name}.html", *css])]
    for d in done:
        d.printed = any(d is t for t, _ in todo)
    if todo:
        with serve(html_dir) as base:
            _in_thread(_print_all(base, todo, book_title, chromium))
    book = out / BOOK_PDF
    parts = [(d.pdf, titles.get(d.name, d.name)) for d in done if d.pdf.is_file()]
    meta = {"/Title": book_title, **({"/Author": author} if author else {})}
    if todo or not _up_to_date(book, [d.pdf for d in done]):
        count = join_pdfs(parts, book, meta)
    else:
        from pypdf import PdfReader

        count = len(PdfReader(str(book)).pages)
    return PdfReport(pages=done, book=book, seconds=time.perf_counter() - t0, book_pages=count)


# --- Sphinx -------------------------------------------------------------------------------

def _active(app: Any) -> bool:
    return app.builder.name == "html" and pdf_enabled()


def _static(app: Any, config: Any) -> None:
    """Serve the print stylesheet (the folder may already be listed by another extension)."""
    listed = {(Path(app.confdir) / p).resolve() for p in config.html_static_path}
    if STATIC_DIR.resolve() not in listed:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def _links(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Put "PDF of this chapter" and "PDF of the whole book" in the page's download menu."""
    if not _active(app) or doctree is None:
        return
    pages = reading_order(app.env)
    if pagename not in pages:
        return
    names = pdf_names(pages)
    root = context["pathto"]("_static", 1)          # relative: the book works offline
    links = [
        {"type": "link", "url": f"{root}/pdf/{names[pagename]}", "text": "PDF of this chapter",
         "tooltip": "Download this chapter as PDF", "icon": "fas fa-file-pdf",
         "label": "download-chapter-pdf-button"},
        {"type": "link", "url": f"{root}/pdf/{BOOK_PDF}", "text": "PDF of the whole book",
         "tooltip": "Download the whole book as PDF", "icon": "fas fa-book",
         "label": "download-book-pdf-button"},
    ]
    buttons = context.setdefault("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "download-buttons"), None)
    if group is None:
        buttons.insert(0, {"type": "group", "tooltip": "Download this page",
                           "icon": "fas fa-download", "buttons": links,
                           "label": "download-buttons"})
        return
    # The theme's ".pdf" entry only opens the browser's print dialog: the files replace it.
    group["buttons"] = [b for b in group["buttons"]
                        if b.get("label") != "download-pdf-button"] + links


def book_title(config: Any) -> str:
    """The book's title: Jupyter Book puts it in ``html_title``, Sphinx in ``project``."""
    return str(getattr(config, "html_title", "") or config.project)


def _print(app: Any, exception: BaseException | None) -> None:
    """After a successful HTML build, print the PDFs and report the time taken."""
    if exception is not None or not _active(app):
        return
    from sphinx.errors import ExtensionError
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    pages = reading_order(app.env)
    titles = {p: app.env.titles[p].astext() for p in pages if p in app.env.titles}
    try:
        report = make_pdfs(Path(app.outdir), pages, titles, book_title(app.config),
                           str(app.config.author or ""))
    except RuntimeError as exc:
        raise ExtensionError(str(exc)) from exc
    for page in report.pages:
        for problem in page.problems:
            logger.warning("PDF of %s: %s", page.name, problem, location=page.name)
        if not page.pdf.is_file():
            logger.warning("PDF of %s was not written", page.name, location=page.name)
    printed = [p for p in report.pages if p.printed]
    logger.info("PDF: printed %d of %d pages and joined the book (%d pages) in %.1f s",
                len(printed), len(report.pages), report.book_pages, report.seconds)


def setup(app: Any) -> dict[str, Any]:
    """Register the print stylesheet, the download links and the PDF step with Sphinx."""
    app.connect("config-inited", _static)
    app.add_css_file(PRINT_CSS)
    app.connect("html-page-context", _links, priority=600)   # after the theme's buttons (501)
    app.connect("build-finished", _print)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
