/* Element helpers. Every piece of server text goes into the page with textContent, never as
   HTML: course text may hold markup. `document` is read when called, not at import, so the
   pure modules and their Node tests can import this file without a page. */

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  return node;
}

export function button(className, text, onClick) {
  const b = el("button", className, text);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

export function textNode(text) {
  return document.createTextNode(text);
}
