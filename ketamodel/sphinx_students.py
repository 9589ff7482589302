"""A Sphinx extension that puts the student version of each chapter in the book.

When the book is built as HTML, every notebook page that states an exercise gets
its student version (:func:`ketamodel.students.student_notebook`: the exercises
without their solutions, with a stub cell for each answer), written from the
chapter at each build into the HTML output as
``_downloads/student/<docname>-student.ipynb`` (for instance
``_downloads/student/chapters/05_self_models-student.ipynb``). The page links to
it twice, both links relative, so the book works offline:

- a line under the page's title, "Student version (exercises without
  solutions)", in a ``<p class="km-student-version">``;
- an entry "student .ipynb" in the page's download menu (sphinx-book-theme).

Malformed exercises or solutions are reported as warnings (errors under ``-W``)
at the chapter. Register it in ``_config.yml`` under ``sphinx.config.extensions``
as ``ketamodel.sphinx_students``.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import Any

from sphinx.util import logging

from .students import has_exercises, student_name, write_student_notebook

logger = logging.getLogger(__name__)

#: Folder of the student notebooks inside the HTML output.
STUDENT_DIR = "_downloads/student"
#: Text of the link under each chapter's title.
LINK_TEXT = "Student version (exercises without solutions)"
#: Class of the paragraph that holds that link.
LINK_CLASS = "km-student-version"

_EXERCISES: dict[str, bool] = {}


def student_target(docname: str) -> str:
    """Where the student version of the page ``docname`` is written, in the HTML output.

    Parameters
    ----------
    docname : str
        Sphinx document name, e.g. ``"chapters/05_self_models"``.

    Returns
    -------
    str
        A POSIX path relative to the output folder, e.g.
        ``"_downloads/student/chapters/05_self_models-student.ipynb"``.
    """
    folder, stem = posixpath.split(docname)
    return posixpath.join(STUDENT_DIR, folder, student_name(stem))


def _is_html(app: Any) -> bool:
    builder = getattr(app, "builder", None)
    return builder is not None and builder.format == "html" and \
        not builder.name.startswith("epub")


def _notebook(app: Any, docname: str) -> Path | None:
    """The source of ``docname`` if it is a notebook that states an exercise."""
    if docname not in app.env.found_docs:
        return None
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb" or not path.is_file():
        return None
    key = f"{path}:{path.stat().st_mtime_ns}"
    if key not in _EXERCISES:
        import nbformat

        _EXERCISES[key] = has_exercises(nbformat.read(path, as_version=4))
    return path if _EXERCISES[key] else None


def _add_links(app: Any, pagename: str, templatename: str, context: dict,
               doctree: Any) -> None:
    """Link the page to its student notebook: under the title and in the download menu."""
    if not _is_html(app) or doctree is None or _notebook(app, pagename) is None:
        return
    url = context["pathto"](student_target(pagename), 1)
    link = (f'<p class="{LINK_CLASS}"><a class="reference download" '
            f'href="{html.escape(url)}" download>{html.escape(LINK_TEXT)}</a></p>\n')
    body = context.get("body", "")
    end = body.find("</h1>")
    context["body"] = (body[: end + 5] + "\n" + link + body[end + 5 :]) if end >= 0 \
        else link + body
    for group in context.get("header_buttons") or []:
        if group.get("label") == "download-buttons":
            group["buttons"].insert(1, {
                "type": "link",
                "url": url,
                "text": "student .ipynb",
                "tooltip": LINK_TEXT,
                "icon": "fas fa-pencil-alt",
                "label": "download-student-notebook-button",
            })


def _write_notebooks(app: Any, env: Any) -> None:
    """Write the student version of every notebook page with exercises.

    Run once the sources are read and before the pages are written, in the main
    process, so that a malformed chapter is a warning of the build.
    """
    if not _is_html(app):
        return
    out = Path(app.outdir)
    for docname in sorted(env.found_docs):
        path = _notebook(app, docname)
        if path is None:
            continue
        try:
            write_student_notebook(path, out / student_target(docname))
        except ValueError as error:
            logger.warning("student notebook not written: %s", error,
                           location=docname, type="ketamodel", subtype="students")


def setup(app: Any) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    # After sphinx-book-theme (priority 501) has made the page's header buttons.
    app.connect("html-page-context", _add_links, priority=600)
    app.connect("env-updated", _write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
