/* Self-check quizzes of the static book (ketamodel.sphinx_quiz). MIT licence.
 *
 * Each question is a <fieldset class="km-quiz-question" data-km-answer="i">. The script
 * shows its "Check" button and hides the <details> that, without JavaScript, gives the
 * answer. On "Check" it marks the chosen option right (✓) or wrong (✗), and writes into
 * the feedback region (aria-live) why, and, when wrong, which option is right and why.
 * No network access.
 */
(function () {
  "use strict";

  function explanation(question, index) {
    const item = question.querySelector(`li[data-km-option="${index}"] .km-quiz-explanation`);
    const span = document.createElement("span");
    if (item) {
      item.childNodes.forEach((n) => span.appendChild(n.cloneNode(true)));
    }
    return span;
  }

  function letter(question, index) {
    const input = question.querySelector(`input[value="${index}"]`);
    const mark = input && question.querySelector(`label[for="${input.id}"] .km-quiz-letter`);
    return mark ? mark.textContent.replace(/\.$/, "") : String(index + 1);
  }

  function paragraph(className, ...parts) {
    const p = document.createElement("p");
    p.className = className;
    parts.forEach((part) => p.append(part));
    return p;
  }

  function clearMarks(question) {
    question.querySelectorAll(".km-quiz-option").forEach((option) => {
      option.classList.remove("km-quiz-right", "km-quiz-wrong");
      option.querySelector(".km-quiz-mark").textContent = "";
      option.querySelector(".km-quiz-sr").textContent = "";
    });
  }

  function markOption(question, index, right, words) {
    const input = question.querySelector(`input[value="${index}"]`);
    const option = input.closest(".km-quiz-option");
    option.classList.add(right ? "km-quiz-right" : "km-quiz-wrong");
    option.querySelector(".km-quiz-mark").textContent = right ? "✓" : "✗";
    option.querySelector(".km-quiz-sr").textContent = ` (${words})`;
  }

  function check(question) {
    const feedback = question.querySelector(".km-quiz-feedback");
    const chosen = question.querySelector("input[type=radio]:checked");
    clearMarks(question);
    feedback.replaceChildren();
    feedback.classList.remove("km-quiz-right", "km-quiz-wrong");
    if (!chosen) {
      feedback.append(paragraph("km-quiz-verdict", "Choose an answer first."));
      return;
    }
    const index = Number(chosen.value);
    const answer = Number(question.dataset.kmAnswer);
    const right = index === answer;
    markOption(question, index, right, right ? "your answer, right" : "your answer, wrong");
    feedback.classList.add(right ? "km-quiz-right" : "km-quiz-wrong");
    if (right) {
      feedback.append(
        paragraph("km-quiz-verdict", "✓ Right: ", letter(question, index), " is correct."),
        paragraph("km-quiz-why", explanation(question, index)));
    } else {
      markOption(question, answer, true, "the right answer");
      feedback.append(
        paragraph("km-quiz-verdict", "✗ Not quite: ", letter(question, index),
                  " is wrong."),
        paragraph("km-quiz-why", explanation(question, index)),
        paragraph("km-quiz-verdict",
                  "✓ The right answer is ", letter(question, answer), "."),
        paragraph("km-quiz-why", explanation(question, answer)));
    }
  }

  function init(question) {
    const button = question.querySelector(".km-quiz-check");
    const details = question.querySelector(".km-quiz-answer");
    if (!button || question.dataset.kmReady === "1") {
      return;
    }
    button.hidden = false;
    if (details) {
      details.hidden = true;
    }
    button.addEventListener("click", () => check(question));
    question.dataset.kmReady = "1";
  }

  function start() {
    document.querySelectorAll("fieldset.km-quiz-question").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
