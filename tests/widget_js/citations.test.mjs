import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  CONTEXT_LIMIT,
  locateQuote,
  paragraphAround,
  passageHeading,
  unitIndex,
} from "../../bots/widget_static/citations.js";

describe("unitIndex", () => {
  test("code points are UTF-16 units when the text has no astral characters", () => {
    assert.equal(unitIndex("Berlin, 1961", 8), 8);
  });
  test("an astral character counts once on the server and twice here", () => {
    const text = "🧱 Berlin 🧱 Wall";
    assert.equal(unitIndex(text, 2), 3);
    assert.equal(unitIndex(text, 11), 13);
    assert.equal(text.slice(unitIndex(text, 11), unitIndex(text, 15)), "Wall");
  });
  test("a lone surrogate is one unit, and the index stops at the end", () => {
    assert.equal(unitIndex("a\uD800b", 3), 3);
    assert.equal(unitIndex("🧱", 5), 2);
  });
});

describe("paragraphAround", () => {
  const text = "Title\n\n  First sentence. The quote here. Last one.  \n\nNext paragraph.";
  const start = text.indexOf("The quote");
  const end = start + "The quote here.".length;

  test("the blank-line paragraph around the quote, its edges trimmed", () => {
    assert.deepEqual(paragraphAround(text, start, end), {
      before: "First sentence. ",
      quote: "The quote here.",
      after: " Last one.",
    });
  });

  test("a quote at the very start or end of the text", () => {
    assert.deepEqual(paragraphAround("Quote. Rest", 0, 6), {
      before: "",
      quote: "Quote.",
      after: " Rest",
    });
    assert.equal(paragraphAround("Head\n\nQuote.", 6, 12).before, "");
  });

  test("a long paragraph is cut at a word on each side, with an ellipsis", () => {
    const words = (n) => Array.from({ length: n }, (_, i) => "word" + i).join(" ");
    const long = words(400) + " QUOTE " + words(400);
    const s = long.indexOf("QUOTE");
    const parts = paragraphAround(long, s, s + 5);
    assert.ok(parts.before.startsWith("… word"), parts.before.slice(0, 20));
    assert.ok(parts.after.endsWith(" …"));
    assert.ok(parts.before.length <= CONTEXT_LIMIT + 2);
    assert.ok(parts.after.length <= CONTEXT_LIMIT + 2);
    assert.ok(/^… word\d+ /.test(parts.before), "cut at a word boundary");
    assert.ok(/ word\d+ …$/.test(parts.after), "cut at a word boundary");
  });

  test("a paragraph with no spaces is cut at the limit", () => {
    const long = "x".repeat(3000) + "Q" + "y".repeat(3000);
    const parts = paragraphAround(long, 3000, 3001);
    assert.equal(parts.before, "… " + "x".repeat(CONTEXT_LIMIT));
    assert.equal(parts.after, "y".repeat(CONTEXT_LIMIT) + " …");
  });
});

describe("locateQuote", () => {
  const text = "Intro.\n\n🧱 On August 13, the Wall rose. Then more.";
  const doc = { title: "The Cold War", text };
  const quote = "On August 13, the Wall rose.";
  const at = 10; // code points: the brick is one

  test("finds the quote at the server's code-point offsets", () => {
    const found = locateQuote(doc, { start: at, end: at + quote.length, quote });
    assert.deepEqual(found, { before: "🧱 ", quote, after: " Then more." });
  });

  test("null when the document no longer holds the quote there", () => {
    assert.equal(locateQuote(doc, { start: at + 1, end: at + 1 + quote.length, quote }), null);
    assert.equal(locateQuote(doc, { start: 5, end: 5, quote: "" }), null);
    assert.equal(locateQuote(doc, { start: 0, end: 9999, quote }), null);
    assert.equal(locateQuote({}, { start: 0, end: 1, quote: "x" }), null);
  });
});

test("passageHeading: the title and section, or nothing without a title", () => {
  assert.equal(passageHeading({ title: "Doc" }, { section: "Part 2" }), "Doc › Part 2");
  assert.equal(passageHeading({ title: "Doc" }, {}), "Doc");
  assert.equal(passageHeading({}, { section: "Part 2" }), null);
});
