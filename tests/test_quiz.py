"""Self-check quizzes: the ``quiz`` directive, every chapter's quiz, and a quiz in a browser.

(a) The extension (:mod:`ketamodel.sphinx_quiz`) on a tiny Sphinx project: the HTML has
a fieldset per question, labelled radios, a feedback region and the no-JavaScript answer;
its script and style are copied into the build; bad content fails with a message that
names the problem. (b) Each chapter has a quiz before its summary whose answers and
explanations fit its options. (c) In Chromium, offline, a chapter's quiz answers one
question right and one wrong with the expected marks and explanations. The browser test
uses the book built by the ``built_book`` fixture, or the HTML folder named by the
environment variable ``KETAMODEL_QUIZ_HTML`` when it is set.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from ketamodel.sphinx_pdf import CHROMIUM, CHROMIUM_ARGS, serve
from ketamodel.sphinx_quiz import QUIZ_CSS, QUIZ_JS, check_questions

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("chapters/0[1-6]_*.ipynb"))
BROWSER_CHAPTER = "chapters/01_nmda_antagonism"

GOOD = """\
# Quiz page

```{quiz}
- question: What does a *Hill function* do at high concentrations?
  options:
    - It rises without limit.
    - It saturates.
    - It falls.
  answer: 1
  explanations:
    - "No: it never exceeds 1."
    - "Yes: it approaches full occupancy, $\\\\theta \\\\to 1$."
    - "No: it is non-decreasing."
- question: Is this the quiz's second question?
  options: ["Yes", "No"]
  answer: 0
  explanations: ["It is.", "It is not the first."]
```
"""


def _build(tmp_path: Path, body: str, *, warning_is_error: bool = False,
           builder: str = "html") -> tuple[Path, str]:
    """Build a one-page MyST project with the quiz extension; return (output dir, warnings)."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'ketamodel.sphinx_quiz']\n"
        "myst_enable_extensions = ['dollarmath']\n", encoding="utf-8")
    (src / "index.md").write_text(body, encoding="utf-8")
    out = tmp_path / builder
    warnings = io.StringIO()
    with patch_docutils(str(src)), docutils_namespace():    # as sphinx-build does
        app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), builder,
                     status=io.StringIO(), warning=warnings, warningiserror=warning_is_error,
                     freshenv=True)
        app.build()
    return out, warnings.getvalue()


@pytest.fixture(scope="module")
def good_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BeautifulSoup, str]:
    out, warnings = _build(tmp_path_factory.mktemp("quiz"), GOOD)
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    return out, soup, warnings


# --- (a) the extension on a tiny project ---------------------------------------------------

def test_each_question_is_a_fieldset_of_labelled_radios(good_page) -> None:
    _, soup, warnings = good_page
    assert warnings.strip() == ""
    fieldsets = soup.select("div.km-quiz fieldset.km-quiz-question")
    assert len(fieldsets) == 2
    first = fieldsets[0]
    assert first["data-km-answer"] == "1"
    legend = first.find("legend")
    assert "Question 1." in legend.get_text() and legend.find("em").get_text() == "Hill function"
    assert "quiz’s second" in fieldsets[1].find("legend").get_text(), "smart quotes, as in prose"
    radios = first.select("input[type=radio]")
    assert len(radios) == 3 and len({r["name"] for r in radios}) == 1
    assert [r["value"] for r in radios] == ["0", "1", "2"]
    for radio in radios:
        label = first.find("label", attrs={"for": radio["id"]})
        assert label is not None and label.get_text(strip=True)
    assert first.find("label", attrs={"for": radios[1]["id"]}).get_text().startswith(
        "B. It saturates.")
    names = [f.select_one("input[type=radio]")["name"] for f in fieldsets]
    assert len(set(names)) == 2, "each question needs its own radio group"
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids must be unique in the page"


