"""A Sphinx extension for the published book: its address, its footer, its 404 page, access.

1. **The address.** The book's address lives in ``_config.yml``
   (:mod:`ketamodel.publish`); Jupyter Book hands it to Sphinx as the theme's
   ``repository_url``, ``repository_branch`` and ``launch_buttons``. From it the
   extension sets ``html_baseurl`` to the repository's GitHub Pages site (so every page
   names its canonical address) unless ``html_baseurl`` is set, and, while the address is
   the placeholder, says once in the build's log (an information, not a warning) that
   the links point nowhere yet.
2. **The footer** shows the book's version (``ketamodel.__version__``, the version in
   ``pyproject.toml``) and the date of the build (today, in UTC, or the date of
   ``SOURCE_DATE_EPOCH`` when that is set, for reproducible builds).
3. **What a published site needs**: ``404.html``, a self-contained page (no
   stylesheet or script to load, so it shows at any depth of the site) whose links go
   to the book's first page and its search by absolute paths on the site; and
   ``sitemap.xml``, written only when the site's address is known (and ``robots.txt``
   pointing at it when the site is at its host's root, where crawlers look for it).
4. **Accessibility** (WCAG 2.1 AA, checked with axe-core in ``tests/test_browser.py``):
   bibliography entries are list items (``role="listitem"``; docutils writes the
   deprecated ``doc-biblioentry``, which breaks the list); the summary of a hidden
   cell is named by its visible text (myst-nb gives it the ``aria-label`` "Toggle
   hidden content", which hides that text from screen readers); links inside tinted
   boxes get a darker blue (``ketamodel-site.css``). Two templates in ``_templates/``
   fix the theme's search and colour-mode buttons.

Register it in ``_config.yml`` under ``sphinx.config.extensions`` as
``ketamodel.sphinx_site``.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sphinx.util import logging

from . import __version__
from .publish import Address, is_placeholder, pages_url

logger = logging.getLogger(__name__)

#: Static files of this extension (shared with the other extensions of the book).
STATIC_DIR = Path(__file__).parent / "static"
SITE_CSS = "ketamodel-site.css"
#: Class of the footer line with the version and the build date.
BUILD_INFO_CLASS = "km-build-info"
#: Start of the log line that says the address is still the placeholder.
PLACEHOLDER_NOTE = "the book's address is still the placeholder"
#: The not-found page, written at the top of the HTML output.
NOT_FOUND = "404.html"


def build_date() -> _dt.date:
    """The date of this build: ``SOURCE_DATE_EPOCH``'s when it is set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise ValueError(f"SOURCE_DATE_EPOCH must be a Unix time in seconds, "
                             f"got {epoch!r}") from exc
    return _dt.datetime.now(_dt.UTC).date()


def build_info_html(version: str, date: _dt.date) -> str:
    """The footer line that names the version and the build date."""
    return (f'<p class="{BUILD_INFO_CLASS}">Version {html.escape(version)}, built on '
            f'<time datetime="{date.isoformat()}">{date.isoformat()}</time>.</p>')


def address_of(config: Any) -> Address | None:
    """The book's address as Jupyter Book gave it to Sphinx; None without a repository."""
    options = config.html_theme_options or {}
    url = options.get("repository_url")
    if not url:
        return None
    launch = options.get("launch_buttons") or {}
    return Address(url, options.get("repository_branch") or "main",
                   launch.get("jupyterhub_url") or "")


def _configure(app: Any, config: Any) -> None:
    """Derive html_baseurl and the footer from the address and the version; say if placeholder."""
    listed = {(Path(app.confdir) / p).resolve() for p in config.html_static_path}
    if STATIC_DIR.resolve() not in listed:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]
    options = dict(config.html_theme_options or {})
    footer = str(options.get("extra_footer") or "")
    options["extra_footer"] = footer + build_info_html(__version__, build_date())
    config.html_theme_options = options
    address = address_of(config)
    if address is None:
        return
    if not config.html_baseurl:
        config.html_baseurl = pages_url(address.repository)
    nowhere = is_placeholder(address)
    if nowhere:
        what = {"repository": f"the repository {address.repository} (the repository and "
                              f"issues buttons, the Binder, Colab and JupyterHub launch "
                              f"links, the canonical address {config.html_baseurl})",
                "hub": f"the JupyterHub {address.hub}"}
        logger.info("ketamodel.sphinx_site: %s: %s point nowhere yet. Set the real address "
                    "with: python -m ketamodel.publish address https://github.com/OWNER/REPO "
                    "--branch BRANCH --hub URL", PLACEHOLDER_NOTE,
                    " and ".join(what[n] for n in nowhere))


