/* The learner's session kept in the browser (localStorage), so that progress, due items and
   the streak carry over from one visit to the next. Storage may be missing or refuse (a
   sandboxed frame, a private window): then every visit is a new session, as before. */

export const SESSION_KEY = "tutor-session";
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/; // what the API takes

// `window.localStorage`, or null where reading it throws.
export function browserStorage(win) {
  try {
    return win.localStorage || null;
  } catch (e) {
    return null;
  }
}

// One session a course: the default course's under SESSION_KEY, another's under
// SESSION_KEY + ":" + its id.
export function sessionKey(course) {
  return course ? SESSION_KEY + ":" + course : SESSION_KEY;
}

export function storedSession(storage, course = null) {
  try {
    const id = storage ? storage.getItem(sessionKey(course)) : null;
    return typeof id === "string" && SESSION_ID.test(id) ? id : null;
  } catch (e) {
    return null;
  }
}

export function keepSession(storage, id, course = null) {
  try {
    if (storage && typeof id === "string" && SESSION_ID.test(id)) {
      storage.setItem(sessionKey(course), id);
    }
  } catch (e) {
    // full or refused: the session lasts as long as the page
  }
}
