/* The follow-up quiz card: option buttons (multiple choice, true/false) or a text box, then
   the grade with the expected answer and the source quote. */

import { button, el, textNode } from "./dom.js";

let quizCount = 0; // numbers the cards, for their element ids

// `answerQuiz(quizId, answer)` gives a Promise of the grade; `openPassage(citation, opener)`
// opens a citation; `reveal(node)` scrolls the feedback into view; `messageOf(error)` words a
// failed request.
export function renderQuiz(quiz, { answerQuiz, openPassage, reveal, messageOf }) {
  quizCount += 1;
  const card = el("div", "msg tutor quiz");
  const headingId = "quiz-" + quizCount;
  card.setAttribute("role", "group");
  card.setAttribute("aria-labelledby", headingId);
  card.appendChild(el("p", "label", "Quiz yourself"));
  const q = el("p", "quiz-question", quiz.question || "");
  q.id = headingId;
  card.appendChild(q);

  const feedback = el("div", "feedback");
  feedback.hidden = true;
  const controls = [];

  function submit(answer, chosen) {
    if (!answer) {
      return;
    }
    controls.forEach((c) => {
      c.disabled = true;
      c.classList.remove("chosen");
    });
    if (chosen) {
      chosen.classList.add("chosen");
    }
    answerQuiz(quiz.quiz_id, answer)
      .then((grade) => {
        showGrade(feedback, grade, quiz, openPassage);
        markOptions(controls, grade);
      })
      .catch((e) => {
        feedback.hidden = false;
        feedback.className = "feedback wrong";
        feedback.textContent = "";
        feedback.appendChild(el("p", null, messageOf(e)));
      })
      .finally(() => {
        controls.forEach((c) => {
          c.disabled = false;
        });
        reveal(feedback);
      });
  }

  answerControls(quiz, submit, controls).forEach((node) => card.appendChild(node));
  card.appendChild(feedback);
  return card;
}

// The nodes that hold the controls for the quiz's kind, each control pushed onto `controls`;
// `submit(answer, chosen)` sends an answer.
function answerControls(quiz, submit, controls) {
  if (quiz.kind === "multiple_choice" && Array.isArray(quiz.options) && quiz.options.length) {
    const list = el("div", "options");
    quiz.options.forEach((option, i) => {
      const b = button("option", null, () => submit(option, b));
      b.appendChild(el("span", "option-letter", String.fromCharCode(65 + i)));
      b.appendChild(el("span", "option-text", option));
      b.dataset.answer = option;
      controls.push(b);
      list.appendChild(b);
    });
    return [list];
  }
  if (quiz.kind === "true_false") {
    const row = el("div", "options two");
    [["True", "true"], ["False", "false"]].forEach(([label, answer]) => {
      const b = button("option", label, () => submit(answer, b));
      b.dataset.answer = answer;
      controls.push(b);
      row.appendChild(b);
    });
    return [row];
  }
  const inputId = "quiz-answer-" + quizCount;
  const label = el("label", "quiz-label", "Your answer");
  label.htmlFor = inputId;
  const field = el("input", "quiz-input");
  field.id = inputId;
  field.type = "text";
  field.autocomplete = "off";
  const check = button("primary", "Check", () => submit(field.value.trim(), null));
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      submit(field.value.trim(), null);
    }
  });
  controls.push(field, check);
  const line = el("div", "short-row");
  line.appendChild(field);
  line.appendChild(check);
  return [label, line];
}

export function markOptions(controls, grade) {
  controls.forEach((c) => {
    if (c.dataset && c.dataset.answer !== undefined) {
      c.classList.toggle("is-expected", c.dataset.answer === grade.expected);
    }
  });
}

export function showGrade(feedback, grade, quiz, openPassage) {
  feedback.textContent = "";
  feedback.hidden = false;
  feedback.className = "feedback " + (grade.correct ? "right" : "wrong");
  feedback.appendChild(el("p", "verdict", grade.correct ? "✓ Correct" : "✗ Not quite"));
  if (grade.feedback) {
    feedback.appendChild(el("p", "feedback-text", grade.feedback));
  }
  if (!grade.correct && grade.expected && (grade.feedback || "").indexOf(grade.expected) < 0) {
    const expected = el("p", "expected");
    expected.appendChild(el("span", "expected-label", "Answer: "));
    expected.appendChild(textNode(grade.expected));
    feedback.appendChild(expected);
  }
  const citation = grade.citation || quiz.citation;
  if (citation && citation.quote) {
    if (!grade.feedback || grade.feedback.indexOf(citation.quote) < 0) {
      feedback.appendChild(el("blockquote", "source-quote", citation.quote));
    }
    const source = el("p", "feedback-source");
    source.appendChild(el("span", null, "Source: " + (citation.section || "course text") + " "));
    const show = button("link", "Show passage", () => openPassage(citation, show));
    show.setAttribute("aria-haspopup", "dialog");
    source.appendChild(show);
    feedback.appendChild(source);
  }
}
