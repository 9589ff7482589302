"""The built book in a real browser (Chromium through Playwright), offline.

Every page of ``_build/html`` is served from 127.0.0.1 and opened once in
Chromium; any request to another host is blocked and recorded. Per page the
tests check that it loads without console or JavaScript errors, that it
fetches nothing from a third party, that its math is typeset, that its
images load, and (from the HTML, parsed in Python) that its links, anchors,
citations, navigation and launch buttons lead where they should. Every
control of every explorable figure (the static form of an interactive
figure) is moved, offline, and must swap the image and its alt text; without
JavaScript the still figure at the default values must show; at 400 px wide
nothing may overflow. Each chapter's first screen, and each explorable figure
before and after, are saved to ``_build/screenshots/`` for a human look.

Accessibility (WCAG 2.1 AA): axe-core, vendored in ``tests/axe-core/`` (no CDN,
no npm at test time), checks every page as it is visited, in light mode with all
its rules and then, switched to the theme's dark mode, for colour contrast; no
page may have a serious or critical violation, and a moderate or minor one only if
:data:`AXE_KNOWN` lists it with the reason. The 404 page is opened as GitHub Pages
serves it, for a missing address deep in the site, and its links must lead into
the book.
"""

from __future__ import annotations

import functools
import http.server
import posixpath
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from playwright.sync_api import Browser, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ketamodel.publish import pages_url, read_address
from ketamodel.sphinx_pdf import serve
from ketamodel.sphinx_site import NOT_FOUND, site_root
from ketamodel.sphinxext import toc_pages

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Belt and braces for the route below: anything not on loopback (which Chromium never
    # proxies) goes to a closed port, so nothing leaves the machine even if it escaped routing.
    "--proxy-server=http://127.0.0.1:9",
]
VIEWPORT = {"width": 1280, "height": 900}
LOOPBACK = {"127.0.0.1"}                 # the only host the pages may reach
# Pages Sphinx writes besides those of _toc.yml. "index" only redirects to the root page.
SPHINX_PAGES = ["index", "genindex", "search", "py-modindex"]
OPTIONAL_PAGES = {"py-modindex"}          # only built when the book documents a module
# Pages ketamodel.sphinx_site writes besides Sphinx's (tested by test_not_found_page_*).
SITE_PAGES = [NOT_FOUND.removesuffix(".html")]
SEARCH_TERM = "ketamine"


# --- what the book should contain (known at collection time) ---------------------------

def _toc_pages() -> list[str]:
    """Document names in reading order (root first), from _toc.yml."""
    return toc_pages(ROOT)


TOC_PAGES = _toc_pages()
PAGES = TOC_PAGES + [p for p in SPHINX_PAGES if p not in TOC_PAGES]
CHAPTERS = [p for p in TOC_PAGES if p.startswith("chapters/")]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
PUBLISHED = pages_url(read_address(ROOT).repository)      # the canonical address of the book

# --- accessibility: axe-core, vendored -------------------------------------------------------
AXE = ROOT / "tests" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# Impacts that fail a page whatever the rule.
AXE_FAILING = {"serious", "critical"}
# Moderate and minor findings that are known, with the reason; any other fails too.
AXE_KNOWN = {
    "region": "moderate, best practice (not a WCAG criterion): the theme (pydata-sphinx-theme "
              "0.17) puts the book's title at the top of the primary sidebar outside any "
              "landmark; every other part of the page is in one",
    "empty-table-header": "minor, best practice: pandas tables (Chapters 5 and 6) leave the "
                          "header cell over the index column empty",
}


# --- a static server and one browser for the module ---------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_book: Path) -> Iterator[str]:
    """Base URL of the built book, served from a thread on an ephemeral loopback port."""
    with serve(built_book, _QuietHandler) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as pw:                 # launch() uses a fresh temporary profile
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# --- one visit per page, shared by the tests of that page -----------------------------------

@dataclass
class Visit:
    """What happened when a page was opened in the browser."""

    name: str
    base: str
    url: str
    status: int | None = None
    final_url: str = ""
    seconds: float = 0.0
    blocked: list[str] = field(default_factory=list)          # non-loopback requests
    failed: list[str] = field(default_factory=list)           # loopback requests that failed
    bad_status: list[str] = field(default_factory=list)       # loopback responses >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dom: dict = field(default_factory=dict)                   # what _INSPECT returned
    axe: list[dict] | None = None                             # axe-core's violations
    axe_dark: list[dict] | None = None                        # ... in dark mode: contrast
    theme: str = ""                                           # the mode of that check
    axe_seconds: float = 0.0
    screenshot: Path | None = None


# Runs in the page once it has loaded: waits for MathJax and the images, then reports.
_INSPECT = r"""
async () => {
  const out = {mathjaxConfigured: typeof window.MathJax !== 'undefined',
               mathjaxStarted: false, mathjaxError: null};
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    try { await window.MathJax.startup.promise; out.mathjaxStarted = true; }
    catch (e) { out.mathjaxError = String(e); }
  }
  const article = document.querySelector('article.bd-article') || document.querySelector('main')
                  || document.body;
  out.hasMain = !!document.querySelector('main#main-content');
  out.textLength = article.innerText.trim().length;
  const maths = Array.from(article.querySelectorAll('span.math, div.math'));
  out.mathElements = maths.length;
  out.mjxContainers = article.querySelectorAll('mjx-container').length;
  out.untypeset = maths.filter(m => !m.querySelector('mjx-container'))
                       .map(m => m.textContent.trim().slice(0, 80));
  // TeX errors: an <merror>, or an undefined macro (MathJax shows it as red text).
  out.texErrors = Array.from(article.querySelectorAll('mjx-merror'))
      .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80));
  if (out.mathjaxStarted && MathJax.startup.document && MathJax.startup.toMML) {
    for (const item of MathJax.startup.document.math) {
      if (/<merror|mathcolor="red"/.test(MathJax.startup.toMML(item.root)))
        out.texErrors.push(String(item.math).slice(0, 80));
    }
  }
  // Raw TeX left in the article's text (code blocks and typeset math excluded).
  const skip = 'pre, code, script, style, textarea, kbd, mjx-container, .highlight';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const leftovers = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    const m = /\\\(|\\\[|\$\$|\\begin\{/.exec(n.textContent);
    if (m) leftovers.push(n.textContent.slice(Math.max(0, m.index - 30), m.index + 50).trim());
  }
  out.rawTex = leftovers.slice(0, 10);
  // Images: make lazy ones eager, wait (bounded) for all, then report broken ones.
  const imgs = Array.from(document.images);
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.race([
    Promise.all(imgs.map(i => i.complete ? null
                              : new Promise(r => { i.onload = r; i.onerror = r; }))),
    new Promise(r => setTimeout(r, 5000))]);
  out.images = imgs.length;
  out.articleImages = article.querySelectorAll('img').length;
  out.brokenImages = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
      .map(i => (article.contains(i) ? 'article: ' : 'page: ') + (i.getAttribute('src') || '')
                .slice(0, 120));
  await document.fonts.ready;
  return out;
}
"""


