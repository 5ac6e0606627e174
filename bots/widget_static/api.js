/* The API client: every request the widget makes, the messages for failed ones, the session id
   the conversation carries and the documents it has fetched. No page: `fetch` and the timers
   are handed in, so Node's test runner drives it with a fake server. */

export const REQUEST_TIMEOUT_MS = 30000;

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

// A readable line from an error body: FastAPI's `detail` (a string or a list of validation
// errors) or an RFC 9457 problem's `title`.
export function describeDetail(detail) {
  if (typeof detail === "string") {
    return detail;
  }
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        if (d && typeof d === "object" && typeof d.msg === "string") {
          const where = Array.isArray(d.loc) ? d.loc.filter((x) => x !== "body").join(".") : "";
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

const STATUS_MESSAGES = {
  401: "Your access key is missing or invalid, so the tutor cannot answer. " +
    "Ask your teacher for a working link.",
  403: "This key may not use the tutor here.",
  429: "Too many questions at once; wait a moment and try again.",
};

export function errorFor(status, body) {
  const detail = body ? describeDetail(body.detail) || describeDetail(body) : "";
  const suffix = detail ? " (" + detail + ")" : "";
  if (STATUS_MESSAGES[status]) {
    return new ApiError(STATUS_MESSAGES[status] + suffix, status);
  }
  if (status >= 500) {
    return new ApiError(
      "The tutor is having trouble right now (error " + status + "). Please try again later." +
        suffix,
      status
    );
  }
  return new ApiError(detail || "The request failed (error " + status + ").", status);
}

export function messageOf(e) {
  return e instanceof ApiError ? e.message : "Something went wrong: " + String(e);
}

export function requestHeaders(apiKey, withBody) {
  const h = { "X-Tutor-Channel": "widget", Accept: "application/json" };
  if (withBody) {
    h["Content-Type"] = "application/json";
  }
  if (apiKey) {
    h["X-API-Key"] = apiKey;
  }
  return h;
}

async function readReply(response) {
  const text = await response.text();
  let parsed = null;
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
}

// The root of a course's routes, relative to the page: the default course's (`v1/`) without
// one, else `v1/courses/ID/` (the page was opened as /widget?course=ID).
export function routesOf(course) {
  return course ? "v1/courses/" + encodeURIComponent(course) + "/" : "v1/";
}

// Paths are relative to the page, so a path prefix in front of /widget is kept.
export function createClient({
  apiKey = null,
  course = null,
  sessionId: initialSession = null, // one kept from an earlier visit (session.js)
  onSession = () => {}, // called with the session id each time a reply names it
  fetch = globalThis.fetch,
  setTimeout = globalThis.setTimeout,
  clearTimeout = globalThis.clearTimeout,
  timeoutMs = REQUEST_TIMEOUT_MS,
} = {}) {
  let sessionId = initialSession;
  const documents = new Map(); // doc_id -> Promise of the document
  const root = routesOf(course);

  function request(method, path, body) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const init = {
      method: method,
      headers: requestHeaders(apiKey, body !== undefined),
      cache: "no-store",
      credentials: "same-origin",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    return fetch(root + path, init)
      .then(readReply, (e) => {
        if (e && e.name === "AbortError") {
          throw new ApiError("The tutor took too long to reply. Please try again.", 0);
        }
        throw new ApiError("Could not reach the tutor. Check your connection and try again.", 0);
      })
      .finally(() => clearTimeout(timer));
  }

  function sessionPath(rest) {
    return "sessions/" + encodeURIComponent(sessionId) + "/" + rest;
  }

  // Every reply that names a session continues it.
  function keepSession(reply) {
    if (typeof reply.session_id === "string" && reply.session_id) {
      sessionId = reply.session_id;
      onSession(sessionId);
    }
    return reply;
  }

  return {
    get sessionId() {
      return sessionId;
    },
    ask(question) {
      return request("POST", "ask", { question: question, session_id: sessionId }).then(
        keepSession
      );
    },
    // `seconds`: how long the learner took, when measured (it schedules the next review)
    answerQuiz(quizId, answer, seconds) {
      const path = "quiz/" + encodeURIComponent(quizId) + "/answer";
      const body = { session_id: sessionId, answer: answer };
      if (typeof seconds === "number" && seconds > 0) {
        body.seconds = Math.min(seconds, 86400);
      }
      return request("POST", path, body).then(keepSession);
    },
    // One request per document; a failed one is forgotten so that a later click tries again.
    document(docId) {
      if (!documents.has(docId)) {
        const pending = request("GET", "documents/" + encodeURIComponent(docId));
        documents.set(docId, pending);
        pending.catch(() => documents.delete(docId));
      }
      return documents.get(docId);
    },
    // The learner's progress, review and a review's summary (progress.js, review.js); only
    // once there is a session.
    progress() {
      return request("GET", sessionPath("progress"));
    },
    review(zone) {
      return request("GET", sessionPath("review") + "?zone=" + encodeURIComponent(zone || "UTC"));
    },
    reviewSummary(quizIds, since, zone) {
      const body = { quiz_ids: quizIds, since: since, zone: zone || "UTC" };
      return request("POST", sessionPath("review/summary"), body);
    },
  };
}
