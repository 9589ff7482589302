"""The book's PDFs (ketamodel.sphinx_pdf): one per page of the table of contents, and the book.

Each PDF is opened with pypdf: its pages are counted, its images (image XObjects, also
inside form XObjects) counted against the figures of the page's HTML, its text searched
for the page's title and for TeX left untypeset, and the position of every line of code
checked against the right margin. The book must hold every page, with one bookmark each,
and every page of the table of contents must link to its own PDF and to the book's.

The PDFs are read from the book that ``built_book`` builds; set ``KETAMODEL_PDF_HTML`` to
the ``_build/html`` folder of another build to test that one instead. The first tests need
no build: they print a tiny page of their own.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from pypdf import PdfReader

from ketamodel import sphinx_pdf
from ketamodel.sphinxext import toc_pages

ROOT = Path(__file__).resolve().parents[1]
OTHER_HTML = os.environ.get("KETAMODEL_PDF_HTML")


def _book_root() -> Path:
    """The book whose table of contents the tests follow: the one built into OTHER_HTML."""
    if OTHER_HTML and (Path(OTHER_HTML).resolve().parents[1] / "_toc.yml").is_file():
        return Path(OTHER_HTML).resolve().parents[1]
    return ROOT


TOC_PAGES = toc_pages(_book_root())
CHAPTERS = [p for p in TOC_PAGES if p.startswith("chapters/")]
NAMES = sphinx_pdf.pdf_names(TOC_PAGES)
CHAPTER_PAGES = (3, 80)                  # a plausible length for a chapter, in A4 pages
TOLERANCE_PT = 2.0                       # how far a line may reach into the right margin
MONO_ADVANCE = 0.6                       # advance of a monospaced glyph, in em
SMALLEST_CODE_PT = 7.0                   # smaller code means the page was shrunk to fit
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{")


def _mm(length: str) -> float:
    """A CSS length in mm as PDF points."""
    return float(length.removesuffix("mm")) * 72 / 25.4


RIGHT_MARGIN_PT = _mm(sphinx_pdf.MARGIN["right"])


# --- reading a PDF ----------------------------------------------------------------------

@dataclass
class Pdf:
    """What a PDF holds, as far as these tests look."""

    path: Path
    pages: int = 0
    images: set[int] = field(default_factory=set)      # object numbers of image XObjects
    text: str = ""
    fonts: set[str] = field(default_factory=set)       # "/Type3" or a font's /BaseFont
    overflows: list[str] = field(default_factory=list)  # lines past the right margin
    smallest_code_pt: float = float("inf")             # smallest monospaced text
    outline: list[str] = field(default_factory=list)   # top-level bookmarks


def _walk_resources(resources: object, pdf: Pdf, seen: set[int]) -> None:
    res = resources.get_object() if resources is not None else None
    if not res:
        return
    for font in (res.get("/Font") or {}).values():
        font = font.get_object()
        pdf.fonts.add("/Type3" if font.get("/Subtype") == "/Type3"
                      else str(font.get("/BaseFont", "")))
    for ref in (res.get("/XObject") or {}).values():
        number = getattr(ref, "idnum", None)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            pdf.images.add(number if number is not None else id(xobject))
        elif xobject.get("/Subtype") == "/Form" and number not in seen:
            if number is not None:
                seen.add(number)
            _walk_resources(xobject.get("/Resources"), pdf, seen)


@functools.lru_cache(maxsize=32)
def read_pdf(path: Path, text: bool = True) -> Pdf:
    """Pages, images, fonts, text and overflowing lines of the PDF at ``path``."""
    reader = PdfReader(str(path))
    pdf = Pdf(path=path, pages=len(reader.pages))
    pdf.outline = [item.title for item in reader.outline if not isinstance(item, list)]
    seen: set[int] = set()
    chunks: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        _walk_resources(page.get("/Resources"), pdf, seen)
        if not text:
            continue
        width = float(page.mediabox.width)

        def visit(run: str, cm: list, tm: list, font: object, size: float,
                  number: int = number, width: float = width) -> None:
            if not run.strip():
                return
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            em = size * (a * a + b * b) ** 0.5
            name = str(font.get("/BaseFont", "")) if font else ""
            # Monospaced runs (code) can be measured: n glyphs of 0.6 em each.
            advance = len(run.rstrip()) * MONO_ADVANCE * em if "Mono" in name else 0.0
            if "Mono" in name:
                pdf.smallest_code_pt = min(pdf.smallest_code_pt, em)
            if x < 0 or x + advance > width - RIGHT_MARGIN_PT + TOLERANCE_PT:
                pdf.overflows.append(f"page {number}: x={x:.0f}..{x + advance:.0f} pt of "
                                     f"{width:.0f}: {run.strip()[:70]!r}")

        chunks.append(page.extract_text(visitor_text=visit))
    pdf.text = unicodedata.normalize("NFKC", "\n".join(chunks))
    return pdf


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


# --- reading the HTML -------------------------------------------------------------------

@dataclass
class Html:
    """What a built page shows that its PDF must show too."""

    title: str
    figures: int                       # distinct content images that print (not icons)
    math: int                          # elements of typeset math
    code_tails: list[str]              # ends of the page's longest code lines
    code_text: str                     # all the page's code, for TeX that is code
    links: set[str]


def _prints(img: Tag) -> bool:
    """Whether an image is content that shows on paper: not an icon, not hidden or folded."""
    src = img.get("src", "")
    if not src or "_static/" in src or src.startswith("data:image/svg"):
        return False
    width = img.get("width", "")
    if width.isdigit() and int(width) < 48:
        return False
    for parent in img.parents:
        if parent.name in ("noscript", "details", "header", "nav", "footer") \
                or parent.has_attr("hidden"):
            return False
        if "dropdown" in (parent.get("class") or []):
            return False
    return True


@functools.lru_cache(maxsize=32)
def read_html(path: Path) -> Html:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup
    h1 = article.find("h1")
    for link in h1.select("a.headerlink"):
        link.decompose()
    lines = [line for pre in article.select("pre") for line in pre.get_text().splitlines()]
    shown = [line for pre in article.select("pre") if pre.find_parent("details") is None
             for line in pre.get_text().splitlines()]          # folded code does not print
    long_lines = sorted((line.rstrip() for line in shown if len(line.rstrip()) > 95),
                        key=len, reverse=True)[:5]
    return Html(
        title=_squash(h1.get_text()),
        figures=len({img["src"] for img in article.find_all("img") if _prints(img)}),
        math=len(article.select("span.math, div.math")),
        code_tails=[re.sub(r"\s+", "", line)[-16:] for line in long_lines],
        code_text="\n".join(lines),
        links={a["href"] for a in soup.find_all("a", href=True)},
    )


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def html_dir(request: pytest.FixtureRequest) -> Path:
    """The built HTML whose PDFs are tested: ``KETAMODEL_PDF_HTML``, or the test build."""
    path = Path(OTHER_HTML) if OTHER_HTML else request.getfixturevalue("built_book")
    if not (path / sphinx_pdf.PDF_DIR).is_dir():
        pytest.fail(f"{path / sphinx_pdf.PDF_DIR} is missing: the book was built without "
                    f"ketamodel.sphinx_pdf (or with {sphinx_pdf.PDF_ENV}=0)")
    return path


def _pdf_of(html_dir: Path, page: str) -> Path:
    path = html_dir / sphinx_pdf.PDF_DIR / NAMES[page]
    assert path.is_file(), f"{page}: {path} was not written"
    return path


# --- without a build: print a tiny page -------------------------------------------------

def test_pdf_names_are_stems_unless_they_clash() -> None:
    names = sphinx_pdf.pdf_names(["intro", "chapters/01_a", "appendices/x", "chapters/x",
                                  "appendices/book"])
    assert names == {"intro": "intro.pdf", "chapters/01_a": "01_a.pdf",
                     "appendices/x": "appendices-x.pdf", "chapters/x": "chapters-x.pdf",
                     "appendices/book": "appendices-book.pdf"}


@pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("0", False),
                                           ("off", False), ("false", False)])
def test_pdf_step_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, value: str | None,
                                    on: bool) -> None:
    if value is None:
        monkeypatch.delenv(sphinx_pdf.PDF_ENV, raising=False)
    else:
        monkeypatch.setenv(sphinx_pdf.PDF_ENV, value)
    assert sphinx_pdf.pdf_enabled() is on


def test_missing_chromium_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(sphinx_pdf.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    with pytest.raises(RuntimeError, match="apt-get install chromium"):
        sphinx_pdf.make_pdfs(tmp_path, ["intro"], {}, "A book")


_TINY = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{up}_static/ketamodel-print.css"></head><body>
<div class="bd-sidebar-primary">NAVIGATION-ONLY-ON-SCREEN</div>
<article class="bd-article"><h1>{title}</h1>
<div class="highlight"><pre>{code}</pre></div>
<figure><img src="{up}fig.png" width="700" height="400" alt="a figure"></figure>
</article></body></html>"""