# --- the published site: 404 page, sitemap ---------------------------------------------------

def site_root(baseurl: str) -> str:
    """The site's path on its host (``/REPO/`` on GitHub Pages), ending in ``/``."""
    path = urlsplit(baseurl).path if baseurl else "/"
    return path if path.endswith("/") else path + "/"


def not_found_html(title: str, root: str, home: str) -> str:
    """The not-found page: self-contained, its links absolute paths on the site.

    Parameters
    ----------
    title : str
        The book's title.
    root : str
        The site's path on its host, ending in ``/``.
    home : str
        The first page, relative to ``root`` (e.g. ``intro.html``).
    """
    t = html.escape(title)
    home_url = html.escape(root + home)
    search_url = html.escape(root + "search.html")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Page not found - {t}</title>
<style>
  :root {{ color-scheme: light dark; }}
  body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.5;
         max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #222; background: #fff; }}
  a {{ color: #135fcc; }}
  input, button {{ font: inherit; padding: 0.3rem 0.5rem; }}
  @media (prefers-color-scheme: dark) {{
    body {{ color: #e6e6e6; background: #121212; }}
    a {{ color: #8ab4f8; }}
  }}
</style>
</head>
<body>
<main>
<h1>Page not found</h1>
<p>There is no page at this address in <cite>{t}</cite>: it may have moved, or the
address may be mistyped.</p>
<p><a id="km-home" href="{home_url}">Go to the first page of the book</a>, or search it:</p>
<form role="search" action="{search_url}" method="get">
  <label for="km-q">Search the book</label>
  <input id="km-q" type="search" name="q">
  <button type="submit">Search</button>
</form>
</main>
</body>
</html>
"""


def sitemap_xml(baseurl: str, uris: list[str], date: _dt.date) -> str:
    """A sitemap of the pages at ``uris`` (relative to ``baseurl``)."""
    base = baseurl if baseurl.endswith("/") else baseurl + "/"
    urls = "".join(f"  <url><loc>{html.escape(base + u)}</loc>"
                   f"<lastmod>{date.isoformat()}</lastmod></url>\n" for u in uris)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls
            + "</urlset>\n")


def _write_site_files(app: Any, exception: BaseException | None) -> None:
    """After an HTML build: 404.html, and sitemap.xml (with robots.txt at a host's root)."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    baseurl = app.config.html_baseurl or ""
    root = site_root(baseurl)
    home = app.builder.get_target_uri(app.config.root_doc)
    title = str(getattr(app.config, "html_title", "") or app.config.project)
    (out / NOT_FOUND).write_text(not_found_html(title, root, home), encoding="utf-8")
    if not baseurl:
        return
    docs = sorted(app.env.found_docs)
    uris = [app.builder.get_target_uri(d) for d in docs]
    (out / "sitemap.xml").write_text(sitemap_xml(baseurl, uris, build_date()),
                                     encoding="utf-8")
    if root == "/":
        (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: "
                                        f"{baseurl.rstrip('/')}/sitemap.xml\n", encoding="utf-8")


# --- accessibility -----------------------------------------------------------------------------

def _visit_citation(self: Any, node: Any) -> None:
    """A bibliography entry as a list item (docutils writes the deprecated doc-biblioentry)."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def _depart_citation(self: Any, node: Any) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def _visit_hidden_cell(self: Any, node: Any) -> None:
    """A hidden cell's summary, named by its visible text (no aria-label that replaces it)."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">'
                     f'{html.escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">'
                     f'{html.escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _depart_hidden_cell(self: Any, node: Any) -> None:
    self.body.append("</details>\n")


def setup(app: Any) -> dict[str, Any]:
    """Register the address, footer, site files and accessibility fixes with Sphinx."""
    from docutils import nodes

    app.setup_extension("myst_nb")
    from myst_nb.sphinx_ import HideCodeCellNode

    app.connect("config-inited", _configure)
    app.add_css_file(SITE_CSS)
    app.add_node(nodes.citation, override=True, html=(_visit_citation, _depart_citation))
    app.add_node(HideCodeCellNode, override=True,
                 html=(_visit_hidden_cell, _depart_hidden_cell))
    app.connect("build-finished", _write_site_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
