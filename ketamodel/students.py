"""Student versions of the chapters: the exercises without their solutions.

A chapter states each exercise in an ``{exercise}`` directive with a ``:label:``,
and gives its solution between ``{solution-start} <label>`` and ``{solution-end}``
(the solution's code and Markdown cells lie in between; a short solution may be a
single ``{solution}`` directive instead). :func:`student_notebook` derives from a
chapter the version handed out for assignment:

- every solution is removed: its code cells, its Markdown and the
  ``solution-start``/``solution-end`` directives themselves, so that the MyST of
  what is left stays valid; the exercise statements stay;
- in its place comes one *stub*, a code cell tagged ``student-stub`` that runs
  (a comment and ``pass``), for the student's answer;
- the chapter's *Checks* section (from its ``Checks`` heading to the next heading
  of the same or a higher level, or to the end) keeps its heading, but its cells
  are replaced by a short note. Those cells pin the numbers that the text and the
  solutions quote: they read variables that only the solutions define, and they
  would give the answers away;
- a note after the title says that this is the student version, all outputs
  are cleared, and the notebook's metadata say ``{"ketamodel": {"edition":
  "student", ...}}``.

Student notebooks are never edited by hand: :func:`write_student_notebooks`
writes them from the chapters, and :mod:`ketamodel.sphinx_students` does so
whenever the book is built.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

__all__ = [
    "STUB_TAG",
    "NOTE_TAG",
    "has_exercises",
    "student_notebook",
    "student_name",
    "write_student_notebook",
    "write_student_notebooks",
]

#: Tag of the code cell that stands for a solution in a student notebook.
STUB_TAG = "student-stub"
#: Tag of the Markdown cells that the student version adds (its notes).
NOTE_TAG = "student-note"

_OPEN = re.compile(
    r"^(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>exercise|exercise-start|exercise-end|"
    r"solution|solution-start|solution-end)\}(?P<arg>[^\n]*)$"
)
_LABEL = re.compile(r"^:label:\s*(\S+)\s*$")
_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_CHECKS = "checks"

_NOTE = (
    "**Student version.** The exercises' solutions are left out of this notebook: "
    "after each exercise, a code cell tagged `student-stub` is there for your answer "
    "(add code and Markdown cells as you need). The checks at the end of the chapter, "
    "which would give the answers away, are left out too."
)
_CHECKS_NOTE = (
    "In the full version of this chapter, the cells here check the numbers that the "
    "text and the exercises' solutions quote. They are left out of the student "
    "version: they read results that only the solutions compute, and they would give "
    "the answers away."
)


@dataclass
class _Directive:
    """A fenced exercise or solution directive found in a Markdown cell."""

    name: str
    arg: str
    label: str | None
    start: int  # first line
    stop: int  # one past the closing fence


def _directives(lines: list[str]) -> list[_Directive]:
    """The exercise and solution directives of a Markdown cell, in order."""
    found = []
    i = 0
    while i < len(lines):
        match = _OPEN.match(lines[i].rstrip())
        if match is None:
            fence = _FENCE.match(lines[i])
            if fence:  # another fenced block (code, admonition): skip it whole
                i = _close(lines, i, fence.group(1))
            else:
                i += 1
            continue
        fence = match.group("fence")
        stop = _close(lines, i, fence)
        label = None
        for line in lines[i + 1 : stop]:
            option = _LABEL.match(line.strip())
            if option:
                label = option.group(1)
                break
        found.append(_Directive(match.group("name"), match.group("arg").strip(), label, i, stop))
        i = stop
    return found


def _close(lines: list[str], start: int, fence: str) -> int:
    """One past the line that closes the fenced block opened at ``lines[start]``."""
    closing = re.compile("^" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j + 1
    return len(lines)


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """``(line, level, text)`` of the Markdown headings of a cell, outside fenced blocks."""
    found = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence:
            i = _close(lines, i, fence.group(1))
            continue
        heading = _HEADING.match(lines[i])
        if heading:
            found.append((i, len(heading.group(1)), heading.group(2)))
        i += 1
    return found


def has_exercises(nb: NotebookNode) -> bool:
    """Whether a notebook states at least one exercise.

    Parameters
    ----------
    nb : NotebookNode
        A notebook, as read by :func:`nbformat.read`.

    Returns
    -------
    bool
        True if one of its Markdown cells holds an ``{exercise}`` (or
        ``{exercise-start}``) directive.
    """
    return any(
        d.name in ("exercise", "exercise-start")
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for d in _directives(cell.source.splitlines())
    )


def _stub_source(label: str | None) -> str:
    name = f"Exercise {label}" if label else "Exercise"
    return f"# {name}: your answer here (add code and Markdown cells as you need).\npass"


class _Builder:
    """Collects the cells of the student notebook, with unique, stable cell ids."""

    def __init__(self, with_ids: bool) -> None:
        self.cells: list[NotebookNode] = []
        self.with_ids = with_ids
        self.ids: set[str] = set()

    def _id(self, wanted: str) -> str:
        wanted = re.sub(r"[^A-Za-z0-9_-]", "-", wanted)[:60] or "cell"
        candidate, n = wanted, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{wanted[:56]}-{n}"
        self.ids.add(candidate)
        return candidate

    def add(self, cell: NotebookNode, wanted_id: str) -> None:
        if self.with_ids:
            cell["id"] = self._id(wanted_id)
        else:
            cell.pop("id", None)
        self.cells.append(cell)

    def markdown(self, source: str, like: NotebookNode, wanted_id: str) -> None:
        cell = copy.deepcopy(like)
        cell.source = source
        self.add(cell, wanted_id)

    def note(self, source: str, wanted_id: str) -> None:
        cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": [NOTE_TAG]})
        self.add(cell, wanted_id)

    def stub(self, label: str | None) -> None:
        metadata = {"tags": [STUB_TAG], "ketamodel": {"exercise": label}}
        cell = nbformat.v4.new_code_cell(_stub_source(label), metadata=metadata)
        self.add(cell, f"stub-{label or 'exercise'}")


def _clean_code(cell: NotebookNode) -> NotebookNode:
    cell = copy.deepcopy(cell)
    cell.outputs = []
    cell.execution_count = None
    cell.metadata.pop("execution", None)
    return cell


class _Splitter:
    """Walks a chapter's cells in order and builds its student version."""

    def __init__(self, nb: NotebookNode) -> None:
        self.out = _Builder((nb.get("nbformat_minor") or 0) >= 5)
        # Exercises with a solution get their stub where the solution was.
        self.solved = {
            d.arg.split()[0]
            for cell in nb.cells
            if cell.cell_type == "markdown"
            for d in _directives(cell.source.splitlines())
            if d.name in ("solution", "solution-start") and d.arg
        }
        self.exercises: list[str] = []
        self.gated_exercise: str | None = None  # label of an open {exercise-start}
        self.solution: str | None = None  # label of the open solution
        self.last_closed: str | None = None
        self.done: set[str] = set()
        self.checks_level: int | None = None  # heading level of the Checks section
        # Per Markdown cell: its lines, the pieces kept, where kept text starts.
        self.lines: list[str] = []
        self.pieces: list[tuple[str, str | None]] = []
        self.keep_from: int | None = None

    @property
    def dropping(self) -> bool:
        return self.solution is not None or self.checks_level is not None

    def code(self, cell: NotebookNode, cell_id: str) -> None:
        if not self.dropping:  # solution code and checks are left out
            self.out.add(_clean_code(cell) if cell.cell_type == "code" else copy.deepcopy(cell),
                         cell_id)

    def keep(self, until: int) -> None:
        if self.keep_from is not None and until > self.keep_from:
            self.pieces.append(("text", "".join(self.lines[self.keep_from : until])))

    def resume(self, line: int) -> None:
        self.keep_from = None if self.dropping else line

    def markdown(self, cell: NotebookNode, cell_id: str) -> None:
        self.lines = cell.source.splitlines(keepends=True)
        plain = [line.rstrip("\n") for line in self.lines]
        self.pieces = []
        self.keep_from = None if self.dropping else 0
        directives = _directives(plain)
        events: list[tuple[int, _Directive | tuple[int, str]]] = [(d.start, d) for d in directives]
        for line, level, text in _headings(plain):
            if not any(d.start <= line < d.stop for d in directives):
                events.append((line, (level, text)))
        events.sort(key=lambda event: event[0])
        for line, event in events:
            if isinstance(event, _Directive):
                self.directive(event)
            else:
                self.heading(line, *event)
        self.keep(len(self.lines))
        for k, (kind, what) in enumerate(self.pieces):
            if kind == "stub":
                self.out.stub(what)
            elif what and what.strip():
                self.out.markdown(what.strip("\n"), cell, cell_id if k == 0 else f"{cell_id}-{k}")

    def heading(self, line: int, level: int, text: str) -> None:
        if self.solution is not None:
            return
        if self.checks_level is not None and level <= self.checks_level:
            self.checks_level = None  # the Checks section ends here
            self.resume(line)
        if self.checks_level is None and text.strip().lower() == _CHECKS:
            # The heading stays, followed by a note instead of the checks.
            kept = "".join(self.lines[self.keep_from or 0 : line + 1])
            self.pieces.append(("text", kept.rstrip("\n") + "\n\n" + _CHECKS_NOTE))
            self.checks_level = level
            self.keep_from = None

    def stub_after(self, d: _Directive, label: str | None) -> None:
        self.keep(d.stop)
        if self.keep_from is not None:
            self.pieces.append(("stub", label))
            self.keep_from = d.stop

    def start_solution(self, d: _Directive) -> str:
        label = d.arg.split()[0] if d.arg else ""
        if self.solution is not None:
            raise ValueError(f"the solution of {self.solution!r} has no solution-end before "
                             f"the solution of {label!r} starts")
        if label not in self.exercises:
            raise ValueError(f"a solution names the exercise {label!r}, which this notebook "
                             "does not state before it")
        if label in self.done:
            raise ValueError(f"the exercise {label!r} has more than one solution")
        self.done.add(label)
        self.keep(d.start)
        if self.checks_level is None:
            self.pieces.append(("stub", label))
        return label

    def directive(self, d: _Directive) -> None:
        if d.name in ("exercise", "exercise-start"):
            if self.solution is not None:
                raise ValueError(f"the solution of {self.solution!r} has no solution-end "
                                 f"before the exercise {d.label or '(unlabelled)'!r}")
            if d.label:
                self.exercises.append(d.label)
            if d.name == "exercise-start":
                self.gated_exercise = d.label or ""
            elif d.label not in self.solved:
                self.stub_after(d, d.label)
        elif d.name == "exercise-end":
            if self.gated_exercise is not None and self.gated_exercise not in self.solved:
                self.stub_after(d, self.gated_exercise or None)
            self.gated_exercise = None
        elif d.name == "solution":
            self.last_closed = self.start_solution(d)
            self.resume(d.stop)
        elif d.name == "solution-start":
            self.solution = self.start_solution(d)
            self.keep_from = None
        else:  # solution-end
            if self.solution is None:
                after = f" after the solution of {self.last_closed!r}" if self.last_closed else ""
                raise ValueError(f"a solution-end{after} has no solution-start")
            named = d.arg.split()[0] if d.arg else self.solution
            if named != self.solution:
                raise ValueError(f"the solution of {self.solution!r} is closed by a "
                                 f"solution-end for {named!r}")
            self.last_closed, self.solution = self.solution, None
            self.resume(d.stop)

    def finish(self) -> list[NotebookNode]:
        if self.solution is not None:
            raise ValueError(f"the solution of {self.solution!r} has no solution-end")
        if self.gated_exercise is not None:
            raise ValueError(f"the exercise {self.gated_exercise!r} has no exercise-end")
        cells = self.out.cells
        self.out.note(_NOTE, "student-note")
        note = cells.pop()
        title = bool(cells) and cells[0].cell_type == "markdown" \
            and cells[0].source.lstrip().startswith("# ")
        cells.insert(1 if title else 0, note)
        return cells


