"""The book builds with warnings as errors, and the built pages hold what they should."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_book_builds_without_warnings(built_book):
    assert (built_book / "index.html").exists()
    assert (built_book / "chapters" / "01_nmda_antagonism.html").exists()


def test_every_toc_entry_is_built(built_book):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    files = re.findall(r"file:\s*(\S+)", toc) + ["intro"]
    for f in files:
        assert (built_book / f"{f}.html").exists(), f


def test_chapter_one_shows_its_figures_and_equations(built_book):
    html = (built_book / "chapters" / "01_nmda_antagonism.html").read_text(encoding="utf-8")
    n_images = len(re.findall(r"<img [^>]*src=\"[^\"]+\.png\"", html))
    assert n_images >= 10, n_images
    assert html.count("math notranslate") >= 8            # display and inline equations
    assert "Learning objectives" in html and "Checks" in html
    assert html.count('class="solution') >= 4              # hidden solutions
    assert "widget-view" not in html                       # no kernel-only widget output


def test_parameter_appendix_lists_every_parameter(built_book):
    from ketamodel import provenance

    html = (built_book / "appendices" / "parameters.html").read_text(encoding="utf-8")
    rows = provenance.parameters()
    assert provenance.summary(rows) in html
    code = '<code class="docutils literal notranslate"><span class="pre">'
    for r in rows:
        assert f"{code}{r.name}" in html, r.name


def test_notebooks_are_committed_without_outputs():
    for path in [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendices/*.ipynb")]:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, path.name


def test_every_chapter_ends_with_checks():
    for path in sorted(ROOT.glob("chapters/*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        last_code = [c for c in cells if c["cell_type"] == "code"][-1]
        assert "assert" in "".join(last_code["source"]), path.name


def test_chapter_structure_one_title_numbered_sections_no_code_in_prose():
    # One top-level title per chapter, its sections numbered after it, and no assertion
    # pasted into a Markdown cell (it would render as prose and never run).
    for path in sorted(ROOT.glob("chapters/*.ipynb")):
        number = path.name.split("_")[0].lstrip("0")
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        prose = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        lines = [ln for text in prose for ln in text.splitlines()]
        titles = [ln for ln in lines if ln.startswith("# ")]
        assert len(titles) == 1 and titles[0].startswith(f"# {number}. "), (path.name, titles)
        sections = [ln[3:] for ln in lines if ln.startswith("## ") and ln[3:4].isdigit()]
        assert all(s.startswith(f"{number}.") for s in sections), (path.name, sections)
        assert not any(re.match(r"\s*assert ", ln) for ln in lines), path.name


def test_every_figure_has_alt_text(built_book):
    # Readers with screen readers get a sentence for every figure.
    pages = [built_book / "intro.html", *sorted((built_book / "chapters").glob("*.html"))]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for img in re.findall(r"<img [^>]*src=\"[^\"]+\.png\"[^>]*>", html):
            if "_static/images/logo_" in img:          # launch-button logos
                continue
            alt = re.search(r'alt="([^"]*)"', img)
            # Without alt metadata, myst-nb falls back to the file name.
            assert alt and len(alt.group(1)) > 20 and not alt.group(1).endswith(".png"), (
                f"{page.name}: {img[:120]}")
