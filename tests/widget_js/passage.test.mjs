import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { addElements, installDocument } from "./fake_dom.mjs";
import { ApiError, messageOf } from "../../bots/widget_static/api.js";
import { createPassagePanel } from "../../bots/widget_static/passage.js";

const TEXT = "Intro.\n\nKhrushchev pressed. On August 13, the Berlin Wall was erected. It stood.";
const QUOTE = "On August 13, the Berlin Wall was erected.";
const CITATION = { doc_id: "d1", section: "1961", quote: QUOTE, start: TEXT.indexOf(QUOTE) };
CITATION.end = CITATION.start + QUOTE.length;

let doc;
let page;

// The page's panel and an opener, and a panel over `documents` (doc_id -> document or Error).
function panel(documents) {
  const tags = { dialog: "dialog", section: "p", body: "div", closeButton: "button" };
  const parts = addElements(doc, tags);
  parts.dialog.focus = () => {
    doc.activeElement = parts.dialog;
  };
  const loaded = [];
  const fallbackFocus = doc.createElement("input");
  doc.body.appendChild(fallbackFocus);
  const opener = doc.createElement("button");
  doc.body.appendChild(opener);
  const p = createPassagePanel({
    parts,
    loadDocument: (id) => {
      loaded.push(id);
      const d = documents[id];
      return d instanceof Error ? Promise.reject(d) : Promise.resolve(d);
    },
    messageOf,
    fallbackFocus,
  });
  return { ...p, parts, loaded, opener, fallbackFocus };
}

beforeEach(() => {
  doc = installDocument();
  page = panel({ d1: { title: "The Wall", text: TEXT } });
});

test("a citation opens its paragraph with the quote marked, the focus in the panel", async () => {
  const opening = page.open(CITATION, page.opener);
  assert.ok(page.parts.dialog.open);
  assert.equal(doc.activeElement, page.parts.dialog);
  assert.equal(page.parts.section.textContent, "1961");
  assert.equal(page.parts.body.textContent, "Loading the passage…");
  await opening;
  assert.deepEqual(page.loaded, ["d1"]);
  assert.equal(page.parts.section.textContent, "The Wall › 1961");
  const text = page.parts.body.querySelector(".passage-text");
  assert.equal(text.textContent, "Khrushchev pressed. " + QUOTE + " It stood.");
  assert.deepEqual(text.querySelectorAll("mark").map((m) => m.textContent), [QUOTE]);
});

test("a changed document: a note and the quoted words alone", async () => {
  page = panel({ d1: { title: "The Wall", text: TEXT.replace("August", "Sept.") } });
  await page.open(CITATION, page.opener);
  const [note, text] = page.parts.body.children;
  assert.equal(
    note.textContent,
    "The course text has changed since this answer; the quoted words were:"
  );
  assert.equal(text.textContent, QUOTE);
  assert.equal(text.querySelector("mark").textContent, QUOTE);
});

test("a failed load says why in the panel", async () => {
  page = panel({ d1: new ApiError("Could not reach the tutor.", 0) });
  await page.open(CITATION, page.opener);
  const note = page.parts.body.querySelector(".error-text");
  assert.equal(note.textContent, "Could not reach the tutor.");
});

test("closing puts the focus back on the opener, or the question box if gone", async () => {
  await page.open(CITATION, page.opener);
  page.parts.closeButton.click();
  assert.ok(!page.parts.dialog.open);
  assert.equal(doc.activeElement, page.opener);

  await page.open(CITATION, page.opener);
  page.opener.remove();
  const escape = page.parts.dialog.dispatch("keydown", { key: "Escape" });
  assert.ok(escape.defaultPrevented);
  assert.ok(!page.parts.dialog.open);
  assert.equal(doc.activeElement, page.fallbackFocus);
});

test("the dialog's cancel (Escape) is handled here, so focus goes back the same way", async () => {
  await page.open(CITATION, page.opener);
  assert.ok(page.parts.dialog.dispatch("cancel").defaultPrevented);
  assert.ok(!page.parts.dialog.open);
  assert.equal(doc.activeElement, page.opener);
});

test("a pointer click on the backdrop closes; not a keyboard one or one inside", async () => {
  const { dialog } = page.parts;
  await page.open(CITATION, page.opener);
  dialog.dispatch("click", { target: dialog, detail: 0, clientX: 500, clientY: 500 });
  dialog.dispatch("click", { target: dialog, detail: 1, clientX: 50, clientY: 50 });
  dialog.dispatch("click", { target: page.parts.body, detail: 1, clientX: 500, clientY: 500 });
  assert.ok(dialog.open);
  dialog.dispatch("click", { target: dialog, detail: 1, clientX: 500, clientY: 50 });
  assert.ok(!dialog.open);
});

test("without showModal the panel opens with the open attribute", async () => {
  page.parts.dialog.showModal = undefined;
  page.parts.dialog.close = undefined;
  await page.open(CITATION, page.opener);
  assert.ok(page.parts.dialog.hasAttribute("open"));
  page.close();
  assert.ok(!page.parts.dialog.hasAttribute("open"));
});

test("a document that arrives after the panel closed is not shown", async () => {
  const opening = page.open(CITATION, page.opener);
  page.close();
  await opening;
  assert.equal(page.parts.body.textContent, "Loading the passage…");
});
