"""A small Sphinx extension that draws the book's code-made figures for plain pages.

Pages that are not notebooks (the landing page) show figures drawn by
:mod:`ketamodel.plotting` when the book is built, so those pages need no
kernel and get no launch buttons. The figures are written to
``_generated/`` in the book's source folder and included with the
``{figure}`` directive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def setup(app: Any) -> dict[str, Any]:
    """Register the figure drawing with Sphinx."""
    app.connect("builder-inited", _draw_figures)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
