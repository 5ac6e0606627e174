import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { installDocument } from "./fake_dom.mjs";
import { renderAnswer, renderError } from "../../bots/widget_static/answer.js";

beforeEach(() => installDocument());

const CITATIONS = [
  { doc_id: "d1", section: "1961", quote: "On August 13, the Berlin Wall was erected." },
  { doc_id: "d2", section: "", quote: "<b>not bold</b>" },
];

function actions() {
  const log = [];
  return {
    log,
    onCite: (citation, opener) => log.push(["cite", citation, opener]),
    onSuggestion: (text) => log.push(["suggest", text]),
  };
}

test("an answer: its text, a button per citation, and the sources in order", () => {
  const a = actions();
  const box = renderAnswer({ answer: "On August 13.", citations: CITATIONS }, a);
  assert.equal(box.className, "msg tutor answer");
  const text = box.querySelector(".answer-text");
  assert.equal(text.textContent, "On August 13. [1] [2]");
  const cites = box.querySelectorAll(".cite");
  assert.deepEqual(
    cites.map((b) => [b.type, b.getAttribute("aria-label"), b.getAttribute("aria-haspopup")]),
    [
      ["button", "[1] Show source 1: 1961", "dialog"],
      ["button", "[2] Show source 2", "dialog"],
    ]
  );
  assert.equal(box.querySelector(".sources-label").textContent, "Sources");
  assert.deepEqual(
    box.querySelectorAll(".source").map((li) => li.textContent),
    ["1961 On August 13, the Berlin Wall was erected.", "Course text <b>not bold</b>"]
  );
  cites[1].click();
  assert.deepEqual(a.log, [["cite", CITATIONS[1], cites[1]]]);
});

test("a corrected source shows the teacher's note beside its quote, as text", () => {
  const corrected = {
    ...CITATIONS[0],
    corrections: [{ id: "c1", note: "It began on <12> August.", start: 0, end: 5 }],
  };
  const box = renderAnswer({ answer: "A.", citations: [corrected, CITATIONS[1]] }, actions());
  const [first, second] = box.querySelectorAll(".source");
  assert.deepEqual(
    first.querySelectorAll(".source-correction").map((p) => p.textContent),
    ["Teacher's correction: It began on <12> August."]
  );
  assert.equal(second.querySelector(".source-correction"), null);
});

test("an answer without citations has no sources list", () => {
  const box = renderAnswer({ answer: "Yes.", citations: null }, actions());
  assert.equal(box.textContent, "Yes.");
  assert.equal(box.querySelector(".sources"), null);
  assert.equal(box.querySelector(".cite"), null);
});

test("not covered: the label, the reply, and suggestions that fill the question box", () => {
  const a = actions();
  const reply = {
    answerable: false,
    answer: "The course does not say.",
    citations: CITATIONS,
    suggestions: ["Who built the Wall?", "When did it fall?"],
  };
  const box = renderAnswer(reply, a);
  assert.ok(box.classList.contains("unanswerable"));
  assert.equal(box.querySelector(".label").textContent, "Not covered by the course");
  assert.equal(box.querySelector(".answer-text").textContent, "The course does not say.");
  assert.equal(box.querySelector(".cite"), null, "no citations on a refusal");
  const buttons = box.querySelectorAll(".suggestion");
  assert.deepEqual(
    buttons.map((b) => b.getAttribute("aria-label")),
    ["Put “Who built the Wall?” in the question box", "Put “When did it fall?” in the question box"]
  );
  buttons[1].click();
  assert.deepEqual(a.log, [["suggest", "When did it fall?"]]);
});

test("not covered, nothing to suggest: no suggestion list", () => {
  const box = renderAnswer({ answerable: false, answer: "No." }, actions());
  assert.equal(box.querySelector(".suggest-label"), null);
  assert.equal(box.querySelector(".suggestions"), null);
});

test("an error is an alert holding the text as text", () => {
  const box = renderError("<img src=x onerror=alert(1)>");
  assert.equal(box.className, "msg error");
  assert.equal(box.getAttribute("role"), "alert");
  assert.equal(box.textContent, "<img src=x onerror=alert(1)>");
  assert.equal(box.querySelector("img"), null);
});