# Runs axe-core (already injected) on the page; returns its violations, summarised.
_AXE_RUN = r"""
async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ': ' +
                       (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 200))}));
}
"""


# Puts the page in the theme's dark mode (as its colour-mode button does, but without the
# theme's colour transitions, which axe would catch half-way), waits for a repaint and
# returns the mode the page is in.
_DARK = r"""
async () => {
  const still = document.createElement('style');
  still.textContent = '*, *::before, *::after { transition: none !important; }';
  document.head.appendChild(still);
  document.documentElement.dataset.mode = 'dark';
  document.documentElement.dataset.theme = 'dark';
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.documentElement.dataset.theme;
}
"""


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    """The vendored axe-core, checked against the version and checksum recorded here."""
    import hashlib

    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, \
        f"{AXE} is not the vendored axe-core {AXE_VERSION} (see tests/axe-core/README.md)"
    assert data.startswith(f"/*! axe v{AXE_VERSION}".encode()), f"{AXE}: not axe {AXE_VERSION}"
    return data.decode("utf-8")


def axe_violations(page, options: dict | None = None) -> list[dict]:
    """axe-core's violations on the page loaded in ``page`` (injected inline: no network)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=_axe_source())
    return page.evaluate(_AXE_RUN, options or {})


def axe_problems(violations: list[dict]) -> list[str]:
    """The violations a page may not have: serious or critical, or not in AXE_KNOWN."""
    return [f"{v['impact']} {v['id']} ({v['help']}), {len(v['nodes'])} node(s):"
            + "".join(f"\n      {n}" for n in v["nodes"][:6])
            for v in violations if v["impact"] in AXE_FAILING or v["id"] not in AXE_KNOWN]


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOOPBACK


class _Tab:
    """One browser tab for all the pages: new navigations reuse the renderer and its compiled
    scripts, which halves the time per page (routing turns the HTTP cache off). Events are
    recorded into the visit under way."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.visit = Visit(name="", base="", url="")   # where events go
        self.page.route("**/*", self._route)
        # Recorded from the request event, so a request that routing did not see counts too.
        self.page.on("request", lambda r: _is_loopback(r.url) or self.visit.blocked.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.visit.console_errors.append(
            f"{m.text} ({m.location.get('url', '')}:{m.location.get('lineNumber', '')})"))
        self.page.on("pageerror", lambda e: self.visit.page_errors.append(str(e)))
        self.page.on("requestfailed", lambda r: _is_loopback(r.url) and
                     self.visit.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.visit.bad_status.append(
            f"HTTP {r.status} {r.url}"))

    @staticmethod
    def _route(route: Route) -> None:
        if _is_loopback(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def open(self, built_book: Path, v: Visit) -> Visit:
        """Load the page of ``v``, inspect it (and take the screenshot of a chapter)."""
        self.visit = v
        page = self.page
        t0 = time.perf_counter()
        refresh = None
        try:
            response = page.goto(v.url, wait_until="load")
            v.status = response.status if response else None
            refresh = _soup(built_book / f"{v.name}.html").find(
                "meta", attrs={"http-equiv": re.compile("refresh", re.I)})
            if refresh is not None:                 # index.html: follow the redirect
                target = urljoin(v.url, refresh["content"].split("url=", 1)[-1].strip())
                page.wait_for_url(target)
                page.wait_for_load_state("load")
            v.dom = page.evaluate(_INSPECT)
            v.final_url = page.url
            if v.name in CHAPTERS:
                shots = built_book.parent / "screenshots"
                shots.mkdir(parents=True, exist_ok=True)
                v.screenshot = shots / f"{Path(v.name).name}.png"
                v.screenshot.unlink(missing_ok=True)
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(v.screenshot), full_page=False)
        except PlaywrightError as exc:
            v.page_errors.append(f"browser: {exc.message.splitlines()[0]}")
        finally:
            v.seconds = time.perf_counter() - t0
        if v.dom and refresh is None:               # a redirect is checked at its target
            t1 = time.perf_counter()
            try:
                v.axe = axe_violations(page)
                # The theme's dark mode is its html[data-theme="dark"] rules: switch to it as
                # its colour-mode button does and check the contrast again.
                v.theme = page.evaluate(_DARK)
                v.axe_dark = axe_violations(page, {"runOnly": ["color-contrast"]})
            except PlaywrightError as exc:
                v.page_errors.append(f"axe-core: {exc.message.splitlines()[0]}")
            v.axe_seconds = time.perf_counter() - t1
        return v


