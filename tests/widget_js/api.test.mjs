import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  ApiError,
  createClient,
  describeDetail,
  errorFor,
  messageOf,
  requestHeaders,
  routesOf,
} from "../../bots/widget_static/api.js";

// A fake server: records every request and answers from `reply(path, init)`, which returns
// [status, body text] or throws to play a network failure.
function fakeFetch(reply) {
  const calls = [];
  const fetch = async (path, init) => {
    calls.push({ path, init, body: init.body === undefined ? undefined : JSON.parse(init.body) });
    const [status, text] = await reply(path, init);
    return new Response(text, { status });
  };
  return { fetch, calls };
}

const json = (status, body) => () => [status, JSON.stringify(body)];

describe("describeDetail", () => {
  test("a string detail is itself", () => {
    assert.equal(describeDetail("no such quiz"), "no such quiz");
  });
  test("FastAPI validation errors name their field without the body prefix", () => {
    const detail = [
      { loc: ["body", "question"], msg: "String should have at most 500 characters" },
      { loc: ["query", "limit"], msg: "bad" },
      "plain",
      { msg: 3 },
    ];
    assert.equal(
      describeDetail(detail),
      "question: String should have at most 500 characters; query.limit: bad; plain"
    );
  });
  test("a problem's title, and nothing for anything else", () => {
    assert.equal(describeDetail({ title: "Rate limited" }), "Rate limited");
    assert.equal(describeDetail({ status: 429 }), "");
    assert.equal(describeDetail(null), "");
  });
});

describe("errorFor", () => {
  test("401 tells the student to ask for a working link, with the server's detail", () => {
    const e = errorFor(401, { detail: "unknown key" });
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 401);
    assert.equal(
      e.message,
      "Your access key is missing or invalid, so the tutor cannot answer. " +
        "Ask your teacher for a working link. (unknown key)"
    );
  });
  test("403, 429 and 5xx have their own words; other codes show the detail", () => {
    assert.equal(errorFor(403, null).message, "This key may not use the tutor here.");
    assert.equal(
      errorFor(429, { title: "slow down" }).message,
      "Too many questions at once; wait a moment and try again. (slow down)"
    );
    assert.equal(
      errorFor(503, null).message,
      "The tutor is having trouble right now (error 503). Please try again later."
    );
    assert.equal(errorFor(404, { detail: "no such document" }).message, "no such document");
    assert.equal(errorFor(418, {}).message, "The request failed (error 418).");
  });
  test("messageOf words an unexpected error", () => {
    assert.equal(messageOf(new ApiError("plain", 0)), "plain");
    assert.equal(messageOf(new TypeError("x")), "Something went wrong: TypeError: x");
  });
});

