/* An answer in the chat: its text with numbered citation buttons and the list of sources, or,
   when the course does not cover the question, what it does cover. Also the error message. */

import { button, el, textNode } from "./dom.js";

// `onCite(citation, button)` opens a citation; `onSuggestion(text)` puts a suggested question
// in the question box.
export function renderAnswer(reply, { onCite, onSuggestion }) {
  const box = el("div", "msg tutor answer");
  if (reply.answerable === false) {
    renderUncovered(box, reply, onSuggestion);
    return box;
  }
  const citations = Array.isArray(reply.citations) ? reply.citations : [];
  const text = el("p", "answer-text");
  text.appendChild(textNode(reply.answer || ""));
  citations.forEach((c, i) => {
    text.appendChild(textNode(" "));
    text.appendChild(citationButton(c, i + 1, onCite));
  });
  box.appendChild(text);

  if (citations.length) {
    box.appendChild(el("p", "sources-label", "Sources"));
    const sources = el("ol", "sources");
    citations.forEach((c) => {
      const item = el("li", "source");
      item.appendChild(el("span", "source-section", c.section || "Course text"));
      item.appendChild(textNode(" "));
      item.appendChild(el("q", "source-quote", c.quote || ""));
      // a teacher's correction of this quote, beside it (a server without them sends none)
      const corrections = Array.isArray(c.corrections) ? c.corrections : [];
      corrections.forEach((fix) => {
        item.appendChild(el("p", "source-correction", "Teacher's correction: " + (fix.note || "")));
      });
      sources.appendChild(item);
    });
    box.appendChild(sources);
  }
  return box;
}

function renderUncovered(box, reply, onSuggestion) {
  box.classList.add("unanswerable");
  box.appendChild(el("p", "label", "Not covered by the course"));
  box.appendChild(el("p", "answer-text", reply.answer || ""));
  const suggestions = Array.isArray(reply.suggestions) ? reply.suggestions : [];
  if (!suggestions.length) {
    return;
  }
  box.appendChild(el("p", "suggest-label", "The course covers, for example:"));
  const list = el("ul", "suggestions");
  suggestions.forEach((s) => {
    const item = el("li");
    const b = button("suggestion", s, () => onSuggestion(s));
    b.setAttribute("aria-label", "Put “" + s + "” in the question box");
    item.appendChild(b);
    list.appendChild(item);
  });
  box.appendChild(list);
}

export function citationButton(citation, n, onCite) {
  const b = button("cite", "[" + n + "]", () => onCite(citation, b));
  b.setAttribute(
    "aria-label",
    "[" + n + "] Show source " + n + (citation.section ? ": " + citation.section : "")
  );
  b.setAttribute("aria-haspopup", "dialog");
  return b;
}

export function renderError(text) {
  const box = el("div", "msg error");
  box.setAttribute("role", "alert");
  box.appendChild(el("p", null, text));
  return box;
}
