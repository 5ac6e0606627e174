/* The passage panel: a citation opens its paragraph with the quote marked. The focus goes into
   the panel and, on closing, back to what opened it. */

import { locateQuote, passageHeading } from "./citations.js";
import { el, textNode } from "./dom.js";

// `parts` are the panel's elements (dialog, section, body, closeButton); `loadDocument(docId)`
// gives a Promise of the document; `messageOf(error)` a readable line; `fallbackFocus` takes
// the focus when the opener has left the page.
export function createPassagePanel({ parts, loadDocument, messageOf, fallbackFocus }) {
  const { dialog, section, body, closeButton } = parts;
  let returnFocusTo = null;

  function show(citation, doc) {
    body.textContent = "";
    const heading = passageHeading(doc, citation);
    if (heading !== null) {
      section.textContent = heading;
    }
    const found = locateQuote(doc, citation);
    if (found === null) {
      body.appendChild(
        el("p", "note", "The course text has changed since this answer; the quoted words were:")
      );
      const p = el("p", "passage-text");
      p.appendChild(el("mark", null, citation.quote || ""));
      body.appendChild(p);
      return;
    }
    const para = el("p", "passage-text");
    para.appendChild(textNode(found.before));
    const mark = el("mark", null, found.quote);
    para.appendChild(mark);
    para.appendChild(textNode(found.after));
    body.appendChild(para);
    if (body.scrollHeight > body.clientHeight) {
      body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3);
    }
  }

  function open(citation, opener) {
    returnFocusTo = opener || document.activeElement;
    section.textContent = citation.section || "";
    body.textContent = "";
    body.appendChild(el("p", "note", "Loading the passage…"));
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
    }
    dialog.focus();
    return loadDocument(citation.doc_id).then(
      (doc) => {
        if (dialog.open) {
          show(citation, doc);
        }
      },
      (e) => {
        if (dialog.open) {
          body.textContent = "";
          body.appendChild(el("p", "note error-text", messageOf(e)));
        }
      }
    );
  }

  // Focus goes back at once, not from the dialog's "close" event: that event comes a task
  // later, after a quick reopen, and would then take the focus out of the new panel.
  function close() {
    if (!dialog.open) {
      return;
    }
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    const target = returnFocusTo;
    returnFocusTo = null;
    if (target && typeof target.focus === "function" && document.contains(target)) {
      target.focus();
    } else {
      fallbackFocus.focus();
    }
  }

  closeButton.addEventListener("click", close);
  dialog.addEventListener("cancel", (event) => {
    // Escape: close ourselves, so focus handling is the same on every browser
    event.preventDefault();
    close();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  dialog.addEventListener("click", (event) => {
    if (event.target !== dialog || event.detail === 0) {
      return; // inside the panel, or a click made with the keyboard
    }
    const r = dialog.getBoundingClientRect();
    const outside = event.clientX < r.left || event.clientX > r.right ||
      event.clientY < r.top || event.clientY > r.bottom;
    if (outside) {
      close(); // a click on the backdrop
    }
  });

  return { open, close };
}