describe("the client", () => {
  test("headers: the channel always, the key only when there is one", () => {
    assert.deepEqual(requestHeaders(null, false), {
      "X-Tutor-Channel": "widget",
      Accept: "application/json",
    });
    assert.deepEqual(requestHeaders("k1", true), {
      "X-Tutor-Channel": "widget",
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-API-Key": "k1",
    });
  });

  test("asks on a relative path, keeps no key in the URL and carries the session on", async () => {
    const server = fakeFetch((path) =>
      path === "v1/ask"
        ? json(200, { answer: "a", session_id: "s1" })()
        : json(200, { correct: true, session_id: "s2" })()
    );
    const client = createClient({ apiKey: "secret", fetch: server.fetch });
    assert.equal(client.sessionId, null);
    await client.ask("When?");
    await client.ask("And then?");
    await client.answerQuiz("q/1", "1961");
    assert.deepEqual(
      server.calls.map((c) => [c.init.method, c.path, c.body]),
      [
        ["POST", "v1/ask", { question: "When?", session_id: null }],
        ["POST", "v1/ask", { question: "And then?", session_id: "s1" }],
        ["POST", "v1/quiz/q%2F1/answer", { session_id: "s1", answer: "1961" }],
      ]
    );
    assert.equal(client.sessionId, "s2");
    for (const { path, init } of server.calls) {
      assert.ok(!path.includes("secret"));
      assert.equal(init.headers["X-API-Key"], "secret");
      assert.equal(init.cache, "no-store");
      assert.equal(init.credentials, "same-origin");
      assert.equal(init.referrerPolicy, "no-referrer");
    }
  });

  test("a course's page asks that course's routes", async () => {
    assert.equal(routesOf(null), "v1/");
    assert.equal(routesOf(""), "v1/");
    assert.equal(routesOf("bio-9"), "v1/courses/bio-9/");
    const server = fakeFetch(() => [200, JSON.stringify({ session_id: "s1" })]);
    const client = createClient({ course: "bio/9", fetch: server.fetch });
    await client.ask("When?");
    await client.answerQuiz("q1", "x");
    await client.document("d 1");
    assert.deepEqual(
      server.calls.map((c) => c.path),
      ["v1/courses/bio%2F9/ask", "v1/courses/bio%2F9/quiz/q1/answer", "v1/courses/bio%2F9/documents/d%201"]
    );
  });

  test("a kept session goes on; each new one is handed to onSession", async () => {
    const server = fakeFetch(() => json(200, { session_id: "s9" })());
    const seen = [];
    const client = createClient({
      fetch: server.fetch,
      sessionId: "s-kept",
      onSession: (id) => seen.push(id),
    });
    assert.equal(client.sessionId, "s-kept");
    await client.answerQuiz("q1", "a", 7.5);
    await client.answerQuiz("q1", "a", 0); // not measured: no seconds
    assert.deepEqual(server.calls[0].body, { session_id: "s-kept", answer: "a", seconds: 7.5 });
    assert.deepEqual(server.calls[1].body, { session_id: "s9", answer: "a" });
    assert.deepEqual(seen, ["s9", "s9"]);
  });

  test("progress, review and a review's summary, on the session's paths", async () => {
    const server = fakeFetch(() => json(200, { items: [] })());
    const client = createClient({ fetch: server.fetch, sessionId: "s 1" });
    await client.progress();
    await client.review("America/Sao_Paulo");
    await client.reviewSummary(["q1"], 12.5, "UTC");
    assert.deepEqual(
      server.calls.map((c) => [c.init.method, c.path, c.body]),
      [
        ["GET", "v1/sessions/s%201/progress", undefined],
        ["GET", "v1/sessions/s%201/review?zone=America%2FSao_Paulo", undefined],
        ["POST", "v1/sessions/s%201/review/summary", { quiz_ids: ["q1"], since: 12.5, zone: "UTC" }],
      ]
    );
  });

  test("a reply without a session id keeps the one it has", async () => {
    const replies = [{ session_id: "s1" }, { session_id: "" }, {}];
    const server = fakeFetch(() => [200, JSON.stringify(replies.shift())]);
    const client = createClient({ fetch: server.fetch });
    for (let i = 0; i < 3; i += 1) {
      await client.ask("q");
    }
    assert.equal(client.sessionId, "s1");
  });

  test("failures become ApiErrors with the student's wording", async () => {
    const cases = [
      [() => [401, JSON.stringify({ detail: "bad key" })], 401, /access key is missing.*bad key/],
      [() => [200, "<html>proxy page</html>"], 200, /reply this page cannot read/],
      [() => [200, "[1, 2]"], null, null],
      [() => [200, "\"text\""], 200, /cannot read/],
      [() => [502, "Bad Gateway"], 502, /error 502\)\. Please try again later\.$/],
      [() => { throw new TypeError("Failed to fetch"); }, 0, /Could not reach the tutor/],
    ];
    for (const [reply, status, pattern] of cases) {
      const client = createClient({ fetch: fakeFetch(reply).fetch });
      if (pattern === null) {
        assert.deepEqual(await client.ask("q"), [1, 2]); // an object, if an odd one
        continue;
      }
      await assert.rejects(client.ask("q"), (e) => {
        assert.ok(e instanceof ApiError, String(e));
        assert.equal(e.status, status);
        assert.match(e.message, pattern);
        return true;
      });
    }
  });

  test("a request that outlives the timeout is aborted and says so", async () => {
    const never = (path, init) =>
      new Promise((resolve, reject) => {
        init.signal.addEventListener("abort", () =>
          reject(new DOMException("aborted", "AbortError"))
        );
      });
    const cleared = [];
    const client = createClient({
      fetch: fakeFetch(never).fetch,
      timeoutMs: 5,
      clearTimeout: (t) => {
        cleared.push(t);
        clearTimeout(t);
      },
    });
    await assert.rejects(client.ask("q"), /took too long to reply/);
    assert.equal(cleared.length, 1);
  });

  test("a document is fetched once, and again after a failure", async () => {
    let fail = true;
    const server = fakeFetch(() => {
      if (fail) {
        fail = false;
        return [500, ""];
      }
      return [200, JSON.stringify({ doc_id: "d 1", text: "t" })];
    });
    const client = createClient({ fetch: server.fetch });
    await assert.rejects(client.document("d 1"), /error 500/);
    const first = client.document("d 1");
    assert.equal(client.document("d 1"), first);
    assert.equal((await first).text, "t");
    assert.deepEqual(
      server.calls.map((c) => [c.init.method, c.path, c.init.headers["Content-Type"]]),
      [
        ["GET", "v1/documents/d%201", undefined],
        ["GET", "v1/documents/d%201", undefined],
      ]
    );
  });
});
