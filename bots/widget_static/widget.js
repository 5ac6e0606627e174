/* The tutor's chat widget. Every piece of server text goes into the page with textContent,
   never as HTML: course text may hold markup. */
(function () {
  "use strict";

  var REQUEST_TIMEOUT_MS = 30000;
  var CONTEXT_LIMIT = 1200; // characters of paragraph shown on each side of a quote

  // The key comes once from ?key=KEY, stays in this closure, and leaves the address bar at
  // once so it lingers in neither the history nor a referrer. It only ever travels in a header.
  var apiKey = takeKeyFromAddress();
  var sessionId = null;
  var documents = new Map(); // doc_id -> Promise of the document
  var busy = false;
  var returnFocusTo = null;

  var messages, form, input, sendButton, dialog, dialogSection, dialogBody, closeButton;

  function takeKeyFromAddress() {
    var params = new URLSearchParams(window.location.search);
    if (!params.has("key")) {
      return null;
    }
    var key = params.get("key");
    params.delete("key");
    var query = params.toString();
    var clean = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    try {
      window.history.replaceState(window.history.state, "", clean);
    } catch (e) {
      /* a sandboxed frame may refuse; the key still never goes into a request URL */
    }
    return key || null;
  }

  // ---------------------------------------------------------------------------------------
  // Small DOM helpers
  // ---------------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function button(className, text, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // Scrolls only the message list: scrollIntoView would also scroll the LMS page around
  // the frame.
  function addMessage(node) {
    messages.appendChild(node);
    scrollToEnd();
    return node;
  }

  function scrollToEnd() {
    messages.scrollTop = messages.scrollHeight;
  }

  // Brings `node` into the message list's view, its top first: on a phone an answer and its
  // quiz are taller than the screen, and the answer is what the student wants to read.
  function reveal(node) {
    var top = node.offsetTop - 12;
    var bottom = node.offsetTop + node.offsetHeight + 12;
    var view = messages.clientHeight;
    if (top < messages.scrollTop || bottom - top > view) {
      messages.scrollTop = top;
    } else if (bottom > messages.scrollTop + view) {
      messages.scrollTop = bottom - view;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Requests
  // ---------------------------------------------------------------------------------------

  function ApiError(message, status) {
    this.message = message;
    this.status = status;
  }

  function headers(withBody) {
    var h = { "X-Tutor-Channel": "widget", Accept: "application/json" };
    if (withBody) {
      h["Content-Type"] = "application/json";
    }
    if (apiKey) {
      h["X-API-Key"] = apiKey;
    }
    return h;
  }

  function describeDetail(detail) {
    if (typeof detail === "string") {
      return detail;
    }
    if (Array.isArray(detail)) {
      return detail
        .map(function (d) {
          if (d && typeof d === "object" && typeof d.msg === "string") {
            var where = Array.isArray(d.loc) ? d.loc.filter(function (x) {
              return x !== "body";
            }).join(".") : "";
            return where ? where + ": " + d.msg : d.msg;
          }
          return typeof d === "string" ? d : "";
        })
        .filter(Boolean)
        .join("; ");
    }
    if (detail && typeof detail === "object" && typeof detail.title === "string") {
      return detail.title;
    }
    return "";
  }

  function errorFor(status, body) {
    var detail = body ? describeDetail(body.detail) || describeDetail(body) : "";
    if (status === 401) {
      return new ApiError(
        "Your access key is missing or invalid, so the tutor cannot answer. " +
          "Ask your teacher for a working link." + (detail ? " (" + detail + ")" : ""),
        status
      );
    }
    if (status === 403) {
      return new ApiError(
        "This key may not use the tutor here." + (detail ? " (" + detail + ")" : ""),
        status
      );
    }
    if (status === 429) {
      return new ApiError(
        "Too many questions at once; wait a moment and try again." +
          (detail ? " (" + detail + ")" : ""),
        status
      );
    }
    if (status >= 500) {
      return new ApiError(
        "The tutor is having trouble right now (error " + status + "). Please try again later." +
          (detail ? " (" + detail + ")" : ""),
        status
      );
    }
    return new ApiError(detail || "The request failed (error " + status + ").", status);
  }

  function api(method, path, body) {
    var controller = new AbortController();
    var timer = window.setTimeout(function () {
      controller.abort();
    }, REQUEST_TIMEOUT_MS);
    var init = {
      method: method,
      headers: headers(body !== undefined),
      cache: "no-store",
      credentials: "same-origin",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    // relative to the page, so a path prefix in front of /widget is kept
    return fetch(path, init)
      .then(
        function (response) {
          return response.text().then(function (text) {
            var parsed = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch (e) {
              parsed = null;
            }
            if (!response.ok) {
              throw errorFor(response.status, parsed);
            }
            if (parsed === null || typeof parsed !== "object") {
              throw new ApiError("The tutor sent a reply this page cannot read.", response.status);
            }
            return parsed;
          });
        },
        function (e) {
          if (e && e.name === "AbortError") {
            throw new ApiError("The tutor took too long to reply. Please try again.", 0);
          }
          throw new ApiError(
            "Could not reach the tutor. Check your connection and try again.",
            0
          );
        }
      )
      .finally(function () {
        window.clearTimeout(timer);
      });
  }

  function messageOf(e) {
    return e instanceof ApiError ? e.message : "Something went wrong: " + String(e);
  }

  // ---------------------------------------------------------------------------------------
  // Asking
  // ---------------------------------------------------------------------------------------

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    messages.setAttribute("aria-busy", value ? "true" : "false");
  }

  function ask(question) {
    if (busy) {
      return;
    }
    setBusy(true);
    addMessage(el("div", "msg user", question));
    var pending = addMessage(el("div", "msg tutor pending", "Thinking…"));
    pending.setAttribute("aria-hidden", "true");
    api("POST", "v1/ask", { question: question, session_id: sessionId })
      .then(function (reply) {
        if (typeof reply.session_id === "string" && reply.session_id) {
          sessionId = reply.session_id;
        }
        pending.remove();
        var shown = addMessage(renderAnswer(reply));
        if (reply.followup_quiz) {
          addMessage(renderQuiz(reply.followup_quiz));
        }
        reveal(shown);
      })
      .catch(function (e) {
        pending.remove();
        addMessage(renderError(messageOf(e)));
      })
      .finally(function () {
        setBusy(false);
      });
  }

  function renderError(text) {
    var box = el("div", "msg error");
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, text));
    return box;
  }

  function renderAnswer(reply) {
    var box = el("div", "msg tutor answer");
    var citations = Array.isArray(reply.citations) ? reply.citations : [];

    if (reply.answerable === false) {
      box.classList.add("unanswerable");
      box.appendChild(el("p", "label", "Not covered by the course"));
      box.appendChild(el("p", "answer-text", reply.answer || ""));
      var suggestions = Array.isArray(reply.suggestions) ? reply.suggestions : [];
      if (suggestions.length) {
        box.appendChild(el("p", "suggest-label", "The course covers, for example:"));
        var list = el("ul", "suggestions");
        suggestions.forEach(function (s) {
          var item = el("li");
          var b = button("suggestion", s, function () {
            input.value = s;
            input.focus();
          });
          b.setAttribute("aria-label", "Put “" + s + "” in the question box");
          item.appendChild(b);
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      return box;
    }

    var text = el("p", "answer-text");
    text.appendChild(document.createTextNode(reply.answer || ""));
    citations.forEach(function (c, i) {
      text.appendChild(document.createTextNode(" "));
      text.appendChild(citationButton(c, i + 1));
    });
    box.appendChild(text);

    if (citations.length) {
      box.appendChild(el("p", "sources-label", "Sources"));
      var sources = el("ol", "sources");
      citations.forEach(function (c) {
        var item = el("li", "source");
        item.appendChild(el("span", "source-section", c.section || "Course text"));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("q", "source-quote", c.quote || ""));
        sources.appendChild(item);
      });
      box.appendChild(sources);
    }
    return box;
  }

  function citationButton(citation, n) {
    var b = button("cite", "[" + n + "]", function () {
      openPassage(citation, b);
    });
    b.setAttribute(
      "aria-label",
      "[" + n + "] Show source " + n + (citation.section ? ": " + citation.section : "")
    );
    b.setAttribute("aria-haspopup", "dialog");
    return b;
  }

  // ---------------------------------------------------------------------------------------
  // The passage panel
  // ---------------------------------------------------------------------------------------

  function getDocument(docId) {
    if (!documents.has(docId)) {
      var request = api("GET", "v1/documents/" + encodeURIComponent(docId));
      documents.set(docId, request);
      request.catch(function () {
        documents.delete(docId); // let a later click try again
      });
    }
    return documents.get(docId);
  }

  // Offsets from the server count code points; JavaScript strings count UTF-16 units.
  function unitIndex(text, codePoints) {
    if (!/[\uD800-\uDFFF]/.test(text)) {
      return codePoints;
    }
    var units = 0;
    var seen = 0;
    while (seen < codePoints && units < text.length) {
      var code = text.charCodeAt(units);
      units += code >= 0xd800 && code <= 0xdbff && units + 1 < text.length ? 2 : 1;
      seen += 1;
    }
    return units;
  }

  function paragraphAround(text, start, end) {
    var from = 0;
    if (start >= 2) {
      var before = text.lastIndexOf("\n\n", start - 2);
      from = before < 0 ? 0 : before + 2;
    }
    var after = text.indexOf("\n\n", end);
    var to = after < 0 ? text.length : after;
    while (from < start && /\s/.test(text.charAt(from))) {
      from += 1;
    }
    while (to > end && /\s/.test(text.charAt(to - 1))) {
      to -= 1;
    }
    var head = "";
    var tail = "";
    if (start - from > CONTEXT_LIMIT) {
      var cut = text.indexOf(" ", start - CONTEXT_LIMIT);
      from = cut < 0 || cut >= start ? start - CONTEXT_LIMIT : cut + 1;
      head = "… ";
    }
    if (to - end > CONTEXT_LIMIT) {
      var stop = text.lastIndexOf(" ", end + CONTEXT_LIMIT);
      to = stop <= end ? end + CONTEXT_LIMIT : stop;
      tail = " …";
    }
    return {
      before: head + text.slice(from, start),
      quote: text.slice(start, end),
      after: text.slice(end, to) + tail,
    };
  }

  function showPassage(citation, doc) {
    dialogBody.textContent = "";
    var text = typeof doc.text === "string" ? doc.text : "";
    var start = unitIndex(text, citation.start);
    var end = unitIndex(text, citation.end);
    if (doc.title) {
      dialogSection.textContent = doc.title + (citation.section ? " › " + citation.section : "");
    }
    if (!(start >= 0 && end > start && end <= text.length) ||
        text.slice(start, end) !== citation.quote) {
      dialogBody.appendChild(
        el("p", "note", "The course text has changed since this answer; the quoted words were:")
      );
      var p = el("p", "passage-text");
      p.appendChild(el("mark", null, citation.quote || ""));
      dialogBody.appendChild(p);
      return;
    }
    var parts = paragraphAround(text, start, end);
    var para = el("p", "passage-text");
    para.appendChild(document.createTextNode(parts.before));
    para.appendChild(el("mark", null, parts.quote));
    para.appendChild(document.createTextNode(parts.after));
    dialogBody.appendChild(para);
    var mark = para.querySelector("mark");
    if (mark && dialogBody.scrollHeight > dialogBody.clientHeight) {
      dialogBody.scrollTop = Math.max(0, mark.offsetTop - dialogBody.clientHeight / 3);
    }
  }

  function openPassage(citation, opener) {
    returnFocusTo = opener || document.activeElement;
    dialogSection.textContent = citation.section || "";
    dialogBody.textContent = "";
    dialogBody.appendChild(el("p", "note", "Loading the passage…"));
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
    }
    dialog.focus();
    getDocument(citation.doc_id).then(
      function (doc) {
        if (dialog.open) {
          showPassage(citation, doc);
        }
      },
      function (e) {
        if (dialog.open) {
          dialogBody.textContent = "";
          dialogBody.appendChild(el("p", "note error-text", messageOf(e)));
        }
      }
    );
  }

  // Focus goes back at once, not from the dialog's "close" event: that event comes a task
  // later, after a quick reopen, and would then take the focus out of the new panel.
  function closePassage() {
    if (dialog.open) {
      if (typeof dialog.close === "function") {
        dialog.close();
      } else {
        dialog.removeAttribute("open");
      }
      restoreFocus();
    }
  }

  function restoreFocus() {
    var target = returnFocusTo;
    returnFocusTo = null;
    if (target && typeof target.focus === "function" && document.contains(target)) {
      target.focus();
    } else {
      input.focus();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Quiz cards
  // ---------------------------------------------------------------------------------------

  var quizCount = 0;

  function renderQuiz(quiz) {
    quizCount += 1;
    var card = el("div", "msg tutor quiz");
    var headingId = "quiz-" + quizCount;
    card.setAttribute("role", "group");
    card.setAttribute("aria-labelledby", headingId);
    card.appendChild(el("p", "label", "Quiz yourself"));
    var q = el("p", "quiz-question", quiz.question || "");
    q.id = headingId;
    card.appendChild(q);

    var feedback = el("div", "feedback");
    feedback.hidden = true;
    var controls = [];

    function submit(answer, chosen) {
      if (!answer) {
        return;
      }
      controls.forEach(function (c) {
        c.disabled = true;
        c.classList.remove("chosen");
      });
      if (chosen) {
        chosen.classList.add("chosen");
      }
      api("POST", "v1/quiz/" + encodeURIComponent(quiz.quiz_id) + "/answer", {
        session_id: sessionId,
        answer: answer,
      })
        .then(function (grade) {
          if (typeof grade.session_id === "string" && grade.session_id) {
            sessionId = grade.session_id;
          }
          showGrade(feedback, grade, quiz);
          markOptions(controls, grade);
        })
        .catch(function (e) {
          feedback.hidden = false;
          feedback.className = "feedback wrong";
          feedback.textContent = "";
          feedback.appendChild(el("p", null, messageOf(e)));
        })
        .finally(function () {
          controls.forEach(function (c) {
            c.disabled = false;
          });
          reveal(feedback);
        });
    }

    if (quiz.kind === "multiple_choice" && Array.isArray(quiz.options) && quiz.options.length) {
      var list = el("div", "options");
      quiz.options.forEach(function (option, i) {
        var b = button("option", null, function () {
          submit(option, b);
        });
        b.appendChild(el("span", "option-letter", String.fromCharCode(65 + i)));
        b.appendChild(el("span", "option-text", option));
        b.dataset.answer = option;
        controls.push(b);
        list.appendChild(b);
      });
      card.appendChild(list);
    } else if (quiz.kind === "true_false") {
      var row = el("div", "options two");
      [["True", "true"], ["False", "false"]].forEach(function (pair) {
        var b = button("option", pair[0], function () {
          submit(pair[1], b);
        });
        b.dataset.answer = pair[1];
        controls.push(b);
        row.appendChild(b);
      });
      card.appendChild(row);
    } else {
      var inputId = "quiz-answer-" + quizCount;
      var label = el("label", "quiz-label", "Your answer");
      label.htmlFor = inputId;
      var field = el("input", "quiz-input");
      field.id = inputId;
      field.type = "text";
      field.autocomplete = "off";
      var check = button("primary", "Check", function () {
        submit(field.value.trim(), null);
      });
      field.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.isComposing) {
          event.preventDefault();
          submit(field.value.trim(), null);
        }
      });
      controls.push(field, check);
      var line = el("div", "short-row");
      line.appendChild(field);
      line.appendChild(check);
      card.appendChild(label);
      card.appendChild(line);
    }
    card.appendChild(feedback);
    return card;
  }

  function markOptions(controls, grade) {
    controls.forEach(function (c) {
      if (c.dataset && c.dataset.answer !== undefined) {
        c.classList.toggle("is-expected", c.dataset.answer === grade.expected);
      }
    });
  }

  function showGrade(feedback, grade, quiz) {
    feedback.textContent = "";
    feedback.hidden = false;
    feedback.className = "feedback " + (grade.correct ? "right" : "wrong");
    feedback.appendChild(el("p", "verdict", grade.correct ? "✓ Correct" : "✗ Not quite"));
    if (grade.feedback) {
      feedback.appendChild(el("p", "feedback-text", grade.feedback));
    }
    if (!grade.correct && grade.expected && (grade.feedback || "").indexOf(grade.expected) < 0) {
      var expected = el("p", "expected");
      expected.appendChild(el("span", "expected-label", "Answer: "));
      expected.appendChild(document.createTextNode(grade.expected));
      feedback.appendChild(expected);
    }
    var citation = grade.citation || quiz.citation;
    if (citation && citation.quote) {
      if (!grade.feedback || grade.feedback.indexOf(citation.quote) < 0) {
        feedback.appendChild(el("blockquote", "source-quote", citation.quote));
      }
      var source = el("p", "feedback-source");
      source.appendChild(el("span", null, "Source: " + (citation.section || "course text") + " "));
      var show = button("link", "Show passage", function () {
        openPassage(citation, show);
      });
      show.setAttribute("aria-haspopup", "dialog");
      source.appendChild(show);
      feedback.appendChild(source);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------

  function start() {
    messages = document.getElementById("messages");
    form = document.getElementById("ask");
    input = document.getElementById("question");
    sendButton = document.getElementById("send");
    dialog = document.getElementById("passage");
    dialogSection = document.getElementById("passage-section");
    dialogBody = document.getElementById("passage-body");
    closeButton = document.getElementById("passage-close");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = input.value.trim();
      if (!question || busy) {
        return;
      }
      input.value = "";
      ask(question);
    });

    closeButton.addEventListener("click", closePassage);
    dialog.addEventListener("cancel", function (event) {
      // Escape: close ourselves, so focus handling is the same on every browser
      event.preventDefault();
      closePassage();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        closePassage();
      }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target !== dialog || event.detail === 0) {
        return; // inside the panel, or a click made with the keyboard
      }
      var r = dialog.getBoundingClientRect();
      var outside = event.clientX < r.left || event.clientX > r.right ||
        event.clientY < r.top || event.clientY > r.bottom;
      if (outside) {
        closePassage(); // a click on the backdrop
      }
    });
    // no autofocus: inside an LMS page it would scroll the page to the frame
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
