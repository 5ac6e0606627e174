import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  codePointSlice,
  codePointsIn,
  selectedSpan,
} from "../../bots/teacher_static/offsets.js";

// Python's text[start:end], for checking spans the way the server reads them.
const pySlice = (text, start, end) => Array.from(text).slice(start, end).join("");

describe("codePointsIn", () => {
  test("plain text: one code point a unit", () => {
    assert.equal(codePointsIn("Berlin, 1961", 8), 8);
  });
  test("an astral character is two units and one code point", () => {
    const text = "🧱 Berlin 🧱 Wall";
    assert.equal(codePointsIn(text, 3), 2);
    assert.equal(codePointsIn(text, text.length), Array.from(text).length);
  });
  test("a lone surrogate counts once, and counting stops at the end", () => {
    assert.equal(codePointsIn("a\uD800b", 3), 3);
    assert.equal(codePointsIn("ab", 10), 2);
  });
});

describe("codePointSlice", () => {
  test("slices as Python does", () => {
    const text = "🧱 Berlin 🧱 Wall";
    assert.equal(codePointSlice(text, 11, 15), "Wall");
  });
});

describe("selectedSpan", () => {
  const doc = "Title\n\nThe Berlin Wall was erected in 1961. It divided the city.";
  const start = doc.indexOf("The Berlin");
  const paragraph = doc.slice(start);

  test("offsets into the document, from the paragraph's start", () => {
    const from = paragraph.indexOf("erected");
    const span = selectedSpan(paragraph, start, from, from + "erected in 1961".length);
    assert.deepEqual(span, { start: start + from, end: start + from + 15, quote: "erected in 1961" });
    assert.equal(pySlice(doc, span.start, span.end), span.quote);
  });

  test("whitespace at either edge is left out; only whitespace is nothing", () => {
    const from = paragraph.indexOf(" It");
    const span = selectedSpan(paragraph, start, from - 1, from + 4);
    assert.equal(span.quote, ". It");
    assert.equal(pySlice(doc, span.start, span.end), ". It");
    assert.equal(selectedSpan(paragraph, start, from, from + 1), null);
    assert.equal(selectedSpan(paragraph, start, 5, 5), null);
  });

  test("a selection made backwards counts the same", () => {
    assert.deepEqual(selectedSpan(paragraph, start, 8, 4), selectedSpan(paragraph, start, 4, 8));
  });

  test("astral characters before and inside the selection count once each", () => {
    const text = "🧱 intro\n\nA 🧱 wall of 🧱🧱 bricks.";
    const at = text.indexOf("A 🧱");
    const para = text.slice(at);
    const from = para.indexOf("🧱 wall");
    const to = para.indexOf(" bricks");
    const span = selectedSpan(para, Array.from(text.slice(0, at)).length, from, to);
    assert.equal(span.quote, "🧱 wall of 🧱🧱");
    assert.equal(pySlice(text, span.start, span.end), "🧱 wall of 🧱🧱");
    assert.equal(span.end - span.start, Array.from(span.quote).length);
  });

  test("a paragraph without a usable start offers nothing", () => {
    assert.equal(selectedSpan("text", NaN, 0, 4), null);
    assert.equal(selectedSpan("text", -1, 0, 4), null);
  });
});