def test_a_tiny_book_prints(tmp_path: Path) -> None:
    """Two pages print with their figure, a long code line wraps, and the book joins them."""
    from PIL import Image

    static = tmp_path / "_static"
    static.mkdir()
    (static / sphinx_pdf.PRINT_CSS).write_bytes(
        (sphinx_pdf.STATIC_DIR / sphinx_pdf.PRINT_CSS).read_bytes())
    Image.new("RGB", (700, 400), (0, 114, 178)).save(tmp_path / "fig.png")
    code = "value = compute(" + ", ".join(f"argument_{i}" for i in range(30)) + ") # TAILMARK"
    (tmp_path / "chapters").mkdir()
    for page, up in (("intro", ""), ("chapters/one", "../")):
        (tmp_path / f"{page}.html").write_text(
            _TINY.format(title=f"Title of {page}", up=up, code=code), encoding="utf-8")
    pages = ["intro", "chapters/one"]
    report = sphinx_pdf.make_pdfs(tmp_path, pages, {p: f"Title of {p}" for p in pages},
                                  "A tiny book")
    assert all(p.printed and not p.problems for p in report.pages), report.pages
    one = read_pdf(tmp_path / sphinx_pdf.PDF_DIR / "one.pdf")
    assert one.pages == 1 and len(one.images) == 1
    assert "Title of chapters/one" in one.text
    assert "NAVIGATION-ONLY-ON-SCREEN" not in one.text
    assert "TAILMARK" in one.text and not one.overflows, one.overflows
    book = read_pdf(report.book, text=False)
    assert report.book_pages == book.pages == 2
    assert book.outline == ["Title of intro", "Title of chapters/one"]
    # A second run keeps the PDFs that are newer than their pages.
    again = sphinx_pdf.make_pdfs(tmp_path, pages, {}, "A tiny book")
    assert not any(p.printed for p in again.pages)
    assert one.smallest_code_pt >= SMALLEST_CODE_PT
    # Without the print stylesheet Chromium shrinks the page and still cuts the long line at
    # the edge of the paper: the checks of the book's chapters see both.
    (static / sphinx_pdf.PRINT_CSS).write_text("", encoding="utf-8")
    sphinx_pdf.make_pdfs(tmp_path, pages, {}, "A tiny book", force=True)
    read_pdf.cache_clear()
    cut = read_pdf(tmp_path / sphinx_pdf.PDF_DIR / "one.pdf")
    assert "TAILMARK" not in cut.text and cut.smallest_code_pt < SMALLEST_CODE_PT


