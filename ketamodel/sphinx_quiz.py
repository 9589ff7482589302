"""Self-check quizzes for the book: a ``quiz`` directive that works without a kernel.

The directive's content is YAML, a list of questions::

    ```{quiz}
    - question: What does a Hill function do at high concentrations?
      options:
        - It rises without limit.
        - It saturates.
      answer: 1
      explanations:
        - "No: it never exceeds 1."
        - "Yes: it approaches full occupancy."
    ```

Each question has a ``question``, 2 to 5 ``options``, the ``answer`` (the index of
the right option, counting from 0) and one entry of ``explanations`` per option
(why it is right or wrong). Every text may hold MyST inline markup (emphasis,
``$math$``, roles). Quote a text that contains ``: `` or starts with a special
character, or write it as a folded block (``>-``).

In HTML, each question is a ``<fieldset>`` with a ``<legend>``, a labelled radio
button per option, a "Check" button and a feedback region (``aria-live``).
``ketamodel-quiz.js`` (from ``ketamodel/static/``, added to the pages that hold a
quiz, with ``ketamodel-quiz.css``) marks the chosen option right or wrong and
shows the explanations. Without JavaScript the button stays hidden and a
``<details>`` element gives the answer and every explanation. Other builders
(LaTeX, text) get the question, the options, the answer and the explanations as
paragraphs. Content that is not a valid list of questions is an error naming the
question and the problem (so it fails a ``-W`` build).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

STATIC_DIR = Path(__file__).parent / "static"
QUIZ_JS = "ketamodel-quiz.js"
QUIZ_CSS = "ketamodel-quiz.css"
MIN_OPTIONS, MAX_OPTIONS = 2, 5
LETTERS = "ABCDE"
_VOID = {"input"}
_INTERACTIVE = {"input", "button"}        # left out of non-HTML output
_PARAGRAPH = {"legend": nodes.paragraph, "label": nodes.paragraph, "p": nodes.paragraph,
              "li": nodes.paragraph, "summary": nodes.paragraph, "strong": nodes.strong}


class quiz_element(nodes.TextElement, nodes.General):  # noqa: N801 (docutils' naming)
    """An HTML element of a quiz, its tag and attributes in ``tag`` and ``attributes``.

    A text element, so that the text it holds gets the document's smart quotes.
    """


def _el(tag: str, *children: nodes.Node, **attributes: Any) -> quiz_element:
    """A quiz element; ``class_`` gives the class, other names with ``_`` become ``-``."""
    attrs = {k.rstrip("_").replace("_", "-"): v for k, v in attributes.items()}
    return quiz_element("", "", *children, tag=tag, attributes=attrs)


def _visit_html(self: Any, node: quiz_element) -> None:
    attrs = "".join(f" {k}" if v is True else f' {k}="{html.escape(str(v))}"'
                    for k, v in node["attributes"].items() if v is not False)
    self.body.append(f"<{node['tag']}{attrs}>")
    if node["tag"] in _VOID:
        raise nodes.SkipNode


def _depart_html(self: Any, node: quiz_element) -> None:
    self.body.append(f"</{node['tag']}>")


def _plain(app: Any, doctree: nodes.document, docname: str) -> None:
    """For builders other than HTML: the quiz as paragraphs, without its controls."""
    if app.builder.format == "html":
        return
    for node in reversed(list(doctree.findall(quiz_element))):      # children first
        tag, css = node["tag"], node["attributes"].get("class", "")
        if tag in _INTERACTIVE or "km-quiz-feedback" in css:
            node.parent.remove(node)
            continue
        kind = _PARAGRAPH.get(tag, nodes.inline if tag == "span" else nodes.container)
        text = () if kind is nodes.container else ("",)             # TextElement's text
        node.replace_self(kind("", *text, *node.children))


def check_questions(data: object) -> list[dict[str, Any]]:
    """The questions of a quiz, checked; raises ``ValueError`` naming the first problem.

    Parameters
    ----------
    data : object
        The directive's content, parsed from YAML.

    Returns
    -------
    list of dict
        One dict per question, with ``question`` (str), ``options`` (list of str),
        ``answer`` (int) and ``explanations`` (list of str).
    """
    if not isinstance(data, list) or not data:
        raise ValueError("the content must be a YAML list of questions")
    keys = {"question", "options", "answer", "explanations"}
    for n, q in enumerate(data, 1):
        where = f"question {n}"
        if not isinstance(q, dict):
            raise ValueError(f"{where} is not a mapping with the keys {sorted(keys)}")
        if unknown := set(q) - keys:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}")
        for key in ("question", "options", "answer", "explanations"):
            if key not in q:
                raise ValueError(f"{where}: missing {key!r}")
        if not isinstance(q["question"], str) or not q["question"].strip():
            raise ValueError(f"{where}: 'question' must be a non-empty text")
        options, explanations, answer = q["options"], q["explanations"], q["answer"]
        if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise ValueError(f"{where}: 'options' must be a list of {MIN_OPTIONS} to "
                             f"{MAX_OPTIONS} texts")
        if not isinstance(explanations, list) or len(explanations) != len(options):
            got = len(explanations) if isinstance(explanations, list) else "no list"
            raise ValueError(f"{where}: {len(options)} options but {got} explanations "
                             f"(give one explanation per option)")
        if not all(isinstance(t, str) and t.strip() for t in options + explanations):
            raise ValueError(f"{where}: every option and explanation must be a non-empty text")
        if isinstance(answer, bool) or not isinstance(answer, int) or \
                not 0 <= answer < len(options):
            raise ValueError(f"{where}: answer {answer!r} is out of range (the index of "
                             f"the right option, 0 to {len(options) - 1})")
    return data


class QuizDirective(SphinxDirective):
    """``quiz``: multiple-choice self-check questions, from YAML content."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        """Parse and check the questions; return the quiz's nodes."""
        import yaml

        try:
            questions = check_questions(yaml.safe_load("\n".join(self.content)))
        except yaml.YAMLError as exc:
            raise self.error(f"quiz: the content is not valid YAML: {exc}") from None
        except ValueError as exc:
            raise self.error(f"quiz: {exc}") from None
        self.messages: list[nodes.Node] = []
        quiz_id = f"km-quiz-{self.env.new_serialno('km-quiz')}"
        quiz = _el("div", *[self._question(f"{quiz_id}-q{n}", n, q)
                            for n, q in enumerate(questions, 1)],
                   class_="km-quiz", id=quiz_id)
        return [quiz, *self.messages]

    def _inline(self, text: str) -> list[nodes.Node]:
        parsed, messages = self.state.inline_text(" ".join(str(text).split()), self.lineno)
        self.messages += messages
        return parsed

    def _question(self, qid: str, number: int, q: dict[str, Any]) -> quiz_element:
        answer = q["answer"]
        letter = [_el("span", nodes.Text(f"{LETTERS[i]}."), class_="km-quiz-letter")
                  for i in range(len(q["options"]))]
        options = []
        for i, text in enumerate(q["options"]):
            oid = f"{qid}-{LETTERS[i].lower()}"
            options.append(_el(
                "div",
                _el("input", type="radio", name=qid, id=oid, value=str(i)),
                _el("label", letter[i].deepcopy(), nodes.Text(" "), *self._inline(text),
                    _el("span", class_="km-quiz-mark", aria_hidden="true"),
                    _el("span", class_="km-quiz-sr"), for_=oid),
                class_="km-quiz-option"))
        explanations = [
            _el("li", letter[i].deepcopy(), nodes.Text(" "),
                _el("strong", nodes.Text("Right." if i == answer else "Wrong."),
                    class_="km-quiz-verdict"), nodes.Text(" "),
                _el("span", *self._inline(text), class_="km-quiz-explanation"),
                data_km_option=str(i))
            for i, text in enumerate(q["explanations"])]
        details = _el(
            "details",
            _el("summary", nodes.Text("Answer and explanations")),
            _el("p", nodes.Text("Answer: "), _el("strong", letter[answer].deepcopy()),
                nodes.Text(" "), *self._inline(q["options"][answer]), class_="km-quiz-key"),
            _el("ul", *explanations, class_="km-quiz-explanations"),
            class_="km-quiz-answer")
        return _el(
            "fieldset",
            _el("legend", _el("span", nodes.Text(f"Question {number}."),
                              class_="km-quiz-number"),
                nodes.Text(" "), *self._inline(q["question"])),
            _el("div", *options, class_="km-quiz-options"),
            _el("button", nodes.Text("Check"), type="button", class_="km-quiz-check",
                hidden=True),
            _el("div", class_="km-quiz-feedback", aria_live="polite"),
            details,
            class_="km-quiz-question", id=qid, data_km_answer=str(answer))


def _static_path(app: Any, config: Any) -> None:
    """Serve the quiz's script and style from the book (no third-party request)."""
    if str(STATIC_DIR) not in map(str, config.html_static_path):
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def _quiz_assets(app: Any, pagename: str, templatename: str, context: dict,
                 doctree: Any) -> None:
    """Add the quiz's script and style to the pages that hold a quiz."""
    if doctree is not None and next(doctree.findall(quiz_element), None) is not None:
        app.add_js_file(QUIZ_JS, loading_method="defer")
        app.add_css_file(QUIZ_CSS)


def setup(app: Any) -> dict[str, Any]:
    """Register the ``quiz`` directive, its nodes and its static files with Sphinx."""
    app.add_node(quiz_element, html=(_visit_html, _depart_html))
    app.add_directive("quiz", QuizDirective)
    app.connect("config-inited", _static_path)
    app.connect("doctree-resolved", _plain)
    app.connect("html-page-context", _quiz_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
