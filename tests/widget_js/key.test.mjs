import assert from "node:assert/strict";
import { test } from "node:test";

import { takeKeyFromAddress } from "../../bots/widget_static/key.js";

function address(url, { refuse = false } = {}) {
  const u = new URL(url);
  const replaced = [];
  const history = {
    state: { kept: true },
    replaceState(state, title, to) {
      if (refuse) {
        throw new DOMException("sandboxed", "SecurityError");
      }
      replaced.push([state, title, to]);
    },
  };
  return { location: u, history, replaced };
}

test("the key leaves the address; the other parameters and the hash stay", () => {
  const a = address("https://t.example/p/widget?lang=en&key=k%201&x=2#end");
  assert.equal(takeKeyFromAddress(a.location, a.history), "k 1");
  assert.deepEqual(a.replaced, [[{ kept: true }, "", "/p/widget?lang=en&x=2#end"]]);
});

test("the bare page after a lone key", () => {
  const a = address("https://t.example/widget?key=abc");
  assert.equal(takeKeyFromAddress(a.location, a.history), "abc");
  assert.deepEqual(a.replaced, [[{ kept: true }, "", "/widget"]]);
});

test("no key: nothing is touched; an empty key is none", () => {
  const none = address("https://t.example/widget?lang=en");
  assert.equal(takeKeyFromAddress(none.location, none.history), null);
  assert.deepEqual(none.replaced, []);
  const empty = address("https://t.example/widget?key=");
  assert.equal(takeKeyFromAddress(empty.location, empty.history), null);
  assert.deepEqual(empty.replaced, [[{ kept: true }, "", "/widget"]]);
});

test("a frame that refuses replaceState still gets its key", () => {
  const a = address("https://t.example/widget?key=abc", { refuse: true });
  assert.equal(takeKeyFromAddress(a.location, a.history), "abc");
});
