import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { installDocument } from "./fake_dom.mjs";
import { createMessageList } from "../../bots/widget_static/messages.js";

let list;
let messages;

beforeEach(() => {
  const doc = installDocument();
  list = doc.createElement("div");
  list.clientHeight = 400;
  messages = createMessageList(list);
});

function message(offsetTop, offsetHeight) {
  const node = document.createElement("div");
  Object.assign(node, { offsetTop, offsetHeight });
  return node;
}

test("a new message is appended and the list scrolls to its end", () => {
  list.scrollHeight = 900;
  const node = message(0, 10);
  assert.equal(messages.add(node), node);
  assert.equal(list.children.at(-1), node);
  assert.equal(list.scrollTop, 900);
});

test("reveal: a message taller than the view shows its top", () => {
  list.scrollTop = 1000;
  messages.reveal(message(500, 600));
  assert.equal(list.scrollTop, 488);
});

test("reveal: a message below the view is scrolled up to its bottom; one in view stays", () => {
  list.scrollTop = 0;
  messages.reveal(message(500, 100));
  assert.equal(list.scrollTop, 212);
  messages.reveal(message(300, 50));
  assert.equal(list.scrollTop, 212);
});

test("busy is announced on the list", () => {
  messages.setBusy(true);
  assert.equal(list.getAttribute("aria-busy"), "true");
  messages.setBusy(false);
  assert.equal(list.getAttribute("aria-busy"), "false");
});
