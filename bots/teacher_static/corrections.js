/* Corrections from the page: select text in a paragraph that carries its place in the
   document (data-doc, data-start), write a note, save; remove one on the "Corrections" tab. */

import { make, say, focusOn } from "./dom.js";
import { codePointSlice, selectedSpan } from "./offsets.js";

const PARA = ".para[data-start]";
const SHOWN_QUOTE = 200; // characters of the selection repeated in the form

function paraOf(node) {
  const element = node && (node.nodeType === 1 ? node : node.parentElement);
  return element ? element.closest(PARA) : null;
}

// The selection as a span of a document: {para, docId, start, end, quote}, or null when it is
// not inside one correctable paragraph. Offsets come from the DOM text before each end of the
// selection (Range.toString() is the text nodes' own text, <mark> or not), so a selection
// across the highlighted quote counts like any other.
export function spanOfSelection(selection) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return null;
  }
  const range = selection.getRangeAt(0);
  const first = paraOf(range.startContainer);
  const last = paraOf(range.endContainer);
  const para = first || last;
  if (!para || (first && last && first !== last)) {
    return null;
  }
  const upTo = (container, offset) => {
    const before = document.createRange();
    before.setStart(para, 0);
    before.setEnd(container, offset);
    return before.toString().length;
  };
  const text = para.textContent;
  // a selection from before the paragraph or past its end (a triple click) keeps its part
  const from = first ? upTo(range.startContainer, range.startOffset) : 0;
  const to = last ? upTo(range.endContainer, range.endOffset) : text.length;
  const span = selectedSpan(text, Number(para.dataset.start), from, to);
  return span ? { para, docId: para.dataset.doc, ...span } : null;
}

function excerpt(quote) {
  return quote.length > SHOWN_QUOTE ? quote.slice(0, SHOWN_QUOTE) + "…" : quote;
}

export function setupCorrections(root, request, notice) {
  let open = null; // the form on screen and the span it is for

  function close(backToParagraph) {
    if (!open) {
      return;
    }
    const { form, span } = open;
    open = null;
    form.remove();
    if (backToParagraph) {
      focusOn(span.para);
    }
  }

  async function save(span, noteText, note, error, saveButton) {
    saveButton.disabled = true;
    say(error, "");
    try {
      // the page may be older than the served text: check the span still holds the selection
      const doc = await request("GET", "documents/" + encodeURIComponent(span.docId));
      if (!doc || codePointSlice(doc.text, span.start, span.end) !== span.quote) {
        throw new Error("This document changed since the page was loaded: reload the page " +
          "and select the text again.");
      }
      const made = await request("POST", "corrections", {
        json: { doc_id: span.docId, start: span.start, end: span.end, note: noteText },
      });
      const shown = make("p", { className: "fix", "data-correction": made.id },
        "Correction: " + made.note);
      span.para.after(shown);
      close(false);
      window.getSelection().removeAllRanges();
      focusOn(shown);
      notice.ok("Correction saved on “" + excerpt(made.quote) + "”.");
    } catch (e) {
      say(error, e.message);
    } finally {
      saveButton.disabled = false;
    }
    if (open && open.span === span) {
      note.focus(); // the disabled button lost the focus; the note is what to change now
    }
  }

  function openFor(span) {
    if (open && open.span.para === span.para && open.span.start === span.start &&
        open.span.end === span.end) {
      return;
    }
    close(false);
    const note = make("textarea", { id: "correction-note", rows: 3, maxLength: 1000 });
    const error = make("p", { className: "bad", role: "alert" });
    const saveButton = make("button", { type: "submit" }, "Save");
    const cancel = make("button", { type: "button" }, "Cancel");
    const form = make("form", { className: "correct", "aria-label": "New correction" },
      make("p", { className: "meta" }, "Selected: “" + excerpt(span.quote) + "”"),
      make("label", { htmlFor: "correction-note" }, "Correction note"),
      note, saveButton, " ", cancel, error);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = note.value.trim();
      if (!text) {
        say(error, "Write the note first.");
        note.focus();
        return;
      }
      save(span, text, note, error, saveButton);
    });
    cancel.addEventListener("click", () => {
      window.getSelection().removeAllRanges();
      close(true);
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        window.getSelection().removeAllRanges();
        close(true);
      }
    });
    span.para.after(form);
    open = { form, span };
    note.focus();
  }

  function check(event) {
    if (event.target instanceof Element && event.target.closest("form, button, a, input")) {
      return; // typing or clicking in a control is not a selection to correct
    }
    const span = spanOfSelection(window.getSelection());
    if (span) {
      openFor(span);
    }
  }

  if (root.querySelector(PARA)) {
    root.addEventListener("mouseup", (event) => setTimeout(() => check(event), 0));
    root.addEventListener("keyup", (event) => {
      if (event.shiftKey || event.key === "Shift") {
        check(event); // a selection made with the keyboard (caret browsing)
      }
    });
  }

  for (const control of root.querySelectorAll("button.remove-correction")) {
    control.addEventListener("click", async () => {
      if (!window.confirm("Remove this correction? Answers will no longer carry its note.")) {
        return;
      }
      const article = control.closest("article");
      control.disabled = true;
      try {
        await request("DELETE", "corrections/" + encodeURIComponent(control.dataset.id));
      } catch (e) {
        control.disabled = false;
        notice.fail("Could not remove the correction: " + e.message);
        return;
      }
      let next = article.nextElementSibling;
      while (next && !next.querySelector("button.remove-correction")) {
        next = next.nextElementSibling;
      }
      const heading = root.querySelector("main h2");
      article.remove();
      notice.ok("Correction removed.");
      focusOn(next ? next.querySelector("button.remove-correction") : heading);
    });
  }
}