def test_check_button_feedback_region_and_answer_without_javascript(good_page) -> None:
    _, soup, _ = good_page
    first = soup.select_one("fieldset.km-quiz-question")
    button = first.select_one("button.km-quiz-check")
    assert button["type"] == "button" and button.has_attr("hidden"), \
        "the button is shown by the script, so it is hidden without JavaScript"
    assert button.get_text() == "Check"
    assert first.select_one(".km-quiz-feedback")["aria-live"] == "polite"
    details = first.select_one("details.km-quiz-answer")
    assert details is not None and not details.has_attr("hidden")
    assert details.find("summary").get_text() == "Answer and explanations"
    assert "Answer: B. It saturates." in details.select_one(".km-quiz-key").get_text()
    items = details.select("li[data-km-option]")
    assert [li["data-km-option"] for li in items] == ["0", "1", "2"]
    assert [li.select_one(".km-quiz-verdict").get_text() for li in items] == [
        "Wrong.", "Right.", "Wrong."]
    assert "never exceeds 1" in items[0].get_text()
    assert items[1].select_one(".math"), "MyST inline math in an explanation is rendered"


def test_script_and_style_are_served_from_the_book(good_page) -> None:
    out, soup, _ = good_page
    for name in (QUIZ_JS, QUIZ_CSS):
        assert (out / "_static" / name).is_file(), f"{name} was not copied"
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert any(s.split("?")[0].endswith(QUIZ_JS) for s in scripts), scripts
    assert soup.find("script", src=re.compile(re.escape(QUIZ_JS)))["defer"] is not None
    assert any(link["href"].split("?")[0].endswith(QUIZ_CSS)
               for link in soup.find_all("link", rel="stylesheet")), "no quiz stylesheet"
    text = (out / "_static" / QUIZ_JS).read_text(encoding="utf-8") + \
        (out / "_static" / QUIZ_CSS).read_text(encoding="utf-8")
    assert not re.search(r"https?://|@import|fetch\(|XMLHttpRequest", text), \
        "the quiz must not fetch anything"


def test_pages_without_a_quiz_do_not_load_it(tmp_path: Path) -> None:
    out, warnings = _build(tmp_path, "# No quiz here\n\nJust text.\n")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert QUIZ_JS not in html and QUIZ_CSS not in html
    assert warnings.strip() == ""


def test_other_builders_get_the_questions_answers_and_explanations(tmp_path: Path) -> None:
    out, warnings = _build(tmp_path, GOOD, builder="text")
    text = (out / "index.txt").read_text(encoding="utf-8")
    assert warnings.strip() == ""
    for line in ("Question 1. What does a *Hill function* do at high concentrations?",
                 "B. It saturates.", "Answer: **B.** It saturates.",
                 "A. **Wrong.** No: it never exceeds 1."):
        assert line in text.splitlines(), (line, text)
    assert "Check" not in text, "no button without a browser"


def _quiz(*questions: str) -> str:
    return "# Bad quiz\n\n```{quiz}\n" + "".join(questions) + "```\n"


_Q = ("- question: Which?\n  options: [a, b, c]\n  answer: {answer}\n"
      "  explanations: {explanations}\n")


@pytest.mark.parametrize(("body", "problem"), [
    (_quiz("- question: Which?\n  options: [a, b]\n  explanations: [x, y]\n"),
     "question 1: missing 'answer'"),
    (_quiz(_Q.format(answer=3, explanations="[x, y, z]")),
     "question 1: answer 3 is out of range"),
    (_quiz(_Q.format(answer=0, explanations="[x, y, z]"),
           _Q.format(answer=-1, explanations="[x, y, z]")),
     "question 2: answer -1 is out of range"),
    (_quiz(_Q.format(answer=0, explanations="[x, y]")),
     "question 1: 3 options but 2 explanations"),
    (_quiz("- question: Which?\n  options: [a]\n  answer: 0\n  explanations: [x]\n"),
     "'options' must be a list of 2 to 5"),
    (_quiz("- question: [unclosed\n"), "not valid YAML"),
    (_quiz("just a sentence\n"), "must be a YAML list of questions"),
])
def test_bad_content_fails_with_a_message_naming_the_problem(tmp_path: Path, body: str,
                                                             problem: str) -> None:
    from sphinx.errors import SphinxWarning

    _, warnings = _build(tmp_path / "plain", body)
    assert problem in warnings, warnings
    assert "index.md" in warnings, "the message names the file"
    with pytest.raises(SphinxWarning, match=re.escape(problem)):
        _build(tmp_path / "strict", body, warning_is_error=True)   # what -W does


