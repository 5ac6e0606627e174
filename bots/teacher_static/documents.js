/* The "Documents" tab: upload a file, remove a document, and follow the index rebuild that
   either starts until the served index is ready again, then show its documents. */

import { make, say, focusOn } from "./dom.js";

export const POLL_MS = 500;

export function stateLine(index) {
  const state = index.status === "building"
    ? "building… (the previous version keeps answering)"
    : "ready";
  return "Index version " + index.version + ": " + state;
}

function readHref(docId) {
  const url = new URL(window.location.href);
  url.searchParams.set("view", "documents");
  url.searchParams.set("doc", docId);
  return url.pathname + url.search;
}

export function setupDocuments(root, request, notice) {
  const table = root.querySelector("#documents tbody");
  const stateEl = root.querySelector("#index-state");
  const errorEl = root.querySelector("#index-error");
  const form = root.querySelector("#upload");
  if (!table || !stateEl || !form) {
    return;
  }
  const fileInput = form.querySelector("#upload-file");
  const uploadError = form.querySelector("#upload-error");
  const submit = form.querySelector("button[type=submit]");
  let polling = null;
  let lastError = errorEl ? errorEl.textContent : "";

  function row(doc) {
    const remove = make("button", { type: "button", className: "remove-doc", "data-doc": doc.doc_id },
      "Remove");
    remove.setAttribute("aria-label", "Remove " + doc.title + " (" + doc.doc_id + ")");
    remove.addEventListener("click", () => removeDoc(doc.doc_id, doc.title, remove));
    return make("tr", { "data-doc": doc.doc_id },
      make("td", {}, doc.title),
      make("td", {}, make("code", {}, doc.doc_id)),
      make("td", {}, String(doc.chars)),
      make("td", {}, make("a", { href: readHref(doc.doc_id) }, "Read"), " ", remove));
  }

  function show(index) {
    stateEl.dataset.status = index.status;
    stateEl.dataset.version = index.version;
    say(stateEl, stateLine(index));
    const failure = index.last_error ? "The last rebuild failed: " + index.last_error : "";
    if (failure !== lastError) {
      say(errorEl, failure);
      lastError = failure;
    }
    if (index.status === "ready") {
      table.replaceChildren(...index.documents.map(row));
    }
  }

  // Poll the course's index route until the rebuild is done; `done(index)` then says what changed.
  function follow(done) {
    if (polling) {
      polling.then(() => follow(done));
      return;
    }
    polling = (async () => {
      for (;;) {
        let index;
        try {
          index = await request("GET", "index");
        } catch (e) {
          notice.fail("Could not read the index state: " + e.message);
          await new Promise((r) => setTimeout(r, POLL_MS * 4));
          continue;
        }
        show(index);
        if (index.status === "ready") {
          if (done) {
            done(index);
          }
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })().finally(() => {
      polling = null;
    });
  }

  async function removeDoc(docId, title, control) {
    if (!window.confirm("Remove " + title + " (" + docId + ") from the course?")) {
      return;
    }
    control.disabled = true;
    try {
      const index = await request("DELETE", "documents/" + encodeURIComponent(docId));
      show(index);
    } catch (e) {
      control.disabled = false;
      notice.fail("Could not remove " + docId + ": " + e.message);
      return;
    }
    focusOn(stateEl); // the row and its button go once the index is rebuilt
    notice.ok("Removing " + docId + "…");
    follow((index) => {
      const gone = !index.documents.some((d) => d.doc_id === docId);
      notice.ok(gone ? "Removed " + docId + "." : "The rebuild did not remove " + docId + ".");
    });
  }

  for (const control of table.querySelectorAll("button.remove-doc")) {
    const cell = control.closest("tr");
    const title = cell ? cell.cells[0].textContent : control.dataset.doc;
    control.addEventListener("click", () => removeDoc(control.dataset.doc, title, control));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files && fileInput.files[0];
    if (!file) {
      say(uploadError, "Choose a file first.");
      fileInput.focus();
      return;
    }
    const data = new FormData();
    data.append("file", file, file.name);
    submit.disabled = true;
    say(uploadError, "");
    let sent;
    try {
      sent = await request("POST", "documents", { form: data });
    } catch (e) {
      say(uploadError, e.message); // refused: nothing changed on the server
      fileInput.focus();
      return;
    } finally {
      submit.disabled = false;
    }
    form.reset();
    submit.focus(); // it lost the focus while disabled
    stateEl.dataset.status = "building";
    say(stateEl, stateLine({ status: "building", version: sent.index_version }));
    notice.ok("Uploaded " + file.name + " as " + sent.doc_id + ": building…");
    follow((index) => {
      const there = index.documents.some((d) => d.doc_id === sent.doc_id);
      notice.ok(there
        ? sent.doc_id + " is ready (index version " + index.version + ")."
        : "The rebuild did not take " + sent.doc_id + ": see the error above.");
    });
  });

  if (stateEl.dataset.status === "building") {
    follow(null);
  }
}