@pytest.fixture(scope="module")
def visit(browser: Browser, server: str, built_book: Path) -> Iterator[Callable[[str], Visit]]:
    """``visit(name)``: open the page once per module and return what happened."""
    cache: dict[str, Visit] = {}
    tab = _Tab(browser)

    def get(name: str) -> Visit:
        if name not in cache:
            if not (built_book / f"{name}.html").is_file():
                if name in OPTIONAL_PAGES:
                    pytest.skip(f"{name}.html is not built (the book documents no module)")
                pytest.fail(f"{name}.html was not built")
            v = Visit(name=name, base=server, url=urljoin(server, f"{name}.html"))
            cache[name] = tab.open(built_book, v)
        return cache[name]

    yield get
    tab.context.close()


def _inspected(visit: Callable[[str], Visit], name: str) -> Visit:
    v = visit(name)
    assert v.dom, f"{name}: the page could not be inspected in the browser:" \
        f"{_listing(v.page_errors)}"
    return v


def _listing(items: list[str], limit: int = 15) -> str:
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return "".join(f"\n  {i}" for i in items[:limit]) + more


# --- parsing the built HTML in Python --------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=64)
def _ids(path: Path) -> frozenset[str]:
    soup = _soup(path)
    return frozenset([t["id"] for t in soup.find_all(id=True)]
                     + [t["name"] for t in soup.find_all("a", attrs={"name": True})])


def _page_soup(built_book: Path, name: str) -> BeautifulSoup:
    path = built_book / f"{name}.html"
    if not path.is_file():
        if name in OPTIONAL_PAGES:
            pytest.skip(f"{name}.html is not built (the book documents no module)")
        pytest.fail(f"{name}.html was not built")
    return _soup(path)


def _resolve(built_book: Path, name: str, ref: str) -> tuple[Path, str] | None:
    """A reference made in page ``name`` → (file under built_book, fragment); None if external."""
    base = f"http://book.invalid/{name}.html"
    url = urlsplit(urljoin(base, ref.strip()))
    if url.scheme not in ("http", "https") or url.netloc != "book.invalid":
        return None
    path = unquote(url.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return built_book / path, unquote(url.fragment)


def _is_external(ref: str) -> bool:
    url = urlsplit(ref.strip())
    return (url.scheme in ("http", "https", "ftp", "ws", "wss") or ref.strip().startswith("//")) \
        and url.hostname not in LOOPBACK


def _local_references(soup: BeautifulSoup) -> Iterator[tuple[str, str]]:
    """(description, reference) for every local file a page refers to."""
    for tag in soup.find_all(["a", "link", "area"], href=True):
        href = tag["href"].strip()
        if href and href != "#" and not _is_external(href) and not re.match(
                r"(mailto|javascript|data|tel):", href):
            yield f"<{tag.name} href={href!r}> ({tag.get_text(' ', strip=True)[:40]!r})", href
    for tag in soup.find_all(["script", "img", "iframe", "source", "embed"], src=True):
        if not _is_external(tag["src"]) and not tag["src"].startswith("data:"):
            yield f"<{tag.name} src={tag['src']!r}>", tag["src"]
    refresh = soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)})
    if refresh is not None and "url=" in refresh.get("content", ""):
        target = refresh["content"].split("url=", 1)[1].strip()
        yield f"<meta http-equiv=refresh url={target!r}>", target


def _dead(built_book: Path, name: str, ref: str) -> str | None:
    """Why a local reference is dead, or None when it resolves (file and anchor)."""
    resolved = _resolve(built_book, name, ref)
    if resolved is None:
        return None
    path, fragment = resolved
    if not path.is_file():
        return f"no file {path.relative_to(built_book)}"
    if fragment and path.suffix == ".html" and fragment not in _ids(path):
        return f"no id {fragment!r} in {path.relative_to(built_book)}"
    return None


def _page_name(built_book: Path, path: Path) -> str:
    return path.relative_to(built_book).with_suffix("").as_posix()


# --- the tests: the set of pages ---------------------------------------------------------------

def test_every_built_page_is_checked(built_book: Path) -> None:
    """The parametrized list covers every HTML page of the build (theme templates excepted)."""
    built = {_page_name(built_book, p) for p in built_book.rglob("*.html")
             if p.relative_to(built_book).parts[0] not in ("_static", "_sources", "_images")}
    built -= set(SITE_PAGES)
    assert built - set(PAGES) == set(), (
        f"pages built but not tested (add them to _toc.yml or to SPHINX_PAGES): "
        f"{sorted(built - set(PAGES))}")
    missing = set(PAGES) - built - OPTIONAL_PAGES
    assert not missing, f"pages expected from _toc.yml but not built: {sorted(missing)}"


# --- the tests: in the browser, per page ------------------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors(visit: Callable[[str], Visit], name: str) -> None:
    v = visit(name)
    assert v.status == 200, f"{name}: HTTP status {v.status} for {v.url}"
    assert v.final_url.startswith(v.base), f"{name}: ended up outside the book at {v.final_url}"
    assert not v.page_errors, f"{name}: JavaScript errors on the page:{_listing(v.page_errors)}"
    assert not v.console_errors, f"{name}: console errors:{_listing(v.console_errors)}"
    assert v.dom.get("hasMain"), f"{name}: no <main id='main-content'> after loading"
    assert v.dom.get("textLength", 0) > 20, f"{name}: the page shows (almost) no text"
    assert v.seconds < 15, f"{name}: took {v.seconds:.1f} s to load and settle"


@pytest.mark.parametrize("name", PAGES)
def test_page_needs_nothing_but_the_book(visit: Callable[[str], Visit], name: str) -> None:
    v = visit(name)
    assert not v.blocked, (f"{name}: the page tried to fetch from third parties (the book must "
                           f"work offline; serve these from the build):{_listing(v.blocked)}")
    assert not v.bad_status, f"{name}: the book's own assets answered with errors:" \
        f"{_listing(v.bad_status)}"
    assert not v.failed, f"{name}: requests for the book's own assets failed:{_listing(v.failed)}"