# --- the book's PDFs --------------------------------------------------------------------

@pytest.mark.parametrize("page", TOC_PAGES)
def test_every_page_has_a_pdf(html_dir: Path, page: str) -> None:
    pdf = read_pdf(_pdf_of(html_dir, page), text=False)
    assert pdf.pages >= 1, f"{page}: the PDF has no page"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_pdf(html_dir: Path, page: str) -> None:
    pdf = read_pdf(_pdf_of(html_dir, page))
    html = read_html(html_dir / f"{page}.html")
    low, high = CHAPTER_PAGES
    assert low <= pdf.pages <= high, f"{page}: {pdf.pages} pages, expected {low} to {high}"
    assert len(pdf.images) >= max(html.figures, 1), \
        f"{page}: {len(pdf.images)} images in the PDF, {html.figures} figures in the HTML"
    assert html.title in _squash(pdf.text), f"{page}: title {html.title!r} not in the PDF"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_pdf_math_is_typeset(html_dir: Path, page: str) -> None:
    pdf = read_pdf(_pdf_of(html_dir, page))
    html = read_html(html_dir / f"{page}.html")
    raw = [m.group() for m in RAW_TEX.finditer(pdf.text) if m.group() not in html.code_text]
    assert not raw, f"{page}: TeX left untypeset in the PDF: {sorted(set(raw))}"
    if html.math:
        # MathJax draws with its own web fonts, which Chromium embeds as Type 3 fonts.
        assert any(f == "/Type3" or "MJX" in f for f in pdf.fonts), \
            f"{page}: {html.math} maths in the HTML but no MathJax font in the PDF: {pdf.fonts}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_pdf_code_is_not_cut_off(html_dir: Path, page: str) -> None:
    pdf = read_pdf(_pdf_of(html_dir, page))
    html = read_html(html_dir / f"{page}.html")
    assert not pdf.overflows, f"{page}: lines past the right margin:\n  " + \
        "\n  ".join(pdf.overflows[:10])
    assert pdf.smallest_code_pt >= SMALLEST_CODE_PT, \
        f"{page}: code printed at {pdf.smallest_code_pt:.1f} pt: the page was shrunk to fit"
    text = re.sub(r"\s+", "", pdf.text)
    missing = [tail for tail in html.code_tails if tail not in text]
    assert not missing, f"{page}: ends of long code lines missing from the PDF: {missing}"


def test_book_pdf_holds_every_page(html_dir: Path) -> None:
    book = read_pdf(html_dir / sphinx_pdf.PDF_DIR / sphinx_pdf.BOOK_PDF, text=False)
    parts = [read_pdf(_pdf_of(html_dir, page), text=False) for page in TOC_PAGES]
    assert book.pages >= sum(p.pages for p in parts), \
        f"the book has {book.pages} pages, its parts {sum(p.pages for p in parts)}"
    assert len(book.outline) == len(TOC_PAGES), book.outline
    titles = [read_html(html_dir / f"{page}.html").title for page in CHAPTERS]
    assert [t for t in book.outline if t in titles] == titles, \
        f"bookmarks {book.outline} do not list the chapters {titles} in order"


@pytest.mark.parametrize("page", TOC_PAGES)
def test_page_links_to_its_pdfs(html_dir: Path, page: str) -> None:
    links = read_html(html_dir / f"{page}.html").links
    up = posixpath.relpath(sphinx_pdf.PDF_DIR, posixpath.dirname(page) or ".")
    for name in (NAMES[page], sphinx_pdf.BOOK_PDF):
        href = f"{up}/{name}"
        assert href in links, f"{page}: no link to {href}"
        assert (html_dir / posixpath.dirname(page) / href).resolve().is_file(), href
