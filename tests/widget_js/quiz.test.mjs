import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { installDocument } from "./fake_dom.mjs";
import { ApiError, messageOf } from "../../bots/widget_static/api.js";
import { renderQuiz } from "../../bots/widget_static/quiz.js";

beforeEach(() => installDocument());

const CITATION = { doc_id: "d1", section: "1961", quote: "the Berlin Wall was erected" };

// The card's collaborators; `grade` is what answering gives (a value, or an Error to reject).
function harness(grade) {
  const log = [];
  let settle;
  const settled = new Promise((resolve) => {
    settle = resolve;
  });
  const actions = {
    answerQuiz: (quizId, answer) => {
      log.push(["answer", quizId, answer]);
      const result = grade instanceof Error ? Promise.reject(grade) : Promise.resolve(grade);
      return result;
    },
    openPassage: (citation, opener) => log.push(["open", citation, opener.textContent]),
    reveal: (node) => {
      log.push(["reveal", node.className]);
      settle();
    },
    messageOf,
  };
  return { log, actions, settled };
}

test("multiple choice: lettered options; a pick is sent, marked and graded", async () => {
  const h = harness({ correct: false, expected: "1961", feedback: "It was 1961." });
  const options = ["1959", "1961"];
  const quiz = { quiz_id: "q1", kind: "multiple_choice", question: "When?", options };
  const card = renderQuiz(quiz, h.actions);
  assert.equal(card.getAttribute("role"), "group");
  const heading = card.querySelector(".quiz-question");
  assert.equal(card.getAttribute("aria-labelledby"), heading.id);
  assert.equal(heading.textContent, "When?");
  const buttons = card.querySelectorAll(".option");
  assert.deepEqual(buttons.map((o) => o.textContent), ["A1959", "B1961"]);
  assert.ok(card.querySelector(".feedback").hidden);

  buttons[0].click();
  assert.ok(buttons.every((o) => o.disabled), "no second answer while one is graded");
  assert.ok(buttons[0].classList.contains("chosen"));
  await h.settled;
  assert.deepEqual(h.log, [["answer", "q1", "1959"], ["reveal", "feedback wrong"]]);
  assert.ok(buttons.every((o) => !o.disabled));
  assert.deepEqual(buttons.map((o) => o.classList.contains("is-expected")), [false, true]);
  const feedback = card.querySelector(".feedback");
  assert.ok(!feedback.hidden);
  assert.equal(feedback.querySelector(".verdict").textContent, "✗ Not quite");
  assert.equal(feedback.querySelector(".feedback-text").textContent, "It was 1961.");
  assert.equal(feedback.querySelector(".expected"), null, "the feedback already says it");
});

test("true or false: the buttons send true and false", async () => {
  const h = harness({ correct: true, expected: "true" });
  const card = renderQuiz({ quiz_id: "q2", kind: "true_false", question: "Q?" }, h.actions);
  const options = card.querySelectorAll(".option");
  assert.deepEqual(options.map((o) => [o.textContent, o.dataset.answer]), [
    ["True", "true"],
    ["False", "false"],
  ]);
  options[1].click();
  await h.settled;
  assert.deepEqual(h.log[0], ["answer", "q2", "false"]);
  assert.equal(card.querySelector(".verdict").textContent, "✓ Correct");
  assert.ok(card.querySelector(".feedback").classList.contains("right"));
});

test("short answer: Enter or Check sends the trimmed text, never an empty one", async () => {
  const grade = {
    correct: false,
    expected: "Khrushchev",
    feedback: "Not that one.",
    citation: CITATION,
  };
  const h = harness(grade);
  const card = renderQuiz({ quiz_id: "q3", kind: "short_answer", question: "Who?" }, h.actions);
  const field = card.querySelector(".quiz-input");
  const label = card.querySelector(".quiz-label");
  assert.equal(label.htmlFor, field.id);
  assert.equal(label.textContent, "Your answer");
  field.value = "   ";
  const check = card.querySelector(".primary");
  check.click();
  const enter = field.dispatch("keydown", { key: "Enter", isComposing: false });
  assert.ok(enter.defaultPrevented);
  assert.deepEqual(h.log, []);
  field.value = "  Kennedy ";
  field.dispatch("keydown", { key: "Enter", isComposing: true });
  assert.deepEqual(h.log, [], "Enter while composing is not a send");
  field.dispatch("keydown", { key: "Enter", isComposing: false });
  await h.settled;
  assert.deepEqual(h.log[0], ["answer", "q3", "Kennedy"]);

  const feedback = card.querySelector(".feedback");
  assert.equal(feedback.querySelector(".expected").textContent, "Answer: Khrushchev");
  assert.equal(feedback.querySelector("blockquote").textContent, CITATION.quote);
  const source = feedback.querySelector(".feedback-source");
  assert.equal(source.textContent, "Source: 1961 Show passage");
  const show = feedback.querySelector(".link");
  assert.equal(show.getAttribute("aria-haspopup"), "dialog");
  show.click();
  assert.deepEqual(h.log.at(-1), ["open", CITATION, "Show passage"]);
});

test("no quote twice when the feedback holds it; the quiz's own citation serves", async () => {
  const h = harness({ correct: true, feedback: "Yes: the Berlin Wall was erected in 1961." });
  const citation = { ...CITATION, section: "" };
  const quiz = { quiz_id: "q4", kind: "true_false", question: "Q?", citation };
  const card = renderQuiz(quiz, h.actions);
  card.querySelectorAll(".option")[0].click();
  await h.settled;
  assert.equal(card.querySelector("blockquote"), null);
  const source = card.querySelector(".feedback-source");
  assert.equal(source.textContent, "Source: course text Show passage");
});

test("a failed answer shows why, and the controls come back", async () => {
  const h = harness(new ApiError("Too many questions at once; wait a moment and try again.", 429));
  const card = renderQuiz({ quiz_id: "q5", kind: "true_false", question: "Q?" }, h.actions);
  const options = card.querySelectorAll(".option");
  options[0].click();
  await h.settled;
  const feedback = card.querySelector(".feedback");
  assert.equal(feedback.className, "feedback wrong");
  assert.equal(feedback.textContent, "Too many questions at once; wait a moment and try again.");
  assert.ok(options.every((o) => !o.disabled));
});

test("each card has ids of its own", () => {
  const h = harness({ correct: true });
  const a = renderQuiz({ quiz_id: "a", kind: "short_answer" }, h.actions);
  const b = renderQuiz({ quiz_id: "b", kind: "short_answer" }, h.actions);
  assert.notEqual(a.querySelector(".quiz-input").id, b.querySelector(".quiz-input").id);
  assert.notEqual(a.getAttribute("aria-labelledby"), b.getAttribute("aria-labelledby"));
});
