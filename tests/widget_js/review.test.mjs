/* The Review button's run (review.js) and the progress panel (progress.js) over a fake client,
   and the session kept in the browser (session.js). */
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";

import { installDocument } from "./fake_dom.mjs";
import { messageOf } from "../../bots/widget_static/api.js";
import { createMessageList } from "../../bots/widget_static/messages.js";
import {
  createProgressPanel,
  figuresText,
  renderProgress,
  sectionRows,
} from "../../bots/widget_static/progress.js";
import {
  createReview,
  nextText,
  plural,
  summaryText,
  whenText,
} from "../../bots/widget_static/review.js";
import { keepSession, SESSION_KEY, storedSession } from "../../bots/widget_static/session.js";
import { browserZone } from "../../bots/widget_static/study.js";

process.env.TZ = "Europe/Berlin"; // the browser's days: Node reads TZ when dates are made

let doc;
beforeEach(() => {
  doc = installDocument();
});

async function settle() {
  for (let i = 0; i < 20; i += 1) {
    await tick();
  }
}

// 2026-05-11 16:00 in Berlin (a Monday), in seconds
const NOW = Date.UTC(2026, 4, 11, 14, 0) / 1000;
const HOUR = 3600;

describe("when the next review comes, in words", () => {
  test("minutes, today, tomorrow, a weekday, a date", () => {
    assert.equal(whenText(NOW + 600, NOW, "en-GB"), "in 10 minutes");
    assert.equal(whenText(NOW + 30, NOW, "en-GB"), "in 1 minute");
    assert.equal(whenText(NOW + 3 * HOUR, NOW, "en-GB"), "today at 19:00");
    assert.equal(whenText(NOW + 9 * HOUR, NOW, "en-GB"), "tomorrow"); // 01:00 on Tuesday
    assert.equal(whenText(NOW + 4 * 24 * HOUR, NOW, "en-GB"), "on Friday");
    assert.equal(whenText(NOW + 7 * 24 * HOUR, NOW, "en-GB"), "on 18 May");
  });

  test("the summary", () => {
    const summary = { reviewed: 7, right: 5, next_due_at: NOW + 20 * HOUR, next_due: 3, now: NOW };
    assert.equal(summaryText(summary, "en-GB"), "7 reviewed, 5 right; next review tomorrow, 3 items.");
    const none = { reviewed: 0, right: 0, next_due_at: null, next_due: 0, now: NOW };
    assert.equal(nextText(none), "nothing is scheduled yet");
    assert.equal(plural(1, "item"), "1 item");
  });
});

const ITEMS = [
  { quiz_id: "q1", kind: "true_false", question: "First?" },
  { quiz_id: "q2", kind: "multiple_choice", question: "Second?", options: ["a", "b"] },
  { quiz_id: "q3", kind: "short_answer", question: "Third?", options: null },
];

// A fake API client that records calls; `review` is what GET …/review gives.
function fakeClient(review, sessionId = "s1") {
  const calls = [];
  return {
    calls,
    sessionId,
    review: (zone) => {
      calls.push(["review", zone]);
      return Promise.resolve(review);
    },
    reviewSummary: (ids, since, zone) => {
      calls.push(["summary", ids, since, zone]);
      return Promise.resolve({
        reviewed: ids.length,
        right: ids.length - 1,
        next_due_at: since + 600,
        next_due: 1,
        now: since,
      });
    },
    answerQuiz: (quizId, answer, seconds) => {
      calls.push(["answer", quizId, answer, seconds]);
      return Promise.resolve({ correct: answer !== "false", expected: "true", feedback: "" });
    },
    progress: () => Promise.resolve({ sections: [] }),
  };
}

function reviewer(client, clock) {
  const list = doc.createElement("div");
  const done = [];
  const quizActions = { openPassage() {}, reveal() {}, messageOf };
  const review = createReview({
    client,
    messages: createMessageList(list),
    quizActions,
    zone: "Europe/Berlin",
    onDone: () => done.push(true),
    now: () => clock.ms,
    locale: "en-GB",
  });
  return { list, review, done };
}

