/* Building elements. Server text (titles, notes, reasons) always goes in as text, never as
   HTML: a document may hold markup. */

// make("button", {type: "button", className: "x"}, "Save", child, ...)
export function make(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name.startsWith("data-") || name.startsWith("aria-") || name === "role") {
      node.setAttribute(name, value);
    } else {
      node[name] = value;
    }
  }
  for (const child of children) {
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// Put `message` in a live region (role="status" or "alert"); empty hides nothing, says nothing.
export function say(region, message) {
  if (region) {
    region.textContent = message || "";
  }
}

// Focus an element that is not a control by nature (a heading, a note, a status line).
export function focusOn(node) {
  if (!node) {
    return;
  }
  if (!node.hasAttribute("tabindex")) {
    node.setAttribute("tabindex", "-1");
  }
  node.focus();
}

// Two live regions at the top of `main`: what went well (role="status") and what did not
// (role="alert"). A new message of either kind replaces the last of both.
export function notices(main) {
  const okEl = make("p", { id: "status", className: "status", role: "status" });
  const failEl = make("p", { id: "problem", className: "bad", role: "alert" });
  main.prepend(okEl, failEl);
  return {
    ok(message) {
      say(failEl, "");
      say(okEl, message);
    },
    fail(message) {
      say(okEl, "");
      say(failEl, message);
    },
  };
}