@pytest.mark.parametrize("name", PAGES)
def test_math_is_typeset(visit: Callable[[str], Visit], name: str) -> None:
    v = _inspected(visit, name)
    dom = v.dom
    if dom.get("mathElements"):
        assert dom["mathjaxConfigured"] and dom["mathjaxStarted"], (
            f"{name}: {dom['mathElements']} math elements but MathJax did not start "
            f"(configured={dom['mathjaxConfigured']}, error={dom['mathjaxError']})")
        assert not dom["untypeset"], (f"{name}: math left as raw TeX "
                                      f"({len(dom['untypeset'])} of {dom['mathElements']}):"
                                      f"{_listing(dom['untypeset'])}")
        assert dom["mjxContainers"] >= dom["mathElements"], (
            f"{name}: {dom['mjxContainers']} typeset formulas for {dom['mathElements']} "
            f"math elements")
    assert not dom.get("texErrors"), f"{name}: MathJax reports TeX errors:" \
        f"{_listing(dom['texErrors'])}"
    assert not dom.get("rawTex"), (f"{name}: TeX delimiters left in the article's text (math "
                                   f"that was not parsed as math):{_listing(dom['rawTex'])}")


@pytest.mark.parametrize("name", PAGES)
def test_images_load(visit: Callable[[str], Visit], name: str) -> None:
    v = _inspected(visit, name)
    assert not v.dom.get("brokenImages"), (
        f"{name}: images that did not load (naturalWidth 0):{_listing(v.dom['brokenImages'])}")


# --- the tests: accessibility (axe-core) ----------------------------------------------------

def test_axe_finds_planted_violations(browser: Browser) -> None:
    """The check can fail: an unnamed image and button, and faint text, are found."""
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", _Tab._route)
    try:
        page.set_content('<!DOCTYPE html><html lang="en"><head><title>planted</title></head>'
                         '<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                         '<button></button><p style="color:#aaa;background:#bbb">faint</p>'
                         '</main></body></html>')
        violations = axe_violations(page)
    finally:
        context.close()
    found = {v["id"]: v["impact"] for v in violations}
    assert found.get("image-alt") == "critical" and found.get("button-name") == "critical", found
    assert found.get("color-contrast") == "serious", found
    assert len(axe_problems(violations)) >= 3


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(visit: Callable[[str], Visit],
                                                     name: str) -> None:
    """axe-core on the page as loaded (light mode): WCAG 2.1 A/AA and best practices."""
    v = _inspected(visit, name)
    if v.axe is None:
        assert v.final_url != v.url, f"{name}: axe-core did not run on the page"
        return                                    # a redirect: its target is checked
    problems = axe_problems(v.axe)
    assert not problems, f"{name}: axe-core {AXE_VERSION} finds:{_listing(problems)}"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_enough_contrast_in_dark_mode(visit: Callable[[str], Visit], name: str) -> None:
    """axe-core's colour-contrast rule on the page in the theme's dark mode."""
    v = _inspected(visit, name)
    if v.axe is None:
        assert v.final_url != v.url, f"{name}: axe-core did not run on the page"
        return                                    # a redirect: its target is checked
    assert v.theme == "dark" and v.axe_dark is not None, f"{name}: not checked in dark mode"
    problems = axe_problems(v.axe_dark)
    assert not problems, f"{name}, dark mode: axe-core {AXE_VERSION} finds:{_listing(problems)}"


class _GitHubPagesHandler(_QuietHandler):
    """Serves the book as GitHub Pages does a project site: under ``prefix``, and 404.html
    (with status 404) for any address that is not a file of the site."""

    prefix = "/"

    def do_GET(self) -> None:
        root = Path(self.directory).resolve()
        path = unquote(urlsplit(self.path).path)
        target = None
        if path.startswith(self.prefix):
            target = (root / path[len(self.prefix):]).resolve()
            if target.is_dir():
                target = target / "index.html"
        if target is None or not target.is_relative_to(root) or not target.is_file():
            body = (root / NOT_FOUND).read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.path = "/" + target.relative_to(root).as_posix()
        super().do_GET()


@pytest.fixture(scope="module")
def pages_server(built_book: Path) -> Iterator[str]:
    """The built book served as its GitHub Pages site (at the path of its published copy)."""
    prefix = site_root(PUBLISHED)
    handler = type("Handler", (_GitHubPagesHandler,), {"prefix": prefix})
    with serve(built_book, handler) as base:
        yield base.rstrip("/") + prefix


@pytest.mark.parametrize("missing", ["no-such-page.html", "chapters/no-such-chapter.html",
                                     "a/b/c/d/e/"])