def student_notebook(nb: NotebookNode) -> NotebookNode:
    """The student version of a chapter: its exercises, without their solutions.

    Parameters
    ----------
    nb : NotebookNode
        The chapter, as read by :func:`nbformat.read` (version 4). It is not
        changed.

    Returns
    -------
    NotebookNode
        A new notebook. Every solution (``{solution-start}`` … ``{solution-end}``
        with the cells between them, or a ``{solution}`` directive) is replaced by
        one code cell tagged :data:`STUB_TAG`, which runs; an exercise without a
        solution gets its stub right after its statement. The cells of the
        *Checks* section are replaced by a note (they read the solutions' results),
        a note tagged :data:`NOTE_TAG` follows the title, outputs are cleared,
        and ``metadata["ketamodel"]`` records ``edition: "student"`` and the
        exercises' labels.

    Raises
    ------
    ValueError
        If a solution starts while another is open or is never closed, a
        ``solution-end`` has no ``solution-start``, a solution names an exercise
        that the notebook does not state before it, or an exercise has more than
        one solution; the message names the label.
    """
    if nb.get("nbformat") != 4:
        raise ValueError("student_notebook needs an nbformat 4 notebook")
    walk = _Splitter(nb)
    for index, cell in enumerate(nb.cells):
        cell_id = cell.get("id") or f"cell-{index}"
        if cell.cell_type == "markdown":
            walk.markdown(cell, cell_id)
        else:
            walk.code(cell, cell_id)
    student = copy.deepcopy(nb)
    student.cells = walk.finish()
    meta = dict(student.metadata.get("ketamodel") or {})
    meta.update({"edition": "student", "exercises": walk.exercises})
    student.metadata["ketamodel"] = meta
    return student


