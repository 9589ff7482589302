"""A small Sphinx extension for the book: figures, notebook cache, explorable figures.

1. Pages that are not notebooks (the landing page) show figures drawn by
   :mod:`ketamodel.plotting` when the book is built, so those pages need no
   kernel and get no launch buttons. The figures are written to
   ``_generated/`` in the book's source folder and included with the
   ``{figure}`` directive.
2. The notebook cache (jupyter-cache) keys a notebook by its own content
   only, so a change to the library would leave old figures in the book.
   The extension fingerprints the library's source; when it changed since
   the last build, it clears the cache and marks every notebook for
   re-execution.
3. It loads :mod:`ketamodel.bibstyle`, which registers the citation styles
   named in ``_config.yml`` ("et al." for ``and others``).
4. Interactive figures (:func:`ketamodel.widgets.interactive_figure`) become
   explorable in the static HTML. The extension sets the environment
   variable ``KETAMODEL_STATIC_EXPLORER=1`` before the notebooks run, so the
   kernels they run in draw each interactive figure over a grid of its
   control values (set it to ``0`` beforehand to build still figures only).
   In the HTML, it moves the frames from the page into image files under
   ``_images/km-frames/``, gives the still frame the alt text of the cell's
   ``mystnb.image.alt`` metadata when there is one, checks each page's frames
   against the ``page_bytes`` of :data:`ketamodel.widgets.frames.BUDGET` (a warning, so
   an error under ``-W``), and adds ``ketamodel-explorer.js`` and
   ``ketamodel-explorer.css`` (from ``ketamodel/static/``) to the pages that
   hold such a figure.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import posixpath
import re
from pathlib import Path
from typing import Any

#: Static files of the explorable figures, added to the pages that need them.
STATIC_DIR = Path(__file__).parent / "static"
EXPLORER_JS = "ketamodel-explorer.js"
EXPLORER_CSS = "ketamodel-explorer.css"
#: Where the frames of explorable figures are written, inside the HTML output.
FRAMES_DIR = "_images/km-frames"
_DATA_URI = re.compile(r"data:image/(png|webp);base64,([A-Za-z0-9+/=]+)")


def toc_pages(root: Path) -> list[str]:
    """The book's pages in reading order, from ``root/_toc.yml``, without file suffixes."""
    import re

    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    pages = [str(toc["root"])]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                pages.append(str(node["file"]))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)

    walk(toc)
    return [re.sub(r"\.(md|ipynb|rst)$", "", p) for p in pages]


#: Figures drawn at build time: file name → plotting function name.
FIGURES = {"model_overview.png": "model_overview"}


def _draw_figures(app: Any) -> None:
    """Draw each figure; rewrite its file only when the image changed (keeps rebuilds warm)."""
    import io

    from . import plotting

    out = Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    for name, function in FIGURES.items():
        fig = getattr(plotting, function)()
        buf = io.BytesIO()
        with plotting.style():
            fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
        target = out / name
        if not target.exists() or target.read_bytes() != buf.getvalue():
            target.write_bytes(buf.getvalue())


def library_fingerprint() -> str:
    """SHA-256 of the library's source files (names and contents)."""
    import hashlib

    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _static_explorer_env(app: Any, config: Any) -> None:
    """Ask the notebooks' kernels for explorable figures, and serve their script and style."""
    from .widgets import STATIC_ENV

    if os.environ.get(STATIC_ENV) != "0":
        os.environ[STATIC_ENV] = "1"
    config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def cache_stamp() -> str:
    """What cached notebook outputs depend on besides the notebooks.

    The library's source, and whether interactive figures are drawn as explorable frames.
    """
    from .widgets import static_mode

    return library_fingerprint() + (" explorer" if static_mode() else " still")


def _refresh_cache(app: Any) -> None:
    """Clear the notebook cache when the library or the figure mode changed since last build."""
    cache_path = Path(app.env.mystnb_config.execution_cache_path)
    stamp = cache_path / "ketamodel.sha256"
    fingerprint = cache_stamp()
    app.ketamodel_changed = False
    if cache_path.exists() and (not stamp.exists() or stamp.read_text() != fingerprint):
        from jupyter_cache import get_cache

        get_cache(str(cache_path)).clear_cache()
        app.ketamodel_changed = True
    cache_path.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint)


