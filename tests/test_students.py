"""Student notebooks: the chapters' exercises without their solutions."""

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ketamodel import sphinx_students
from ketamodel.students import (
    NOTE_TAG,
    STUB_TAG,
    has_exercises,
    student_notebook,
    write_student_notebooks,
)

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
EXTENSION = "ketamodel.sphinx_students"


# -- An independent reading of the chapters' solutions (line by line) ----------------------

_START = re.compile(r"^`{3,}\{solution-start\}\s*(\S+)")
_END = re.compile(r"^`{3,}\{solution-end\}")
_EXERCISE_LABEL = re.compile(r"^`{3,}\{exercise\}\s*\n:label:\s*(\S+)", re.M)


def solution_parts(nb):
    """(code cells, Markdown lines) that lie inside solutions, read line by line."""
    code, prose, inside = [], [], False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            if inside:
                code.append(cell)
            continue
        for line in cell.source.splitlines():
            if _START.match(line):
                inside = True
            elif _END.match(line):
                inside = False
            elif inside:
                prose.append(line)
    return code, prose


def outside_solutions(nb):
    """Normalised lines of the chapter's code outside its solutions and its Checks."""
    lines, inside, checks = set(), False, False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                inside = bool(_START.match(line)) or (inside and not _END.match(line))
                if re.match(r"^#+\s+Checks\s*$", line):
                    checks = True
        elif not inside and not checks:
            lines |= {norm(line) for line in cell.source.splitlines()}
    return lines


def norm(line):
    return " ".join(line.split())


def trivial(line):
    """Lines that say nothing about an answer: blank, brackets alone, bare keywords."""
    return not re.search(r"[A-Za-z0-9]", line) or line in {"else:", "try:", "pass", "return"}


def code_lines(nb):
    return {norm(line) for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()}


