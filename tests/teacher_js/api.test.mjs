import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { keyFrom, makeRequest, reasonOf, RequestError } from "../../bots/teacher_static/api.js";

function fakeServer(status, body) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
    return { ok: status < 400, status, text: async () => text };
  };
  return { calls, fetchImpl };
}

describe("keyFrom", () => {
  test("the key of the page's address, or nothing", () => {
    assert.equal(keyFrom("?key=tk_abc&view=documents"), "tk_abc");
    assert.equal(keyFrom("?view=documents"), "");
  });
});

describe("reasonOf", () => {
  test("the server's detail, a string or validation errors", () => {
    assert.equal(reasonOf(415, { detail: "unknown file type .exe" }), "unknown file type .exe");
    assert.equal(
      reasonOf(422, { detail: [{ msg: "Field required", loc: ["body", "start"] }, { msg: "x" }] }),
      "Field required; x",
    );
  });
  test("a status without a readable body", () => {
    assert.equal(reasonOf(502, null), "The request failed (error 502).");
    assert.equal(reasonOf(400, { detail: [] }), "The request failed (error 400).");
  });
});

describe("makeRequest", () => {
  test("the key goes in the X-API-Key header only; JSON bodies are typed", async () => {
    const server = fakeServer(201, { id: "c1" });
    const request = makeRequest(server.fetchImpl, "tk_secret");
    const made = await request("POST", "corrections", { json: { note: "n" } });
    assert.deepEqual(made, { id: "c1" });
    const [{ url, init }] = server.calls;
    assert.equal(url, "v1/corrections");
    assert.equal(init.headers["X-API-Key"], "tk_secret");
    assert.equal(init.headers["Content-Type"], "application/json");
    assert.equal(init.body, JSON.stringify({ note: "n" }));
    assert.ok(!url.includes("tk_secret"));
  });

  test("paths are under the course's root the page names", async () => {
    const server = fakeServer(200, { version: "v1" });
    await makeRequest(server.fetchImpl, "k", "../../v1/courses/bio-9/")("GET", "index");
    assert.equal(server.calls[0].url, "../../v1/courses/bio-9/index");
  });

  test("a form body is left to fetch to frame; no key, no header", async () => {
    const server = fakeServer(202, { doc_id: "kariba" });
    const form = { fake: "form data" };
    await makeRequest(server.fetchImpl, "")("POST", "documents", { form });
    const { init } = server.calls[0];
    assert.equal(init.body, form);
    assert.equal(init.headers["Content-Type"], undefined);
    assert.equal(init.headers["X-API-Key"], undefined);
  });

  test("an empty reply is null", async () => {
    const server = fakeServer(204);
    assert.equal(await makeRequest(server.fetchImpl, "k")("DELETE", "corrections/c1"), null);
  });

  test("a refusal is a RequestError with the server's reason and status", async () => {
    const server = fakeServer(400, { detail: "kariba.docx cannot be read as .docx" });
    await assert.rejects(
      makeRequest(server.fetchImpl, "k")("POST", "documents", { form: {} }),
      (e) => e instanceof RequestError && e.status === 400 && /cannot be read/.test(e.message),
    );
  });

  test("a reply that is not JSON still gives a reason", async () => {
    const server = fakeServer(502, "<html>Bad gateway</html>");
    await assert.rejects(makeRequest(server.fetchImpl, "k")("GET", "index"), {
      message: "The request failed (error 502).",
    });
  });

  test("an unreachable server is a RequestError, status 0", async () => {
    const request = makeRequest(async () => {
      throw new TypeError("Failed to fetch");
    }, "k");
    await assert.rejects(request("GET", "index"), (e) => e.status === 0 && /reached/.test(e.message));
  });
});
