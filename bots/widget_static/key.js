/* The access key. It comes once from ?key=KEY and leaves the address bar at once, so it lingers
   in neither the history nor a referrer; from then on it only ever travels in a header. */

export function takeKeyFromAddress(location, history) {
  const params = new URLSearchParams(location.search);
  if (!params.has("key")) {
    return null;
  }
  const key = params.get("key");
  params.delete("key");
  const query = params.toString();
  const clean = location.pathname + (query ? "?" + query : "") + location.hash;
  try {
    history.replaceState(history.state, "", clean);
  } catch (e) {
    /* a sandboxed frame may refuse; the key still never goes into a request URL */
  }
  return key || null;
}