describe("a review", () => {
  test("one card at a time in the server's order, then the summary", async () => {
    const client = fakeClient({ items: ITEMS, now: NOW });
    const clock = { ms: 0 };
    const { list, review, done } = reviewer(client, clock);
    await review.start();
    assert.ok(review.running);
    const notes = () => list.querySelectorAll(".review-note").map((n) => n.textContent);
    assert.deepEqual(notes(), ["Review: 3 items due, the earliest due first."]);
    let cards = list.querySelectorAll(".review-item");
    assert.deepEqual(cards.map((c) => c.querySelector(".label").textContent), ["Review 1 of 3"]);

    clock.ms = 4000; // four seconds on the first card
    cards[0].querySelectorAll(".option")[1].click(); // "False": wrong
    await settle();
    cards = list.querySelectorAll(".review-item");
    assert.equal(cards.length, 2, "the first answer brings the next card");
    cards[0].querySelectorAll(".option")[0].click(); // a second try: graded, moves nothing on
    await settle();
    assert.equal(list.querySelectorAll(".review-item").length, 2);

    clock.ms = 6500;
    list.querySelectorAll(".review-item")[1].querySelectorAll(".option")[0].click();
    await settle();
    const third = list.querySelectorAll(".review-item")[2];
    assert.equal(third.querySelector(".quiz-question").textContent, "Third?");
    third.querySelector(".quiz-input").value = "1961";
    third.querySelector(".primary").click();
    await settle();

    const answers = client.calls.filter((c) => c[0] === "answer");
    assert.deepEqual(answers.map((c) => c.slice(1, 3)), [
      ["q1", "false"],
      ["q1", "true"],
      ["q2", "a"],
      ["q3", "1961"],
    ]);
    assert.equal(answers[0][3], 4, "the seconds since the card was shown");
    assert.equal(answers[2][3], 2.5);
    assert.deepEqual(client.calls.at(-1), ["summary", ["q1", "q2", "q3"], NOW, "Europe/Berlin"]);
    assert.equal(
      notes().at(-1),
      "Review done: 3 reviewed, 2 right; next review in 10 minutes, 1 item."
    );
    assert.ok(!review.running);
    assert.deepEqual(done, [true], "the progress panel refreshes");
  });

  test("nothing due says when the next review is; no session, nothing to ask", async () => {
    const client = fakeClient({ items: [], now: NOW });
    const { list, review } = reviewer(client, { ms: 0 });
    await review.start();
    assert.equal(
      list.querySelector(".review-note").textContent,
      "Nothing is due for review now; next review in 10 minutes, 1 item."
    );
    const fresh = fakeClient({ items: ITEMS, now: NOW }, null);
    const second = reviewer(fresh, { ms: 0 });
    await second.review.start();
    assert.deepEqual(fresh.calls, []);
    assert.match(second.list.textContent, /answer a quiz first/);
  });

  test("a failed request is said in words", async () => {
    const client = fakeClient({ items: ITEMS, now: NOW });
    client.review = () => Promise.reject(new Error("offline"));
    const { list, review } = reviewer(client, { ms: 0 });
    await review.start();
    assert.match(list.querySelector(".error").textContent, /offline/);
    assert.ok(!review.running);
  });
});

const PROGRESS = {
  sections: [
    { section: "Caribbean crisis", items: 8, practised: 4, mastery: 0.375 },
    { section: "Empty", items: 0, practised: 0, mastery: 0 },
    { section: "Conflicts", items: 4, practised: 4, mastery: 1 },
  ],
};

describe("the progress panel", () => {
  test("a bar per section with items, the items due and the streak", () => {
    assert.deepEqual(
      sectionRows(PROGRESS).map((r) => [r.section, r.percent]),
      [["Caribbean crisis", 38], ["Conflicts", 100]]
    );
    const review = { items: ITEMS, streak_days: 4 };
    assert.equal(figuresText(review), "3 items due for review · 4 days in a row with an answer");
    assert.equal(figuresText({ items: [], streak_days: 0 }), "0 items due for review · no streak yet");
    const box = renderProgress(PROGRESS, review);
    const bars = box.querySelectorAll("meter");
    assert.deepEqual(bars.map((b) => b.value), [0.375, 1]);
    const names = box.querySelectorAll(".mastery-name");
    assert.equal(bars[0].getAttribute("aria-labelledby"), names[0].id);
    assert.deepEqual(box.querySelectorAll(".mastery-share").map((s) => s.textContent), ["38%", "100%"]);
  });

  test("the button shows it, fills it and hides it", async () => {
    const panel = doc.createElement("section");
    panel.hidden = true;
    const toggle = doc.createElement("button");
    const client = fakeClient({ items: ITEMS, streak_days: 2, now: NOW });
    client.progress = () => Promise.resolve(PROGRESS);
    createProgressPanel({ panel, toggle, client, zone: "UTC", messageOf });
    toggle.click();
    await settle();
    assert.ok(!panel.hidden);
    assert.equal(toggle.getAttribute("aria-expanded"), "true");
    assert.equal(panel.querySelectorAll("meter").length, 2);
    assert.match(panel.textContent, /2 days in a row/);
    assert.deepEqual(client.calls, [["review", "UTC"]]);
    toggle.click();
    assert.ok(panel.hidden);
    assert.equal(toggle.getAttribute("aria-expanded"), "false");

    client.sessionId = null;
    toggle.click();
    await settle();
    assert.match(panel.textContent, /No answers yet/);
  });
});

describe("the session kept in the browser", () => {
  function storage() {
    const map = new Map();
    return {
      map,
      getItem: (k) => (map.has(k) ? map.get(k) : null),
      setItem: (k, v) => map.set(k, String(v)),
    };
  }

  test("kept and read back; nothing odd is taken", () => {
    const s = storage();
    assert.equal(storedSession(s), null);
    keepSession(s, "s-abc123");
    assert.equal(storedSession(s), "s-abc123");
    s.map.set(SESSION_KEY, "<script>");
    assert.equal(storedSession(s), null);
    keepSession(s, "bad id");
    assert.equal(s.map.get(SESSION_KEY), "<script>");
  });

  test("one session a course: a course's page never continues another's", () => {
    const s = storage();
    keepSession(s, "s-default");
    keepSession(s, "s-bio", "bio-9");
    assert.equal(storedSession(s), "s-default");
    assert.equal(storedSession(s, "bio-9"), "s-bio");
    assert.equal(storedSession(s, "chem-9"), null);
    assert.equal(s.map.get(SESSION_KEY + ":bio-9"), "s-bio");
  });

  test("storage that refuses, or none, is no error", () => {
    const refusing = {
      getItem() {
        throw new Error("denied");
      },
      setItem() {
        throw new Error("full");
      },
    };
    assert.equal(storedSession(refusing), null);
    keepSession(refusing, "s1");
    assert.equal(storedSession(null), null);
  });

  test("the browser's zone, UTC when it cannot be told", () => {
    assert.equal(browserZone(), "Europe/Berlin");
    assert.equal(browserZone({ DateTimeFormat: () => ({ resolvedOptions: () => ({}) }) }), "UTC");
    assert.equal(browserZone(undefined), browserZone()); // the default Intl
  });
});
