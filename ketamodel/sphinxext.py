"""A small Sphinx extension for the book: code-made figures and a fresh notebook cache.

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
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


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


def _refresh_cache(app: Any) -> None:
    """Clear the notebook cache when the library changed since the last build."""
    cache_path = Path(app.env.mystnb_config.execution_cache_path)
    stamp = cache_path / "ketamodel.sha256"
    fingerprint = library_fingerprint()
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


def setup(app: Any) -> dict[str, Any]:
    """Register the figure drawing, the cache check and the citation styles with Sphinx."""
    app.setup_extension("ketamodel.bibstyle")
    app.connect("builder-inited", _draw_figures)
    app.connect("builder-inited", _refresh_cache, priority=900)
    app.connect("env-get-outdated", _outdated_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