def markdown_text(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def stubs(nb):
    return [c for c in nb.cells if STUB_TAG in c.metadata.get("tags", [])]


# -- A small synthetic chapter --------------------------------------------------------------

def synthetic():
    return new_notebook(cells=[
        new_markdown_cell("# 9. A chapter\n\nSome text."),
        new_code_cell("x = 2", outputs=[], execution_count=3),
        new_markdown_cell(
            "## Exercises\n\n```{exercise}\n:label: ex9-a\nDouble x.\n```\n\n"
            "```{solution-start} ex9-a\n:class: dropdown\n```\n\nThe answer is:"),
        new_code_cell("answer_a = 2 * x\nprint(answer_a)"),
        new_markdown_cell(
            "Four, of course.\n\n```{solution-end}\n```\n\n```{exercise}\n:label: ex9-b\n"
            "Square x.\n```\n\n```{solution-start} ex9-b\n:class: dropdown\n```\n"
            "Think of x times x.\n```{solution-end}\n```\n\n"
            "```{exercise}\n:label: ex9-c\nNo solution given.\n```\n\n"
            "## Summary\n\nWe doubled.\n\n## Checks\n\nThe cell below pins the claims."),
        new_code_cell("assert x == 2\nassert answer_a == 4", metadata={"tags": ["hide-input"]}),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})


def test_synthetic_chapter():
    nb = synthetic()
    before = nbformat.writes(nb)
    student = student_notebook(nb)
    assert nbformat.writes(nb) == before  # the chapter is not changed
    nbformat.validate(student)
    text = markdown_text(student)
    assert [s.metadata["ketamodel"]["exercise"] for s in stubs(student)] == \
        ["ex9-a", "ex9-b", "ex9-c"]
    for stub in stubs(student):
        assert stub.source.rstrip().endswith("pass") and "NotImplementedError" not in stub.source
        exec(compile(stub.source, "stub", "exec"), {})  # a stub runs
    assert "Double x." in text and "Square x." in text and "No solution given." in text
    assert "Four" not in text and "answer is" not in text and "times x" not in text
    assert "solution-start" not in text and "solution-end" not in text
    assert "answer_a" not in json.dumps(student.cells)
    assert "## Checks" in text and "The cell below pins" not in text
    assert [c.source for c in student.cells if c.cell_type == "code" and
            STUB_TAG not in c.metadata.get("tags", [])] == ["x = 2"]
    assert all(not c.outputs and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    # The note follows the title; every fence opened is closed.
    assert student.cells[0].source.startswith("# 9. A chapter")
    assert NOTE_TAG in student.cells[1].metadata["tags"]
    assert text.count("```") % 2 == 0
    assert student.metadata["ketamodel"] == {"edition": "student",
                                             "exercises": ["ex9-a", "ex9-b", "ex9-c"]}
    assert len({c.id for c in student.cells}) == len(student.cells)
    assert student_notebook(nb) == student  # deterministic


def test_a_single_solution_directive_is_replaced_too():
    nb = new_notebook(cells=[new_markdown_cell(
        "# T\n\n```{exercise}\n:label: ex-one\nSay hi.\n```\n\n"
        "````{solution} ex-one\n:class: dropdown\n```python\nprint('hi')\n```\n````\n\nAfter.")])
    student = student_notebook(nb)
    text = markdown_text(student)
    assert "print('hi')" not in text and "Say hi." in text and "After." in text
    assert len(stubs(student)) == 1


@pytest.mark.parametrize(("edit", "label"), [
    # A solution that never ends (and one that starts inside another).
    (lambda s: s.replace("Four, of course.\n\n```{solution-end}\n```", "Four."), "ex9-a"),
    (lambda s: s.replace("Think of x times x.\n```{solution-end}\n```", ""), "ex9-b"),
    # A solution for an exercise the notebook does not state.
    (lambda s: s.replace("{solution-start} ex9-b", "{solution-start} ex9-z"), "ex9-z"),
    # Two solutions for one exercise.
    (lambda s: s.replace("{solution-start} ex9-b", "{solution-start} ex9-a"), "ex9-a"),
    # An end without a start.
    (lambda s: s.replace("```{solution-start} ex9-b\n:class: dropdown\n```\n", ""), "ex9-a"),
])
def test_bad_solutions_raise_naming_the_label(edit, label):
    nb = synthetic()
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = edit(cell.source)
    with pytest.raises(ValueError, match=re.escape(repr(label))):
        student_notebook(nb)


def test_write_student_notebooks(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(synthetic(), src / "09_chapter.ipynb")
    nbformat.write(new_notebook(cells=[new_markdown_cell("# No exercise")]), src / "10_x.ipynb")
    written = write_student_notebooks(src, tmp_path / "out")
    assert written == [tmp_path / "out" / "09_chapter-student.ipynb"]
    nb = nbformat.read(written[0], as_version=4)
    assert nb.metadata["ketamodel"]["source"] == "09_chapter.ipynb"
    mtime = written[0].stat().st_mtime_ns
    write_student_notebooks(src, tmp_path / "out")  # unchanged content: not rewritten
    assert written[0].stat().st_mtime_ns == mtime
    bad = synthetic()
    bad.cells[4].source = bad.cells[4].source.replace("```{solution-end}\n```", "", 1)
    nbformat.write(bad, src / "09_chapter.ipynb")
    with pytest.raises(ValueError, match=r"09_chapter\.ipynb.*'ex9-a'"):
        write_student_notebooks(src, tmp_path / "out")


# -- The real chapters ----------------------------------------------------------------------

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_student_version_has_no_solution(path):
    nb = nbformat.read(path, as_version=4)
    student = student_notebook(nb)
    nbformat.validate(student)
    labels = _EXERCISE_LABEL.findall(markdown_text(nb))
    assert labels, "every chapter has exercises"
    assert student.metadata["ketamodel"]["exercises"] == labels

    # No line of a solution's code is left, unless the chapter has it outside solutions.
    solution_code, solution_prose = solution_parts(nb)
    assert solution_code, "the chapter's solutions hold code"
    shared = outside_solutions(nb)
    leaked = {norm(line) for cell in solution_code for line in cell.source.splitlines()}
    leaked = {line for line in leaked if not trivial(line) and line not in shared}
    assert not leaked & code_lines(student), sorted(leaked & code_lines(student))
    # Nor a line of a solution's prose.
    text = markdown_text(student)
    prose = {norm(line) for line in solution_prose if len(norm(line)) > 20}
    assert not [line for line in prose if line in text]
    # Nor the Checks, which read the solutions' results and quote the answers.
    assert not [c for c in student.cells if "hide-input" in c.metadata.get("tags", [])]
    assert "## Checks" in text

    # One stub per exercise, in order; every statement kept; no solution directive left.
    assert [s.metadata["ketamodel"]["exercise"] for s in stubs(student)] == labels
    assert _EXERCISE_LABEL.findall(text) == labels
    for statement in re.findall(r"```\{exercise\}.*?\n```", markdown_text(nb), re.S):
        assert statement in text
    assert not re.search(r"\{solution(-start|-end)?\}", text)
    assert not re.search(r"solution-(start|end)", json.dumps(student.cells))
    assert all(not c.outputs and c.execution_count is None
               for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    # About 5-20 s per chapter: each runs in a fresh kernel, in chapters/ like the book.
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    student = student_notebook(nbformat.read(path, as_version=4))
    client = NotebookClient(student, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    errors = [o for c in student.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors and elapsed < 600
    assert all(not c.outputs for c in stubs(student))


# -- The built book -------------------------------------------------------------------------

def _registered():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.get("sphinx") or {}
    names = [*(sphinx.get("extra_extensions") or []),
             *((sphinx.get("config") or {}).get("extensions") or [])]
    return EXTENSION in names


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (href, classes of the enclosing <p>, text)
        self._p, self._a = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p":
            self._p = attrs.get("class") or ""
        elif tag == "a":
            self._a = [attrs.get("href"), self._p or "", ""]

    def handle_data(self, data):
        if self._a is not None:
            self._a[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._a is not None:
            self.links.append(tuple(self._a))
            self._a = None
        elif tag == "p":
            self._p = None


def test_built_book_links_each_chapter_to_its_student_notebook(request):
    if not _registered():
        pytest.skip(f"{EXTENSION} is not registered in _config.yml")
    html_dir = request.getfixturevalue("built_book")
    for path in CHAPTERS:
        assert has_exercises(nbformat.read(path, as_version=4))
        docname = path.relative_to(ROOT).with_suffix("").as_posix()
        page = html_dir / f"{docname}.html"
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        target = sphinx_students.student_target(docname)
        mine = [(href, p, text) for href, p, text in parser.links
                if href and href.endswith(Path(target).name)]
        assert any(sphinx_students.LINK_CLASS in p and text == sphinx_students.LINK_TEXT
                   for _, p, text in mine), f"{page.name} has no link to its student version"
        for href, _, _ in mine:
            assert (page.parent / href).resolve() == (html_dir / target).resolve(), href
        notebook = html_dir / target
        assert notebook.is_file(), f"{target} is missing from the built book"
        data = json.loads(notebook.read_text(encoding="utf-8"))
        assert data["nbformat"] == 4
        nb = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["ketamodel"]["edition"] == "student"
        expected = student_notebook(nbformat.read(path, as_version=4))
        expected.metadata["ketamodel"]["source"] = path.name
        assert nb == expected, f"{target} is not the student version of {path.name}"