def test_not_found_page_leads_home_from_any_depth(browser: Browser, pages_server: str,
                                                  missing: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    blocked, errors = [], []
    page.route("**/*", lambda r: r.continue_() if _is_loopback(r.request.url)
               else (blocked.append(r.request.url), r.abort("blockedbyclient")))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        response = page.goto(pages_server + missing, wait_until="load")
        assert response is not None and response.status == 404, \
            f"{missing}: status {response and response.status}"
        assert "Page not found" in page.title(), page.title()
        problems = axe_problems(axe_violations(page))
        assert not problems, f"404 page, axe-core:{_listing(problems)}"
        with page.expect_navigation():
            page.click("a#km-home")
        assert page.url == pages_server + "intro.html", page.url
        assert page.locator("main#main-content").count() == 1, "the first page did not load"
        assert CONFIG["title"] in page.title(), page.title()
        page.go_back()
        page.fill("input[name=q]", SEARCH_TERM)
        with page.expect_navigation():
            page.press("input[name=q]", "Enter")
        assert page.url.startswith(pages_server + f"search.html?q={SEARCH_TERM}"), page.url
        page.wait_for_selector("#search-results ul.search li", timeout=10_000)
    finally:
        context.close()
    assert not blocked and not errors, f"404 page: blocked {blocked}, errors {errors}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_first_screen_screenshot(visit: Callable[[str], Visit], name: str) -> None:
    v = visit(name)
    assert v.screenshot is not None and v.screenshot.is_file(), \
        f"{name}: no screenshot written ({v.page_errors})"
    size = v.screenshot.stat().st_size
    assert size > 10_000, f"{name}: screenshot {v.screenshot} is only {size} bytes (blank page?)"
    from PIL import Image

    with Image.open(v.screenshot) as im:
        assert im.size == (VIEWPORT["width"], VIEWPORT["height"]), f"{name}: {im.size}"
        colours = im.convert("RGB").getcolors(maxcolors=100_000)
        assert colours is None or len(colours) > 50, \
            f"{name}: the first screen has only {len(colours)} colours (blank page?)"


# --- the tests: explorable figures, in the browser and in the HTML ---------------------------

# The state of an explorer as the page shows it: the image, its alt text, the message line,
# and the value each control shows, with the alt text expected for those values.
_EXPLORER_STATE = r"""
(root) => {
  const img = root.querySelector('img.km-explorer-frame');
  const data = JSON.parse(root.querySelector('script.km-explorer-data').textContent);
  const inputs = Array.from(root.querySelectorAll('[data-km-control]'));
  const shown = inputs.map(i => {
    const c = data.controls[+i.dataset.kmControl];
    const v = c.values[+i.value];
    return c.label + ' ' + v + (c.suffix || '');
  });
  const message = root.querySelector('.km-explorer-message');
  return {src: img.getAttribute('src'), alt: img.getAttribute('alt'),
          loaded: img.complete && img.naturalWidth > 0, shown: shown,
          error: message.classList.contains('km-explorer-error') ? message.textContent : '',
          ready: root.dataset.kmReady === '1',
          controlsVisible: !root.querySelector('.km-explorer-controls').hidden};
}
"""

_IMAGE_SWAPPED = r"""
([root, src]) => {
  const img = root.querySelector('img.km-explorer-frame');
  return img.getAttribute('src') !== src && img.complete && img.naturalWidth > 0;
}
"""


def _explorer_pages(built_book: Path) -> list[str]:
    return [p for p in PAGES if (built_book / f"{p}.html").is_file()
            and "data-km-explorer" in (built_book / f"{p}.html").read_text(encoding="utf-8")]


def _explorer_data(soup: BeautifulSoup) -> list[tuple[Tag, dict]]:
    import json

    return [(div, json.loads(div.select_one("script.km-explorer-data").string))
            for div in soup.select("div.km-explorer")]


def _interactive_calls(name: str) -> int:
    """How many interactive figures the page's notebook declares."""
    import nbformat

    path = ROOT / f"{name}.ipynb"
    if not path.is_file():
        return 0
    cells = nbformat.read(path, as_version=4).cells
    return sum(len(re.findall(r"\binteractive_figure\s*\(", c.source)) for c in cells
               if c.cell_type == "code")


@pytest.mark.parametrize("name", PAGES)
def test_every_interactive_figure_is_explorable(built_book: Path, name: str) -> None:
    """Each interactive figure of a notebook is an explorer in its page, its frames files of
    the book, each with alt text naming the values it shows, within the page's budget."""
    from ketamodel.widgets.frames import BUDGET

    soup = _page_soup(built_book, name)
    explorers = _explorer_data(soup)
    assert len(explorers) == _interactive_calls(name), (
        f"{name}: {_interactive_calls(name)} interactive figures in the notebook, "
        f"{len(explorers)} explorable figures in the page")
    files: dict[Path, int] = {}
    problems = []
    for div, data in explorers:
        img = div.select_one("img.km-explorer-frame")
        srcs = [img["src"], *data["images"]]
        for src in srcs:
            if src.startswith("data:"):
                problems.append(f"{div['id']}: a frame left in the page as a data URI")
                continue
            resolved = _resolve(built_book, name, src)
            if resolved is None or not resolved[0].is_file():
                problems.append(f"{div['id']}: missing frame {src}")
            else:
                files[resolved[0]] = resolved[0].stat().st_size
        for frame in data["frames"]:
            if "error" in frame:
                continue
            values = [f"{c['label']} {c['values'][i]}{c['suffix']}" for c, i in
                      zip(data["controls"], frame["key"], strict=True)]
            missing = [v for v in values if v not in frame["alt"]]
            if missing:
                problems.append(f"{div['id']}: alt text {frame['alt']!r} does not name {missing}")
        for c in data["controls"]:
            label = div.find("label", string=c["label"] + (f" ({c['unit']})" if c["unit"]
                                                           else ""))
            if label is None or not div.find(id=label.get("for")):
                problems.append(f"{div['id']}: no label naming {c['label']!r} and its unit")
        note = div.select_one("p.km-explorer-note")
        if note is None or "Static figure" not in note.get_text():
            problems.append(f"{div['id']}: no line saying what the static figure holds")
    assert not problems, f"{name}: explorable figures:{_listing(problems)}"
    total = sum(files.values())
    assert total <= BUDGET.page_bytes, (f"{name}: {total / 1e6:.2f} MB of frames, over the "
                                        f"page budget of {BUDGET.page_bytes / 1e6:.1f} MB")
    html_bytes = (built_book / f"{name}.html").stat().st_size
    assert html_bytes < 1_000_000, f"{name}: the page itself weighs {html_bytes / 1e6:.2f} MB"


@dataclass
class Exploration:
    """What moving every control of every explorable figure of a page did."""

    name: str
    figures: int = 0
    moves: int = 0
    problems: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _explore(browser: Browser, server: str, name: str, shots: Path) -> Exploration:
    result = Exploration(name)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.route("**/*", _Tab._route)
    page.on("request", lambda r: _is_loopback(r.url) or result.blocked.append(r.url))
    page.on("console", lambda m: m.type == "error" and result.errors.append(m.text))
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    try:
        page.goto(urljoin(server, f"{name}.html"), wait_until="load")
        explorers = page.locator("div.km-explorer")
        result.figures = explorers.count()
        for e in range(result.figures):
            root = explorers.nth(e)
            root.scroll_into_view_if_needed()
            handle = root.element_handle()
            state = page.evaluate(_EXPLORER_STATE, handle)
            if not (state["ready"] and state["controlsVisible"]):
                result.problems.append(f"figure {e + 1}: the script did not show the controls")
                continue
            stem = f"explorer-{name.replace('/', '-')}-{e + 1}"
            root.screenshot(path=str(shots / f"{stem}-before.png"))
            controls = root.locator("[data-km-control]")
            for k in range(controls.count()):
                control = controls.nth(k)
                label = root.locator(f"label[for='{control.get_attribute('id')}']").inner_text()
                before = page.evaluate(_EXPLORER_STATE, handle)
                pixels = root.locator("img.km-explorer-frame").screenshot()
                control.focus()
                if control.evaluate("c => c.type") == "range":    # the keyboard, as a reader
                    at_end = control.evaluate("c => c.value === c.max")
                    page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                else:
                    n = control.locator("option").count()
                    current = int(control.input_value())
                    control.select_option(str((current + 1) % n))
                result.moves += 1
                where = f"figure {e + 1}, {label!r}"
                try:
                    page.wait_for_function(_IMAGE_SWAPPED, arg=[handle, before["src"]],
                                           timeout=5_000)
                except PlaywrightError:
                    result.problems.append(f"{where}: the image did not change")
                    continue
                after = page.evaluate(_EXPLORER_STATE, handle)
                if after["alt"] == before["alt"]:
                    result.problems.append(f"{where}: the alt text did not change")
                unnamed = [s for s in after["shown"] if s not in after["alt"]]
                if unnamed:
                    result.problems.append(f"{where}: the alt text {after['alt']!r} does not "
                                           f"name the values shown: {unnamed}")
                if after["error"]:
                    result.problems.append(f"{where}: {after['error']}")
                if root.locator("img.km-explorer-frame").screenshot() == pixels:
                    result.problems.append(f"{where}: the image's pixels did not change")
            root.screenshot(path=str(shots / f"{stem}-after.png"))
    except PlaywrightError as exc:
        result.problems.append(f"browser: {exc.message.splitlines()[0]}")
    finally:
        context.close()
    return result


@pytest.fixture(scope="module")
def explorations(browser: Browser, server: str, built_book: Path) -> dict[str, Exploration]:
    shots = built_book.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return {name: _explore(browser, server, name, shots) for name in _explorer_pages(built_book)}


@pytest.mark.parametrize("name", PAGES)
def test_explorable_figures_answer_every_control_offline(
        explorations: dict[str, Exploration], name: str) -> None:
    """Every static slider and dropdown of every page swaps the image and its alt text, with
    nothing fetched from beyond 127.0.0.1."""
    if name not in explorations:
        return                                    # no explorable figure on this page
    x = explorations[name]
    assert x.figures and x.moves, f"{name}: no explorable figure or control found"
    assert not x.problems, f"{name}: controls that did not work:{_listing(x.problems)}"
    assert not x.blocked, f"{name}: requests beyond 127.0.0.1:{_listing(x.blocked)}"
    assert not x.errors, f"{name}: errors in the browser:{_listing(x.errors)}"


def test_explorable_figures_without_javascript_show_the_defaults(
        browser: Browser, server: str, built_book: Path) -> None:
    """Without JavaScript a reader sees the still figure at the default values, no controls."""
    context = browser.new_context(viewport=VIEWPORT, java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", _Tab._route)
    problems = []
    try:
        for name in _explorer_pages(built_book):
            page.goto(urljoin(server, f"{name}.html"), wait_until="load")
            soup = _page_soup(built_book, name)
            for e, (_, data) in enumerate(_explorer_data(soup)):
                default = next(f for f in data["frames"] if "error" not in f and
                               f["key"] == [c["default"] for c in data["controls"]])
                root = page.locator("div.km-explorer").nth(e)
                img = root.locator("img.km-explorer-frame")
                if img.get_attribute("src") != data["images"][default["image"]]:
                    problems.append(f"{name}, figure {e + 1}: the still is not the default frame")
                if not img.evaluate("i => i.complete && i.naturalWidth > 0") or \
                        not img.is_visible():
                    problems.append(f"{name}, figure {e + 1}: the still figure does not show")
                if root.locator(".km-explorer-controls").is_visible():
                    problems.append(f"{name}, figure {e + 1}: controls shown without a script")
    finally:
        context.close()
    assert not problems, _listing(problems)


def test_explorable_figures_fit_a_narrow_screen(browser: Browser, server: str,
                                                built_book: Path) -> None:
    """At 400 px wide, controls and figure stay within the screen, controls stay usable."""
    width = 400
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  device_scale_factor=2)
    page = context.new_page()
    page.route("**/*", _Tab._route)
    shots = built_book.parent / "screenshots"
    problems = []
    try:
        for name in _explorer_pages(built_book):
            page.goto(urljoin(server, f"{name}.html"), wait_until="load")
            roots = page.locator("div.km-explorer")
            for e in range(roots.count()):
                root = roots.nth(e)
                root.scroll_into_view_if_needed()
                parts = root.locator("img, [data-km-control], label, .km-explorer-note")
                for k in range(parts.count()):
                    box = parts.nth(k).bounding_box()
                    if box and (box["x"] < -1 or box["x"] + box["width"] > width + 1):
                        problems.append(f"{name}, figure {e + 1}: "
                                        f"{parts.nth(k).evaluate('p => p.outerHTML')[:60]} "
                                        f"overflows ({box['x']:.0f}+{box['width']:.0f} px)")
                for k in range(root.locator("[data-km-control]").count()):
                    box = root.locator("[data-km-control]").nth(k).bounding_box()
                    if box and box["height"] < 24:
                        problems.append(f"{name}, figure {e + 1}: control {k + 1} is only "
                                        f"{box['height']:.0f} px high (hard to touch)")
                root.screenshot(path=str(shots / f"explorer-{name.replace('/', '-')}-{e + 1}"
                                                 f"-{width}px.png"))
    finally:
        context.close()
    assert not problems, _listing(problems)


def test_search_page_finds_a_term(browser: Browser, server: str, built_book: Path) -> None:
    """The search page works offline: the local index answers a query."""
    context = browser.new_context(viewport=VIEWPORT)
    blocked: list[str] = []
    errors: list[str] = []
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if _is_loopback(r.request.url)
               else (blocked.append(r.request.url), r.abort("blockedbyclient")))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(urljoin(server, f"search.html?q={SEARCH_TERM}"), wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=10_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a",
                                         "els => els.map(e => e.getAttribute('href'))")
    except PlaywrightError as exc:
        pytest.fail(f"search.html?q={SEARCH_TERM}: no results appeared ({exc.message[:200]}; "
                    f"page errors: {errors})")
    finally:
        context.close()
    assert not blocked and not errors, f"search: blocked {blocked}, errors {errors}"
    assert hits, f"search for {SEARCH_TERM!r} found nothing"
    dead = [h for h in hits if _dead(built_book, "search", h)]
    assert not dead, f"search results lead nowhere:{_listing(dead)}"


