/* The tutor's chat widget, the page's one script (an ES module; the others it imports):
   finds the page's elements and wires the question box, the answers, the passage panel and
   the quiz cards together.
     api.js        the API client: requests, error messages, session id, fetched documents
     key.js        the access key, taken from the address bar
     messages.js   the message list and its scrolling
     answer.js     an answer with its citations, or what the course covers instead
     citations.js  where a quote sits in its document (pure)
     passage.js    the passage panel
     quiz.js       the quiz card and its grade
     study.js      the Review and Progress buttons: review.js (due items, then a summary),
                   progress.js (mastery per section, items due, streak), session.js (kept)
     dom.js        element helpers: text only, never HTML */

import { createClient, messageOf } from "./api.js";
import { renderAnswer, renderError } from "./answer.js";
import { el } from "./dom.js";
import { takeKeyFromAddress } from "./key.js";
import { createMessageList } from "./messages.js";
import { createPassagePanel } from "./passage.js";
import { renderQuiz } from "./quiz.js";
import { browserStorage, keepSession, storedSession } from "./session.js";
import { installStudy } from "./study.js";

// Taken before anything else runs, so the key leaves the address bar at once. The course
// (`?course=ID`) stays there: the page asks that course's routes. The session is kept in
// the browser, one per course, so a learner's progress carries over between visits.
const course = new URLSearchParams(window.location.search).get("course");
const storage = browserStorage(window);
const client = createClient({
  apiKey: takeKeyFromAddress(window.location, window.history),
  course: course,
  sessionId: storedSession(storage, course),
  onSession: (id) => keepSession(storage, id, course),
});

function start() {
  const messages = createMessageList(document.getElementById("messages"));
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const sendButton = document.getElementById("send");
  const passage = createPassagePanel({
    parts: {
      dialog: document.getElementById("passage"),
      section: document.getElementById("passage-section"),
      body: document.getElementById("passage-body"),
      closeButton: document.getElementById("passage-close"),
    },
    loadDocument: client.document,
    messageOf: messageOf,
    fallbackFocus: input,
  });
  const answerActions = {
    onCite: passage.open,
    onSuggestion(text) {
      input.value = text;
      input.focus();
    },
  };
  const quizActions = {
    answerQuiz: client.answerQuiz,
    openPassage: passage.open,
    reveal: messages.reveal,
    messageOf: messageOf,
  };
  installStudy(document, { client, messages, quizActions });
  let busy = false;

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    messages.setBusy(value);
  }

  function ask(question) {
    setBusy(true);
    messages.add(el("div", "msg user", question));
    const pending = messages.add(el("div", "msg tutor pending", "Thinking…"));
    pending.setAttribute("aria-hidden", "true");
    client
      .ask(question)
      .then((reply) => {
        pending.remove();
        const shown = messages.add(renderAnswer(reply, answerActions));
        if (reply.followup_quiz) {
          messages.add(renderQuiz(reply.followup_quiz, quizActions));
        }
        messages.reveal(shown);
      })
      .catch((e) => {
        pending.remove();
        messages.add(renderError(messageOf(e)));
      })
      .finally(() => setBusy(false));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || busy) {
      return;
    }
    input.value = "";
    ask(question);
  });
  // no autofocus: inside an LMS page it would scroll the page to the frame
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