def student_name(stem: str) -> str:
    """The file name of the student version of the notebook ``<stem>.ipynb``."""
    return f"{stem}-student.ipynb"


def write_student_notebooks(src_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """Write the student version of every notebook of ``src_dir`` that has exercises.

    Parameters
    ----------
    src_dir : str or Path
        Folder of the chapters (``*.ipynb``; not searched recursively).
    out_dir : str or Path
        Folder to write to (created if needed). Each ``<stem>.ipynb`` becomes
        ``<stem>-student.ipynb``; a file whose content would not change is not
        rewritten.

    Returns
    -------
    list of Path
        The student notebooks, in the order of the chapters' file names.

    Raises
    ------
    ValueError
        If a chapter's exercises or solutions are malformed (see
        :func:`student_notebook`); the message names the file and the label.
    """
    src_dir, out_dir = Path(src_dir), Path(out_dir)
    written = []
    for path in sorted(src_dir.glob("*.ipynb")):
        target = out_dir / student_name(path.stem)
        if write_student_notebook(path, target):
            written.append(target)
    return written


def write_student_notebook(path: str | Path, target: str | Path) -> bool:
    """Write the student version of the notebook ``path`` to ``target``.

    Parameters
    ----------
    path : str or Path
        The chapter.
    target : str or Path
        The student notebook to write (its folder is created if needed); left
        alone when its content would not change.

    Returns
    -------
    bool
        False, and nothing written, if the chapter states no exercise.

    Raises
    ------
    ValueError
        If its exercises or solutions are malformed; the message names the file
        and the label.
    """
    path, target = Path(path), Path(target)
    nb = nbformat.read(path, as_version=4)
    if not has_exercises(nb):
        return False
    try:
        student = student_notebook(nb)
    except ValueError as error:
        raise ValueError(f"{path.name}: {error}") from error
    student.metadata["ketamodel"]["source"] = path.name
    nbformat.validate(student)
    text = nbformat.writes(student) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return True