# --- the tests: links and addresses, from the HTML -------------------------------------------

@pytest.mark.parametrize("name", PAGES)
def test_internal_links_and_anchors_resolve(built_book: Path, name: str) -> None:
    soup = _page_soup(built_book, name)
    dead = []
    for what, ref in _local_references(soup):
        why = _dead(built_book, name, ref)
        if why:
            dead.append(f"{what}: {why}")
    assert not dead, f"{name}: dead internal references:{_listing(dead)}"


@pytest.mark.parametrize("name", PAGES)
def test_navigation_leads_to_book_pages(built_book: Path, name: str) -> None:
    soup = _page_soup(built_book, name)
    if soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.I)}):
        return                                    # index.html: a redirect, checked above
    nav = soup.select_one("nav.bd-docs-nav")
    assert nav is not None, f"{name}: no table of contents in the sidebar"
    targets = set()
    problems = []
    for a in nav.find_all("a", href=True):
        if a["href"] == "#":                      # the current page
            targets.add(name)
            continue
        resolved = _resolve(built_book, name, a["href"])
        why = _dead(built_book, name, a["href"])
        if resolved is None or why or resolved[0].suffix != ".html":
            problems.append(f"sidebar link {a['href']!r} ({a.get_text(strip=True)!r}): "
                            f"{why or 'not a page of the book'}")
        else:
            targets.add(_page_name(built_book, resolved[0]))
    brand = soup.select_one("a.navbar-brand")
    if brand is not None and _resolve(built_book, name, brand["href"]):
        targets.add(_page_name(built_book, _resolve(built_book, name, brand["href"])[0]))
    assert not problems, f"{name}:{_listing(problems)}"
    unlisted = [p for p in TOC_PAGES if p not in targets]
    assert not unlisted, f"{name}: the sidebar does not link to {unlisted}"

    links = {cls: soup.select_one(f"a.{cls}") for cls in ("left-prev", "right-next")}
    for cls, a in links.items():
        if a is not None:
            why = _dead(built_book, name, a["href"])
            assert why is None, f"{name}: the {cls} link {a['href']!r} is dead: {why}"
    if name in TOC_PAGES:                         # prev/next follow the reading order
        i = TOC_PAGES.index(name)
        expected = {"left-prev": TOC_PAGES[i - 1] if i > 0 else None,
                    "right-next": TOC_PAGES[i + 1] if i + 1 < len(TOC_PAGES) else None}
        for cls, a in links.items():
            got = _page_name(built_book, _resolve(built_book, name, a["href"])[0]) if a else None
            assert got == expected[cls], \
                f"{name}: the {cls} link goes to {got}, the table of contents says {expected[cls]}"