def test_check_questions_accepts_what_the_docs_describe() -> None:
    q = {"question": "Q", "options": ["a", "b"], "answer": 1, "explanations": ["x", "y"]}
    assert check_questions([q]) == [q]
    with pytest.raises(ValueError, match="answer True is out of range"):
        check_questions([q | {"answer": True}])
    with pytest.raises(ValueError, match="unknown key"):
        check_questions([q | {"hint": "h"}])


# --- (b) every chapter's quiz ---------------------------------------------------------------

def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _chapter_quiz(path: Path) -> tuple[int, list[dict]]:
    """(index of the self-check cell, its questions) of a chapter notebook."""
    cells = _cells(path)
    found = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and _source(c).startswith("## Self-check\n")]
    assert len(found) == 1, f"{path.name}: {len(found)} cells start with '## Self-check'"
    m = re.search(r"^```\{quiz\}\n(.*?)^```$", _source(cells[found[0]]), re.S | re.M)
    assert m, f"{path.name}: the self-check cell holds no ```{{quiz}} block"
    return found[0], yaml.safe_load(m.group(1))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_a_valid_quiz_before_its_summary(path: Path) -> None:
    index, questions = _chapter_quiz(path)
    check_questions(questions)                # answers in range, one explanation per option
    assert 3 <= len(questions) <= 4, f"{path.name}: {len(questions)} questions"
    cells = _cells(path)
    heading = "## Summary of the book" if path.name.startswith("06") else "## Summary\n"
    assert _source(cells[index + 1]).startswith(heading), \
        f"{path.name}: the self-check must come just before the summary"
    assert len({q["answer"] for q in questions}) > 1, \
        f"{path.name}: the right answer is always in the same place"
    long = [ln for ln in _source(cells[index]).splitlines() if len(ln) > 80]
    assert not long, f"{path.name}: lines over 80 characters: {long}"


def test_self_check_cells_have_unique_ids() -> None:
    for path in CHAPTERS:
        ids = [c.get("id") for c in _cells(path)]
        assert None not in ids and len(ids) == len(set(ids)), path.name


# --- (c) a quiz in the browser, offline -----------------------------------------------------

@pytest.fixture(scope="module")
def quiz_html(request: pytest.FixtureRequest) -> Path:
    """The built HTML: ``$KETAMODEL_QUIZ_HTML`` if set, else the book's own build."""
    folder = os.environ.get("KETAMODEL_QUIZ_HTML")
    return Path(folder) if folder else request.getfixturevalue("built_book")


@pytest.fixture(scope="module")
def served(quiz_html: Path) -> Iterator[str]:
    with serve(quiz_html) as base:
        yield base


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


def _page(browser, served: str, *, javascript: bool = True):
    """A new page of the chapter, with every request beyond 127.0.0.1 blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=javascript, service_workers="block")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.blocked, page.errors = [], []
    page.route("**/*", lambda route: route.continue_() if _is_loopback(route.request.url)
               else route.abort("blockedbyclient"))
    page.on("request", lambda r: _is_loopback(r.url) or page.blocked.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.goto(f"{served}{BROWSER_CHAPTER}.html", wait_until="load")
    return context, page


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _explanation(question, index: int) -> str:
    """The text of an option's explanation (from the answer box, shown or not)."""
    text = question.locator(f"li[data-km-option='{index}'] .km-quiz-explanation").text_content()
    return " ".join(text.split())


def _feedback(question) -> str:
    return " ".join(question.locator(".km-quiz-feedback").text_content().split())