def _outdated_notebooks(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    """Every notebook page, when the library changed; otherwise none."""
    if not getattr(app, "ketamodel_changed", False):
        return []
    return [doc for doc in env.found_docs
            if str(env.doc2path(doc)).endswith((".ipynb", ".md")) and doc not in added]


def _cell_alt(node: Any) -> str | None:
    """The alt text given in the metadata of the notebook cell that holds ``node``."""
    while node is not None:
        meta = node.get("cell_metadata") if hasattr(node, "get") else None
        if isinstance(meta, dict):
            alt = (meta.get("mystnb") or {}).get("image", {}).get("alt")
            return alt if isinstance(alt, str) and alt.strip() else None
        node = node.parent
    return None


def externalise_frames(text: str, outdir: Path, page_uri: str) -> tuple[str, dict[str, int]]:
    """Move the frames (data URIs) of an explorer's HTML into files under ``outdir``.

    Returns the HTML with relative links to the files, and the files' names and sizes.
    A file is named by the SHA-256 of its content, so a frame shared by figures or
    pages is written once.
    """
    folder = Path(outdir) / FRAMES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, int] = {}

    def move(m: re.Match) -> str:
        data = base64.b64decode(m.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:24]}.{m.group(1)}"
        target = folder / name
        if not target.exists():
            target.write_bytes(data)
        files[name] = len(data)
        base = posixpath.dirname(page_uri)
        return posixpath.relpath(f"{FRAMES_DIR}/{name}", base or ".")

    return _DATA_URI.sub(move, text), files


def _explorers(app: Any, doctree: Any, docname: str) -> None:
    """In HTML pages, move explorers' frames to files and check the page's budget."""
    from docutils import nodes

    from .widgets.explorer import MARKER
    from .widgets.frames import BUDGET

    if app.builder.format != "html":
        return
    files: dict[str, int] = {}
    for node in list(doctree.findall(nodes.raw)):
        if MARKER not in node.astext() or "html" not in node.get("format", "").split():
            continue
        text, moved = externalise_frames(node.astext(), Path(app.outdir),
                                         app.builder.get_target_uri(docname))
        alt = _cell_alt(node)
        if alt:
            text = re.sub(r'(<img class="km-explorer-frame"[^>]*? alt=")[^"]*(")',
                          lambda m, alt=alt: m.group(1) + html.escape(alt) + m.group(2), text,
                          count=1)
        files |= moved
        node.replace_self(nodes.raw("", text, format="html", classes=node.get("classes", [])))
    total = sum(files.values())
    if total > BUDGET.page_bytes:
        from sphinx.util import logging

        logging.getLogger(__name__).warning(
            "%s: the explorable figures' frames take %.2f MB, over the page budget of %.2f MB "
            "(see ketamodel.widgets.frames)", docname, total / 1e6, BUDGET.page_bytes / 1e6,
            location=docname)


def _explorer_assets(app: Any, pagename: str, templatename: str, context: dict,
                     doctree: Any) -> None:
    """Add the explorer's script and style to the pages that show an explorable figure."""
    from .widgets.explorer import MARKER

    if MARKER in context.get("body", ""):
        app.add_js_file(EXPLORER_JS, loading_method="defer")
        app.add_css_file(EXPLORER_CSS)


def setup(app: Any) -> dict[str, Any]:
    """Register figures, cache check, explorable figures and citation styles with Sphinx."""
    app.setup_extension("ketamodel.bibstyle")
    app.connect("config-inited", _static_explorer_env)
    app.connect("doctree-resolved", _explorers)
    app.connect("html-page-context", _explorer_assets)
    app.connect("builder-inited", _draw_figures)
    app.connect("builder-inited", _refresh_cache, priority=900)
    app.connect("env-get-outdated", _outdated_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
