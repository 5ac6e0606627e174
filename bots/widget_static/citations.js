/* Where a citation's quote sits in its document: pure string work, no page. */

export const CONTEXT_LIMIT = 1200; // characters of paragraph shown on each side of a quote

// Offsets from the server count code points; JavaScript strings count UTF-16 units.
export function unitIndex(text, codePoints) {
  if (!/[\uD800-\uDFFF]/.test(text)) {
    return codePoints;
  }
  let units = 0;
  let seen = 0;
  while (seen < codePoints && units < text.length) {
    const code = text.charCodeAt(units);
    units += code >= 0xd800 && code <= 0xdbff && units + 1 < text.length ? 2 : 1;
    seen += 1;
  }
  return units;
}

// The paragraph (blank-line delimited) around text[start:end], cut at a word to at most
// CONTEXT_LIMIT characters on each side, with "…" where it was cut.
export function paragraphAround(text, start, end) {
  let from = 0;
  if (start >= 2) {
    const before = text.lastIndexOf("\n\n", start - 2);
    from = before < 0 ? 0 : before + 2;
  }
  const after = text.indexOf("\n\n", end);
  let to = after < 0 ? text.length : after;
  while (from < start && /\s/.test(text.charAt(from))) {
    from += 1;
  }
  while (to > end && /\s/.test(text.charAt(to - 1))) {
    to -= 1;
  }
  let head = "";
  let tail = "";
  if (start - from > CONTEXT_LIMIT) {
    const cut = text.indexOf(" ", start - CONTEXT_LIMIT);
    from = cut < 0 || cut >= start ? start - CONTEXT_LIMIT : cut + 1;
    head = "… ";
  }
  if (to - end > CONTEXT_LIMIT) {
    const stop = text.lastIndexOf(" ", end + CONTEXT_LIMIT);
    to = stop <= end ? end + CONTEXT_LIMIT : stop;
    tail = " …";
  }
  return {
    before: head + text.slice(from, start),
    quote: text.slice(start, end),
    after: text.slice(end, to) + tail,
  };
}

// The quote's paragraph in `doc`, or null when the document no longer holds the quote at the
// citation's offsets (the course changed since the answer).
export function locateQuote(doc, citation) {
  const text = typeof doc.text === "string" ? doc.text : "";
  const start = unitIndex(text, citation.start);
  const end = unitIndex(text, citation.end);
  if (!(start >= 0 && end > start && end <= text.length) ||
      text.slice(start, end) !== citation.quote) {
    return null;
  }
  return paragraphAround(text, start, end);
}

// The panel's heading line: the document's title, then the section, when the title is known.
export function passageHeading(doc, citation) {
  if (!doc.title) {
    return null;
  }
  return doc.title + (citation.section ? " › " + citation.section : "");
}