@pytest.mark.parametrize("name", PAGES)
def test_citations_lead_to_bibliography_entries(built_book: Path, name: str) -> None:
    soup = _page_soup(built_book, name)
    problems = []
    for cite in soup.select(".bibtex-citation"):
        links = cite.find_all("a", href=True)
        if not links:
            problems.append(f"citation without a link: {cite.get_text(strip=True)!r}")
        for a in links:
            resolved = _resolve(built_book, name, a["href"])
            why = _dead(built_book, name, a["href"])
            if resolved is None or why or not resolved[1]:
                problems.append(f"{a.get_text(strip=True)!r} -> {a['href']!r}: "
                                f"{why or 'not a link to a bibliography entry'}")
                continue
            entry = _soup(resolved[0]).find(id=resolved[1])
            if entry is None:
                problems.append(f"{a.get_text(strip=True)!r} -> {a['href']!r}: not an HTML page")
            elif "citation" not in entry.get("class", []) and \
                    entry.get("role") != "doc-biblioentry":
                problems.append(f"{a.get_text(strip=True)!r} -> {a['href']!r}: the target is a "
                                f"<{entry.name} class={entry.get('class')}>, not a reference")
    assert not problems, f"{name}: broken citations:{_listing(problems)}"


def _allowed_link(a: Tag) -> bool:
    """Third-party links a reader chooses to click: launch, repository and issues buttons and,
    in a bibliography, a reference's DOI or URL."""
    href = a["href"].strip()
    repo = CONFIG.get("repository", {}).get("url", "").rstrip("/")
    if a.find_parent(class_="dropdown-launch-buttons") is not None:
        services = [u.rstrip("/") for k, u in CONFIG.get("launch_buttons", {}).items()
                    if k.endswith("_url") and u]
        return any(href.startswith(s + "/") for s in services)
    if a.find_parent(class_="dropdown-source-buttons") is not None or \
            "btn-source-repository-button" in a.get("class", []):
        return bool(repo) and (href == repo or href.startswith(repo + "/"))
    return a.find_parent(class_="citation") is not None