def test_quiz_answers_right_and_wrong_offline(browser, served: str) -> None:
    context, page = _page(browser, served)
    try:
        questions = page.locator("fieldset.km-quiz-question")
        assert questions.count() >= 2, "the chapter shows no quiz"
        page.wait_for_function("document.querySelector('fieldset.km-quiz-question')"
                               ".dataset.kmReady === '1'")
        first, second = questions.nth(0), questions.nth(1)
        assert first.locator("button.km-quiz-check").is_visible()
        assert not first.locator("details.km-quiz-answer").is_visible(), \
            "with JavaScript the feedback replaces the answer box"

        # The first question right, with the keyboard only: focus, Space, Tab, Enter.
        right = int(first.get_attribute("data-km-answer"))
        expected_right = _explanation(first, right)
        first.locator(f"input[value='{right}']").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('km-quiz-check')")
        page.keyboard.press("Enter")
        text = _feedback(first)
        assert text.startswith("✓ Right"), text
        assert expected_right in text and "Not quite" not in text
        marks = first.locator(".km-quiz-mark")
        assert [marks.nth(i).inner_text() for i in range(marks.count())].count("✓") == 1
        assert "km-quiz-right" in first.locator(".km-quiz-option").nth(right).get_attribute(
            "class")

        # The second question wrong, with the mouse: click a wrong option's label.
        answer = int(second.get_attribute("data-km-answer"))
        wrong = (answer + 1) % second.locator("input[type=radio]").count()
        second.locator(f"label[for='{second.locator('input').nth(wrong).get_attribute('id')}']"
                       ).click()
        second.locator("button.km-quiz-check").click()
        text = _feedback(second)
        letters = "ABCDE"
        assert text.startswith(f"✗ Not quite: {letters[wrong]} is wrong."), text
        assert _explanation(second, wrong) in text, "the chosen option's explanation"
        assert f"The right answer is {letters[answer]}." in text
        assert _explanation(second, answer) in text, "and why the right one is right"
        options = second.locator(".km-quiz-option")
        assert options.nth(wrong).locator(".km-quiz-mark").inner_text() == "✗"
        assert options.nth(answer).locator(".km-quiz-mark").inner_text() == "✓"
        assert "(your answer, wrong)" in options.nth(wrong).inner_text(), \
            "the verdict is in words for screen readers, not only a mark"
        styles = [options.nth(i).evaluate("o => getComputedStyle(o).borderTopStyle")
                  for i in (wrong, answer)]
        assert styles == ["dashed", "solid"], "right and wrong differ beyond colour"
        colour = "o => getComputedStyle(o).borderTopColor"
        light = [options.nth(i).evaluate(colour) for i in (wrong, answer)]
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        dark = [options.nth(i).evaluate(colour) for i in (wrong, answer)]
        assert light[0] != light[1] and dark[0] != dark[1] and light != dark, \
            "the marks' colours follow the theme's dark mode"
        page.evaluate("document.documentElement.dataset.theme = 'light'")
        assert _feedback(first).startswith("✓ Right"), \
            "each question keeps its own feedback"
        shots = ROOT / "_build" / "screenshots"
        if shots.is_dir():
            second.screenshot(path=str(shots / "quiz-chapter-1.png"))
    finally:
        context.close()
    assert not page.blocked, f"requests beyond 127.0.0.1: {page.blocked}"
    assert not page.errors, f"errors in the browser: {page.errors}"


def test_quiz_without_javascript_shows_the_answers(browser, served: str) -> None:
    context, page = _page(browser, served, javascript=False)
    try:
        first = page.locator("fieldset.km-quiz-question").first
        assert not first.locator("button.km-quiz-check").is_visible()
        details = first.locator("details.km-quiz-answer")
        assert details.is_visible()
        details.locator("summary").click()
        assert first.locator(".km-quiz-explanations li").first.is_visible()
    finally:
        context.close()
    assert not page.blocked, f"requests beyond 127.0.0.1: {page.blocked}"
