/* Requests to the teacher routes with the page's key in the X-API-Key header, and the
   server's reason when one is refused. No page: `fetch` is handed in, so Node's test runner
   drives it with a fake server. The key is never written anywhere but that header. */

export class RequestError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "RequestError";
    this.status = status;
  }
}

// The server's reason: FastAPI's `detail`, a string or a list of validation errors.
export function reasonOf(status, body) {
  const detail = body && typeof body === "object" ? body.detail : null;
  if (typeof detail === "string" && detail) {
    return detail;
  }
  if (Array.isArray(detail)) {
    const lines = detail
      .map((d) => (d && typeof d.msg === "string" ? d.msg : ""))
      .filter(Boolean);
    if (lines.length) {
      return lines.join("; ");
    }
  }
  return "The request failed (error " + status + ").";
}

// The key the page was opened with (`/teacher?key=...`), or "" without one.
export function keyFrom(search) {
  return new URLSearchParams(search).get("key") || "";
}

// A proxy's error page is not JSON: then there is no body to read a reason from.
function jsonOrNull(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch (e) {
    return null;
  }
}

// request(method, path, {json, form}): the reply's JSON (null for an empty reply), or a
// RequestError with the server's reason. `path` is under `base`, the root of the course's
// routes relative to the page ("v1/" on /teacher, "../../v1/courses/ID/" on a course's page).
export function makeRequest(fetchImpl, key, base = "v1/") {
  return async function request(method, path, { json, form } = {}) {
    const headers = { Accept: "application/json" };
    if (key) {
      headers["X-API-Key"] = key;
    }
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form; // FormData: fetch writes the multipart boundary itself
    }
    let response;
    try {
      response = await fetchImpl(base + path, { method, headers, body, cache: "no-store" });
    } catch (e) {
      throw new RequestError("The server could not be reached (" + String(e) + ").", 0);
    }
    const parsed = jsonOrNull(await response.text());
    if (!response.ok) {
      throw new RequestError(reasonOf(response.status, parsed), response.status);
    }
    return parsed;
  };
}