@pytest.mark.parametrize("name", PAGES)
def test_third_party_addresses_are_only_links_to_click(built_book: Path, name: str) -> None:
    soup = _page_soup(built_book, name)
    problems = []
    for tag in soup.find_all(True):
        for attr, value in tag.attrs.items():
            if attr.startswith("xmlns"):          # a namespace name, never fetched
                continue
            values = value if isinstance(value, list) else [value]
            for v in values:
                if not isinstance(v, str):
                    continue
                urls = [v] if attr != "srcset" else [c.split()[0] for c in v.split(",") if c]
                urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", v) if attr == "style" else []
                for u in urls:
                    if not _is_external(u):
                        continue
                    if tag.name == "a" and attr == "href" and _allowed_link(tag):
                        continue
                    if tag.name == "link" and attr == "href" and \
                            "canonical" in tag.get("rel", []) and u.startswith(PUBLISHED):
                        continue                  # names the published copy; never fetched
                    problems.append(f"<{tag.name} {attr}={u[:100]!r}>")
    for tag in soup.find_all(["script", "style"]):
        text = tag.string or ""
        if tag.name == "script" and tag.get("type", "").endswith("json"):
            text = ""                             # data (widget state), not code that fetches
        for u in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\"<>)]*", text):
            if _is_external(u) and not u.startswith("//#"):
                problems.append(f"<{tag.name}> text refers to {u[:100]!r}")
    for link in soup.find_all("link", rel="stylesheet", href=True):
        resolved = _resolve(built_book, name, link["href"])
        if resolved and resolved[0].is_file():
            problems += [f"{resolved[0].relative_to(built_book)}: {u}"
                         for u in _css_third_party(resolved[0])]
    assert not problems, (f"{name}: third-party addresses beyond the launch/repository buttons "
                          f"and reference links (the book must work offline):"
                          f"{_listing(problems)}")


@functools.lru_cache(maxsize=64)
def _css_third_party(path: Path) -> tuple[str, ...]:
    css = path.read_text(encoding="utf-8", errors="replace")
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
    urls += re.findall(r"@import\s+['\"]([^'\"]+)", css)
    return tuple(sorted({u for u in urls if _is_external(u)}))


# --- the tests: launch buttons -------------------------------------------------------------------

def _launch_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")]


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_launch_links_open_its_notebook(built_book: Path, name: str) -> None:
    soup = _page_soup(built_book, name)
    repo_cfg = CONFIG.get("repository", {})
    repo_url = repo_cfg["url"].rstrip("/")
    branch = repo_cfg.get("branch", "main")
    owner_repo = urlsplit(repo_url).path.strip("/")
    repo_name = owner_repo.split("/")[-1]
    notebook = posixpath.join(repo_cfg.get("path_to_book") or "", f"{name}.ipynb")
    assert (ROOT / notebook).is_file(), f"{name}: {notebook} is not in the repository"
    launch = CONFIG.get("launch_buttons", {})
    links = _launch_links(soup)
    assert links, f"{name}: no launch buttons"
    problems = []

    def find(prefix: str) -> str | None:
        hits = [h for h in links if h.startswith(prefix)]
        if not hits:
            problems.append(f"no launch link starting with {prefix}")
        return hits[0] if hits else None

    if launch.get("binderhub_url"):
        href = find(f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{owner_repo}/{branch}?")
        if href:
            q = parse_qs(urlsplit(href).query)
            path = (q.get("urlpath") or q.get("filepath") or [""])[0]
            if not path.endswith(notebook):
                problems.append(f"Binder opens {path!r}, not {notebook!r}: {href}")
    if launch.get("colab_url"):
        expected = (f"{launch['colab_url'].rstrip('/')}/github/{owner_repo}/blob/{branch}/"
                    f"{notebook}")
        if find(launch["colab_url"].rstrip("/")) not in (None, expected):
            problems.append(f"Colab link is not {expected}")
    if launch.get("jupyterhub_url"):
        href = find(f"{launch['jupyterhub_url'].rstrip('/')}/hub/user-redirect/git-pull?")
        if href:
            q = parse_qs(urlsplit(href).query)
            if q.get("repo", [""])[0].rstrip("/") != repo_url:
                problems.append(f"JupyterHub pulls {q.get('repo')}, not {repo_url}")
            if q.get("branch", [""])[0] != branch:
                problems.append(f"JupyterHub pulls branch {q.get('branch')}, not {branch}")
            if not q.get("urlpath", [""])[0].endswith(f"{repo_name}/{notebook}"):
                problems.append(f"JupyterHub opens {q.get('urlpath')}, not {notebook}")
    assert not problems, f"{name}: launch buttons:{_listing(problems + links)}"


@pytest.mark.parametrize("name", PAGES)
def test_every_launch_link_opens_a_notebook(built_book: Path, name: str) -> None:
    """Colab opens only .ipynb files, and a plain JupyterLab opens a .md as text."""
    soup = _page_soup(built_book, name)

    def opens_notebook(href: str) -> bool:
        parts = urlsplit(href)
        opened = [parts.path] + [v for vs in parse_qs(parts.query).values() for v in vs]
        return any(o.endswith(".ipynb") for o in opened)

    wrong = [h for h in _launch_links(soup) if not opens_notebook(h)]
    assert not wrong, (f"{name}: launch buttons open something other than a notebook (make the "
                       f"page an .ipynb, or give it no code cells):{_listing(wrong)}")
