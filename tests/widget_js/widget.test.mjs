/* The entry module over a fake page and a fake server: the whole flow of a question. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";

import { addElements, installDocument } from "./fake_dom.mjs";

const QUOTE = "On August 13, the Berlin Wall was erected.";
const TEXT = "Khrushchev pressed. " + QUOTE;
const CITATION = { doc_id: "d1", section: "1961", quote: QUOTE, start: 20, end: 20 + QUOTE.length };

const doc = installDocument();
// the page's elements, as bots/widget.py writes them
const ids = addElements(doc, {
  messages: "div",
  ask: "form",
  question: "input",
  send: "button",
  passage: "dialog",
  "passage-section": "p",
  "passage-body": "div",
  "passage-close": "button",
  review: "button",
  progress: "section",
  "progress-toggle": "button",
});

const replaced = [];
globalThis.window = {
  location: new URL("https://lms.example/widget?key=k1"),
  history: { state: null, replaceState: (...args) => replaced.push(args) },
};
const requests = [];
const replies = {
  "v1/ask": [
    [200, {
      answer: "On August 13.",
      citations: [CITATION],
      session_id: "s1",
      followup_quiz: { quiz_id: "q1", kind: "true_false", question: "Was it 1961?" },
    }],
    [401, { detail: "revoked" }],
  ],
  "v1/documents/d1": [[200, { title: "The Wall", text: TEXT }]],
  "v1/quiz/q1/answer": [[200, { correct: true, session_id: "s1" }]],
};
globalThis.fetch = async (path, init) => {
  requests.push([init.method, path, init.headers["X-API-Key"], init.body && JSON.parse(init.body)]);
  const [status, body] = replies[path].shift();
  return new Response(JSON.stringify(body), { status });
};

async function settle() {
  for (let i = 0; i < 20; i += 1) {
    await tick();
  }
}

function ask(question) {
  ids.question.value = question;
  return ids.ask.dispatch("submit");
}

test("ask, read the source, answer the quiz, then a refused key", async () => {
  await import("../../bots/widget_static/widget.js");
  assert.deepEqual(replaced, [[null, "", "/widget"]], "the key left the address bar");

  assert.ok(ask("  When was the Wall built?  ").defaultPrevented);
  assert.equal(ids.question.value, "");
  assert.ok(ids.send.disabled);
  assert.equal(ids.messages.getAttribute("aria-busy"), "true");
  ask("again, while busy"); // one question at a time: not sent
  await settle();
  assert.ok(!ids.send.disabled);
  assert.equal(ids.messages.getAttribute("aria-busy"), "false");
  assert.deepEqual(
    ids.messages.children.map((m) => m.className),
    ["msg user", "msg tutor answer", "msg tutor quiz"],
    "the pending message is gone and the busy question was not sent"
  );
  assert.equal(ids.messages.children[0].textContent, "When was the Wall built?");

  const cite = ids.messages.querySelector(".cite");
  cite.click();
  await settle();
  assert.equal(ids["passage-body"].querySelector("mark").textContent, QUOTE);
  ids["passage-close"].click();
  assert.equal(doc.activeElement, cite);

  ids.messages.querySelectorAll(".option")[0].click();
  await settle();
  assert.equal(ids.messages.querySelector(".verdict").textContent, "✓ Correct");

  ask("Another?");
  await settle();
  const error = ids.messages.children.at(-1);
  assert.equal(error.getAttribute("role"), "alert");
  assert.match(error.textContent, /key is missing or invalid.*\(revoked\)$/);
  assert.ok(!ids.send.disabled);

  assert.deepEqual(requests, [
    ["POST", "v1/ask", "k1", { question: "When was the Wall built?", session_id: null }],
    ["GET", "v1/documents/d1", "k1", undefined],
    ["POST", "v1/quiz/q1/answer", "k1", { session_id: "s1", answer: "true" }],
    ["POST", "v1/ask", "k1", { question: "Another?", session_id: "s1" }],
  ]);
});
